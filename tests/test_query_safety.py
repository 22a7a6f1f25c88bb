"""Nothing a query says reaches the network or the disk, or crashes, unless the user allows it.

Every refusal is a QueryError (exit code 2) with a clear message, never an empty result. The
servers here listen on 127.0.0.1 only and count the requests they get.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FaultServer, Reply
from rdflib import Dataset, Literal, URIRef

from kzar_ld import build_graph, load_article
from kzar_ld.errors import QueryError, RemoteError
from kzar_ld.sparql.engine import Engine, open_store, query
from kzar_ld.sparql.safety import MAX_NESTING, MAX_QUERY_CHARS, check_dataset, parse_query

EXAMPLE = "examples/kazinform-2023-08-24"
ARTICLE = "https://kzar.example/id/article/000_b748ee61ec8ac40c"
SPARQL_JSON = {"Content-Type": "application/sparql-results+json"}
ANSWER = json.dumps(
    {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}
).encode()


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_graph(load_article(EXAMPLE))


@pytest.fixture(scope="module")
def stores(data: Dataset) -> dict[Engine, object]:
    return {engine: open_store(data, engine=engine) for engine in Engine}


@pytest.fixture
def endpoint(fault_server: Callable[..., FaultServer]) -> FaultServer:
    return fault_server(Reply(status=200, body=ANSWER, headers=SPARQL_JSON))


# ---------------------------------------------------------------------------------------------
# SERVICE


SERVICE_FORMS = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?x } }",
    "select * where { service <{url}> { ?s ?p ?x } }",
    "SELECT * WHERE { SeRvIcE <{url}> { ?s ?p ?x } }",
    "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?x } }",
    "SELECT * WHERE { SERVICE\n\t  silent\n<{url}>{?s ?p ?x} }",
    "SELECT * WHERE { SERVICE # a comment\n <{url}> { ?s ?p ?x } }",
    "PREFIX remote: <{base}/>\nSELECT * WHERE { SERVICE remote:sparql { ?s ?p ?x } }",
    "SELECT * WHERE { ?a a schema:Person OPTIONAL { SERVICE <{url}> { ?a ?p ?x } } }",
    "SELECT * WHERE { ?a a schema:Person FILTER EXISTS { SERVICE <{url}> { ?a ?p ?x } } }",
    "SELECT * WHERE { ?a a schema:Person FILTER NOT EXISTS { SERVICE SILENT <{url}> { ?a ?p ?x } } }",
    "SELECT * WHERE { ?a a schema:Person MINUS { SERVICE <{url}> { ?a ?p ?x } } }",
    "SELECT * WHERE { { ?a a schema:Person } UNION { SERVICE <{url}> { ?a ?p ?x } } }",
    "SELECT * WHERE { { SELECT ?x WHERE { SERVICE <{url}> { ?s ?p ?x } } } }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } SERVICE <{url}> { ?s ?p ?x } }",
    "SELECT * WHERE { BIND(EXISTS { SERVICE <{url}> { ?s ?p ?o } } AS ?x) }",
    "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?x } }",
    "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?x } WHERE { SERVICE <{url}> { ?s ?p ?x } }",
    "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?x } }",
]


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_and_makes_no_request(
    form: str, engine: Engine, endpoint: FaultServer, stores: dict[Engine, object]
) -> None:
    text = form.replace("{url}", endpoint.url("/sparql")).replace("{base}", endpoint.base)
    with pytest.raises(QueryError) as caught:
        query(stores[engine], text, timeout=10)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "SERVICE" in message and "is refused" in message and "--allow-service" in message
    assert endpoint.hits == 0


def test_the_refusal_names_the_endpoint_and_its_place(endpoint: FaultServer, data: Dataset) -> None:
    text = f"SELECT * WHERE {{\n  ?s ?p ?o .\n  SERVICE SILENT <{endpoint.url('/sparql')}> {{ ?s ?p ?x }}\n}}"
    with pytest.raises(QueryError) as caught:
        query(data, text)
    assert str(caught.value) == (
        f"query:3:3: SERVICE <{endpoint.url('/sparql')}> is refused: a query may not make "
        "network requests unless you allow it (--allow-service)"
    )
    assert endpoint.hits == 0


@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_an_allowed_service_is_called(silent: str, endpoint: FaultServer, data: Dataset) -> None:
    text = f"SELECT ?x WHERE {{ SERVICE {silent}<{endpoint.url('/sparql')}> {{ ?s ?p ?x }} }}"
    result = query(data, text, engine=Engine.OXIGRAPH, allow_service=True, timeout=20)
    assert result.rows == ((Literal("remote"),),)
    assert endpoint.hits == 1


def test_an_allowed_service_needs_the_oxigraph_engine(endpoint: FaultServer, data: Dataset) -> None:
    text = f"SELECT ?x WHERE {{ SERVICE SILENT <{endpoint.url('/sparql')}> {{ ?s ?p ?x }} }}"
    with pytest.raises(QueryError, match="only the oxigraph engine runs SERVICE reliably: add --engine oxigraph"):
        query(data, text, allow_service=True)
    assert endpoint.hits == 0


def test_an_allowed_service_that_fails_is_a_remote_error(
    fault_server: Callable[..., FaultServer], data: Dataset
) -> None:
    server = fault_server(Reply(status=500, body=b"boom"))
    text = f"SELECT ?x WHERE {{ SERVICE <{server.url('/sparql')}> {{ ?s ?p ?x }} }}"
    with pytest.raises(RemoteError, match="a SERVICE call failed"):
        query(data, text, engine=Engine.OXIGRAPH, allow_service=True, timeout=20)
    assert server.hits >= 1


# ---------------------------------------------------------------------------------------------
# Updates and LOAD


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("DROP ALL", "DROP"),
        ("CLEAR DEFAULT", "CLEAR"),
        ("clear graph <https://kzar.example/id/article/000_b748ee61ec8ac40c>", "CLEAR"),
        ("INSERT DATA { <https://kzar.example/s> <https://kzar.example/p> 1 }", "INSERT DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("WITH <https://kzar.example/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("CREATE GRAPH <https://kzar.example/g>", "CREATE"),
        ("COPY DEFAULT TO <https://kzar.example/g>", "COPY"),
        ("MOVE DEFAULT TO <https://kzar.example/g>", "MOVE"),
        ("ADD DEFAULT TO <https://kzar.example/g>", "ADD"),
        ("PREFIX ex: <https://kzar.example/>\nINSERT DATA { ex:s ex:p ex:o }", "INSERT DATA"),
        ("INSERT { garbage", "INSERT"),
    ],
)
def test_updates_are_refused(text: str, what: str, data: Dataset) -> None:
    size = len(data)
    with pytest.raises(QueryError) as caught:
        query(data, text)
    assert f"this is a SPARQL update ({what}" in str(caught.value)
    assert "updates are refused" in str(caught.value)
    assert len(data) == size


@pytest.mark.parametrize(
    "text",
    [
        "LOAD <file:///etc/passwd>",
        "load silent <file:///etc/passwd> into graph <https://kzar.example/g>",
        "LOAD <{url}> ; DROP ALL",
    ],
)
def test_load_is_refused(text: str, endpoint: FaultServer, data: Dataset) -> None:
    with pytest.raises(QueryError, match=r"LOAD is refused .*give the file with --data instead"):
        query(data, text.replace("{url}", endpoint.url("/data.ttl")), allow_load=True)
    assert endpoint.hits == 0


# ---------------------------------------------------------------------------------------------
# FROM and FROM NAMED


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_outside_the_inputs_is_refused(
    clause: str, engine: Engine, endpoint: FaultServer, tmp_path: Path, stores: dict[Engine, object]
) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text('<https://kzar.example/s> <https://kzar.example/p> "secret" .\n')
    for iri in (secret.as_uri(), endpoint.url("/graph.ttl")):
        with pytest.raises(QueryError) as caught:
            query(stores[engine], f"SELECT * {clause} <{iri}> WHERE {{ ?s ?p ?o }}")  # type: ignore[arg-type]
        assert str(caught.value).startswith(f"query: {clause} <{iri}> is refused: it is not one of the input graphs")
        assert f"<{ARTICLE}>" in str(caught.value) and "--allow-load" in str(caught.value)
    assert endpoint.hits == 0


@pytest.mark.parametrize("engine", list(Engine))
def test_from_an_input_graph_is_allowed(engine: Engine, stores: dict[Engine, object]) -> None:
    result = query(stores[engine], f"SELECT ?a FROM <{ARTICLE}> WHERE {{ ?a a schema:NewsArticle }}")  # type: ignore[arg-type]
    assert result.rows == ((URIRef(ARTICLE),),)


@pytest.mark.parametrize("engine", list(Engine))
def test_allow_load_reads_a_file_and_a_loopback_url(
    engine: Engine, fault_server: Callable[..., FaultServer], tmp_path: Path, data: Dataset
) -> None:
    turtle = b'<https://kzar.example/s> <https://kzar.example/p> "loaded" .\n'
    server = fault_server(Reply(status=200, body=turtle, headers={"Content-Type": "text/turtle"}))
    extra = tmp_path / "extra.ttl"
    extra.write_bytes(turtle.replace(b"loaded", b"from a file"))
    before = len(data)
    text = (
        f"SELECT ?o FROM <{server.url('/g.ttl')}> FROM <{extra.as_uri()}> FROM <{ARTICLE}> "
        "WHERE { ?s <https://kzar.example/p> ?o }"
    )
    result = query(data, text, engine=engine, allow_load=True, timeout=20)
    assert sorted(str(r[0]) for r in result.rows) == ["from a file", "loaded"]
    assert server.hits == 1
    assert len(data) == before  # loaded graphs never enter the caller's data


def test_allow_load_reports_a_graph_that_cannot_be_loaded(tmp_path: Path, data: Dataset) -> None:
    missing = (tmp_path / "missing.ttl").as_uri()
    with pytest.raises(QueryError, match=re.escape(f"could not load <{missing}> named in FROM")):
        query(data, f"SELECT * FROM <{missing}> WHERE {{ ?s ?p ?o }}", allow_load=True)


def test_check_dataset_lists_what_to_load() -> None:
    parsed = parse_query("SELECT * FROM <urn:a> FROM NAMED <urn:b> FROM NAMED <urn:a> WHERE {}")
    assert check_dataset(parsed, graphs={"urn:a", "urn:b"}) == ()
    with pytest.raises(QueryError, match=r"FROM NAMED <urn:b> is refused: .* \(<urn:a>\)"):
        check_dataset(parsed, graphs={"urn:a"})
    assert check_dataset(parsed, graphs=set(), allow_load=True) == ("urn:a", "urn:b")
    many = {f"urn:g{i}" for i in range(5)}
    with pytest.raises(QueryError, match="and 2 more"):
        check_dataset(parsed, graphs=many)


# ---------------------------------------------------------------------------------------------
# Malformed queries: line and column, never a traceback


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("SELECT * WHERE {\n  ?s ?p ?o .\n}\nGARBAGE", 4, 1, "SPARQL syntax error near 'GARBAGE'"),
        ("SELECT * WHERE { ?s ?p }", 1, 18, "SPARQL syntax error near '?'"),
        ("SELEKT ?s WHERE { ?s ?p ?o }", 1, 1, "SPARQL syntax error near 'SELEKT'"),
        ("PREFIX ex: <https://kzar.example/>\nSELECT ?s WHERE {\n  ?s nope:p ?o }", 3, 6, "unknown prefix 'nope:'"),
        ('SELECT ?s WHERE {\n\t?s schema:name "unterminated }', 2, 2, "SPARQL syntax error"),
        ("SELECT ?s WHERE {\t\t?s ?p ?o\n}\t\tnope", 2, 4, "SPARQL syntax error near 'nope'"),
    ],
)
def test_a_malformed_query_names_line_and_column(
    text: str, line: int, column: int, message: str, data: Dataset
) -> None:
    with pytest.raises(QueryError) as caught:
        query(data, text, source="my.rq")
    error = caught.value
    assert (error.source, error.line, error.column) == ("my.rq", line, column)
    assert str(error).startswith(f"my.rq:{line}:{column}: {message}")
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the query is empty"),
        ("   \n  ", "the query is empty"),
        ("ASK {\x00}", "holds a NUL character"),
        ("#" * (MAX_QUERY_CHARS + 1), f"the limit is {MAX_QUERY_CHARS:,}"),
    ],
)
def test_empty_binary_or_huge_queries_are_refused(text: str, message: str, data: Dataset) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        query(data, text)


def test_the_engine_reports_what_rdflib_lets_through(data: Dataset) -> None:
    # rdflib accepts a BIND to a variable already in scope; Oxigraph does not, and says where.
    text = "SELECT ?o WHERE {\n  ?s ?p ?o BIND (1 AS ?o) }"
    with pytest.raises(QueryError) as caught:
        query(data, text, engine=Engine.OXIGRAPH)
    assert (caught.value.line, caught.value.column) == (2, 28)
    assert "the query is not valid SPARQL" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Absurd nesting and size


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        # The position is that of the first bracket beyond the limit (32 deep).
        ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", 1, 55),
        ("SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000, 1, 48),
        ("SELECT * WHERE {\n" + "{ ?s ?p ?o OPTIONAL\n" * 3000 + "{}" + "}" * 3001, 33, 1),
        ("SELECT * WHERE { ?s ?p " + "[ ?p " * 4000 + "1" + " ]" * 4000 + " }", 1, 179),
    ],
)
def test_deep_nesting_is_refused_before_parsing(text: str, line: int, column: int, data: Dataset) -> None:
    started = time.monotonic()
    with pytest.raises(QueryError) as caught:
        query(data, text)
    assert f"nests brackets more than {MAX_NESTING} deep" in str(caught.value)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "text",
    [
        # Within the bracket limit, but deeper than rdflib's recursive parser can go.
        "SELECT * WHERE { FILTER(" + "(" * (MAX_NESTING - 2) + "1" + ")" * (MAX_NESTING - 2) + ") }",
        # No nesting at all, but a union chain whose algebra is too deep to translate.
        "SELECT * WHERE { " + " UNION ".join(f"{{ ?s ?p {i} }}" for i in range(1500)) + " }",
    ],
)
def test_recursion_limits_become_a_query_error(text: str, data: Dataset) -> None:
    with pytest.raises(QueryError, match="too deeply nested or too long"):
        query(data, text)
    # The parser still works afterwards.
    assert query(data, "ASK { ?s a schema:Person }").boolean is True


def test_brackets_inside_strings_iris_and_comments_do_not_count() -> None:
    noise = "((((((((((" * 10
    text = f"SELECT ?s WHERE {{ ?s schema:name ?n FILTER(?n != \"{noise}\" && ?n != '{noise}') }} # {noise}\n"
    assert parse_query(text).variables == ("s",)


# ---------------------------------------------------------------------------------------------
# Timeouts


def _query_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kzar-ld-query"]


def _wait_for_threads_to_end(limit: float = 5.0) -> list[threading.Thread]:
    deadline = time.monotonic() + limit
    while _query_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    return _query_threads()


@pytest.mark.parametrize(
    ("engine", "text"),
    [
        # rdflib evaluates in Python: even one long aggregate step is interrupted.
        (Engine.RDFLIB, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
        # pyoxigraph stops between result rows.
        (Engine.OXIGRAPH, "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ],
)
def test_a_runaway_query_is_stopped(engine: Engine, text: str, stores: dict[Engine, object]) -> None:
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"the query did not finish within 0\.3 s and was stopped"):
        query(stores[engine], text, timeout=0.3)  # type: ignore[arg-type]
    assert time.monotonic() - started < 2
    assert _wait_for_threads_to_end() == []
    # The store is intact and answers the next query.
    assert len(query(stores[engine], "SELECT ?p WHERE { ?p a schema:Person }").rows) == 6  # type: ignore[arg-type]


def test_a_stopped_oxigraph_query_leaves_no_result_iterators_for_another_thread(stores: dict[Engine, object]) -> None:
    # pyoxigraph's iterators must be freed by the thread that made them; an interrupt landing in
    # an exception handler used to leave them in reference cycles, for whichever thread collected
    # next ("unsendable, but is being dropped on another thread", in a later test).
    import gc

    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(6):
            with pytest.raises(QueryError, match="did not finish"):
                query(stores[Engine.OXIGRAPH], "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.05)  # type: ignore[arg-type]
            assert _wait_for_threads_to_end() == []
        gc.collect()
        left = sorted({type(o).__name__ for o in gc.garbage if type(o).__module__.startswith("pyoxigraph")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_a_query_within_its_timeout_gives_its_result(stores: dict[Engine, object]) -> None:
    for engine in Engine:
        result = query(stores[engine], "ASK { ?s a schema:NewsArticle }", timeout=30)  # type: ignore[arg-type]
        assert result.boolean is True
    assert _wait_for_threads_to_end() == []


def test_an_error_inside_the_timed_worker_reaches_the_caller(data: Dataset) -> None:
    with pytest.raises(QueryError, match="cannot bind"):
        query(data, "SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": "x"}, timeout=5)
    with pytest.raises(QueryError, match="not valid SPARQL"):
        query(data, "SELECT ?o WHERE { ?s ?p ?o BIND (1 AS ?o) }", engine=Engine.OXIGRAPH, timeout=5)


# ---------------------------------------------------------------------------------------------
# Values are bound, never pasted


@pytest.mark.parametrize("engine", list(Engine))
def test_a_bound_value_cannot_change_the_query(engine: Engine, stores: dict[Engine, object]) -> None:
    q = "SELECT ?p ?name WHERE { ?p schema:name ?name }"
    attack = '"} UNION { ?p ?x ?name } #'
    assert query(stores[engine], q, bindings={"name": Literal(attack)}).rows == ()  # type: ignore[arg-type]
    assert query(stores[engine], q, bindings={"name": attack[1:]}).rows == ()  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="is not a valid IRI or literal"):
        query(stores[engine], q, bindings={"name": attack})  # type: ignore[arg-type]
    found = query(stores[engine], q, bindings={"name": '"Kairat Umarov"'})  # type: ignore[arg-type]
    assert [str(r[0]) for r in found.rows] == ["https://kzar.example/id/person/kairat-umarov"]


def _iter_lines(text: str) -> Iterator[str]:
    yield from text.splitlines()


def test_no_public_host_is_named_in_these_tests() -> None:
    hosts = set(re.findall(r"https?://([A-Za-z0-9.-]+)", Path(__file__).read_text(encoding="utf-8")))
    assert hosts <= {"127.0.0.1", "kzar.example"}, hosts
