"""The choices of formats and engines: RDF syntaxes (one enum for reading and writing, with media
types, extensions and names), validation report and query result formats, query engines.

This module imports nothing heavy, so the command line can offer the choices without loading RDF code.

Example:
    >>> Format.from_path("corpus.nq"), Format.TURTLE.media_type
    (<Format.NQUADS: 'nquads'>, 'text/turtle')
    >>> Format.from_path("page.json-ld") is Format.from_path("page.jsonld") is Format.JSON_LD
    True
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kzar_ld.errors import InputError, OutputError

if TYPE_CHECKING:
    from kzar_ld.sparql.safety import QueryKind

__all__ = ["EXTENSIONS", "Engine", "Format", "QueryMethod", "ReportFormat", "ResultFormat"]


class Format(enum.StrEnum):
    """An RDF syntax. The value is the CLI spelling (``--format``, ``--input-format``)."""

    TURTLE = "turtle"
    JSON_LD = "json-ld"
    NT = "nt"
    NQUADS = "nquads"
    TRIG = "trig"
    XML = "xml"

    @property
    def media_type(self) -> str:
        """The media type, e.g. ``text/turtle``."""
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        """The usual file extension, e.g. ``.ttl``."""
        return next(ext for ext, fmt in EXTENSIONS.items() if fmt is self)

    @property
    def label(self) -> str:
        """The syntax's usual name, for messages.

        >>> Format.XML.label
        'RDF/XML'
        """
        return _LABELS[self]

    @property
    def has_graphs(self) -> bool:
        """Whether the syntax keeps named graphs (N-Quads, TriG)."""
        return self in (Format.NQUADS, Format.TRIG)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, writing: bool = False) -> Format:
        """Tell the syntax from a file name's extension (case does not matter).

        An unknown extension raises :class:`~kzar_ld.errors.InputError`
        (:class:`~kzar_ld.errors.OutputError` with ``writing=True``).

        >>> Format.from_path("article.TTL")
        <Format.TURTLE: 'turtle'>
        >>> Format.from_path("notes.txt")
        Traceback (most recent call last):
        ...
        kzar_ld.errors.InputError: notes.txt: cannot tell the RDF syntax from the extension '.txt' ...
        """
        suffix = Path(path).suffix.lower()
        found = EXTENSIONS.get(suffix)
        if found is not None:
            return found
        known = ", ".join(sorted(EXTENSIONS))
        *first, last = (f.value for f in cls)
        message = (
            f"cannot tell the RDF syntax from the extension {suffix!r} (known: {known}); "
            f"rename the file or name the syntax ({', '.join(first)} or {last})"
        )
        raise (OutputError if writing else InputError)(message, source=os.fspath(path))


_MEDIA_TYPES = {
    Format.TURTLE: "text/turtle",
    Format.JSON_LD: "application/ld+json",
    Format.NT: "application/n-triples",
    Format.NQUADS: "application/n-quads",
    Format.TRIG: "application/trig",
    Format.XML: "application/rdf+xml",
}
_LABELS = {
    Format.TURTLE: "Turtle",
    Format.JSON_LD: "JSON-LD",
    Format.NT: "N-Triples",
    Format.NQUADS: "N-Quads",
    Format.TRIG: "TriG",
    Format.XML: "RDF/XML",
}
#: File extensions and the syntax each one means (the first one per syntax is its usual one).
EXTENSIONS: dict[str, Format] = {
    ".ttl": Format.TURTLE,
    ".jsonld": Format.JSON_LD,
    ".json-ld": Format.JSON_LD,
    ".json": Format.JSON_LD,
    ".nt": Format.NT,
    ".nq": Format.NQUADS,
    ".trig": Format.TRIG,
    ".rdf": Format.XML,
    ".xml": Format.XML,
    ".owl": Format.XML,
}


class ReportFormat(enum.StrEnum):
    """How a report is written: for a terminal, as the SHACL report graph, or for machines.

    The value is the CLI spelling (``kzar-ld validate --format``).

    >>> ReportFormat("json")
    <ReportFormat.JSON: 'json'>
    """

    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"


class ResultFormat(enum.StrEnum):
    """How a result is written. The value is the CLI spelling.

    Rows and booleans (SELECT, ASK): ``table``, ``csv``, ``tsv``, ``json`` (SPARQL 1.1 Query
    Results JSON), ``xml`` (SPARQL Query Results XML). Graphs (CONSTRUCT, DESCRIBE): ``turtle``,
    ``json-ld``.

    >>> ResultFormat.JSON.media_type
    'application/sparql-results+json'
    >>> from kzar_ld.sparql.safety import QueryKind
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

        >>> from kzar_ld.sparql.safety import QueryKind
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


class Engine(enum.StrEnum):
    """The SPARQL engine that evaluates local queries. The value is the CLI spelling."""

    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


class QueryMethod(enum.StrEnum):
    """How a SPARQL query travels to an endpoint (SPARQL 1.1 Protocol §2.1). The value is the CLI spelling.

    ``POST_FORM`` is the default: every SPARQL 1.1 store answers it, and the query's length is
    not limited as in a URL. ``POST_DIRECT`` sends the query as an ``application/sparql-query``
    body (Virtuoso 7 never answers it); ``GET`` puts it in the URL (short queries only, but
    cacheable).

    >>> QueryMethod("post-form") is QueryMethod.POST_FORM, [m.value for m in QueryMethod]
    (True, ['post-form', 'post-direct', 'get'])
    """

    POST_FORM = "post-form"
    POST_DIRECT = "post-direct"
    GET = "get"
