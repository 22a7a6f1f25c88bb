"""``kzar-ld site``: article directories in, a static web site out (paths mirror the IRIs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    SourcesArgument,
    VerboseOption,
)
from kzar_ld.defaults import DEFAULT_BASE, DEFAULT_MAX_BYTES

_EPILOG = """
Examples:

  kzar-ld site examples/kazinform-2023-08-24 -o public

  kzar-ld site articles/* --base https://data.example.org/id/ -o public

Deploy the folder at the base IRI (docs/web.md) and every IRI has a page and its data.
"""


@app.command(epilog=_EPILOG, cls=Command)
def site(
    sources: SourcesArgument,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The site's folder: new, empty, or a site written before.",
            show_default=False,
        ),
    ],
    base: BaseOption = DEFAULT_BASE,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    no_validate: NoValidateOption = False,
    entities: EntitiesOption = None,
    draft: DraftOption = False,
    jobs: JobsOption = None,
    fail_fast: FailFastOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Build the articles and write a static site: HTML pages with embedded JSON-LD, plus Turtle,
    JSON-LD and N-Triples for every IRI.

    An article with SHACL violations is left out (its report goes to stderr, exit code 1); nothing
    is written when no article is ok.
    """
    from kzar_ld.cli.batch import build_corpus, expand
    from kzar_ld.iris import validate_base
    from kzar_ld.pipeline import PipelineSettings
    from kzar_ld.serialization import nquads_to_dataset
    from kzar_ld.web import build_site

    with cli_errors():
        validate_base(base)
        found = expand(sources, shard=None, drafts=draft)
        if no_validate:
            typer.echo("kzar-ld: warning: --no-validate: the data was NOT checked against the shapes", err=True)
        settings = PipelineSettings(base=base, validate=not no_validate, max_bytes=max_bytes, entities=entities)
        chunks, tally = build_corpus(
            found, settings=settings, jobs=jobs, fail_fast=fail_fast, quiet=quiet, verbose=verbose
        )
        if tally.failed and (not chunks or fail_fast):
            if not quiet and len(found) > 1:
                typer.echo(tally.summary("built") + "; nothing written", err=True)
            raise typer.Exit(code=tally.exit_code)
        written = build_site(nquads_to_dataset(chunks), output, base=base)
        if not quiet:
            typer.echo(
                tally.summary(f"wrote {output} ({written.resources} resources, {written.files} files):"), err=True
            )
        if tally.failed:
            raise typer.Exit(code=tally.exit_code)
