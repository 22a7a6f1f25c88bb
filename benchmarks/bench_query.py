"""Query benchmark: the bundled queries on 1, 100 and 1,000 articles, rdflib and pyoxigraph side by side.

Usage::

    python benchmarks/bench_query.py                      # 1, 100 and 1,000 articles
    python benchmarks/bench_query.py --sizes 1,100        # quicker
    python benchmarks/bench_query.py --limit 30           # give up on a query after 30 s

Synthetic corpora are copies of the first example article, each with its own article id, events
and roles, while people, organisations, places and the diplomatic relation keep one IRI across
articles, as real articles share them (about 1,180 triples per article). Each size runs in a fresh
process. For each query the table gives the time of rdflib's in-memory engine and of pyoxigraph
(through :class:`kzar_ld.sparql.OxigraphStore`), their ratio, the number of result rows, and
whether both engines gave the same answer. A query that runs longer than ``--limit`` seconds is
stopped (``query(..., timeout=)``) and shown as ``>limit``. Loading is timed apart: building the
rdflib dataset, and copying it into pyoxigraph.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import time
from types import MappingProxyType

EXAMPLE = "examples/kazinform-2023-08-24"

# Besides the bundled queries: a plain count over a join, a property path, a filter, and a join
# written the natural way, which rdflib's static join order turns into a cross product (it
# starts from both type patterns); the bundled queries are written to avoid that.
EXTRA = {
    "count-join": "SELECT (COUNT(*) AS ?n) WHERE { ?e schema:attendee ?p . ?p schema:name ?name }",
    "path": "SELECT (COUNT(*) AS ?n) WHERE { ?v a kzar:WorkingVisit ; schema:subEvent+ ?e }",
    "filter": "SELECT ?a ?s WHERE { ?a oa:start ?s FILTER (?s > 2600) }",
    "naive-join": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a oa:Annotation ; oa:hasTarget ?t . "
        "?t oa:hasSelector ?s . ?s a oa:TextPositionSelector ; oa:start ?start }"
    ),
}


def synthetic(n: int):  # type: ignore[no-untyped-def]
    from kzar_ld import load_article

    base = load_article(EXAMPLE)

    def own(key: str) -> bool:
        # Events and roles belong to one article; everything else is shared.
        return base.kinds.get(key) == "events" or "\x00" in key

    out = []
    for i in range(n):
        slugs = MappingProxyType({k: f"{v}-{i:05d}" if own(k) else v for k, v in base.slugs.items()})
        out.append(dataclasses.replace(base, id=f"synthetic-{i:05d}", slugs=slugs))
    return out


def measure(n: int, limit: float) -> dict[str, object]:
    from kzar_ld import build_graph
    from kzar_ld.errors import QueryError
    from kzar_ld.sparql.engine import Engine, bundled_queries, open_store, query

    row: dict[str, object] = {"articles": n}
    t = time.perf_counter()
    data = build_graph(synthetic(n))
    row["build_s"] = time.perf_counter() - t
    row["triples"] = len(data)
    stores = {}
    for engine in Engine:
        t = time.perf_counter()
        stores[engine] = open_store(data, engine=engine)
        row[f"open_{engine.value}_s"] = time.perf_counter() - t
    queries = {q.name: q.text for q in bundled_queries()} | EXTRA
    results: dict[str, dict[str, object]] = {}
    for name, text in queries.items():
        answers = {}
        entry: dict[str, object] = {}
        for engine in Engine:
            t = time.perf_counter()
            try:
                answers[engine] = query(stores[engine], text, timeout=limit)
                entry[engine.value] = time.perf_counter() - t
            except QueryError:
                entry[engine.value] = None  # stopped after `limit` seconds
        done = [a for a in answers.values()]
        entry["rows"] = len(done[-1].rows) if done else None
        entry["same"] = len(done) == 2 and done[0] == done[1]
        results[name] = entry
    row["queries"] = results
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def _seconds(value: object, limit: float) -> str:
    return f">{limit:g}" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a query is stopped")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.limit)))
        return
    for n in (int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(n), "--limit", str(args.limit)]
        row = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        print(
            f"\n{n} article(s), {row['triples']:,} triples: build {row['build_s']:.2f} s, "
            f"copy into pyoxigraph {row['open_oxigraph_s']:.2f} s, peak {row['peak_rss_mb']:.0f} MB"
        )
        print(f"  {'query':<26} {'rdflib s':>9} {'oxigraph s':>10} {'ratio':>8} {'rows':>7} same")
        ratios = []
        for name, entry in row["queries"].items():
            a, b = entry["rdflib"], entry["oxigraph"]
            if a is not None and b is not None and b > 0:
                ratio = f"{a / b:7.0f}x"
                ratios.append(a / b)
            elif a is None and b is not None:
                ratio = f">{args.limit / max(b, 1e-6):6.0f}x"
            else:
                ratio = f"{'-':>8}"
            rows = "-" if entry["rows"] is None else str(entry["rows"])
            same = "yes" if entry["same"] else ("-" if a is None or b is None else "NO")
            print(f"  {name:<26} {_seconds(a, args.limit):>9} {_seconds(b, args.limit):>10} {ratio} {rows:>7} {same}")
        if ratios:
            ratios.sort()
            print(
                f"  rdflib / oxigraph: median {ratios[len(ratios) // 2]:.0f}x, "
                f"range {ratios[0]:.1f}x to {ratios[-1]:.0f}x (queries that finished on both)"
            )


if __name__ == "__main__":
    main()
