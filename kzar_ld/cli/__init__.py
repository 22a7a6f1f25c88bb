"""The ``kzar-ld`` command line: a thin Typer layer over the public API.

Each command lives in its own module and only calls the library and renders; errors are
mapped to exit codes here, in one place (0 ok, 1 does not conform, 2 bad input or usage,
3 remote failure). Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator, Mapping
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from kzar_ld.errors import KzarError

__all__ = ["COMMANDS", "Command", "LazyGroup", "app", "cli_errors", "main"]

# Every command: its module (kzar_ld.cli.<module>) and the first paragraph of its docstring, which
# `kzar-ld --help` shortens to one line. A command's module is imported only when that command runs
# (or its own help is asked for), so that `--help` and `--version` cost little more than importing
# Typer; a test keeps this table equal to the commands' docstrings.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Build the linked-data graph of articles, validate it and write it (stdout by default)."),
    "draft": ("draft", "Draft annotation.yaml for each article text, for an editor to review and confirm."),
    "publish": ("publish", "Publish articles to a SPARQL 1.1 store, one named graph per article (HTTP PUT)."),
    "query": (
        "query",
        "Run a SPARQL query over articles and RDF files (--data) or a SPARQL endpoint (--endpoint).",
    ),
    "serve": ("serve", "Serve a static site with content negotiation on every IRI, and a SPARQL endpoint at /sparql."),
    "site": (
        "site",
        "Build the articles and write a static site: HTML pages with embedded JSON-LD, plus Turtle, JSON-LD"
        " and N-Triples for every IRI.",
    ),
    "validate": ("validate", "Validate articles or RDF files and print one report (stdout); violations exit with 1."),
}


class _LazyCommands(Mapping[str, Any]):
    """The commands of ``app`` by name; looking one up imports its module and builds it once."""

    def __init__(self, loaded: Mapping[str, Any]) -> None:
        self._loaded = dict(loaded)

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self._loaded[name] = _load_command(name)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(COMMANDS), **self._loaded})

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._loaded))


def _load_command(name: str) -> Any:
    from typer.main import get_command_from_info

    importlib.import_module(f"kzar_ld.cli.{COMMANDS[name][0]}")
    for info in app.registered_commands:
        if (info.name or (info.callback.__name__ if info.callback else None)) == name:
            return get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
            )
    raise LookupError(f"kzar_ld.cli.{COMMANDS[name][0]} registers no command {name!r}")


class LazyGroup(TyperGroup):
    """The ``kzar-ld`` group: lists its commands from :data:`COMMANDS`, imports one when it runs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands(self.commands)  # type: ignore[assignment]

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # Shortened as Click shortens a loaded command's help, through a command that has only help.
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [(name, TyperCommand(name, help=text).get_short_help_str(limit)) for name, (_, text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="kzar-ld",
    cls=LazyGroup,
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
    from kzar_ld._stop import request_stop

    request_stop(128 + signum)


if __name__ == "__main__":  # pragma: no cover
    main()
