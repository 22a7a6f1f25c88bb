"""Drafting benchmark: quality against the hand-checked gold, and drafting time.

Usage::

    python benchmarks/bench_draft.py            # scores and times (1,000 drafts)
    python benchmarks/bench_draft.py --n 200    # quicker timing

The corpus is the first example article (its hand annotation is the gold) and the fictional
development set in ``tests/data/draft/``: ``d*`` articles are the ones the rules were tuned on,
``h*`` the held-out ones, reported separately. Precision, recall and F1 are micro-averaged over
the articles of each set, strict (exact names) and lenient (see ``kzar_ld.drafting.evaluation``).
Time is per article after start-up (the gazetteers are loaded once), and for 1,000 drafts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kzar_ld.annotated import load_article, resolve  # noqa: E402
from kzar_ld.annotation import Located  # noqa: E402
from kzar_ld.article import parse_article_text  # noqa: E402
from kzar_ld.drafting.evaluation import CATEGORIES, score_annotation, sum_scores  # noqa: E402
from kzar_ld.drafting.extract import draft_article  # noqa: E402
from kzar_ld.drafting.gazetteer import gazetteer  # noqa: E402


def corpus() -> list[tuple[str, Path]]:
    items = [("dev", ROOT / "examples/kazinform-2023-08-24")]
    for d in sorted((ROOT / "tests/data/draft").iterdir()):
        if d.is_dir():
            items.append(("held-out" if d.name.startswith("h") else "dev", d))
    return items


def text_file(d: Path) -> Path:
    return next(p for p in sorted(d.glob("*.txt")))


def score_one(d: Path) -> tuple[dict, float]:
    path = text_file(d)
    raw = path.read_text(encoding="utf-8")
    draft = draft_article(raw, source=path.name)
    gold = load_article(d)
    text = parse_article_text(raw, source=path.name)
    drafted = resolve(draft.annotation, Located("<draft>", {}), text)
    resolved = (
        {"date_published": drafted.date_published, "headline": drafted.headline},
        {"date_published": gold.date_published, "headline": gold.headline},
    )
    return score_annotation(
        draft.annotation, gold.annotation, body=text.body, gold_body=gold.text.body, resolved=resolved
    ), 0.0


def table(title: str, scores: dict) -> None:
    print(f"\n{title}")
    head = f"  {'category':<14} {'strict P':>8} {'R':>6} {'F1':>6}   {'lenient P':>9} {'R':>6} {'F1':>6}"
    print(head + "   (TP/FP/FN lenient)")
    for c in CATEGORIES:
        s, le = scores[c]["strict"], scores[c]["lenient"]
        print(
            f"  {c:<14} {s.precision:8.2f} {s.recall:6.2f} {s.f1:6.2f}"
            f"   {le.precision:9.2f} {le.recall:6.2f} {le.f1:6.2f}"
            f"   ({le.tp}/{le.fp}/{le.fn})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="drafts to time (default 1,000)")
    parser.add_argument("--per-article", action="store_true", help="print each article's lenient F1")
    args = parser.parse_args()

    t0 = time.perf_counter()
    gazetteer()
    startup = time.perf_counter() - t0
    items = corpus()
    by_set: dict[str, list] = {"dev": [], "held-out": []}
    for kind, d in items:
        s, _ = score_one(d)
        by_set[kind].append(s)
        if args.per_article:
            f = " ".join(f"{c[:5]}={s[c]['lenient'].f1:.2f}" for c in CATEGORIES)
            print(f"  {kind:<8} {d.name:<28} {f}")
    print(f"articles: {len(by_set['dev'])} development (incl. the first example), {len(by_set['held-out'])} held out")
    table("development set", sum_scores(by_set["dev"]))
    if by_set["held-out"]:
        table("held-out set (never tuned on)", sum_scores(by_set["held-out"]))
    table("all", sum_scores(by_set["dev"] + by_set["held-out"]))

    texts = [(text_file(d).read_text(encoding="utf-8"), text_file(d).name) for _, d in items]
    times = []
    for text, name in texts:  # warm the regular expressions once
        draft_article(text, source=name)
    t_all = time.perf_counter()
    for i in range(args.n):
        text, name = texts[i % len(texts)]
        t = time.perf_counter()
        draft_article(text, source=name)
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - t_all
    print(f"\nstart-up (lexicon, ISO 3166, GeoNames): {startup * 1000:.0f} ms")
    print(
        f"draft time per article: median {statistics.median(times) * 1000:.1f} ms, "
        f"mean {statistics.mean(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms (target < 50 ms)"
    )
    print(f"{args.n:,} drafts: {total:.2f} s ({args.n / total:.0f} articles/s)")


if __name__ == "__main__":
    main()
