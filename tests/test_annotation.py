"""Bad annotations: each is reported with the file, the line and the offending value, exit code 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kzar_ld import annotation_json_schema, load_article
from kzar_ld.cli import app
from kzar_ld.errors import AnnotationError

EXAMPLE = Path("examples/kazinform-2023-08-24")


def edited_copy(tmp_path: Path, old: str, new: str, *, count: int = 1) -> tuple[Path, int]:
    """Copy the example article, replace ``old`` by ``new`` in its annotation; return dir and line."""
    target = tmp_path / "article"
    shutil.copytree(EXAMPLE, target)
    ann = target / "annotation.yaml"
    text = ann.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"test setup: {old!r} not in the annotation"
    index = text.index(old)
    ann.write_text(text.replace(old, new, count), encoding="utf-8")
    return target, text.count("\n", 0, index) + 1


CASES = [
    pytest.param(
        "publisher: kazinform",
        "publisher: kazinfrom",
        "unknown id 'kazinfrom': no entity has this id",
        0,
        id="unknown-id",
    ),
    pytest.param(
        "  - id: bmj\n",
        "  - id: kazinform\n",
        "duplicate id 'kazinform': already used by an organisation",
        0,
        id="duplicate-id",
    ),
    pytest.param(
        "mentions: [Welber Barral]",
        "mentions: [Welber Baral]",
        "quote 'Welber Baral' not found in the article body",
        0,
        id="quote-not-found",
    ),
    pytest.param(
        "        occurrence: 3",
        "        occurrence: 9",
        "quote 'meeting' occurs 3 time(s), so occurrence 9 is out of range",
        0,
        id="occurrence-out-of-range",
    ),
    pytest.param(
        "      ref: kazakhstan\n",
        "      ref: mfa-kazakhstan\n",
        "'mfa-kazakhstan' is an organisation, but this slot takes a place",
        0,
        id="wrong-kind-nationality",
    ),
    pytest.param(
        "    attendees: [kairat-umarov]\n    ended",
        "    attendees: [argentina]\n    ended",
        "'argentina' is a place, but this slot takes a person or organisation",
        0,
        id="attendee-is-a-place",
    ),
    pytest.param(
        "    parties: [kazakhstan, argentina]",
        "    parties: [kazakhstan, buenos-aires]",
        "party 'buenos-aires' is a city, but a relation's parties are countries",
        0,
        id="party-not-a-country",
    ),
    pytest.param(
        "  language: en\n",
        "  language: en\n  date_modified: 2023-02-30\n",
        "article.date_modified: '2023-02-30' is not a calendar date",
        1,
        id="bad-date",
    ),
    pytest.param(
        "  language: en\n",
        "  language: en\n  date_modified: 24/08/2023\n",
        "article.date_modified: date must be YYYY-MM-DD, not '24/08/2023'",
        1,
        id="bad-date-format",
    ),
    pytest.param(
        "  language: en\n",
        "  language: en\n  date_published: 2023-08-25\n",
        "article.date_published '2023-08-25' differs from the text's header date '2023-08-24'",
        1,
        id="date-disagrees",
    ),
    pytest.param(
        "    wikidata: Q232",
        "    wikidata: X232",
        "Wikidata id must look like Q232, not 'X232'",
        0,
        id="bad-wikidata",
    ),
    pytest.param(
        '    geonames: "1522867"',
        "    geonames: 15228x67",
        "GeoNames id must be a number like 1522867, not '15228x67'",
        0,
        id="bad-geonames",
    ),
    pytest.param(
        "    iso3166: KZ",
        "    iso3166: kaz",
        "ISO 3166-1 alpha-2 code must be two capital letters, not 'kaz'",
        0,
        id="bad-iso",
    ),
    pytest.param(
        "    given_name: Kairat\n",
        "    given_nmae: Kairat\n",
        "people[0] (id 'kairat-umarov'): unknown key 'given_nmae' (did you mean 'given_name'?)",
        0,
        id="unknown-field",
    ),
    pytest.param(
        "  - id: bmj\n",
        "  - id: '--'\n",
        "name '--' has no letter or digit to make an IRI from",
        0,
        id="id-without-letters",
    ),
    pytest.param(
        "  - id: bmj\n",
        "  - id: '  '\n",
        "organizations[5].id: String should have at least 1 character (got '  ')",
        0,
        id="blank-id",
    ),
    pytest.param(
        "    ordinal: 30\n",
        "    ordinal: -30\n",
        "events[2].ordinal: Input should be greater than or equal to 1 (got '-30')",
        0,
        id="negative-ordinal",
    ),
    pytest.param("publisher: kazinform", "publisher: [kazinform", "YAML syntax error", 0, id="yaml-syntax"),
]


@pytest.mark.parametrize(("old", "new", "message", "line_shift"), CASES)
def test_bad_annotation_is_reported_with_file_line_and_value(
    tmp_path: Path, old: str, new: str, message: str, line_shift: int
) -> None:
    folder, line = edited_copy(tmp_path, old, new)
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    text = str(info.value)
    # One line per error, in file order: the edited line comes first, then what follows from it
    # (a duplicated id also leaves the references to the old id unknown).
    lines = text.splitlines()
    if "YAML syntax" in message:
        assert len(lines) == 1 and message in text
    else:
        at = f"{folder / 'annotation.yaml'}:{line + line_shift}: "
        assert any(x.startswith(at) and message in x for x in lines), text
        assert all(x.startswith(f"{folder / 'annotation.yaml'}:") for x in lines), text
    result = CliRunner().invoke(app, ["build", str(folder)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    folder, _line = edited_copy(tmp_path, "  authors: [kazinform]", "  authors: &a [kazinform]\n  about_again: *a")
    with pytest.raises(AnnotationError, match="YAML aliases"):
        load_article(folder)


def test_yaml_scalars_stay_text(tmp_path: Path) -> None:
    # YAML 1.1 reads `no` as false and `1_000` as a number; annotation values stay as written.
    folder, _ = edited_copy(
        tmp_path,
        "    alternate_names: [Republic of Kazakhstan]",
        "    alternate_names: [no, 1_000]",
    )
    article = load_article(folder)
    kazakhstan = article.entity("kazakhstan")
    assert kazakhstan.alternate_names == ("no", "1_000")  # type: ignore[union-attr]


_TRICKY_YAML = [
    "format: kzar-annotation/1\r\nempty:\r\ntilde: ~\r\nquoted: ''\r\nnull_word: null\r\n",
    "people:\n  - id: p\n    mentions: [Kairat Umarov, the Kazakh diplomat]\n    note: '😀 é'\n",
    "\ufeffpeople:\n  - id: p\n    mentions: [Welber Barral, ambassador]\n",
    "text: |\n  two\n  lines\nflow: {a: [x, y], b: 'z'}\n",
    "bad: [unclosed\n",
    "a: &x [1]\nb: *x\n",
]


@pytest.mark.parametrize("text", _TRICKY_YAML)
def test_libyaml_and_pure_python_yaml_read_annotations_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml is used where PyYAML has it; values, lines, flow splits and errors must not change
    import yaml

    from kzar_ld import annotation

    def read(loader: object) -> object:
        monkeypatch.setattr(annotation, "_FAST_LOADER", loader)
        try:
            node = annotation._compose(text, "t.yaml")
        except (yaml.YAMLError, AnnotationError) as exc:
            return type(exc).__name__, str(exc)
        lines: dict[object, int] = {}
        splits: list[object] = []
        assert node is not None
        return annotation._to_python(node, (), lines, "t.yaml", splits, text, []), lines, splits  # type: ignore[arg-type]

    assert yaml.__with_libyaml__, "PyYAML without libyaml: this test would compare the pure parser with itself"
    assert read(yaml.CSafeLoader) == read(None)


def test_missing_annotation_and_missing_text(tmp_path: Path) -> None:
    with pytest.raises(AnnotationError, match=r"no annotation\.yaml in the article directory"):
        load_article(tmp_path)
    folder, _ = edited_copy(tmp_path, "  text: 000_b748ee61ec8ac40c.txt", "  text: missing.txt")
    with pytest.raises(AnnotationError, match=r"article\.text 'missing\.txt' not found beside the annotation"):
        load_article(folder)


def test_text_outside_the_article_folder_is_refused(tmp_path: Path) -> None:
    folder, _ = edited_copy(tmp_path, "  text: 000_b748ee61ec8ac40c.txt", "  text: ../../etc/passwd")
    with pytest.raises(AnnotationError, match="points outside the article's folder"):
        load_article(folder)


def test_no_header_and_no_date_in_annotation(tmp_path: Path) -> None:
    src = Path("tests/data/articles/fictional-round-table")
    target = tmp_path / "a"
    shutil.copytree(src, target)
    ann = target / "annotation.yaml"
    ann.write_text(
        ann.read_text(encoding="utf-8").replace("  date_published: 2024-03-15\n", ""),
        encoding="utf-8",
    )
    with pytest.raises(
        AnnotationError,
        match="no publication date: the text gives none; add `date_published:`",
    ):
        load_article(target)


def test_oversized_annotation_is_refused_before_reading(tmp_path: Path) -> None:
    folder, _ = edited_copy(tmp_path, "format:", "format:")
    with pytest.raises(AnnotationError, match="over the limit of 100 bytes"):
        load_article(folder, max_bytes=100)


def test_json_schema_is_shipped_and_current() -> None:
    import json

    shipped = json.loads(Path("docs/annotation.schema.json").read_text(encoding="utf-8"))
    assert shipped == annotation_json_schema()
    assert {"article", "people", "organizations", "places", "events", "relations"} <= set(shipped["properties"])


def test_the_same_id_in_nfc_and_nfd_is_one_node(tmp_path: Path) -> None:
    import unicodedata

    from kzar_ld import build_graph

    src = Path("tests/data/articles/fictional-round-table")
    target = tmp_path / "a"
    shutil.copytree(src, target)
    ann = target / "annotation.yaml"
    text = ann.read_text(encoding="utf-8")
    # The definition in NFD, the reference from the event in NFC.
    nfd = unicodedata.normalize("NFD", "José Ñúñez Peña")
    text = text.replace("  - id: José Ñúñez Peña", f"  - id: {nfd}", 1)
    ann.write_text(text, encoding="utf-8")
    assert nfd in ann.read_text(encoding="utf-8")
    ds = build_graph(load_article(target))
    people = {str(s) for s, _, _, _ in ds.quads() if "/person/" in str(s)}
    assert people == {
        "https://kzar.example/id/person/jose-nunez-pena",
        "https://kzar.example/id/person/aliya-seyitqyzy",
    }
