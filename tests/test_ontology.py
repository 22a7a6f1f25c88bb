"""The shipped vocabularies in ``ontologies/``: kzar.ttl, and the derived schema.org/FOAF/OA copies.

kzar.ttl must document every ``kzar:`` term the code uses; the derived files must be exactly what
``scripts/derive_vocab.py`` makes from the official files (re-run here when they are present),
carry their provenance and licence, and hold what validation needs.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from kzar_ld.namespaces import FOAF, KZAR, OA, OWL, PREFIXES, RDF, RDFS, SCHEMA, XSD
from kzar_ld.resources import read_text, resource_files, resource_path
from kzar_ld.validation.vocab import is_known_term, superclasses

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = REPO_ROOT / "scripts" / "derive_vocab.py"
OFFICIAL = REPO_ROOT.parent / "shared" / "vocab"
MAPPING = REPO_ROOT.parent / "shared" / "MAPPING.md"
DERIVED = ("schemaorg.ttl", "foaf.ttl", "oa.ttl")
OFFICIAL_SOURCES = ("schemaorg-current-http.ttl", "foaf.ttl", "oa.ttl")
ONTOLOGY = URIRef("https://kzar.example/ns")
#: schema.org terms that kzar_ld itself never writes (so not in the closed SCHEMA namespace).
S = Namespace(str(SCHEMA))

needs_official = pytest.mark.skipif(
    not all((OFFICIAL / name).is_file() for name in OFFICIAL_SOURCES),
    reason=f"the official vocabulary files are not in {OFFICIAL}",
)


def shipped(name: str) -> Graph:
    return Graph().parse(data=read_text("ontologies", name), format="turtle")


@pytest.fixture(scope="module")
def kzar() -> Graph:
    return shipped("kzar.ttl")


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("derive_vocab", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive_vocab"] = module
    spec.loader.exec_module(module)
    return module


def run_script(*args: str | Path, seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


# kzar.ttl ------------------------------------------------------------------------------------


def test_kzar_ttl_parses_with_two_independent_parsers() -> None:
    text = read_text("ontologies", "kzar.ttl")
    assert len(Graph().parse(data=text, format="turtle")) > 50
    assert len(list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))) > 50


def test_ontology_header(kzar: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in kzar
    # One version for the package and its vocabulary: pyproject.toml is the source of truth.
    assert kzar.value(ONTOLOGY, OWL.versionInfo) == Literal(version("kzar-ld"))
    assert isinstance(kzar.value(ONTOLOGY, DCTERMS.license), URIRef)
    assert str(kzar.value(ONTOLOGY, DCTERMS.title)).strip()
    assert len(str(kzar.value(ONTOLOGY, DCTERMS.description))) > 100


def kzar_terms_in_code() -> list[str]:
    return sorted(name for name in KZAR.__annotations__ if not name.startswith("_"))


@pytest.mark.parametrize("name", kzar_terms_in_code())
def test_every_kzar_term_is_documented(kzar: Graph, name: str) -> None:
    term = URIRef(str(KZAR) + name)
    label = kzar.value(term, RDFS.label)
    comment = kzar.value(term, RDFS.comment)
    assert isinstance(label, Literal) and label.language == "en" and str(label).strip()
    assert isinstance(comment, Literal) and len(str(comment)) > 40
    assert kzar.value(term, RDFS.isDefinedBy) == ONTOLOGY


def test_kzar_ttl_defines_no_term_the_code_does_not_know(kzar: Graph) -> None:
    defined = {str(s)[len(str(KZAR)) :] for s in kzar.subjects(RDFS.isDefinedBy, ONTOLOGY)}
    assert defined == set(kzar_terms_in_code())


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (KZAR.DiplomaticVisit, SCHEMA.Event),
        (KZAR.WorkingVisit, KZAR.DiplomaticVisit),
        (KZAR.PoliticalConsultations, SCHEMA.Event),
        (KZAR.HonoraryConsulate, SCHEMA.GovernmentOrganization),
        (KZAR.ConsularDistrict, SCHEMA.AdministrativeArea),
        (KZAR.DiplomaticRelation, SCHEMA.Intangible),
    ],
)
def test_classes_specialise_schema_org(kzar: Graph, cls: URIRef, parent: URIRef) -> None:
    assert (cls, RDF.type, OWL.Class) in kzar
    assert list(kzar.objects(cls, RDFS.subClassOf)) == [parent]
    schema_supers = {c for c in superclasses(cls) if str(c).startswith(str(SCHEMA))}
    assert schema_supers and all(is_known_term(c) for c in schema_supers)


@pytest.mark.parametrize(
    ("prop", "kind", "domain", "range_"),
    [
        (KZAR.party, OWL.ObjectProperty, KZAR.DiplomaticRelation, SCHEMA.Country),
        (KZAR.establishedYear, OWL.DatatypeProperty, KZAR.DiplomaticRelation, XSD.gYear),
        (KZAR.ordinal, OWL.DatatypeProperty, SCHEMA.Event, XSD.positiveInteger),
        (KZAR.heldOn, OWL.DatatypeProperty, SCHEMA.Role, XSD.date),
    ],
)
def test_properties_have_domain_and_range(
    kzar: Graph, prop: URIRef, kind: URIRef, domain: URIRef, range_: URIRef
) -> None:
    assert (prop, RDF.type, kind) in kzar
    assert kzar.value(prop, RDFS.domain) == domain
    assert list(kzar.objects(prop, SCHEMA.domainIncludes)) == [domain]
    assert kzar.value(prop, RDFS.range) == range_


def test_ended_no_later_than_has_a_union_domain(kzar: Graph) -> None:
    prop = KZAR.endedNoLaterThan
    assert (prop, RDF.type, OWL.DatatypeProperty) in kzar
    assert set(kzar.objects(prop, SCHEMA.domainIncludes)) == {SCHEMA.Role, SCHEMA.Event}
    union = kzar.value(prop, RDFS.domain)
    assert isinstance(union, BNode)
    members = kzar.value(union, OWL.unionOf)
    assert members is not None
    assert set(Collection(kzar, members)) == {SCHEMA.Role, SCHEMA.Event}
    assert kzar.value(prop, RDFS.range) == XSD.date


@pytest.mark.parametrize("prop", [KZAR.heldOn, KZAR.endedNoLaterThan])
def test_date_bounds_say_they_come_from_date_published(kzar: Graph, prop: URIRef) -> None:
    comment = str(kzar.value(prop, RDFS.comment))
    assert "derived from the schema:datePublished" in comment


def test_derivation_is_an_annotation_property(kzar: Graph) -> None:
    assert set(kzar.objects(KZAR.derivation, RDF.type)) == {OWL.AnnotationProperty}
    assert kzar.value(KZAR.derivation, RDFS.range) == XSD.string


# the derived files ---------------------------------------------------------------------------


def test_the_package_ships_every_vocabulary() -> None:
    names = [p.name for p in resource_files("ontologies", suffix=".ttl")]
    assert names == ["cameo.ttl", "foaf.ttl", "kzar.ttl", "oa.ttl", "schemaorg.ttl"]


@pytest.mark.parametrize(
    ("name", "source", "licence"),
    [
        ("schemaorg.ttl", "schemaorg-current-http.ttl", "CC BY-SA 3.0"),
        ("foaf.ttl", "foaf.ttl", "CC BY 1.0"),
        ("oa.ttl", "oa.ttl", "W3C Software and Document Licence"),
    ],
)
def test_derived_files_name_their_source_and_licence(name: str, source: str, licence: str) -> None:
    header = read_text("ontologies", name).split("\n@prefix", 1)[0]
    assert f"Derived from {source} " in header
    assert re.search(r"source SHA-256 [0-9a-f]{64}\n", header)
    assert f"Licence: {licence} " in header
    assert "do not edit by hand" in header


@pytest.mark.parametrize("name", DERIVED)
def test_derived_files_have_no_comments_or_blank_nodes(name: str) -> None:
    graph = shipped(name)
    assert not list(graph.triples((None, RDFS.comment, None)))
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def test_schemaorg_copy_keeps_what_a_range_check_needs() -> None:
    graph = shipped("schemaorg.ttl")
    assert graph.value(URIRef(str(SCHEMA)), OWL.versionInfo) == Literal("30.0")
    assert (SCHEMA.Person, RDFS.subClassOf, SCHEMA.Thing) in graph
    assert (SCHEMA.nationality, SCHEMA.domainIncludes, SCHEMA.Person) in graph
    assert (SCHEMA.nationality, SCHEMA.rangeIncludes, SCHEMA.Country) in graph
    assert (SCHEMA.name, RDFS.subPropertyOf, RDFS.label) in graph
    assert (S.subEvent, S.inverseOf, S.superEvent) in graph
    assert (S.subEvent, OWL.inverseOf, S.superEvent) in graph
    pending = URIRef("http://pending.schema.org")
    assert (SCHEMA.NewsMediaOrganization, SCHEMA.isPartOf, pending) in graph
    assert (SCHEMA.EventSeries, SCHEMA.isPartOf, pending) in graph
    for datatype in (SCHEMA.Text, SCHEMA.Date, SCHEMA.DateTime, SCHEMA.Number, SCHEMA.Boolean):
        assert (datatype, RDF.type, SCHEMA.DataType) in graph
    assert (SCHEMA.URL, RDFS.subClassOf, SCHEMA.Text) in graph
    assert (SCHEMA.Integer, RDFS.subClassOf, SCHEMA.Number) in graph
    # enumeration members are kept, so that an IRI value such as schema:EventScheduled has a type
    assert (S.EventScheduled, RDF.type, S.EventStatusType) in graph
    # alignments to other vocabularies are dropped: only schema.org, RDF and RDFS superclasses
    for parent in graph.objects(None, RDFS.subClassOf):
        assert str(parent).startswith((str(SCHEMA), str(RDFS)))


def test_foaf_copy_keeps_equivalences_and_property_kinds() -> None:
    graph = shipped("foaf.ttl")
    assert graph.value(URIRef(str(FOAF)), OWL.versionInfo) == Literal("0.99")
    assert (FOAF.Person, OWL.equivalentClass, SCHEMA.Person) in graph
    assert (FOAF.Document, OWL.equivalentClass, SCHEMA.CreativeWork) in graph
    assert (FOAF.Group, RDFS.subClassOf, FOAF.Agent) in graph
    assert (FOAF.Organization, OWL.disjointWith, FOAF.Person) in graph
    assert (FOAF.primaryTopic, RDF.type, OWL.FunctionalProperty) in graph
    assert (FOAF.mbox, RDF.type, OWL.InverseFunctionalProperty) in graph
    assert (FOAF.member, RDFS.domain, FOAF.Group) in graph
    assert (FOAF.member, RDFS.range, FOAF.Agent) in graph
    # every term of rdflib's closed FOAF namespace is in the copy
    assert all(is_known_term(str(FOAF) + name) for name in FOAF.__annotations__)


def test_oa_copy_keeps_domains_ranges_and_individuals() -> None:
    graph = shipped("oa.ttl")
    assert (OA.start, RDFS.range, XSD.nonNegativeInteger) in graph
    assert (OA.hasSelector, RDFS.range, URIRef(str(OA) + "Selector")) in graph
    assert (OA.TextPositionSelector, RDFS.subClassOf, URIRef(str(OA) + "Selector")) in graph
    assert (OA.identifying, RDF.type, URIRef(str(OA) + "Motivation")) in graph


@pytest.mark.parametrize("namespace", [SCHEMA, OA, KZAR, FOAF], ids=["schema", "oa", "kzar", "foaf"])
def test_every_term_the_code_names_exists(namespace: type) -> None:
    missing = [
        name
        for name in namespace.__annotations__
        if not name.startswith("_") and not is_known_term(str(namespace) + name)
    ]
    assert missing == []


# the classes and properties of MAPPING.md's graph ----------------------------------------------

MAPPING_CLASSES = [
    *("schema:NewsArticle", "schema:CreativeWork", "schema:Person", "schema:OrganizationRole"),
    *("schema:NewsMediaOrganization", "schema:GovernmentOrganization", "schema:Corporation"),
    *("schema:Organization", "schema:Country", "schema:City", "schema:Place", "schema:Continent"),
    *("schema:EventSeries", "schema:Event", "schema:Occupation", "schema:PropertyValue"),
    *("foaf:Document", "foaf:Person", "foaf:Organization", "foaf:Group"),
    *("kzar:HonoraryConsulate", "kzar:ConsularDistrict", "kzar:WorkingVisit"),
    *("kzar:DiplomaticVisit", "kzar:PoliticalConsultations", "kzar:DiplomaticRelation"),
    *("oa:Annotation", "oa:SpecificResource", "oa:TextPositionSelector", "oa:TextQuoteSelector"),
]


@pytest.mark.parametrize("curie", MAPPING_CLASSES)
def test_every_class_of_the_mapping_is_known(curie: str) -> None:
    prefix, local = curie.split(":")
    cls = URIRef(PREFIXES[prefix] + local)
    assert is_known_term(cls)
    assert cls in superclasses(cls)


@pytest.mark.skipif(not MAPPING.is_file(), reason=f"{MAPPING} is not beside the repository")
def test_every_term_mapping_md_names_is_known() -> None:
    text = MAPPING.read_text(encoding="utf-8")
    found = set(re.findall(r"\b(schema|foaf|kzar|oa):([A-Za-z_][A-Za-z0-9_]*)", text))
    assert len(found) > 50
    unknown = sorted(f"{p}:{n}" for p, n in found if not is_known_term(PREFIXES[p] + n))
    assert unknown == []


# the derivation script -----------------------------------------------------------------------


@needs_official
def test_rerunning_the_derivation_gives_the_shipped_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert run_script("--vocab", OFFICIAL, "--out", first, seed="1").returncode == 0
    assert run_script("--vocab", OFFICIAL, "--out", second, seed="2").returncode == 0
    for name in DERIVED:
        shipped_bytes = resource_path("ontologies", name).read_bytes()
        assert (first / name).read_bytes() == shipped_bytes, f"{name} is out of date: re-run"
        assert (second / name).read_bytes() == shipped_bytes
    assert sorted(p.name for p in first.iterdir()) == sorted(DERIVED)


@needs_official
def test_derived_schemaorg_matches_the_official_domains_and_ranges() -> None:
    official = Graph().parse(OFFICIAL / "schemaorg-current-http.ttl", format="turtle")
    derived = shipped("schemaorg.ttl")
    for predicate in (SCHEMA.domainIncludes, SCHEMA.rangeIncludes):
        assert set(official.triples((None, predicate, None))) == set(derived.triples((None, predicate, None)))
    official_classes = {s for s in official.subjects(RDF.type, RDFS.Class) if str(s).startswith(str(SCHEMA))}
    derived_classes = set(derived.subjects(RDF.type, RDFS.Class))
    assert official_classes == derived_classes


MINI_SOURCES = {
    "schemaorg-current-http.ttl": """
        @prefix schema: <http://schema.org/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix x: <http://other.example/> .
        schema:Thing a rdfs:Class ; rdfs:label "Thing" ; rdfs:comment "The most generic type." .
        schema:Person a rdfs:Class ; rdfs:label "Person" ; rdfs:comment "A person." ;
            rdfs:subClassOf schema:Thing, x:Agent .
        schema:knows a rdf:Property ; rdfs:label "knows" ; rdfs:comment "Knows someone." ;
            schema:domainIncludes schema:Person ; schema:rangeIncludes schema:Person ;
            schema:inverseOf schema:knows ; schema:isPartOf <http://pending.schema.org> ;
            schema:source <http://other.example/issue> .
        x:Agent a rdfs:Class .
    """,
    "foaf.ttl": """
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        foaf: a owl:Ontology .
        foaf:Agent a owl:Class ; rdfs:label "Agent" ; rdfs:comment "An agent." .
    """,
    "oa.ttl": """
        @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        oa:Annotation a rdfs:Class ; rdfs:label "Annotation" ; rdfs:comment "An annotation." .
    """,
}


def write_sources(folder: Path) -> Path:
    folder.mkdir()
    for name, text in MINI_SOURCES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_script_keeps_structure_and_drops_the_rest(tmp_path: Path) -> None:
    vocab, out = write_sources(tmp_path / "vocab"), tmp_path / "out"
    out.mkdir()
    result = run_script("--vocab", vocab, "--out", out)
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(out / "schemaorg.ttl", format="turtle")
    assert (SCHEMA.Person, RDFS.subClassOf, SCHEMA.Thing) in graph
    assert (S.knows, SCHEMA.domainIncludes, SCHEMA.Person) in graph
    assert (S.knows, OWL.inverseOf, S.knows) in graph
    assert (S.knows, SCHEMA.isPartOf, URIRef("http://pending.schema.org")) in graph
    assert (S.knows, RDFS.label, Literal("knows")) in graph
    assert not list(graph.triples((None, RDFS.comment, None)))
    assert not list(graph.triples((None, S.source, None)))
    # the alignment to another vocabulary and that vocabulary's own class are gone
    assert (SCHEMA.Person, RDFS.subClassOf, URIRef("http://other.example/Agent")) not in graph
    assert not list(graph.triples((URIRef("http://other.example/Agent"), None, None)))
    foaf = Graph().parse(out / "foaf.ttl", format="turtle")
    assert (FOAF.Agent, RDF.type, OWL.Class) in foaf
    assert foaf.value(URIRef(str(FOAF)), OWL.versionInfo) == Literal("0.99")
    assert oct((out / "oa.ttl").stat().st_mode & 0o777) == "0o644"


def test_the_script_output_is_sorted_and_stable(tmp_path: Path, script: ModuleType) -> None:
    vocab = write_sources(tmp_path / "vocab")
    first = script.derive(vocab)
    second = script.derive(vocab)
    assert first == second
    text = first["schemaorg.ttl"].decode()
    assert text.index("schema:Person a rdfs:Class") < text.index("schema:knows a rdf:Property")


def test_missing_source_fails_and_writes_nothing(tmp_path: Path) -> None:
    vocab, out = write_sources(tmp_path / "vocab"), tmp_path / "out"
    out.mkdir()
    (vocab / "oa.ttl").unlink()
    result = run_script("--vocab", vocab, "--out", out)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"{vocab / 'oa.ttl'}: the source file is missing; pass --vocab" in result.stderr
    assert list(out.iterdir()) == []


def test_malformed_source_fails_and_writes_nothing(tmp_path: Path) -> None:
    vocab, out = write_sources(tmp_path / "vocab"), tmp_path / "out"
    out.mkdir()
    (vocab / "foaf.ttl").write_text("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\nfoaf:x a", "utf-8")
    result = run_script("--vocab", vocab, "--out", out)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"{vocab / 'foaf.ttl'}: not valid Turtle" in result.stderr
    assert list(out.iterdir()) == []


def test_source_without_the_vocabulary_fails(tmp_path: Path) -> None:
    vocab, out = write_sources(tmp_path / "vocab"), tmp_path / "out"
    out.mkdir()
    (vocab / "oa.ttl").write_text("<http://other.example/a> a <http://other.example/B> .", "utf-8")
    result = run_script("--vocab", vocab, "--out", out)
    assert result.returncode == 2
    assert "no http://www.w3.org/ns/oa# terms found; is this the right file?" in result.stderr
    assert list(out.iterdir()) == []


def test_missing_output_folder_fails(tmp_path: Path) -> None:
    vocab = write_sources(tmp_path / "vocab")
    result = run_script("--vocab", vocab, "--out", tmp_path / "nowhere")
    assert result.returncode == 2
    assert f"{tmp_path / 'nowhere'}: the output folder does not exist" in result.stderr


def test_script_docstring_examples(script: ModuleType) -> None:
    outcome = doctest.testmod(script, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted > 0 and outcome.failed == 0
