"""Static site benchmark: time, files and peak memory of ``build_site`` for 10, 100 and 1,000 articles.

Usage::

    python benchmarks/bench_site.py                  # 10, 100 and 1,000 articles
    python benchmarks/bench_site.py --sizes 10,100   # quicker
    python benchmarks/bench_site.py --dir /dev/shm   # write to memory: the generator, not the disk

Synthetic corpora are copies of the first example article, each with its own article id and
publication date (one a day from 2020-01-01). People, events, relations, roles and occupations get
their own IRIs per copy; places and organisations keep theirs, so, as in a real corpus, their
entity pages gather statements and mentions from every article. Each size runs in a fresh
process (peak resident memory is that size's own) and writes to a temporary folder (in ``--dir``,
the system's temporary folder by default) that is removed afterwards. A site has four files per
IRI, so on a slow disk the wall time is mostly the file system's: the CPU column is the
generator's own work. The per-article cost ratio between consecutive sizes shows whether the
generator stays linear.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import MappingProxyType

EXAMPLE = "examples/kazinform-2023-08-24"
SHARED = ("places", "organizations")


def synthetic(n: int):  # type: ignore[no-untyped-def]
    from kzar_ld import load_article

    base = load_article(EXAMPLE)
    first = dt.date(2020, 1, 1)
    out = []
    for i in range(n):
        slugs = MappingProxyType(
            {k: v if base.kinds.get(k.split("\x00", 1)[0]) in SHARED else f"{v}-{i:05d}" for k, v in base.slugs.items()}
        )
        out.append(
            dataclasses.replace(base, id=f"synthetic-{i:05d}", slugs=slugs, date_published=first + dt.timedelta(days=i))
        )
    return out


def measure(n: int, where: str | None) -> dict[str, float]:
    from kzar_ld import build_graph
    from kzar_ld.web import build_site

    articles = synthetic(n)
    row: dict[str, float] = {"articles": n}
    t = time.perf_counter()
    ds = build_graph(articles)
    row["build_s"] = time.perf_counter() - t
    row["triples"] = len(ds)
    folder = Path(tempfile.mkdtemp(prefix="kzar-bench-site-", dir=where))
    try:
        t, cpu = time.perf_counter(), time.process_time()
        site = build_site(ds, folder / "site")
        row["site_s"] = time.perf_counter() - t
        row["site_cpu_s"] = time.process_time() - cpu
        row["resources"] = site.resources
        row["files"] = site.files
        row["megabytes"] = sum(p.stat().st_size for p in (folder / "site").rglob("*") if p.is_file()) / 1e6
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--dir", help="where to write the sites (default: the system's temporary folder)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.dir)))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(n)] + (["--dir", args.dir] if args.dir else [])
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"the {n}-article run failed ({done.returncode}):\n{done.stderr[-3000:]}")
        rows.append(json.loads(done.stdout))
    print(
        f"{'articles':>8} {'triples':>9} {'build s':>8} {'site s':>8} {'cpu s':>8} {'resources':>10} {'files':>8} "
        f"{'MB':>7} {'files/s':>8} {'ms/article':>10} {'peak MB':>8}"
    )
    for r in rows:
        print(
            f"{int(r['articles']):>8} {int(r['triples']):>9} {r['build_s']:8.2f} "
            f"{r['site_s']:8.2f} {r['site_cpu_s']:8.2f} "
            f"{int(r['resources']):>10} {int(r['files']):>8} {r['megabytes']:7.1f} "
            f"{r['files'] / r['site_s']:8.0f} {1000 * r['site_s'] / r['articles']:10.1f} {r['peak_rss_mb']:8.0f}"
        )
    for first, last in itertools.pairwise(rows):
        scale = last["articles"] / first["articles"]
        ratios = {
            key: (last[key] / last["articles"]) / (first[key] / first["articles"]) for key in ("site_s", "site_cpu_s")
        }
        print(
            f"\nlinearity, {int(first['articles'])} -> {int(last['articles'])} articles (x{scale:.0f} data): "
            f"site per-article cost x{ratios['site_s']:.2f} (wall), x{ratios['site_cpu_s']:.2f} (CPU)"
        )


if __name__ == "__main__":
    main()
