"""Read RDF that kzar_ld did not write: safely, strictly, and with exact error positions.

This is the one place where outside RDF enters the library. Every syntax kzar_ld writes can be
read back (Turtle, JSON-LD, N-Triples, N-Quads, TriG, RDF/XML), into an :class:`rdflib.Dataset`:

* A triple syntax (Turtle, N-Triples, RDF/XML) lands in one named graph whose name is the
  input's file IRI (``Path(...).resolve().as_uri()``), so several inputs stay apart.
* N-Quads and TriG keep their named graphs, and their default graph stays the default graph.
* JSON-LD keeps its named graphs too; its default graph (what a page embeds) goes into the
  input's file graph, as for a triple syntax.

Parsing is done by pyoxigraph, then its terms become rdflib terms. It was chosen over rdflib's
own parsers because it is strict (an IRI with a space is an error, not a warning), reports line
and column in code points, agrees with an independent JSON-LD processor where rdflib does not
(numbers such as ``1e21``, ``@graph`` containers), never fetches a context itself, and is
faster. Literals keep their lexical form exactly as written (``"05"^^xsd:integer`` stays
``"05"``). Its weak spots on hostile input are screened out first (see below).

Refused before any parser sees the input (:class:`~kzar_ld.errors.UnsafeInputError`):

* anything over ``max_bytes`` (checked with ``stat`` before reading, and while reading pipes);
* JSON-LD: any string ``@context`` other than schema.org's (which is served from the shipped
  official copy) and any ``@import``: nothing is ever fetched and no local file is ever opened
  on the document's say-so; nesting deeper than ``max_depth``, more than 250 inline term
  definitions (both crash pyoxigraph's JSON-LD parser, at ~5,000 levels and ~10,000 chained
  terms: keep ``max_depth`` small), scoped contexts and more than 100 ``@context`` entries
  (each is re-processed, which made parsing time grow with the square of the input);
* RDF/XML with a DOCTYPE (so no ENTITY can be declared, let alone expanded), elements nested
  deeper than ``max_depth``, more than 1,000 attributes on an element or 1,000 namespaces in
  scope (pyoxigraph's RDF/XML parser is quadratic in all three).

Malformed input raises :class:`~kzar_ld.errors.RdfSyntaxError` with the file, line and column
when they are known; input that is not UTF-8 names the byte offset. Nothing here touches the
network: a path that looks like a URL is refused.

Example:
    >>> ds = parse_rdf(b'<https://kzar.example/id/a> <http://schema.org/name> "A" .',
    ...                format=InputFormat.NT, source="/data/a.nt")
    >>> [str(g.identifier) for g in ds.graphs() if len(g)]
    ['file:///data/a.nt']
    >>> parse_rdf(b"<a> <b> .", format=InputFormat.NT, source="/data/a.nt")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.RdfSyntaxError: /data/a.nt:1:1: invalid N-Triples: No scheme found in an ...
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kzar_ld.defaults import DEFAULT_MAX_BYTES
from kzar_ld.errors import InputError, RdfSyntaxError, UnsafeInputError
from kzar_ld.files import read_capped
from kzar_ld.formats import Format
from kzar_ld.resources import schemaorg_context

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "InputFormat",
    "load_inputs",
    "load_rdf",
    "parse_rdf",
]


#: The deepest nesting of JSON values (JSON-LD) or XML elements (RDF/XML) accepted. Our own
#: output nests a handful of levels; pyoxigraph's JSON-LD parser crashes near 5,000.
DEFAULT_MAX_DEPTH = 64

# Limits on what a JSON-LD document asks of the context processor. Each @context entry makes
# the processor rebuild the active context (about 0.35 ms with schema.org's 3,081 terms, and a
# schema.org entry also inlines its 160 kB); term definitions that refer to one another are
# resolved recursively in native code, about 1 kB of stack each: 10,000 crashed the process
# (an 8 MB stack). Real documents use one to a few entries and a few dozen inline terms.
_MAX_CONTEXT_ENTRIES = 100
_MAX_INLINE_TERMS = 250

# Limits on RDF/XML that keep pyoxigraph's parser linear: its cost grows with the square of the
# attributes on one element and of the namespace declarations in scope.
_MAX_XML_ATTRIBUTES = 1000
_MAX_XML_NAMESPACES = 1000

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_UTF8_BOM = b"\xef\xbb\xbf"


#: The syntaxes read are the syntaxes written: one enum (kept under this name too).
InputFormat = Format

_OX_FORMATS = {
    InputFormat.TURTLE: ox.RdfFormat.TURTLE,
    InputFormat.JSON_LD: ox.RdfFormat.JSON_LD,
    InputFormat.NT: ox.RdfFormat.N_TRIPLES,
    InputFormat.NQUADS: ox.RdfFormat.N_QUADS,
    InputFormat.TRIG: ox.RdfFormat.TRIG,
    InputFormat.XML: ox.RdfFormat.RDF_XML,
}

# Syntaxes whose default graph is a deliberate part of a dataset and is kept as such.
_KEEPS_DEFAULT_GRAPH = frozenset({InputFormat.NQUADS, InputFormat.TRIG})


# ---------------------------------------------------------------------------------------------
# Public API


def parse_rdf(
    data: bytes,
    *,
    format: InputFormat,
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Dataset:
    """Parse RDF bytes in ``format``; ``source`` names the input in messages.

    The triples of a triple syntax go into the named graph ``Path(source).resolve().as_uri()``,
    which is also the base IRI for relative references: the same graph :func:`load_rdf` gives
    for a file of that name, so reading a file yourself and parsing it changes nothing.

    >>> ds = parse_rdf(b'<https://kzar.example/g> { <https://kzar.example/a> '
    ...                b'<http://schema.org/name> "A" }', format=InputFormat.TRIG, source="in.trig")
    >>> [str(g.identifier) for g in ds.graphs() if len(g)]
    ['https://kzar.example/g']
    """
    if len(data) > max_bytes:
        raise UnsafeInputError(
            f"is {len(data):,} bytes, over the limit of {max_bytes:,}; raise max_bytes if you trust this input",
            source=source,
        )
    return _parse(data, fmt=format, source=source, graph_iri=_file_iri(source), max_depth=max_depth)


def load_rdf(
    path: str | os.PathLike[str],
    *,
    format: InputFormat | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Dataset:
    """Read one RDF file; the syntax comes from the extension unless ``format`` is given.

    The file's size is checked before it is opened; a pipe or device is read only up to the
    limit. See :func:`parse_rdf` for where the triples go.

    >>> ds = load_rdf("tests/data/rdfio/roundtrip/small.ttl")
    >>> len(ds.graph(URIRef(Path("tests/data/rdfio/roundtrip/small.ttl").resolve().as_uri())))
    13
    """
    source = os.fspath(path)
    _refuse_url(source)
    file = Path(source)
    info = _stat(file, source=source)
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not an RDF file", source=source)
    fmt = format if format is not None else InputFormat.from_path(file)
    data = _read_capped(file, source=source, max_bytes=max_bytes)
    return _parse(data, fmt=fmt, source=source, graph_iri=_file_iri(source), max_depth=max_depth)


def load_inputs(
    paths: Sequence[Path | str],
    *,
    input_format: InputFormat | None = None,
    base: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Dataset:
    """Read article directories and RDF files into one Dataset, each in its own named graph.

    A directory holding ``annotation.yaml`` is an article: it is built with
    :func:`kzar_ld.build_graph` (``base`` is passed on), giving the article's named graph. An
    annotation file (``.yaml``/``.yml``) is an article too, unless ``input_format`` is given.
    Anything else is an RDF file read with :func:`load_rdf` (``input_format`` overrides the
    extension). A graph name that two different inputs both produce is an error, so no input
    silently overwrites another; the same path given twice is read once.

    >>> folder = "tests/data/rdfio/roundtrip/"
    >>> ds = load_inputs([folder + "small.ttl", folder + "small.nq"])
    >>> sorted(str(g.identifier).rsplit("/", 1)[-1] for g in ds.graphs() if len(g))
    ['small.ttl', 'x']
    """
    if isinstance(paths, str | os.PathLike):
        raise TypeError("load_inputs() takes a sequence of paths, not a single path")
    # The reader is the pipeline without validation: each input becomes N-Quads, then one dataset.
    from kzar_ld.pipeline import PipelineSettings, expand_sources, run_pipeline
    from kzar_ld.pipeline.sinks import gather_nquads
    from kzar_ld.serialization import nquads_to_dataset

    for raw in paths:
        _refuse_url(os.fspath(raw))
    sources = expand_sources(paths, rdf=True, input_format=None if input_format is None else input_format.value)
    settings = (
        PipelineSettings(validate=False, max_bytes=max_bytes)
        if base is None
        else PipelineSettings(base=base, validate=False, max_bytes=max_bytes)
    )
    chunks = gather_nquads(run_pipeline(sources, settings=settings, fail_fast=True))
    return nquads_to_dataset(chunks, default_union=False)


# ---------------------------------------------------------------------------------------------
# Files


_URL_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+://|(?:https?|ftps?|file|data|urn|sftp|s3):", re.IGNORECASE)


def _refuse_url(source: str) -> None:
    if _URL_LIKE.match(source):
        raise InputError(
            "looks like a URL; kzar-ld reads local files only: download it first",
            source=source,
        )


def _file_iri(source: str) -> str:
    return Path(source).resolve().as_uri()


def _stat(file: Path, *, source: str) -> os.stat_result:
    try:
        return file.stat()
    except FileNotFoundError:
        raise InputError("no such file or directory", source=source) from None
    except NotADirectoryError:
        raise InputError("no such file or directory (a parent is a file)", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from exc


def _read_capped(file: Path, *, source: str, max_bytes: int) -> bytes:
    try:
        return read_capped(file, max_bytes=max_bytes, source=source, error=UnsafeInputError)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=source) from exc


def _parse(data: bytes, *, fmt: InputFormat, source: str, graph_iri: str, max_depth: int) -> Dataset:
    bom = data.startswith(_UTF8_BOM)
    if bom:
        data = data[len(_UTF8_BOM) :]
    text = _decode(data, source=source, offset=len(_UTF8_BOM) if bom else 0)
    positions_valid = True
    if fmt is InputFormat.JSON_LD:
        data, rewritten = _screen_jsonld(text, source=source, max_depth=max_depth)
        positions_valid = not rewritten
    elif fmt is InputFormat.XML:
        _screen_xml(text, source=source, max_depth=max_depth)
    try:
        return _to_dataset(data, fmt=fmt, source=source, graph_iri=graph_iri)
    except SyntaxError as exc:
        line, column = (exc.lineno, exc.offset) if positions_valid else (None, None)
        if bom and line == 1 and column is not None:
            column += 1
        detail = _PARSER_PREFIX.sub("", exc.msg or str(exc))
        raise RdfSyntaxError(f"invalid {fmt.label}: {detail}", source=source, line=line, column=column) from None


# pyoxigraph's messages repeat the position that SyntaxError already carries.
_PARSER_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def _decode(data: bytes, *, source: str, offset: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        raise RdfSyntaxError(
            f"not UTF-8: byte 0x{data[start]:02X} at byte offset {start + offset}; save the file as UTF-8",
            source=source,
            line=line,
            column=column,
        ) from None


def _to_dataset(data: bytes, *, fmt: InputFormat, source: str, graph_iri: str) -> Dataset:
    dataset = Dataset()
    file_graph = URIRef(graph_iri)
    graphs: dict[Node, Graph] = {}
    if fmt not in _KEEPS_DEFAULT_GRAPH and fmt is not InputFormat.JSON_LD:
        graphs[file_graph] = dataset.graph(file_graph)
    terms = _TermConverter(source)

    def target(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> Graph:
        key: Node
        if isinstance(name, ox.DefaultGraph):
            key = DATASET_DEFAULT_GRAPH_ID if fmt in _KEEPS_DEFAULT_GRAPH else file_graph
        else:
            key = terms.node(name)
        graph = graphs.get(key)
        if graph is None:
            graph = dataset.default_graph if key == DATASET_DEFAULT_GRAPH_ID else dataset.graph(key)
            graphs[key] = graph
        return graph

    quads = ox.parse(data, format=_OX_FORMATS[fmt], base_iri=graph_iri)
    dataset.addN(
        (terms.node(q.subject), terms.node(q.predicate), terms.term(q.object), target(q.graph_name)) for q in quads
    )
    return dataset


class _TermConverter:
    """pyoxigraph terms to rdflib terms, with one fresh blank node per label per document."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._iris: dict[str, URIRef] = {}
        self._blanks: dict[str, BNode] = {}

    def node(self, value: Any) -> URIRef | BNode:
        if isinstance(value, ox.NamedNode):
            iri = self._iris.get(value.value)
            if iri is None:
                iri = self._iris[value.value] = URIRef(value.value)
            return iri
        if isinstance(value, ox.BlankNode):
            blank = self._blanks.get(value.value)
            if blank is None:
                # Labels are only unique within a document: two inputs' _:b1 must not merge.
                blank = self._blanks[value.value] = BNode()
            return blank
        raise RdfSyntaxError(
            "uses an RDF 1.2 triple term, which kzar_ld cannot represent; rewrite it as a reified statement",
            source=self._source,
        )

    def term(self, value: Any) -> Node:
        if not isinstance(value, ox.Literal):
            return self.node(value)
        if value.direction is not None:
            raise RdfSyntaxError(
                f"uses a directional language string ({value.value!r}@{value.language}--"
                f"{value.direction}), which kzar_ld cannot represent; drop the direction",
                source=self._source,
            )
        if value.language is not None:
            return Literal(value.value, lang=value.language, normalize=False)
        datatype = value.datatype.value
        if datatype == _XSD_STRING:
            return Literal(value.value, normalize=False)
        return Literal(value.value, datatype=self.node(value.datatype), normalize=False)


# ---------------------------------------------------------------------------------------------
# JSON-LD screening


_SCHEMAORG = re.compile(r"(?i:https?://(?:www\.)?schema\.org)(?:/|/docs/jsonldcontext\.json(?:ld)?)?")


def _is_schemaorg(value: str) -> bool:
    return _SCHEMAORG.fullmatch(value) is not None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _screen_jsonld(text: str, *, source: str, max_depth: int) -> tuple[bytes, bool]:
    """Check a JSON-LD document; return the bytes to parse and whether they were rewritten."""
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise RdfSyntaxError(f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise UnsafeInputError(
            f"JSON nested deeper than {max_depth} levels; refused before parsing",
            source=source,
        ) from None
    except ValueError as exc:
        raise RdfSyntaxError(f"invalid JSON: {exc}", source=source) from None
    if not isinstance(document, dict | list):
        raise RdfSyntaxError(
            f"a JSON-LD document is an object or an array, not {json.dumps(document)[:40]}",
            source=source,
        )
    holder = [document]
    replacements = _ContextScreen(source=source, max_depth=max_depth).walk(holder)
    if not replacements:
        return text.encode("utf-8"), False
    official = schemaorg_context()["@context"]
    for container, key in replacements:
        container[key] = official
    return json.dumps(holder[0], ensure_ascii=False).encode("utf-8"), True


# Where a JSON value sits, which decides what its keys and strings mean.
_NODE = 0  # ordinary JSON-LD: a key may be @context
_CONTEXT = 1  # the value of @context: a string is a context reference, an object a context
_DEFINITION = 2  # inside an inline context: term definitions, which must not carry contexts
_LITERAL = 3  # inside @value: plain data, only its depth matters


class _ContextScreen:
    """One iterative pass over a parsed JSON-LD document, before any JSON-LD processing.

    Checks the nesting depth, refuses every context the processor would fetch or read (all
    but schema.org's), every ``@import`` and every scoped context (a context inside a term
    definition, re-processed on every use of the term), and counts context entries and inline
    term definitions against their limits. Returns the places where schema.org's context goes;
    nothing is changed here, so a refusal found late leaves the document untouched.
    """

    def __init__(self, *, source: str, max_depth: int) -> None:
        self.source = source
        self.max_depth = max_depth
        self.entries = 0
        self.terms = 0

    def refuse(self, message: str) -> NoReturn:
        raise UnsafeInputError(message, source=self.source)

    def walk(self, holder: list[Any]) -> list[tuple[Any, Any]]:
        replacements: list[tuple[Any, Any]] = []
        # (container, key of the value in it, depth of the value, JSON pointer, mode)
        stack: list[tuple[Any, Any, int, tuple[str, ...], int]] = [(holder, 0, 1, (), _NODE)]
        while stack:
            container, key, depth, pointer, mode = stack.pop()
            value = container[key]
            if mode == _CONTEXT and not isinstance(value, list):
                self.count_entry(pointer)
                if isinstance(value, str):
                    self.check_reference(value, pointer)
                    replacements.append((container, key))
                    continue
            if not isinstance(value, dict | list):
                continue
            if depth > self.max_depth:
                self.refuse(
                    f"JSON nested deeper than {self.max_depth} levels at {_pointer(pointer)}; refused before parsing"
                )
            if isinstance(value, list):
                children = [(i, mode) for i in range(len(value))]
            else:
                children = [(k, self.child_mode(k, v, mode, pointer)) for k, v in value.items()]
            for child_key, child_mode in children:
                child_pointer = (*pointer, str(child_key))
                stack.append((value, child_key, depth + 1, child_pointer, child_mode))
        return replacements

    def child_mode(self, key: str, child: Any, mode: int, pointer: tuple[str, ...]) -> int:
        """The mode of ``child``, found under ``key`` in an object in ``mode``; or refuse it."""
        if mode == _LITERAL:
            return _LITERAL
        where = _pointer((*pointer, key))
        if key == "@import":
            self.refuse(
                f"JSON-LD @import {_show(child)} at {where} refused: contexts are never fetched "
                "or read from files; put the context inline"
            )
        if mode == _NODE:
            return {"@context": _CONTEXT, "@value": _LITERAL}.get(key, _NODE)
        if key == "@context":
            self.refuse(
                f"JSON-LD scoped @context {_show(child)} at {where} refused: a context inside "
                "a term definition is re-processed on every use of the term; define the terms "
                "in the document's context instead"
            )
        if mode == _CONTEXT and not key.startswith("@"):
            self.terms += 1
            if self.terms > _MAX_INLINE_TERMS:
                self.refuse(
                    f"JSON-LD inline contexts define more than {_MAX_INLINE_TERMS} terms "
                    f"(at {where}); refused: split the document or use fewer terms"
                )
        return _DEFINITION

    def count_entry(self, pointer: tuple[str, ...]) -> None:
        self.entries += 1
        if self.entries > _MAX_CONTEXT_ENTRIES:
            self.refuse(
                f"JSON-LD document has more than {_MAX_CONTEXT_ENTRIES} @context entries "
                f"(at {_pointer(pointer)}); refused: give the context once, at the top"
            )

    def check_reference(self, value: str, pointer: tuple[str, ...]) -> None:
        if not _is_schemaorg(value):
            self.refuse(
                f"JSON-LD @context {value!r} at {_pointer(pointer)} refused: contexts are never "
                "fetched or read from files (only schema.org's, from a shipped copy); put the "
                "context inline as an object"
            )


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _pointer(parts: tuple[str, ...]) -> str:
    if not parts:
        return "the top level"
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


# ---------------------------------------------------------------------------------------------
# RDF/XML screening


class _Refused(Exception):
    """Raised from inside expat's callbacks to stop it at once."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _screen_xml(text: str, *, source: str, max_depth: int) -> None:
    """Refuse DTDs and deep nesting, and report malformed XML with its position, via expat.

    ENTITY declarations only exist inside a DOCTYPE, so refusing the DOCTYPE as soon as expat
    meets it means no entity is ever declared: none can expand (the "billion laughs") or pull
    in a file or URL. Expat is given text, so it reads UTF-8 whatever the XML declaration says.
    """
    parser = expat.ParserCreate()
    column: int | None = None

    def refuse_doctype(name: str, *_: object) -> None:
        nonlocal column
        line = text.split("\n", parser.CurrentLineNumber)[parser.CurrentLineNumber - 1]
        column = line.find("<!DOCTYPE") + 1 or None
        raise _Refused(
            f"RDF/XML with a DOCTYPE declaration ({name!r}) refused: its entities can read "
            "files or expand without bound; remove the DOCTYPE"
        )

    # Namespace declarations made by each open element, and their sum: those in scope.
    declared: list[int] = []
    in_scope = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal in_scope
        if len(declared) >= max_depth:
            raise _Refused(f"XML nested deeper than {max_depth} elements; refused before parsing")
        if len(attributes) > _MAX_XML_ATTRIBUTES:
            raise _Refused(
                f"XML element <{name}> has {len(attributes):,} attributes (the limit is "
                f"{_MAX_XML_ATTRIBUTES:,}); refused before parsing"
            )
        declared.append(sum(1 for a in attributes if a == "xmlns" or a.startswith("xmlns:")))
        in_scope += declared[-1]
        if in_scope > _MAX_XML_NAMESPACES:
            raise _Refused(
                f"XML declares more than {_MAX_XML_NAMESPACES:,} namespaces in scope at <{name}>; "
                "refused before parsing"
            )

    def end(_name: str) -> None:
        nonlocal in_scope
        in_scope -= declared.pop()

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(text, True)
    except _Refused as exc:
        raise UnsafeInputError(exc.message, source=source, line=parser.CurrentLineNumber, column=column) from None
    except expat.ExpatError as exc:
        raise RdfSyntaxError(
            f"invalid RDF/XML: malformed XML: {expat.ErrorString(exc.code)}",
            source=source,
            line=exc.lineno,
            column=exc.offset + 1,
        ) from None
