"""``kzar-ld build``: stdout by default, atomic -o, exit codes, one-line errors, help with examples."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kzar_ld import Format, build_graph, load_article, serialize
from kzar_ld.cli import app

EXAMPLE = "examples/kazinform-2023-08-24"
runner = CliRunner()


def test_build_writes_turtle_to_stdout() -> None:
    result = runner.invoke(app, ["build", EXAMPLE, "-q"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == serialize(build_graph(load_article(EXAMPLE)))
    assert result.stderr == ""


@pytest.mark.parametrize("article", [EXAMPLE, "tests/data/articles/fictional-round-table"])
def test_build_reports_shacl_warnings_as_validate_counts_them(article: str) -> None:
    from kzar_ld import validate

    warnings = validate(build_graph(load_article(article))).warnings
    result = runner.invoke(app, ["build", article])
    assert result.exit_code == 0, result.stderr
    if warnings:
        noun = "warning" if len(warnings) == 1 else "warnings"
        assert f"{article}: {len(warnings)} SHACL {noun}" in result.stderr
        assert warnings[0].message in result.stderr
    else:
        assert "warning" not in result.stderr


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_build_each_format_to_a_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out.data"
    result = runner.invoke(app, ["build", EXAMPLE, "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == serialize(build_graph(load_article(EXAMPLE)), format=Format(fmt))
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr


def test_several_articles_and_a_custom_base(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "build",
            EXAMPLE,
            "tests/data/articles/fictional-round-table",
            "-f",
            "nquads",
            "--base",
            "https://data.example.org/id",
        ],
    )
    assert result.exit_code == 0, result.stderr
    graphs = {line.rsplit(" ", 2)[-2] for line in result.stdout.splitlines()}
    assert graphs == {
        "<https://data.example.org/id/article/000_b748ee61ec8ac40c>",
        "<https://data.example.org/id/article/fictional-round-table>",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "kzar.example/id/"], "--base 'kzar.example/id/' is not an absolute http(s) IRI"),
        (["-o", "/nonexistent-dir/out.ttl"], "the directory '/nonexistent-dir' does not exist"),
        (["--max-bytes", "100"], "over the limit of 100 bytes"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["build", EXAMPLE, *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_unknown_format_is_a_usage_error_listing_the_formats() -> None:
    result = runner.invoke(app, ["build", EXAMPLE, "-f", "yaml"])
    assert result.exit_code == 2
    flat = " ".join(result.stderr.replace("│", " ").split())
    assert "'yaml' is not one of 'turtle', 'json-ld', 'nt', 'nquads', 'trig', 'xml'" in flat
    assert result.stdout == ""


def test_missing_article_directory() -> None:
    result = runner.invoke(app, ["build", "no/such/article"])
    assert result.exit_code == 2
    assert "no/such/article: no such article directory or annotation file" in result.stderr


def test_output_onto_an_input_is_refused_and_the_input_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    shutil.copytree(EXAMPLE, folder)
    text = folder / "000_b748ee61ec8ac40c.txt"
    before = text.read_bytes()
    result = runner.invoke(app, ["build", str(folder), "-o", str(text), "-f", "turtle"])
    assert result.exit_code == 2
    assert "refusing to overwrite the input file" in result.stderr
    assert text.read_bytes() == before


def test_a_failure_leaves_an_existing_output_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    out.write_bytes(b"keep me\n")
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE, folder)
    ann = folder / "annotation.yaml"
    ann.write_text(ann.read_text(encoding="utf-8").replace("mentions: [BMJ]", "mentions: [BJM]"), encoding="utf-8")
    result = runner.invoke(app, ["build", EXAMPLE, str(folder), "-o", str(out), "--fail-fast"])
    assert result.exit_code == 2
    assert "quote 'BJM' not found" in result.stderr
    assert out.read_bytes() == b"keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out.ttl"]


def test_a_bad_article_is_reported_and_the_others_are_written(tmp_path: Path) -> None:
    out = tmp_path / "out.nq"
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLE, folder)
    ann = folder / "annotation.yaml"
    ann.write_text(ann.read_text(encoding="utf-8").replace("mentions: [BMJ]", "mentions: [BJM]"), encoding="utf-8")
    result = runner.invoke(app, ["build", str(folder), EXAMPLE, "-f", "nquads", "-o", str(out)])
    assert result.exit_code == 2
    assert "quote 'BJM' not found" in result.stderr
    assert "1 of 2 articles" in result.stderr and f"1 failed: {folder}" in result.stderr
    assert out.read_bytes() == serialize(build_graph(load_article(EXAMPLE)), format=Format.NQUADS)


def test_help_has_examples() -> None:
    result = runner.invoke(app, ["build", "--help"])
    assert result.exit_code == 0
    assert "kzar-ld build examples/kazinform-2023-08-24 -f json-ld -o article.jsonld" in result.stdout


def test_console_script_and_module_entry_point(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("kzar-ld")
    for cmd in ([str(exe)], [sys.executable, "-m", "kzar_ld"]):
        done = subprocess.run([*cmd, "build", EXAMPLE, "-f", "nt"], capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        assert done.stdout == serialize(build_graph(load_article(EXAMPLE)), format=Format.NT)
    done = subprocess.run(
        [sys.executable, "-m", "kzar_ld", "build", "missing"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "kzar-ld: error: missing: no such article directory or annotation file"
    assert "Traceback" not in done.stderr


def _broken_copy(tmp_path: Path) -> Path:
    """The example with a person whose name part contradicts the name (a SHACL violation)."""
    folder = tmp_path / "broken"
    shutil.copytree(EXAMPLE, folder)
    ann = folder / "annotation.yaml"
    ann.write_text(
        ann.read_text(encoding="utf-8").replace("    family_name: Umarov\n", "    family_name: Smith\n"),
        encoding="utf-8",
    )
    return folder


def test_build_validates_and_writes_nothing_on_violations(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    out.write_bytes(b"keep me\n")
    result = runner.invoke(app, ["build", str(_broken_copy(tmp_path)), "-o", str(out)])
    assert result.exit_code == 1
    assert "kairat-umarov" in result.stderr
    assert "the data does not conform" in result.stderr
    assert out.read_bytes() == b"keep me\n"
    result = runner.invoke(app, ["build", str(_broken_copy(tmp_path / "again"))])
    assert result.exit_code == 1
    assert result.stdout == ""


def test_no_validate_skips_validation_loudly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(_broken_copy(tmp_path)), "--no-validate", "-f", "nt"])
    assert result.exit_code == 0
    assert "--no-validate: the output was NOT checked" in result.stderr
    assert '"Smith"' in result.stdout
