"""The ``kzar-ld`` command line: a thin Typer layer over the public API.

Each command lives in its own module and only calls the library and renders; errors are
mapped to exit codes here, in one place (0 ok, 1 does not conform, 2 bad input or usage,
3 remote failure). Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import typer

from kzar_ld.errors import KzarError

__all__ = ["app", "cli_errors", "main"]

app = typer.Typer(
    name="kzar-ld",
    help="Publish news articles as validated, queryable schema.org + FOAF linked data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from kzar_ld import __version__

        typer.echo(f"kzar-ld {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Publish news articles as validated, queryable schema.org + FOAF linked data.

    Exit codes: 0 ok, 1 the data does not conform, 2 bad input or usage, 3 a remote endpoint failed.
    """


def error(message: str) -> None:
    """Print a one-line diagnostic on stderr."""
    typer.echo(f"kzar-ld: error: {message}", err=True)


@contextlib.contextmanager
def cli_errors() -> Iterator[None]:
    """Turn a :class:`KzarError` into its one-line message and exit code.

    Anything else is a bug: it is reported in one line too, with exit code 70
    (``EX_SOFTWARE``), and never as a traceback full of local variables.
    """
    try:
        yield
    except KzarError as exc:
        error(str(exc))
        raise typer.Exit(code=exc.exit_code) from exc
    except KeyboardInterrupt as exc:
        error("interrupted")
        raise typer.Exit(code=130) from exc


def main() -> None:
    """Entry point of the ``kzar-ld`` console script."""
    # rdflib logs a full traceback for a literal that does not fit its datatype; the CLI reports
    # problems in one line of its own, so keep rdflib's log to errors.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    app(prog_name="kzar-ld")


if __name__ == "__main__":  # pragma: no cover
    main()

# Each command module registers itself on ``app``; one line per command.
from kzar_ld.cli import (
    build,  # noqa: F401
    publish,  # noqa: F401
    query,  # noqa: F401
    serve,  # noqa: F401
    site,  # noqa: F401
    validate,  # noqa: F401
)
