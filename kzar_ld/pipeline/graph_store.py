"""The Graph Store sink: PUT each article's named graph into a SPARQL 1.1 store, several at a time.

Each ok outcome becomes one HTTP PUT of its graph (N-Triples) to the store's Graph Store Protocol
endpoint, so publishing again replaces exactly that article. Up to ``concurrency`` requests run at
once. With ``skip_unchanged``, a content hash of what was sent is kept in the store beside each
article, in a small graph of its own (``{article}/publication``, one ``kzar:contentHash``
statement), written only after the article's graph was accepted: an article whose hash matches
is not sent again, and a run killed half-way is resumed by running it again.

Example (needs a running store, so it is not run as a doctest)::

    with GraphStoreSink("http://127.0.0.1:7878/store", skip_unchanged=True) as sink:
        for outcome in run_pipeline(expand_sources(["archive"])):
            sink.add(outcome)
    [r.status for r in sink.results]
"""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from types import TracebackType

import pyoxigraph as ox
import requests

from kzar_ld.errors import RemoteError
from kzar_ld.namespaces import KZAR
from kzar_ld.pipeline.work import Outcome
from kzar_ld.publishing import ArticleResult, PublishStatus
from kzar_ld.remote import HttpSettings, count_triples, graph_get, graph_put, graph_url

__all__ = ["GraphStoreSink", "content_hash", "publication_graph"]

_NT = "application/n-triples"


def content_hash(body: bytes) -> str:
    """The hash kept beside a published graph: ``sha256:`` and the hex digest of what was sent.

    >>> content_hash(b"")
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return "sha256:" + hashlib.sha256(body).hexdigest()


def publication_graph(graph: str) -> str:
    """The graph that records what was published into ``graph``.

    >>> publication_graph("https://kzar.example/id/article/a1")
    'https://kzar.example/id/article/a1/publication'
    """
    return graph.rstrip("/") + "/publication"


class GraphStoreSink:
    """PUT outcomes into ``store``; :attr:`results` holds one row per outcome added, in order.

    ``query_endpoint`` with ``verify`` counts each graph's triples after the PUT; ``dry_run``
    sends nothing; after a remote failure the articles not yet sent are not attempted.
    """

    def __init__(
        self,
        store: str,
        *,
        query_endpoint: str | None = None,
        verify: bool = False,
        dry_run: bool = False,
        skip_unchanged: bool = False,
        settings: HttpSettings | None = None,
        concurrency: int = 4,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.store = store
        self.query_endpoint = query_endpoint if verify else None
        self.dry_run = dry_run
        self.skip_unchanged = skip_unchanged
        self.settings = settings if settings is not None else HttpSettings.from_env()
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="kzar-ld-publish")
        # Outcomes waiting for a connection hold their N-Triples: bound them, to bound memory.
        self._slots = threading.BoundedSemaphore(concurrency * 2)
        self._futures: list[Future[ArticleResult]] = []
        self._stopped = threading.Event()
        self._local = threading.local()
        self.results: list[ArticleResult] = []

    def __enter__(self) -> GraphStoreSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(cancel=kind is not None)

    def add(self, outcome: Outcome) -> None:
        """Queue one ok outcome for sending (blocks while too many are waiting)."""
        if not outcome.ok or len(outcome.graphs) != 1:
            raise ValueError(f"{outcome.source.path}: only an ok outcome of one article can be published")
        self._slots.acquire()
        future = self._pool.submit(self.send, outcome)
        future.add_done_callback(lambda _: self._slots.release())
        self._futures.append(future)

    def close(self, *, cancel: bool = False) -> list[ArticleResult]:
        """Wait for every request (or, ``cancel``, for those already running) and return the rows."""
        if cancel:
            self._stopped.set()
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        self.results = [f.result() for f in self._futures if not f.cancelled()]
        return self.results

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def send(self, outcome: Outcome) -> ArticleResult:
        """Send one ok outcome now, in this thread, and return its row (it is not kept in :attr:`results`)."""
        started = time.perf_counter()
        graph = outcome.graphs[0]
        body = _ntriples(outcome.nquads)
        row = ArticleResult(
            article_id=outcome.label,
            source=outcome.source.path,
            graph=graph,
            status=PublishStatus.NOT_ATTEMPTED,
            url=graph_url(self.store, graph),
            triples=outcome.triples,
            size=len(body),
        )
        if self._stopped.is_set():
            return row
        if self.dry_run:
            return replace(row, status=PublishStatus.DRY_RUN, elapsed=time.perf_counter() - started)
        digest = content_hash(body)
        session = self._session()
        try:
            if self.skip_unchanged and self._published_hash(graph, session) == digest:
                return replace(row, status=PublishStatus.UNCHANGED, elapsed=time.perf_counter() - started)
            answer = graph_put(self.store, graph, body, content_type=_NT, settings=self.settings, session=session)
            row = replace(row, http_status=answer.status)
            if self.query_endpoint is not None:
                try:
                    counted = count_triples(self.query_endpoint, graph, settings=self.settings, session=session)
                except RemoteError as exc:
                    self._stopped.set()
                    return replace(
                        row,
                        status=PublishStatus.FAILED,
                        http_status=exc.status,
                        error=f"sent (HTTP {answer.status}), but verifying failed: {exc.message}",
                        elapsed=time.perf_counter() - started,
                    )
                row = replace(row, counted=counted)
                if counted != outcome.triples:
                    self._stopped.set()
                    return replace(
                        row,
                        status=PublishStatus.FAILED,
                        error=(
                            f"verification failed: the store holds {counted} triples in <{graph}> "
                            f"(counted through {self.query_endpoint}), {outcome.triples} were sent"
                        ),
                        elapsed=time.perf_counter() - started,
                    )
            if self.skip_unchanged:
                record = _hash_statement(graph, digest)
                graph_put(
                    self.store,
                    publication_graph(graph),
                    record,
                    content_type=_NT,
                    settings=self.settings,
                    session=session,
                )
        except RemoteError as exc:
            self._stopped.set()
            return replace(
                row,
                status=PublishStatus.FAILED,
                http_status=exc.status,
                error=exc.message,
                elapsed=time.perf_counter() - started,
            )
        return replace(row, status=PublishStatus.OK, elapsed=time.perf_counter() - started)

    def _published_hash(self, graph: str, session: requests.Session) -> str | None:
        try:
            answer = graph_get(self.store, publication_graph(graph), settings=self.settings, session=session)
        except RemoteError as exc:
            if exc.status == 404:
                return None
            raise
        for triple in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES):
            if triple.predicate.value == str(KZAR.contentHash) and isinstance(triple.object, ox.Literal):
                return triple.object.value
        return None


def _ntriples(nquads: bytes) -> bytes:
    """One article's N-Quads as the N-Triples of its graph, in the same order."""
    triples = [q.triple for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)]
    out = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    return out


def _hash_statement(graph: str, digest: str) -> bytes:
    triple = ox.Triple(ox.NamedNode(graph), ox.NamedNode(str(KZAR.contentHash)), ox.Literal(digest))
    out = ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    return out
