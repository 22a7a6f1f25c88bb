"""Build and serialisation benchmark: time, peak memory and triples/s, against pyoxigraph as reference.

Usage::

    python benchmarks/bench_build.py                 # 1, 100 and 1,000 articles
    python benchmarks/bench_build.py --sizes 1,100   # quicker

Synthetic corpora are copies of the first example article with their own article id and entity
IRIs (about 1,180 triples each), so nothing is shared between articles. Each size runs in a fresh
process, so the peak resident memory (ru_maxrss) is that size's own. The reference column is
pyoxigraph parsing the same statements from N-Quads and writing them as Turtle; the last column
shows rdflib's own Turtle serialiser, which we do not use, for the smaller sizes.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import resource
import subprocess
import sys
import time
from types import MappingProxyType

EXAMPLE = "examples/kazinform-2023-08-24"


def synthetic(n: int):  # type: ignore[no-untyped-def]
    from kzar_ld import load_article

    base = load_article(EXAMPLE)
    out = []
    for i in range(n):
        slugs = MappingProxyType({k: f"{v}-{i:05d}" for k, v in base.slugs.items()})
        out.append(dataclasses.replace(base, id=f"synthetic-{i:05d}", slugs=slugs))
    return out


def measure(n: int, rdflib_turtle: bool) -> dict[str, float]:
    import pyoxigraph as ox

    from kzar_ld import Format, build_graph, serialize

    articles = synthetic(n)
    row: dict[str, float] = {"articles": n}
    t = time.perf_counter()
    ds = build_graph(articles)
    row["build_s"] = time.perf_counter() - t
    row["triples"] = len(ds)
    for fmt in Format:
        t = time.perf_counter()
        data = serialize(ds, format=fmt)
        row[f"{fmt.value}_s"] = time.perf_counter() - t
        if fmt is Format.NQUADS:
            nquads = data
    t = time.perf_counter()
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    row["ox_parse_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.TURTLE)
    row["ox_turtle_s"] = time.perf_counter() - t
    if rdflib_turtle:
        from rdflib import Graph

        g = Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
        t = time.perf_counter()
        g.serialize(format="turtle")
        row["rdflib_turtle_s"] = time.perf_counter() - t
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rdflib-turtle", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.rdflib_turtle)))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(n)] + (["--rdflib-turtle"] if n <= 100 else [])
        rows.append(json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout))
    fmts = ["turtle", "json-ld", "nt", "nquads", "trig", "xml"]
    print(
        f"{'articles':>8} {'triples':>9} {'build s':>8} "
        + " ".join(f"{f + ' s':>10}" for f in fmts)
        + f" {'ox parse':>9} {'ox ttl':>8} {'rdflib ttl':>10} {'peak MB':>8}"
    )
    for r in rows:
        rd = f"{r['rdflib_turtle_s']:10.3f}" if "rdflib_turtle_s" in r else f"{'-':>10}"
        print(
            f"{int(r['articles']):>8} {int(r['triples']):>9} {r['build_s']:8.3f} "
            + " ".join(f"{r[f + '_s']:10.3f}" for f in fmts)
            + f" {r['ox_parse_s']:9.3f} {r['ox_turtle_s']:8.3f} {rd} {r['peak_rss_mb']:8.0f}"
        )
    print()
    print("triples/s (build + Turtle):")
    for r in rows:
        rate = r["triples"] / (r["build_s"] + r["turtle_s"])
        print(
            f"  {int(r['articles']):>5} articles: {rate:,.0f} triples/s; "
            f"Turtle {r['triples'] / r['turtle_s']:,.0f}/s, JSON-LD {r['triples'] / r['json-ld_s']:,.0f}/s, "
            f"ours/pyoxigraph Turtle time {r['turtle_s'] / r['ox_turtle_s']:.1f}x"
        )
    for first, last in itertools.pairwise(rows):
        scale = last["articles"] / first["articles"]
        print(f"\nlinearity, {int(first['articles'])} -> {int(last['articles'])} articles (x{scale:.0f} data):")
        for key in ["build_s"] + [f + "_s" for f in fmts]:
            per_first = first[key] / first["articles"]
            per_last = last[key] / last["articles"]
            print(f"  {key[:-2]:>8}: per-article cost x{per_last / per_first:.2f}")
    if len(rows) > 1 and "rdflib_turtle_s" in rows[1]:
        r = rows[1]
        print(
            f"\nrdflib's own Turtle serialiser at {int(r['articles'])} articles: "
            f"{r['rdflib_turtle_s'] / r['turtle_s']:.0f}x slower than ours"
        )


if __name__ == "__main__":
    main()
