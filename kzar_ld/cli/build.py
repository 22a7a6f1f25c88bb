"""``kzar-ld build``: article directories in, RDF out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kzar_ld.cli import app, cli_errors
from kzar_ld.serialization import Format

_EPILOG = """
Examples:

  kzar-ld build examples/kazinform-2023-08-24

  kzar-ld build examples/kazinform-2023-08-24 -f json-ld -o article.jsonld

  kzar-ld build articles/* -f trig --base https://data.example.org/id/ -o corpus.trig
"""


@app.command(epilog=_EPILOG)
def build(
    sources: Annotated[
        list[Path],
        typer.Argument(help="Article directories (text + annotation.yaml) or annotation files.", show_default=False),
    ],
    format: Annotated[
        Format,
        typer.Option("--format", "-f", help="The output syntax.", case_sensitive=False),
    ] = Format.TURTLE,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.", show_default=False),
    ] = None,
    base: Annotated[str, typer.Option(help="Base IRI of every minted IRI.")] = "https://kzar.example/id/",
    max_bytes: Annotated[int, typer.Option(help="Refuse input files larger than this.", min=1)] = 10 * 1024 * 1024,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip SHACL validation (not recommended; says so on stderr).")
    ] = False,
) -> None:
    """Build the linked-data graph of one or more articles, validate it and write it (stdout by default).

    Nothing is written when the graph has SHACL violations: the report goes to stderr, exit code 1.
    """
    from kzar_ld import build_graph, load_article, serialize, write
    from kzar_ld.iris import validate_base

    fmt = format
    with cli_errors():
        validate_base(base)
        articles = [load_article(src, max_bytes=max_bytes) for src in sources]
        dataset = build_graph(articles, base=base)
        if no_validate:
            typer.echo("kzar-ld: warning: --no-validate: the output was NOT checked against the shapes", err=True)
        else:
            from kzar_ld.shacl import validate

            report = validate(dataset)
            if not report.conforms:
                typer.echo(report.to_text(), err=True)
            report.raise_for_violations()
        if output is None:
            sys.stdout.buffer.write(serialize(dataset, format=fmt))
            sys.stdout.buffer.flush()
            return
        inputs = [Path(a.text.source) for a in articles] + [Path(a.source) for a in articles]
        write(dataset, output, format=fmt, protect=inputs)
        typer.echo(f"kzar-ld: wrote {output} ({len(articles)} article(s), {fmt.value})", err=True)
