"""``kzar-ld validate``: check articles or RDF files against the kzar_ld shapes, print a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kzar_ld.cli import app, cli_errors
from kzar_ld.rdfio import InputFormat
from kzar_ld.shacl import ReportFormat

_EPILOG = """
Examples:

  kzar-ld validate examples/kazinform-2023-08-24

  kzar-ld validate corpus.trig --format json > report.json

  kzar-ld validate page.txt --input-format json-ld --format turtle

Exit codes: 0 conforms (warnings allowed), 1 violations, 2 bad input.
"""


@app.command(epilog=_EPILOG)
def validate(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Article directories (text + annotation.yaml) or RDF files: Turtle, JSON-LD, "
            "N-Triples, N-Quads, TriG or RDF/XML, told apart by extension.",
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
        InputFormat | None,
        typer.Option(
            "--input-format",
            help="The RDF syntax of every file, when the extensions do not tell.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate articles or RDF files and print the report (stdout); violations exit with 1."""
    from kzar_ld.rdfio import load_inputs
    from kzar_ld.shacl import validate as validate_graph

    with cli_errors():
        report = validate_graph(load_inputs(inputs, input_format=input_format))
        sys.stdout.write(report.render(format=format))
        sys.stdout.flush()
        report.raise_for_violations()
