"""The validation library: the first article conforms, broken variants of it do not, and the report.

Broken variants are made by editing a copy of the first article's graph, one defect each, and each
must be reported on the right node by the right check, with a message an editor can act on.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from kzar_ld import Format, NotConformingError, build_graph, load_article, serialize
from kzar_ld.namespaces import FOAF, OA, RDF, SCHEMA, SH, XSD
from kzar_ld.validation.shacl import (
    KZSH,
    ReportFormat,
    Severity,
    ValidationReport,
    ValidationResult,
    _OxigraphSparqlGraph,
    shapes_graph,
    validate,
)

ID = "https://kzar.example/id/"
ARTICLE = URIRef(ID + "article/000_b748ee61ec8ac40c")
KZSH_NS = Namespace(str(KZSH))
UMAROV = URIRef(ID + "person/kairat-umarov")
UMAROV_MENTION = URIRef(f"{ARTICLE}/mention/68-81")
ROSARIO = URIRef(ID + "place/rosario")
BUENOS_AIRES = URIRef(ID + "place/buenos-aires")
KAZAKHSTAN = URIRef(ID + "place/kazakhstan")
BARRAL_MEETING = URIRef(ID + "event/umarov-meeting-welber-barral")

#: What the first article lacks and search engines recommend: the only results it may draw.
EXPECTED_WARNINGS = {
    (ARTICLE, str(KZSH) + "NewsDateModified"),
    (ARTICLE, str(KZSH) + "NewsImage"),
}


@pytest.fixture(scope="module")
def first() -> Dataset:
    return build_graph(load_article("examples/kazinform-2023-08-24"))


def _variant(first: Dataset, edit: Callable[[Graph], None]) -> Dataset:
    """A copy of the first article's dataset with ``edit`` applied to its named graph."""
    copy = Dataset()
    graph = copy.graph(ARTICLE)
    for triple in first.graph(ARTICLE):
        graph.add(triple)
    edit(graph)
    return copy


def test_first_article_conforms_with_only_the_expected_warnings(first: Dataset) -> None:
    report = validate(first)
    assert report.conforms
    assert report.violations == ()
    assert {(r.focus_node, str(r.source_shape)) for r in report.results} == EXPECTED_WARNINGS
    assert all(r.severity is Severity.WARNING for r in report.results)
    assert report.graphs == (ARTICLE,)
    assert report.raise_for_violations() is report


def test_first_article_still_conforms_after_a_round_trip_through_oxigraph(first: Dataset) -> None:
    store = ox.Store()
    store.load(serialize(first, format=Format.NQUADS), format=ox.RdfFormat.N_QUADS)
    dumped = store.dump(format=ox.RdfFormat.N_QUADS)
    back = Dataset()
    back.parse(data=dumped.decode("utf-8"), format="nquads")
    # the store hands offsets back as xsd:integer: the shapes must accept that
    starts = {o.datatype for o in back.graph(ARTICLE).objects(None, OA.start)}
    assert starts == {XSD.integer}
    report = validate(back)
    assert report.violations == ()
    assert {(r.focus_node, str(r.source_shape)) for r in report.results} == EXPECTED_WARNINGS


def _set_start_end(graph: Graph, selector: URIRef, shift: int) -> None:
    for prop in (OA.start, OA.end):
        value = graph.value(selector, prop)
        assert isinstance(value, Literal)
        graph.set((selector, prop, Literal(int(value) + shift, datatype=XSD.nonNegativeInteger)))


def _remove_names(graph: Graph) -> None:
    graph.remove((UMAROV, SCHEMA.name, None))
    graph.remove((UMAROV, FOAF.name, None))


def _bad_date(graph: Graph) -> None:
    graph.set((ARTICLE, SCHEMA.datePublished, Literal("2023-08-32", datatype=XSD.date)))


def _second_date(graph: Graph) -> None:
    graph.add((ARTICLE, SCHEMA.datePublished, Literal("2023-08-25", datatype=XSD.date)))


def _city_nationality(graph: Graph) -> None:
    graph.add((UMAROV, SCHEMA.nationality, BUENOS_AIRES))


def _place_attendee(graph: Graph) -> None:
    graph.add((BARRAL_MEETING, SCHEMA.attendee, ROSARIO))


def _invented_property(graph: Graph) -> None:
    graph.add((UMAROV, URIRef(str(SCHEMA) + "birthCity"), Literal("Almaty")))


def _person_and_organisation(graph: Graph) -> None:
    graph.add((UMAROV, RDF.type, FOAF.Organization))


#: (variant, node the result is about, shape, component, words the message must contain)
VARIANTS = {
    "person without a name": (_remove_names, UMAROV, "PersonNamed", SH.OrConstraintComponent, "has no name"),
    "shifted offset": (
        lambda g: _set_start_end(g, URIRef(f"{UMAROV_MENTION}#position"), 1),
        ARTICLE,
        "QuoteMatchesText",
        SH.SPARQLConstraintComponent,
        f'The mention {UMAROV_MENTION} quotes "Kairat Umarov", but the article body at offsets 69-82 '
        'reads "airat Umarov "',
    ),
    "date that is not a date": (
        _bad_date, ARTICLE, "ArticleDatePublished", SH.OrConstraintComponent, "a date that exists"
    ),
    "two publication dates": (
        _second_date, ARTICLE, "ArticleDatePublished", SH.MaxCountConstraintComponent, "exactly one publication date"
    ),
    "nationality that is a city": (
        _city_nationality, UMAROV, "PersonNationality", SH.ClassConstraintComponent, "must be a country"
    ),
    "attendee that is a place": (
        _place_attendee, BARRAL_MEETING, "EventAttendee", SH.SPARQLConstraintComponent,
        "must be a person or an organisation",
    ),
    "invented schema property": (
        _invented_property, UMAROV, "SchemaOrgUsage", KZSH.VocabularyConstraintComponent,
        "schema:birthCity, which is not a property of schema.org",
    ),
    "both person and organisation": (
        _person_and_organisation, UMAROV, "PersonNotOrganization", SH.SPARQLConstraintComponent,
        "both as a person and as an organisation",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_broken_variant_is_reported_on_its_node(first: Dataset, name: str) -> None:
    edit, node, shape, component, words = VARIANTS[name]
    report = validate(_variant(first, edit))
    assert not report.conforms
    found = [
        r
        for r in report.violations
        if r.focus_node == node and r.source_shape == URIRef(str(KZSH) + shape) and r.constraint_component == component
    ]
    assert found, report.to_text()
    assert words in found[0].message
    assert found[0].graph == ARTICLE
    with pytest.raises(NotConformingError) as caught:
        report.raise_for_violations()
    assert "\n" not in str(caught.value) and caught.value.exit_code == 1


def test_results_name_their_nodes_for_editors(first: Dataset) -> None:
    report = validate(_variant(first, _city_nationality))
    nationality = next(r for r in report.violations if r.source_shape == URIRef(str(KZSH) + "PersonNationality"))
    assert (nationality.focus_name, nationality.value_name) == ("Kairat Umarov", "Buenos Aires")
    assert nationality.result_path == SCHEMA.nationality
    shifted = validate(_variant(first, lambda g: _set_start_end(g, URIRef(f"{UMAROV_MENTION}#position"), 1)))
    quote = next(r for r in shifted.violations if r.source_shape == URIRef(str(KZSH) + "QuoteMatchesText"))
    assert quote.focus_name == "Kazakhstan and Argentina strengthen bilateral cooperation"
    assert (quote.value, quote.value_name) == (UMAROV_MENTION, "mention of “Kairat Umarov”")


# ---------------------------------------------------------------------------------------------
# Graphs, datasets and shapes


def _copy_under(first: Dataset, prefix: str) -> Dataset:
    """The first article again, every kzar IRI moved under ``{ID}{prefix}/``: a new article."""

    def move(term: Node) -> Node:
        if isinstance(term, URIRef) and str(term).startswith(ID):
            return URIRef(ID + prefix + "/" + str(term)[len(ID) :])
        return term

    copy = Dataset()
    graph = copy.graph(move(ARTICLE))
    for s, p, o in first.graph(ARTICLE):
        graph.add((move(s), p, move(o)))
    return copy


def test_a_dataset_is_validated_graph_by_graph(first: Dataset) -> None:
    both = Dataset()
    second = _copy_under(first, "copy")
    second_name = URIRef(ID + "copy/article/000_b748ee61ec8ac40c")
    for source, name in ((first, ARTICLE), (second, second_name)):
        for triple in source.graph(name):
            both.graph(name).add(triple)
    both.graph(second_name).remove((URIRef(ID + "copy/person/kairat-umarov"), SCHEMA.name, None))
    report = validate(both)
    assert report.graphs == (ARTICLE, second_name)
    assert {r.graph for r in report.violations} == {second_name}
    assert len(report.warnings) == 4  # two per article


def test_a_dataset_default_graph_is_validated_when_not_empty(first: Dataset) -> None:
    both = Dataset()
    for triple in first.graph(ARTICLE):
        both.graph(ARTICLE).add(triple)
    both.add((ROSARIO, RDF.type, SCHEMA.City))  # the default graph: a city without a name
    report = validate(both)
    assert report.graphs == (None, ARTICLE)
    [violation] = report.violations
    assert (violation.graph, violation.focus_node) == (None, ROSARIO)


def test_a_plain_graph_is_one_graph() -> None:
    graph = Graph()
    graph.add((ROSARIO, RDF.type, SCHEMA.City))
    graph.add((ROSARIO, SCHEMA.name, Literal("Rosario")))
    report = validate(graph)
    assert report.conforms and report.results == () and report.graphs == (None,)


def test_the_input_is_not_changed(first: Dataset) -> None:
    before = Graph()
    for triple in first.graph(ARTICLE):
        before.add(triple)
    validate(first)
    assert isomorphic(before, first.graph(ARTICLE))


@pytest.mark.parametrize(
    ("constraint", "words"),
    [
        ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a ?t } }" ]', "MINUS"),
        ("sh:minCount 1, 2 ; sh:path schema:name", "minCount"),
    ],
)
def test_own_shapes_that_pyshacl_cannot_use_are_an_input_error(constraint: str, words: str) -> None:
    from kzar_ld.errors import InputError

    shapes = Graph().parse(
        format="turtle",
        data=f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <http://schema.org/> .
        <urn:shape> a sh:{"PropertyShape" if "path" in constraint else "NodeShape"} ;
            sh:targetClass schema:Place ; {constraint} .""",
    )
    data = Graph()
    data.add((ROSARIO, RDF.type, SCHEMA.City))
    with pytest.raises(InputError, match=f"^the shapes graph cannot be used for validation: .*{words}") as info:
        validate(data, shapes=shapes)
    assert "\n" not in str(info.value)


def test_own_shapes_replace_the_shipped_ones() -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <http://schema.org/> .
        <urn:shape> a sh:NodeShape ; sh:targetClass schema:Place ;
            sh:property [ sh:path schema:population ; sh:minCount 1 ] .""",
    )
    data = Graph()
    data.add((ROSARIO, RDF.type, SCHEMA.City))  # no name (a shipped shape) and schema:nmae
    data.add((ROSARIO, URIRef(str(SCHEMA) + "nmae"), Literal("Rosario")))
    report = validate(data, shapes=shapes)
    # City is found as a Place (superclass types are added); the vocabulary check does not run
    [result] = report.results
    assert (result.focus_node, result.constraint_component) == (ROSARIO, SH.MinCountConstraintComponent)
    assert result.result_path == URIRef(str(SCHEMA) + "population") and not str(result.source_shape).startswith(
        str(KZSH)
    )


def test_sparql_constraints_give_the_same_results_on_oxigraph_as_on_rdflib(first: Dataset) -> None:
    import pyshacl

    from kzar_ld.validation.vocab import with_inferred_types

    broken = _variant(first, lambda g: _set_start_end(g, URIRef(f"{UMAROV_MENTION}#position"), 1))
    data = with_inferred_types(broken.graph(ARTICLE))
    outcomes = []
    for graph in (data, _OxigraphSparqlGraph(data)):
        _, report, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes_graph(),
            inference="none",
            use_shapes=[str(KZSH) + "QuoteMatchesText", str(KZSH) + "PersonNameParts"],
        )
        outcomes.append(
            sorted(
                (
                    str(report.value(r, SH.focusNode)),
                    str(report.value(r, SH.value)),
                    str(report.value(r, SH.resultMessage)),
                )
                for r in report.objects(None, SH.result)
            )
        )
    assert outcomes[0] == outcomes[1] and len(outcomes[0]) == 1


# ---------------------------------------------------------------------------------------------
# The report


@pytest.fixture(scope="module")
def broken_report(first: Dataset) -> ValidationReport:
    def edit(graph: Graph) -> None:
        _city_nationality(graph)
        _set_start_end(graph, URIRef(f"{UMAROV_MENTION}#position"), 1)

    return validate(_variant(first, edit))


def test_report_counts_and_conformance(broken_report: ValidationReport) -> None:
    assert not broken_report.conforms
    assert len(broken_report.warnings) == 2
    assert all(r.is_violation for r in broken_report.violations)
    assert broken_report.results == tuple(sorted(broken_report.results, key=ValidationResult.sort_key))


def test_text_report_groups_by_node_with_names(broken_report: ValidationReport) -> None:
    text = broken_report.to_text()
    lines = text.splitlines()
    assert lines[0].startswith("Does not conform: ") and "2 warnings (1 graph checked)." in lines[0]
    assert f"In graph <{ARTICLE}>:" in lines
    header = f'<{UMAROV}> "Kairat Umarov"'
    assert lines.count(header) == 1
    block = lines[lines.index(header) + 1 :]
    assert block[0] == f'  VIOLATION schema:nationality = <{BUENOS_AIRES}> "Buenos Aires"'
    assert "must be a country" in block[1]
    assert "(kzsh:PersonNationality, sh:ClassConstraintComponent)" in text
    assert text.endswith("\n") and text == broken_report.render(format=ReportFormat.TEXT)


def test_turtle_report_is_the_standard_shacl_report(broken_report: ValidationReport) -> None:
    text = broken_report.to_turtle()
    assert text == broken_report.to_turtle()  # the same text every time
    graph = Graph().parse(data=text, format="turtle")
    [root] = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert graph.value(root, SH.conforms) == Literal(False)
    results = list(graph.objects(root, SH.result))
    assert len(results) == len(broken_report.results)
    for node in results:
        for prop in (SH.focusNode, SH.resultSeverity, SH.resultMessage, SH.sourceShape, SH.sourceConstraintComponent):
            assert graph.value(node, prop) is not None
    nationality = next(n for n in results if graph.value(n, SH.sourceShape) == URIRef(str(KZSH) + "PersonNationality"))
    assert graph.value(nationality, SH.resultPath) == SCHEMA.nationality
    assert graph.value(nationality, SH.value) == BUENOS_AIRES
    assert graph.value(nationality, SH.resultSeverity) == SH.Violation


def test_turtle_report_writes_complex_paths_in_shacl_syntax() -> None:
    from rdflib.paths import AlternativePath, InvPath

    path = AlternativePath(SCHEMA.worksFor, InvPath(SCHEMA.member))
    result = ValidationResult(
        severity=Severity.WARNING, focus_node=UMAROV, focus_name=None, result_path=path, value=None,
        message="m", source_shape=URIRef("urn:s"), constraint_component=SH.MinCountConstraintComponent, graph=None,
    )  # fmt: skip
    graph = Graph().parse(data=ValidationReport(results=(result,)).to_turtle(), format="turtle")
    from rdflib.extras.shacl import parse_shacl_path

    path_node = graph.value(next(graph.objects(None, SH.result)), SH.resultPath)
    assert parse_shacl_path(graph, path_node) == path


def test_json_report_is_for_machines(broken_report: ValidationReport) -> None:
    document = json.loads(broken_report.to_json())
    assert document["conforms"] is False
    assert document["warnings"] == 2 and document["violations"] == len(broken_report.violations)
    assert document["graphs"] == [str(ARTICLE)]
    nationality = next(r for r in document["results"] if r["sourceShape"].endswith("#PersonNationality"))
    assert nationality == {
        "severity": "violation",
        "graph": str(ARTICLE),
        "focusNode": str(UMAROV),
        "focusName": "Kairat Umarov",
        "resultPath": str(SCHEMA.nationality),
        "value": str(BUENOS_AIRES),
        "valueName": "Buenos Aires",
        "message": nationality["message"],
        "sourceShape": str(KZSH) + "PersonNationality",
        "sourceConstraintComponent": str(SH.ClassConstraintComponent),
    }
    literal = next(r for r in document["results"] if r["sourceShape"].endswith("#NewsImage"))
    assert literal["value"] is None


def test_json_writes_literals_as_value_objects() -> None:
    result = ValidationResult(
        severity=Severity.VIOLATION, focus_node=ARTICLE, focus_name=None, result_path=SCHEMA.datePublished,
        value=Literal("2023-08-32", datatype=XSD.date), message="m", source_shape=URIRef("urn:s"),
        constraint_component=SH.OrConstraintComponent, graph=None,
    )  # fmt: skip
    [row] = json.loads(ValidationReport(results=(result,)).to_json())["results"]
    assert row["value"] == {"@value": "2023-08-32", "@type": str(XSD.date)}


def test_raise_for_violations_names_the_first_problem_in_one_line(broken_report: ValidationReport) -> None:
    with pytest.raises(NotConformingError) as caught:
        broken_report.raise_for_violations()
    message = str(caught.value)
    assert message.startswith("the data does not conform: ")
    assert f"{len(broken_report.violations)} SHACL violations; first: " in message
    assert "\n" not in message


def test_severity_round_trips_through_its_iri() -> None:
    for severity in Severity:
        assert Severity.from_iri(severity.iri) is severity
    assert Severity.from_iri(None) is Severity.VIOLATION


def test_the_documentation_examples_run() -> None:
    import re
    from pathlib import Path

    documentation = (Path(__file__).parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", documentation, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/validation.md", "exec"), {})


def test_a_graph_holding_an_iri_oxigraph_refuses_is_still_checked_by_its_sparql_shapes() -> None:
    data = Graph().parse(
        format="turtle",
        data="""@prefix schema: <http://schema.org/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <https://kzar.example/id/person/ann> a schema:Person , foaf:Person ;
            schema:name "Ann Lee" ; foaf:name "Ann Lee" ; schema:familyName "Lea" ; foaf:familyName "Lea" .""",
    )
    data.add((URIRef("https://kzar.example/id/has space"), RDF.type, SCHEMA.Thing))  # rdflib allows it
    report = validate(data)
    shapes = {str(r.source_shape).rsplit("#", 1)[1] for r in report.violations}
    assert shapes == {"PersonNameParts"}


def test_a_conjunctive_graph_is_validated_graph_by_graph(first: Dataset) -> None:
    import warnings

    from rdflib import ConjunctiveGraph

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        conjunctive = ConjunctiveGraph()
    for triple in first.graph(ARTICLE):
        conjunctive.get_context(ARTICLE).add(triple)
    report = validate(conjunctive)
    assert report.graphs == (ARTICLE,) and report.conforms and len(report.warnings) == 2


@pytest.mark.parametrize("name", ["as built", *sorted(VARIANTS)])
def test_validating_with_the_nquads_gives_the_same_report(first: Dataset, name: str) -> None:
    # The pipeline hands its N-Quads to validation, which parses them for the SPARQL constraints.
    from kzar_ld.validation.shacl import validate_serialized

    data = first if name == "as built" else _variant(first, VARIANTS[name][0])
    nquads = serialize(data, format=Format.NQUADS)
    expected = validate(data)
    assert validate_serialized(data, nquads) == expected
    assert expected.conforms is (name == "as built")


@pytest.mark.parametrize("blank", [False, True], ids=["named nodes", "a blank node"])
def test_validating_with_the_nquads_of_several_graphs(blank: bool) -> None:
    # Each graph is checked on its own in the parsed store (ex:x is a place in g2, not in g1);
    # blank nodes take the copying path.
    from kzar_ld.validation.shacl import validate_serialized

    place = '[ a schema:City ; schema:name "X" ]' if blank else "ex:x"
    data = Dataset()
    data.parse(
        format="trig",
        data=f"""@prefix schema: <http://schema.org/> . @prefix ex: <https://kzar.example/id/> .
        ex:g1 {{ ex:talks a schema:Event ; schema:name "Talks" ; schema:location ex:x . }}
        ex:g2 {{ ex:visit a schema:Event ; schema:name "Visit" ; schema:location {place} .
                 ex:x a schema:City ; schema:name "X" . }}""",
    )
    nquads = serialize(data, format=Format.NQUADS)
    assert (b"_:" in nquads) is blank
    expected = validate(data)
    located = {(r.graph, r.focus_node) for r in expected.violations if r.source_shape == KZSH_NS.EventLocation}
    assert located == {(URIRef(ID + "g1"), URIRef(ID + "talks"))}
    assert validate_serialized(data, nquads) == expected
