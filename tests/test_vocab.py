"""kzar_ld.validation.vocab: superclass inference and the schema.org 30.0 usage check.

Each case is a small Turtle graph written here: the valid ones must give no problem at all, the
invalid ones exactly the problems listed (kind, subject, property, value) with a one-line message
that names the node and the property.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

import kzar_ld
from kzar_ld.namespaces import FOAF, KZAR, OA, RDF, SCHEMA, XSD
from kzar_ld.validation.vocab import (
    VocabProblem,
    VocabProblemKind,
    check_schema_usage,
    is_known_term,
    is_pending,
    superclasses,
    with_inferred_types,
)

ID = Namespace("https://kzar.example/id/")
FIRST_ARTICLE = Path(__file__).resolve().parents[1] / "examples" / "kazinform-2023-08-24"
#: schema.org terms that kzar_ld never writes itself (not in the closed SCHEMA namespace).
S = Namespace(str(SCHEMA))

PREFIXES = """
@prefix schema: <http://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix kzar: <https://kzar.example/ns#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://other.example/> .
@base <https://kzar.example/id/> .
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def found(graph: Graph) -> list[tuple[str, object, object, object]]:
    return [(p.kind.name, p.subject, p.predicate, p.object) for p in check_schema_usage(graph)]


# valid graphs --------------------------------------------------------------------------------

VALID = {
    "news article with headline and date": """
        <article/a> a schema:NewsArticle, foaf:Document ;
            schema:headline "Kazakhstan and Argentina strengthen bilateral cooperation" ;
            schema:datePublished "2023-08-24"^^xsd:date ;
            schema:dateModified "2023-08-24T10:00:00Z"^^xsd:dateTime ;
            schema:inLanguage "en" ; schema:dateline "BUENOS AIRES" ;
            schema:publisher <org/kazinform> ; schema:author <org/kazinform> ;
            foaf:maker <org/kazinform> ; foaf:primaryTopic <event/visit> .
        <org/kazinform> a schema:NewsMediaOrganization, foaf:Organization ;
            schema:name "Kazinform" ; foaf:name "Kazinform" .
        <event/visit> a kzar:WorkingVisit .
    """,
    "person works for a role that works for an organisation": """
        <person/umarov> a schema:Person, foaf:Person ; schema:name "Kairat Umarov" ;
            schema:worksFor <role/umarov--fdfm> .
        <role/umarov--fdfm> a schema:OrganizationRole ; schema:roleName "First Deputy" ;
            schema:worksFor <org/mfa> ; kzar:heldOn "2023-08-24"^^xsd:date .
        <org/mfa> a schema:GovernmentOrganization, foaf:Organization ; schema:name "MFA" .
    """,
    "group member role member person": """
        <group/delegation> a schema:Organization, foaf:Group ; schema:member <role/head> ;
            foaf:member <person/p> .
        <role/head> a schema:OrganizationRole ; schema:roleName "Head" ;
            schema:member <person/p> .
        <person/p> a schema:Person, foaf:Person .
    """,
    "honorary membership through memberOf": """
        <person/v> a schema:Person ; schema:memberOf <role/v-apk> .
        <role/v-apk> a schema:OrganizationRole ; schema:memberOf <org/apk> .
        <org/apk> a schema:Organization .
    """,
    "city contained in a country": """
        <place/rosario> a schema:City ; schema:containedInPlace <place/argentina> ;
            schema:sameAs <https://wikidata.example/entity/Q52535> .
        <place/argentina> a schema:Country ; schema:alternateName "Argentine Republic"@en ;
            schema:identifier [ a schema:PropertyValue ;
                schema:propertyID "ISO 3166-1 alpha-2" ; schema:value "AR" ] .
    """,
    "working visit with location, attendee and sub-event": """
        <event/visit> a kzar:WorkingVisit ; schema:location <place/argentina> ;
            schema:attendee <person/umarov> ; schema:subEvent <event/round-4> ;
            kzar:endedNoLaterThan "2023-08-24"^^xsd:date .
        <event/round-4> a kzar:PoliticalConsultations ; schema:superEvent <event/visit>,
            <event/series> ; kzar:ordinal 4 ; schema:keywords "global agenda" .
        <event/series> a schema:EventSeries ; schema:subEvent <event/round-4> .
        <place/argentina> a schema:Country .
        <person/umarov> a schema:Person .
    """,
    "consulate serving a consular district": """
        <org/consulate> a kzar:HonoraryConsulate, foaf:Organization ;
            schema:parentOrganization <org/gov> ; schema:areaServed <place/district> ;
            schema:location <place/building> .
        <org/gov> a schema:GovernmentOrganization ; schema:areaServed <place/kz> .
        <place/district> a kzar:ConsularDistrict ; schema:containsPlace <place/ba> .
        <place/building> a schema:Place . <place/kz> a schema:Country . <place/ba> a schema:City .
    """,
    "relation with kzar properties and a derived note": """
        <relation/kz-ar> a kzar:DiplomaticRelation ; schema:name "KZ-AR relations" ;
            kzar:party <place/kz>, <place/ar> ; kzar:establishedYear "1993"^^xsd:gYear ;
            kzar:derivation "30th anniversary in 2023" .
        <place/kz> a schema:Country . <place/ar> a schema:Country .
    """,
    "untyped values where a class is expected are not judged": """
        <person/p> a schema:Person ; schema:nationality <https://wikidata.example/entity/Q232> ;
            schema:worksFor _:somewhere .
    """,
    "untyped subjects and other vocabularies are not judged": """
        _:x schema:headline "no type, no domain check" .
        <person/p> a schema:Person ; ex:anything "free" ; foaf:title "Ambassador" .
    """,
    "foaf:Person counts as schema:Person": """
        <person/p> a foaf:Person ; schema:nationality <place/kz> ; schema:givenName "Ann" .
        <place/kz> a schema:Country .
    """,
    "literal datatypes against data types": """
        <event/e> a schema:Event ; schema:duration "PT1H"^^xsd:duration ;
            schema:eventStatus schema:EventScheduled ; schema:isAccessibleForFree true ;
            schema:maximumAttendeeCapacity "120"^^xsd:nonNegativeInteger ;
            schema:url <https://kzar.example/e> ;
            schema:doorTime "2023-08-24T09:00:00"^^xsd:dateTime .
        <p/v> a schema:PropertyValue ; schema:value 4.5 ;
            schema:propertyID <http://other.example/id> .
    """,
    "quantities are written as strings": """
        <event/e> a schema:Event ; schema:duration "PT2H" .
    """,
    "web annotation provenance": """
        <article/a/mention/m05> a oa:Annotation ; oa:motivatedBy oa:identifying ;
            oa:hasBody <person/p> ; oa:hasTarget [ a oa:SpecificResource ;
                oa:hasSource <article/a> ; oa:hasSelector [ a oa:TextPositionSelector ;
                    oa:start "68"^^xsd:nonNegativeInteger ;
                    oa:end "81"^^xsd:nonNegativeInteger ] ] .
    """,
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_graphs_have_no_problem(name: str) -> None:
    assert found(turtle(VALID[name])) == []


def test_the_first_article_uses_schema_org_legally() -> None:
    article = kzar_ld.load_article(FIRST_ARTICLE)
    dataset = kzar_ld.build_graph(article)
    assert [p.message for p in check_schema_usage(dataset)] == []


# invalid graphs ------------------------------------------------------------------------------

P = ID["person/p"]
A = ID["article/a"]
E = ID["event/e"]
KZ = ID["place/kz"]
R = ID["role/r"]

INVALID = {
    "invented property": (
        '<person/p> a schema:Person ; schema:nmae "Ann", "Anne" .',
        [("UNKNOWN_PROPERTY", P, S.nmae, None)],
        ["<https://kzar.example/id/person/p> uses schema:nmae", "did you mean schema:name?"],
    ),
    "invented class": (
        '<person/p> a schema:Persn ; schema:headline "no cascade from an unknown class" .',
        [("UNKNOWN_CLASS", P, RDF.type, S.Persn)],
        ["is typed schema:Persn", "not a class of schema.org 30.0", "did you mean schema:Person?"],
    ),
    "invented FOAF class": (
        "<person/p> a foaf:Persn .",
        [("UNKNOWN_CLASS", P, RDF.type, URIRef(str(FOAF) + "Persn"))],
        ["not a class of FOAF 0.99"],
    ),
    "invented FOAF property": (
        '<person/p> a foaf:Person ; foaf:nmae "Ann" .',
        [("UNKNOWN_PROPERTY", P, URIRef(str(FOAF) + "nmae"), None)],
        ["uses foaf:nmae", "did you mean foaf:name?"],
    ),
    "invented kzar class": (
        "<event/e> a kzar:WorkingVisti .",
        [("UNKNOWN_CLASS", E, RDF.type, URIRef(str(KZAR) + "WorkingVisti"))],
        ["did you mean kzar:WorkingVisit?"],
    ),
    "a class used as a property": (
        '<person/p> a schema:Person ; schema:Person "x" .',
        [("UNKNOWN_PROPERTY", P, SCHEMA.Person, None)],
        ["schema:Person, which is a class, not a property"],
    ),
    "a property used as a class": (
        "<person/p> a schema:name .",
        [("UNKNOWN_CLASS", P, RDF.type, SCHEMA.name)],
        ["schema:name, which is a property, not a class"],
    ),
    "https schema.org terms": (
        '<person/p> a <https://schema.org/Person> ; <https://schema.org/name> "Ann" .',
        [
            ("UNKNOWN_CLASS", P, RDF.type, URIRef("https://schema.org/Person")),
            ("UNKNOWN_PROPERTY", P, URIRef("https://schema.org/name"), None),
        ],
        ["write schema:Person", "write schema:name"],
    ),
    "nationality that is a literal": (
        '<person/p> a schema:Person ; schema:nationality "Kazakh" .',
        [("RANGE", P, SCHEMA.nationality, Literal("Kazakh"))],
        ['schema:nationality has the literal "Kazakh"', "expects schema:Country"],
    ),
    "nationality that is a city": (
        "<person/p> a schema:Person ; schema:nationality <place/ba> . <place/ba> a schema:City .",
        [("RANGE", P, SCHEMA.nationality, ID["place/ba"])],
        ["points to <https://kzar.example/id/place/ba>, a schema:City", "expects schema:Country"],
    ),
    "attendee that is a place": (
        "<event/e> a schema:Event ; schema:attendee <place/kz> . <place/kz> a schema:Country .",
        [("RANGE", E, SCHEMA.attendee, KZ)],
        ["schema:attendee points to", "a schema:Country", "schema:Organization or schema:Person"],
    ),
    "headline on a person": (
        '<person/p> a schema:Person ; schema:headline "Hello", "again" .',
        [("DOMAIN", P, SCHEMA.headline, None)],
        ["it is a schema:Person", "allows schema:headline only on schema:CreativeWork"],
    ),
    "headline on a kzar event": (
        '<event/e> a kzar:WorkingVisit ; schema:headline "A visit" .',
        [("DOMAIN", E, SCHEMA.headline, None)],
        ["it is a kzar:WorkingVisit"],
    ),
    "datePublished that is a plain string": (
        '<article/a> a schema:NewsArticle ; schema:datePublished "yesterday" .',
        [("RANGE", A, SCHEMA.datePublished, Literal("yesterday"))],
        ['has "yesterday" (schema:Text)', "schema:Date (xsd:date, e.g. 2023-08-24)"],
    ),
    "datePublished that is not a valid date": (
        '<article/a> a schema:NewsArticle ; schema:datePublished "2023-13-45"^^xsd:date .',
        [("RANGE", A, SCHEMA.datePublished, Literal("2023-13-45", datatype=XSD.date))],
        ['"2023-13-45"^^xsd:date, which is not a valid xsd:date'],
    ),
    "datePublished that is a year": (
        '<article/a> a schema:NewsArticle ; schema:datePublished "2023"^^xsd:gYear .',
        [("RANGE", A, SCHEMA.datePublished, Literal("2023", datatype=XSD.gYear))],
        ["(a xsd:gYear)"],
    ),
    "a URL given as a string": (
        '<place/kz> a schema:Country ; schema:sameAs "https://wikidata.example/entity/Q232" .',
        [("RANGE", KZ, SCHEMA.sameAs, Literal("https://wikidata.example/entity/Q232"))],
        ["expects schema:URL (an IRI)"],
    ),
    "a text property pointing to a node": (
        "<article/a> a schema:NewsArticle ; schema:headline <place/kz> . <place/kz> a schema:Country .",
        [("RANGE", A, SCHEMA.headline, KZ)],
        ["points to the node <https://kzar.example/id/place/kz>", "give a value of that kind"],
    ),
    "a role that leads to a place": (
        "<person/p> a schema:Person ; schema:worksFor <role/r> . "
        "<role/r> a schema:OrganizationRole ; schema:worksFor <place/kz> . "
        "<place/kz> a schema:Country .",
        [
            ("RANGE", P, SCHEMA.worksFor, R),
            ("RANGE", R, SCHEMA.worksFor, KZ),
        ],
        ["points to the role", "(the schema.org Role pattern)", "a schema:Country"],
    ),
    "a role with no onward link": (
        "<person/p> a schema:Person ; schema:worksFor <role/r> . "
        '<role/r> a schema:OrganizationRole ; schema:roleName "Director" .',
        [("RANGE", P, SCHEMA.worksFor, R)],
        ["which has no schema:worksFor of its own to schema:Organization"],
    ),
    "a role nobody holds": (
        "<role/r> a schema:OrganizationRole ; schema:worksFor <org/o> . <org/o> a schema:Organization .",
        [("DOMAIN", R, SCHEMA.worksFor, None)],
        ["is a role with schema:worksFor, but no node links to it with schema:worksFor"],
    ),
    "a role held by the wrong kind of node": (
        "<place/kz> a schema:Country ; schema:worksFor <role/r> . "
        "<role/r> a schema:OrganizationRole ; schema:worksFor <org/o> . "
        "<org/o> a schema:Organization .",
        [("DOMAIN", KZ, SCHEMA.worksFor, None), ("DOMAIN", R, SCHEMA.worksFor, None)],
        ["(a role held by <https://kzar.example/id/place/kz>)", "it is a schema:Country"],
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_graphs_give_exactly_the_expected_problems(name: str) -> None:
    text, expected, fragments = INVALID[name]
    problems = check_schema_usage(turtle(text))
    assert [(p.kind.name, p.subject, p.predicate, p.object) for p in problems] == expected
    messages = " | ".join(p.message for p in problems)
    for fragment in fragments:
        assert fragment in messages
    for problem in problems:
        assert "\n" not in problem.message
        # every message names the node it is about
        assert str(problem.subject) in problem.message


def test_problems_are_sorted_and_frozen() -> None:
    graph = turtle(
        '<person/b> a schema:Person ; schema:nmae "B" . <person/a> a schema:Persn . '
        '<person/a> schema:headline "x" . <article/a> a schema:Article ; schema:datePublished "x" .'
    )
    problems = check_schema_usage(graph)
    keys = [(str(p.subject), str(p.predicate)) for p in problems]
    assert keys == sorted(keys) and len(keys) == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        problems[0].message = "changed"  # type: ignore[misc]
    assert {p.kind for p in problems} == {
        VocabProblemKind.UNKNOWN_PROPERTY,
        VocabProblemKind.UNKNOWN_CLASS,
        VocabProblemKind.RANGE,
    }


def test_a_dataset_is_checked_across_its_named_graphs() -> None:
    dataset = Dataset()
    dataset.graph(ID["article/a"]).add((P, RDF.type, SCHEMA.Person))
    dataset.graph(ID["article/b"]).add((P, SCHEMA.headline, Literal("x")))
    problems = check_schema_usage(dataset)
    assert [(p.kind, p.subject, p.predicate) for p in problems] == [(VocabProblemKind.DOMAIN, P, SCHEMA.headline)]


def test_the_check_does_not_change_its_input() -> None:
    graph = turtle(VALID["working visit with location, attendee and sub-event"])
    before = set(graph)
    check_schema_usage(graph)
    assert set(graph) == before


def test_problem_value_object() -> None:
    problem = VocabProblem(P, SCHEMA.name, None, VocabProblemKind.DOMAIN, "m")
    assert problem == VocabProblem(P, SCHEMA.name, None, VocabProblemKind.DOMAIN, "m")


# inference -----------------------------------------------------------------------------------


def types_of(graph: Graph, node: URIRef) -> set[URIRef]:
    return {o for o in graph.objects(node, RDF.type) if isinstance(o, URIRef)}


@pytest.mark.parametrize(
    ("asserted", "expected"),
    [
        (KZAR.WorkingVisit, {KZAR.DiplomaticVisit, SCHEMA.Event, SCHEMA.Thing}),
        (KZAR.HonoraryConsulate, {SCHEMA.GovernmentOrganization, SCHEMA.Organization}),
        (KZAR.ConsularDistrict, {SCHEMA.AdministrativeArea, SCHEMA.Place, SCHEMA.Thing}),
        (SCHEMA.OrganizationRole, {SCHEMA.Role, SCHEMA.Intangible, SCHEMA.Thing}),
        (SCHEMA.City, {SCHEMA.AdministrativeArea, SCHEMA.Place}),
        (SCHEMA.NewsArticle, {SCHEMA.CreativeWork, FOAF.Document}),
        (FOAF.Group, {FOAF.Agent, DCTERMS.Agent}),
        (FOAF.Person, {SCHEMA.Person, SCHEMA.Thing, FOAF.Agent}),
        (SCHEMA.Person, {FOAF.Person, FOAF.Agent}),
        (FOAF.Document, {SCHEMA.CreativeWork, SCHEMA.Thing}),
        (OA.TextPositionSelector, {URIRef(str(OA) + "Selector")}),
    ],
)
def test_inferred_types(asserted: URIRef, expected: set[URIRef]) -> None:
    graph = Graph()
    graph.add((P, RDF.type, asserted))
    inferred = types_of(with_inferred_types(graph), P)
    assert asserted in inferred
    assert expected <= inferred


def test_inference_adds_only_superclasses() -> None:
    graph = Graph()
    graph.add((P, RDF.type, SCHEMA.Country))
    assert types_of(with_inferred_types(graph), P) == {
        SCHEMA.Country,
        SCHEMA.AdministrativeArea,
        SCHEMA.Place,
        SCHEMA.Thing,
    }


def test_unknown_classes_add_nothing() -> None:
    graph = turtle('<person/p> a ex:Mystery, schema:Persn ; schema:name "P" .')
    inferred = with_inferred_types(graph)
    assert set(inferred) == set(graph)


def test_inference_returns_a_new_graph_and_keeps_the_input() -> None:
    graph = turtle(VALID["working visit with location, attendee and sub-event"])
    graph.bind("id", ID)
    before = set(graph)
    inferred = with_inferred_types(graph)
    assert inferred is not graph
    assert set(graph) == before
    assert before < set(inferred)
    assert dict(inferred.namespaces())["id"] == URIRef(str(ID))


def test_inference_on_a_dataset_keeps_each_triple_in_its_graph() -> None:
    dataset = Dataset()
    dataset.graph(ID["article/a"]).add((E, RDF.type, KZAR.WorkingVisit))
    dataset.graph(ID["article/b"]).add((P, RDF.type, SCHEMA.Person))
    inferred = with_inferred_types(dataset)
    assert isinstance(inferred, Dataset)
    quads = set(inferred.quads((None, None, None, None)))
    assert (E, RDF.type, SCHEMA.Event, ID["article/a"]) in quads
    assert (P, RDF.type, FOAF.Person, ID["article/b"]) in quads
    assert (P, RDF.type, FOAF.Person, ID["article/a"]) not in quads
    assert len(set(dataset.quads((None, None, None, None)))) == 2


def test_the_first_article_gains_the_superclasses_of_its_types() -> None:
    dataset = kzar_ld.build_graph(kzar_ld.load_article(FIRST_ARTICLE))
    inferred = with_inferred_types(dataset)
    assert isinstance(inferred, Dataset)
    visit = {s for s, _, o, _ in inferred.quads((None, RDF.type, KZAR.WorkingVisit, None))}
    assert visit
    events = {s for s, _, o, _ in inferred.quads((None, RDF.type, SCHEMA.Event, None))}
    assert visit <= events


# lookups -------------------------------------------------------------------------------------


def test_superclasses_is_reflexive_and_follows_equivalences() -> None:
    assert KZAR.WorkingVisit in superclasses(KZAR.WorkingVisit)
    assert SCHEMA.Person in superclasses(FOAF.Person)
    assert FOAF.Person in superclasses(S.Patient)  # a subclass of schema:Person
    unknown = URIRef("http://other.example/Unknown")
    assert superclasses(unknown) == {unknown}


def test_is_known_term() -> None:
    assert is_known_term(SCHEMA.NewsArticle)
    assert is_known_term(str(SCHEMA.headline))
    assert is_known_term(S.EventScheduled)  # an enumeration member
    assert is_known_term(FOAF.primaryTopic)
    assert is_known_term(OA.identifying)
    assert is_known_term(KZAR.endedNoLaterThan)
    assert not is_known_term(S.nmae)
    assert not is_known_term("http://other.example/anything")


def test_is_pending() -> None:
    assert is_pending(SCHEMA.NewsMediaOrganization)
    assert is_pending(SCHEMA.EventSeries)
    assert not is_pending(SCHEMA.Event)
    assert not is_pending(KZAR.WorkingVisit)
