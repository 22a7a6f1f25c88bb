"""Regression (issue 12, item 5): bundled queries gave duplicates over a store's union default graph.

With Oxigraph's `--union-default-graph`, an entity shared by several article graphs came back
once per graph (`articles-mentioning` 36 rows against 32 locally). Bundled queries are DISTINCT
where they mean sets, and over a real Oxigraph endpoint they answer as the local engines do.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from _corpora import ARTICLES, article, dataset
from conftest import _oxigraph_binary, free_port
from rdflib import Literal
from rdflib.term import Identifier

from kzar_ld import PublishStatus, publish
from kzar_ld.namespaces import XSD
from kzar_ld.sparql.engine import bundled_queries, query, query_endpoint
from kzar_ld.validation.vocab import INTEGER_TYPES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def union_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph on a loopback port, started as docs/publishing.md's quick start says."""
    location = tmp_path_factory.mktemp("oxigraph-union")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (location / "server.log").open("wb")
    process = subprocess.Popen(
        [
            _oxigraph_binary(),
            "serve",
            "--location",
            str(location / "data"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, (location / "server.log").read_text()[-500:]
            try:
                with requests.get(base + "/", timeout=0.5) as answer:
                    if answer.status_code == 200:
                        break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "oxigraph did not start"
            time.sleep(0.05)
        report = publish([article(name) for name in ARTICLES], store=f"{base}/store", verify=True)
        assert [r.status for r in report.results] == [PublishStatus.OK] * len(ARTICLES)
        yield f"{base}/query"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(location, ignore_errors=True)


def canonical(rows: tuple[tuple[Identifier | None, ...], ...]) -> list[tuple[Identifier | None, ...]]:
    """Rows as Oxigraph stores them: integer-derived datatypes become xsd:integer (docs/publishing.md)."""

    def term(t: Identifier | None) -> Identifier | None:
        if isinstance(t, Literal) and t.datatype in INTEGER_TYPES:
            return Literal(str(int(t)), datatype=XSD.integer)
        return t

    return [tuple(term(t) for t in row) for row in rows]


@pytest.mark.parametrize("name", [q.name for q in bundled_queries()])
def test_a_bundled_query_answers_over_the_endpoint_as_it_does_locally(name: str, union_store: str) -> None:
    sparql = next(q.text for q in bundled_queries() if q.name == name)
    remote = query_endpoint(union_store, sparql)
    local = query(dataset("all four"), sparql)
    assert remote.variables == local.variables
    assert canonical(remote.rows) == canonical(local.rows)
    assert len(set(remote.rows)) == len(remote.rows)


def test_the_store_does_repeat_shared_triples_so_the_queries_must_not(union_store: str) -> None:
    # The union default graph is a bag: Kazakhstan is typed in every article graph that has it.
    graphs = query(
        dataset("all four"),
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?x a schema:Country } FILTER (STRENDS(STR(?x), '/place/kazakhstan')) }",
    )
    countries = query_endpoint(union_store, "SELECT ?x WHERE { ?x a schema:Country } ORDER BY ?x")
    kazakhstan = [r for r in countries.rows if str(r[0]).endswith("/place/kazakhstan")]
    assert len(kazakhstan) == len(graphs.rows) > 1
    places = query_endpoint(union_store, next(q.text for q in bundled_queries() if q.name == "places"))
    assert len([r for r in places.rows if str(r[0]).endswith("/place/kazakhstan")]) == 1


def test_the_quick_start_starts_oxigraph_with_a_union_default_graph() -> None:
    text = Path("docs/publishing.md").read_text(encoding="utf-8")
    quick_start = text[: text.index("For each article, in order:")]
    assert "oxigraph serve --location ./store-data --bind 127.0.0.1:7878 --union-default-graph" in quick_start
