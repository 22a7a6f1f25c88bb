"""Write graphs as Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML: deterministically and fast.

The same input gives byte-identical output on every run and machine: statements are sorted here
(subjects with the articles first, ``rdf:type`` first, then by IRI and value) and written in that
order by pyoxigraph's serialisers, whose cost stays linear in the number of statements and which
keep every literal's datatype exactly as built. JSON-LD is written by :mod:`kzar_ld.jsonld`.

Turtle, N-Triples, RDF/XML and JSON-LD hold triples, so several articles are written as the union
of their graphs; N-Quads and TriG keep one named graph per article.

Example:
    >>> from kzar_ld import build_graph, load_article
    >>> ds = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> serialize(ds, format=Format.TURTLE).startswith(b"@base <https://kzar.example/id/>")
    True
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kzar_ld._gc import paused_gc
from kzar_ld._stop import check_stop
from kzar_ld.errors import OutputError
from kzar_ld.formats import Format
from kzar_ld.namespaces import PREFIXES, RDF, SCHEMA
from kzar_ld.terms import to_oxigraph, to_oxigraph_cached

__all__ = [
    "Format",
    "atomic_output",
    "graph_names",
    "graph_nquads",
    "nquads_to_dataset",
    "nquads_to_trig",
    "serialize",
    "sorted_quads",
    "to_oxigraph",
    "write",
]


_OX_FORMATS = {
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.NT: ox.RdfFormat.N_TRIPLES,
    Format.NQUADS: ox.RdfFormat.N_QUADS,
    Format.TRIG: ox.RdfFormat.TRIG,
    Format.XML: ox.RdfFormat.RDF_XML,
}

Quad = tuple[Node, Node, Node, Node | None]


def _term_key(term: Node) -> tuple[int, str, str, str]:
    """A total, stable order over RDF terms: IRIs, then blank nodes, then literals."""
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    if isinstance(term, Literal):
        return (2, str(term), str(term.datatype or ""), term.language or "")
    return (3, str(term), "", "")


def sorted_quads(data: Graph, *, graphs: bool) -> list[Quad]:
    """All statements in a stable order; with ``graphs=False`` the union of the graphs, deduplicated.

    Subjects come with the articles (``schema:NewsArticle`` nodes) first, then by IRI;
    ``rdf:type`` comes first among a subject's predicates.
    """
    if isinstance(data, Dataset):
        raw: Iterable[tuple[Node, Node, Node, Node | None]] = (
            (s, p, o, _graph_name(g)) for s, p, o, g in data.quads((None, None, None, None))
        )
    else:
        raw = ((s, p, o, None) for s, p, o in data)
    with paused_gc():
        return _sort_quads({(s, p, o, g if graphs else None) for s, p, o, g in raw})


def graph_nquads(name: URIRef, statements: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """The N-Quads of one named graph given as its statements (:func:`kzar_ld.mapping.article_statements`).

    The same bytes as :func:`serialize` writes for a dataset holding that graph alone.

    >>> from kzar_ld.namespaces import SCHEMA
    >>> graph_nquads(URIRef("https://x.example/g"), [(URIRef("https://x.example/a"), SCHEMA.name, Literal("A"))])
    b'<https://x.example/a> <http://schema.org/name> "A" <https://x.example/g> .\\n'
    """
    with paused_gc():
        quads = _sort_quads({(s, p, o, name) for s, p, o in statements})
        return _ox_bytes(list(_ox_statements(quads, graphs=True)), Format.NQUADS)


def _sort_quads(quads: set[Quad]) -> list[Quad]:
    """The quads in the order of :func:`sorted_quads`."""
    articles = {s for s, p, o, _ in quads if p == RDF.type and o == SCHEMA.NewsArticle}
    # Rank every distinct term once; sorting then compares small integer tuples, which keeps
    # the cost close to linear in the number of statements.
    terms: set[Node] = set()
    for quad in quads:
        terms.update(t for t in quad if t is not None)
    rank: dict[Node | None, int] = {t: i for i, t in enumerate(sorted(terms, key=_term_key))}
    rank[None] = -1
    rdf_type = RDF.type
    return sorted(
        quads,
        key=lambda q: (
            rank[q[3]],
            q[0] not in articles,
            rank[q[0]],
            q[1] != rdf_type,
            rank[q[1]],
            rank[q[2]],
        ),
    )


def _graph_name(g: object) -> Node | None:
    identifier = getattr(g, "identifier", g)
    if identifier is None or str(identifier) == "urn:x-rdflib:default":
        return None
    assert isinstance(identifier, URIRef | BNode)
    return identifier


def _ox_statements(quads: list[Quad], *, graphs: bool) -> Iterator[ox.Triple | ox.Quad]:
    conv = to_oxigraph_cached()
    for s, p, o, g in quads:
        if graphs:
            graph = ox.DefaultGraph() if g is None else conv(g)
            yield ox.Quad(conv(s), conv(p), conv(o), graph)  # type: ignore[arg-type]
        else:
            yield ox.Triple(conv(s), conv(p), conv(o))  # type: ignore[arg-type]


def _base_of(quads: list[Quad]) -> str | None:
    # The articles' base (``{base}article/{id}``) makes entity IRIs short and readable.
    for s, p, o, _ in quads:
        if p == RDF.type and o == SCHEMA.NewsArticle and "/article/" in str(s):
            return str(s).rsplit("/article/", 1)[0] + "/"
    return None


def serialize(data: Graph, *, format: Format = Format.TURTLE) -> bytes:
    """Serialise a graph or dataset; byte-identical for the same input.

    >>> from rdflib import Graph
    >>> serialize(Graph(), format=Format.NT)
    b''
    """
    with paused_gc():
        return _serialize(data, Format(format))


def _serialize(data: Graph, fmt: Format) -> bytes:
    if fmt is Format.JSON_LD:
        from kzar_ld.jsonld import to_jsonld_bytes

        return to_jsonld_bytes(sorted_quads(data, graphs=False))
    quads = sorted_quads(data, graphs=fmt.has_graphs)
    statements: list[Any] = list(_ox_statements(quads, graphs=fmt.has_graphs))
    if fmt in (Format.NT, Format.NQUADS):
        return _ox_bytes(statements, fmt)
    if fmt is Format.XML:
        # XML parsers turn a raw CR (and CRLF) into LF; a character reference keeps it. The
        # serialiser never writes CR itself, so every CR here is inside a literal.
        return _ox_bytes(statements, fmt, prefixes=dict(PREFIXES)).replace(b"\r", b"&#13;")
    base = _base_of(quads)
    if base is None:
        return _ox_bytes(statements, fmt, prefixes=dict(PREFIXES))
    return _absolute_iris(_ox_bytes(statements, fmt, prefixes=dict(PREFIXES), base_iri=base), base)


def _ox_bytes(statements: list[Any], fmt: Format, **options: Any) -> bytes:
    out = ox.serialize(statements, format=_OX_FORMATS[fmt], **options)
    assert out is not None  # no output stream given: pyoxigraph returns the bytes
    return out


# A Turtle string literal (pyoxigraph writes only the short, escaped form) or an IRI reference.
_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|<[^>\n]*>')


def _absolute_iris(text: bytes, base: str) -> bytes:
    r"""Keep only IRIs under ``base`` relative; spell every other IRI out in full.

    pyoxigraph relativises any IRI against the base: ``https://sws.geonames.org/1/`` becomes
    ``<//sws.geonames.org/1/>`` and the ``kzar:`` namespace ``</ns#>``. That is valid, but a
    reader should see a foreign IRI as it is. Prefix declarations are always absolute.

    >>> _absolute_iris(b'<person/a> <p> <//sws.geonames.org/1/> , "<//not/an/iri>" .', "https://x.example/id/")
    b'<person/a> <p> <https://sws.geonames.org/1/> , "<//not/an/iri>" .'
    >>> _absolute_iris(b"@prefix ex: </ns#> .\n@prefix id: <a/> .\n<a> <b> <c> .", "https://x.example/id/")
    b'@prefix ex: <https://x.example/ns#> .\n@prefix id: <https://x.example/id/a/> .\n<a> <b> <c> .'
    """

    def absolute(ref: str) -> str:
        joined = urljoin(base, ref)
        if ref.endswith(("#", "?")) and not joined.endswith(ref[-1]):
            joined += ref[-1]  # urljoin drops an empty fragment or query: the IRI keeps it
        return joined

    def fix(match: re.Match[bytes]) -> bytes:
        token = match.group(0)
        if token.startswith(b'"'):
            return token
        ref = token[1:-1].decode("utf-8")
        if ref and ref[0] not in "/.?#" and ":" not in ref.split("/", 1)[0]:
            return token  # a path under the base (or already absolute)
        return f"<{absolute(ref)}>".encode()

    def fix_prefix(match: re.Match[bytes]) -> bytes:
        return f"<{absolute(match.group(1).decode('utf-8'))}>".encode()

    lines = text.split(b"\n")
    n_head = 0
    while n_head < len(lines) and lines[n_head].startswith((b"@prefix ", b"@base ")):
        if lines[n_head].startswith(b"@prefix "):
            lines[n_head] = re.sub(rb"<([^>]*)>", fix_prefix, lines[n_head])
        n_head += 1
    return b"\n".join([*lines[:n_head], *[_TOKEN.sub(fix, line) for line in lines[n_head:]]])


def nquads_to_dataset(chunks: Iterable[bytes], *, default_union: bool = True) -> Dataset:
    r"""A dataset holding the statements of N-Quads documents, as we write them.

    Lexical forms and datatypes are kept exactly; blank node labels are kept as written.
    ``default_union``: whether the dataset's default graph reads as the union of its graphs.

    >>> ds = nquads_to_dataset([b'<http://x.example/a> <http://x.example/b> "1" <http://x.example/g> .\n'])
    >>> len(ds)
    1
    """
    from kzar_ld.terms import from_oxigraph

    dataset = Dataset(default_union=default_union)
    graphs: dict[Any, Graph] = {}

    def target(name: Any) -> Graph:
        graph = graphs.get(name)
        if graph is None:
            graph = dataset.default_graph if isinstance(name, ox.DefaultGraph) else dataset.graph(from_oxigraph(name))
            graphs[name] = graph
        return graph

    with paused_gc():
        for chunk in chunks:
            dataset.addN(
                (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object), target(q.graph_name))
                for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS)
            )
    return dataset


def nquads_to_trig(nquads: bytes, *, header: bool = True) -> bytes:
    """The TriG of N-Quads written by :func:`serialize`, in the same statement order.

    With ``header=False`` the ``@base``/``@prefix`` lines are left out, so that the TriG of
    several articles, each converted on its own, concatenates into one valid document (the same
    bytes :func:`serialize` writes for them together, when their base is the same).
    """
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    base = _base_of_ox(quads)
    options: dict[str, Any] = {"prefixes": dict(PREFIXES)}
    if base is not None:
        options["base_iri"] = base
    text = _ox_bytes(quads, Format.TRIG, **options)
    if base is not None:
        text = _absolute_iris(text, base)
    if header:
        return text
    lines = text.split(b"\n")
    n_head = 0
    while n_head < len(lines) and lines[n_head].startswith((b"@prefix ", b"@base ")):
        n_head += 1
    return b"\n".join(lines[n_head:])


def _base_of_ox(quads: list[ox.Quad]) -> str | None:
    article_type = str(SCHEMA.NewsArticle)
    for q in quads:
        s = q.subject
        if (
            isinstance(s, ox.NamedNode)
            and q.predicate.value == str(RDF.type)
            and isinstance(q.object, ox.NamedNode)
            and q.object.value == article_type
            and "/article/" in s.value
        ):
            return s.value.rsplit("/article/", 1)[0] + "/"
    return None


def graph_names(data: Graph) -> tuple[str, ...]:
    """The names of a dataset's non-empty graphs, sorted (``""`` for the default graph).

    >>> from kzar_ld import build_graph, load_article
    >>> graph_names(build_graph(load_article("examples/kazinform-2023-08-24")))
    ('https://kzar.example/id/article/000_b748ee61ec8ac40c',)
    """
    if not isinstance(data, Dataset):
        return ("",) if len(data) else ()
    names = {_graph_name(g) for g in data.graphs() if len(g)}  # a graph's size is kept, not counted
    return tuple(sorted("" if n is None else str(n) for n in names))


def write(
    data: Graph,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Serialise and write atomically: a temporary file in the same folder, fsync, rename.

    A failure at any point leaves an existing file at ``path`` byte-identical and no temporary
    file behind. ``protect`` lists input files that must never be overwritten.
    """
    target = Path(path)
    fmt = format if format is not None else Format.from_path(target, writing=True)
    with atomic_output(target, protect=protect) as stream:
        stream.write(serialize(data, format=fmt))
    return target


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, protect: Iterable[str | os.PathLike[str]] = ()
) -> Iterator[BinaryIO]:
    """A binary stream that replaces ``path`` when the block ends, or leaves it untouched.

    The stream is a temporary file in the same folder; on a normal exit it is flushed, synced
    and renamed over ``path`` (keeping the old file's permissions); on an exception (or a kill)
    ``path`` is as it was and the temporary file is removed. ``protect`` lists input files that
    ``path`` must not be.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_output(folder / "out.nq") as out:
    ...     _ = out.write(b"")
    >>> sorted(p.name for p in folder.iterdir())
    ['out.nq']
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: the directory {str(folder)!r} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: it is a directory")
    for p in protect:
        with contextlib.suppress(OSError):
            if target.exists() and os.path.samefile(target, p):
                raise OutputError(f"refusing to overwrite the input file {str(target)!r} with the output")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in {str(folder)!r}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        check_stop()  # a stop whose exception was dropped on the way must not replace the file
        if target.exists():
            # Keep the permissions of the file being replaced.
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {str(target)!r}: {exc.strerror}") from exc
        raise
