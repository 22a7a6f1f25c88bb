"""Publish benchmark: articles/s into a real Oxigraph server, and where the time goes.

Usage::

    python benchmarks/bench_publish.py                   # 1,000 articles
    python benchmarks/bench_publish.py --articles 100    # quicker

A local ``oxigraph serve`` is started on a free loopback port with a temporary directory and
stopped at the end. The synthetic articles are copies of the first example article, each with
its own article id and entity IRIs (about 1,180 triples each), so every one is a new graph.

Rows:

* ``build + N-Triples``: build each article's graph and serialise it (no network);
* ``PUT only``: send those prepared bodies with :func:`kzar_ld.remote.graph_put` over one
  connection (the network and the store's ingestion alone);
* ``count (verify)``: one SPARQL count per graph, as ``--verify`` does;
* ``publish()``: the whole job per article (build, SHACL validation, serialise, PUT) into a
  fresh store, the same as ``kzar-ld publish``; the next row adds ``verify=True``;
* ``oxigraph load (bulk)``: the reference for a first, offline load: the same quads as one
  N-Quads file given to ``oxigraph load`` (no server, no HTTP, no per-graph transaction).

Ratios compare each row with ``publish()``; the validation share is what ``publish()`` costs on
top of the other steps.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType

import requests

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kazinform-2023-08-24"


def synthetic(n: int) -> list:  # type: ignore[type-arg]
    from kzar_ld import load_article

    base = load_article(EXAMPLE)
    out = []
    for i in range(n):
        slugs = MappingProxyType({k: f"{v}-{i:05d}" for k, v in base.slugs.items()})
        out.append(dataclasses.replace(base, id=f"synthetic-{i:05d}", slugs=slugs))
    return out


def oxigraph_command() -> str:
    binary = Path(sys.executable).with_name("oxigraph")
    command = str(binary) if binary.is_file() else shutil.which("oxigraph")
    if command is None:
        raise SystemExit("the oxigraph server is needed: pip install oxigraph")
    return command


def bulk_load(prepared: list[tuple[str, int, bytes]]) -> float:
    """Seconds ``oxigraph load`` takes for all graphs as one N-Quads file (a fresh store)."""
    folder = Path(tempfile.mkdtemp(prefix="kzar-bench-load-"))
    try:
        nquads = folder / "all.nq"
        with nquads.open("wb") as out:
            for iri, _, body in prepared:
                # A canonical N-Triples line ends in " ."; put the graph name before the dot.
                tail = f" <{iri}> .\n".encode()
                out.writelines(line[:-2] + tail for line in body.splitlines() if line)
        started = time.perf_counter()
        subprocess.run(
            [oxigraph_command(), "load", "--location", str(folder / "data"), "--file", str(nquads)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def oxigraph() -> Iterator[str]:
    """Start ``oxigraph serve`` on a free loopback port; yield its base URL."""
    command = oxigraph_command()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="kzar-bench-oxigraph-"))
    process = subprocess.Popen(
        [command, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with requests.get(base + "/", timeout=0.5) as answer:
                    if answer.ok:
                        break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("oxigraph did not start") from None
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def clear(base: str) -> None:
    with requests.post(
        base + "/update",
        data=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
        timeout=600,
    ) as answer:
        answer.raise_for_status()


def row(name: str, seconds: float, articles: int, triples: int, reference: float | None) -> str:
    ratio = f"{seconds / reference:6.2f}x" if reference else "      -"
    return (
        f"{name:<22} {seconds:9.2f} s {articles / seconds:10.1f} articles/s "
        f"{triples / seconds:12,.0f} triples/s {ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="how many articles (1000)")
    args = parser.parse_args()
    n = args.articles

    from rdflib import URIRef

    from kzar_ld import DEFAULT_BASE, Format, build_graph, serialize
    from kzar_ld.publishing import publish
    from kzar_ld.remote import HttpSettings, count_triples, graph_put

    articles = synthetic(n)
    settings = HttpSettings(read_timeout=120)
    with oxigraph() as base:
        store, query = base + "/store", base + "/query"

        started = time.perf_counter()
        prepared = []
        for article in articles:
            dataset = build_graph(article)
            iri = f"{DEFAULT_BASE}article/{article.id}"
            prepared.append((iri, len(dataset.graph(URIRef(iri))), serialize(dataset, format=Format.NT)))
        t_build = time.perf_counter() - started
        triples = sum(t for _, t, _ in prepared)

        with requests.Session() as session:
            started = time.perf_counter()
            for iri, _, body in prepared:
                graph_put(
                    store,
                    iri,
                    body,
                    content_type="application/n-triples",
                    settings=settings,
                    session=session,
                )
            t_put = time.perf_counter() - started
            started = time.perf_counter()
            for iri, expected, _ in prepared:
                if count_triples(query, iri, settings=settings, session=session) != expected:
                    raise SystemExit(f"{iri}: the store does not hold what was sent")
            t_count = time.perf_counter() - started

        clear(base)
        report = publish(articles, store=store, settings=settings)
        report.raise_for_failures()
        t_publish = report.elapsed
        assert report.triples == triples

        clear(base)
        verified = publish(articles, store=store, settings=settings, verify=True)
        verified.raise_for_failures()
        t_verified = verified.elapsed

    t_bulk = bulk_load(prepared)
    per_article = triples // n
    print(f"publish benchmark: {n} synthetic articles, {triples:,} triples ({per_article} each)")
    print(f"{'step':<22} {'time':>11} {'rate':>21} {'':>22} vs publish()")
    print(row("build + N-Triples", t_build, n, triples, t_publish))
    print(row("PUT only", t_put, n, triples, t_publish))
    print(row("count (verify)", t_count, n, triples, t_publish))
    print(row("publish()", t_publish, n, triples, t_publish))
    print(row("publish(verify=True)", t_verified, n, triples, t_publish))
    print(row("oxigraph load (bulk)", t_bulk, n, triples, t_publish))
    other = t_build + t_put
    print(
        f"validation and overhead: {max(t_publish - other, 0.0):.2f} s "
        f"({max(t_publish - other, 0.0) / t_publish:.0%} of publish()); "
        f"PUT: {t_put / t_publish:.0%}; build + serialise: {t_build / t_publish:.0%}"
    )


if __name__ == "__main__":
    main()
