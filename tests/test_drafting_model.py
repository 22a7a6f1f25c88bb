"""The annotation model's drafting additions: event kinds with CAMEO codes, event status, and
per-item drafting provenance, from the YAML through the graph to validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kzar_ld import build_graph, bundled_query, load_article, query, validate
from kzar_ld.annotation import EventKind, EventStatus, parse_annotation
from kzar_ld.errors import AnnotationError
from kzar_ld.mapping import count_unconfirmed
from kzar_ld.namespaces import DCTERMS, KZAR, OA, PROV, RDF, SCHEMA, SKOS, XSD, cameo_concept
from kzar_ld.resources import read_text

FICTIONAL = Path("tests/data/articles/fictional-round-table")
BASE = "https://kzar.example/id/"
DRAFTER = URIRef(BASE + "agent/kzar-ld-draft")


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def article_with(tmp_path: Path, annotation: str) -> Path:
    """A copy of the fictional article's text with the given annotation."""
    folder = tmp_path / "fictional-round-table"
    folder.mkdir()
    shutil.copy(FICTIONAL / "fictional-round-table.txt", folder)
    (folder / "annotation.yaml").write_text(annotation, encoding="utf-8")
    return folder


HEAD = """\
format: kzar-annotation/1
article:
  id: fictional-round-table
  headline: Fictional round table on trade with Chile
  date_published: 2024-03-15
  publisher: kazinform
organizations:
  - id: kazinform
    kind: news-media
    name: Kazinform
    mentions: [KAZINFORM]
"""


def graph_of(folder: Path) -> Graph:
    dataset = build_graph(load_article(folder))
    return dataset.graph(iri("article/fictional-round-table"))


# --- event kinds and CAMEO ------------------------------------------------------------------


def test_every_cameo_code_of_a_kind_is_a_concept_of_the_shipped_scheme() -> None:
    scheme = Graph().parse(data=read_text("ontologies", "cameo.ttl"), format="turtle")
    codes = {k.cameo for k in EventKind if k.cameo is not None}
    assert codes == {"040", "042", "046", "050", "057"}
    for code in codes:
        concept = cameo_concept(code)
        assert (concept, RDF.type, SKOS.Concept) in scheme
        assert scheme.value(concept, SKOS.notation) == Literal(code)
        assert scheme.value(concept, SKOS.prefLabel) is not None
        assert scheme.value(concept, SKOS.broader) == cameo_concept(code[:2])


@pytest.mark.parametrize(
    ("kind", "classes", "code"),
    [
        ("visit", {SCHEMA.Event, KZAR.DiplomaticVisit}, "042"),
        ("talks", {SCHEMA.Event}, "046"),
        ("meeting", {SCHEMA.Event}, "040"),
        ("ceremony", {SCHEMA.Event}, "050"),
        ("signing", {SCHEMA.Event}, "057"),
        ("forum", {SCHEMA.Event}, "040"),
        ("political-consultations", {SCHEMA.Event, KZAR.PoliticalConsultations}, "040"),
        ("event", {SCHEMA.Event}, None),
    ],
)
def test_each_event_kind_has_its_class_and_cameo_code(
    tmp_path: Path, kind: str, classes: set[URIRef], code: str | None
) -> None:
    folder = article_with(
        tmp_path,
        HEAD
        + f"""\
events:
  - id: round-table
    kind: {kind}
    name: Round table on trade with Chile
    ended: true
    mentions: [round table]
""",
    )
    g = graph_of(folder)
    event = iri("event/round-table")
    assert set(g.objects(event, RDF.type)) == classes
    if code is None:
        assert g.value(event, KZAR.cameoType) is None
    else:
        concept = cameo_concept(code)
        assert list(g.objects(event, KZAR.cameoType)) == [concept]
        assert (concept, RDF.type, SKOS.Concept) in g
        assert g.value(concept, SKOS.notation) == Literal(code)
    assert validate(g).conforms, validate(g).to_text()


def test_the_first_example_links_its_visit_and_consultations_to_cameo() -> None:
    g = build_graph(load_article("examples/kazinform-2023-08-24"))
    assert g.value(iri("event/umarov-working-visit-argentina-2023"), KZAR.cameoType) == cameo_concept("042")
    assert g.value(iri("event/kz-ar-political-consultations-4"), KZAR.cameoType) == cameo_concept("040")
    assert g.value(iri("event/kz-ar-political-consultations"), KZAR.cameoType) is None  # a series


def test_cameo_concept_refuses_what_is_not_a_code() -> None:
    with pytest.raises(ValueError, match="two to four digits"):
        cameo_concept("meet")


# --- event status ---------------------------------------------------------------------------

STATUS_EVENTS = (
    HEAD
    + """\
people:
  - id: aliya
    name: Әлия Сейітқызы
    mentions: [Әлия Сейітқызы]
  - id: jose
    name: José Ñúñez Peña
    mentions: [José Ñúñez Peña]
events:
  - id: round-table
    kind: forum
    name: Round table on trade with Chile
    attendees: [aliya, jose]
    ended: true
    mentions: [round table]
  - id: next-meeting
    kind: meeting
    name: Next year's meeting of the participants
    status: planned
    attendees: [aliya, jose]
    mentions: [meet again next year]
  - id: earlier-study
    name: Study of copper exports
    status: background
    mentions: [study of copper exports]
"""
)


def test_planned_and_background_events_are_kept_but_not_asserted_as_happened(tmp_path: Path) -> None:
    g = graph_of(article_with(tmp_path, STATUS_EVENTS))
    reported, planned, background = iri("event/round-table"), iri("event/next-meeting"), iri("event/earlier-study")
    assert g.value(reported, KZAR.reportStatus) is None
    assert g.value(reported, KZAR.endedNoLaterThan) == Literal("2024-03-15", datatype=XSD.date)
    assert g.value(planned, KZAR.reportStatus) == KZAR.Planned
    assert g.value(planned, SCHEMA.eventStatus) == SCHEMA.EventScheduled
    assert g.value(background, KZAR.reportStatus) == KZAR.Background
    assert g.value(background, SCHEMA.eventStatus) is None
    for event in (planned, background):
        assert g.value(event, KZAR.endedNoLaterThan) is None
        assert (event, SCHEMA.name, None) in g  # kept, with its mention
    report = validate(g)
    assert report.conforms, report.to_text()


def test_who_met_whom_counts_only_reported_events(tmp_path: Path) -> None:
    g = graph_of(article_with(tmp_path, STATUS_EVENTS))
    rows = query(g, bundled_query("who-met-whom").text).bindings()
    assert rows
    events = {str(row["event"]) for row in rows}
    assert events == {str(iri("event/round-table"))}


def test_a_planned_event_cannot_be_ended() -> None:
    text = HEAD + "events:\n  - id: x\n    name: X\n    status: planned\n    ended: true\n"
    with pytest.raises(AnnotationError, match=r"a planned event cannot be `ended: true`") as info:
        parse_annotation(text, source="a.yaml")
    assert info.value.line == 13


def test_an_unknown_status_names_the_line() -> None:
    text = HEAD + "events:\n  - id: x\n    name: X\n    status: rumoured\n"
    with pytest.raises(AnnotationError, match=r"events\[0\]\.status") as info:
        parse_annotation(text, source="a.yaml")
    assert info.value.line == 15
    assert {s.value for s in EventStatus} == {"reported", "planned", "background"}


# --- drafting provenance --------------------------------------------------------------------

DRAFTED = (
    HEAD
    + """\
people:
  - id: aliya
    name: Әлия Сейітқызы
    confidence: 0.9
    evidence: title before a name
    confirmed: false
    mentions: [Әлия Сейітқызы]
    roles:
      - id: head
        name: Head of the Department of Latin America
        organization: kazinform
        confidence: 0.55
        evidence: apposition after a name
        confirmed: false
        mentions: [Head of the Department of Latin America]
  - id: jose
    name: José Ñúñez Peña
    mentions:
      - José Ñúñez Peña
      - quote: economist
        confidence: 0.4
        evidence: occupation noun before a name
        confirmed: false
places:
  - id: chile
    kind: country
    name: Chile
    iso3166: CL
    confidence: 1
    evidence: country name (ISO 3166)
    mentions: [Chile]
events:
  - id: round-table
    kind: forum
    name: Round table on trade with Chile
    ended: true
    confirmed: false
    mentions: [round table]
"""
)


def test_unconfirmed_items_are_credited_to_the_drafting_software(tmp_path: Path) -> None:
    g = graph_of(article_with(tmp_path, DRAFTED))
    aliya, role, jose, chile, event = (
        iri("person/aliya"),
        iri("role/aliya--head"),
        iri("person/jose"),
        iri("place/chile"),
        iri("event/round-table"),
    )
    assert set(g.objects(DRAFTER, RDF.type)) == {PROV.SoftwareAgent, SCHEMA.SoftwareApplication}
    assert g.value(DRAFTER, SCHEMA.name) == Literal("kzar-ld draft")
    for node in (aliya, role, event):
        assert g.value(node, PROV.wasAttributedTo) == DRAFTER
    # Confirmed items (the default; Chile keeps its confidence in the YAML) carry nothing.
    for node in (jose, chile):
        assert (node, PROV.wasAttributedTo, None) not in g
        assert (node, KZAR.confidence, None) not in g
    assert g.value(aliya, KZAR.confidence) == Literal("0.9", datatype=XSD.decimal)
    assert g.value(role, KZAR.confidence) == Literal("0.55", datatype=XSD.decimal)
    assert g.value(aliya, KZAR.evidence) == Literal("title before a name")
    assert g.value(event, KZAR.confidence) is None  # drafted without a figure

    def annotation_of(body: URIRef, exact: str) -> URIRef:
        for ann in g.subjects(OA.hasBody, body):
            for selector in g.objects(g.value(ann, OA.hasTarget), OA.hasSelector):
                if g.value(selector, OA.exact) == Literal(exact):
                    return ann  # type: ignore[return-value]
        raise AssertionError(f"no annotation of {exact!r}")

    # A mention is unconfirmed when it is, or when what it names is.
    doubtful = annotation_of(jose, "economist")
    assert g.value(doubtful, DCTERMS.creator) == DRAFTER
    assert g.value(doubtful, KZAR.confidence) == Literal("0.4", datatype=XSD.decimal)
    assert g.value(annotation_of(aliya, "Әлия Сейітқызы"), DCTERMS.creator) == DRAFTER
    assert g.value(annotation_of(role, "Head of the Department of Latin America"), DCTERMS.creator) == DRAFTER
    assert g.value(annotation_of(event, "round table"), DCTERMS.creator) == DRAFTER
    assert g.value(annotation_of(jose, "José Ñúñez Peña"), DCTERMS.creator) is None
    assert g.value(annotation_of(chile, "Chile"), DCTERMS.creator) is None
    # nodes: aliya, her role, the event; annotations: four
    assert count_unconfirmed(g) == 7
    report = validate(g)
    assert report.conforms, report.to_text()


def test_count_unconfirmed_counts_per_article_in_a_dataset(tmp_path: Path) -> None:
    one = article_with(tmp_path, DRAFTED)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(one / "fictional-round-table.txt", other / "other.txt")
    (other / "annotation.yaml").write_text(DRAFTED.replace("id: fictional-round-table", "id: other"), encoding="utf-8")
    dataset = build_graph([load_article(one), load_article(other)])
    assert count_unconfirmed(dataset) == 14
    assert count_unconfirmed(build_graph(load_article(FICTIONAL))) == 0


def test_without_drafted_items_no_agent_is_written(tmp_path: Path) -> None:
    g = graph_of(article_with(tmp_path, DRAFTED.replace("confirmed: false", "confirmed: true")))
    assert (DRAFTER, None, None) not in g
    assert (None, KZAR.confidence, None) not in g
    assert count_unconfirmed(g) == 0


@pytest.mark.parametrize(
    ("edit", "message", "line"),
    [
        ("confidence: 0.9", "confidence: Input should be less than or equal to 1", 15),
        ("evidence: title before a name", "evidence: String should have at least 1 character", 16),
        ("confirmed: false\n    mentions", "confirmed: Input should be a valid boolean", 17),
    ],
)
def test_bad_drafting_fields_name_the_line(edit: str, message: str, line: int) -> None:
    bad = {
        "confidence: 0.9": "confidence: 1.5",
        "evidence: title before a name": 'evidence: ""',
        "confirmed: false\n    mentions": "confirmed: perhaps\n    mentions",
    }[edit]
    with pytest.raises(AnnotationError, match=message) as info:
        parse_annotation(DRAFTED.replace(edit, bad, 1), source="a.yaml")
    assert info.value.line == line


def test_json_ld_of_a_drafted_article_expands_to_its_turtle(tmp_path: Path) -> None:
    import json

    from rdflib.compare import isomorphic
    from test_serialize import _expand_offline, _triples  # the independent processor, offline

    from kzar_ld import Format, serialize

    dataset = build_graph(load_article(article_with(tmp_path, DRAFTED.replace("kind: forum", "kind: signing"))))
    doc = json.loads(serialize(dataset, format=Format.JSON_LD))
    assert isomorphic(_expand_offline(doc), _triples(dataset))


def test_the_review_query_of_the_drafting_docs_lists_drafted_items_least_sure_first(tmp_path: Path) -> None:
    import re

    docs = Path("docs/drafting.md").read_text(encoding="utf-8")
    (sparql,) = re.findall(r"```sparql\n(.*?)```", docs, flags=re.S)
    g = graph_of(article_with(tmp_path, DRAFTED))
    rows = query(g, sparql).bindings()
    assert len(rows) == count_unconfirmed(g) == 7
    confidences = [float(r["confidence"]) for r in rows if "confidence" in r]
    assert confidences == sorted(confidences) and confidences[0] == 0.4
    assert "confidence" not in rows[-1]  # drafted without a figure: last
    assert not query(build_graph(load_article(FICTIONAL)), sparql).rows
