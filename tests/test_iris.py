"""IRI minting: slugs from hostile names, the base, and strict checking."""

from __future__ import annotations

import unicodedata

import pyoxigraph
import pytest

from kzar_ld.errors import IriError
from kzar_ld.iris import IriMinter, check_iri, slugify, validate_base


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Kairat Umarov", "kairat-umarov"),
        ("Gustavo Gutiérrez", "gustavo-gutierrez"),
        ("José Ñúñez Peña", "jose-nunez-pena"),
        ("Әлия Сейітқызы", "aliya-seyitqyzy"),
        ("Қасым-Жомарт Тоқаев", "qasym-zhomart-toqaev"),
        ("Straße", "strasse"),
        ("  «BMJ»  ", "bmj"),
        ("../../x", "x"),
        ("a/b\\c", "a-b-c"),
        ("name?with#iri&chars", "name-with-iri-chars"),
        ("東京", "%E6%9D%B1%E4%BA%AC"),
        ("Kazinform 🇰🇿", "kazinform"),
        ("000_b748ee61ec8ac40c", "000-b748ee61ec8ac40c"),
    ],
)
def test_slugs_are_ascii_lowercase_and_valid_in_an_iri(name: str, slug: str) -> None:
    got = slugify(name)
    assert got == slug
    assert got.isascii() and "/" not in got and ".." not in got
    pyoxigraph.NamedNode(IriMinter().entity("person", got))  # strict IRI check


def test_same_name_in_nfc_and_nfd_is_one_slug() -> None:
    nfc = "Gutiérrez"
    assert slugify(unicodedata.normalize("NFD", nfc)) == slugify(nfc)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty or only white space"),
        ("  \u3000 ", "empty or only white space"),
        ("bad\ud800name", "lone surrogate U+D800"),
        ("line\nbreak", "control or format character U+000A"),
        ("nul\x00", "control or format character U+0000"),
        ("zero\u200bwidth", "control or format character U+200B"),
        ("--//..", "has no letter or digit"),
        ("🇰🇿", "has no letter or digit"),
    ],
)
def test_names_that_cannot_make_an_iri_are_errors_with_the_place(name: str, message: str) -> None:
    with pytest.raises(IriError) as info:
        slugify(name, source="a.yaml", line=7)
    assert message in str(info.value)
    assert str(info.value).startswith("a.yaml:7: ")


@pytest.mark.parametrize(
    "base",
    [
        "foo",
        "kzar.example/id/",
        "/id/",
        "ftp://x/",
        "https:///x",
        "https://x/a b/",
        "https://x/?q=1",
    ],
)
def test_a_base_that_is_not_an_absolute_http_iri_is_refused(base: str) -> None:
    with pytest.raises(IriError, match="--base"):
        validate_base(base)


def test_base_gets_a_trailing_slash_and_hash_bases_are_kept() -> None:
    assert validate_base("https://data.example.org/id") == "https://data.example.org/id/"
    assert validate_base("https://data.example.org/id#") == "https://data.example.org/id#"
    assert IriMinter("https://d.example/x").article("a1") == "https://d.example/x/article/a1"


def test_check_iri_refuses_invalid_iris() -> None:
    with pytest.raises(IriError, match="not a valid absolute IRI"):
        check_iri("https://x/a b")
    with pytest.raises(IriError, match="not a valid absolute IRI"):
        check_iri("relative/path")
