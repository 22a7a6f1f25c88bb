"""Parsing benchmark: article texts (every header layout) and whole articles (annotation, registry, quotes).

Usage::

    python benchmarks/bench_parse.py              # 2,000 rounds
    python benchmarks/bench_parse.py --rounds 200 # quicker

Prints the time per call of :func:`kzar_ld.parse_article_text` on the first example's text and
on each fictional layout text of ``tests/data/layouts``, and of :func:`kzar_ld.load_article` on
the first example (396 annotation lines, 44 mentions) and on an article that takes its shared
entities from ``tests/data/shared/entities.yaml``. The ratio column compares each with the
first example's text, so the cost of the header rules shows apart from the machine's speed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

EXAMPLE = Path("examples/kazinform-2023-08-24")
LAYOUTS = Path("tests/data/layouts")
SHARED = Path("tests/data/shared/fictional-credentials")


def per_call(fn: Callable[[], object], rounds: int) -> float:
    """Seconds per call, the best of three runs of ``rounds`` calls."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            fn()
        best = min(best, (time.perf_counter() - start) / rounds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()

    from kzar_ld import load_article, parse_article_text

    texts = {"first example text": (EXAMPLE / "000_b748ee61ec8ac40c.txt").read_bytes()}
    texts.update({f"layout {p.stem}": p.read_bytes() for p in sorted(LAYOUTS.glob("*.txt"))})
    for data in texts.values():  # warm up: imports, compiled patterns, caches
        parse_article_text(data)
    timings = {
        name: per_call(lambda data=data: parse_article_text(data), args.rounds)  # type: ignore[misc]
        for name, data in texts.items()
    }
    reference = timings["first example text"]
    print(f"{'input':<44} {'per call':>12} {'ratio':>7}")
    for name, seconds in timings.items():
        print(f"{name:<44} {seconds * 1e6:>9.1f} µs {seconds / reference:>7.2f}")
    rounds = max(args.rounds // 20, 5)
    for name, folder in (("load_article: first example", EXAMPLE), ("load_article: shared entities", SHARED)):
        seconds = per_call(lambda folder=folder: load_article(folder), rounds)  # type: ignore[misc]
        print(f"{name:<44} {seconds * 1e3:>9.2f} ms {seconds / reference:>7.0f}")


if __name__ == "__main__":
    main()
