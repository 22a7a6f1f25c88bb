"""Regression (issue 12, item 6): two articles declaring `kazakhstan` differently merged silently.

One node got two names and two `sameAs`. Shared entities now come from a registry
(`entities.yaml` beside the article directories, or `entities=`), and a conflicting declaration
is an error naming both files and lines; articles that declare shared ids themselves are
compared by `check_shared_entities`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _fictional import HEAD, write_article
from rdflib import Literal, URIRef

from kzar_ld import build_graph, load_article
from kzar_ld.errors import AnnotationError
from kzar_ld.namespaces import SCHEMA
from kzar_ld.registry import check_shared_entities

SHARED = Path("tests/data/shared")
KAZAKHSTAN = URIRef("https://kzar.example/id/place/kazakhstan")


def kazakhstan(name: str, geonames: str) -> str:
    return (
        f"places:\n  - id: kazakhstan\n    kind: country\n    name: {name}\n"
        f'    geonames: "{geonames}"\n    mentions: [Kazakhstan]\n'
    )


def test_articles_of_one_registry_give_one_name_and_one_identifier(tmp_path: Path) -> None:
    articles = [load_article(SHARED / name) for name in ("fictional-consulate-opening", "fictional-credentials")]
    check_shared_entities(articles)  # one registry: nothing to compare
    merged = {t for a in articles for t in build_graph(a).triples((KAZAKHSTAN, None, None))}
    assert [o for _, p, o in merged if p == SCHEMA.name] == [Literal("Kazakhstan")]
    assert len([o for _, p, o in merged if p == SCHEMA.sameAs]) == 2  # Wikidata and GeoNames, once each
    # The second article only refers to Kazakhstan through Astana: the registry brings it in.
    credentials = articles[1]
    assert "kazakhstan" in credentials.kinds
    assert credentials.declarations["kazakhstan"] == (str(SHARED / "entities.yaml"), 14)


def test_two_articles_declaring_an_entity_differently_is_an_error_naming_both(tmp_path: Path) -> None:
    one = write_article(tmp_path / "a", HEAD + kazakhstan("Kazakhstan", "1522867"))
    two = write_article(tmp_path / "b", HEAD + kazakhstan("Republic of Kazakhstan", "1522868"))
    with pytest.raises(AnnotationError) as info:
        check_shared_entities([load_article(one), load_article(two)])
    lines = str(info.value).splitlines()
    assert lines == [
        f"{two / 'annotation.yaml'}:11: 'kazakhstan' is declared differently in {one / 'annotation.yaml'}:11: "
        "name 'Republic of Kazakhstan' here, 'Kazakhstan' there; declare it once in entities.yaml",
        f"{two / 'annotation.yaml'}:11: 'kazakhstan' is declared differently in {one / 'annotation.yaml'}:11: "
        "geonames '1522868' here, '1522867' there; declare it once in entities.yaml",
    ]


def test_an_article_contradicting_the_registry_is_an_error_naming_both_files(tmp_path: Path) -> None:
    shutil.copy(SHARED / "entities.yaml", tmp_path / "entities.yaml")
    folder = write_article(tmp_path, HEAD + kazakhstan("Kazakhstan", "1522868"))
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    assert str(info.value) == (
        f"{folder / 'annotation.yaml'}:14: place 'kazakhstan' conflicts with its shared declaration in "
        f"{tmp_path / 'entities.yaml'}:14: geonames '1522868' here, '1522867' there; "
        "remove geonames here or change it there"
    )


def test_repeating_a_registry_field_with_the_same_value_is_fine(tmp_path: Path) -> None:
    shutil.copy(SHARED / "entities.yaml", tmp_path / "entities.yaml")
    folder = write_article(tmp_path, HEAD + kazakhstan("Kazakhstan", "1522867"))
    article = load_article(folder)
    assert article.entity("kazakhstan").wikidata == "Q232"  # from the registry
    assert [s.exact for s in article.spans if s.entity == "kazakhstan"] == ["Kazakhstan"]


def test_an_explicit_registry_path_is_used_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    folder = write_article(tmp_path / "deep", HEAD + "places:\n  - id: kazakhstan\n    mentions: [Kazakhstan]\n")
    with pytest.raises(AnnotationError, match="missing field 'name' \\(or declare 'kazakhstan' in the shared"):
        load_article(folder)
    article = load_article(folder, entities=SHARED / "entities.yaml")
    assert article.entity("kazakhstan").name == "Kazakhstan"
    with pytest.raises(AnnotationError, match="shared entities file not found"):
        load_article(folder, entities=tmp_path / "nope.yaml")


def test_a_registry_entity_in_another_section_is_a_conflict(tmp_path: Path) -> None:
    shutil.copy(SHARED / "entities.yaml", tmp_path / "entities.yaml")
    folder = write_article(
        tmp_path, HEAD.replace("  - id: kazinform\n", "  - id: kazakhstan\n    name: K\n  - id: kazinform\n")
    )
    with pytest.raises(AnnotationError, match="'kazakhstan' is declared in organizations here, but in places in "):
        load_article(folder)


@pytest.mark.parametrize(
    ("registry", "message"),
    [
        (
            "places:\n  - id: kz\n    name: K\n    mentions: [K]\n",
            ":4: places[0] (id 'kz'): mentions belong in an article",
        ),
        ("places:\n  - id: kz\n    contained_in: [asia]\n", ":2: places[0] (id 'kz'): missing field 'name'"),
        ("places:\n  - id: kz\n    name: K\n    contained_in: [asia]\n", ":4: unknown id 'asia': the shared entities"),
        (
            "places:\n  - id: kz\n    name: K\n  - id: kz\n    name: L\n",
            ":4: places[1] (id 'kz'): id 'kz' is declared twice",
        ),
        ("plcaes: []\n", ":1: annotation: unknown key 'plcaes' (did you mean 'places'?)"),
    ],
)
def test_a_bad_registry_is_reported_with_its_file_and_line(tmp_path: Path, registry: str, message: str) -> None:
    (tmp_path / "entities.yaml").write_text(registry, encoding="utf-8")
    folder = write_article(tmp_path, HEAD)
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    assert f"{tmp_path / 'entities.yaml'}{message}" in str(info.value)
