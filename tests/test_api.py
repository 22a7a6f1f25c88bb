"""The public API: one sorted ``__all__``, docstring examples that run, the README's snippets."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kzar_ld

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(kzar_ld.__path__, "kzar_ld.")
    if ".cli" not in m.name and m.name not in ("kzar_ld.__main__", "kzar_ld._version")
)


def test_all_is_sorted_unique_and_importable() -> None:
    # isort style, as ruff keeps it: CONSTANTS, then Classes, then functions and dunders.
    def style(name: str) -> tuple[int, str]:
        kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
        return kind, name

    assert kzar_ld.__all__ == sorted(kzar_ld.__all__, key=style)
    assert len(set(kzar_ld.__all__)) == len(kzar_ld.__all__)
    for name in kzar_ld.__all__:
        assert hasattr(kzar_ld, name), name


def test_the_type_checkers_imports_match_the_export_table() -> None:
    # __all__ comes from one table (name -> module); the TYPE_CHECKING imports must say the same.
    import ast

    tree = ast.parse(Path(kzar_ld.__file__).read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    imported = {
        alias.asname or alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == kzar_ld._LAZY
    for name, module in kzar_ld._LAZY.items():
        assert getattr(importlib.import_module(module), name) is getattr(kzar_ld, name), name


def test_main_job_is_exported() -> None:
    for name in ("load_article", "build_graph", "serialize", "write", "Format"):
        assert name in kzar_ld.__all__


@pytest.mark.parametrize("module", MODULES)
def test_module_has_a_docstring_and_its_examples_run(module: str) -> None:
    mod = importlib.import_module(module)
    assert mod.__doc__ and mod.__doc__.strip(), f"{module} has no docstring"
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_public_functions_have_docstrings() -> None:
    for name in kzar_ld.__all__:
        obj = getattr(kzar_ld, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, name


def _readme_blocks(lang: str) -> list[str]:
    text = Path("README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_readme_python_snippets_run(tmp_path: Path) -> None:
    blocks = _readme_blocks("python")
    assert blocks, "README has no python example"
    for block in blocks:
        done = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == 0, done.stderr


def test_readme_commands_are_the_ones_ci_and_users_run() -> None:
    main_job, tests = _readme_blocks("sh")[:2]
    assert "pip install . && kzar-ld build examples/kazinform-2023-08-24" in main_job
    test_cmd = tests.strip().split("&&")[-1].strip()
    assert test_cmd == "python -m pytest"
    ci_lines = [line.strip() for line in Path(".ci/run").read_text(encoding="utf-8").splitlines()]
    assert test_cmd in ci_lines


def test_import_loads_heavy_parts_only_on_first_use() -> None:
    code = (
        "import sys, kzar_ld\n"
        "heavy = ['pyshacl', 'requests', 'rdflib.plugins.sparql', 'kzar_ld.sparql.engine', 'kzar_ld.publishing']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
        "kzar_ld.query\n"
        "print('kzar_ld.sparql.engine' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, after = done.stdout.splitlines()
    assert loaded == ""
    assert after == "True"
