"""Start-up: how long a fresh process takes for ``--version``, ``--help`` and a one-article build.

Each command runs as a new process, several times, interleaved with the references, so that a
noisy machine slows all of them alike; the script prints the median wall time of each and its
ratio to ``python -c "import typer"`` (the floor for any Typer CLI) and to
``python -c "import rdflib"``. The one-article build validates and writes Turtle, like the
README's first command; a further row imports the libraries that build needs and does nothing
else, the floor under its time.

    python benchmarks/bench_startup.py              # 15 rounds
    python benchmarks/bench_startup.py --rounds 5
    python benchmarks/bench_startup.py --importtime  # then: the slowest imports of a build

Machines here have 2 cores and are noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kazinform-2023-08-24"
PY = [sys.executable]
IMPORT_FLOOR = "python -c 'import typer, rdflib, pydantic, pyoxigraph, yaml, pyshacl'"


def commands(out: Path) -> dict[str, list[str]]:
    return {
        "python -c 'import typer'": [*PY, "-c", "import typer"],
        "python -c 'import rdflib'": [*PY, "-c", "import rdflib"],
        # What a validating build cannot do without: the libraries it imports, and nothing else.
        IMPORT_FLOOR: [*PY, "-c", "import typer, rdflib, pydantic, pyoxigraph, yaml, pyshacl"],
        "kzar-ld --version": [*PY, "-m", "kzar_ld", "--version"],
        "kzar-ld --help": [*PY, "-m", "kzar_ld", "--help"],
        "kzar-ld build (one article, validating)": [*PY, "-m", "kzar_ld", "build", str(EXAMPLE), "-o", str(out)],
        "kzar-ld build --no-validate": [*PY, "-m", "kzar_ld", "build", str(EXAMPLE), "--no-validate", "-o", str(out)],
    }


def run(argv: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - began


def importtime(out: Path, top: int) -> None:
    argv = [*PY, "-X", "importtime", "-m", "kzar_ld", "build", str(EXAMPLE), "-o", str(out)]
    done = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if cumulative.isdigit():
            rows.append((int(cumulative), name))
    print(f"\nslowest imports of a one-article build (cumulative, top {top}):")
    for micros, name in sorted(rows, reverse=True)[:top]:
        print(f"  {micros / 1000:8.1f} ms  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of a build")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "article.ttl"
        table = commands(out)
        times: dict[str, list[float]] = {name: [] for name in table}
        for argv in table.values():  # warm the file cache and the bytecode first
            run(argv)
        for _ in range(args.rounds):
            for name, argv in table.items():
                times[name].append(run(argv))
        typer_floor = statistics.median(times["python -c 'import typer'"])
        rdflib_floor = statistics.median(times["python -c 'import rdflib'"])
        print(f"kzar_ld start-up, {args.rounds} rounds, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        width = max(map(len, times))
        print(f"{'command':{width}} {'median':>8} {'min':>8} {'/ typer':>8} {'/ rdflib':>9}")
        for name, values in times.items():
            median = statistics.median(values)
            ratios = f"{median / typer_floor:7.2f}x {median / rdflib_floor:8.2f}x"
            print(f"{name:{width}} {median:7.3f}s {min(values):7.3f}s {ratios}")
        if args.importtime:
            importtime(out, top=25)


if __name__ == "__main__":
    main()
