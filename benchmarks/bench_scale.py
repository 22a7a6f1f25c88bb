"""Archive scale: build, validate and write N-Quads for 1,000 and 10,000 synthetic articles.

Each synthetic article is the first example under a distinct id (so a distinct article IRI and
named graph). For every size and ``--jobs`` value the script runs ``kzar-ld build DIR -f nquads
-o OUT --jobs J -q`` as a separate process and prints wall time, articles/s, the peak resident
memory of the whole process tree (the command and its workers, sampled from /proc), the
per-article cost ratio between consecutive sizes, and the ratio to pyoxigraph parsing and
writing the same quads (the floor for any tool that writes this much RDF). The outputs of all
``--jobs`` values are compared byte for byte.

    python benchmarks/bench_scale.py                       # 1,000 and 10,000 articles, jobs 1 and 2
    python benchmarks/bench_scale.py --sizes 200 1000 --jobs 2
    python benchmarks/bench_scale.py --no-validate         # the same without SHACL

Linux only (/proc). Machines here have 2 cores and are noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kazinform-2023-08-24"
KZAR_LD = [sys.executable, "-m", "kzar_ld"]


def make_corpus(folder: Path, count: int) -> None:
    """``count`` article directories: the example's text and annotation under ids a000000…"""
    text = next(EXAMPLE.glob("*.txt")).read_text(encoding="utf-8")
    annotation = (EXAMPLE / "annotation.yaml").read_text(encoding="utf-8")
    old_id = "000_b748ee61ec8ac40c"
    for i in range(count):
        new_id = f"a{i:06d}"
        article = folder / new_id
        article.mkdir(parents=True)
        (article / f"{new_id}.txt").write_text(text, encoding="utf-8")
        (article / "annotation.yaml").write_text(annotation.replace(old_id, new_id), encoding="utf-8")


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (0 once it is gone)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def run_measured(command: list[str]) -> tuple[float, int]:
    """Run ``command``; return (wall seconds, peak RSS of its process tree in bytes)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err.decode()[-2000:]}")
    return elapsed, peak


def oxigraph_floor(nquads: Path) -> float:
    """Seconds for pyoxigraph to parse ``nquads`` and write them again (one process, in memory)."""
    import pyoxigraph as ox

    started = time.perf_counter()
    with open(nquads, "rb") as fh:
        quads = list(ox.parse(fh, format=ox.RdfFormat.N_QUADS))
    ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return time.perf_counter() - started


def stage_costs(corpus: Path, count: int) -> None:
    """Mean seconds per stage over ``count`` articles in this process, and validation against building."""
    sys.path.insert(0, str(ROOT))
    from kzar_ld.pipeline import expand_sources, run_pipeline

    sources = expand_sources([str(corpus)])[:count]
    totals: dict[str, float] = {}
    for outcome in run_pipeline(sources, jobs=1):
        for stage, seconds in outcome.timings:
            totals[stage] = totals.get(stage, 0.0) + seconds
    means = {stage: 1000 * total / len(sources) for stage, total in totals.items()}
    building = means.get("load", 0.0) + means.get("build", 0.0) + means.get("serialize", 0.0)
    shown = ", ".join(f"{stage} {ms:.1f} ms" for stage, ms in means.items())
    print(f"per article, {len(sources)} articles in one process: {shown}")
    print(f"validation / (load + build + serialize) = {means.get('validate', 0.0) / building:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--keep", type=Path, help="Build the corpora here and keep them.")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="kzar-bench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"kzar-ld build -f nquads, {'without' if args.no_validate else 'with'} validation; {os.cpu_count()} cores")
    print(
        f"{'articles':>9} {'jobs':>4} {'wall s':>8} {'articles/s':>10} {'ms/article':>10} "
        f"{'peak MB':>8} {'vs oxigraph':>11} {'ratio to prev size':>18}"
    )
    previous: dict[int, float] = {}
    try:
        first = workdir / f"corpus-{min(args.sizes)}"
        if not first.exists():
            make_corpus(first, min(args.sizes))
        stage_costs(first, min(200, min(args.sizes)))
        for size in sorted(args.sizes):
            corpus = workdir / f"corpus-{size}"
            if not corpus.exists():
                make_corpus(corpus, size)
            outputs: list[Path] = []
            for jobs in args.jobs:
                out = workdir / f"out-{size}-j{jobs}.nq"
                command = [*KZAR_LD, "build", str(corpus), "-f", "nquads", "-o", str(out), "--jobs", str(jobs), "-q"]
                if args.no_validate:
                    command.append("--no-validate")
                elapsed, peak = run_measured(command)
                floor = oxigraph_floor(out)
                per_article = elapsed / size
                ratio = f"{per_article / previous[jobs]:.2f}" if jobs in previous else "-"
                previous[jobs] = per_article
                print(
                    f"{size:>9,} {jobs:>4} {elapsed:>8.1f} {size / elapsed:>10.1f} {per_article * 1000:>10.1f} "
                    f"{peak / 1e6:>8.0f} {elapsed / floor:>10.0f}x {ratio:>18}",
                    flush=True,
                )
                outputs.append(out)
            same = all(p.read_bytes() == outputs[0].read_bytes() for p in outputs[1:])
            print(f"{'':>9} outputs for jobs {args.jobs}: {'byte-identical' if same else 'DIFFER'}", flush=True)
            for p in outputs:
                p.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
