"""kzar_ld.publishing: articles into a real Oxigraph store, one named graph each, safe to repeat.

What the store holds is read back over HTTP and compared with what was built. Oxigraph
canonicalises derived integer datatypes (``"68"^^xsd:nonNegativeInteger`` is stored as
``"68"^^xsd:integer``), so comparisons go through :func:`as_stored`, which applies exactly
that rewrite and nothing else; a test shows that it is needed and sufficient.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FaultServer, OxigraphServer, Reply, free_port
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kzar_ld.mapping
from kzar_ld.annotated import Article, load_article
from kzar_ld.errors import InputError, IriError, NotConformingError, RemoteError
from kzar_ld.iris import DEFAULT_BASE
from kzar_ld.mapping import Triple, build_graph
from kzar_ld.namespaces import SCHEMA, XSD
from kzar_ld.publishing import PublishReport, PublishStatus, derive_query_endpoint, publish
from kzar_ld.remote import HttpSettings, graph_get, sparql_query
from kzar_ld.validation.vocab import INTEGER_TYPES

FaultFactory = Callable[..., FaultServer]

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT / "examples" / "kazinform-2023-08-24"
SECOND = ROOT / "tests" / "data" / "articles" / "fictional-round-table"
FIRST_IRI = DEFAULT_BASE + "article/000_b748ee61ec8ac40c"
SECOND_IRI = DEFAULT_BASE + "article/fictional-round-table"
FAST = HttpSettings(connect_timeout=0.5, read_timeout=0.5, retries=2, backoff=0.01, max_wait=1.0)

# Every XML Schema type derived from xsd:integer: Oxigraph stores all of them as xsd:integer.
_INTEGER_TYPES = set(INTEGER_TYPES)


def as_stored(graph: Graph) -> Graph:
    """``graph`` as Oxigraph stores it: derived integer types become xsd:integer, canonical."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in _INTEGER_TYPES:
            o = Literal(str(int(str(o))), datatype=XSD.integer)
        out.add((s, p, o))
    return out


def built(article: Article) -> Graph:
    dataset = build_graph(article)
    graph = Graph()
    for triple in dataset.graph(URIRef(DEFAULT_BASE + f"article/{article.id}")):
        graph.add(triple)
    return graph


def has(graph: Graph, predicate: object, value: Literal) -> bool:
    """Whether some subject has ``predicate`` (any, if None) with ``value``."""
    return any(graph.triples((None, predicate, value)))  # type: ignore[arg-type]


def read_back(server: OxigraphServer, graph_iri: str) -> Graph:
    answer = graph_get(server.store, graph_iri)
    return Graph().parse(data=answer.text(), format="nt")


def graphs_in(server: OxigraphServer) -> set[str]:
    answer = sparql_query(
        server.query,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        accept="application/sparql-results+json",
    )
    return {row["g"]["value"] for row in answer.json()["results"]["bindings"]}


@pytest.fixture(scope="module")
def first() -> Article:
    return load_article(FIRST)


@pytest.fixture(scope="module")
def second() -> Article:
    return load_article(SECOND)


@pytest.fixture
def store(oxigraph_server: OxigraphServer) -> OxigraphServer:
    oxigraph_server.clear()
    return oxigraph_server


# ---------------------------------------------------------------------------------------------
# Done means: exactly the article's quads, repeatable, no stale triples, two graphs


def test_first_article_lands_as_exactly_its_quads(store: OxigraphServer, first: Article) -> None:
    report = publish([first], store=store.store)
    report.raise_for_failures()
    expected = built(first)
    [result] = report.results
    assert result.status is PublishStatus.OK and result.http_status in (200, 201, 204)
    assert (result.article_id, result.graph) == (first.id, FIRST_IRI)
    assert result.triples == len(expected) == report.triples
    assert store.quads() == len(expected)
    assert graphs_in(store) == {FIRST_IRI}
    stored = read_back(store, FIRST_IRI)
    assert isomorphic(stored, as_stored(expected))


def test_only_integer_datatypes_are_canonicalised_by_the_store(store: OxigraphServer, first: Article) -> None:
    publish([first], store=store.store).raise_for_failures()
    sent, stored = built(first), read_back(store, FIRST_IRI)
    changed = set(sent) - set(stored)
    # The comparison modulo canonicalisation is needed (offsets are nonNegativeInteger) ...
    assert changed
    assert {getattr(o, "datatype", None) for _, _, o in changed} <= _INTEGER_TYPES - {XSD.integer}
    # ... and every other triple (IRIs, strings, dates, years) comes back byte for byte.
    assert set(sent) - changed <= set(stored)


def test_what_is_read_back_from_the_store_still_validates(store: OxigraphServer, first: Article) -> None:
    from kzar_ld.validation.shacl import validate

    publish([first], store=store.store).raise_for_failures()
    dataset = Dataset()
    graph = dataset.graph(URIRef(FIRST_IRI))
    for triple in read_back(store, FIRST_IRI):
        graph.add(triple)
    validate(dataset).raise_for_violations()


def test_publishing_twice_leaves_the_store_as_after_the_first(store: OxigraphServer, first: Article) -> None:
    publish([first], store=store.store).raise_for_failures()
    after_first = read_back(store, FIRST_IRI)
    count = store.quads()
    again = publish([first], store=store.store)
    again.raise_for_failures()
    assert again.results[0].http_status in (200, 204)  # replaced, not created
    assert store.quads() == count
    assert isomorphic(read_back(store, FIRST_IRI), after_first)


def test_editing_the_annotation_leaves_no_stale_triples(store: OxigraphServer, tmp_path: Path) -> None:
    article_dir = tmp_path / "article"
    shutil.copytree(FIRST, article_dir)
    publish([load_article(article_dir)], store=store.store).raise_for_failures()
    old_description = Literal("First Deputy Foreign Minister of Kazakhstan")
    assert has(read_back(store, FIRST_IRI), SCHEMA.description, old_description)

    annotation = article_dir / "annotation.yaml"
    text = annotation.read_text(encoding="utf-8")
    edited = text.replace(
        "    description: First Deputy Foreign Minister of Kazakhstan\n",
        "    description: Kazakhstan's First Deputy Foreign Minister\n",
        1,
    ).replace("      - Kairat Umarov\n      - He\n", "      - Kairat Umarov\n", 1)
    assert edited != text and edited.count("\n") == text.count("\n") - 1
    annotation.write_text(edited, encoding="utf-8")

    edited_article = load_article(article_dir)
    expected = built(edited_article)
    report = publish([edited_article], store=store.store)
    report.raise_for_failures()
    stored = read_back(store, FIRST_IRI)
    assert store.quads() == len(expected) == report.triples
    assert isomorphic(stored, as_stored(expected))
    assert not has(stored, SCHEMA.description, old_description)
    assert not has(stored, None, Literal("He"))  # the removed mention's quote is gone


def test_two_articles_land_in_two_graphs_and_a_shared_entity_answers_for_both(
    store: OxigraphServer, first: Article, second: Article
) -> None:
    report = publish([first, second], store=store.store)
    report.raise_for_failures()
    assert [r.graph for r in report.results] == [FIRST_IRI, SECOND_IRI]
    assert graphs_in(store) == {FIRST_IRI, SECOND_IRI}
    assert store.quads() == len(built(first)) + len(built(second))
    kazakhstan = DEFAULT_BASE + "place/kazakhstan"
    answer = sparql_query(
        store.query,
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{kazakhstan}> ?p ?o }} }}",
        accept="application/sparql-results+json",
    )
    found = {row["g"]["value"] for row in answer.json()["results"]["bindings"]}
    assert found == {FIRST_IRI, SECOND_IRI}
    # Republishing one article leaves the other one's graph alone.
    publish([second], store=store.store).raise_for_failures()
    assert isomorphic(read_back(store, FIRST_IRI), as_stored(built(first)))


# ---------------------------------------------------------------------------------------------
# What is sent


def test_sent_body_is_the_named_graph_as_n_triples_with_datatypes_kept(
    fault_server: FaultFactory, first: Article
) -> None:
    server = fault_server(Reply(status=201))
    publish([first], store=server.url("/store"), settings=FAST).raise_for_failures()
    [request] = server.requests
    assert request.method == "PUT"
    assert request.headers["Content-Type"] == "application/n-triples"
    assert request.path == "/store?graph=https%3A%2F%2Fkzar.example%2Fid%2Farticle%2F000_b748ee61ec8ac40c"
    assert b"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>" in request.body
    sent = Graph().parse(data=request.body.decode(), format="nt")
    assert isomorphic(sent, built(first))


def test_base_changes_graph_iris(fault_server: FaultFactory, first: Article) -> None:
    server = fault_server(Reply(status=201))
    report = publish([first], store=server.url("/store"), base="https://data.example.org/id", settings=FAST)
    assert report.results[0].graph == "https://data.example.org/id/article/000_b748ee61ec8ac40c"
    assert b"<https://data.example.org/id/person/kairat-umarov>" in server.requests[0].body


def test_credentials_from_the_environment_are_used_by_default(
    fault_server: FaultFactory, first: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KZAR_LD_USER", raising=False)
    monkeypatch.delenv("KZAR_LD_PASSWORD", raising=False)
    monkeypatch.setenv("KZAR_LD_TOKEN", "publish-token-7")
    server = fault_server(Reply(status=204))
    publish([first], store=server.url("/store")).raise_for_failures()
    assert server.requests[0].headers["Authorization"] == "Bearer publish-token-7"


def test_dry_run_sends_nothing_and_says_what_would_be_sent(
    fault_server: FaultFactory, first: Article, second: Article
) -> None:
    server = fault_server(Reply(status=500))
    report = publish([first, second], store=server.url("/store"), dry_run=True, settings=FAST)
    assert server.hits == 0
    assert [r.status for r in report.results] == [PublishStatus.DRY_RUN] * 2
    assert report.ok and report.dry_run
    assert report.triples == len(built(first)) + len(built(second))
    assert all(r.size > r.triples > 0 and r.url.startswith(server.url("/store?graph=")) for r in report.results)
    report.raise_for_failures()


def test_progress_is_reported_after_each_article(fault_server: FaultFactory, first: Article, second: Article) -> None:
    server = fault_server(Reply(status=201))
    seen: list[tuple[int, int, str, PublishStatus]] = []
    publish(
        [first, second],
        store=server.url("/store"),
        settings=FAST,
        progress=lambda i, n, r: seen.append((i, n, r.article_id, r.status)),
    )
    assert seen == [
        (1, 2, first.id, PublishStatus.OK),
        (2, 2, second.id, PublishStatus.OK),
    ]


# ---------------------------------------------------------------------------------------------
# Verification


def test_verify_counts_through_the_derived_query_endpoint(store: OxigraphServer, first: Article) -> None:
    report = publish([first], store=store.store, verify=True)
    report.raise_for_failures()
    result = report.results[0]
    assert result.counted == result.triples == len(built(first))


def test_verify_mismatch_is_a_failure(
    store: OxigraphServer, fault_server: FaultFactory, first: Article, second: Article
) -> None:
    lying = fault_server(
        Reply(
            status=200,
            body=b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"7"}}]}}',
            headers={"Content-Type": "application/sparql-results+json"},
        )
    )
    report = publish(
        [first, second],
        store=store.store,
        query_endpoint=lying.url("/query"),
        verify=True,
        settings=FAST,
    )
    assert [r.status for r in report.results] == [PublishStatus.FAILED, PublishStatus.NOT_ATTEMPTED]
    assert report.results[0].counted == 7
    assert "verification failed: the store holds 7 triples" in (report.results[0].error or "")
    with pytest.raises(RemoteError) as info:
        report.raise_for_failures()
    assert info.value.exit_code == 3


def test_verify_with_a_truncated_count_is_a_failure_not_zero(
    store: OxigraphServer, fault_server: FaultFactory, first: Article
) -> None:
    broken = fault_server(
        Reply(
            status=200,
            body=b'{"head":{"vars":["n"]},"res',
            headers={"Content-Type": "application/sparql-results+json"},
        )
    )
    report = publish([first], store=store.store, query_endpoint=broken.url("/query"), verify=True, settings=FAST)
    result = report.results[0]
    assert result.status is PublishStatus.FAILED and result.counted is None
    assert "but verifying failed" in (result.error or "") and "not valid JSON" in (result.error or "")


def test_verify_without_a_derivable_query_endpoint_is_refused_before_any_work(
    fault_server: FaultFactory, first: Article
) -> None:
    server = fault_server(Reply(status=201))
    with pytest.raises(InputError, match="--verify needs the store's SPARQL query endpoint") as info:
        publish([first], store=server.url("/news/data"), verify=True, settings=FAST)
    assert info.value.exit_code == 2 and server.hits == 0


@pytest.mark.parametrize(
    ("store", "query"),
    [
        ("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/query"),
        ("https://127.0.0.1/ox/store/", "https://127.0.0.1/ox/query"),
        ("http://127.0.0.1:3030/news/data", None),
        ("http://127.0.0.1:7878/store?x=1", None),
        ("http://127.0.0.1:7878/datastore", None),
    ],
)
def test_derive_query_endpoint(store: str, query: str | None) -> None:
    assert derive_query_endpoint(store) == query


# ---------------------------------------------------------------------------------------------
# Failures


def test_store_down_fails_within_the_timeout_and_reports_what_was_not_published(
    first: Article, second: Article
) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    started = time.monotonic()
    report = publish([first, second], store=url, settings=FAST)
    assert time.monotonic() - started < 3
    assert [r.status for r in report.results] == [PublishStatus.FAILED, PublishStatus.NOT_ATTEMPTED]
    assert not report.ok and report.triples == 0
    with pytest.raises(RemoteError) as info:
        report.raise_for_failures()
    text = str(info.value)
    assert info.value.exit_code == 3 and info.value.url == report.results[0].url
    assert text.startswith(f"article {first.id}: PUT {url}?graph=")
    assert "cannot connect (connection refused)" in text
    assert f"published 0 of 2 articles, not published: {first.id}, {second.id}" in text


def test_500_twice_then_success_publishes(fault_server: FaultFactory, first: Article) -> None:
    server = fault_server(Reply(status=500), Reply(status=500), Reply(status=201))
    report = publish([first], store=server.url("/store"), settings=FAST)
    report.raise_for_failures()
    assert server.hits == 3 and report.results[0].http_status == 201


def test_failure_names_article_url_and_status(fault_server: FaultFactory, first: Article, second: Article) -> None:
    server = fault_server(Reply(status=201), Reply(status=413, body=b"payload too large"))
    report = publish([first, second], store=server.url("/store"), settings=FAST)
    assert [r.status for r in report.results] == [PublishStatus.OK, PublishStatus.FAILED]
    assert report.results[1].http_status == 413
    with pytest.raises(RemoteError) as info:
        report.raise_for_failures()
    text = str(info.value)
    assert info.value.status == 413
    assert text.startswith(f"article {second.id}: PUT {server.base}/store?graph=")
    assert "HTTP 413" in text and "payload too large" in text
    assert f"published 1 of 2 articles, not published: {second.id}" in text


def test_an_article_that_does_not_conform_is_not_sent(
    fault_server: FaultFactory, first: Article, second: Article, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_statements = kzar_ld.mapping.article_statements

    def without_headline(article: Article, *, base: str) -> tuple[URIRef, list[Triple]]:
        name, statements = real_statements(article, base=base)
        if article.id == first.id:
            statements = [t for t in statements if t[1] != SCHEMA.headline]
        return name, statements

    monkeypatch.setattr(kzar_ld.mapping, "article_statements", without_headline)
    server = fault_server(Reply(status=201))
    report = publish([first, second], store=server.url("/store"), settings=FAST)
    assert [r.status for r in report.results] == [PublishStatus.SKIPPED_INVALID, PublishStatus.OK]
    assert server.hits == 1 and "fictional-round-table" in server.requests[0].path
    assert report.results[0].error
    with pytest.raises(NotConformingError) as info:
        report.raise_for_failures()
    assert info.value.exit_code == 1
    assert f"1 of 2 articles do not conform and were not sent ({first.id})" in str(info.value)


def test_bad_store_url_and_base_are_refused_before_any_work(fault_server: FaultFactory) -> None:
    never_built: list[Article] = []  # an empty run still checks its arguments first
    with pytest.raises(InputError, match=re.escape("--store 'ftp://127.0.0.1/store' is not an absolute http")):
        publish(never_built, store="ftp://127.0.0.1/store")
    with pytest.raises(InputError, match="--query-endpoint 'nowhere' is not an absolute http"):
        publish(never_built, store="http://127.0.0.1:1/store", query_endpoint="nowhere")
    with pytest.raises(IriError, match="--base"):
        publish(never_built, store="http://127.0.0.1:1/store", base="not a base")


def test_empty_report_is_ok() -> None:
    report = publish([], store="http://127.0.0.1:1/store", settings=FAST)
    assert isinstance(report, PublishReport) and report.ok and report.results == ()
    report.raise_for_failures()
