"""Publish articles to a SPARQL 1.1 store: one named graph per article, safe to repeat.

For each article, :func:`publish` builds its graph, validates it (an article that does not
conform is not sent), writes its named graph as N-Triples (every literal keeps its datatype)
and replaces that graph in the store with one Graph Store Protocol ``PUT STORE?graph=IRI``.
A PUT replaces the whole graph, so publishing again, after an edit or after a failure, leaves
exactly the current article in the store: nothing stale, nothing twice. With ``verify=True``
the graph's triples are then counted through the store's SPARQL query endpoint and compared
with what was sent.

The first failure stops the run (the store is down, refuses us, or does not hold what we sent:
the next article would most likely fail the same way); the articles after it are reported as
not attempted, and running the same command again once the store is fixed is safe. Nothing is
printed: the result is a :class:`PublishReport`, and :meth:`PublishReport.raise_for_failures`
turns failures into the right exception (exit 3 for a remote failure, 1 for an article that
does not conform).

The HTTP itself (timeouts, retries, credentials, redirects) is :mod:`kzar_ld.remote`.

Example (needs a running store, so it is not run as a doctest)::

    from kzar_ld import load_article, publish
    report = publish([load_article("examples/kazinform-2023-08-24")],
                     store="http://127.0.0.1:7878/store", verify=True)
    report.raise_for_failures()
    report.triples  # 1176
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from kzar_ld.annotated import Article
from kzar_ld.errors import InputError, NotConformingError, RemoteError
from kzar_ld.iris import DEFAULT_BASE, IriMinter, validate_base
from kzar_ld.remote import HttpSettings, check_endpoint, graph_url

if TYPE_CHECKING:
    from kzar_ld.pipeline import Outcome

__all__ = [
    "ArticleResult",
    "PublishReport",
    "PublishStatus",
    "derive_query_endpoint",
    "publish",
]

#: Called after each article with ``(position, total, result)``; position counts from 1.
ProgressCallback = Callable[[int, int, "ArticleResult"], None]

_LISTED = 5  # how many article ids a summary message names before "and N more"


class PublishStatus(enum.StrEnum):
    """What happened to one article."""

    OK = "ok"
    """Sent, and the store accepted it (and, with ``verify``, holds as many triples)."""
    FAILED = "failed"
    """The store failed or refused it; its graph in the store is unchanged or unknown."""
    SKIPPED_INVALID = "skipped-invalid"
    """It does not conform to the shapes, so it was not sent."""
    NOT_ATTEMPTED = "not-attempted"
    """An earlier remote failure stopped the run before this article."""
    DRY_RUN = "dry-run"
    """Built and validated; would have been sent (``dry_run=True``)."""
    UNCHANGED = "unchanged"
    """The store holds this very content already (its hash matches); not sent again."""


@dataclass(frozen=True)
class ArticleResult:
    """The outcome for one article.

    ``triples`` and ``size`` describe what was (or, in a dry run, would be) sent; ``url`` is the
    Graph Store URL of its graph; ``http_status`` is the store's answer, when there was one;
    ``counted`` is the number of triples the store reported with ``verify``.
    """

    article_id: str
    source: str
    graph: str
    status: PublishStatus
    url: str
    triples: int = 0
    size: int = 0
    http_status: int | None = None
    counted: int | None = None
    error: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True)
class PublishReport:
    """The outcome of a publish run: one :class:`ArticleResult` per article, in input order.

    >>> r = PublishReport(store="http://127.0.0.1:7878/store", results=(), elapsed=0.0)
    >>> r.ok, r.triples
    (True, 0)
    """

    store: str
    results: tuple[ArticleResult, ...]
    elapsed: float
    dry_run: bool = False
    verify: bool = False

    def _with(self, status: PublishStatus) -> tuple[ArticleResult, ...]:
        return tuple(r for r in self.results if r.status is status)

    @property
    def published(self) -> tuple[ArticleResult, ...]:
        """The articles now in the store."""
        return self._with(PublishStatus.OK) + self._with(PublishStatus.UNCHANGED)

    @property
    def failed(self) -> tuple[ArticleResult, ...]:
        """The articles the store failed or refused."""
        return self._with(PublishStatus.FAILED)

    @property
    def invalid(self) -> tuple[ArticleResult, ...]:
        """The articles not sent because they do not conform."""
        return self._with(PublishStatus.SKIPPED_INVALID)

    @property
    def not_attempted(self) -> tuple[ArticleResult, ...]:
        """The articles left alone after a remote failure stopped the run."""
        return self._with(PublishStatus.NOT_ATTEMPTED)

    @property
    def triples(self) -> int:
        """Triples sent to the store (in a dry run: that would have been sent)."""
        wanted = PublishStatus.DRY_RUN if self.dry_run else PublishStatus.OK
        return sum(r.triples for r in self.results if r.status is wanted)

    @property
    def ok(self) -> bool:
        """True when every article was published (or, in a dry run, would be)."""
        wanted = {PublishStatus.DRY_RUN} if self.dry_run else {PublishStatus.OK, PublishStatus.UNCHANGED}
        return all(r.status in wanted for r in self.results)

    def raise_for_failures(self) -> None:
        """Raise if anything was not published; do nothing otherwise.

        A remote failure (or a failed verification) is a :class:`RemoteError` (exit 3) naming the
        article, the URL and the HTTP status; otherwise an article that does not conform is a
        :class:`NotConformingError` (exit 1).
        """
        failed = self.failed
        if failed:
            first = failed[0]
            missing = [r for r in self.results if r.status is not PublishStatus.OK]
            raise RemoteError(
                f"article {first.article_id}: {first.error}; "
                f"published {len(self.published)} of {len(self.results)} articles, "
                f"not published: {_ids(missing)}",
                url=first.url,
                status=first.http_status,
            )
        invalid = self.invalid
        if invalid:
            first = invalid[0]
            raise NotConformingError(
                f"{len(invalid)} of {len(self.results)} articles do not conform and were not sent "
                f"({_ids(invalid)}); first: article {first.article_id}: {first.error}"
            )


def _ids(results: Iterable[ArticleResult]) -> str:
    ids = [r.article_id for r in results]
    shown = ", ".join(ids[:_LISTED])
    return shown + (f" and {len(ids) - _LISTED} more" if len(ids) > _LISTED else "")


def derive_query_endpoint(store: str) -> str | None:
    """Guess the SPARQL query endpoint beside a Graph Store endpoint, or None.

    Only Oxigraph's layout is derived (``…/store`` → ``…/query``); other stores name their
    endpoints differently, so their query endpoint must be given.

    >>> derive_query_endpoint("http://127.0.0.1:7878/store")
    'http://127.0.0.1:7878/query'
    >>> derive_query_endpoint("http://127.0.0.1:3030/news/data") is None
    True
    """
    parts = urlsplit(store)
    path = parts.path.rstrip("/")
    if not path.endswith("/store") or parts.query:
        return None
    return urlunsplit(parts._replace(path=path[: -len("store")] + "query"))


def publish(
    articles: Iterable[Article],
    *,
    store: str,
    query_endpoint: str | None = None,
    base: str = DEFAULT_BASE,
    verify: bool = False,
    dry_run: bool = False,
    settings: HttpSettings | None = None,
    progress: ProgressCallback | None = None,
) -> PublishReport:
    """Build, validate and PUT each article's named graph into ``store``.

    ``store`` is the store's Graph Store Protocol endpoint (Oxigraph: ``…/store``). With
    ``verify``, each graph's triples are counted through ``query_endpoint`` (derived for
    Oxigraph when not given) and must equal the number sent. ``dry_run`` builds and validates
    but sends nothing. ``settings`` defaults to :meth:`HttpSettings.from_env`. ``progress`` is
    called after each article with ``(position, total, result)``.

    URLs, the base and the settings are checked before any article is built; bad ones raise an
    :class:`InputError` (exit 2).

    Example (needs a running store)::

        report = publish(articles, store="http://127.0.0.1:7878/store", verify=True)
        [r.status for r in report.results]  # [<PublishStatus.OK: 'ok'>, ...]
    """
    started = time.perf_counter()
    check_endpoint(store, what="--store")
    if query_endpoint is not None:
        check_endpoint(query_endpoint, what="--query-endpoint")
    elif verify:
        query_endpoint = derive_query_endpoint(store)
        if query_endpoint is None:
            raise InputError(
                f"--verify needs the store's SPARQL query endpoint: cannot derive it from "
                f"--store {store!r}; give --query-endpoint"
            )
    base = validate_base(base)
    settings = settings if settings is not None else HttpSettings.from_env()
    items = list(articles)
    minter = IriMinter(base)
    # The pipeline's unit of work and the Graph Store sink, one article at a time, in order.
    from kzar_ld.pipeline import PipelineSettings, process_article
    from kzar_ld.pipeline.graph_store import GraphStoreSink

    stage = PipelineSettings(base=base)
    sink = GraphStoreSink(store, query_endpoint=query_endpoint, verify=verify, dry_run=dry_run, settings=settings)
    results: list[ArticleResult] = []
    try:
        for position, article in enumerate(items, start=1):
            graph_iri = minter.article(article.id)
            outcome = process_article(article, stage)
            if outcome.ok:
                result = sink.send(outcome)
            else:
                reason = outcome.failure.message if outcome.failure is not None else _violations(outcome)
                result = ArticleResult(
                    article_id=article.id,
                    source=article.source,
                    graph=graph_iri,
                    status=PublishStatus.SKIPPED_INVALID,
                    url=graph_url(store, graph_iri),
                    triples=outcome.triples,
                    error=reason,
                )
            results.append(result)
            if progress is not None:
                progress(position, len(items), result)
    finally:
        sink.close()
    return PublishReport(
        store=store,
        results=tuple(results),
        elapsed=time.perf_counter() - started,
        dry_run=dry_run,
        verify=verify,
    )


def _violations(outcome: Outcome) -> str:
    """The one-line reason an article that does not conform was not sent."""
    assert outcome.report is not None
    try:
        outcome.report.raise_for_violations()
    except NotConformingError as exc:
        return exc.message
    return "does not conform"  # pragma: no cover - only called for non-conforming outcomes
