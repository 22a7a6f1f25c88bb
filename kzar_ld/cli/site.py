"""``kzar-ld site``: article directories in, a static web site out (paths mirror the IRIs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kzar_ld.cli import app, cli_errors

_EPILOG = """
Examples:

  kzar-ld site examples/kazinform-2023-08-24 -o public

  kzar-ld site articles/* --base https://data.example.org/id/ -o public

Deploy the folder at the base IRI (docs/web.md) and every IRI has a page and its data.
"""


@app.command(epilog=_EPILOG)
def site(
    sources: Annotated[
        list[Path],
        typer.Argument(help="Article directories (text + annotation.yaml) or annotation files.", show_default=False),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The site's folder: new, empty, or a site written before.", show_default=False
        ),
    ],
    base: Annotated[
        str, typer.Option(help="Base IRI of every minted IRI (deploy the site there).")
    ] = "https://kzar.example/id/",
    max_bytes: Annotated[int, typer.Option(help="Refuse input files larger than this.", min=1)] = 10 * 1024 * 1024,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip SHACL validation (not recommended; says so on stderr).")
    ] = False,
) -> None:
    """Build the articles and write a static site: HTML pages with embedded JSON-LD, plus Turtle,
    JSON-LD and N-Triples for every IRI.

    Nothing is written when the graph has SHACL violations: the report goes to stderr, exit code 1.
    """
    from kzar_ld import build_graph, load_article
    from kzar_ld.iris import validate_base
    from kzar_ld.web import build_site

    with cli_errors():
        validate_base(base)
        articles = [load_article(src, max_bytes=max_bytes) for src in sources]
        dataset = build_graph(articles, base=base)
        if no_validate:
            typer.echo("kzar-ld: warning: --no-validate: the data was NOT checked against the shapes", err=True)
        else:
            from kzar_ld.validation.shacl import validate

            report = validate(dataset)
            if not report.conforms:
                typer.echo(report.to_text(), err=True)
            report.raise_for_violations()
            if report.warnings:
                typer.echo(f"kzar-ld: {len(report.warnings)} SHACL warning(s); see kzar-ld validate", err=True)
        written = build_site(dataset, output, base=base)
        typer.echo(
            f"kzar-ld: wrote {output} ({written.articles} article(s), "
            f"{written.resources} resources, {written.files} files)",
            err=True,
        )
