"""Validate graphs against the shipped SHACL shapes; the outcome is a report, not an exception.

:func:`validate` checks a graph or a dataset against ``shapes/`` (pySHACL) and against the
offline schema.org/FOAF vocabulary (:func:`kzar_ld.validation.vocab.check_schema_usage`), and returns a
:class:`ValidationReport`. Warnings alone conform; :meth:`ValidationReport.raise_for_violations`
turns violations into a :class:`~kzar_ld.errors.NotConformingError` when the caller wants one.

How it stays fast and linear:

* the shapes are parsed once per process and reused;
* no inference runs per validation: the graph is read once into a read-only indexed copy
  (:mod:`kzar_ld.validation.frozen`) together with the superclass types of its nodes
  (:func:`kzar_ld.validation.vocab.inferred_types`), so ``sh:targetClass schema:Event`` also
  finds a ``kzar:WorkingVisit``;
* a dataset is validated one named graph at a time (one graph per article), so the cost grows
  with the number of articles, not with its square;
* SPARQL-based constraints run on an Oxigraph copy of the graph. pySHACL hands their text to
  ``Graph.query`` once per focus node, and rdflib would parse and evaluate it in Python each
  time; Oxigraph parses and evaluates it natively, with ``$this`` substituted;
* those SPARQL texts are read on one line (:func:`one_line_sparql`): pySHACL checks each text
  with regular expressions before every evaluation, and some rescan it from every line start.

Example:
    >>> from kzar_ld import build_graph, load_article
    >>> report = validate(build_graph(load_article("examples/kazinform-2023-08-24")))
    >>> report.conforms, len(report.violations)
    (True, 0)
    >>> sorted(r.source_shape.n3(SHAPES_NAMESPACES) for r in report.warnings)
    ['kzsh:NewsDateModified', 'kzsh:NewsImage']
"""

from __future__ import annotations

import enum
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph
from rdflib.namespace import DefinedNamespace, NamespaceManager
from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath
from rdflib.query import Result
from rdflib.term import IdentifiedNode, Identifier, Node

from kzar_ld.errors import InputError, NotConformingError
from kzar_ld.formats import ReportFormat
from kzar_ld.namespaces import FOAF, OA, PREFIXES, RDF, RDFS, SCHEMA, SH, XSD
from kzar_ld.resources import resource_files
from kzar_ld.terms import OxTerm, from_oxigraph, to_oxigraph, to_oxigraph_cached
from kzar_ld.validation.frozen import FrozenGraph, frozen_graph

if TYPE_CHECKING:
    import pyshacl

__all__ = [
    "KZSH",
    "SHAPES_NAMESPACES",
    "ReportFormat",
    "Severity",
    "ValidationReport",
    "ValidationResult",
    "one_line_sparql",
    "shapes_graph",
    "validate",
    "validate_serialized",
    "validate_statements",
]


class KZSH(DefinedNamespace):
    """The shape IRIs that the code names itself (the rest live only in ``shapes/``)."""

    _NS = Namespace("https://kzar.example/shapes#")
    _fail = True

    SchemaOrgUsage: URIRef
    VocabularyConstraintComponent: URIRef


#: Prefixes for showing shapes, components and vocabulary terms compactly (``kzsh:PersonName``).
SHAPES_NAMESPACES: NamespaceManager = NamespaceManager(Graph(bind_namespaces="none"))
for _prefix, _namespace in {**PREFIXES, "kzsh": str(KZSH), "sh": str(SH)}.items():
    SHAPES_NAMESPACES.bind(_prefix, _namespace, override=True, replace=True)


class Severity(enum.Enum):
    """How serious a result is; only violations make a graph non-conforming.

    >>> Severity.from_iri(SH.Warning)
    <Severity.WARNING: 'warning'>
    """

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def iri(self) -> URIRef:
        """The SHACL severity IRI, e.g. ``sh:Violation``.

        >>> Severity.INFO.iri.n3(SHAPES_NAMESPACES)
        'sh:Info'
        """
        return {
            Severity.VIOLATION: SH.Violation,
            Severity.WARNING: SH.Warning,
            Severity.INFO: SH.Info,
        }[self]

    @classmethod
    def from_iri(cls, iri: Node | None) -> Severity:
        """The severity for a SHACL severity IRI; anything unknown counts as a violation."""
        for severity in cls:
            if severity.iri == iri:
                return severity
        return cls.VIOLATION

    @property
    def rank(self) -> int:
        """0 for violations, 1 for warnings, 2 for infos: the order results are shown in."""
        return list(Severity).index(self)


ResultPath = URIRef | Path


@dataclass(frozen=True)
class ValidationResult:
    """One problem found: where (graph, focus node, path), what (value, message), and which check.

    ``focus_name`` and ``value_name`` are what an editor recognises the nodes by: their
    ``schema:name`` or headline, a role's title, a mention's quoted words; ``None`` when the node
    has none. ``graph`` is the named graph the node was found in (``None`` for a plain graph or
    a dataset's default graph).

    >>> result = ValidationResult(
    ...     severity=Severity.VIOLATION, focus_node=URIRef("https://kzar.example/id/person/x"),
    ...     focus_name=None, result_path=SCHEMA.name, value=None,
    ...     message="This person has no name.", source_shape=URIRef(KZSH) + "PersonName",
    ...     constraint_component=SH.MinCountConstraintComponent, graph=None)
    >>> result.severity.value, result.is_violation
    ('violation', True)
    """

    severity: Severity
    focus_node: Node
    focus_name: str | None
    result_path: ResultPath | None
    value: Node | None
    message: str
    source_shape: Node
    constraint_component: Node
    graph: IdentifiedNode | None
    value_name: str | None = None

    @property
    def is_violation(self) -> bool:
        """Whether this result makes the graph non-conforming."""
        return self.severity is Severity.VIOLATION

    def summary(self) -> str:
        """One line: the node (by name when it has one), the path, the message.

        >>> ValidationResult(severity=Severity.WARNING, focus_node=URIRef("https://kzar.example/id/place/x"),
        ...     focus_name="X", result_path=SCHEMA.name, value=None, message="No name.",
        ...     source_shape=URIRef(KZSH) + "PlaceName", constraint_component=SH.MinCountConstraintComponent,
        ...     graph=None).summary()
        '<https://kzar.example/id/place/x> "X" schema:name: No name.'
        """
        where = _node_label(self.focus_node, self.focus_name)
        if self.result_path is not None:
            where += f" {_path_text(self.result_path)}"
        return f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int, str, str, str, str, str, str]:
        """A stable order: graph, severity, focus node, path, shape, component, value, message."""
        return (
            "" if self.graph is None else str(self.graph),
            self.severity.rank,
            _term_text(self.focus_node),
            "" if self.result_path is None else _path_text(self.result_path),
            _term_text(self.source_shape),
            _term_text(self.constraint_component),
            "" if self.value is None else _term_text(self.value),
            self.message,
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: every result, sorted, and the graphs that were checked.

    >>> report = ValidationReport(results=(), graphs=(None,))
    >>> report.conforms, report.to_text().splitlines()[0]
    (True, 'Conforms: no violations, no warnings (1 graph checked).')
    """

    results: tuple[ValidationResult, ...]
    graphs: tuple[IdentifiedNode | None, ...] = ()

    @classmethod
    def merge(cls, reports: Iterable[ValidationReport]) -> ValidationReport:
        """One report for several validations (of different graphs): the same as validating them together.

        >>> ValidationReport.merge([ValidationReport(results=(), graphs=(None,))] * 2).graphs
        (None,)
        """
        results: list[ValidationResult] = []
        graphs: set[IdentifiedNode | None] = set()
        for report in reports:
            results.extend(report.results)
            graphs.update(report.graphs)
        ordered = sorted(graphs, key=lambda g: (g is not None, "" if g is None else str(g)))
        return cls(results=tuple(sorted(results, key=ValidationResult.sort_key)), graphs=tuple(ordered))

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos alone conform)."""
        return not any(r.is_violation for r in self.results)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        """The results of severity Violation."""
        return tuple(r for r in self.results if r.severity is Severity.VIOLATION)

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        """The results of severity Warning."""
        return tuple(r for r in self.results if r.severity is Severity.WARNING)

    def raise_for_violations(self) -> ValidationReport:
        """Raise :class:`~kzar_ld.errors.NotConformingError` if there is a violation; else return self.

        >>> ValidationReport(results=()).raise_for_violations().conforms
        True
        """
        violations = self.violations
        if not violations:
            return self
        first = violations[0]
        where = _node_label(first.focus_node, first.focus_name)
        if first.result_path is not None:
            where += f" {_path_text(first.result_path)}"
        count = _plural(len(violations), "SHACL violation")
        raise NotConformingError(f"the data does not conform: {count}; first: {where}: {first.message}")

    def render(self, *, format: ReportFormat = ReportFormat.TEXT) -> str:
        """The report in ``format``: :meth:`to_text`, :meth:`to_turtle` or :meth:`to_json`.

        >>> ValidationReport(results=()).render(format=ReportFormat.JSON).startswith("{")
        True
        """
        writers = {
            ReportFormat.TEXT: self.to_text,
            ReportFormat.TURTLE: self.to_turtle,
            ReportFormat.JSON: self.to_json,
        }
        return writers[ReportFormat(format)]()

    def to_text(self) -> str:
        """A report for a terminal: a summary line, then the results grouped by graph and node."""
        return _render_text(self)

    def to_graph(self) -> Graph:
        """The standard SHACL validation report graph (``sh:ValidationReport``).

        ``sh:conforms`` follows :attr:`conforms`: warnings alone give ``true``.
        """
        return _report_graph(self)

    def to_turtle(self) -> str:
        """:meth:`to_graph` as Turtle, the same text for the same report."""
        return _report_turtle(self)

    def to_json(self) -> str:
        """The report as JSON for machines: IRIs as strings, blank nodes as ``_:id``, literals as
        JSON-LD value objects (``{"@value": ..., "@type": ...}``), paths as SPARQL paths."""
        return _report_json(self)


# ---------------------------------------------------------------------------------------------
# Validation


def validate(graph: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Validate a graph or dataset; return the report (never raises for non-conforming data).

    A :class:`~rdflib.Dataset` (or another ``ConjunctiveGraph``) is validated one named graph at
    a time, plus its default graph if that is not empty; any other graph is validated as one
    graph. With the shipped shapes
    (``shapes=None``), schema.org/FOAF term usage is checked too and reported as results of
    ``kzsh:SchemaOrgUsage``. ``shapes`` replaces the shipped shapes with your own shapes graph.

    >>> from rdflib import Graph
    >>> data = Graph().parse(format="turtle", data='''
    ...     @prefix schema: <http://schema.org/> .
    ...     <https://kzar.example/id/place/x> a schema:City .''')
    >>> [r.source_shape.n3(SHAPES_NAMESPACES) for r in validate(data).violations]
    ['kzsh:PlaceName']
    """
    return _validate(graph, shapes=shapes, nquads=None)


def validate_serialized(graph: Graph, nquads: bytes) -> ValidationReport:
    """:func:`validate` with the shipped shapes, for a caller that has ``graph`` as N-Quads already.

    ``nquads`` must be exactly ``graph``'s statements (what :func:`kzar_ld.serialize` writes as
    N-Quads); Oxigraph parses them for the SPARQL-based constraints instead of copying the
    graph term by term, which is most of the cost of that copy. The report is the same as
    :func:`validate`'s. The pipeline, which writes N-Quads anyway, validates this way.
    """
    if b"_:" in nquads:  # blank nodes: their labels would have to agree; copy term by term
        return _validate(graph, shapes=None, nquads=None)
    return _validate(graph, shapes=None, nquads=nquads)


def validate_statements(
    name: URIRef,
    statements: Sequence[tuple[Node, Node, Node]],
    nquads: bytes,
    *,
    namespaces: Iterable[tuple[str, URIRef]] = (),
) -> ValidationReport:
    """:func:`validate_serialized` for one named graph given as its statements, not in a store.

    ``statements`` are the graph's statements, each once (:func:`kzar_ld.mapping.article_statements`),
    ``nquads`` exactly those statements in graph ``name`` (:func:`kzar_ld.serialization.graph_nquads`);
    ``namespaces`` are the prefixes the graph would have bound. The report is the one
    :func:`validate` gives for a dataset holding that graph.
    """
    # blank nodes: their labels would have to agree; the SPARQL copy is made term by term
    store = None if b"_:" in nquads else _parsed(nquads)
    results = _part_results(name, name, statements, namespaces, shapes=None, store=store)
    return ValidationReport(results=tuple(sorted(results, key=ValidationResult.sort_key)), graphs=(name,))


def _parsed(nquads: bytes | None) -> ox.Store | None:
    if nquads is None:
        return None
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def _validate(graph: Graph, *, shapes: Graph | None, nquads: bytes | None) -> ValidationReport:
    store = _parsed(nquads)
    results: list[ValidationResult] = []
    graphs: list[IdentifiedNode | None] = []
    for name, part in _parts(graph):
        graphs.append(name)
        asserted = list(part)  # within a dataset, this walks the graph's own triples only
        results.extend(_part_results(name, part.identifier, asserted, part.namespaces(), shapes=shapes, store=store))
    return ValidationReport(results=tuple(sorted(results, key=ValidationResult.sort_key)), graphs=tuple(graphs))


def _part_results(
    name: IdentifiedNode | None,
    identifier: IdentifiedNode,
    asserted: Sequence[tuple[Node, Node, Node]],
    namespaces: Iterable[tuple[str, URIRef]],
    *,
    shapes: Graph | None,
    store: ox.Store | None,
) -> list[ValidationResult]:
    """The results for one graph: its statements ``asserted``, each once; ``name`` is None for a default graph."""
    from kzar_ld.validation.vocab import check_triples, inferred_types

    inferred = set(inferred_types(asserted)).difference(asserted)
    data = frozen_graph(
        itertools.chain(asserted, sorted(inferred, key=str)),
        identifier=identifier,
        namespaces=namespaces,
    )
    mirror = None if store is None else _Mirror(store, name, inferred)
    results = _shacl_results(data, _shared_shapes() if shapes is None else shapes, graph_name=name, mirror=mirror)
    if shapes is None:
        results.extend(_vocabulary_results(check_triples(asserted), data, graph_name=name))
    return results


def shapes_graph() -> Graph:
    """A copy of the shipped shapes (every ``.ttl`` in the ``shapes`` resource folder), as written.

    The shapes are parsed once per process; each call returns a new graph, free to change.

    >>> (KZSH.SchemaOrgUsage, RDF.type, SH.NodeShape) in shapes_graph()
    True
    """
    triples, prefixes = _shape_triples()
    copy = Graph()
    for prefix, namespace in prefixes:
        copy.bind(prefix, namespace)
    copy.addN((s, p, o, copy) for s, p, o in triples)
    return copy


@cache
def _shape_triples() -> tuple[tuple[tuple[Node, Node, Node], ...], tuple[tuple[str, URIRef], ...]]:
    """The triples and prefixes of the shipped shapes, parsed once per process."""
    from pyshacl.shapes_graph import ShapesGraph

    # Oxigraph parses the Turtle (in a fifth of rdflib's time); the terms become rdflib's, with
    # fresh blank nodes per file, as rdflib's own parser would give.
    triples: list[tuple[Node, Node, Node]] = []
    prefixes: dict[str, str] = {}
    for resource in resource_files("shapes", suffix=".ttl"):
        parser = ox.parse(resource.read_bytes(), format=ox.RdfFormat.TURTLE)
        terms: dict[Any, Node] = {}

        def term(value: Any, terms: dict[Any, Node] = terms) -> Node:
            found = terms.get(value)
            if found is None:
                found = terms[value] = BNode() if isinstance(value, ox.BlankNode) else from_oxigraph(value)
            return found

        triples.extend((term(q.subject), term(q.predicate), term(q.object)) for q in parser)
        prefixes.update(parser.prefixes)
    # pySHACL adds its "system triples" (sh:path a rdf:Property ...) to every shapes graph it is
    # given; with them in already, adding them again changes nothing.
    triples.extend(getattr(ShapesGraph, "system_triples", ()))
    return tuple(triples), tuple((p, URIRef(n)) for p, n in sorted(prefixes.items()))


@cache
def _shared_shapes() -> Graph:
    """The shipped shapes as validation reads them, shared by every validation in the process: read-only.

    pySHACL reads a shape's parameters from this graph every time it checks a node against
    it, hundreds of times per article, so it lives on the indexed :class:`FrozenStore`. Its
    SPARQL texts are on one line (:func:`one_line_sparql`).
    """
    triples, prefixes = _shape_triples()
    return frozen_graph(_as_validated(triples), namespaces=prefixes)


@cache
def _harvested_shapes() -> pyshacl.ShapesGraph:
    """pySHACL's shape objects for the shipped shapes, made once per process.

    pySHACL builds them (141 shapes, a few thousand graph lookups) each time it is given a
    shapes graph; they hold nothing of the data validated (no advanced or JavaScript features
    are on), so every validation in the process can use the same ones.
    """
    from pyshacl import ShapesGraph

    harvested = ShapesGraph(_shared_shapes())
    _ = harvested.shapes  # the harvest itself
    return harvested


def _as_validated(triples: Sequence[tuple[Node, Node, Node]]) -> Iterator[tuple[Node, Node, Node]]:
    """The shapes with each SPARQL text on one line and its ``sh:prefixes`` declarations written in.

    pySHACL collects a constraint's prefix declarations (``sh:prefixes`` → ``sh:declare``) anew
    each time it checks a shape, a few dozen graph lookups per constraint, and prepends them to
    the text. Here the text starts with them already, as ``PREFIX`` lines for the prefixes it
    names, and the ``sh:prefixes`` link is left out: the query pySHACL runs is the same. A
    constraint whose declarations are not well formed is left as written, for pySHACL to report.
    """
    values: dict[tuple[Node, Node], list[Node]] = {}
    for s, p, o in triples:
        values.setdefault((s, p), []).append(o)
    declared: dict[Node, dict[str, str] | None] = {}
    for s, p, _ in triples:
        if p in _SPARQL_TEXTS and s not in declared:
            declared[s] = _declarations(values, values.get((s, SH.prefixes), []))
    for s, p, o in triples:
        prefixes = declared.get(s)
        if prefixes is not None and p == SH.prefixes:
            continue
        if p in _SPARQL_TEXTS and isinstance(o, Literal):
            o = _one_line_literal(o, prefixes or {})
        yield s, p, o


def _declarations(values: Mapping[tuple[Node, Node], list[Node]], sources: Iterable[Node]) -> dict[str, str] | None:
    """The prefixes that ``sources`` (values of ``sh:prefixes``) declare; None if one is malformed."""
    prefixes: dict[str, str] = {}
    for source in sources:
        for declaration in values.get((source, SH.declare), []):
            names = values.get((declaration, SH.prefix), [])
            namespaces = values.get((declaration, SH.namespace), [])
            if len(names) != 1 or len(namespaces) != 1 or not isinstance(names[0], Literal):
                return None
            if not isinstance(namespaces[0], Literal | URIRef):
                return None
            prefixes[str(names[0])] = str(namespaces[0])
    return prefixes


# Before each evaluation of a SPARQL-based constraint (a hundred per article) pySHACL checks its
# text with a dozen regular expressions, and some of them rescan the text from the start of each
# line: that costs more than Oxigraph's evaluation of the query. The shipped queries are written
# across lines, to be read, and validated on one line.
_SPARQL_TEXTS = frozenset({SH.select, SH.ask})
_SPARQL_TOKEN = re.compile(
    "|".join(
        (
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"(?:[^"\\\n]|\\.)*"',  # short strings
            r"'(?:[^'\\\n]|\\.)*'",
            r'<[^<>"{}|^`\\\x00-\x20]*>',  # IRIs (one may hold a #)
            r"(?P<space>(?:\s|#[^\n]*)+)",  # whitespace and comments
            r"""[^\s"'<#]+""",  # anything else, verbatim
            r".",
        )
    ),
    re.DOTALL,
)


def one_line_sparql(query: str) -> str:
    """``query`` on one line: each run of whitespace and comments becomes one space.

    Strings and IRIs are kept as they are; in SPARQL, whitespace elsewhere only separates
    tokens, and a comment ends at the end of its line, so the query means what it meant.

    >>> one_line_sparql('SELECT $this  # the focus node\\nWHERE {\\n  $this ?p "a  b" .\\n}\\n')
    'SELECT $this WHERE { $this ?p "a  b" . }'
    """
    return "".join(" " if m.group("space") else m.group() for m in _SPARQL_TOKEN.finditer(query)).strip()


def _one_line_literal(value: Literal, prefixes: Mapping[str, str]) -> Literal:
    """``value`` on one line, after ``PREFIX`` declarations for those of ``prefixes`` it names."""
    text = one_line_sparql(str(value))
    named = _named_prefixes(text)
    declarations = "".join(f"PREFIX {p}: <{n}> " for p, n in sorted(prefixes.items()) if p in named)
    return Literal(declarations + text, lang=value.language, datatype=value.datatype)


# a prefixed name's prefix (PN_PREFIX, possibly empty) at the start of a token or after a delimiter
_PREFIX_USE = re.compile(r"(?<![\w.\-:])([A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:")


def _named_prefixes(query: str) -> set[str]:
    """The prefixes that ``query`` uses in prefixed names, outside strings and IRIs.

    >>> sorted(_named_prefixes('SELECT $this { $this schema:name ?n FILTER (?n != "foaf:x") }'))
    ['schema']
    """
    named: set[str] = set()
    for match in _SPARQL_TOKEN.finditer(query):
        token = match.group()
        if match.group("space") or token[0] in "\"'<":
            continue
        named.update(m.group(1) or "" for m in _PREFIX_USE.finditer(token))
    return named


def _parts(graph: Graph) -> Iterator[tuple[IdentifiedNode | None, Graph]]:
    """The graphs to validate one by one: a plain graph as is, a dataset graph by graph.

    The graphs of a dataset come sorted by name, for a stable report. Each is read once, whole
    (which walks that graph's own triples only), into the frozen copy that is validated: in the
    dataset's store, a pattern such as ``?s rdf:type ?o`` within one graph walks the matches of
    every graph, so validating the graphs in place would make N articles cost N².
    """
    if not isinstance(graph, ConjunctiveGraph):  # a Dataset is one too
        yield None, graph
        return
    if isinstance(graph, Dataset):
        default, graphs = graph.graph(DATASET_DEFAULT_GRAPH_ID), graph.graphs()
    else:
        default, graphs = graph.default_context, graph.contexts()
    named = sorted(
        (g for g in graphs if g.identifier != default.identifier and len(g)),
        key=lambda g: str(g.identifier),
    )
    if len(default) or not named:
        yield None, default
    for part in named:
        assert isinstance(part.identifier, IdentifiedNode)
        yield part.identifier, part


def _shacl_results(
    data: Graph, shapes: Graph, *, graph_name: IdentifiedNode | None, mirror: _Mirror | None = None
) -> list[ValidationResult]:
    import pyshacl  # about 0.1 s to import: only when validation is asked for
    from pyshacl.errors import ReportableRuntimeError
    from pyshacl.graph_abstraction import DataGraph

    focus = _OxigraphSparqlGraph(data, mirror=mirror)
    # pyshacl.validate() with inference="none", inplace=True, allow_warnings=True, except that
    # the shipped shapes are read into pySHACL's shape objects once per process, not per graph
    options = {"inference": "none", "inplace": True, "allow_warnings": True}
    try:
        validator = pyshacl.Validator(DataGraph.from_rdflib(focus), shacl_graph=shapes, options=options)
        if shapes is _shared_shapes():
            validator.shacl_graph = _harvested_shapes()
        _, report, _ = validator.run()  # type: ignore[no-untyped-call]
    except ReportableRuntimeError as exc:  # a shape pySHACL cannot use: only custom shapes
        reason = " ".join(str(exc.message).split())
        raise InputError(f"the shapes graph cannot be used for validation: {reason}") from exc
    assert isinstance(report, Graph)
    results = []
    # only the report's own results: sh:detail may nest more (e.g. why an sh:node failed)
    for node in report.objects(None, SH.result):
        focus_node = report.value(node, SH.focusNode)
        path_node = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        assert focus_node is not None
        results.append(
            ValidationResult(
                severity=Severity.from_iri(report.value(node, SH.resultSeverity)),
                focus_node=focus_node,
                focus_name=_name_of(data, focus_node),
                result_path=None if path_node is None else _read_path(report, path_node),
                value=value,
                value_name=None if value is None else _name_of(data, value),
                message=_message(report.objects(node, SH.resultMessage)),
                source_shape=report.value(node, SH.sourceShape) or BNode(),
                constraint_component=report.value(node, SH.sourceConstraintComponent) or BNode(),
                graph=graph_name,
            )
        )
    return results


def _vocabulary_results(
    problems: Iterable[Any], data: Graph, *, graph_name: IdentifiedNode | None
) -> Iterator[ValidationResult]:
    for problem in problems:
        yield ValidationResult(
            severity=Severity.VIOLATION,
            focus_node=problem.subject,
            focus_name=_name_of(data, problem.subject),
            result_path=problem.predicate,
            value=problem.object,
            value_name=None if problem.object is None else _name_of(data, problem.object),
            message=problem.message,
            source_shape=KZSH.SchemaOrgUsage,
            constraint_component=KZSH.VocabularyConstraintComponent,
            graph=graph_name,
        )


def _message(messages: Iterable[Node]) -> str:
    # A shape may give its message in several languages: prefer English, then no language.
    literals = sorted((m for m in messages if isinstance(m, Literal)), key=str)
    for wanted in ("en", None):
        for literal in literals:
            if (literal.language or None) == wanted or (wanted == "en" and (literal.language or "").startswith("en-")):
                return str(literal)
    return str(literals[0]) if literals else "(no message)"


def _read_path(report: Graph, node: Node) -> ResultPath:
    from rdflib.extras.shacl import parse_shacl_path

    assert isinstance(node, URIRef | BNode)
    path = parse_shacl_path(report, node)
    assert isinstance(path, URIRef | Path)
    return path


# ---------------------------------------------------------------------------------------------
# SPARQL on Oxigraph


@dataclass(frozen=True)
class _Mirror:
    """The statements of one graph in an Oxigraph store parsed from N-Quads, plus its inferred types.

    The store may hold other graphs too: queries read ``graph`` as their default graph.
    """

    store: ox.Store
    graph: IdentifiedNode | None
    inferred: Iterable[tuple[Node, Node, Node]]

    def ready(self) -> tuple[ox.Store, ox.NamedNode | ox.DefaultGraph]:
        """Add the inferred types to the store; return it and the graph to query."""
        name = ox.DefaultGraph() if self.graph is None else ox.NamedNode(str(self.graph))
        term = to_oxigraph_cached()
        self.store.extend(ox.Quad(term(s), term(p), term(o), name) for s, p, o in self.inferred)  # type: ignore[arg-type]
        return self.store, name


class _OxigraphSparqlGraph(FrozenGraph):
    """A view of ``source`` whose SELECT and ASK queries run on an Oxigraph copy of it.

    The copy is made on the first query, so ``source`` must not change while it is queried.
    Pre-bound variables (``initBindings``: pySHACL binds ``$this``) become Oxigraph
    substitutions, which have the same meaning. Results come back as rdflib terms, the very
    objects of ``source`` where the value is one of its terms. Anything else goes to rdflib as
    usual: other query forms, namespace arguments, query text Oxigraph rejects, and graphs
    holding a term Oxigraph refuses (rdflib lets ``URIRef("urn:has space")`` through).
    """

    def __init__(self, source: Graph, *, mirror: _Mirror | None = None) -> None:
        super().__init__(
            store=source.store,
            identifier=source.identifier,
            namespace_manager=source.namespace_manager,
        )
        self._source = source
        self._prepared = mirror
        self._mirror: ox.Store | None = None
        self._default_graph: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
        self._refused = False  # a term of the graph has no Oxigraph equivalent
        self._to_ox: dict[Identifier, OxTerm] = {}
        self._from_ox: dict[Any, Identifier] = {}

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and not initNs and not kwargs:
            answer = self._oxigraph_query(query_object, initBindings or {})
            if answer is not None:
                return answer
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def _oxigraph_query(self, text: str, bindings: Mapping[str, Identifier]) -> Result | None:
        if self._refused:
            return None
        try:
            store = self._store_copy()
            substitutions: dict[ox.Variable, OxTerm | ox.Triple] = {
                ox.Variable(str(name)): self._ox(term) for name, term in bindings.items()
            }
        except ValueError:
            self._refused = True
            return None
        try:
            answer = store.query(text, substitutions=substitutions, default_graph=self._default_graph)
        except SyntaxError:
            return None
        if isinstance(answer, ox.QueryBoolean):
            outcome = Result("ASK")
            outcome.askAnswer = bool(answer)
            return outcome
        if not isinstance(answer, ox.QuerySolutions):
            return None
        names = [Variable(v.value) for v in answer.variables]
        rows: list[Mapping[Variable, Identifier]] = []
        for solution in answer:
            row: dict[Variable, Identifier] = {}
            for variable, name in zip(answer.variables, names, strict=True):
                value = solution[variable]
                if value is not None:
                    row[name] = self._rdflib(value)
            rows.append(row)
        outcome = Result("SELECT")
        outcome.vars = names
        outcome.bindings = rows
        return outcome

    def _store_copy(self) -> ox.Store:
        if self._mirror is None and self._prepared is not None:
            self._mirror, self._default_graph = self._prepared.ready()
        if self._mirror is None:
            store = ox.Store()
            default = ox.DefaultGraph()
            store.bulk_extend(
                ox.Quad(self._ox(s), self._ox(p), self._ox(o), default)  # type: ignore[arg-type]
                for s, p, o in self._source
            )
            self._mirror = store
        return self._mirror

    def _ox(self, term: Identifier) -> OxTerm:
        found = self._to_ox.get(term)
        if found is not None:
            return found
        # a fresh Oxigraph blank node, mapped both ways: any rdflib id works
        converted = ox.BlankNode() if isinstance(term, BNode) else to_oxigraph(term)
        self._to_ox[term] = converted
        self._from_ox.setdefault(converted, term)
        return converted

    def _rdflib(self, term: Any) -> Identifier:
        found = self._from_ox.get(term)
        return found if found is not None else from_oxigraph(term)


# ---------------------------------------------------------------------------------------------
# Names for editors

_NAME_PROPERTIES = (
    SCHEMA.name,
    SCHEMA.headline,
    FOAF.name,
    SCHEMA.roleName,
    RDFS.label,
)


def _name_of(graph: Graph, node: Node) -> str | None:
    """What an editor knows ``node`` by: its name, headline or title; a mention's quote."""
    if isinstance(node, Literal):
        return None
    for prop in _NAME_PROPERTIES:
        names = sorted(str(v) for v in graph.objects(node, prop) if isinstance(v, Literal))
        if names:
            return names[0]
    quotes = sorted(
        str(exact)
        for target in graph.objects(node, OA.hasTarget)
        for selector in graph.objects(target, OA.hasSelector)
        for exact in graph.objects(selector, OA.exact)
    )
    if quotes:
        return f"mention of “{quotes[0]}”"
    schemes = sorted(str(v) for v in graph.objects(node, SCHEMA.propertyID))
    values = sorted(str(v) for v in graph.objects(node, SCHEMA.value))
    if schemes and values:
        return f"{schemes[0]}: {values[0]}"
    return None


# ---------------------------------------------------------------------------------------------
# Rendering


def _term_text(term: Node) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return str(term)
    return term.n3()


def _compact(term: Node) -> str:
    """``schema:name`` for vocabulary and shape terms, ``<…>`` for data IRIs."""
    if isinstance(term, URIRef):
        try:
            prefix, _, local = SHAPES_NAMESPACES.compute_qname(str(term), generate=False)
        except (KeyError, ValueError):
            return f"<{term}>"
        return f"{prefix}:{local}"
    if isinstance(term, Literal):
        if term.datatype is not None:
            return f'"{term}"^^{_compact(term.datatype)}'
        return term.n3()
    return _term_text(term)


def _path_text(path: ResultPath) -> str:
    """A SHACL path in SPARQL property-path syntax, with compact IRIs."""
    if isinstance(path, URIRef):
        return _compact(path)
    if isinstance(path, InvPath):
        return f"^{_path_text(path.arg)}"
    if isinstance(path, SequencePath):
        return "/".join(_path_text(p) for p in path.args)
    if isinstance(path, AlternativePath):
        return "(" + "|".join(_path_text(p) for p in path.args) + ")"
    if isinstance(path, MulPath):
        return f"{_path_text(path.path)}{path.mod}"
    return str(path)


def _node_label(node: Node, name: str | None) -> str:
    shown = _compact(node)
    return f'{shown} "{name}"' if name else shown


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _render_text(report: ValidationReport) -> str:
    violations, warnings = len(report.violations), len(report.warnings)
    status = "Conforms" if report.conforms else "Does not conform"
    counts = ", ".join(
        _plural(n, noun) if n else f"no {noun}s" for n, noun in ((violations, "violation"), (warnings, "warning"))
    )
    infos = len(report.results) - violations - warnings
    if infos:
        counts += f", {_plural(infos, 'info')}"
    checked = _plural(len(report.graphs), "graph")
    lines = [f"{status}: {counts} ({checked} checked)."]
    current_graph: object = object()
    current_focus: object = object()
    ordered = sorted(
        report.results,
        key=lambda r: (
            "" if r.graph is None else str(r.graph),
            _term_text(r.focus_node),
            r.severity.rank,
            r.sort_key(),
        ),
    )
    for result in ordered:
        if result.graph != current_graph:
            current_graph, current_focus = result.graph, object()
            if result.graph is not None:
                lines += ["", f"In graph <{result.graph}>:"]
        if result.focus_node != current_focus:
            current_focus = result.focus_node
            lines += ["", _node_label(result.focus_node, result.focus_name)]
        where = result.severity.value.upper()
        if result.result_path is not None:
            where += f" {_path_text(result.result_path)}"
        if result.value is not None and result.value != result.focus_node:
            where += f" = {_node_label(result.value, result.value_name)}"
        lines.append(f"  {where}")
        lines.append(f"    {result.message}")
        shape = _compact(result.source_shape)
        lines.append(f"    ({shape}, {_compact(result.constraint_component)})")
    return "\n".join(lines) + "\n"


def _report_graph(report: ValidationReport) -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.namespace_manager = NamespaceManager(graph, bind_namespaces="none")
    for prefix, namespace in SHAPES_NAMESPACES.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    # fixed blank-node labels keep the serialised report identical from run to run
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for index, result in enumerate(report.results):
        node = BNode(f"result{index}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, result.severity.iri))
        graph.add((node, SH.focusNode, result.focus_node))
        if result.result_path is not None:
            path_node = _write_path(graph, result.result_path, f"result{index}path")
            graph.add((node, SH.resultPath, path_node))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        graph.add((node, SH.sourceShape, result.source_shape))
        graph.add((node, SH.sourceConstraintComponent, result.constraint_component))
    return graph


def _write_path(graph: Graph, path: ResultPath, label: str) -> Node:
    """Write a path back in SHACL's RDF syntax (lists for sequences and alternatives)."""
    if isinstance(path, URIRef):
        return path
    node = BNode(label)
    if isinstance(path, InvPath):
        graph.add((node, SH.inversePath, _write_path(graph, path.arg, f"{label}i")))
        return node
    if isinstance(path, AlternativePath):
        items = [_write_path(graph, p, f"{label}a{i}") for i, p in enumerate(path.args)]
        graph.add((node, SH.alternativePath, _write_list(graph, items, f"{label}l")))
        return node
    if isinstance(path, SequencePath):
        items = [_write_path(graph, p, f"{label}s{i}") for i, p in enumerate(path.args)]
        return _write_list(graph, items, label)
    if isinstance(path, MulPath):
        predicate = {"*": SH.zeroOrMorePath, "+": SH.oneOrMorePath, "?": SH.zeroOrOnePath}
        graph.add((node, predicate[path.mod], _write_path(graph, path.path, f"{label}m")))
        return node
    raise TypeError(f"cannot write the SHACL path {path!r}")


def _write_list(graph: Graph, items: list[Node], label: str) -> Node:
    head: Node = RDF.nil
    for index in reversed(range(len(items))):
        cell = BNode(f"{label}{index}")
        graph.add((cell, RDF.first, items[index]))
        graph.add((cell, RDF.rest, head))
        head = cell
    return head


def _report_turtle(report: ValidationReport) -> str:
    return _report_graph(report).serialize(format="turtle")


def _json_term(term: Node) -> Any:
    if isinstance(term, Literal):
        value: dict[str, str] = {"@value": str(term)}
        if term.language:
            value["@language"] = term.language
        else:
            value["@type"] = str(term.datatype or XSD.string)
        return value
    return _term_text(term)


def _json_path(path: ResultPath) -> str:
    return str(path) if isinstance(path, URIRef) else path.n3()


def _report_json(report: ValidationReport) -> str:
    document = {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "graphs": [None if g is None else _term_text(g) for g in report.graphs],
        "results": [
            {
                "severity": r.severity.value,
                "graph": None if r.graph is None else _term_text(r.graph),
                "focusNode": _term_text(r.focus_node),
                "focusName": r.focus_name,
                "resultPath": None if r.result_path is None else _json_path(r.result_path),
                "value": None if r.value is None else _json_term(r.value),
                "valueName": r.value_name,
                "message": r.message,
                "sourceShape": _term_text(r.source_shape),
                "sourceConstraintComponent": _term_text(r.constraint_component),
            }
            for r in report.results
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
