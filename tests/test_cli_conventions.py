"""The conventions command-line users expect: ``-`` for stdin and stdout, completion, -q/-v,
readable help, NO_COLOR."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from _terminal import stderr_on_terminal
from typer.testing import CliRunner

from kzar_ld import Format, build_graph, load_article, serialize
from kzar_ld.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/kazinform-2023-08-24"
COMMANDS = ("build", "validate", "query", "publish")
runner = CliRunner()


def test_dash_output_is_stdout_not_a_file_named_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build", str(ROOT / EXAMPLE), "-o", "-", "-f", "nt", "-q"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == serialize(build_graph(load_article(ROOT / EXAMPLE)), format=Format.NT)
    assert not (tmp_path / "-").exists()


def test_query_data_from_stdin() -> None:
    turtle = serialize(build_graph(load_article(EXAMPLE)), format=Format.TURTLE)
    from_stdin = runner.invoke(app, ["query", "places", "--data", "-", "--format", "csv"], input=turtle)
    from_file = runner.invoke(app, ["query", "places", "--data", EXAMPLE, "--format", "csv"])
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert from_stdin.stdout == from_file.stdout
    assert from_stdin.stdout.count("\n") > 3


def test_shell_completion_completes_commands_and_options() -> None:
    # What the shell's completion function asks, through the completion variable.
    def complete(words: str, index: int) -> list[str]:
        env = {"_KZAR_LD_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}
        result = runner.invoke(app, [], env=env, prog_name="kzar-ld")
        assert result.exit_code == 0, result.output
        return result.output.split()

    assert complete("kzar-ld bu", 1) == ["build"]
    assert complete("kzar-ld build --fo", 2) == ["--format"]
    assert "nquads" in complete("kzar-ld build -f nq", 3)
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_readable_metavars_not_python_types(command: str) -> None:
    text = runner.invoke(app, [command, "--help"]).stdout
    assert not re.search(r"<(str|int|float|bool|list|path)\b[^>]*>", text), text
    assert "<list[" not in text


@pytest.mark.parametrize("command", ("build", "validate", "publish"))
def test_batch_commands_take_quiet_and_verbose(command: str) -> None:
    text = runner.invoke(app, [command, "--help"]).stdout
    assert "-q, --quiet" in text and "-v, --verbose" in text and "-j, --jobs N" in text


def test_verbose_gives_a_line_per_article() -> None:
    result = runner.invoke(app, ["build", EXAMPLE, "-v", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert re.search(
        r"000_b748ee61ec8ac40c: \d+ statements \(load \d+ ms, build \d+ ms, serialize \d+ ms, validate \d+ ms",
        result.stderr,
    )


def test_no_color_is_honoured(tmp_path: Path) -> None:
    for article in ("a", "b", "c"):
        folder = tmp_path / article
        folder.mkdir()
        for f in (ROOT / EXAMPLE).iterdir():
            text = f.read_text(encoding="utf-8").replace("000_b748ee61ec8ac40c", f"x-{article}")
            (folder / f.name.replace("000_b748ee61ec8ac40c", f"x-{article}")).write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "kzar_ld", "build", str(tmp_path), "-f", "nquads", "-o", str(tmp_path / "o.nq")]
    colour = re.compile(rb"\x1b\[[0-9;]*(3[0-9]|38;[0-9;]+)m")
    coloured = stderr_on_terminal(command)
    assert b"ETA" in coloured and colour.search(coloured)  # the progress bar is in colour...
    plain = stderr_on_terminal(command, env={"NO_COLOR": "1"})
    assert b"ETA" in plain and not colour.search(plain)  # ...unless NO_COLOR is set


def _cli_modules_after(*args: str) -> list[str]:
    """The command modules a fresh ``kzar-ld ARGS`` imports."""
    import subprocess

    script = (
        "import sys\n"
        "from kzar_ld.cli import app\n"
        "try:\n"
        f"    app({list(args)!r}, prog_name='kzar-ld')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('kzar_ld.cli.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    return done.stdout.splitlines()[-1].split()


def test_help_and_version_import_no_command_module() -> None:
    assert _cli_modules_after("--help") == []
    assert _cli_modules_after("--version") == []


def test_a_command_imports_only_its_own_module() -> None:
    assert _cli_modules_after("draft", "--help") == ["kzar_ld.cli.draft"]
    assert _cli_modules_after("build", "--help") == ["kzar_ld.cli.batch", "kzar_ld.cli.build"]


def test_the_command_table_matches_the_commands() -> None:
    import importlib
    import pkgutil

    import kzar_ld.cli as cli

    for module in pkgutil.iter_modules(cli.__path__):
        importlib.import_module(f"kzar_ld.cli.{module.name}")
    registered = {info.name or info.callback.__name__ for info in app.registered_commands if info.callback}
    assert registered == set(cli.COMMANDS)
    for name, (module_name, text) in cli.COMMANDS.items():
        command = cli._load_command(name)
        assert command.callback is not None and command.callback.__module__ == f"kzar_ld.cli.{module_name}"
        assert " ".join((command.help or "").split("\n\n")[0].split()) == text, name


@pytest.mark.parametrize("width", [60, 80, 200])
def test_help_lists_the_commands_as_the_loaded_commands_would(width: int) -> None:
    import typer.main
    from typer.core import TyperGroup

    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    context = group.context_class(group, terminal_width=width, max_content_width=width)
    lazy, loaded = context.make_formatter(), context.make_formatter()
    assert lazy.width == width
    group.format_commands(context, lazy)
    TyperGroup.format_commands(group, context, loaded)  # imports and asks every command
    assert lazy.getvalue() == loaded.getvalue()
    assert "build" in lazy.getvalue() and "validate" in lazy.getvalue()


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    result = runner.invoke(app, ["buld"])
    assert result.exit_code == 2
    assert "No such command 'buld'" in result.output and "'build'" in result.output
