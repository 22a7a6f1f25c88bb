"""``kzar-ld validate``: reports on stdout in three formats, exit codes 0/1/2, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from typer.testing import CliRunner

from kzar_ld import Format, build_graph, load_article, serialize
from kzar_ld.cli import app
from kzar_ld.namespaces import FOAF, OA, RDF, SCHEMA, SH, XSD

EXAMPLE = "examples/kazinform-2023-08-24"
SECOND = "tests/data/articles/fictional-round-table"
ID = "https://kzar.example/id/"
ARTICLE = URIRef(ID + "article/000_b748ee61ec8ac40c")
UMAROV = URIRef(ID + "person/kairat-umarov")
POSITION = URIRef(f"{ARTICLE}/mention/68-81#position")
runner = CliRunner()


def _write_variant(tmp_path: Path, name: str, edit: object, *, fmt: Format = Format.NQUADS) -> Path:
    dataset = build_graph(load_article(EXAMPLE))
    graph = dataset.graph(ARTICLE)
    edit(graph)  # type: ignore[operator]
    path = tmp_path / f"{name.replace(' ', '-')}{fmt.extension}"
    path.write_bytes(serialize(dataset, format=fmt))
    return path


def _shift(graph: Graph) -> None:
    for prop in (OA.start, OA.end):
        value = graph.value(POSITION, prop)
        graph.set((POSITION, prop, Literal(int(value) + 1, datatype=XSD.nonNegativeInteger)))


#: One defect each: (edit, the node the report must name, words of the problem)
VARIANTS = {
    "person without a name": (
        lambda g: (g.remove((UMAROV, SCHEMA.name, None)), g.remove((UMAROV, FOAF.name, None))),
        f"<{UMAROV}>",
        "This person has no name",
    ),
    "shifted offset": (_shift, f"<{ARTICLE}/mention/68-81>", 'quotes "Kairat Umarov", but the article body at offsets 69-82'),
    "date that is not a date": (
        lambda g: g.set((ARTICLE, SCHEMA.datePublished, Literal("2023-08-32", datatype=XSD.date))),
        f"<{ARTICLE}>",
        "exactly one publication date",
    ),
    "two publication dates": (
        lambda g: g.add((ARTICLE, SCHEMA.datePublished, Literal("2023-08-25", datatype=XSD.date))),
        f"<{ARTICLE}>",
        "exactly one publication date",
    ),
    "nationality that is a city": (
        lambda g: g.add((UMAROV, SCHEMA.nationality, URIRef(ID + "place/buenos-aires"))),
        f'<{UMAROV}> "Kairat Umarov"',
        "must be a country",
    ),
    "attendee that is a place": (
        lambda g: g.add((URIRef(ID + "event/umarov-meeting-welber-barral"), SCHEMA.attendee, URIRef(ID + "place/rosario"))),
        f"<{ID}event/umarov-meeting-welber-barral>",
        "must be a person or an organisation",
    ),
    "invented schema property": (
        lambda g: g.add((UMAROV, URIRef(str(SCHEMA) + "birthCity"), Literal("Almaty"))),
        f'<{UMAROV}> "Kairat Umarov"',
        "schema:birthCity, which is not a property of schema.org 30.0",
    ),
    "both person and organisation": (
        lambda g: g.add((UMAROV, RDF.type, FOAF.Organization)),
        f'<{UMAROV}> "Kairat Umarov"',
        "typed both as a person and as an organisation",
    ),
}  # fmt: skip


def test_the_first_article_conforms_with_two_warnings() -> None:
    result = runner.invoke(app, ["validate", EXAMPLE])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Conforms: no violations, 2 warnings (1 graph checked).\n")
    assert "(kzsh:NewsImage, sh:MinCountConstraintComponent)" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_broken_variant_exits_1_naming_the_node_and_the_problem(tmp_path: Path, name: str) -> None:
    edit, node, words = VARIANTS[name]
    path = _write_variant(tmp_path, name, edit)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stdout.startswith("Does not conform: ")
    lines = result.stdout.splitlines()
    assert node in lines or any(line.startswith(node) or node in line for line in lines)
    assert words in result.stdout
    [error] = result.stderr.splitlines()
    assert error.startswith("kzar-ld: error: the data does not conform: ")


def test_json_format(tmp_path: Path) -> None:
    path = _write_variant(tmp_path, "nationality", VARIANTS["nationality that is a city"][0])
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["conforms"] is False and document["warnings"] == 2
    assert any(
        r["sourceShape"].endswith("#PersonNationality") and r["focusNode"] == str(UMAROV) for r in document["results"]
    )


def test_turtle_format_is_the_shacl_report_graph() -> None:
    result = runner.invoke(app, ["validate", EXAMPLE, "-f", "turtle"])
    assert result.exit_code == 0, result.stderr
    report = Graph().parse(data=result.stdout, format="turtle")
    [root] = list(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(root, SH.conforms) == Literal(True)
    assert len(list(report.objects(root, SH.result))) == 2


def test_several_inputs_of_different_kinds(tmp_path: Path) -> None:
    turtle = tmp_path / "second.ttl"
    turtle.write_bytes(serialize(build_graph(load_article(SECOND)), format=Format.TURTLE))
    result = runner.invoke(app, ["validate", EXAMPLE, str(turtle)])
    assert result.exit_code == 0, result.stderr
    assert "(2 graphs checked)" in result.stdout.splitlines()[0]
    assert f"In graph <{turtle.resolve().as_uri()}>:" in result.stdout


@pytest.mark.parametrize("fmt", [Format.TURTLE, Format.JSON_LD, Format.NT, Format.TRIG, Format.XML])
def test_every_syntax_we_write_can_be_validated(tmp_path: Path, fmt: Format) -> None:
    path = tmp_path / f"article{fmt.extension}"
    path.write_bytes(serialize(build_graph(load_article(EXAMPLE)), format=fmt))
    result = runner.invoke(app, ["validate", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["violations"] == 0 and document["warnings"] == 2


def test_input_format_names_the_syntax_when_the_extension_does_not(tmp_path: Path) -> None:
    path = tmp_path / "article.data"
    path.write_bytes(serialize(build_graph(load_article(EXAMPLE)), format=Format.NQUADS))
    unnamed = runner.invoke(app, ["validate", str(path)])
    assert unnamed.exit_code == 2
    assert "cannot tell the RDF syntax from the extension '.data'" in unnamed.stderr
    named = runner.invoke(app, ["validate", str(path), "--input-format", "nquads"])
    assert named.exit_code == 0, named.stderr


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        ("<https://kzar.example/id/a> <http://schema.org/name> .", "broken.ttl", "broken.ttl:1:"),
        ('{"@context": "https://example.org/context.jsonld", "name": "x"}', "remote.jsonld", "remote.jsonld"),
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r/>', "entity.rdf", "entity.rdf"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: str, name: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    [error] = result.stderr.splitlines()
    assert error.startswith("kzar-ld: error: ") and words in error


def test_a_missing_input_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ttl"
    result = runner.invoke(app, ["validate", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.stderr and len(result.stderr.splitlines()) == 1


def test_an_unknown_report_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", EXAMPLE, "--format", "yaml"])
    assert result.exit_code == 2
    assert "yaml" in result.stderr


def test_help_shows_examples_and_exit_codes() -> None:
    result = runner.invoke(app, ["validate", "--help"])
    assert result.exit_code == 0
    assert "kzar-ld validate examples/kazinform-2023-08-24" in result.stdout
    assert "0 conforms (warnings allowed), 1 violations, 2 bad input" in result.stdout


def test_an_empty_dataset_file_conforms(tmp_path: Path) -> None:
    path = tmp_path / "empty.nq"
    path.write_bytes(serialize(Dataset(), format=Format.NQUADS))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Conforms: no violations, no warnings (1 graph checked).")
