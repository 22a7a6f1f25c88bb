"""The first article's graph reproduces MAPPING.md; the mapping is general (a second, fictional article)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kzar_ld import build_graph, load_article
from kzar_ld.namespaces import FOAF, KZAR, OA, RDF, SCHEMA, XSD

BASE = "https://kzar.example/id/"
ARTICLE = URIRef(BASE + "article/000_b748ee61ec8ac40c")
FICTIONAL = Path("tests/data/articles/fictional-round-table")
DATE = Literal("2023-08-24", datatype=XSD.date)


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_graph(load_article("examples/kazinform-2023-08-24"))


@pytest.fixture(scope="module")
def g(dataset: Dataset) -> Graph:
    graph = dataset.graph(ARTICLE)
    assert len(graph) > 0
    return graph


def test_golden_graph(g: Graph) -> None:
    expected = Graph().parse("tests/data/golden/kazinform-2023-08-24.ttl", format="turtle")
    if not isomorphic(g, expected):
        _, only_built, only_expected = graph_diff(to_isomorphic(g), to_isomorphic(expected))
        pytest.fail(
            "graph differs from the golden file:\n+ "
            + "\n+ ".join(sorted(t.n3() for t in only_built)[:20])
            + "\n- "
            + "\n- ".join(sorted(t.n3() for t in only_expected)[:20])
        )


def test_one_named_graph_per_article(dataset: Dataset) -> None:
    names = [g.identifier for g in dataset.graphs() if len(g)]
    assert names == [ARTICLE]


def test_article_node(g: Graph) -> None:
    a = ARTICLE
    assert set(g.objects(a, RDF.type)) == {SCHEMA.NewsArticle, FOAF.Document}
    assert g.value(a, SCHEMA.identifier) == Literal("000_b748ee61ec8ac40c")
    assert g.value(a, SCHEMA.headline) == Literal("Kazakhstan and Argentina strengthen bilateral cooperation")
    assert list(g.objects(a, SCHEMA.datePublished)) == [DATE]
    assert g.value(a, SCHEMA.dateline) == Literal("BUENOS AIRES")
    assert g.value(a, SCHEMA.inLanguage) == Literal("en")
    kazinform = iri("org/kazinform")
    for p in (SCHEMA.publisher, SCHEMA.author, FOAF.maker):
        assert list(g.objects(a, p)) == [kazinform], p
    assert g.value(a, SCHEMA.contentLocation) == iri("place/argentina")
    about = {iri("event/umarov-working-visit-argentina-2023"), iri("relation/kz-ar-diplomatic-relations")}
    assert set(g.objects(a, SCHEMA.about)) == about == set(g.objects(a, FOAF.topic))
    assert list(g.objects(a, FOAF.primaryTopic)) == [iri("event/umarov-working-visit-argentina-2023")]
    body = str(g.value(a, SCHEMA.articleBody))
    assert len(body) == 2630 and body.startswith("BUENOS AIRES. KAZINFORM First Deputy")


def test_mentions_are_the_34_text_anchored_entities_and_no_roles(g: Graph) -> None:
    mentioned = set(g.objects(ARTICLE, SCHEMA.mentions))
    assert len(mentioned) == 34
    assert not any("/role/" in str(m) for m in mentioned)
    assert set(g.objects(ARTICLE, SCHEMA.about)) <= mentioned
    bodies = set(g.objects(None, OA.hasBody))
    assert {b for b in bodies if "/role/" not in str(b)} == mentioned


def test_source_information_is_derived(g: Graph) -> None:
    src = g.value(ARTICLE, SCHEMA.isBasedOn)
    assert src == URIRef(f"{ARTICLE}/source-information")
    assert g.value(src, RDF.type) == SCHEMA.CreativeWork
    assert g.value(src, SCHEMA.name) == Literal("Information from the Ministry of Foreign Affairs of Kazakhstan")
    assert g.value(src, SCHEMA.author) == iri("org/mfa-kazakhstan")
    assert g.value(src, KZAR.derivation) is not None


PEOPLE = [
    "kairat-umarov",
    "pablo-tettamanti",
    "welber-barral",
    "irina-vagner",
    "gustavo-gutierrez",
    "claudio-giacomino",
]


@pytest.mark.parametrize("slug", PEOPLE)
def test_people_are_dual_typed_with_name_parts(g: Graph, slug: str) -> None:
    p = iri(f"person/{slug}")
    assert {SCHEMA.Person, FOAF.Person} <= set(g.objects(p, RDF.type))
    name = g.value(p, SCHEMA.name)
    assert name == g.value(p, FOAF.name)
    given, family = g.value(p, SCHEMA.givenName), g.value(p, SCHEMA.familyName)
    assert f"{given} {family}" == str(name)
    assert g.value(p, FOAF.givenName) == given and g.value(p, FOAF.familyName) == family
    assert g.value(p, SCHEMA.description) is not None


def test_nationalities_only_where_derived_from_office(g: Graph) -> None:
    expected = {
        "kairat-umarov": "kazakhstan",
        "pablo-tettamanti": "argentina",
        "welber-barral": "brazil",
        "claudio-giacomino": "argentina",
    }
    got = {str(s).rsplit("/", 1)[1]: str(o).rsplit("/", 1)[1] for s, o in g.subject_objects(SCHEMA.nationality)}
    assert got == expected
    for person, country in expected.items():
        stmt = _reified(g, iri(f"person/{person}"), SCHEMA.nationality, iri(f"place/{country}"))
        assert g.value(stmt, KZAR.derivation) is not None


def test_tettamanti_honorific_and_barral_occupation(g: Graph) -> None:
    t = iri("person/pablo-tettamanti")
    assert g.value(t, SCHEMA.honorificPrefix) == Literal("Ambassador") == g.value(t, FOAF.title)
    economist = g.value(iri("person/welber-barral"), SCHEMA.hasOccupation)
    assert economist == iri("occupation/economist")
    assert g.value(economist, RDF.type) == SCHEMA.Occupation
    assert g.value(economist, SCHEMA.name) == Literal("Economist")
    assert g.value(iri("person/gustavo-gutierrez"), SCHEMA.workLocation) == iri("place/rosario")


ROLES = [
    (
        "kairat-umarov--first-deputy-foreign-minister",
        "kairat-umarov",
        SCHEMA.worksFor,
        "First Deputy Foreign Minister",
        "org/mfa-kazakhstan",
        KZAR.heldOn,
    ),
    (
        "pablo-tettamanti--first-deputy-minister-of-foreign-affairs",
        "pablo-tettamanti",
        SCHEMA.worksFor,
        "First Deputy Minister of Foreign Affairs",
        "org/mfa-argentina",
        KZAR.heldOn,
    ),
    ("welber-barral--director-bmj", "welber-barral", SCHEMA.worksFor, "Director", "org/bmj", KZAR.heldOn),
    (
        "welber-barral--secretary-of-state-for-foreign-trade",
        "welber-barral",
        SCHEMA.worksFor,
        "Secretary of State for Foreign Trade",
        "org/government-of-brazil",
        KZAR.endedNoLaterThan,
    ),
    (
        "irina-vagner--director-kcc-rosario",
        "irina-vagner",
        SCHEMA.worksFor,
        "Director",
        "org/kazakh-cultural-center-rosario",
        KZAR.heldOn,
    ),
    (
        "irina-vagner--ambassador-of-friendship-apk",
        "irina-vagner",
        SCHEMA.memberOf,
        "Ambassador of Friendship",
        "org/assembly-of-the-people-of-kazakhstan",
        KZAR.heldOn,
    ),
    (
        "gustavo-gutierrez--honorary-consul-rosario",
        "gustavo-gutierrez",
        SCHEMA.worksFor,
        "Honorary Consul of the Republic of Kazakhstan in Rosario",
        "org/government-of-kazakhstan",
        KZAR.heldOn,
    ),
    (
        "claudio-giacomino--political-director",
        "claudio-giacomino",
        SCHEMA.worksFor,
        "Political Director",
        "org/mfa-argentina",
        KZAR.heldOn,
    ),
]


@pytest.mark.parametrize(("role", "person", "link", "name", "org", "qualifier"), ROLES)
def test_roles_follow_the_role_pattern(
    g: Graph, role: str, person: str, link: URIRef, name: str, org: str, qualifier: URIRef
) -> None:
    r = iri(f"role/{role}")
    assert g.value(r, RDF.type) == SCHEMA.OrganizationRole
    assert (iri(f"person/{person}"), link, r) in g
    assert (r, link, iri(org)) in g
    assert g.value(r, SCHEMA.roleName) == Literal(name)
    assert list(g.objects(r, qualifier)) == [DATE]
    other = KZAR.endedNoLaterThan if qualifier == KZAR.heldOn else KZAR.heldOn
    assert g.value(r, other) is None
    assert g.value(r, SCHEMA.startDate) is None and g.value(r, SCHEMA.endDate) is None


def test_delegation_head_runs_from_the_group(g: Graph) -> None:
    group = iri("group/argentine-delegation-consultations-4")
    role = iri("role/pablo-tettamanti--head-of-argentine-delegation")
    assert (group, SCHEMA.member, role) in g
    assert (role, SCHEMA.member, iri("person/pablo-tettamanti")) in g
    assert (group, FOAF.member, iri("person/pablo-tettamanti")) in g
    assert set(g.objects(group, RDF.type)) == {SCHEMA.Organization, FOAF.Group}


def test_vagner_apk_membership_is_reified(g: Graph) -> None:
    stmt = _reified(
        g, iri("person/irina-vagner"), SCHEMA.memberOf, iri("role/irina-vagner--ambassador-of-friendship-apk")
    )
    assert "en-dash" in str(g.value(stmt, KZAR.derivation))


ORGS = {
    "org/kazinform": SCHEMA.NewsMediaOrganization,
    "org/mfa-kazakhstan": SCHEMA.GovernmentOrganization,
    "org/mfa-argentina": SCHEMA.GovernmentOrganization,
    "org/government-of-kazakhstan": SCHEMA.GovernmentOrganization,
    "org/government-of-brazil": SCHEMA.GovernmentOrganization,
    "org/bmj": SCHEMA.Corporation,
    "org/kazakh-cultural-center-rosario": SCHEMA.Organization,
    "org/assembly-of-the-people-of-kazakhstan": SCHEMA.Organization,
    "org/kz-honorary-consulate-buenos-aires": KZAR.HonoraryConsulate,
}


@pytest.mark.parametrize(("path", "cls"), ORGS.items())
def test_organisations(g: Graph, path: str, cls: URIRef) -> None:
    o = iri(path)
    types = set(g.objects(o, RDF.type))
    assert {cls, FOAF.Organization} <= types
    assert g.value(o, SCHEMA.name) == g.value(o, FOAF.name) is not None


def test_organisation_details(g: Graph) -> None:
    mfa = iri("org/mfa-kazakhstan")
    assert g.value(mfa, SCHEMA.alternateName) == Literal("Ministry of Foreign Affairs")
    assert g.value(mfa, SCHEMA.parentOrganization) == iri("org/government-of-kazakhstan")
    for gov, country in (("government-of-kazakhstan", "kazakhstan"), ("government-of-brazil", "brazil")):
        assert g.value(iri(f"org/{gov}"), SCHEMA.areaServed) == iri(f"place/{country}")
        assert g.value(iri(f"org/{gov}"), KZAR.derivation) is not None
    assert g.value(iri("org/bmj"), SCHEMA.name) == Literal("BMJ")
    assert g.value(iri("org/bmj"), SCHEMA.description) == Literal("international company")
    assert g.value(iri("org/kazakh-cultural-center-rosario"), SCHEMA.location) == iri("place/rosario")
    consulate = iri("org/kz-honorary-consulate-buenos-aires")
    assert g.value(consulate, SCHEMA.parentOrganization) == iri("org/government-of-kazakhstan")
    assert g.value(consulate, SCHEMA.location) == iri("place/kz-honorary-consulate-buenos-aires-building")
    assert g.value(consulate, SCHEMA.areaServed) == iri("place/kz-consular-district-buenos-aires")
    assert "first" in str(g.value(consulate, SCHEMA.description))


PLACES = [
    ("kazakhstan", SCHEMA.Country, "KZ", "Q232", "1522867"),
    ("argentina", SCHEMA.Country, "AR", "Q414", "3865483"),
    ("brazil", SCHEMA.Country, "BR", "Q155", "3469034"),
    ("buenos-aires", SCHEMA.City, None, "Q1486", "3435910"),
    ("rosario", SCHEMA.City, None, "Q52535", "3838583"),
    ("south-america", SCHEMA.Continent, None, "Q18", "6255150"),
    ("latin-america", SCHEMA.Place, None, "Q12585", None),
    ("rosario-region", SCHEMA.Place, None, None, None),
    ("kz-consular-district-buenos-aires", KZAR.ConsularDistrict, None, None, None),
    ("kz-honorary-consulate-buenos-aires-building", SCHEMA.Place, None, None, None),
]


@pytest.mark.parametrize(("slug", "cls", "iso", "qid", "geonames"), PLACES)
def test_places_with_codes_and_confirmed_links(
    g: Graph, slug: str, cls: URIRef, iso: str | None, qid: str | None, geonames: str | None
) -> None:
    p = iri(f"place/{slug}")
    assert cls in set(g.objects(p, RDF.type))
    same = {str(o) for o in g.objects(p, SCHEMA.sameAs)}
    expected = set()
    if qid:
        expected.add(f"http://www.wikidata.org/entity/{qid}")
    if geonames:
        expected.add(f"https://sws.geonames.org/{geonames}/")
    assert same == expected
    codes = list(g.objects(p, SCHEMA.identifier))
    if iso is None:
        assert codes == []
    else:
        (code,) = codes
        assert g.value(code, RDF.type) == SCHEMA.PropertyValue
        assert g.value(code, SCHEMA.propertyID) == Literal("ISO 3166-1 alpha-2")
        assert g.value(code, SCHEMA.value) == Literal(iso)


def test_place_containment(g: Graph) -> None:
    contained = {
        (str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1]) for s, o in g.subject_objects(SCHEMA.containedInPlace)
    }
    assert contained == {
        ("buenos-aires", "argentina"),
        ("rosario", "argentina"),
        ("rosario-region", "argentina"),
        ("kz-consular-district-buenos-aires", "argentina"),
        ("kz-honorary-consulate-buenos-aires-building", "buenos-aires"),
    }
    contains = {
        (str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1]) for s, o in g.subject_objects(SCHEMA.containsPlace)
    }
    assert contains == {("rosario-region", "rosario"), ("kz-consular-district-buenos-aires", "buenos-aires")}
    assert g.value(iri("place/kazakhstan"), SCHEMA.alternateName) == Literal("Republic of Kazakhstan")
    assert g.value(iri("place/latin-america"), SCHEMA.alternateName) == Literal("Latin American region")


def test_event_hierarchy_both_ways(g: Graph) -> None:
    visit = iri("event/umarov-working-visit-argentina-2023")
    consult = iri("event/kz-ar-political-consultations-4")
    subs = {str(o).rsplit("/", 1)[1] for o in g.objects(visit, SCHEMA.subEvent)}
    assert subs == {
        "kz-ar-political-consultations-4",
        "umarov-meeting-welber-barral",
        "umarov-meeting-rosario-representatives",
        "kz-honorary-consulate-buenos-aires-opening",
    }
    supers = {str(o).rsplit("/", 1)[1] for o in g.objects(consult, SCHEMA.superEvent)}
    assert supers == {
        "umarov-working-visit-argentina-2023",
        "kz-ar-political-consultations",
        "kz-ar-diplomatic-relations-30th-anniversary",
    }
    for s, o in g.subject_objects(SCHEMA.superEvent):
        assert (o, SCHEMA.subEvent, s) in g
    for s, o in g.subject_objects(SCHEMA.subEvent):
        assert (o, SCHEMA.superEvent, s) in g
    for child, parent in (
        ("kz-ar-political-consultations-4", "umarov-working-visit-argentina-2023"),
        ("umarov-meeting-rosario-representatives", "umarov-working-visit-argentina-2023"),
        ("kz-flag-raising-consulate-buenos-aires", "kz-honorary-consulate-buenos-aires-opening"),
    ):
        _reified(g, iri(f"event/{child}"), SCHEMA.superEvent, iri(f"event/{parent}"))


def test_event_details(g: Graph) -> None:
    visit = iri("event/umarov-working-visit-argentina-2023")
    assert {KZAR.WorkingVisit, SCHEMA.Event} <= set(g.objects(visit, RDF.type))
    assert g.value(visit, SCHEMA.location) == iri("place/argentina")
    assert list(g.objects(visit, SCHEMA.attendee)) == [iri("person/kairat-umarov")]
    consult = iri("event/kz-ar-political-consultations-4")
    assert KZAR.PoliticalConsultations in set(g.objects(consult, RDF.type))
    assert g.value(consult, KZAR.ordinal) == Literal("4", datatype=XSD.positiveInteger)
    assert {str(o).rsplit("/", 1)[1] for o in g.objects(consult, SCHEMA.attendee)} == {
        "kairat-umarov",
        "pablo-tettamanti",
        "argentine-delegation-consultations-4",
    }
    assert len(list(g.objects(consult, SCHEMA.keywords))) == 3
    assert g.value(consult, SCHEMA.location) is None  # not stated (D6)
    series = iri("event/kz-ar-political-consultations")
    assert g.value(series, RDF.type) == SCHEMA.EventSeries and g.value(series, KZAR.derivation) is not None
    anniversary = iri("event/kz-ar-diplomatic-relations-30th-anniversary")
    assert g.value(anniversary, KZAR.ordinal) == Literal("30", datatype=XSD.positiveInteger)
    assert g.value(anniversary, SCHEMA.about) == iri("relation/kz-ar-diplomatic-relations")
    opening = iri("event/kz-honorary-consulate-buenos-aires-opening")
    assert g.value(opening, SCHEMA.location) == iri("place/buenos-aires")
    assert len(list(g.objects(opening, SCHEMA.attendee))) == 4
    flag = iri("event/kz-flag-raising-consulate-buenos-aires")
    assert g.value(flag, SCHEMA.location) == iri("place/kz-honorary-consulate-buenos-aires-building")
    ended = {str(s).rsplit("/", 1)[1] for s in g.subjects(KZAR.endedNoLaterThan, DATE) if "/event/" in str(s)}
    assert ended == {
        "umarov-working-visit-argentina-2023",
        "kz-ar-political-consultations-4",
        "umarov-meeting-welber-barral",
        "umarov-meeting-rosario-representatives",
        "kz-honorary-consulate-buenos-aires-opening",
        "kz-flag-raising-consulate-buenos-aires",
    }
    for e in g.subjects(RDF.type, SCHEMA.Event):
        assert g.value(e, SCHEMA.startDate) is None


def test_relation_and_derived_year(g: Graph) -> None:
    rel = iri("relation/kz-ar-diplomatic-relations")
    assert {KZAR.DiplomaticRelation, SCHEMA.Intangible} == set(g.objects(rel, RDF.type))
    assert set(g.objects(rel, KZAR.party)) == {iri("place/kazakhstan"), iri("place/argentina")}
    year = Literal("1993", datatype=XSD.gYear)
    assert list(g.objects(rel, KZAR.establishedYear)) == [year]
    stmt = _reified(g, rel, KZAR.establishedYear, year)
    assert "2023 − 30 = 1993" in str(g.value(stmt, KZAR.derivation))
    assert g.value(rel, SCHEMA.startDate) is None


def test_every_reified_statement_is_also_asserted(g: Graph) -> None:
    statements = list(g.subjects(RDF.type, RDF.Statement))
    assert len(statements) == 9  # 4 nationalities, 3 super events, 1 membership, 1 year
    for st in statements:
        triple = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        assert triple in g
        assert g.value(st, KZAR.derivation) is not None


# (body path, exact, start, end): MAPPING.md section 8.3, m01-m51.
OFFSETS = [
    ("place/buenos-aires", "BUENOS AIRES", 0, 12), ("org/kazinform", "KAZINFORM", 14, 23),
    ("role/kairat-umarov--first-deputy-foreign-minister", "First Deputy Foreign Minister of Kazakhstan", 24, 67),
    ("place/kazakhstan", "Kazakhstan", 57, 67), ("person/kairat-umarov", "Kairat Umarov", 68, 81),
    ("place/argentina", "Argentina", 93, 102), ("event/umarov-working-visit-argentina-2023", "working visit", 108, 121),
    ("org/mfa-kazakhstan", "Ministry of Foreign Affairs", 150, 177),
    ("event/kz-ar-political-consultations-4", "fourth round of political consultations", 203, 242),
    ("event/kz-ar-diplomatic-relations-30th-anniversary", "30th anniversary of the establishment of diplomatic relations between Kazakhstan and Argentina", 265, 359),
    ("relation/kz-ar-diplomatic-relations", "diplomatic relations between Kazakhstan and Argentina", 306, 359),
    ("group/argentine-delegation-consultations-4", "Argentine delegation", 365, 385),
    ("role/pablo-tettamanti--first-deputy-minister-of-foreign-affairs", "First Deputy Minister of Foreign Affairs of Argentina", 404, 457),
    ("person/pablo-tettamanti", "Pablo Tettamanti", 470, 486),
    ("event/umarov-meeting-welber-barral", "meeting", 856, 863),
    ("role/welber-barral--secretary-of-state-for-foreign-trade", "former Secretary of State for Foreign Trade of Brazil", 893, 946),
    ("place/brazil", "Brazil", 940, 946),
    ("role/welber-barral--director-bmj", "Director of the international company «BMJ»", 951, 994),
    ("org/bmj", "BMJ", 990, 993), ("person/welber-barral", "Welber Barral", 995, 1008),
    ("place/south-america", "South America", 1095, 1108), ("place/latin-america", "Latin American region", 1185, 1206),
    ("place/rosario-region", "region of Rosario", 1360, 1377), ("place/rosario", "Rosario", 1370, 1377),
    ("event/umarov-meeting-rosario-representatives", "meeting", 1390, 1397),
    ("role/irina-vagner--director-kcc-rosario", "Director of the Kazakh Cultural Center in Rosario", 1424, 1473),
    ("org/kazakh-cultural-center-rosario", "Kazakh Cultural Center in Rosario", 1440, 1473),
    ("role/irina-vagner--ambassador-of-friendship-apk", "Ambassador of Friendship of the Assembly of the People of Kazakhstan", 1480, 1548),
    ("org/assembly-of-the-people-of-kazakhstan", "Assembly of the People of Kazakhstan", 1512, 1548),
    ("person/irina-vagner", "Irina Vagner", 1549, 1561),
    ("role/gustavo-gutierrez--honorary-consul-rosario", "Honorary Consul of the Republic of Kazakhstan in Rosario", 1570, 1626),
    ("person/gustavo-gutierrez", "Gustavo Gutierrez", 1627, 1644),
    ("event/kz-honorary-consulate-buenos-aires-opening", "official opening ceremony", 1727, 1752),
    ("org/kz-honorary-consulate-buenos-aires", "Honorary Consulate of the Republic of Kazakhstan in Buenos Aires", 1766, 1830),
    ("event/kz-flag-raising-consulate-buenos-aires", "raising of the flag of Kazakhstan", 1839, 1872),
    ("place/kz-honorary-consulate-buenos-aires-building", "building", 1880, 1888),
    ("role/claudio-giacomino--political-director", "Political Director of the Ministry of Foreign Affairs of Argentina", 1920, 1986),
    ("org/mfa-argentina", "Ministry of Foreign Affairs of Argentina", 1946, 1986),
    ("person/claudio-giacomino", "Claudio Giacomino", 1988, 2005),
    ("group/argentine-political-civil-business-representatives", "representatives of the political, civil and business circles of the host country", 2007, 2087),
    ("group/local-media-buenos-aires", "local media", 2103, 2114),
    ("place/kz-consular-district-buenos-aires", "consular district", 2612, 2629),
    ("person/kairat-umarov", "He", 180, 182), ("event/kz-ar-political-consultations-4", "the talks", 496, 505),
    ("event/kz-ar-political-consultations-4", "The meeting", 656, 667), ("event/umarov-working-visit-argentina-2023", "the visit", 833, 842),
    ("place/argentina", "the host country", 2071, 2087), ("event/kz-honorary-consulate-buenos-aires-opening", "The event", 1890, 1899),
    ("org/kz-honorary-consulate-buenos-aires", "representative office of our country in Buenos Aires", 2134, 2186),
    ("place/kazakhstan", "our country", 2159, 2170), ("place/kazakhstan", "Republic of Kazakhstan", 1593, 1615),
]  # fmt: skip


def _annotations(g: Graph) -> set[tuple[str, str, int, int]]:
    found = set()
    for m in g.subjects(RDF.type, OA.Annotation):
        assert g.value(m, OA.motivatedBy) == OA.identifying
        body = str(g.value(m, OA.hasBody))[len(BASE) :]
        target = g.value(m, OA.hasTarget)
        assert g.value(target, RDF.type) == OA.SpecificResource
        assert g.value(target, OA.hasSource) == ARTICLE
        selectors = {g.value(s, RDF.type): s for s in g.objects(target, OA.hasSelector)}
        assert set(selectors) == {OA.TextPositionSelector, OA.TextQuoteSelector}
        pos, quote = selectors[OA.TextPositionSelector], selectors[OA.TextQuoteSelector]
        start, end = g.value(pos, OA.start), g.value(pos, OA.end)
        assert start.datatype == end.datatype == XSD.nonNegativeInteger  # type: ignore[union-attr]
        found.add((body, str(g.value(quote, OA.exact)), int(start), int(end)))  # type: ignore[arg-type]
    return found


def test_all_51_mentions_have_the_reference_offsets(g: Graph) -> None:
    assert _annotations(g) == set(OFFSETS)


def test_every_offset_selects_its_quote_and_context_is_adjacent_and_unique(g: Graph) -> None:
    body = str(g.value(ARTICLE, SCHEMA.articleBody))
    checked = 0
    for target in g.subjects(OA.hasSource, ARTICLE):
        sel = {g.value(s, RDF.type): s for s in g.objects(target, OA.hasSelector)}
        pos, quote = sel[OA.TextPositionSelector], sel[OA.TextQuoteSelector]
        start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))  # type: ignore[arg-type]
        exact = str(g.value(quote, OA.exact))
        prefix, suffix = str(g.value(quote, OA.prefix) or ""), str(g.value(quote, OA.suffix) or "")
        assert body[start:end] == exact
        assert body[:start].endswith(prefix) and body[end:].startswith(suffix)
        assert body.count(prefix + exact + suffix) == 1
        checked += 1
    assert checked == 51


def _reified(g: Graph, s: URIRef, p: URIRef, o: URIRef | Literal) -> URIRef:
    found = [
        st for st in g.subjects(RDF.subject, s) if g.value(st, RDF.predicate) == p and g.value(st, RDF.object) == o
    ]
    assert len(found) == 1, f"no reified statement for {s} {p} {o}"
    assert g.value(found[0], RDF.type) == RDF.Statement
    return found[0]  # type: ignore[return-value]


# --- the second, fictional article --------------------------------------------------------------


@pytest.fixture(scope="module")
def fictional() -> Graph:
    ds = build_graph(load_article(FICTIONAL))
    return ds.graph(iri("article/fictional-round-table"))


def test_fictional_article_without_header_line(fictional: Graph) -> None:
    a = iri("article/fictional-round-table")
    assert fictional.value(a, SCHEMA.headline) == Literal("Fictional round table on trade with Chile")
    assert fictional.value(a, SCHEMA.datePublished) == Literal("2024-03-15", datatype=XSD.date)
    assert str(fictional.value(a, SCHEMA.articleBody)).startswith("ASTANA. KAZINFORM This is a fictional article")


def test_fictional_person_without_role_and_non_ascii_names(fictional: Graph) -> None:
    jose = iri("person/jose-nunez-pena")
    assert fictional.value(jose, SCHEMA.name) == Literal("José Ñúñez Peña")
    assert fictional.value(jose, SCHEMA.worksFor) is None
    aliya = iri("person/aliya-seyitqyzy")
    assert fictional.value(aliya, SCHEMA.name) == Literal("Әлия Сейітқызы")
    assert fictional.value(aliya, SCHEMA.familyName) == Literal("Сейітқызы")


def test_fictional_event_without_location_and_nested_organisation(fictional: Graph) -> None:
    event = iri("event/round-table-chile-trade")
    assert fictional.value(event, SCHEMA.location) is None
    dept = iri("org/department-of-latin-america")
    mfa = fictional.value(dept, SCHEMA.parentOrganization)
    assert mfa == iri("org/mfa-kazakhstan")
    assert fictional.value(mfa, SCHEMA.parentOrganization) == iri("org/government-of-kazakhstan")


def test_fictional_offsets_count_code_points(fictional: Graph) -> None:
    body = str(fictional.value(iri("article/fictional-round-table"), SCHEMA.articleBody))
    for pos in fictional.subjects(RDF.type, OA.TextPositionSelector):
        start, end = int(fictional.value(pos, OA.start)), int(fictional.value(pos, OA.end))  # type: ignore[arg-type]
        target = fictional.value(predicate=OA.hasSelector, object=pos)
        quote = next(s for s in fictional.objects(target, OA.hasSelector) if s != pos)
        assert body[start:end] == str(fictional.value(quote, OA.exact))
    cut = body.index("José")
    assert cut != len(body[:cut].encode("utf-8"))  # code points, not bytes


def test_shared_entities_keep_one_iri_across_articles() -> None:
    ds = build_graph([load_article("examples/kazinform-2023-08-24"), load_article(FICTIONAL)])
    graphs = {g.identifier: g for g in ds.graphs() if len(g)}
    assert set(graphs) == {ARTICLE, iri("article/fictional-round-table")}
    for shared in (
        "place/kazakhstan",
        "org/kazinform",
        "org/mfa-kazakhstan",
        "org/government-of-kazakhstan",
        "occupation/economist",
    ):
        for graph in graphs.values():
            assert (iri(shared), None, None) in graph, shared


def test_base_is_configurable() -> None:
    ds = build_graph(load_article(FICTIONAL), base="https://data.example.org/kz/")
    subjects = {str(s) for s, _, _, _ in ds.quads()}
    assert "https://data.example.org/kz/person/aliya-seyitqyzy" in subjects
    assert not any(s.startswith(BASE) for s in subjects)


# ---------------------------------------------------------------------------------------------
# rdflib users: the Dataset's own prefixes are the data's namespaces


def test_rdflib_query_with_its_own_prefixes_finds_the_people() -> None:
    dataset = build_graph([load_article("examples/kazinform-2023-08-24"), load_article(FICTIONAL)])
    # No PREFIX declarations: rdflib takes schema:, foaf:, kzar: ... from the Dataset.
    people = {row[0] for row in dataset.query("SELECT ?p WHERE { ?p a schema:Person ; a foaf:Person }")}
    assert URIRef(BASE + "person/kairat-umarov") in people
    assert people == set(dataset.subjects(RDF.type, SCHEMA.Person))
    visits = dataset.query("ASK { ?v a kzar:WorkingVisit ; schema:subEvent ?e . ?m oa:hasBody ?x }")
    assert visits.askAnswer is True


@pytest.mark.parametrize("syntax", ["trig", "turtle", "xml"])
def test_rdflib_serialize_writes_our_prefixes_and_no_invented_ones(syntax: str) -> None:
    import re
    import warnings

    dataset = build_graph(load_article("examples/kazinform-2023-08-24"))
    graph = dataset if syntax == "trig" else dataset.graph(ARTICLE)
    with warnings.catch_warnings():
        # rdflib 7's own TriG writer calls its deprecated Dataset.contexts.
        warnings.filterwarnings("ignore", "Dataset.contexts is deprecated", DeprecationWarning)
        out = graph.serialize(format=syntax)
    declared = re.findall(r"@prefix (\w*):|xmlns:(\w+)=", out)
    prefixes = {a or b for a, b in declared}
    assert {"schema", "foaf", "oa", "kzar"} <= prefixes
    assert not [p for p in prefixes if re.fullmatch(r"ns\d+", p)], sorted(prefixes)
    assert dict(dataset.namespaces())["schema"] == URIRef("http://schema.org/")
