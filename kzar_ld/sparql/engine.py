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
:mod:`kzar_ld.sparql.safety` refuses ``SERVICE``, updates (``LOAD``...) and ``FROM`` clauses
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

import ctypes
import difflib
import json
import math
import platform
import re
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kzar_ld.errors import InputError, QueryError, RemoteError
from kzar_ld.namespaces import PREFIXES, XSD
from kzar_ld.resources import resource_files
from kzar_ld.sparql.results import QueryResult, ResultFormat, Row, Term, canonical_rows, parse_term, term_syntax
from kzar_ld.sparql.safety import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    QueryKind,
    check_dataset,
    parse_query,
)
from kzar_ld.sparql.stores import Cancelled, Engine, OxigraphStore, QueryStore, RdflibStore, first_line, open_store
from kzar_ld.terms import from_oxigraph

if TYPE_CHECKING:
    import requests

    from kzar_ld.remote import HttpSettings, QueryMethod


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


_T = TypeVar("_T")

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
    """Raise :class:`Cancelled` inside ``thread`` at its next Python instruction (CPython only).

    rdflib evaluates in pure Python, so this stops it; code running in a C extension (a
    pyoxigraph aggregate, a regular expression) stops only when it returns to Python.
    """
    if platform.python_implementation() != "CPython" or thread.ident is None:
        return
    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    changed = set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(Cancelled))
    if changed > 1:  # pragma: no cover - cannot happen with one thread id; undo if it does
        set_async_exc(ctypes.c_ulong(thread.ident), None)


def _collect_in_this_thread() -> None:
    """Free the reference cycles a stopped query left, in the thread that made them.

    An interrupt can land while an exception is being handled (before its frames are released),
    leaving pyoxigraph's result iterators in reference cycles; whichever thread the garbage
    collector next runs in would drop them, and pyoxigraph refuses that ("unsendable, but is
    being dropped on another thread"). The interrupt lands at most once: a second try finishes.
    """
    import gc

    for _ in range(2):
        try:
            gc.collect()
            return
        except Cancelled:
            continue


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
        result: tuple[bool, Any] | None = None
        try:
            try:
                result = (True, work(cancel))
            except BaseException as exc:
                _release_frames(exc)
                result = (False, exc)
            with lock:
                outcome.append(result)
                finished.set()
        except Cancelled:
            pass  # interrupted after the caller stopped waiting: nobody wants the result
        finally:
            if cancel.is_set():  # the caller gave up: what the work left is dropped here
                result = None
                outcome.clear()
                _collect_in_this_thread()

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
        raise QueryError(f"could not load <{iri}> named in FROM: {first_line(exc)}", source=source) from exc
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
    except (QueryError, RemoteError, InputError, Cancelled):
        raise
    except OSError as exc:  # a SERVICE the caller allowed did not answer
        raise RemoteError(
            f"a SERVICE call failed: {first_line(exc)}",
            url=", ".join(parsed.services) or None,
            status=getattr(exc, "code", None),
            source=parsed.source,
        ) from exc
    except Exception as exc:
        raise QueryError(
            f"{store.engine.value} could not evaluate the query: {first_line(exc)}",
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
    # Terms were parsed and validated; term_syntax escapes every character that could end a
    # literal or an IRI, so a value can never become query syntax.
    names = sorted(terms)
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(term_syntax(terms[n]) for n in names)
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
    return QueryResult(kind=parsed.kind, variables=variables, rows=canonical_rows(rows, ordered=parsed.ordered))


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
            f"{response.url}: the store's {media} answer does not parse ({first_line(exc)}); it was probably cut off",
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
    query_method: QueryMethod | str | None = None,
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
    ``query_method`` (``post-form``, ``post-direct`` or ``get``; default: the settings', which is
    ``post-form``, the form every store answers) is how the query travels.
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
    response = sparql_query(
        endpoint, declared + text, accept=accept, method=query_method, settings=settings, session=session
    )
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
