"""Ask SPARQL questions of articles: in memory, through pyoxigraph, or at a remote endpoint.

:func:`query` runs a SELECT, ASK, CONSTRUCT or DESCRIBE query over an rdflib ``Graph`` or
``Dataset`` (one named graph per article; the union of all of them is the default graph) and
returns a frozen :class:`QueryResult`, which :meth:`QueryResult.serialize` writes as a table,
CSV, TSV, SPARQL JSON or XML (rows and booleans), or as Turtle or JSON-LD (graphs). The output
is deterministic: rows of a query without ``ORDER BY`` are sorted, blank nodes relabelled.

The store that evaluates the query is pluggable (:func:`open_store`, :class:`QueryStore`):
rdflib's in-memory engine is the simple default for an article or two; pyoxigraph answers the
same queries over a corpus several times faster, and hundreds of times faster where rdflib's
static join order goes wrong (``benchmarks/bench_query.py``). Both give the same answers (the
tests check it), and both see the data unchanged: every literal keeps its datatype.

Nothing a query says reaches the network or the file system unless the caller allows it:
:mod:`kzar_ld.sparql_safety` refuses ``SERVICE``, updates (``LOAD``...) and ``FROM`` clauses
that name anything but the input graphs. Values are bound with rdflib's ``initBindings`` and
pyoxigraph's substitutions, never pasted into the query text. ``timeout`` stops waiting for a
runaway query; see :func:`query` for what that can and cannot interrupt.

The standard prefixes (``schema``, ``foaf``, ``oa``, ``kzar``, ``xsd``, ``rdf``, ``rdfs``,
``owl``) are predeclared. Ready-made questions ship in ``queries/`` (:func:`bundled_queries`).

Example:
    >>> from kzar_ld import build_graph, load_article
    >>> data = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> result = query(data, "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }")
    >>> [str(row[0]) for row in result.rows][:2]
    ['Claudio Giacomino', 'Gustavo Gutierrez']
    >>> print(result.serialize(ResultFormat.CSV).decode().splitlines()[1])
    Claudio Giacomino
"""

from __future__ import annotations

import csv
import ctypes
import difflib
import enum
import io
import json
import math
import platform
import re
import threading
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.term import Identifier, Node

from kzar_ld.errors import InputError, QueryError, RemoteError
from kzar_ld.namespaces import PREFIXES, RDF, XSD
from kzar_ld.resources import resource_files
from kzar_ld.sparql_safety import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    QueryKind,
    algebra_nodes,
    check_dataset,
    field_of,
    parse_query,
)
from kzar_ld.terms import from_oxigraph, to_oxigraph

if TYPE_CHECKING:
    import requests
    from rich.table import Table

    from kzar_ld.remote import HttpSettings

__all__ = [
    "BundledQuery",
    "Engine",
    "LoadedQuery",
    "OxigraphStore",
    "QueryKind",
    "QueryResult",
    "QueryStore",
    "RdflibStore",
    "ResultFormat",
    "bundled_queries",
    "bundled_query",
    "load_query",
    "open_store",
    "parse_binding",
    "parse_term",
    "query",
    "query_endpoint",
]

Term = URIRef | BNode | Literal
Row = tuple[Term | None, ...]
Triple = tuple[Term, Term, Term]
_T = TypeVar("_T")

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class Engine(enum.StrEnum):
    """The SPARQL engine that evaluates local queries. The value is the CLI spelling."""

    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


class ResultFormat(enum.StrEnum):
    """How a result is written. The value is the CLI spelling.

    Rows and booleans (SELECT, ASK): ``table``, ``csv``, ``tsv``, ``json`` (SPARQL 1.1 Query
    Results JSON), ``xml`` (SPARQL Query Results XML). Graphs (CONSTRUCT, DESCRIBE): ``turtle``,
    ``json-ld``.

    >>> ResultFormat.JSON.media_type
    'application/sparql-results+json'
    >>> ResultFormat.default_for(QueryKind.CONSTRUCT)
    <ResultFormat.TURTLE: 'turtle'>
    """

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    TURTLE = "turtle"
    JSON_LD = "json-ld"

    @property
    def media_type(self) -> str:
        """The media type of the written result."""
        return _RESULT_MEDIA_TYPES[self]

    @property
    def for_graphs(self) -> bool:
        """Whether this format writes graphs (CONSTRUCT, DESCRIBE) rather than rows."""
        return self in (ResultFormat.TURTLE, ResultFormat.JSON_LD)

    def check(self, kind: QueryKind) -> None:
        """Raise :class:`~kzar_ld.errors.InputError` if this format cannot write ``kind``.

        >>> ResultFormat.TURTLE.check(QueryKind.SELECT)
        Traceback (most recent call last):
        ...
        kzar_ld.errors.InputError: a SELECT result cannot be written as turtle; choose one of ...
        """
        if kind.returns_graph != self.for_graphs:
            allowed = ", ".join(f.value for f in ResultFormat if f.for_graphs == kind.returns_graph)
            raise InputError(f"a {kind.value} result cannot be written as {self.value}; choose one of {allowed}")

    @classmethod
    def default_for(cls, kind: QueryKind, *, terminal: bool = False) -> ResultFormat:
        """The format used when none is asked for: a table on a terminal, CSV in a pipe."""
        if kind.returns_graph:
            return cls.TURTLE
        return cls.TABLE if terminal else cls.CSV


_RESULT_MEDIA_TYPES = {
    ResultFormat.TABLE: "text/plain",
    ResultFormat.CSV: "text/csv",
    ResultFormat.TSV: "text/tab-separated-values",
    ResultFormat.JSON: "application/sparql-results+json",
    ResultFormat.XML: "application/sparql-results+xml",
    ResultFormat.TURTLE: "text/turtle",
    ResultFormat.JSON_LD: "application/ld+json",
}


# ---------------------------------------------------------------------------------------------
# Terms


def _sparql_string(text: str) -> str:
    """A double-quoted string in the escapes shared by SPARQL, Turtle and N-Triples."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _term_syntax(term: Term) -> str:
    """A term written as in SPARQL, Turtle and N-Triples (``<iri>``, ``"v"@en``, ``_:b0``)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = _sparql_string(str(term))
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None and str(term.datatype) != str(XSD.string):
        return f"{text}^^<{term.datatype}>"
    return text


def parse_term(text: str, *, name: str = "value") -> Term:
    """Read a value to bind to a query variable, as given on the command line.

    * ``<https://...>``, ``"text"``, ``"text"@en``, ``"1993"^^xsd:gYear``, ``42``, ``true``:
      an IRI or literal in Turtle syntax (the standard prefixes are known);
    * ``schema:Person``: a prefixed name with one of the standard prefixes;
    * ``https://kzar.example/id/person/kairat-umarov`` or ``urn:...``: an IRI;
    * anything else: a plain string literal.

    >>> parse_term("https://kzar.example/id/person/kairat-umarov")
    rdflib.term.URIRef('https://kzar.example/id/person/kairat-umarov')
    >>> parse_term('"1993"^^xsd:gYear')
    rdflib.term.Literal('1993', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    >>> parse_term("Kairat Umarov")
    rdflib.term.Literal('Kairat Umarov')
    """
    value = text.strip()
    if not value:
        raise QueryError(f"the {name} is empty: give an IRI, a literal or text")
    head = value[0]
    prefix, colon, local = value.partition(":")
    if head in "<\"'" or re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|true|false", value):
        return _parse_turtle_term(value, name=name)
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return _parse_turtle_term(value, name=name)
    if not any(ch.isspace() for ch in value) and ("://" in value or value.startswith("urn:")):
        return _parse_turtle_term(f"<{value}>", name=name)
    return Literal(value)


def _parse_turtle_term(value: str, *, name: str) -> Term:
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(PREFIXES.items()))
    document = f"{header}<urn:kzar-ld:s> <urn:kzar-ld:p> {value} .\n"
    try:
        triples = list(ox.parse(document.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(
            f"the {name} {value!r} is not a valid IRI or literal ({detail}); "
            'write an IRI as <https://...> and a literal as "text", "text"@en or "1"^^xsd:integer'
        ) from exc
    if len(triples) != 1 or isinstance(triples[0].object, ox.BlankNode | ox.Triple):
        raise QueryError(f"the {name} {value!r} must be a single IRI or literal")
    return from_oxigraph(triples[0].object)


# ---------------------------------------------------------------------------------------------
# Results


def _term_key(term: Term | None) -> tuple[int, str, str, str]:
    # SPARQL's ORDER BY order of kinds: unbound < blank node < IRI < literal. Blank node labels
    # are arbitrary, so they do not take part.
    if term is None:
        return (0, "", "", "")
    if isinstance(term, BNode):
        return (1, "", "", "")
    if isinstance(term, URIRef):
        return (2, str(term), "", "")
    return (3, str(term), str(term.datatype or ""), term.language or "")


def _canonical_rows(rows: Iterable[Row], *, ordered: bool) -> tuple[Row, ...]:
    """Sort rows (unless the query ordered them) and relabel blank nodes b0, b1... in order."""
    listed = list(rows)
    if not ordered:
        listed.sort(key=lambda row: tuple(_term_key(t) for t in row))
    labels: dict[BNode, BNode] = {}
    out: list[Row] = []
    for row in listed:
        if any(isinstance(t, BNode) for t in row):
            row = tuple(labels.setdefault(t, BNode(f"b{len(labels)}")) if isinstance(t, BNode) else t for t in row)
        out.append(row)
    return tuple(out)


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).

    ``rows`` hold rdflib terms, ``None`` where a variable is unbound, in the order of
    ``variables``. Write the result with :meth:`serialize`.

    >>> r = QueryResult(kind=QueryKind.ASK, boolean=True)
    >>> r.serialize(ResultFormat.JSON)
    b'{"head": {}, "boolean": true}\\n'
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[Triple, ...] = field(default=(), repr=False)

    def bindings(self) -> list[dict[str, Term]]:
        """The rows as dictionaries from variable name to term, unbound variables left out.

        >>> QueryResult(QueryKind.SELECT, ("a", "b"), ((Literal("x"), None),)).bindings()
        [{'a': rdflib.term.Literal('x')}]
        """
        return [
            {name: term for name, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE result as a new rdflib graph."""
        g = Graph()
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri, replace=True)
        for triple in self.triples:
            g.add(triple)
        return g

    def serialize(self, format: ResultFormat | None = None) -> bytes:
        """Write the result; byte-identical for the same result.

        Without ``format``: CSV for rows and booleans, Turtle for graphs. Asking for a graph
        format for rows (or the reverse) is an :class:`~kzar_ld.errors.InputError`.

        >>> r = QueryResult(QueryKind.SELECT, ("n",), ((Literal(2),),))
        >>> r.serialize(ResultFormat.TSV)
        b'?n\\n"2"^^<http://www.w3.org/2001/XMLSchema#integer>\\n'
        """
        fmt = ResultFormat(format) if format is not None else ResultFormat.default_for(self.kind)
        fmt.check(self.kind)
        if fmt.for_graphs:
            return _write_graph(self, fmt)
        if self.kind is QueryKind.ASK:
            return _write_boolean(bool(self.boolean), fmt)
        writer = _ROW_WRITERS[fmt]
        return writer(self)

    def rich_table(self) -> Table:
        """The rows (or the boolean) as a :class:`rich.table.Table`, for a terminal."""
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", show_lines=False)
        if self.kind is QueryKind.ASK:
            table.add_column("answer")
            table.add_row("true" if self.boolean else "false")
            return table
        if self.kind.returns_graph:
            raise InputError(f"a {self.kind.value} result is a graph; write it as turtle or json-ld")
        for name in self.variables:
            table.add_column(f"?{name}", overflow="fold")
        for row in self.rows:
            table.add_row(*(_display(t) for t in row))
        return table


def _display(term: Term | None) -> str:
    """A term for human eyes: IRIs under a standard prefix shortened, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = iri[len(ns) :]
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w\-]*", local):
                return f"{prefix}:{local}"
        return iri
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _write_csv(result: QueryResult) -> bytes:
    # SPARQL 1.1 Query Results CSV: the variables' names, then the values; CRLF line ends.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue().encode("utf-8")


def _write_tsv(result: QueryResult) -> bytes:
    # SPARQL 1.1 Query Results TSV: ``?name`` headers, terms in Turtle syntax, LF line ends.
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else _term_syntax(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != str(XSD.string):
        out["datatype"] = str(term.datatype)
    return out


def _write_json(result: QueryResult) -> bytes:
    document = {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [
                {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                for row in result.rows
            ]
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str, where: str) -> str:
    bad = _XML_FORBIDDEN.search(value)
    if bad is not None:
        raise InputError(
            f"{where} holds the character U+{ord(bad.group()):04X}, which XML cannot represent; "
            "use --format json or tsv"
        )
    return value


def _xml_document(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _write_xml(result: QueryResult) -> bytes:
    root = ET.Element("sparql", xmlns=_SPARQL_RESULTS_NS)
    head = ET.SubElement(root, "head")
    for name in result.variables:
        ET.SubElement(head, "variable", name=name)
    results = ET.SubElement(root, "results")
    for index, row in enumerate(result.rows, start=1):
        element = ET.SubElement(results, "result")
        for name, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            where = f"row {index}, ?{name}"
            binding = ET.SubElement(element, "binding", name=name)
            if isinstance(term, URIRef):
                ET.SubElement(binding, "uri").text = _xml_text(str(term), where)
            elif isinstance(term, BNode):
                ET.SubElement(binding, "bnode").text = str(term)
            else:
                literal = ET.SubElement(binding, "literal")
                literal.text = _xml_text(str(term), where)
                if term.language:
                    literal.set("xml:lang", term.language)
                elif term.datatype is not None and str(term.datatype) != str(XSD.string):
                    literal.set("datatype", str(term.datatype))
    return _xml_document(root)


def _write_table(result: QueryResult) -> bytes:
    from rich.console import Console

    table = result.rich_table()
    probe = Console(width=100_000, color_system=None, force_terminal=False)
    width = max(20, min(probe.measure(table).maximum, 100_000))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False)
    console.print(table)
    text = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
    return (text + "\n").encode("utf-8")


_ROW_WRITERS: dict[ResultFormat, Callable[[QueryResult], bytes]] = {
    ResultFormat.TABLE: _write_table,
    ResultFormat.CSV: _write_csv,
    ResultFormat.TSV: _write_tsv,
    ResultFormat.JSON: _write_json,
    ResultFormat.XML: _write_xml,
}


def _write_boolean(value: bool, fmt: ResultFormat) -> bytes:
    word = "true" if value else "false"
    if fmt is ResultFormat.JSON:
        return (json.dumps({"head": {}, "boolean": value}) + "\n").encode("utf-8")
    if fmt is ResultFormat.XML:
        root = ET.Element("sparql", xmlns=_SPARQL_RESULTS_NS)
        ET.SubElement(root, "head")
        ET.SubElement(root, "boolean").text = word
        return _xml_document(root)
    return (word + "\n").encode("utf-8")


def _write_graph(result: QueryResult, fmt: ResultFormat) -> bytes:
    from rdflib.compare import to_canonical_graph

    from kzar_ld.serialization import Format, serialize

    graph: Graph = result.graph()
    if any(isinstance(t, BNode) for triple in result.triples for t in triple):
        # Fresh blank nodes get random labels; canonical ones make the output repeatable.
        graph = to_canonical_graph(graph)
    target = Format.TURTLE if fmt is ResultFormat.TURTLE else Format.JSON_LD
    return serialize(graph, format=target)


# ---------------------------------------------------------------------------------------------
# Stores


@runtime_checkable
class QueryStore(Protocol):
    """Something that evaluates checked queries over a set of named graphs.

    Implementations: :class:`RdflibStore` and :class:`OxigraphStore`. ``evaluate`` is called
    after :mod:`kzar_ld.sparql_safety` has accepted the query; ``extra`` holds graphs loaded
    for ``FROM`` clauses the caller allowed; ``cancel`` is set when the caller stops waiting.
    """

    engine: Engine

    def graph_names(self) -> frozenset[str]:
        """The IRIs of the named graphs (the articles), which ``FROM`` may name."""
        ...

    def evaluate(
        self,
        parsed: ParsedQuery,
        *,
        bindings: Mapping[str, Term],
        extra: Mapping[str, Graph],
        cancel: threading.Event,
    ) -> QueryResult:
        """Run the query and return the whole result."""
        ...


def _described_variables(parsed: ParsedQuery) -> list[str]:
    """The variables a DESCRIBE names (all those of its pattern for ``DESCRIBE *``)."""
    named = field_of(parsed.prepared.algebra, "PV") or []
    if named:
        return [str(v) for v in named if isinstance(v, Variable)]
    return sorted(parsed.mentioned)


def _describe_targets(parsed: ParsedQuery, bindings: Mapping[str, Term]) -> set[Term]:
    """The IRIs a DESCRIBE names, and the values given to the variables it names."""
    targets: set[Term] = {t for t in field_of(parsed.prepared.algebra, "PV") or [] if isinstance(t, URIRef)}
    targets.update(bindings[v] for v in _described_variables(parsed) if v in bindings)
    return targets


def _describe(
    lookup: Callable[[Any, Any, Any], Iterable[Any]],
    resources: Iterable[Term],
    cancel: threading.Event,
) -> list[Triple]:
    """The concise bounded description of each resource, for DESCRIBE on either engine.

    As rdflib defines it: the resource's own statements, those of the blank nodes they lead
    to, and the statements about each reification (``rdf:Statement``) of a statement about it,
    which is how derived facts say why they hold.
    """
    found: dict[Triple, None] = {}
    visited: set[Term] = set()
    pending = sorted(resources, key=_term_key, reverse=True)
    while pending:
        node = pending.pop()
        if node in visited:
            continue
        visited.add(node)
        _check_cancel(cancel)
        for triple in lookup(node, None, None):
            found[triple] = None
            if isinstance(triple[2], BNode) and triple[2] not in visited:
                pending.append(triple[2])
        for statement, _, _ in list(lookup(None, RDF.subject, node)):
            for triple in lookup(statement, None, None):
                found[triple] = None
    return list(found)


class _View(ConjunctiveGraph):
    """A read-only view of a store with a chosen default graph, for rdflib's engine.

    A private subclass because rdflib warns when a plain ``ConjunctiveGraph`` is made, and its
    SPARQL engine reads ``default_context``, which warns on a ``Dataset``.
    """

    def __init__(self, store: Any, *, default: Identifier, union: bool) -> None:
        super().__init__(store=store)
        self.default_context = Graph(store=store, identifier=default)
        self.default_union = union


def _check_cancel(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise _Cancelled


class _Cancelled(BaseException):
    """Raised inside a query that the caller stopped waiting for."""


class RdflibStore:
    """rdflib's in-memory SPARQL engine over a ``Dataset`` (the default for one article).

    >>> from kzar_ld import build_graph, load_article
    >>> store = RdflibStore(build_graph(load_article("examples/kazinform-2023-08-24")))
    >>> sorted(store.graph_names())
    ['https://kzar.example/id/article/000_b748ee61ec8ac40c']
    """

    engine = Engine.RDFLIB

    def __init__(self, dataset: Dataset | ConjunctiveGraph) -> None:
        self.dataset = dataset
        if isinstance(dataset, Dataset):
            self._default: Identifier = dataset.default_graph.identifier
        else:
            self._default = dataset.default_context.identifier

    def graph_names(self) -> frozenset[str]:
        """The named graphs' IRIs (blank-node names and the default graph left out)."""
        return frozenset(
            str(g.identifier)
            for g in self.dataset.store.contexts()
            if isinstance(g.identifier, URIRef) and g.identifier != self._default
        )

    def _graph(self, iri: str, extra: Mapping[str, Graph]) -> Graph:
        if iri in extra:
            return extra[iri]
        # A Graph over the shared store reads that context without adding anything to it.
        return Graph(store=self.dataset.store, identifier=URIRef(iri))

    def _view(self, parsed: ParsedQuery, extra: Mapping[str, Graph]) -> _View:
        if not parsed.has_dataset_clause:
            return _View(self.dataset.store, default=self._default, union=True)
        # The query names its own dataset: copy exactly those graphs into a fresh store, so
        # rdflib never looks for (or loads) anything else.
        fresh = Dataset()
        default = URIRef("urn:x-kzar-ld:from")
        target = fresh.graph(default)
        for iri in parsed.from_graphs:
            target += self._graph(iri, extra)
        for iri in parsed.from_named:
            fresh.graph(URIRef(iri)).__iadd__(self._graph(iri, extra))
        return _View(fresh.store, default=default, union=False)

    def evaluate(
        self,
        parsed: ParsedQuery,
        *,
        bindings: Mapping[str, Term],
        extra: Mapping[str, Graph],
        cancel: threading.Event,
    ) -> QueryResult:
        """Evaluate with rdflib; the query's own dataset clause was checked and is honoured here."""
        if parsed.services:
            # rdflib's SERVICE has no timeout, never closes its connection, and silently returns
            # nothing for SERVICE SILENT, a variable or a prefixed name as the endpoint.
            raise QueryError(
                f"SERVICE {parsed.services[0]} is allowed, but only the oxigraph engine runs "
                "SERVICE reliably: add --engine oxigraph",
                source=parsed.source,
            )
        view = self._view(parsed, extra)
        ctx = QueryContext(view, initBindings={Variable(k): v for k, v in bindings.items()})
        ctx.prologue = parsed.prepared.prologue
        if parsed.kind is QueryKind.DESCRIBE:
            targets = _describe_targets(parsed, bindings)
            pattern = field_of(parsed.prepared.algebra, "p")
            if pattern is not None:
                wanted = [Variable(v) for v in _described_variables(parsed)]
                for solution in evalPart(ctx, pattern):
                    _check_cancel(cancel)
                    targets.update(t for v in wanted if (t := solution.get(v)) is not None)
            described = _describe(lambda s, p, o: view.triples((s, p, o)), targets, cancel)
            return QueryResult(kind=parsed.kind, triples=tuple(described))
        answer = evalPart(ctx, parsed.prepared.algebra)
        if parsed.kind is QueryKind.ASK:
            return QueryResult(kind=parsed.kind, boolean=bool(answer["askAnswer"]))
        if parsed.kind.returns_graph:
            triples: list[Triple] = []
            for triple in answer["graph"]:
                _check_cancel(cancel)
                triples.append(triple)
            return QueryResult(kind=parsed.kind, triples=tuple(triples))
        names = [Variable(v) for v in parsed.variables]
        rows: list[Row] = []
        for solution in answer["bindings"]:
            _check_cancel(cancel)
            rows.append(tuple(solution.get(v) for v in names))
        return QueryResult(
            kind=parsed.kind,
            variables=parsed.variables,
            rows=_canonical_rows(rows, ordered=parsed.ordered),
        )


class OxigraphStore:
    """pyoxigraph's SPARQL engine over in-memory ``pyoxigraph.Store`` objects.

    Use it for a corpus: build it once with :meth:`from_rdflib` (or :func:`open_store`) and run
    many queries.

    A store made by :meth:`from_rdflib` puts right three things Oxigraph does its own way:

    * its union default graph (and a ``FROM`` of several graphs) repeats a triple once per graph
      that holds it, where SPARQL merges them. The merged union is kept in a store of its own,
      which answers every query that names no graph; since Oxigraph's in-memory store indexes
      single terms, that store is also much faster than one that holds each shared entity's
      statements once per article. Queries with ``GRAPH`` go to the store of named graphs (whose
      default graph is the merged union too), and ``FROM`` to a merged copy of the graphs named;
    * it stores some literals in a canonical form (``"68"^^xsd:nonNegativeInteger`` comes back
      as ``"68"^^xsd:integer``, ``"007"^^xsd:integer`` as ``"7"``). The literals given are
      remembered and put back in results where a value comes straight from the data (a variable
      bound by a triple pattern, or an object in a CONSTRUCT or DESCRIBE). Inside the query
      Oxigraph still sees the canonical form: ``DATATYPE(?start)`` is ``xsd:integer`` there;
    * its DESCRIBE differs from rdflib's; both engines share one definition (:func:`query`).

    A ``pyoxigraph.Store`` passed in as it is gets only the last; its default graph is read as
    the union of its graphs.

    >>> from kzar_ld import build_graph, load_article
    >>> data = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> store = OxigraphStore.from_rdflib(data)
    >>> sorted(store.graph_names())
    ['https://kzar.example/id/article/000_b748ee61ec8ac40c']
    """

    engine = Engine.OXIGRAPH

    def __init__(
        self,
        store: ox.Store,
        *,
        union: ox.Store | None = None,
        originals: _Originals | None = None,
    ) -> None:
        self.store = store
        self._union = union
        self._originals = originals or _Originals({})

    @classmethod
    def from_rdflib(cls, data: Graph) -> OxigraphStore:
        """Copy an rdflib graph or dataset into new in-memory stores.

        One keeps the named graphs, and the merge of all graphs as its default graph; the other
        holds that merge alone.
        """
        typed: dict[tuple[str, Literal], None] = {}
        store = ox.Store()
        store.bulk_extend(_oxigraph_quads(data, typed))
        # The merging is done by Oxigraph: into the default graph, then copied as N-Triples.
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        union = ox.Store()
        merged = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        if merged:
            union.bulk_load(merged, format=ox.RdfFormat.N_TRIPLES)
        return cls(store, union=union, originals=_Originals.build(typed))

    def graph_names(self) -> frozenset[str]:
        """The named graphs' IRIs."""
        return frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def _dataset_for(self, parsed: ParsedQuery, extra: Mapping[str, Graph]) -> tuple[ox.Store, dict[str, Any], bool]:
        """The store to query, how to pick its default and named graphs, and whether its default
        graph must be read as the union of its graphs."""
        if not parsed.has_dataset_clause:
            if self._union is None:
                return self.store, {"use_default_graph_as_union": True}, True
            if not any(n.name == "Graph" for n in algebra_nodes(parsed.prepared.algebra)):
                return self._union, {}, False
            return self.store, {}, False
        # FROM/FROM NAMED: a scratch store whose default graph is the merge of the FROM graphs
        # (loaded ones included) and whose named graphs are the FROM NAMED ones. The explicit
        # dataset overrides the query's clauses, which were checked already.
        scratch = ox.Store()

        def triples(iri: str) -> Iterator[tuple[Any, Any, Any]]:
            if iri in extra:
                for s, p, o in extra[iri]:
                    yield to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)
            else:
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)):
                    yield q.subject, q.predicate, q.object

        for iri in parsed.from_graphs:
            scratch.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in triples(iri))
        for iri in parsed.from_named:
            name = ox.NamedNode(iri)
            scratch.extend(ox.Quad(s, p, o, name) for s, p, o in triples(iri))
        named = [ox.NamedNode(iri) for iri in dict.fromkeys(parsed.from_named)]
        return scratch, {"default_graph": ox.DefaultGraph(), "named_graphs": named}, False

    @staticmethod
    def _lookup(store: ox.Store, *, union: bool) -> Callable[[Any, Any, Any], Iterable[Triple]]:
        """Triples matching a pattern in the default graph (or, ``union``, in any graph once)."""

        def find(s: Any, p: Any, o: Any) -> Iterator[Triple]:
            subject: Any = None if s is None else to_oxigraph(s)
            predicate: Any = None if p is None else to_oxigraph(p)
            value: Any = None if o is None else to_oxigraph(o)
            seen: set[Triple] = set()
            graph = None if union else ox.DefaultGraph()
            for quad in store.quads_for_pattern(subject, predicate, value, graph):
                triple = (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
                if triple not in seen:
                    seen.add(triple)
                    yield triple

        return find

    def evaluate(
        self,
        parsed: ParsedQuery,
        *,
        bindings: Mapping[str, Term],
        extra: Mapping[str, Graph],
        cancel: threading.Event,
    ) -> QueryResult:
        """Evaluate with pyoxigraph; its result iterators are lazy, so cancelling stops them."""
        store, dataset, union = self._dataset_for(parsed, extra)
        try:
            answer = store.query(
                parsed.text,
                prefixes=dict(PREFIXES),
                substitutions={ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()} or None,
                **dataset,
            )
            try:
                lookup = self._lookup(store, union=union)
                return self._collect(answer, parsed, cancel, bindings=bindings, lookup=lookup)
            finally:
                # pyoxigraph's result iterators belong to the thread that made them: drop this
                # one here, not wherever an exception holding this frame is collected.
                del answer
        except SyntaxError as exc:
            raise _oxigraph_syntax_error(exc, parsed) from exc
        except OSError as exc:
            raise RemoteError(
                f"a SERVICE call failed: {_first_line(exc)}",
                url=", ".join(parsed.services) or None,
                source=parsed.source,
            ) from exc
        except (RuntimeError, ValueError, TypeError) as exc:
            raise QueryError(f"oxigraph could not run the query: {_first_line(exc)}", source=parsed.source) from exc

    def _collect(
        self,
        answer: Any,
        parsed: ParsedQuery,
        cancel: threading.Event,
        *,
        bindings: Mapping[str, Term],
        lookup: Callable[[Any, Any, Any], Iterable[Triple]],
    ) -> QueryResult:
        originals = self._originals
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind=parsed.kind, boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples) and parsed.kind is QueryKind.DESCRIBE:
            # Oxigraph's own description differs from rdflib's (no reifications): take the
            # resources it described and describe them the one way both engines share.
            targets = _describe_targets(parsed, bindings)
            for t in answer:
                _check_cancel(cancel)
                if not isinstance(t.subject, ox.BlankNode):
                    targets.add(from_oxigraph(t.subject))
            described = [(s, p, originals.restore(o, [str(p)])) for s, p, o in _describe(lookup, targets, cancel)]
            return QueryResult(kind=parsed.kind, triples=tuple(described))
        if isinstance(answer, ox.QueryTriples):
            triples: list[Triple] = []
            template = _template_sources(parsed) if originals else {}
            for t in answer:
                _check_cancel(cancel)
                p = from_oxigraph(t.predicate)
                o = from_oxigraph(t.object)
                if template and isinstance(o, Literal):
                    o = originals.restore(o, _template_predicates(template, str(p), o))
                triples.append((from_oxigraph(t.subject), p, o))
            return QueryResult(kind=parsed.kind, triples=tuple(triples))
        sources = _variable_sources(parsed) if originals else {}
        rows: list[Row] = []
        for solution in answer:
            _check_cancel(cancel)
            row = [None if (t := solution[v]) is None else from_oxigraph(t) for v in parsed.variables]
            if sources:
                row = _restore_row(row, parsed.variables, sources, originals)
            rows.append(tuple(row))
        return QueryResult(
            kind=parsed.kind,
            variables=parsed.variables,
            rows=_canonical_rows(rows, ordered=parsed.ordered),
        )


@dataclass(frozen=True)
class _Originals:
    """Literals as given, by (predicate, the form Oxigraph stores them in).

    A predicate of ``None`` stands for any predicate.
    """

    index: Mapping[tuple[str | None, Literal], frozenset[Literal]]

    def __bool__(self) -> bool:
        return bool(self.index)

    @classmethod
    def build(cls, typed: Iterable[tuple[str, Literal]]) -> _Originals:
        pairs = list(typed)
        distinct = sorted({lit for _, lit in pairs}, key=lambda lit: (str(lit.datatype), str(lit)))
        if not distinct:
            return cls({})
        # Let Oxigraph itself say what it makes of each literal, rather than guess its rules.
        scratch = ox.Store()
        predicate = ox.NamedNode("urn:x-kzar-ld:value")
        scratch.extend(
            ox.Quad(ox.NamedNode(f"urn:x-kzar-ld:{i}"), predicate, to_oxigraph(lit)) for i, lit in enumerate(distinct)
        )
        stored: dict[Literal, Literal] = {}
        for quad in scratch:
            original = distinct[int(quad.subject.value.rsplit(":", 1)[1])]
            canonical = from_oxigraph(quad.object)
            if isinstance(canonical, Literal) and (canonical != original or str(canonical) != str(original)):
                stored[original] = canonical
        index: dict[tuple[str | None, Literal], set[Literal]] = {}
        for p, lit in pairs:
            found = stored.get(lit)
            if found is not None:
                index.setdefault((p, found), set()).add(lit)
                index.setdefault((None, found), set()).add(lit)
        return cls({k: frozenset(v) for k, v in index.items()})

    def restore(self, term: Term, predicates: Iterable[str | None]) -> Term:
        """The literal as given, if ``term`` is the stored form of exactly one of them."""
        if not isinstance(term, Literal) or term.datatype is None or not self.index:
            return term
        found: set[Literal] = set()
        for p in predicates:
            found |= self.index.get((p, term), frozenset())
        if len(found) == 1:
            return next(iter(found))
        return term


# A variable's values come from the objects of triple patterns with these predicates: an IRI,
# ("var", name) for a predicate variable, or None for a path or an unknown predicate.
_Source = str | tuple[str, str] | None


def _variable_sources(parsed: ParsedQuery) -> dict[str, set[_Source]]:
    """For each variable whose values come straight from the data, where they come from.

    Variables that any part of the query computes (BIND, aggregates other than SAMPLE/MIN/MAX,
    VALUES) are left out: their values are not the data's literals.
    """
    sources: dict[str, set[_Source]] = {}
    computed: set[str] = set()
    copies: list[tuple[str, str]] = []  # (to, from)
    aggregates: dict[str, tuple[str, str | None]] = {}
    for node in algebra_nodes(parsed.prepared.algebra):
        if node.name == "BGP":
            for _, p, o in field_of(node, "triples") or ():
                if isinstance(o, Variable):
                    source: _Source = None  # a property path: any predicate
                    if isinstance(p, URIRef):
                        source = str(p)
                    elif isinstance(p, Variable):
                        source = ("var", str(p))
                    sources.setdefault(str(o), set()).add(source)
        elif node.name.startswith("Aggregate_"):
            res, over = field_of(node, "res"), field_of(node, "vars")
            if isinstance(res, Variable):
                kind = node.name[len("Aggregate_") :]
                inherited = str(over) if kind in ("Sample", "Min", "Max") and isinstance(over, Variable) else None
                aggregates[str(res)] = (kind, inherited)
        elif node.name == "Extend":
            var, expr = field_of(node, "var"), field_of(node, "expr")
            if isinstance(expr, Variable):
                copies.append((str(var), str(expr)))
            else:
                computed.add(str(var))
        elif node.name == "values":
            for row in field_of(node, "res") or ():
                computed.update(str(v) for v in row)
    for var, (_, inherited) in aggregates.items():
        if inherited is None:
            computed.add(var)
        else:
            copies.append((var, inherited))
    changed = True
    while changed:
        changed = False
        for to, frm in copies:
            if frm in computed and to not in computed:
                computed.add(to)
                changed = True
            before = len(sources.get(to, ()))
            merged = sources.setdefault(to, set()) | sources.get(frm, set())
            if len(merged) != before:
                sources[to] = merged
                changed = True
    return {v: found for v, found in sources.items() if v not in computed}


def _restore_row(
    row: list[Term | None],
    variables: tuple[str, ...],
    sources: Mapping[str, set[_Source]],
    originals: _Originals,
) -> list[Term | None]:
    position = {v: i for i, v in enumerate(variables)}
    out = list(row)
    for i, (name, term) in enumerate(zip(variables, row, strict=True)):
        if not isinstance(term, Literal) or name not in sources:
            continue
        predicates: list[str | None] = []
        for source in sources[name]:
            if isinstance(source, tuple):
                bound = row[position[source[1]]] if source[1] in position else None
                predicates.append(str(bound) if isinstance(bound, URIRef) else None)
            else:
                predicates.append(source)
        out[i] = originals.restore(term, predicates)
    return out


def _template_sources(parsed: ParsedQuery) -> dict[str | None, list[object]]:
    """CONSTRUCT: for each template predicate (None: a variable), where its objects come from.

    Each entry is a set of :data:`_Source` (a variable's sources), the marker ``"?p"`` for a
    template ``?s ?p ?o`` whose object and predicate come from the same data triple pattern, or a
    constant literal written in the template.
    """
    sources = _variable_sources(parsed)
    out: dict[str | None, list[object]] = {}
    template = field_of(parsed.prepared.algebra, "template")
    if not template:  # CONSTRUCT WHERE { ... }: the pattern is the template
        template = [
            t for n in algebra_nodes(parsed.prepared.algebra) if n.name == "BGP" for t in field_of(n, "triples") or ()
        ]
    for _, p, o in template:
        key = str(p) if isinstance(p, URIRef) else None
        if isinstance(o, Variable):
            found = set(sources.get(str(o), {None}))
            if isinstance(p, Variable) and ("var", str(p)) in found:
                found.discard(("var", str(p)))
                found.add("?p")
            out.setdefault(key, []).append(found)
        elif isinstance(o, Literal):
            out.setdefault(key, []).append(o)
    return out


def _template_predicates(
    template: Mapping[str | None, list[object]], predicate: str, value: Literal
) -> list[str | None]:
    """The data predicates a CONSTRUCT output literal may have come from (none: leave it)."""
    found: list[str | None] = []
    for entry in (*template.get(predicate, ()), *template.get(None, ())):
        if isinstance(entry, Literal):
            if entry == value or str(entry) == str(value):
                return []  # the value may have been written in the query itself
            continue
        for source in entry:
            if source == "?p":
                found.append(predicate)
            elif isinstance(source, tuple):
                found.append(None)
            else:
                found.append(source)
    return found


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _oxigraph_syntax_error(exc: SyntaxError, parsed: ParsedQuery) -> QueryError:
    # pyoxigraph says "error at LINE:COLUMN: message"; rdflib accepted the query, so this is a
    # rule rdflib does not check (e.g. BIND to a variable already in scope).
    message = _first_line(exc)
    found = re.match(r"error at (\d+):(\d+): (.*)", message)
    if found:
        return QueryError(
            f"the query is not valid SPARQL: {found.group(3)}",
            source=parsed.source,
            line=int(found.group(1)),
            column=int(found.group(2)),
        )
    return QueryError(f"the query is not valid SPARQL: {message}", source=parsed.source)


def _oxigraph_quads(data: Graph, typed: dict[tuple[str, Literal], None]) -> Iterator[ox.Quad]:
    """Quads for pyoxigraph; every (predicate, typed literal) met is noted in ``typed``."""
    cache: dict[Node, Any] = {}
    string = XSD.string
    default = ox.DefaultGraph()
    names: dict[Node | None, Any] = {}
    if isinstance(data, ConjunctiveGraph):
        unnamed = {
            data.default_graph.identifier if isinstance(data, Dataset) else data.default_context.identifier,
            DATASET_DEFAULT_GRAPH_ID,
            None,
        }
        # One pass over all quads: iterating graph by graph costs rdflib time in the number of graphs.
        statements: Iterable[tuple[Node, Node, Node, Any]] = data.quads((None, None, None, None))
    else:
        names[None] = to_oxigraph(data.identifier) if isinstance(data.identifier, URIRef) else default
        unnamed = set()
        statements = ((s, p, o, None) for s, p, o in data)
    for s, p, o, g in statements:
        key = getattr(g, "identifier", g)
        graph_name: Any = names.get(key)
        if graph_name is None:
            graph_name = names[key] = default if key in unnamed else to_oxigraph(key)
        if type(o) is Literal and o.datatype is not None and o.datatype != string:
            typed[(str(p), o)] = None
        # Inlined lookups: this loop runs once per statement of the corpus.
        a: Any = cache.get(s)
        if a is None:
            a = cache[s] = to_oxigraph(s)
        b: Any = cache.get(p)
        if b is None:
            b = cache[p] = to_oxigraph(p)
        c = cache.get(o)
        if c is None:
            c = cache[o] = to_oxigraph(o)
        yield ox.Quad(a, b, c, graph_name)


def _rdflib_dataset(data: Graph | ox.Store) -> Dataset | ConjunctiveGraph:
    if isinstance(data, ox.Store):
        dataset = Dataset()
        for quad in data:
            g = quad.graph_name
            target = dataset.default_graph if isinstance(g, ox.DefaultGraph) else dataset.graph(from_oxigraph(g))
            target.add(
                (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
            )
        return dataset
    if isinstance(data, ConjunctiveGraph):
        return data
    # A lone graph becomes the one named graph of a dataset (its name, if it has an IRI).
    dataset = Dataset()
    target = dataset.graph(data.identifier) if isinstance(data.identifier, URIRef) else dataset.default_graph
    for triple in data:
        target.add(triple)
    return dataset


def open_store(data: Graph | ox.Store | QueryStore, *, engine: Engine | None = None) -> QueryStore:
    """Wrap data in the store that will evaluate queries over it.

    ``data`` is an rdflib ``Graph``/``Dataset``, a ``pyoxigraph.Store`` or a store already.
    ``engine`` picks the engine; ``None`` keeps the data where it is (rdflib for rdflib data,
    oxigraph for a pyoxigraph store). Converting copies the data once: for many queries over a
    corpus, open the store once and pass it to :func:`query` each time.

    >>> from kzar_ld import build_graph, load_article
    >>> data = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> open_store(data, engine=Engine.OXIGRAPH).engine
    <Engine.OXIGRAPH: 'oxigraph'>
    """
    chosen = Engine(engine) if engine is not None else None
    if isinstance(data, RdflibStore | OxigraphStore) or (
        isinstance(data, QueryStore) and not isinstance(data, Graph | ox.Store)
    ):
        if chosen is not None and data.engine is not chosen:
            raise InputError(
                f"this store runs queries with {data.engine.value}, not {chosen.value}; open a new store from the data"
            )
        return data
    if isinstance(data, ox.Store):
        if chosen is Engine.RDFLIB:
            return RdflibStore(_rdflib_dataset(data))
        return OxigraphStore(data)
    if isinstance(data, Graph):
        if chosen is Engine.OXIGRAPH:
            return OxigraphStore.from_rdflib(data)
        return RdflibStore(_rdflib_dataset(data))
    raise InputError(f"cannot query a {type(data).__name__}: give an rdflib Graph or Dataset or a pyoxigraph Store")


# ---------------------------------------------------------------------------------------------
# Running a query


def _check_bindings(parsed: ParsedQuery, bindings: Mapping[str, Any] | None) -> dict[str, Term]:
    if not bindings:
        return {}
    terms: dict[str, Term] = {}
    for raw_name, value in bindings.items():
        name = raw_name[1:] if raw_name.startswith(("?", "$")) else raw_name
        if not re.fullmatch(r"[A-Za-z0-9_\u00b7\u00c0-\U000effff]+", name):
            raise QueryError(f"cannot bind {raw_name!r}: not a SPARQL variable name", source=parsed.source)
        if name not in parsed.bindable:
            if parsed.kind is QueryKind.SELECT and name in parsed.mentioned:
                returned = ", ".join(f"?{v}" for v in parsed.variables) or "none"
                raise QueryError(
                    f"cannot bind ?{name}: only variables the query returns can be bound "
                    f"(it returns {returned}); add ?{name} to the SELECT clause",
                    source=parsed.source,
                )
            candidates = sorted(parsed.bindable)
            close = difflib.get_close_matches(name, candidates, n=1)
            hint = (
                f"; did you mean ?{close[0]}?"
                if close
                else (f"; it has {', '.join('?' + c for c in candidates)}" if candidates else "")
            )
            raise QueryError(f"cannot bind ?{name}: the query has no such variable{hint}", source=parsed.source)
        if isinstance(value, URIRef | Literal):
            term: Term = value
        elif isinstance(value, BNode):
            term = value
        elif isinstance(value, str):
            term = parse_term(value, name=f"value of ?{name}")
        else:
            raise QueryError(
                f"cannot bind ?{name} to a {type(value).__name__}: give an rdflib term or text",
                source=parsed.source,
            )
        if isinstance(term, URIRef):
            try:
                ox.NamedNode(str(term))
            except ValueError as exc:
                raise QueryError(
                    f"cannot bind ?{name}: {str(term)!r} is not a valid IRI ({exc})",
                    source=parsed.source,
                ) from exc
        terms[name] = term
    return terms


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (0 < timeout < math.inf):
        raise InputError(f"the timeout must be a positive number of seconds, not {timeout!r}")
    return float(timeout)


def _interrupt(thread: threading.Thread) -> None:
    """Raise :class:`_Cancelled` inside ``thread`` at its next Python instruction (CPython only).

    rdflib evaluates in pure Python, so this stops it; code running in a C extension (a
    pyoxigraph aggregate, a regular expression) stops only when it returns to Python.
    """
    if platform.python_implementation() != "CPython" or thread.ident is None:
        return
    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    changed = set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Cancelled))
    if changed > 1:  # pragma: no cover - cannot happen with one thread id; undo if it does
        set_async_exc(ctypes.c_ulong(thread.ident), None)


def _release_frames(exc: BaseException) -> None:
    """Drop the local variables held by an exception's tracebacks, in this thread.

    Objects such as pyoxigraph's result iterators must be freed by the thread that made them; an
    exception handed to another thread would otherwise carry them there.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def _run_with_timeout(work: Callable[[threading.Event], _T], timeout: float | None, *, source: str) -> _T:
    cancel = threading.Event()
    if timeout is None:
        return work(cancel)
    lock = threading.Lock()
    outcome: list[tuple[bool, Any]] = []
    finished = threading.Event()

    def target() -> None:
        try:
            try:
                result: tuple[bool, Any] = (True, work(cancel))
            except BaseException as exc:
                _release_frames(exc)
                result = (False, exc)
            with lock:
                outcome.append(result)
                finished.set()
        except _Cancelled:
            pass  # interrupted after the caller stopped waiting: nobody wants the result

    thread = threading.Thread(target=target, name="kzar-ld-query", daemon=True)
    thread.start()
    finished.wait(timeout)
    with lock:
        if not finished.is_set():
            cancel.set()
            _interrupt(thread)
            raise QueryError(
                f"the query did not finish within {timeout:g} s and was stopped; "
                "narrow it (LIMIT, more specific patterns), use --engine oxigraph, "
                "or allow more time with --timeout",
                source=source,
            )
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def _load_graph(iri: str, source: str) -> Graph:
    from rdflib.util import guess_format

    graph = Graph()
    try:
        graph.parse(iri, format=guess_format(iri) or "turtle")
    except Exception as exc:
        raise QueryError(f"could not load <{iri}> named in FROM: {_first_line(exc)}", source=source) from exc
    return graph


def _evaluate(
    store: QueryStore,
    parsed: ParsedQuery,
    terms: Mapping[str, Term],
    to_load: tuple[str, ...],
    cancel: threading.Event,
) -> QueryResult:
    extra = {iri: _load_graph(iri, parsed.source) for iri in to_load}
    try:
        return store.evaluate(parsed, bindings=terms, extra=extra, cancel=cancel)
    except RecursionError as exc:
        raise QueryError(
            "the query is too deeply nested to evaluate (Python's recursion limit was reached); simplify it",
            source=parsed.source,
        ) from exc
    except (QueryError, RemoteError, InputError, _Cancelled):
        raise
    except OSError as exc:  # a SERVICE the caller allowed did not answer
        raise RemoteError(
            f"a SERVICE call failed: {_first_line(exc)}",
            url=", ".join(parsed.services) or None,
            status=getattr(exc, "code", None),
            source=parsed.source,
        ) from exc
    except Exception as exc:
        raise QueryError(
            f"{store.engine.value} could not evaluate the query: {_first_line(exc)}",
            source=parsed.source,
        ) from exc


def query(
    data: Graph | ox.Store | QueryStore,
    sparql: str,
    *,
    bindings: Mapping[str, Identifier | str] | None = None,
    engine: Engine | None = None,
    allow_service: bool = False,
    allow_load: bool = False,
    timeout: float | None = None,
    source: str = "query",
) -> QueryResult:
    """Run a SPARQL query over local data and return the whole result.

    ``data``: an rdflib ``Graph`` or ``Dataset`` (the union of its graphs is the default graph),
    a ``pyoxigraph.Store``, or a store from :func:`open_store`. ``bindings`` give variables
    values before evaluation (rdflib terms, or text read by :func:`parse_term`); only variables
    the query returns can be bound (all of them for ASK, CONSTRUCT and DESCRIBE). ``engine``
    converts the data for the other engine (see :func:`open_store`; open a store once to query a
    corpus many times).

    DESCRIBE, which SPARQL leaves to each engine, gives the same on both: the concise bounded
    description of each resource named or bound, as rdflib defines it (its statements, those of
    the blank nodes they lead to, and those about reifications of its statements).

    ``allow_service`` lets ``SERVICE`` call remote endpoints (with the oxigraph engine only);
    ``allow_load`` lets ``FROM`` and ``FROM NAMED`` load IRIs that are not among the input graphs
    (from files or the web). Both are off: such queries are refused with a
    :class:`~kzar_ld.errors.QueryError`.

    ``timeout`` (seconds) stops waiting and raises :class:`~kzar_ld.errors.QueryError`. The query
    runs in a worker thread; rdflib's evaluation is interrupted there at once (CPython), and
    pyoxigraph's stops at the next result row. Work inside a single step of a C extension (one
    pyoxigraph aggregate, a SERVICE request) cannot be cut short: it finishes in the background,
    its result discarded. Within a short-lived process (the CLI) exiting ends it.

    ``source`` names the query in error messages.

    >>> from kzar_ld import build_graph, load_article
    >>> data = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> q = "SELECT ?role WHERE { ?person schema:worksFor ?role }"
    >>> who = "https://kzar.example/id/person/kairat-umarov"
    >>> query(data, q, bindings={"person": who}).rows
    Traceback (most recent call last):
    ...
    kzar_ld.errors.QueryError: query: cannot bind ?person: only variables the query returns ...
    >>> q = "SELECT ?person ?role WHERE { ?person schema:worksFor ?role }"
    >>> [str(r) for _, r in query(data, q, bindings={"person": who}).rows]
    ['https://kzar.example/id/role/kairat-umarov--first-deputy-foreign-minister']
    """
    limit = _check_timeout(timeout)
    parsed = parse_query(sparql, source=source, allow_service=allow_service)
    store = open_store(data, engine=engine)
    terms = _check_bindings(parsed, bindings)
    to_load = check_dataset(parsed, graphs=store.graph_names(), allow_load=allow_load)
    return _run_with_timeout(lambda cancel: _evaluate(store, parsed, terms, to_load, cancel), limit, source=source)


# ---------------------------------------------------------------------------------------------
# Remote endpoints


def _values_clause(terms: Mapping[str, Term]) -> str:
    # Terms were parsed and validated; _term_syntax escapes every character that could end a
    # literal or an IRI, so a value can never become query syntax.
    names = sorted(terms)
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(_term_syntax(terms[n]) for n in names)
    return f"\nVALUES ({head}) {{ ({row}) }}\n"


def _remote_term(value: Any, url: str, status: int) -> Term:
    def bad(why: str) -> RemoteError:
        return RemoteError(f"{url}: the store's SPARQL JSON results are malformed: {why}", url=url, status=status)

    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise bad(f"a binding is not a term object: {json.dumps(value)[:80]}")
    kind, text = value.get("type"), value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        lang, datatype = value.get("xml:lang"), value.get("datatype")
        if lang:
            return Literal(text, lang=lang)
        if datatype and datatype not in (str(XSD.string), _RDF_LANG_STRING):
            return Literal(text, datatype=URIRef(datatype), normalize=False)
        return Literal(text)
    raise bad(f"unknown term type {kind!r}")


def _remote_rows(document: Any, parsed: ParsedQuery, url: str, status: int) -> QueryResult:
    def bad(why: str) -> RemoteError:
        return RemoteError(f"{url}: the store's SPARQL JSON results are malformed: {why}", url=url, status=status)

    if not isinstance(document, dict):
        raise bad("the answer is not a JSON object")
    if parsed.kind is QueryKind.ASK:
        value = document.get("boolean")
        if not isinstance(value, bool):
            raise bad("an ASK answer has no boolean")
        return QueryResult(kind=parsed.kind, boolean=value)
    head, results = document.get("head"), document.get("results")
    if not isinstance(head, dict) or not isinstance(results, dict):
        raise bad("'head' or 'results' is missing")
    remote_vars = head.get("vars", [])
    rows_json = results.get("bindings")
    if not isinstance(remote_vars, list) or not all(isinstance(v, str) for v in remote_vars):
        raise bad("'head.vars' is not a list of names")
    if not isinstance(rows_json, list):
        raise bad("'results.bindings' is not a list")
    variables = parsed.variables if set(parsed.variables) == set(remote_vars) else tuple(remote_vars)
    rows: list[Row] = []
    for item in rows_json:
        if not isinstance(item, dict):
            raise bad("a result row is not an object")
        unknown = set(item) - set(variables)
        if unknown:
            raise bad(f"a row binds ?{sorted(unknown)[0]}, which is not in 'head.vars'")
        rows.append(tuple(_remote_term(item[v], url, status) if v in item else None for v in variables))
    return QueryResult(kind=parsed.kind, variables=variables, rows=_canonical_rows(rows, ordered=parsed.ordered))


def _remote_triples(response: Any, parsed: ParsedQuery) -> QueryResult:
    media = response.media_type or "application/n-triples"
    try:
        fmt = ox.RdfFormat.from_media_type(media)
    except ValueError:
        fmt = None
    if fmt is None:
        raise RemoteError(
            f"{response.url}: the store answered a {parsed.kind.value} query with {media!r}, "
            "which is not an RDF syntax",
            url=response.url,
            status=response.status,
        )
    try:
        parsed_triples = list(ox.parse(response.body, format=fmt))
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(
            f"{response.url}: the store's {media} answer does not parse ({_first_line(exc)}); it was probably cut off",
            url=response.url,
            status=response.status,
        ) from exc
    triples = tuple(
        (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in parsed_triples
    )
    return QueryResult(kind=parsed.kind, triples=triples)


def query_endpoint(
    endpoint: str,
    sparql: str,
    *,
    bindings: Mapping[str, Identifier | str] | None = None,
    allow_service: bool = False,
    timeout: float | None = None,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
    source: str = "query",
) -> QueryResult:
    """Run a query at a SPARQL 1.1 query endpoint (Oxigraph: ``/query``) over HTTP.

    The query is checked locally first, as for :func:`query` (``SERVICE`` refused unless
    allowed, updates refused); ``FROM`` clauses name the store's graphs and are passed on. The
    standard prefixes are declared for the store. Bindings are sent as a trailing ``VALUES``
    clause built from validated, escaped terms (a query that already ends in ``VALUES`` cannot
    take bindings). ``timeout`` is the read timeout; credentials and retries come from
    ``settings`` (default: :meth:`HttpSettings.from_env <kzar_ld.remote.HttpSettings.from_env>`).
    Any failure, including a malformed answer, is a :class:`~kzar_ld.errors.RemoteError`.

    Example (needs a running store)::

        query_endpoint("http://127.0.0.1:7878/query", "ASK { ?s a schema:NewsArticle }").boolean
    """
    from kzar_ld.remote import HttpSettings, sparql_query

    limit = _check_timeout(timeout)
    parsed = parse_query(sparql, source=source, allow_service=allow_service)
    terms = _check_bindings(parsed, bindings)
    text = parsed.text
    if terms:
        if parsed.trailing_values:
            raise QueryError(
                "cannot bind variables of a query that ends in a VALUES clause when querying an "
                "endpoint; put the values into that clause",
                source=source,
            )
        text = text + _values_clause(terms)
    # On the query's first line, so that a store's error positions keep their line numbers.
    declared = "".join(f"PREFIX {p}: <{iri}> " for p, iri in sorted(PREFIXES.items()))
    if settings is None:
        settings = HttpSettings.from_env(read_timeout=limit)
    accept = (
        "application/n-triples, text/turtle;q=0.5" if parsed.kind.returns_graph else "application/sparql-results+json"
    )
    response = sparql_query(endpoint, declared + text, accept=accept, settings=settings, session=session)
    if parsed.kind.returns_graph:
        return _remote_triples(response, parsed)
    if response.media_type and "json" not in response.media_type:
        raise RemoteError(
            f"{response.url}: the store answered with {response.media_type!r}, not SPARQL JSON results",
            url=response.url,
            status=response.status,
        )
    return _remote_rows(response.json(), parsed, response.url, response.status)


# ---------------------------------------------------------------------------------------------
# Bundled queries


@dataclass(frozen=True)
class BundledQuery:
    """A documented query shipped in ``kzar_ld/queries/`` (its name is the file name).

    The file starts with ``#`` comment lines: ``Title: ...``, a description, then
    ``Variables:`` and one ``?name  meaning`` line per result column.
    """

    name: str
    title: str
    description: str
    variables: tuple[tuple[str, str], ...]
    text: str

    @property
    def source(self) -> str:
        """How messages name the query: ``queries/NAME.rq``."""
        return f"queries/{self.name}.rq"


def _parse_header(name: str, text: str) -> BundledQuery:
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip() if line[1:2] == " " or line == "#" else line[1:])
    where = f"queries/{name}.rq"
    if not lines or not lines[0].startswith("Title:"):
        raise QueryError("a bundled query must start with '# Title: ...'", source=where, line=1)
    title = lines[0][len("Title:") :].strip()
    description: list[str] = []
    variables: list[tuple[str, str]] = []
    in_variables = False
    for line in lines[1:]:
        if line == "Variables:":
            in_variables = True
        elif in_variables:
            found = re.match(r"\?(\w+)\s+(.*)", line)
            if found:
                variables.append((found.group(1), found.group(2).strip()))
            elif line and variables:
                last_name, meaning = variables[-1]
                variables[-1] = (last_name, f"{meaning} {line}")
        else:
            description.append(line)
    if not variables:
        raise QueryError("a bundled query must list its variables after '# Variables:'", source=where)
    paragraphs = " ".join(description).split("  ")
    return BundledQuery(
        name=name,
        title=title,
        description=" ".join(" ".join(p.split()) for p in paragraphs).strip(),
        variables=tuple(variables),
        text=text,
    )


def bundled_queries() -> tuple[BundledQuery, ...]:
    """The ready-made queries shipped with kzar_ld, sorted by name.

    >>> "who-met-whom" in [q.name for q in bundled_queries()]
    True
    """
    found = []
    for path in resource_files("queries", suffix=".rq"):
        name = path.name[: -len(".rq")]
        found.append(_parse_header(name, path.read_text(encoding="utf-8")))
    return tuple(found)


def bundled_query(name: str) -> BundledQuery:
    """The bundled query called ``name``; an unknown name is a :class:`~kzar_ld.errors.QueryError`.

    >>> bundled_query("roles").title
    "Each person's roles and organisations, current and former"
    """
    queries = {q.name: q for q in bundled_queries()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise QueryError(f"no bundled query is called {name!r}{hint} (list them with 'kzar-ld query --list')")


@dataclass(frozen=True)
class LoadedQuery:
    """Query text and how messages name it (a file, ``queries/NAME.rq`` or ``query``)."""

    text: str
    source: str


def load_query(spec: str) -> LoadedQuery:
    """Read QUERY as the command line takes it: a ``.rq`` file, a bundled query's name, or SPARQL.

    A value ending in ``.rq`` or ``.sparql`` is a file; a single word is a bundled query's
    name (an unknown one is an error, with a suggestion); anything else is SPARQL text.

    >>> load_query("roles").source
    'queries/roles.rq'
    >>> load_query("ASK { ?s ?p ?o }")
    LoadedQuery(text='ASK { ?s ?p ?o }', source='query')
    >>> load_query("rolez")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.QueryError: no bundled query is called 'rolez'; did you mean 'roles'? ...
    """
    from pathlib import Path

    value = spec.strip()
    if "\n" not in value and value.lower().endswith((".rq", ".sparql")):
        path = Path(value)
        try:
            size = path.stat().st_size
            if size > MAX_QUERY_CHARS * 4:
                raise QueryError(
                    f"the file is {size:,} bytes; a query may be at most {MAX_QUERY_CHARS:,} characters",
                    source=value,
                )
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError as exc:
            raise QueryError("no such query file", source=value) from exc
        except IsADirectoryError as exc:
            raise QueryError("is a directory, not a query file", source=value) from exc
        except UnicodeDecodeError as exc:
            raise QueryError(f"the query file is not UTF-8 (byte {exc.start})", source=value) from exc
        except OSError as exc:
            raise QueryError(f"cannot read the query file: {exc.strerror}", source=value) from exc
        return LoadedQuery(text=text.removeprefix("\ufeff"), source=value)
    if value and re.fullmatch(r"[\w.-]+", value):
        bundled = bundled_query(value)
        return LoadedQuery(text=bundled.text, source=bundled.source)
    return LoadedQuery(text=spec, source="query")


def parse_binding(text: str) -> tuple[str, Term]:
    """Read ``NAME=VALUE`` (``--bind``): a variable name and a value read by :func:`parse_term`.

    >>> parse_binding("person=https://kzar.example/id/person/welber-barral")
    ('person', rdflib.term.URIRef('https://kzar.example/id/person/welber-barral'))
    """
    name, equals, value = text.partition("=")
    name = name.strip().removeprefix("?").removeprefix("$")
    if not equals or not name:
        raise QueryError(
            f"--bind {text!r} is not NAME=VALUE, e.g. --bind person=https://kzar.example/id/person/kairat-umarov"
        )
    return name, parse_term(value, name=f"value of ?{name}")
