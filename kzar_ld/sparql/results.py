"""SPARQL query results: the frozen :class:`QueryResult` and its writers (table, CSV, TSV, JSON, XML,
Turtle, JSON-LD), plus reading and writing single RDF terms as SPARQL text.

Example:
    >>> ResultFormat("csv").media_type
    'text/csv'
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from kzar_ld.errors import InputError, QueryError
from kzar_ld.formats import ResultFormat
from kzar_ld.namespaces import PREFIXES, XSD
from kzar_ld.sparql.safety import (
    QueryKind,
)
from kzar_ld.terms import from_oxigraph

if TYPE_CHECKING:
    from rich.table import Table


__all__ = ["QueryResult", "ResultFormat", "parse_term"]

#: An RDF term as rdflib gives it; a result row; a triple of a CONSTRUCT or DESCRIBE result.
Term = URIRef | BNode | Literal
Row = tuple[Term | None, ...]
Triple = tuple[Term, Term, Term]

_SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


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


def term_syntax(term: Term) -> str:
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


def term_key(term: Term | None) -> tuple[int, str, str, str]:
    # SPARQL's ORDER BY order of kinds: unbound < blank node < IRI < literal. Blank node labels
    # are arbitrary, so they do not take part.
    if term is None:
        return (0, "", "", "")
    if isinstance(term, BNode):
        return (1, "", "", "")
    if isinstance(term, URIRef):
        return (2, str(term), "", "")
    return (3, str(term), str(term.datatype or ""), term.language or "")


def canonical_rows(rows: Iterable[Row], *, ordered: bool) -> tuple[Row, ...]:
    """Sort rows (unless the query ordered them) and relabel blank nodes b0, b1... in order."""
    listed = list(rows)
    if not ordered:
        listed.sort(key=lambda row: tuple(term_key(t) for t in row))
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
        lines.append("\t".join("" if t is None else term_syntax(t) for t in row))
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
