"""``kzar-ld publish``: article directories in, one named graph per article in a SPARQL store."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from kzar_ld.cli import Command, app, cli_errors
from kzar_ld.cli.batch import (
    BaseOption,
    DraftOption,
    EntitiesOption,
    JobsOption,
    QuietOption,
    ShardOption,
    SourcesArgument,
    VerboseOption,
)
from kzar_ld.defaults import DEFAULT_BASE
from kzar_ld.formats import QueryMethod

if TYPE_CHECKING:
    from kzar_ld.publishing import ArticleResult, PublishReport

_LISTED = 10  # articles named in the summary before "and N more"

_EPILOG = """
Examples:

  kzar-ld publish examples/kazinform-2023-08-24 --store http://127.0.0.1:7878/store --verify

  kzar-ld publish articles/* --store http://127.0.0.1:3030/news/data
  --query-endpoint http://127.0.0.1:3030/news/query --verify

  kzar-ld publish articles/* --store http://127.0.0.1:7878/store --dry-run

Credentials come from the environment only, never from the command line:
KZAR_LD_USER and KZAR_LD_PASSWORD (HTTP Basic, or Digest: KZAR_LD_AUTH=auto|basic|digest)
or KZAR_LD_TOKEN (bearer token).

Exit codes: 0 all published; 1 an article does not conform (not sent);
2 bad input; 3 the store failed (the summary says what was published).
"""


@app.command(epilog=_EPILOG, cls=Command)
def publish(
    sources: SourcesArgument,
    store: Annotated[
        str,
        typer.Option(
            "--store",
            metavar="URL",
            help="The store's Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store.",
            show_default=False,
        ),
    ],
    query_endpoint: Annotated[
        str | None,
        typer.Option(
            "--query-endpoint",
            metavar="URL",
            help="The store's SPARQL query endpoint, for --verify (derived for Oxigraph).",
            show_default=False,
        ),
    ] = None,
    base: BaseOption = DEFAULT_BASE,
    verify: Annotated[
        bool, typer.Option("--verify", help="Count each graph's triples in the store afterwards.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Build and validate; say what would be sent.")] = False,
    skip_unchanged: Annotated[
        bool,
        typer.Option(
            "--skip-unchanged",
            help="Send only articles whose content changed since they were last published (a hash kept in the store).",
        ),
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", metavar="N", help="Requests to the store at once.", min=1, max=64)
    ] = 4,
    timeout: Annotated[
        float,
        typer.Option(metavar="SECONDS", help="Seconds to wait for each answer from the store.", min=0.001),
    ] = 30.0,
    retries: Annotated[
        int,
        typer.Option(metavar="N", help="Extra attempts after a connection error or a 5xx/429.", min=0, max=20),
    ] = 3,
    query_method: Annotated[
        QueryMethod,
        typer.Option(help="How --verify sends its query: post-form (every store), post-direct or get."),
    ] = QueryMethod.POST_FORM,
    draft: DraftOption = False,
    entities: EntitiesOption = None,
    jobs: JobsOption = None,
    shard: ShardOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Publish articles to a SPARQL 1.1 store, one named graph per article (HTTP PUT).

    Each article is built and validated first; one that does not conform is not sent.

    Publishing again replaces each article's graph: nothing stale, nothing twice.
    """
    from kzar_ld.cli.batch import expand, run_batch
    from kzar_ld.errors import InputError
    from kzar_ld.iris import validate_base
    from kzar_ld.pipeline import PipelineSettings
    from kzar_ld.pipeline.graph_store import GraphStoreSink
    from kzar_ld.publishing import PublishReport, derive_query_endpoint
    from kzar_ld.remote import HttpSettings, check_endpoint

    with cli_errors(), _retry_notes():
        # Everything the user typed is checked before any article is read.
        check_endpoint(store, what="--store")
        if query_endpoint is not None:
            check_endpoint(query_endpoint, what="--query-endpoint")
        elif verify:
            query_endpoint = derive_query_endpoint(store)
            if query_endpoint is None:
                raise InputError(
                    f"--verify needs the store's SPARQL query endpoint: cannot derive it from --store {store!r}; "
                    "give --query-endpoint"
                )
        validate_base(base)
        settings = HttpSettings.from_env(
            read_timeout=timeout,
            connect_timeout=min(timeout, HttpSettings.connect_timeout),
            retries=retries,
            query_method=query_method,
        )
        found = expand(sources, shard=shard, drafts=draft)
        started = time.perf_counter()
        with GraphStoreSink(
            store,
            query_endpoint=query_endpoint,
            verify=verify,
            dry_run=dry_run,
            skip_unchanged=skip_unchanged,
            settings=settings,
            concurrency=concurrency,
        ) as sink:
            tally = run_batch(
                found,
                settings=PipelineSettings(base=base, entities=entities),
                jobs=jobs,
                fail_fast=False,
                quiet=quiet,
                verbose=verbose,
                consume=sink.add,
                report_warnings=False,
            )
        report = PublishReport(
            store=store,
            results=tuple(sink.results),
            elapsed=time.perf_counter() - started,
            dry_run=dry_run,
            verify=verify,
        )
        if not quiet:
            if verbose or len(report.results) <= _LISTED:
                for position, result in enumerate(report.results, start=1):
                    _progress(position, len(report.results), result)
            typer.echo(_summary(report, invalid=len(tally.failed)), err=True)
            if base == DEFAULT_BASE and not dry_run:
                typer.echo(
                    f"kzar-ld: warning: published with the placeholder base {DEFAULT_BASE}; "
                    "pass --base https://your.domain/id/ so that the IRIs are yours",
                    err=True,
                )
        if tally.failed and report.ok:
            raise typer.Exit(code=tally.exit_code)
        report.raise_for_failures()
        if tally.failed:
            raise typer.Exit(code=tally.exit_code)


@contextlib.contextmanager
def _retry_notes() -> Iterator[None]:
    """Show the HTTP layer's retry notes on stderr while the command runs, then detach."""
    import logging

    logger = logging.getLogger("kzar_ld.remote")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("kzar-ld: %(message)s"))
    handler.setLevel(logging.WARNING)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


def _progress(position: int, total: int, result: ArticleResult) -> None:
    from kzar_ld.publishing import PublishStatus

    head = f"[{position}/{total}] {result.article_id}:"
    status = result.status
    if status is PublishStatus.UNCHANGED:
        line = f"{head} unchanged since it was last published (not sent)"
    elif status is PublishStatus.OK:
        checked = ", verified" if result.counted is not None else ""
        line = (
            f"{head} published {result.triples} triples to <{result.graph}> "
            f"(HTTP {result.http_status}{checked}, {result.elapsed:.2f} s)"
        )
    elif status is PublishStatus.DRY_RUN:
        line = f"{head} would PUT {result.triples} triples ({result.size} bytes of N-Triples) to {result.url}"
    elif status is PublishStatus.SKIPPED_INVALID:
        line = f"{head} NOT SENT, does not conform: {result.error}"
    elif status is PublishStatus.FAILED:
        line = f"{head} FAILED: {result.error}"
    else:
        line = f"{head} not attempted (stopped after a failure)"
    typer.echo(line, err=True)


def _summary(report: PublishReport, *, invalid: int = 0) -> str:
    total = len(report.results) + invalid
    if report.dry_run:
        return (
            f"kzar-ld: dry run: {total - len(report.invalid)} of {total} articles "
            f"({report.triples} triples) would be sent to {report.store}; nothing was sent"
        )
    line = (
        f"kzar-ld: published {len(report.published)} of {total} articles "
        f"({report.triples} triples) to {report.store} in {report.elapsed:.2f} s"
    )
    if invalid:
        line += f"; {invalid} not sent (invalid or unreadable, reported above)"
    missing = [r for r in report.results if r not in report.published]
    if missing:
        shown = ", ".join(f"{r.article_id} ({r.status.value})" for r in missing[:_LISTED])
        more = f" and {len(missing) - _LISTED} more" if len(missing) > _LISTED else ""
        line += f"; not published: {shown}{more}"
    return line
