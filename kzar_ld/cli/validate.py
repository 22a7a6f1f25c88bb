"""``kzar-ld validate``: check articles or RDF files against the kzar_ld shapes, print a report."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kzar_ld.cli import Command, app, cli_errors
from kzar_ld.cli.batch import EntitiesOption, FailFastOption, JobsOption, QuietOption, ShardOption, VerboseOption
from kzar_ld.formats import Format, ReportFormat

if TYPE_CHECKING:
    from kzar_ld.pipeline import Outcome

_EPILOG = """
Examples:

  kzar-ld validate examples/kazinform-2023-08-24

  kzar-ld validate archive/ --jobs 2 --format json > report.json

  kzar-ld validate corpus.trig --format json > report.json

  curl -s https://news.example/article.jsonld | kzar-ld validate - --input-format json-ld

Exit codes: 0 conforms (warnings allowed), 1 violations, 2 bad input.
"""


@app.command(epilog=_EPILOG, cls=Command)
def validate(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="Article directories (text + annotation.yaml), directories of them, or RDF files: Turtle, "
            "JSON-LD, N-Triples, N-Quads, TriG or RDF/XML, told apart by extension; - reads RDF from stdin.",
            show_default=False,
        ),
    ],
    format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (for a terminal), turtle (the SHACL report graph) or json.",
            case_sensitive=False,
        ),
    ] = ReportFormat.TEXT,
    input_format: Annotated[
        Format | None,
        typer.Option(
            "--input-format",
            help="The RDF syntax of every file (and of stdin, Turtle unless given), when extensions do not tell.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    entities: EntitiesOption = None,
    jobs: JobsOption = None,
    shard: ShardOption = None,
    fail_fast: FailFastOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate articles or RDF files and print one report (stdout); violations exit with 1."""
    from kzar_ld.cli.batch import expand, run_batch
    from kzar_ld.pipeline import PipelineSettings
    from kzar_ld.pipeline.sinks import GraphOwners
    from kzar_ld.validation.shacl import ValidationReport

    with cli_errors():
        sources = expand(inputs, shard=shard, rdf=True, input_format=input_format.value if input_format else None)
        checked: list[Outcome] = []
        tally = run_batch(
            sources,
            settings=PipelineSettings(validate=True, entities=entities),
            jobs=jobs,
            fail_fast=fail_fast,
            quiet=quiet,
            verbose=verbose,
            consume=checked.append,
            report_warnings=False,
            keep_nonconforming=True,
        )
        owners = GraphOwners()
        for outcome in checked:
            owners.check(outcome)
        report = ValidationReport.merge(o.report for o in checked if o.report is not None)
        if checked:
            sys.stdout.write(report.render(format=format))
            sys.stdout.flush()
        if len(sources) > 1 and not quiet:
            typer.echo(tally.summary("validated"), err=True)
        if tally.failed:
            raise typer.Exit(code=tally.exit_code)
        report.raise_for_violations()
