"""``kzar-ld serve``: serve a site (or articles, built into one) with content negotiation and SPARQL."""

from __future__ import annotations

import contextlib
import ipaddress
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from kzar_ld.cli import app, cli_errors

_EXAMPLES = """
Examples:

  kzar-ld serve public

  kzar-ld serve examples/kazinform-2023-08-24 --port 8080

  kzar-ld serve articles/* --base http://127.0.0.1:8000/id/

  curl -L -H 'Accept: text/turtle' http://127.0.0.1:8000/id/person/kairat-umarov

  curl --data-urlencode 'query=ASK { ?s a schema:NewsArticle }' http://127.0.0.1:8000/sparql
"""
# One line per paragraph: the help formatter wraps them to the terminal.
_EPILOG = (
    _EXAMPLES + "\nSOURCE is a site written by 'kzar-ld site' or article directories, which are built into a "
    "temporary site first. The site is served at the path of its base IRI (/id/ for "
    "https://kzar.example/id/; for a site, the base it was built for unless --base says otherwise); "
    "/sparql is a read-only SPARQL endpoint. docs/serving.md describes the negotiation rules.\n\n"
    "Exit codes: 0 stopped with Ctrl-C; 1 the articles do not conform; 2 bad input or the address cannot be used.\n"
)


def _is_site(path: Path) -> bool:
    from kzar_ld.annotated import ANNOTATION_FILE
    from kzar_ld.web import LAYOUT

    return (
        path.is_dir() and (path / LAYOUT.document("", "text/html")).is_file() and not (path / ANNOTATION_FILE).exists()
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command(epilog=_EPILOG)
def serve(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="A site folder, or article directories (text + annotation.yaml).",
            metavar="SOURCE_OR_SITE...",
            show_default=False,
        ),
    ],
    bind: Annotated[
        str, typer.Option(help="The address to listen on (loopback unless you say otherwise).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The TCP port.", min=1, max=65535)] = 8000,
    base: Annotated[
        str | None,
        typer.Option(
            help="Base IRI of the IRIs; the site is served at its path. "
            "Default: the base a site was built for, or https://kzar.example/id/ for articles.",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a SPARQL query may run.", min=0.1)] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Most rows or triples a SPARQL answer may hold.", min=1)] = 10_000,
    workers: Annotated[int, typer.Option(help="SPARQL queries run at once (each worker holds the data).", min=1)] = 2,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip SHACL validation of articles (says so on stderr).")
    ] = False,
) -> None:
    """Serve a static site with content negotiation on every IRI, and a SPARQL endpoint at /sparql.

    A person's IRI gives HTML to a browser and Turtle to 'Accept: text/turtle' (303 See Other to
    the document); unknown types get 406.
    """
    from kzar_ld.errors import InputError
    from kzar_ld.iris import validate_base

    with cli_errors(), contextlib.ExitStack() as stack:
        from kzar_ld.iris import DEFAULT_BASE

        try:
            from kzar_ld.web.endpoint import EndpointSettings
            from kzar_ld.web.server import create_app, listen, mount_path, run, site_base
        except ModuleNotFoundError as exc:
            missing = (exc.name or "starlette").split(".")[0]
            raise InputError(f"kzar-ld serve needs {missing}, from the web extra: pip install 'kzar-ld[web]'") from exc

        if base is not None:
            validate_base(base)
        if len(sources) == 1 and _is_site(sources[0]):
            site, data = sources[0], None
            base = base or site_base(site) or DEFAULT_BASE
        else:
            base = base or DEFAULT_BASE
            for source in sources:
                if _is_site(source):
                    raise InputError(
                        "is a site; serve one site on its own, or give article directories", source=str(source)
                    )
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kzar-ld-serve-")))
            site, data = _build(sources, scratch, base=base, no_validate=no_validate)
        sock = listen(bind, port)
        stack.callback(sock.close)
        if not _is_loopback(bind):
            typer.echo(f"kzar-ld: warning: listening on {bind}, reachable from other machines", err=True)
        host = f"[{bind}]" if ":" in bind else bind
        url = f"http://{host}:{port}"
        app_ = create_app(
            site,
            base=base,
            data=data,
            endpoint=EndpointSettings(timeout=timeout, max_rows=max_rows, workers=workers),
        )
        typer.echo(
            f"kzar-ld: serving {site} at {url}{mount_path(base)} (SPARQL at {url}/sparql); Ctrl-C stops",
            err=True,
        )
        run(app_, sock)


def _build(sources: list[Path], scratch: Path, *, base: str, no_validate: bool) -> tuple[Path, Path]:
    """Build the articles (through the pipeline) into a site in ``scratch``; return it and the corpus as N-Quads."""
    from kzar_ld.cli.batch import build_corpus, expand
    from kzar_ld.errors import NotConformingError
    from kzar_ld.pipeline import PipelineSettings
    from kzar_ld.serialization import nquads_to_dataset
    from kzar_ld.web import build_site

    if no_validate:
        typer.echo("kzar-ld: warning: --no-validate: the data was NOT checked against the shapes", err=True)
    found = expand([str(s) for s in sources], shard=None)
    chunks, tally = build_corpus(found, settings=PipelineSettings(base=base, validate=not no_validate))
    if tally.failed:
        # A server answers for every article it was given: all of them must build and conform.
        raise NotConformingError(tally.summary("built").removeprefix("kzar-ld: ") + "; not serving")
    site = scratch / "site"
    build_site(nquads_to_dataset(chunks), site, base=base)
    data = scratch / "data.nq"
    data.write_bytes(b"".join(chunks))
    return site, data
