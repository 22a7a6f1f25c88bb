"""How long validation takes: start-up, the first article, and 1, 100, 1,000 articles at once.

The articles are synthetic: copies of the first article's graph with every IRI moved under its
own prefix (``https://kzar.example/id/a17/person/kairat-umarov``...), each in its own named graph,
so each copy is a distinct article of the same size (1,176 triples, 51 mentions). All of them go
into one :class:`rdflib.Dataset`, validated with one :func:`kzar_ld.validate` call; the cost per
article should stay flat as the number of articles grows.

Run from the repository root (the larger sizes take minutes and a few GB of memory)::

    python benchmarks/bench_validate.py                 # sizes 1, 100, 1000
    python benchmarks/bench_validate.py --sizes 1,10    # a quick look
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
from importlib.metadata import version

START = time.perf_counter()

from rdflib import Dataset, URIRef  # noqa: E402
from rdflib.term import Node  # noqa: E402

import kzar_ld  # noqa: E402

IMPORTED = time.perf_counter()

from kzar_ld.validation.frozen import frozen_graph  # noqa: E402
from kzar_ld.validation.shacl import validate  # noqa: E402
from kzar_ld.validation.vocab import check_schema_usage, inferred_types  # noqa: E402

EXAMPLE = "examples/kazinform-2023-08-24"
ID = "https://kzar.example/id/"
ARTICLE = URIRef(ID + "article/000_b748ee61ec8ac40c")


def copies(first: Dataset, count: int) -> Dataset:
    """``count`` distinct articles made from the first one, one named graph each."""
    triples = list(first.graph(ARTICLE))
    dataset = Dataset()
    for index in range(count):
        prefix = f"{ID}a{index}/"

        def move(term: Node, prefix: str = prefix) -> Node:
            if isinstance(term, URIRef) and term.startswith(ID):
                return URIRef(prefix + term[len(ID) :])
            return term

        graph = dataset.graph(move(ARTICLE))
        graph.addN((move(s), p, move(o), graph) for s, p, o in triples)
    return dataset


def median_ms(action: object, repeat: int = 5) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append(time.perf_counter() - began)
    return statistics.median(timings) * 1000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,1000", help="numbers of articles, comma-separated")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]

    print(
        f"kzar_ld validation benchmark: Python {platform.python_version()}, pyshacl {version('pyshacl')}, "
        f"rdflib {version('rdflib')}, pyoxigraph {version('pyoxigraph')}"
    )
    first = kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE))
    graph = first.graph(ARTICLE)
    mentions = len({s for s in graph.subjects() if "/mention/" in s and "#" not in s})
    began = time.perf_counter()
    report = validate(first)
    cold = time.perf_counter() - began
    assert report.conforms and not report.violations, report.to_text()

    print(f"import kzar_ld: {IMPORTED - START:.2f} s")
    print(f"first validation (imports pyshacl, reads the shapes and the vocabulary): {cold:.2f} s")
    whole = median_ms(lambda: validate(first))
    types = median_ms(lambda: frozen_graph([*graph, *inferred_types(list(graph))]))
    vocabulary = median_ms(lambda: check_schema_usage(graph))
    print(f"first article ({len(graph):,} triples, {mentions} mentions), median of 5: {whole:.0f} ms")
    print(
        f"  read-only copy with superclass types {types:.0f} ms, vocabulary check {vocabulary:.0f} ms, "
        f"SHACL + report {whole - types - vocabulary:.0f} ms"
    )
    print()
    print(f"{'articles':>8}  {'triples':>10}  {'build s':>8}  {'validate s':>10}  {'ms/article':>10}  {'vs 1':>6}")
    baseline = None
    for size in sizes:
        began = time.perf_counter()
        dataset = copies(first, size)
        built = time.perf_counter() - began
        began = time.perf_counter()
        report = validate(dataset)
        took = time.perf_counter() - began
        assert len(report.graphs) == size and not report.violations
        assert len(report.warnings) == 2 * size
        per_article = took / size * 1000
        baseline = baseline or per_article
        triples = sum(len(g) for g in dataset.graphs())
        print(
            f"{size:>8}  {triples:>10,}  {built:>8.1f}  {took:>10.2f}  {per_article:>10.1f}  "
            f"{per_article / baseline:>5.2f}x"
        )
        del dataset
    print()
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
