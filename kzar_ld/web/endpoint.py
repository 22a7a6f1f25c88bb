"""A read-only SPARQL 1.1 Protocol endpoint over a corpus, with a hard timeout and a result cap.

:class:`QueryService` answers queries with the same library code as ``kzar-ld query``
(:func:`kzar_ld.sparql.query` over an :class:`~kzar_ld.sparql.OxigraphStore`), so the answers are
the same, and with the same safety: ``SERVICE``, updates (``LOAD``, ``INSERT``...) and ``FROM``
of graphs outside the corpus are refused before anything runs.

A query runs in a worker *process* that holds its own copy of the data. A thread cannot stop a
query caught inside one step of pyoxigraph's engine (a ``COUNT`` over a cross product, say); a
process can be killed. So when a query passes its deadline the worker is killed, the client gets
:attr:`Status.TIMEOUT`, and a fresh worker loads the data in the background. A result with more
than ``max_rows`` rows (or triples) is refused rather than cut short, so an answer is never
silently incomplete.

:func:`parse_request` reads the three protocol forms (GET ``?query=``, POST form-encoded, POST
``application/sparql-query``) into query text, and :func:`result_format` picks the result
syntax from the ``Accept`` header.

Example::

    service = QueryService(Path("site/data.nq"), settings=EndpointSettings(timeout=5))
    service.start()
    answer = service.run("ASK { ?s a schema:NewsArticle }", accept="application/sparql-results+json")
    answer.status, answer.body        # (<Status.OK: 200>, b'{"head": {}, "boolean": true}\\n')
    service.close()
"""

from __future__ import annotations

import contextlib
import enum
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from kzar_ld.web.conneg import Representation, negotiate

__all__ = [
    "Answer",
    "EndpointSettings",
    "QueryService",
    "ResultSyntax",
    "Status",
    "parse_request",
    "result_format",
]

_RESPAWN_TRIES = 3
_RESPAWN_PAUSE = 1.0  # seconds, times the attempt number

#: Largest request body read (a query may be at most 1,000,000 characters; see sparql_safety).
MAX_BODY_BYTES = 4 * 1024 * 1024


class Status(enum.IntEnum):
    """The HTTP statuses the endpoint answers with."""

    OK = 200
    BAD_REQUEST = 400
    NOT_ACCEPTABLE = 406
    CONTENT_TOO_LARGE = 413
    UNSUPPORTED_MEDIA_TYPE = 415
    INTERNAL_ERROR = 500
    TIMEOUT = 503


class ResultSyntax(enum.Enum):
    """A result syntax the endpoint writes: its media type and whether it is for graphs."""

    JSON = ("application/sparql-results+json", False)
    XML = ("application/sparql-results+xml", False)
    CSV = ("text/csv", False)
    TSV = ("text/tab-separated-values", False)
    TURTLE = ("text/turtle", True)
    NT = ("application/n-triples", True)
    JSON_LD = ("application/ld+json", True)

    @property
    def media_type(self) -> str:
        """The media type sent in ``Content-Type``."""
        return self.value[0]

    @property
    def for_graphs(self) -> bool:
        """Whether it writes CONSTRUCT and DESCRIBE results (else SELECT and ASK)."""
        return self.value[1]


# In order of preference: the first is the default for a client that accepts anything.
_ROW_CHOICES = {
    ResultSyntax.JSON: Representation("application/sparql-results+json", "", ("application/json",)),
    ResultSyntax.XML: Representation("application/sparql-results+xml", "", ("application/xml", "text/xml")),
    ResultSyntax.CSV: Representation("text/csv", ""),
    ResultSyntax.TSV: Representation("text/tab-separated-values", ""),
}
_GRAPH_CHOICES = {
    ResultSyntax.TURTLE: Representation("text/turtle", ""),
    ResultSyntax.NT: Representation("application/n-triples", "", ("text/plain",)),
    ResultSyntax.JSON_LD: Representation("application/ld+json", "", ("application/json",)),
}


def result_format(accept: str | None, *, graphs: bool) -> ResultSyntax | None:
    """The result syntax for an ``Accept`` header; None if the client accepts none of ours.

    ``graphs``: the query is a CONSTRUCT or DESCRIBE. Without a usable ``Accept`` the answer is
    SPARQL JSON (rows) or Turtle (graphs).

    >>> result_format("text/csv, */*;q=0.1", graphs=False)
    <ResultSyntax.CSV: ('text/csv', False)>
    >>> result_format(None, graphs=True)
    <ResultSyntax.TURTLE: ('text/turtle', True)>
    >>> result_format("text/turtle", graphs=False) is None
    True
    """
    choices = _GRAPH_CHOICES if graphs else _ROW_CHOICES
    chosen = negotiate(accept, list(choices.values()))
    if chosen is None:
        return None
    return next(syntax for syntax, rep in choices.items() if rep is chosen)


@dataclass(frozen=True)
class Answer:
    """What the endpoint sends back: a status, a media type and the body."""

    status: Status
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: Status, message: str) -> Answer:
        """A one-line plain-text error.

        >>> Answer.error(Status.BAD_REQUEST, "no query").body
        b'no query\\n'
        """
        line = " ".join(message.split())
        return cls(status=status, media_type="text/plain; charset=utf-8", body=(line + "\n").encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# The protocol's three ways of sending a query


def _form_fields(raw: bytes | str) -> dict[str, list[str]]:
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")


def parse_request(
    method: str,
    *,
    query_string: str,
    content_type: str | None,
    body: bytes,
) -> str | Answer:
    """The query text a protocol request carries, or the error :class:`Answer` to send.

    GET takes ``?query=``; POST takes a form (``application/x-www-form-urlencoded`` with
    ``query=``) or the query itself (``application/sparql-query``). An update (``update=`` or
    ``application/sparql-update``) is refused, as are ``default-graph-uri`` and
    ``named-graph-uri`` (say ``FROM`` in the query instead).

    >>> parse_request("GET", query_string="query=ASK%20%7B%7D", content_type=None, body=b"")
    'ASK {}'
    >>> parse_request("POST", query_string="", content_type="application/sparql-update", body=b"DROP ALL").body
    b'this endpoint is read-only: SPARQL updates are refused\\n'
    """
    try:
        fields = _form_fields(query_string)
        if method == "POST":
            media = (content_type or "").split(";")[0].strip().lower()
            if media == "application/x-www-form-urlencoded":
                for key, values in _form_fields(body).items():
                    fields.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                if "query" in fields:
                    return Answer.error(Status.BAD_REQUEST, "give the query either in the body or as ?query=, not both")
                fields["query"] = [body.decode("utf-8")]
            elif media == "application/sparql-update":
                return Answer.error(Status.BAD_REQUEST, "this endpoint is read-only: SPARQL updates are refused")
            else:
                return Answer.error(
                    Status.UNSUPPORTED_MEDIA_TYPE,
                    f"cannot read a {media or 'body without a Content-Type'}: send application/sparql-query "
                    "or application/x-www-form-urlencoded",
                )
    except UnicodeDecodeError:
        return Answer.error(Status.BAD_REQUEST, "the request is not UTF-8")
    if "update" in fields:
        return Answer.error(Status.BAD_REQUEST, "this endpoint is read-only: SPARQL updates are refused")
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in fields:
            return Answer.error(
                Status.BAD_REQUEST,
                f"{name} is not supported; name the graphs with FROM or FROM NAMED in the query",
            )
    queries = fields.get("query", [])
    if len(queries) != 1:
        what = "no query" if not queries else "more than one query"
        return Answer.error(
            Status.BAD_REQUEST,
            f"{what}: send one with GET ?query=..., a form field 'query', or a body of type application/sparql-query",
        )
    return queries[0]


# ---------------------------------------------------------------------------------------------
# Worker processes


@dataclass(frozen=True)
class EndpointSettings:
    """How the endpoint protects itself.

    ``timeout``: seconds a query may run before its worker is killed. ``max_rows``: the most
    rows (SELECT) or triples (CONSTRUCT, DESCRIBE) an answer may hold. ``workers``: how many
    queries run at once (each worker holds a copy of the data). ``queue_timeout``: how long a
    request waits for a free worker.
    """

    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue_timeout: float = 30.0

    def __post_init__(self) -> None:
        if not (self.timeout > 0 and self.queue_timeout > 0):
            raise ValueError("timeouts must be positive")
        if self.max_rows < 1 or self.workers < 1:
            raise ValueError("max_rows and workers must be at least 1")


def _load_store(data: Path) -> Any:
    from kzar_ld.rdfio.reader import load_rdf
    from kzar_ld.sparql.engine import OxigraphStore

    # The corpus is the server's own data, not user input: no cap beyond its size.
    dataset = load_rdf(data, max_bytes=data.stat().st_size + 1)
    return OxigraphStore.from_rdflib(dataset)


def _execute(store: Any, text: str, accept: str | None, max_rows: int) -> tuple[int, str, bytes]:
    """Check, run and write one query (in a worker): a status, a media type and the body."""
    from kzar_ld.errors import KzarError
    from kzar_ld.serialization import Format, serialize
    from kzar_ld.sparql.engine import ResultFormat, query

    # Everything the query's author controls (parsing included) runs here, under the deadline.
    try:
        result = query(store, text, source="query")
    except KzarError as exc:
        return Status.BAD_REQUEST, "", str(exc).encode("utf-8")
    # The result's form decides the syntax; a 406 is found only after the query ran, which
    # saves parsing every query twice.
    syntax = result_format(accept, graphs=result.kind.returns_graph)
    if syntax is None:
        offered = _GRAPH_CHOICES if result.kind.returns_graph else _ROW_CHOICES
        names = ", ".join(s.media_type for s in offered)
        message = f"a {result.kind.value} result can be sent as {names}; the Accept header allows none"
        return Status.NOT_ACCEPTABLE, "", message.encode("utf-8")
    size = len(result.triples) if result.kind.returns_graph else len(result.rows)
    if size > max_rows:
        what = "triples" if result.kind.returns_graph else "rows"
        message = (
            f"query: the answer has {size:,} {what}, more than this endpoint's limit of {max_rows:,}; "
            "narrow the query or add LIMIT"
        )
        return Status.BAD_REQUEST, "", message.encode("utf-8")
    if syntax is ResultSyntax.NT:
        graph = result.graph()
        body = serialize(graph, format=Format.NT)
    else:
        fmt = {
            ResultSyntax.JSON: ResultFormat.JSON,
            ResultSyntax.XML: ResultFormat.XML,
            ResultSyntax.CSV: ResultFormat.CSV,
            ResultSyntax.TSV: ResultFormat.TSV,
            ResultSyntax.TURTLE: ResultFormat.TURTLE,
            ResultSyntax.JSON_LD: ResultFormat.JSON_LD,
        }[syntax]
        body = result.serialize(fmt)
    return Status.OK, syntax.media_type, body


def _worker_main(connection: Connection, data: str, max_rows: int) -> None:
    """A worker process: load the data, say so, then answer queries until told to stop."""
    import logging

    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        store = _load_store(Path(data))
    except Exception as exc:  # reported to the parent, which fails to start
        connection.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    connection.send(("ready", ""))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        text, accept = message
        try:
            status, media, body = _execute(store, text, accept, max_rows)
        except Exception as exc:  # a bug: report it in one line rather than die silently
            status, media, body = Status.INTERNAL_ERROR, "", f"{type(exc).__name__}: {exc}".encode()
        connection.send((int(status), media, body))


class _Worker:
    def __init__(self, data: Path, max_rows: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main,
            args=(child, os.fspath(data), max_rows),
            name="kzar-ld-sparql",
            daemon=True,
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        try:
            if not self.connection.poll(timeout):
                self.kill()
                raise RuntimeError(f"the query worker did not load the data within {timeout:g} s")
            state, detail = self.connection.recv()
        except (EOFError, OSError, ValueError):  # it died, or was killed by close()
            self.kill()
            raise RuntimeError("the query worker stopped while loading the data") from None
        if state != "ready":
            self.kill()
            raise RuntimeError(f"the query worker could not load the data: {detail}")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(Exception):
            self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            with contextlib.suppress(Exception):
                self.connection.close()


class QueryService:
    """A pool of worker processes answering SPARQL queries over one data file.

    ``data`` is an RDF file of the corpus (N-Quads keeps the articles' named graphs). Call
    :meth:`start` (blocks until the workers have loaded the data), then :meth:`run` from any
    thread, and :meth:`close` at the end.
    """

    def __init__(self, data: Path, *, settings: EndpointSettings | None = None, load_timeout: float = 600.0) -> None:
        self.data = data
        self.settings = settings or EndpointSettings()
        self.load_timeout = load_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers and wait until each has loaded the data."""
        workers = [_Worker(self.data, self.settings.max_rows) for _ in range(self.settings.workers)]
        with self._lock:
            self._all.update(workers)
        try:
            for worker in workers:
                worker.wait_ready(self.load_timeout)
        except RuntimeError:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return

        def respawn() -> None:
            # A few tries, a little apart: a machine short of memory for a moment should not
            # leave the pool a worker short for good.
            for attempt in range(_RESPAWN_TRIES):
                if attempt:
                    time.sleep(_RESPAWN_PAUSE * attempt)
                try:
                    fresh = _Worker(self.data, self.settings.max_rows)
                except OSError:
                    continue
                with self._lock:
                    if self._closed:
                        fresh.kill()
                        return
                    self._all.add(fresh)
                try:
                    fresh.wait_ready(self.load_timeout)
                except RuntimeError:
                    with self._lock:
                        self._all.discard(fresh)
                        if self._closed:
                            return
                    continue
                self._idle.put(fresh)
                return

        threading.Thread(target=respawn, name="kzar-ld-sparql-respawn", daemon=True).start()

    def run(self, text: str, *, accept: str | None) -> Answer:
        """Answer one query (blocking): in a worker, which checks it, runs it and writes the result."""
        try:
            worker = self._idle.get(timeout=self.settings.queue_timeout)
        except queue.Empty:
            return Answer.error(Status.TIMEOUT, "every query worker is busy; try again later")
        limit = self.settings.timeout
        try:
            worker.connection.send((text, accept))
            if not worker.connection.poll(limit):
                self._replace(worker)
                return Answer.error(
                    Status.TIMEOUT,
                    f"query: the query did not finish within {limit:g} s and was stopped; "
                    "narrow it (LIMIT, more specific patterns)",
                )
            status, media, body = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Answer.error(Status.INTERNAL_ERROR, "the query worker stopped unexpectedly; it has been restarted")
        self._idle.put(worker)
        if status != Status.OK:
            return Answer.error(Status(status), body.decode("utf-8", errors="replace"))
        return Answer(status=Status.OK, media_type=media, body=body)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()

    def __enter__(self) -> QueryService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
