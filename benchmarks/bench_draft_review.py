"""What drafting costs around the extractor: writing the YAML, checking it loads, re-drafting, counting.

Usage::

    python benchmarks/bench_draft_review.py              # every development article, 20 rounds
    python benchmarks/bench_draft_review.py --rounds 5   # quicker

For each article of the development set (``tests/data/draft/``) and the first example, it times,
per article and in milliseconds (the median over the rounds): the extractor alone; ``draft``
(the extractor plus marking every item unconfirmed); writing the YAML; resolving every id and
mention against the text (``check``: what ``draft_file`` does before writing, on the model;
``load``: the same from the written YAML, as ``kzar-ld build`` reads it); the ``--update``
merge of a fresh draft into one with half of each section confirmed; building the graph; and
``count_unconfirmed`` on it. The last line is the whole pipeline's mean per article,
and the ratio of the work around the extractor to the extractor itself.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

TEXTS = [
    *sorted(Path("tests/data/draft").glob("*/article.txt")),
    Path("examples/kazinform-2023-08-24/000_b748ee61ec8ac40c.txt"),
]


def timed(fn: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), value


def half_confirmed(ann: Any) -> Any:
    update = {}
    for section in ("people", "organizations", "places", "events"):
        items = getattr(ann, section)
        update[section] = tuple(i.model_copy(update={"confirmed": n % 2 == 0}) for n, i in enumerate(items))
    return ann.model_copy(update=update)


def load(yaml_text: str, text: Any) -> Any:
    from kzar_ld.annotated import resolve
    from kzar_ld.annotation import parse_annotation

    parsed, where = parse_annotation(yaml_text, source="annotation.yaml")
    return resolve(parsed, where, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    from kzar_ld.annotated import resolve
    from kzar_ld.annotation import Located
    from kzar_ld.article import parse_article_text
    from kzar_ld.drafting import draft
    from kzar_ld.drafting.extract import extract_annotation
    from kzar_ld.drafting.update import merge_drafts
    from kzar_ld.drafting.writer import dump_annotation
    from kzar_ld.mapping import build_graph, count_unconfirmed

    columns = ("extract", "draft", "write", "check", "load", "merge", "build", "count")
    print(f"{'article':28} {'chars':>6} " + " ".join(f"{c:>8}" for c in columns) + "  (ms, median)")
    totals = dict.fromkeys(columns, 0.0)
    for path in TEXTS:
        raw = path.read_text(encoding="utf-8")
        text = parse_article_text(raw, source=str(path))
        row: dict[str, float] = {}
        row["extract"], _ = timed(partial(extract_annotation, raw, source=str(path)), args.rounds)
        row["draft"], ann = timed(partial(draft, raw, source=str(path)), args.rounds)
        row["write"], yaml_text = timed(partial(dump_annotation, ann), args.rounds)
        row["check"], _ = timed(partial(resolve, ann, Located("annotation.yaml", {}), text), args.rounds)
        row["load"], article = timed(partial(load, yaml_text, text), args.rounds)
        row["merge"], _ = timed(partial(merge_drafts, half_confirmed(ann), ann), args.rounds)
        row["build"], graph = timed(partial(build_graph, article), args.rounds)
        row["count"], count = timed(partial(count_unconfirmed, graph), args.rounds)
        for c in columns:
            totals[c] += row[c]
        name = path.parent.name if path.name == "article.txt" else path.stem
        print(
            f"{name[:28]:28} {len(raw):>6} " + " ".join(f"{row[c]:>8.2f}" for c in columns) + f"  {count} unconfirmed"
        )
    n = len(TEXTS)
    mean = {c: totals[c] / n for c in columns}
    print(f"{'mean per article':28} {'':>6} " + " ".join(f"{mean[c]:>8.2f}" for c in columns))
    around = mean["draft"] - mean["extract"] + mean["write"] + mean["check"]
    whole = mean["draft"] + mean["write"] + mean["check"]
    print(f"kzar-ld draft per article (draft + write + check): {whole:.1f} ms")
    ratio = around / mean["extract"]
    print(f"around the extractor: {around:.1f} ms = {ratio:.2f}x the extractor ({mean['extract']:.1f} ms)")


if __name__ == "__main__":
    main()
