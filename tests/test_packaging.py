"""An installed wheel carries the shapes, ontologies, context and queries, found via importlib.resources."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("kzar_ld-*.whl")
    return found


def test_wheel_contains_the_data_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("kzar_ld/py.typed", "kzar_ld/contexts/schemaorg.jsonld", "kzar_ld/ontologies/kzar.ttl"):
        assert required in names
    shapes = [n for n in names if n.startswith("kzar_ld/shapes/") and n.endswith(".ttl")]
    source_shapes = sorted(p.name for p in (ROOT / "shapes").glob("*.ttl"))
    assert sorted(Path(n).name for n in shapes) == source_shapes
    assert any(n.startswith("kzar_ld-") and n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import kzar_ld, kzar_ld.resources as r\n"
        "print(kzar_ld.__file__)\n"
        "print(len(r.resource_files('shapes', suffix='.ttl')), len(r.resource_files('ontologies', suffix='.ttl')))\n"
        "print(r.schemaorg_context()['@context']['@vocab'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    path, counts, vocab = done.stdout.splitlines()
    assert path.startswith(str(target))
    n_shapes, n_ontologies = map(int, counts.split())
    assert n_shapes == len(list((ROOT / "shapes").glob("*.ttl")))
    assert n_ontologies >= 1
    assert vocab == "http://schema.org/"
