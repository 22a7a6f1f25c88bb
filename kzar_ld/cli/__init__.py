"""The ``kzar-ld`` command line: a thin Typer layer over the public API.

Each command lives in its own module and only calls the library and renders; errors are
mapped to exit codes here, in one place (0 ok, 1 does not conform, 2 bad input or usage,
3 remote failure). Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand

from kzar_ld.errors import KzarError

__all__ = ["Command", "app", "cli_errors", "main"]

app = typer.Typer(
    name="kzar-ld",
    help="Publish news articles as validated, queryable schema.org + FOAF linked data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=True,
    # Plain help: rich's help formatter costs ~150 ms to import, more than the rest of --help.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Command(TyperCommand):
    """A command whose help names each argument by its metavar (``SOURCE...``), not a Python type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = _no_type  # type: ignore[method-assign]


def _no_type(ctx: object) -> None:
    return None


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
    """Print a diagnostic on stderr: ``kzar-ld: error:`` before each line of it."""
    for line in message.splitlines() or [""]:
        typer.echo(f"kzar-ld: error: {line}", err=True)


@contextlib.contextmanager
def cli_errors() -> Iterator[None]:
    """Turn a :class:`KzarError` into its one-line message and exit code.

    Anything else is a bug: it is reported in one line too, with exit code 70
    (``EX_SOFTWARE``), and never as a traceback full of local variables.
    """
    import logging

    # rdflib logs a full traceback for a literal that does not fit its datatype; the CLI reports
    # problems in one line of its own, so keep rdflib's log to errors (set here, where a command
    # starts, so that --help and --version load no logging).
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        yield
    except KzarError as exc:
        error(str(exc))
        raise typer.Exit(code=exc.exit_code) from exc
    except KeyboardInterrupt as exc:
        error("interrupted")
        raise typer.Exit(code=130) from exc
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a defect of kzar-ld: one line, never a traceback full of locals
        error(f"internal error ({type(exc).__name__}: {exc}); please report it")
        raise typer.Exit(code=70) from exc


def main() -> None:
    """Entry point of the ``kzar-ld`` console script."""
    import signal

    # SIGTERM (a scheduler's or `kill`'s) unwinds like Ctrl-C, so temporary files are removed and
    # an output file is left as it was.
    signal.signal(signal.SIGTERM, _terminate)
    app(prog_name="kzar-ld")


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":  # pragma: no cover
    main()

# Each command module registers itself on ``app``; one line per command.
from kzar_ld.cli import (
    build,  # noqa: F401
    draft,  # noqa: F401
    publish,  # noqa: F401
    query,  # noqa: F401
    serve,  # noqa: F401
    site,  # noqa: F401
    validate,  # noqa: F401
)
