"""The shipped shapes: golden files for every constraint, and checks on the shapes graph itself.

Golden files live in ``tests/shapes/<shape>/valid/*.ttl`` and ``tests/shapes/<shape>/invalid/*.ttl``
(``<shape>`` is the local name of a ``kzsh:`` shape). A valid file must draw no result from its
shape and no violation from any shape. An invalid file names, in comments, what it must trip::

    # expect: sh:MinCountConstraintComponent     the constraint component
    # focus: ex:ann                              the focus node
    # also: kzsh:SchemaOrgUsage                  any other shape that reports a violation

and the violations must come from exactly its shape plus the ``also`` shapes, so every file shows
precisely which checks a piece of bad data sets off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH as SH_CLOSED
from rdflib.term import Node

from kzar_ld.namespaces import FOAF, KZAR, OA, RDF, RDFS, SCHEMA, SH
from kzar_ld.resources import resource_files
from kzar_ld.validation.shacl import KZSH, SHAPES_NAMESPACES, Severity, shapes_graph, validate
from kzar_ld.validation.vocab import is_known_term

GOLDEN = Path(__file__).parent / "shapes"
SHAPES = str(KZSH)

# Constraint parameters and the components they belong to (SHACL 1.0, sections 4 and 5).
_PARAMETERS = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind",
    "minCount": "MinCount", "maxCount": "MaxCount",
    "minExclusive": "MinExclusive", "minInclusive": "MinInclusive",
    "maxExclusive": "MaxExclusive", "maxInclusive": "MaxInclusive",
    "minLength": "MinLength", "maxLength": "MaxLength", "pattern": "Pattern",
    "languageIn": "LanguageIn", "uniqueLang": "UniqueLang",
    "equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan",
    "lessThanOrEquals": "LessThanOrEquals",
    "not": "Not", "and": "And", "or": "Or", "xone": "Xone", "node": "Node",
    "qualifiedValueShape": "QualifiedValueShape", "closed": "Closed",
    "hasValue": "HasValue", "in": "In", "sparql": "SPARQL",
}  # fmt: skip


@dataclass(frozen=True)
class Golden:
    """One golden file and what it declares."""

    path: Path
    shape: URIRef
    valid: bool
    expect: URIRef | None
    focus: Node | None
    also: frozenset[URIRef]

    @property
    def id(self) -> str:
        return f"{self.shape.removeprefix(SHAPES)}/{'valid' if self.valid else 'invalid'}/{self.path.stem}"


def _expand(curie: str, graph: Graph) -> URIRef:
    prefix = curie.split(":", 1)[0]
    manager = SHAPES_NAMESPACES if prefix in ("sh", "kzsh") else graph.namespace_manager
    return manager.expand_curie(curie)


def load_golden(path: Path) -> tuple[Golden, Graph]:
    """Parse a golden file and its ``# expect:``, ``# focus:`` and ``# also:`` comments."""
    text = path.read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    notes: dict[str, list[str]] = {"expect": [], "focus": [], "also": []}
    for key, value in re.findall(r"^# (expect|focus|also): *(\S+) *$", text, flags=re.M):
        notes[key].append(value)
    valid = path.parent.name == "valid"
    golden = Golden(
        path=path,
        shape=URIRef(SHAPES + path.parent.parent.name),
        valid=valid,
        expect=_expand(notes["expect"][0], graph) if notes["expect"] else None,
        focus=_expand(notes["focus"][0], graph) if notes["focus"] else None,
        also=frozenset(_expand(a, graph) for a in notes["also"]),
    )
    return golden, graph


def _golden_paths(kind: str) -> list[Path]:
    return sorted(GOLDEN.glob(f"*/{kind}/*.ttl"))


VALID = _golden_paths("valid")
INVALID = _golden_paths("invalid")


def _ids(paths: list[Path]) -> list[str]:
    return [f"{p.parent.parent.name}/{p.stem}" for p in paths]


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_golden_file_conforms(path: Path) -> None:
    golden, graph = load_golden(path)
    assert golden.expect is None and golden.focus is None, "valid files expect nothing"
    report = validate(graph)
    from_shape = [r for r in report.results if r.source_shape == golden.shape]
    assert not from_shape, report.to_text()
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_golden_file_trips_its_constraint(path: Path) -> None:
    golden, graph = load_golden(path)
    assert golden.expect is not None and golden.focus is not None, "name # expect: and # focus:"
    report = validate(graph)
    tripped = [
        r
        for r in report.results
        if r.source_shape == golden.shape and r.constraint_component == golden.expect and r.focus_node == golden.focus
    ]
    assert tripped, report.to_text()
    assert all(r.severity is _declared_severity(golden.shape) for r in tripped)
    assert all(r.message and "{?" not in r.message and "{$" not in r.message for r in tripped)
    others = {r.source_shape for r in report.violations} - {golden.shape}
    assert others == golden.also, report.to_text()


def _declared_severity(shape: URIRef) -> Severity:
    return Severity.from_iri(shapes_graph().value(shape, SH.severity) or SH.Violation)


# ---------------------------------------------------------------------------------------------
# Coverage: every constraint has golden files that satisfy and violate it


def _named_shapes() -> set[URIRef]:
    graph = shapes_graph()
    typed = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return {s for s in typed if isinstance(s, URIRef)}


def _checked_shapes() -> set[URIRef]:
    """Shapes that check data on their own: with a target, or the vocabulary pseudo-shape."""
    graph = shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    return {
        s for s in _named_shapes() if any(graph.value(s, t) is not None for t in targets) or s == KZSH.SchemaOrgUsage
    }


def _components(shape: URIRef) -> set[URIRef]:
    if shape == KZSH.SchemaOrgUsage:
        return {KZSH.VocabularyConstraintComponent}
    graph = shapes_graph()
    found = set()
    for predicate in set(graph.predicates(shape, None)):
        local = str(predicate).removeprefix(str(SH))
        if local in _PARAMETERS:
            found.add(SH[f"{_PARAMETERS[local]}ConstraintComponent"])
    return found


def test_every_checking_shape_has_valid_and_invalid_golden_files() -> None:
    missing = []
    for shape in sorted(_checked_shapes()):
        name = shape.removeprefix(SHAPES)
        if not list((GOLDEN / name / "valid").glob("*.ttl")):
            missing.append(f"{name}/valid")
        if not list((GOLDEN / name / "invalid").glob("*.ttl")):
            missing.append(f"{name}/invalid")
    assert not missing


def test_every_constraint_component_of_a_shape_is_tripped_by_a_golden_file() -> None:
    uncovered = {}
    for shape in sorted(_checked_shapes()):
        name = shape.removeprefix(SHAPES)
        expected = {load_golden(p)[0].expect for p in (GOLDEN / name / "invalid").glob("*.ttl")}
        left = _components(shape) - expected
        if left:
            uncovered[name] = sorted(c.n3(SHAPES_NAMESPACES) for c in left)
    assert not uncovered


def test_golden_folders_name_existing_shapes() -> None:
    names = {s.removeprefix(SHAPES) for s in _checked_shapes()}
    assert {p.name for p in GOLDEN.iterdir() if p.is_dir()} <= names


def test_helper_shapes_without_targets_are_used_by_a_checking_shape() -> None:
    graph = shapes_graph()
    helpers = _named_shapes() - _checked_shapes()
    used = (
        set(graph.objects(None, SH.node)) | set(graph.objects(None, SH.property)) | set(graph.objects(None, SH["not"]))
    )
    for shape_list in (*graph.objects(None, SH["or"]), *graph.objects(None, SH.xone), *graph.objects(None, SH["and"])):
        used.update(graph.items(shape_list))
    assert helpers and helpers <= used


# ---------------------------------------------------------------------------------------------
# The shapes graph itself


def test_shapes_conform_to_shacl_shacl() -> None:
    from pyshacl.entrypoints import meta_validate

    shapes = Graph()
    shapes += shapes_graph()  # a copy: the shared graph stays as it was
    conforms, _, text = meta_validate(shapes)
    assert conforms, text


def unknown_shacl_terms(graph: Graph) -> set[URIRef]:
    """The IRIs in the SHACL namespace that SHACL does not define (e.g. ``sh:minCountt``)."""
    unknown = set()
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
        if str(term).startswith(str(SH)) and term not in SH_CLOSED:
            unknown.add(term)
    return unknown


def test_every_shacl_term_used_exists() -> None:
    assert unknown_shacl_terms(shapes_graph()) == set()


def test_a_misspelled_shacl_term_is_caught() -> None:
    # pySHACL ignores unknown parameters and reports conformance: this check is what catches them
    typo = Graph().parse(
        format="turtle",
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:property [ sh:path <urn:p> ; sh:minCountt 1 ] .""",
    )
    assert unknown_shacl_terms(typo) == {URIRef(str(SH) + "minCountt")}


def unknown_vocabulary_terms(graph: Graph) -> set[URIRef]:
    """IRIs of schema.org, FOAF, Web Annotation or kzar that the offline vocabulary lacks."""
    namespaces = tuple(str(ns) for ns in (SCHEMA, FOAF, OA, KZAR))
    return {
        term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(namespaces) and not is_known_term(term)
    }


def test_every_vocabulary_term_in_the_shapes_exists() -> None:
    assert unknown_vocabulary_terms(shapes_graph()) == set()


def test_a_misspelled_vocabulary_term_in_a_shape_is_caught() -> None:
    typo = Graph()
    typo.add((BNode(), SH.path, URIRef(str(SCHEMA) + "nmae")))
    assert unknown_vocabulary_terms(typo) == {URIRef(str(SCHEMA) + "nmae")}


def test_every_named_shape_has_a_comment_and_a_message() -> None:
    graph = shapes_graph()
    undocumented = [
        s.n3(SHAPES_NAMESPACES)
        for s in sorted(_named_shapes())
        if not isinstance(graph.value(s, RDFS.comment), Literal) or not isinstance(graph.value(s, SH.message), Literal)
    ]
    assert not undocumented


def test_sparql_constraints_leave_the_message_to_their_shape() -> None:
    # pySHACL reports a shape's sh:message and its constraint's sh:message both; one is enough
    graph = shapes_graph()
    constraints = list(graph.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert graph.value(constraint, SH.message) is None
        assert graph.value(constraint, SH.prefixes) == URIRef(str(KZSH))
        assert isinstance(graph.value(constraint, RDFS.comment), Literal)


def test_only_the_news_profile_warns() -> None:
    profile = Graph().parse(GOLDEN.parent.parent / "shapes" / "news-profile.ttl")
    warning = {s for s in _checked_shapes() if shapes_graph().value(s, SH.severity) == SH.Warning}
    profile_shapes = {s for s in profile.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    assert warning == profile_shapes & _checked_shapes()
    assert len(warning) == 8


def test_shapes_graph_is_read_from_every_shipped_file() -> None:
    files = resource_files("shapes", suffix=".ttl")
    assert {f.name for f in files} == {p.name for p in (GOLDEN.parent.parent / "shapes").glob("*.ttl")}
    assert len(files) >= 10
    merged = {s for s in shapes_graph().subjects() if isinstance(s, URIRef)}
    for file in files:
        part = Graph().parse(data=file.read_text(encoding="utf-8"), format="turtle")
        named = {s for s in part.subjects() if isinstance(s, URIRef)}
        assert named and named <= merged, file.name


def test_the_documentation_lists_every_shape() -> None:
    documentation = (GOLDEN.parent.parent / "docs" / "validation.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([A-Z][A-Za-z0-9]+)`", documentation))
    assert {s.removeprefix(SHAPES) for s in _checked_shapes()} <= listed


def test_shapes_are_read_as_rdflib_reads_them() -> None:
    # The shipped shapes are parsed by Oxigraph for speed: the graph must be rdflib's own parse.
    from pyshacl.shapes_graph import ShapesGraph
    from rdflib.compare import isomorphic

    expected = Graph()
    for resource in resource_files("shapes", suffix=".ttl"):
        expected.parse(data=resource.read_text(encoding="utf-8"), format="turtle")
    for triple in ShapesGraph.system_triples:
        expected.add(triple)
    assert isomorphic(shapes_graph(), expected)
    assert dict(shapes_graph().namespaces())["kzsh"] == URIRef(SHAPES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT $this\n  WHERE {\n\t$this ?p ?o .\n}\n", "SELECT $this WHERE { $this ?p ?o . }"),
        (
            'SELECT $this {\n $this ?p "two  spaces\\"  and  more" }',
            'SELECT $this { $this ?p "two  spaces\\"  and  more" }',
        ),
        ("ASK { ?s ?p '''long\n  string''' }", "ASK { ?s ?p '''long\n  string''' }"),
        ("ASK { ?s ?p 'it\\'s  so' }", "ASK { ?s ?p 'it\\'s  so' }"),
        ("ASK { <http://x.example/#a>  ?p ?o }  # a comment\n", "ASK { <http://x.example/#a> ?p ?o }"),
        ("ASK { ?s ?p ?o # a comment\n FILTER (?o < 3) }", "ASK { ?s ?p ?o FILTER (?o < 3) }"),
        ('ASK { ?s ?p "#not a comment" }', 'ASK { ?s ?p "#not a comment" }'),
    ],
)
def test_one_line_sparql_keeps_strings_iris_and_drops_comments(query: str, expected: str) -> None:
    from kzar_ld.validation.shacl import one_line_sparql

    assert one_line_sparql(query) == expected


def test_shipped_queries_run_on_one_line_with_their_prefixes_and_the_same_meaning() -> None:
    # Validation reads the shapes with each SPARQL text on one line, starting with the PREFIX
    # declarations its sh:prefixes link gives (and that link left out); everything else is as
    # written, and each validated text alone is the same query as the written one with its
    # declared prefixes (rdflib's algebra of both is equal).
    from rdflib.plugins.sparql import prepareQuery

    from kzar_ld.validation.shacl import _shared_shapes

    written, validated = shapes_graph(), _shared_shapes()
    texts = {SH.select, SH.ask}
    assert {t for t in written if t[1] not in texts | {SH.prefixes}} == {t for t in validated if t[1] not in texts}
    assert not set(validated.subject_objects(SH.prefixes))
    declared = {
        str(written.value(d, SH.prefix)): URIRef(str(written.value(d, SH.namespace)))
        for d in written.objects(URIRef(SHAPES), SH.declare)
    }
    assert len(declared) == 6
    pairs = [
        (str(w), str(v))
        for text in texts
        for s in written.subjects(text, None)
        for w, v in zip(sorted(written.objects(s, text)), sorted(validated.objects(s, text)), strict=True)
        if (s, SH.prefixes, URIRef(SHAPES)) in written
    ]
    assert len(pairs) >= 20 and all("\n" in w and "\n" not in v and v.startswith("PREFIX ") for w, v in pairs)
    for was, now in pairs:
        assert prepareQuery(now).algebra == prepareQuery(was, initNs=declared).algebra, now
        assert "PREFIX" not in was


def test_prefix_declarations_are_written_in_only_when_well_formed() -> None:
    from kzar_ld.validation.shacl import _as_validated

    ex = "https://x.example/"
    good, bad, rule = URIRef(ex + "good"), URIRef(ex + "bad"), URIRef(ex + "rule")
    ns, broken = URIRef(ex + "ns"), URIRef(ex + "broken")
    d1, d2, d3 = BNode(), BNode(), BNode()
    triples = [
        (ns, SH.declare, d1),
        (d1, SH.prefix, Literal("schema")),
        (d1, SH.namespace, Literal("http://schema.org/")),
        (ns, SH.declare, d2),
        (d2, SH.prefix, Literal("foaf")),
        (d2, SH.namespace, Literal("http://xmlns.com/foaf/0.1/")),
        (broken, SH.declare, d3),
        (d3, SH.prefix, Literal("schema")),  # no sh:namespace
        (good, SH.prefixes, ns),
        (good, SH.select, Literal('SELECT $this\nWHERE { $this schema:name "foaf:no" }')),
        (bad, SH.prefixes, broken),
        (bad, SH.select, Literal("SELECT $this\nWHERE { $this schema:name ?n }")),
        (rule, SH.prefixes, ns),  # no SPARQL text to write them into: kept
        (rule, SH.construct, Literal("CONSTRUCT { $this a schema:Thing } WHERE {}")),
    ]
    validated = set(_as_validated(triples))
    assert (
        good,
        SH.select,
        Literal('PREFIX schema: <http://schema.org/> SELECT $this WHERE { $this schema:name "foaf:no" }'),
    ) in validated
    assert (good, SH.prefixes, ns) not in validated
    assert {
        (bad, SH.prefixes, broken),
        (bad, SH.select, Literal("SELECT $this WHERE { $this schema:name ?n }")),
    } <= validated
    assert (rule, SH.prefixes, ns) in validated
    assert set(triples) - validated == {triples[9], triples[8], triples[11]}
