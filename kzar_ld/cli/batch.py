"""What every command that reads many articles shares: its options, the progress bar, the
per-article diagnostics and the summary line.

A run goes on past a bad article: each failure is reported on stderr with its file and line, and
the exit code at the end says the worst that happened (1 violations, 2 bad input, 3 a remote
failure, 70 a defect of kzar_ld). The progress bar shows only on a terminal, never with ``--quiet``.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kzar_ld.defaults import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from kzar_ld.pipeline import Outcome, PipelineSettings, Source

__all__ = [
    "BaseOption",
    "DraftOption",
    "EntitiesOption",
    "FailFastOption",
    "JobsOption",
    "MaxBytesOption",
    "NoValidateOption",
    "QuietOption",
    "ShardOption",
    "SourcesArgument",
    "Tally",
    "VerboseOption",
    "build_corpus",
    "expand",
    "protected_files",
    "run_batch",
]

BaseOption = Annotated[str, typer.Option("--base", metavar="IRI", help="Base IRI of every minted IRI.")]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", metavar="BYTES", help="Refuse input files larger than this.", min=1)
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", metavar="N", help="Worker processes (default: one per core).", min=1, show_default=False
    ),
]
ShardOption = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="K/N",
        help="Process only part K of N of the articles (for a cluster: each machine takes one K).",
        show_default=False,
    ),
]
FailFastOption = Annotated[bool, typer.Option("--fail-fast", help="Stop at the first article that fails.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no warnings, no summary: errors only.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="A line per article.")]
EntitiesOption = Annotated[
    str | None,
    typer.Option(
        "--entities",
        metavar="FILE",
        help="The shared entities (countries, ministries…) the articles refer to; default: entities.yaml "
        "beside the article directories, if there is one.",
        show_default=False,
    ),
]
SourcesArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="SOURCE",
        help="Article directories (text + annotation.yaml), directories of them, annotation files or "
        "glob patterns; - reads article paths from stdin, one per line.",
        show_default=False,
    ),
]
NoValidateOption = Annotated[
    bool, typer.Option("--no-validate", help="Skip SHACL validation (not recommended; says so on stderr).")
]
DraftOption = Annotated[
    bool,
    typer.Option(
        "--draft",
        help="Also take raw article texts (.txt), drafted on the fly; their items are published as unconfirmed.",
    ),
]

_LISTED = 10  # failed articles named in the summary before "and N more"
_WARNINGS_SHOWN = 3  # SHACL warnings quoted per article


@dataclass
class Tally:
    """What a batch did: counts, the failed outcomes, and the worst exit code."""

    total: int
    ok: int = 0
    triples: int = 0
    warnings: int = 0
    unconfirmed: int = 0
    failed: list[Outcome] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 when every article was ok; otherwise the highest exit code among the failures."""
        return max((o.exit_code for o in self.failed), default=0)

    def summary(self, verb: str) -> str:
        """``kzar-ld: built 17 of 20 articles (…) in 2.1 s (8.1 articles/s); failed: …``."""
        rate = f", {self.total / self.elapsed:.1f} articles/s" if self.elapsed > 0 and self.total > 1 else ""
        line = (
            f"kzar-ld: {verb} {self.ok} of {self.total} article{'s' if self.total != 1 else ''} "
            f"({self.triples:,} statements) in {self.elapsed:.2f} s{rate}"
        )
        if self.unconfirmed:
            line += f"; {self.unconfirmed:,} drafted items unconfirmed (review them: docs/drafting.md)"
        if self.warnings and self.total > 1:
            line += f"; {self.warnings:,} SHACL warnings (kzar-ld validate lists them)"
        if self.failed:
            shown = ", ".join(o.label for o in self.failed[:_LISTED])
            more = f" and {len(self.failed) - _LISTED} more" if len(self.failed) > _LISTED else ""
            line += f"; {len(self.failed)} failed: {shown}{more}"
        return line


def expand(
    paths: Sequence[str],
    *,
    shard: str | None,
    rdf: bool = False,
    input_format: str | None = None,
    drafts: bool = False,
) -> list[Source]:
    """The sources named on the command line (``-`` for standard input), then this shard of them."""
    from kzar_ld.pipeline import Shard, Source, SourceKind, expand_sources

    sources: list[Source] = []
    named: list[str] = []
    for given in paths:
        if given != "-":
            named.append(given)
            continue
        sources.extend(expand_sources(named, rdf=rdf, input_format=input_format, drafts=drafts))
        named = []
        if rdf:
            sources.append(Source("-", SourceKind.RDF, input_format, data=_read_stdin()))
        else:  # article paths, one per line, as `find … | kzar-ld build -` gives them
            listed = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
            sources.extend(expand_sources(listed, drafts=drafts))
    sources.extend(expand_sources(named, rdf=rdf, input_format=input_format, drafts=drafts))
    if shard is not None:
        sources = Shard.parse(shard).select(sources)
    return sources


def _read_stdin() -> bytes:
    from kzar_ld.errors import UnsafeInputError
    from kzar_ld.files import read_limited

    return read_limited(sys.stdin.buffer, max_bytes=DEFAULT_MAX_BYTES, source="<stdin>", error=UnsafeInputError)


def protected_files(sources: Sequence[Source]) -> list[Path]:
    """Every input file of the sources: an output must never replace one of them."""
    from kzar_ld.pipeline import SourceKind

    files: list[Path] = []
    for source in sources:
        if source.data is not None:
            continue
        path = Path(source.path)
        if source.kind is not SourceKind.ARTICLE:
            files.append(path)
            continue
        folder = path if path.is_dir() else path.parent
        files.extend(p for p in folder.iterdir() if p.is_file())
    return files


def run_batch(
    sources: Sequence[Source],
    *,
    settings: PipelineSettings,
    jobs: int | None,
    fail_fast: bool,
    quiet: bool,
    verbose: bool,
    consume: Callable[[Outcome], None] | None = None,
    report_warnings: bool = True,
    keep_nonconforming: bool = False,
) -> Tally:
    """Run the pipeline over ``sources``, hand each ok outcome to ``consume``, report the rest.

    With ``keep_nonconforming`` an outcome with violations goes to ``consume`` too (and is not
    reported here): the caller shows the validation report itself.
    """
    from kzar_ld.pipeline import default_jobs, run_pipeline

    tally = Tally(total=len(sources))
    started = time.perf_counter()
    workers = jobs if jobs is not None else default_jobs()
    with _progress(len(sources), enabled=not quiet) as (advance, echo):
        for outcome in run_pipeline(sources, settings=settings, jobs=workers, fail_fast=fail_fast):
            if outcome.ok or (keep_nonconforming and outcome.failure is None):
                tally.ok += 1
                tally.triples += outcome.triples
                tally.unconfirmed += outcome.unconfirmed
                if consume is not None:
                    consume(outcome)
            else:
                tally.failed.append(outcome)
                _report_failure(outcome, echo)
            if not quiet:
                for warning in outcome.warnings:
                    echo(f"kzar-ld: {warning}")
            if outcome.report is not None and outcome.report.warnings:
                tally.warnings += len(outcome.report.warnings)
                # One article: quote its warnings; a batch: count them in the summary (-v quotes them).
                if report_warnings and not quiet and (len(sources) == 1 or verbose):
                    _report_warnings(outcome, echo)
            if verbose and outcome.ok:
                stages = ", ".join(f"{stage} {seconds * 1000:.0f} ms" for stage, seconds in outcome.timings)
                echo(f"kzar-ld: {outcome.source.path}: {outcome.label}: {outcome.triples} statements ({stages})")
            advance(not outcome.ok)
    tally.elapsed = time.perf_counter() - started
    return tally


def _report_failure(outcome: Outcome, echo: Callable[[str], None]) -> None:
    if outcome.failure is not None:
        for line in outcome.failure.message.splitlines():  # several errors of one file: a line each
            echo(f"kzar-ld: error: {line}")
        return
    report = outcome.report
    assert report is not None
    echo(report.to_text().rstrip("\n"))
    violations = report.violations
    first = violations[0].summary()
    count = f"{len(violations)} SHACL violation{'s' if len(violations) != 1 else ''}"
    echo(f"kzar-ld: error: {outcome.source.path}: the data does not conform: {count}; first: {first}")


def _report_warnings(outcome: Outcome, echo: Callable[[str], None]) -> None:
    assert outcome.report is not None
    warnings = outcome.report.warnings
    count = f"{len(warnings)} SHACL warning{'s' if len(warnings) != 1 else ''}"
    echo(f"kzar-ld: warning: {outcome.source.path}: {count} (kzar-ld validate lists them all):")
    for result in warnings[:_WARNINGS_SHOWN]:
        echo(f"kzar-ld: warning:   {result.summary()}")
    if len(warnings) > _WARNINGS_SHOWN:
        echo(f"kzar-ld: warning:   … and {len(warnings) - _WARNINGS_SHOWN} more")


@contextlib.contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[tuple[Callable[[bool], None], Callable[[str], None]]]:
    """``(advance, echo)``: a rich progress bar on a terminal, plain stderr lines elsewhere."""
    if not (enabled and total > 1 and sys.stderr.isatty()):
        yield (lambda failed: None), (lambda line: typer.echo(line, err=True))
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True, highlight=False)
    failures = 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("{task.fields[failures]} failed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("articles", total=total, failures=0, rate="")

        def advance(failed: bool) -> None:
            nonlocal failures
            failures += failed
            done = bar.tasks[0].completed + 1
            seconds = time.perf_counter() - started
            rate = f"{done / seconds:.1f} articles/s" if seconds > 0 else ""
            bar.update(task, advance=1, failures=failures, rate=rate)

        def echo(line: str) -> None:
            console.print(line, markup=False, highlight=False, soft_wrap=True)

        yield advance, echo


def build_corpus(
    sources: Sequence[Source],
    *,
    settings: PipelineSettings,
    jobs: int | None = None,
    fail_fast: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> tuple[list[bytes], Tally]:
    """The pipeline over ``sources`` for a sink that needs the whole corpus (a site, a server).

    Returns the N-Quads of the articles that are ok (each named graph from one source) and the
    tally; the others are reported on stderr as in every batch.
    """
    from kzar_ld.pipeline.sinks import GraphOwners

    owners = GraphOwners()
    chunks: list[bytes] = []
    tally = run_batch(
        sources,
        settings=settings,
        jobs=jobs,
        fail_fast=fail_fast,
        quiet=quiet,
        verbose=verbose,
        consume=lambda outcome: chunks.append(owners.check(outcome).nquads),
    )
    return chunks, tally
