"""The SPARQL 1.1 Protocol endpoint at /sparql over real HTTP.

The bundled questions give the same bytes over HTTP as ``kzar-ld query``; SERVICE, LOAD and
updates are refused with 400 and one line; a runaway query is stopped at the deadline (its worker
process killed) and the endpoint keeps answering; an answer over the cap is refused.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from serve_support import EXAMPLE, RunningServer, running_server, write_fixture_site
from typer.testing import CliRunner

from kzar_ld import InputFormat, bundled_queries, parse_rdf
from kzar_ld.cli import app
from kzar_ld.web.endpoint import EndpointSettings
from kzar_ld.web.server import create_app

QUERIES = [q.name for q in bundled_queries()]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sparql-site")
    write_fixture_site(root)
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[RunningServer]:
    # A generous deadline, so that a loaded machine cannot fail the ordinary queries.
    with running_server(create_app(site, endpoint=EndpointSettings(workers=2, timeout=60))) as running:
        yield running


def cli_answer(name: str, fmt: str) -> bytes:
    result = CliRunner().invoke(app, ["query", name, "--data", str(EXAMPLE), "--format", fmt])
    assert result.exit_code in (0, 1), result.output  # 1: an ASK answered false
    return result.stdout_bytes


def parse(content: bytes, syntax: str) -> Graph:
    """A result graph; JSON-LD read by the project's reader, which resolves schema.org offline."""
    if syntax != "json-ld":
        return Graph().parse(data=content, format=syntax)
    graph = Graph()
    for s, p, o, _ in parse_rdf(content, format=InputFormat.JSON_LD, source="answer.jsonld").quads():
        graph.add((s, p, o))
    return graph


def sparql(server: RunningServer, text: str, accept: str | None = None, how: str = "get") -> requests.Response:
    headers = {} if accept is None else {"Accept": accept}
    url = server.url + "/sparql"
    if how == "get":
        return requests.get(url, params={"query": text}, headers=headers, timeout=60)
    if how == "form":
        return requests.post(url, data={"query": text}, headers=headers, timeout=60)
    return requests.post(
        url, data=text.encode("utf-8"), headers={**headers, "Content-Type": "application/sparql-query"}, timeout=60
    )


@pytest.mark.parametrize("name", QUERIES)
def test_bundled_questions_answer_as_the_command_does(server: RunningServer, name: str) -> None:
    text = next(q.text for q in bundled_queries() if q.name == name)
    response = sparql(server, text, "application/sparql-results+json")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/sparql-results+json"
    assert response.content == cli_answer(name, "json")


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [
        ("text/csv", "csv", "text/csv"),
        ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
        ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
        (None, "json", "application/sparql-results+json"),
    ],
)
def test_result_formats_by_accept(server: RunningServer, accept: str | None, fmt: str, media_type: str) -> None:
    text = next(q.text for q in bundled_queries() if q.name == "who-met-whom")
    response = sparql(server, text, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Vary"] == "Accept"
    assert response.content == cli_answer("who-met-whom", fmt)


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_three_ways_to_send_a_query(server: RunningServer, how: str) -> None:
    text = 'SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name FILTER(CONTAINS(?name, "Umarov")) }'
    response = sparql(server, text, "text/csv", how=how)
    assert response.status_code == 200
    assert response.text.splitlines() == ["name", "Kairat Umarov"]


def test_ask(server: RunningServer) -> None:
    assert sparql(server, "ASK { ?s a schema:NewsArticle }").json() == {"head": {}, "boolean": True}
    assert sparql(server, "ASK { ?s a schema:Movie }").json() == {"head": {}, "boolean": False}


def test_named_graphs_are_kept(server: RunningServer) -> None:
    response = sparql(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a schema:NewsArticle } }", "text/csv")
    assert response.text.splitlines() == ["g", "https://kzar.example/id/article/000_b748ee61ec8ac40c"]


@pytest.mark.parametrize(
    ("accept", "media_type", "syntax"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_construct_and_describe(server: RunningServer, accept: str | None, media_type: str, syntax: str) -> None:
    construct = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    response = sparql(server, construct, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    graph = parse(response.content, syntax)
    assert len(graph) >= 5
    expected = CliRunner().invoke(app, ["query", construct, "--data", str(EXAMPLE), "--format", "turtle"])
    assert isomorphic(graph, Graph().parse(data=expected.stdout_bytes, format="turtle"))
    describe = sparql(server, "DESCRIBE <https://kzar.example/id/person/kairat-umarov>", accept)
    assert describe.status_code == 200
    assert len(parse(describe.content, syntax)) > 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { OPTIONAL { service silent <http://127.0.0.1:9/> { ?s ?p ?o } } }", "SERVICE"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("INSERT DATA { <http://a.example/s> <http://a.example/p> 1 }", "update"),
        ("DELETE WHERE { ?s ?p ?o }", "update"),
        ("DROP ALL", "update"),
        ("SELECT * FROM <http://127.0.0.1:9/other.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { ?s ?p }", "syntax error"),
        ("SELECT ?x WHERE { ?x nope:thing ?y }", "unknown prefix"),
        ("", "empty"),
    ],
)
@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_refused_with_400_and_one_line(server: RunningServer, text: str, words: str, how: str) -> None:
    response = sparql(server, text, how=how)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert words in response.text
    assert response.text.count("\n") == 1


def test_update_endpoints_are_refused(server: RunningServer) -> None:
    url = server.url + "/sparql"
    form = requests.post(url, data={"update": "DROP ALL"}, timeout=30)
    direct = requests.post(url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=30)
    for response in (form, direct):
        assert response.status_code == 400
        assert "read-only" in response.text
    assert sparql(server, "ASK { ?s a schema:NewsArticle }").json()["boolean"] is True


def test_other_protocol_errors(server: RunningServer) -> None:
    url = server.url + "/sparql"
    assert requests.post(url, data=b"ASK {}", headers={"Content-Type": "text/plain"}, timeout=30).status_code == 415
    assert requests.put(url, data=b"ASK {}", timeout=30).status_code == 405
    assert sparql(server, "ASK {}", "text/turtle").status_code == 406
    assert sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv").status_code == 406
    too_big = requests.post(
        url, data=b"#" * (5 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"}, timeout=60
    )
    assert too_big.status_code == 413


def test_a_runaway_query_is_stopped_and_the_endpoint_recovers(site: Path) -> None:
    # One pyoxigraph step counts a cross product of ~10^9 rows: no thread could interrupt it.
    with running_server(create_app(site, endpoint=EndpointSettings(workers=2, timeout=1.5))) as server:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            started = time.monotonic()
            stuck = pool.submit(sparql, server, RUNAWAY)
            time.sleep(0.3)
            # While one worker is stuck, the other answers.
            quick = sparql(server, "ASK { ?s a schema:NewsArticle }")
            assert quick.status_code == 200
            assert not stuck.done()
            response = stuck.result()
            elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "did not finish within 1.5 s" in response.text
        assert elapsed < 30
        # Both workers are killed in turn; fresh ones take over.
        second = sparql(server, RUNAWAY)
        assert second.status_code == 503
        deadline = time.monotonic() + 60
        while True:
            answer = sparql(server, "ASK { ?s a schema:NewsArticle }")
            if answer.status_code == 200 or time.monotonic() > deadline:
                break
        assert answer.json()["boolean"] is True


def test_an_answer_over_the_cap_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_fixture_site(root)
    settings = EndpointSettings(workers=1, max_rows=5)
    with running_server(create_app(root, endpoint=settings)) as running:
        over = sparql(running, "SELECT ?s WHERE { ?s a schema:Person }")
        within = sparql(running, "SELECT ?s WHERE { ?s a schema:Person } LIMIT 5", "text/csv")
        graph = sparql(running, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert over.status_code == 400
    assert "more than this endpoint's limit of 5" in over.text
    assert within.status_code == 200
    assert len(within.text.splitlines()) == 6
    assert graph.status_code == 400
    assert "triples" in graph.text


def test_a_site_without_a_dump_is_queried_as_the_union_of_its_documents(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_fixture_site(root)
    (root / "data.nq").unlink()
    text = next(q.text for q in bundled_queries() if q.name == "who-met-whom")
    with running_server(create_app(root, endpoint=EndpointSettings(workers=1))) as running:
        response = sparql(running, text)
    assert response.status_code == 200
    assert response.content == cli_answer("who-met-whom", "json")
