"""``kzar-ld query``: QUERY forms, --data and --endpoint, formats, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FaultServer, OxigraphServer, Reply, free_port
from rdflib import Graph
from typer.testing import CliRunner

from kzar_ld import Format, build_graph, load_article, serialize
from kzar_ld.cli import app
from kzar_ld.remote import graph_put
from kzar_ld.sparql.engine import ResultFormat, bundled_queries, bundled_query, query

EXAMPLE = "examples/kazinform-2023-08-24"
SECOND = "tests/data/articles/fictional-round-table"
ARTICLE = "https://kzar.example/id/article/000_b748ee61ec8ac40c"
UMAROV = "https://kzar.example/id/person/kairat-umarov"
runner = CliRunner()


def run(*args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["query", *args])
    assert "Traceback" not in result.stderr + result.stdout
    return result.exit_code, result.stdout_bytes, result.stderr


def _one_line_error(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("kzar-ld: error: "), stderr
    return lines[0][len("kzar-ld: error: ") :]


@pytest.fixture(scope="module")
def expected_roles() -> bytes:
    return query(build_graph(load_article(EXAMPLE)), bundled_query("roles").text).serialize(ResultFormat.CSV)


def test_list_names_every_bundled_query() -> None:
    code, out, err = run("--list")
    assert code == 0 and err == ""
    text = out.decode()
    for q in bundled_queries():
        assert re.search(rf"^{re.escape(q.name)} +{re.escape(q.title)}$", text, re.M), q.name
        assert "returns " + " ".join("?" + v for v, _ in q.variables) in text


def test_a_bundled_query_by_name_writes_csv_in_a_pipe(expected_roles: bytes) -> None:
    code, out, err = run("roles", "--data", EXAMPLE)
    assert (code, err) == (0, "")
    assert out == expected_roles
    rows = list(csv.reader(io.StringIO(out.decode(), newline="")))
    assert rows[0][:2] == ["person", "personName"] and len(rows) == 10


def test_a_query_file_and_query_text(tmp_path: Path) -> None:
    text = "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
    path = tmp_path / "people.rq"
    path.write_text(text, encoding="utf-8")
    from_file = run(str(path), "--data", EXAMPLE)
    from_text = run(text, "-d", EXAMPLE)
    assert from_file == from_text
    assert from_file[1].decode().splitlines() == [
        "name",
        "Claudio Giacomino",
        "Gustavo Gutierrez",
        "Irina Vagner",
        "Kairat Umarov",
        "Pablo Tettamanti",
        "Welber Barral",
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_each_row_format(fmt: str) -> None:
    code, out, err = run("who-met-whom", "--data", EXAMPLE, "--format", fmt)
    assert (code, err) == (0, "")
    direct = query(build_graph(load_article(EXAMPLE)), bundled_query("who-met-whom").text)
    assert out == direct.serialize(ResultFormat(fmt))


def test_bind_narrows_the_answer() -> None:
    code, out, _ = run(
        "roles", "-d", EXAMPLE, "--bind", "person=https://kzar.example/id/person/welber-barral", "-f", "json"
    )
    assert code == 0
    rows = json.loads(out)["results"]["bindings"]
    assert {r["roleName"]["value"] for r in rows} == {"Director", "Secretary of State for Foreign Trade"}
    code, out, _ = run("SELECT ?p ?n WHERE { ?p schema:name ?n }", "-d", EXAMPLE, "-b", 'n="Kairat Umarov"')
    assert out.decode().splitlines() == ["p,n", f"{UMAROV},Kairat Umarov"]


def test_ask_answers_with_its_exit_code() -> None:
    assert run("ASK { ?p schema:name 'Kairat Umarov' }", "-d", EXAMPLE) == (0, b"true\n", "")
    assert run("ASK { ?p schema:name 'Nobody' }", "-d", EXAMPLE) == (1, b"false\n", "")
    code, out, _ = run("ASK { ?p schema:name 'Nobody' }", "-d", EXAMPLE, "-f", "json")
    assert (code, json.loads(out)) == (1, {"head": {}, "boolean": False})


def test_construct_writes_turtle_or_json_ld() -> None:
    text = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    code, turtle, _ = run(text, "-d", EXAMPLE)
    assert code == 0
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 6
    code, jsonld, _ = run(text, "-d", EXAMPLE, "-f", "json-ld")
    assert code == 0 and json.loads(jsonld)
    code, described, _ = run(f"DESCRIBE <{UMAROV}>", "-d", EXAMPLE)
    assert code == 0 and b"Kairat Umarov" in described


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_several_inputs_of_any_syntax(engine: str, tmp_path: Path) -> None:
    second = tmp_path / "second.trig"
    second.write_bytes(serialize(build_graph(load_article(SECOND)), format=Format.TRIG))
    code, out, err = run("articles", "-d", EXAMPLE, "-d", str(second), "--engine", engine)
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out.decode(), newline="")))
    assert len(rows) == 3
    assert {r[1] for r in rows[1:]} == {"000_b748ee61ec8ac40c", "fictional-round-table"}


@pytest.mark.parametrize("name", [q.name for q in bundled_queries()])
def test_engines_print_the_same_bytes(name: str) -> None:
    rdflib_run = run(name, "-d", EXAMPLE, "-f", "tsv")
    oxigraph_run = run(name, "-d", EXAMPLE, "-f", "tsv", "--engine", "oxigraph")
    assert rdflib_run[0] == 0 and rdflib_run == oxigraph_run


# ---------------------------------------------------------------------------------------------
# Errors: exit 2 for bad queries and input, one line on stderr, nothing on stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SELECT * WHERE {\n  ?s ?p \n}", "-d", EXAMPLE], "query:2:3: SPARQL syntax error near '?'"),
        (["rolez", "-d", EXAMPLE], "no bundled query is called 'rolez'; did you mean 'roles'?"),
        (["missing.rq", "-d", EXAMPLE], "missing.rq: no such query file"),
        (["roles", "-d", "no/such/dir"], "no/such/dir: no such file or directory"),
        (["roles"], "give either --data INPUT... or --endpoint URL"),
        (["roles", "-d", EXAMPLE, "-e", "http://127.0.0.1:9/query"], "give either --data INPUT... or --endpoint URL"),
        (
            ["roles", "-e", "http://127.0.0.1:9/query", "--engine", "oxigraph"],
            "--engine, --allow-load and --input-format apply to --data only",
        ),
        ([], "give a QUERY"),
        (["roles", "-d", EXAMPLE, "-f", "turtle"], "a SELECT result cannot be written as turtle"),
        (["CONSTRUCT WHERE { ?s ?p ?o }", "-d", EXAMPLE, "-f", "csv"], "a CONSTRUCT result cannot be written as csv"),
        (["roles", "-d", EXAMPLE, "-b", "role"], "--bind 'role' is not NAME=VALUE"),
        (
            ["roles", "-d", EXAMPLE, "-b", "rolee=x"],
            "cannot bind ?rolee: the query has no such variable; did you mean ?role?",
        ),
        (["DROP ALL", "-d", EXAMPLE], "this is a SPARQL update (DROP), and updates are refused"),
        (["LOAD <file:///etc/passwd>", "-d", EXAMPLE], "LOAD is refused"),
        (
            [f"SELECT * FROM <{Path('README.md').resolve().as_uri()}> WHERE {{ ?s ?p ?o }}", "-d", EXAMPLE],
            "is refused: it is not one of the input graphs",
        ),
        (
            ["SELECT * WHERE " + "{" * 3000 + "}" * 3000, "-d", EXAMPLE],
            "query:1:48: the query nests brackets more than 32 deep",
        ),
        (
            ["SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "-d", EXAMPLE, "--timeout", "0.3"],
            "the query did not finish within 0.3 s",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any(a.endswith(".rq") for a in args):
        monkeypatch.chdir(tmp_path)
    code, out, err = run(*args)
    assert code == 2, err
    assert out == b""
    assert message in _one_line_error(err)


def test_a_bad_option_value_is_a_usage_error() -> None:
    code, _, err = run("roles", "-d", EXAMPLE, "--format", "yaml")
    assert code == 2 and "yaml" in err
    code, _, err = run("roles", "-d", EXAMPLE, "--timeout", "0")
    assert code == 2 and "--timeout" in err


def test_service_is_refused_and_the_server_gets_nothing(fault_server: Callable[..., FaultServer]) -> None:
    server = fault_server(Reply(status=200, body=b"{}"))
    text = f"SELECT * WHERE {{ SERVICE SILENT <{server.url('/sparql')}> {{ ?s ?p ?o }} }}"
    code, out, err = run(text, "-d", EXAMPLE)
    assert (code, out) == (2, b"")
    assert _one_line_error(err) == (
        f"query:1:18: SERVICE <{server.url('/sparql')}> is refused: a query may not make network "
        "requests unless you allow it (--allow-service)"
    )
    assert server.hits == 0


def test_allow_service_calls_the_endpoint(fault_server: Callable[..., FaultServer]) -> None:
    answer = b'{"head": {"vars": ["o"]}, "results": {"bindings": [{"o": {"type": "literal", "value": "far"}}]}}'
    server = fault_server(Reply(status=200, body=answer, headers={"Content-Type": "application/sparql-results+json"}))
    text = f"SELECT ?o WHERE {{ SERVICE <{server.url('/sparql')}> {{ ?s ?p ?o }} }}"
    code, out, err = run(text, "-d", EXAMPLE, "--allow-service", "--engine", "oxigraph", "--timeout", "20")
    assert (code, out, err) == (0, b"o\r\nfar\r\n", "")
    assert server.hits == 1


def test_help_shows_examples_and_exit_codes() -> None:
    result = runner.invoke(app, ["query", "--help"])
    assert result.exit_code == 0
    assert "kzar-ld query who-met-whom --data" in result.stdout
    assert "1 ASK answered false" in result.stdout


# ---------------------------------------------------------------------------------------------
# --endpoint: a real Oxigraph server, and failures that exit 3


@pytest.fixture
def loaded_store(oxigraph_server: OxigraphServer) -> OxigraphServer:
    oxigraph_server.clear()
    data = build_graph(load_article(EXAMPLE))
    body = serialize(data.graph(data.graph(ARTICLE).identifier), format=Format.NT)  # type: ignore[arg-type]
    graph_put(oxigraph_server.store, ARTICLE, body, content_type="application/n-triples")
    return oxigraph_server


def _union(server: OxigraphServer) -> str:
    # Each article is a named graph; Oxigraph answers over their union when asked so.
    return server.query + "?union-default-graph"


@pytest.mark.parametrize("name", ["who-met-whom", "roles", "event-hierarchy", "derived-facts"])
def test_endpoint_answers_like_local_data(name: str, loaded_store: OxigraphServer) -> None:
    local = run(name, "-d", EXAMPLE, "-f", "json")
    remote = run(name, "-e", _union(loaded_store), "-f", "json")
    assert remote[0] == 0 and remote == local
    # Without the union, the store's default graph is empty.
    assert run(name, "-e", loaded_store.query, "-f", "csv")[1].count(b"\r\n") == 1


def test_endpoint_ask_construct_and_bind(loaded_store: OxigraphServer) -> None:
    url = _union(loaded_store)
    assert run("ASK { ?a a schema:NewsArticle }", "-e", url)[:2] == (0, b"true\n")
    assert run("ASK { ?a a schema:Dog }", "-e", url)[:2] == (1, b"false\n")
    code, out, _ = run("CONSTRUCT WHERE { ?p a schema:Person ; schema:name ?n }", "-e", url)
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) == 12
    code, out, _ = run(f"SELECT ?s FROM <{ARTICLE}> WHERE {{ ?s a schema:NewsArticle }}", "-e", loaded_store.query)
    assert (code, out) == (0, f"s\r\n{ARTICLE}\r\n".encode())
    code, out, _ = run("roles", "-e", url, "-b", f"person={UMAROV}")
    assert code == 0 and out.decode().count("\r\n") == 2
    # A bound value travels as an escaped literal: it cannot turn into query syntax.
    code, out, _ = run("SELECT ?p ?n WHERE { ?p schema:name ?n }", "-e", url, "-b", "n='\"} . ?p ?q ?n } #'")
    assert (code, out) == (0, b"p,n\r\n")
    assert loaded_store.quads() > 1000


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(status=500, body=b"internal trouble"), "HTTP 500"),
        (
            Reply(
                status=200,
                body=b'{"head": {"vars": ["x"]}, "results": {"bind',
                headers={"Content-Type": "application/sparql-results+json"},
            ),
            "is not valid JSON",
        ),
        (
            Reply(
                status=200,
                body=b'{"head": {"vars": ["x"]}}',
                headers={"Content-Type": "application/sparql-results+json"},
            ),
            "'head' or 'results' is missing",
        ),
        (
            Reply(
                status=200,
                body=b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri"}}]}}',
                headers={"Content-Type": "application/sparql-results+json"},
            ),
            "a binding is not a term object",
        ),
        (
            Reply(status=200, body=b"<html>hello</html>", headers={"Content-Type": "text/html"}),
            "answered with 'text/html'",
        ),
    ],
)
def test_a_failing_endpoint_exits_3_with_url_and_status(
    reply: Reply, message: str, fault_server: Callable[..., FaultServer]
) -> None:
    server = fault_server(reply)
    url = server.url("/query")
    code, out, err = run("SELECT ?x WHERE { ?x ?p ?o }", "-e", url, "--timeout", "5")
    assert (code, out) == (3, b"")
    line = _one_line_error(err)
    assert url in line and message in line


def test_an_endpoint_that_is_not_there_exits_3() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = run("ASK {}", "-e", url, "--timeout", "2")
    assert (code, out) == (3, b"")
    assert url in _one_line_error(err)


def test_a_bad_endpoint_url_exits_2() -> None:
    code, _, err = run("ASK {}", "-e", "127.0.0.1:7878/query")
    assert code == 2 and "is not an absolute http(s) URL" in _one_line_error(err)


def test_a_graph_answer_that_does_not_parse_exits_3(fault_server: Callable[..., FaultServer]) -> None:
    server = fault_server(
        Reply(
            status=200,
            body=b"<https://kzar.example/s> <https://kzar",
            headers={"Content-Type": "application/n-triples"},
        )
    )
    code, out, err = run("CONSTRUCT WHERE { ?s ?p ?o }", "-e", server.url("/query"))
    assert (code, out) == (3, b"")
    assert "the store's application/n-triples answer does not parse" in _one_line_error(err)


def test_bindings_and_a_trailing_values_clause_do_not_mix() -> None:
    text = "SELECT ?p WHERE { ?p a schema:Person } VALUES ?p { <https://kzar.example/id/person/x> }"
    code, _, err = run(text, "-e", "http://127.0.0.1:9/query", "-b", f"p={UMAROV}")
    assert code == 2
    assert "ends in a VALUES clause" in _one_line_error(err)
