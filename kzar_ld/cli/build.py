"""``kzar-ld build``: article directories in, RDF out."""

from __future__ import annotations

import sys
from typing import Annotated, BinaryIO

import typer

from kzar_ld.cli import Command, app, cli_errors
from kzar_ld.cli.batch import (
    BaseOption,
    DraftOption,
    EntitiesOption,
    FailFastOption,
    JobsOption,
    MaxBytesOption,
    NoValidateOption,
    QuietOption,
    ShardOption,
    SourcesArgument,
    VerboseOption,
)
from kzar_ld.defaults import DEFAULT_BASE, DEFAULT_MAX_BYTES
from kzar_ld.formats import Format

_EPILOG = """
Examples:

  kzar-ld build examples/kazinform-2023-08-24

  kzar-ld build examples/kazinform-2023-08-24 -f json-ld -o article.jsonld

  kzar-ld build archive/ -f nquads -o archive.nq --jobs 2

  find archive -name annotation.yaml | kzar-ld build - -f nquads -o - | gzip > archive.nq.gz

  kzar-ld build archive/ -f nquads -o part-3.nq --shard 3/8

A bad article is reported (file, line, reason) and the run goes on; the exit code is that of the
worst failure (1 violations, 2 bad input). Nothing is written when no article is ok.
"""


@app.command(epilog=_EPILOG, cls=Command)
def build(
    sources: SourcesArgument,
    format: Annotated[
        Format,
        typer.Option("--format", "-f", help="The output syntax.", case_sensitive=False),
    ] = Format.TURTLE,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write here (atomically); - or nothing for stdout.",
            show_default=False,
        ),
    ] = None,
    base: BaseOption = DEFAULT_BASE,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    no_validate: NoValidateOption = False,
    draft: DraftOption = False,
    entities: EntitiesOption = None,
    jobs: JobsOption = None,
    shard: ShardOption = None,
    fail_fast: FailFastOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Build the linked-data graph of articles, validate it and write it (stdout by default).

    An article with SHACL violations is not written: its report goes to stderr. N-Quads and TriG
    stream article by article; the other syntaxes hold the union of the articles' graphs.
    """
    from kzar_ld.cli.batch import expand, protected_files, run_batch
    from kzar_ld.iris import validate_base
    from kzar_ld.pipeline import PipelineSettings, RdfWriter
    from kzar_ld.serialization import atomic_output

    with cli_errors():
        validate_base(base)
        found = expand(sources, shard=shard, drafts=draft)
        if no_validate:
            typer.echo("kzar-ld: warning: --no-validate: the output was NOT checked against the shapes", err=True)
        settings = PipelineSettings(base=base, validate=not no_validate, max_bytes=max_bytes, entities=entities)
        to_stdout = output is None or output == "-"
        destination = _Stdout() if to_stdout else atomic_output(str(output), protect=protected_files(found))
        try:
            with destination as stream:
                writer = RdfWriter(stream, format=format)
                tally = run_batch(
                    found,
                    settings=settings,
                    jobs=jobs,
                    fail_fast=fail_fast,
                    quiet=quiet,
                    verbose=verbose,
                    consume=writer.add,
                )
                if tally.failed and (tally.ok == 0 or fail_fast):
                    raise _NothingWritten
                writer.close()
        except _NothingWritten:
            if not quiet and len(found) > 1:
                typer.echo(tally.summary("built") + "; nothing written", err=True)
            raise typer.Exit(code=tally.exit_code) from None
        if not quiet and (not to_stdout or len(found) > 1 or tally.failed or tally.unconfirmed):
            where = "stdout" if to_stdout else output
            typer.echo(tally.summary(f"wrote {where} ({format.value}):"), err=True)
        if tally.failed:
            raise typer.Exit(code=tally.exit_code)


class _NothingWritten(Exception):
    """Leave the output untouched: no article is ok, or the run stopped at a failure."""


class _Stdout:
    """stdout as a binary stream for the RDF writer; a failure before any byte leaves it empty."""

    def __enter__(self) -> BinaryIO:
        return sys.stdout.buffer

    def __exit__(self, *exc: object) -> None:
        sys.stdout.buffer.flush()
