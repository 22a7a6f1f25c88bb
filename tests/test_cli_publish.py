"""``kzar-ld publish``: progress and summary on stderr, exit codes 0/1/2/3, a real store."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FaultServer, OxigraphServer, Reply, free_port
from rdflib import URIRef
from typer.testing import CliRunner

import kzar_ld.mapping as mapping
from kzar_ld.annotated import Article
from kzar_ld.cli import app
from kzar_ld.mapping import Triple
from kzar_ld.namespaces import SCHEMA

FaultFactory = Callable[..., FaultServer]

ROOT = Path(__file__).resolve().parents[1]
FIRST = str(ROOT / "examples" / "kazinform-2023-08-24")
SECOND = str(ROOT / "tests" / "data" / "articles" / "fictional-round-table")
FIRST_ID = "000_b748ee61ec8ac40c"
FIRST_TRIPLES = 1186  # the size of the first article's graph, as the core builds it
GRAPH_PARAM = "?graph=https%3A%2F%2Fkzar.example%2Fid%2Farticle%2F"

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KZAR_LD_USER", "KZAR_LD_PASSWORD", "KZAR_LD_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def store(oxigraph_server: OxigraphServer) -> OxigraphServer:
    oxigraph_server.clear()
    return oxigraph_server


def _lines(stderr: str) -> list[str]:
    """stderr without the warnings (the placeholder base, SHACL warnings)."""
    return [line for line in stderr.splitlines() if not line.startswith("kzar-ld: warning:")]


def test_publish_one_article(store: OxigraphServer) -> None:
    result = runner.invoke(app, ["publish", FIRST, "--store", store.store])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = _lines(result.stderr)
    assert lines[0].startswith(
        f"[1/1] {FIRST_ID}: published {FIRST_TRIPLES} triples to "
        f"<https://kzar.example/id/article/{FIRST_ID}> (HTTP 201, "
    )
    assert lines[-1].startswith(f"kzar-ld: published 1 of 1 articles ({FIRST_TRIPLES} triples) to {store.store} in ")
    assert store.quads() == FIRST_TRIPLES


def test_publish_twice_with_verify(store: OxigraphServer) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["publish", FIRST, SECOND, "--store", store.store, "--verify"])
        assert result.exit_code == 0, result.stderr
    lines = _lines(result.stderr)
    assert "(HTTP 204, verified, " in lines[0] and "[2/2] fictional-round-table: published" in lines[1]
    assert "kzar-ld: published 2 of 2 articles" in lines[-1]


def test_query_endpoint_reads_back_what_was_published(store: OxigraphServer) -> None:
    published = runner.invoke(app, ["publish", FIRST, "--store", store.store])
    assert published.exit_code == 0, published.stderr
    query = "SELECT ?h WHERE { GRAPH ?g { ?a a <http://schema.org/NewsArticle> ; <http://schema.org/headline> ?h } }"
    result = runner.invoke(app, ["query", query, "--endpoint", store.query, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "h",
        "Kazakhstan and Argentina strengthen bilateral cooperation",
    ]


def test_dry_run_sends_nothing(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=500))
    result = runner.invoke(app, ["publish", FIRST, "--store", server.url("/store"), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert server.hits == 0
    assert (
        f"[1/1] {FIRST_ID}: would PUT {FIRST_TRIPLES} triples (" in result.stderr
        and f"bytes of N-Triples) to {server.base}/store{GRAPH_PARAM}{FIRST_ID}" in result.stderr
    )
    assert f"dry run: 1 of 1 articles ({FIRST_TRIPLES} triples) would be sent" in result.stderr
    assert "nothing was sent" in result.stderr


def test_store_down_exits_3_within_the_timeout() -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    started = time.monotonic()
    result = runner.invoke(
        app, ["publish", FIRST, SECOND, "--store", url, "--timeout", "0.5", "--retries", "1", "--concurrency", "1"]
    )
    assert time.monotonic() - started < 5
    assert result.exit_code == 3
    lines = _lines(result.stderr)
    assert lines[0] == (f"kzar-ld: PUT {url}{GRAPH_PARAM}{FIRST_ID}: connection refused; retrying in 0.50 s")
    assert lines[1].startswith(f"[1/2] {FIRST_ID}: FAILED: PUT {url}{GRAPH_PARAM}{FIRST_ID}: cannot connect")
    assert lines[2] == "[2/2] fictional-round-table: not attempted (stopped after a failure)"
    assert lines[3].startswith("kzar-ld: published 0 of 2 articles (0 triples)")
    assert lines[3].endswith(f"; not published: {FIRST_ID} (failed), fictional-round-table (not-attempted)")
    assert lines[4].startswith(f"kzar-ld: error: article {FIRST_ID}: PUT {url}{GRAPH_PARAM}")
    assert "is the store running at that address?" in lines[4]
    assert len(lines) == 5


def test_store_error_exits_3_naming_article_url_and_status(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=500, body=b"internal failure while writing"))
    result = runner.invoke(
        app,
        ["publish", FIRST, "--store", server.url("/store"), "--timeout", "0.5", "--retries", "2"],
    )
    assert result.exit_code == 3
    assert server.hits == 3
    error = _lines(result.stderr)[-1]
    assert error.startswith(f"kzar-ld: error: article {FIRST_ID}: PUT {server.base}/store{GRAPH_PARAM}")
    assert "HTTP 500 Internal Server Error after 3 attempts" in error
    assert "internal failure while writing" in error


def test_retries_are_shown_and_then_succeed(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=503), Reply(status=500), Reply(status=201))
    result = runner.invoke(app, ["publish", FIRST, "--store", server.url("/store")])
    assert result.exit_code == 0, result.stderr
    assert server.hits == 3
    lines = _lines(result.stderr)
    assert lines[0].startswith(f"kzar-ld: PUT {server.base}/store{GRAPH_PARAM}{FIRST_ID}: HTTP 503")
    assert lines[0].endswith("retrying in 0.50 s")
    assert lines[1].endswith("HTTP 500; retrying in 1.00 s")
    assert lines[2].startswith(f"[1/1] {FIRST_ID}: published {FIRST_TRIPLES} triples")


def test_unauthorised_exits_3_with_a_credentials_message(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=401))
    result = runner.invoke(app, ["publish", FIRST, "--store", server.url("/store")])
    assert result.exit_code == 3 and server.hits == 1
    assert "HTTP 401 Unauthorized: the store wants credentials; set KZAR_LD_USER" in result.stderr


def test_credentials_come_from_the_environment_and_are_never_printed(
    fault_server: FaultFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KZAR_LD_USER", "ingest")
    monkeypatch.setenv("KZAR_LD_PASSWORD", "cli-secret-123")
    server = fault_server(Reply(status=403, body=b"user ingest with cli-secret-123 may not write"))
    result = runner.invoke(app, ["publish", FIRST, "--store", server.url("/store")])
    assert result.exit_code == 3
    assert server.requests[0].headers["Authorization"].startswith("Basic ")
    assert "not allowed to do this" in result.stderr
    assert "cli-secret-123" not in result.stderr + result.stdout


def test_incomplete_credentials_are_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KZAR_LD_USER", "ingest")
    result = runner.invoke(app, ["publish", FIRST, "--store", "http://127.0.0.1:1/store"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("kzar-ld: error: a user is set but no password: set KZAR_LD_PASSWORD too")


def test_an_article_that_does_not_conform_exits_1(fault_server: FaultFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    real_statements = mapping.article_statements

    def without_headline(article: Article, *, base: str) -> tuple[URIRef, list[Triple]]:
        name, statements = real_statements(article, base=base)
        return name, [t for t in statements if t[1] != SCHEMA.headline]

    monkeypatch.setattr(mapping, "article_statements", without_headline)
    server = fault_server(Reply(status=201))
    result = runner.invoke(app, ["publish", FIRST, "--store", server.url("/store"), "--jobs", "1"])
    assert result.exit_code == 1
    assert server.hits == 0
    assert f"kzar-ld: error: {FIRST}: the data does not conform: " in result.stderr
    assert "published 0 of 1 articles" in result.stderr
    assert "1 not sent (invalid or unreadable, reported above)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--store", "127.0.0.1:7878/store"],
            "--store '127.0.0.1:7878/store' is not an absolute http(s) URL",
        ),
        (["--store", "http://u:pw@127.0.0.1/store"], "holds credentials"),
        (
            ["--store", "http://127.0.0.1:1/store", "--query-endpoint", "query"],
            "--query-endpoint 'query' is not an absolute http(s) URL",
        ),
        (
            ["--store", "http://127.0.0.1:1/store", "--base", "nope"],
            "--base 'nope' is not an absolute",
        ),
    ],
)
def test_bad_arguments_exit_2_before_reading_articles(args: list[str], message: str) -> None:
    # The source does not exist: the argument error must come first.
    result = runner.invoke(app, ["publish", "no-such-article", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("kzar-ld: error: ")
    assert message in result.stderr
    assert "pw@" not in result.stderr


def test_missing_article_exits_2() -> None:
    result = runner.invoke(app, ["publish", "no-such-article", "--store", "http://127.0.0.1:1/store"])
    assert result.exit_code == 2
    assert "no-such-article: no such article directory or annotation file" in result.stderr


def test_verify_without_query_endpoint_for_another_store_exits_2(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(status=201))
    result = runner.invoke(app, ["publish", FIRST, "--store", server.url("/news/data"), "--verify"])
    assert result.exit_code == 2 and server.hits == 0
    assert "give --query-endpoint" in result.stderr


@pytest.mark.parametrize("option", [["--timeout", "0"], ["--retries", "-1"], ["--retries", "21"]])
def test_out_of_range_options_are_usage_errors(option: list[str]) -> None:
    result = runner.invoke(app, ["publish", FIRST, "--store", "http://127.0.0.1:1/store", *option])
    assert result.exit_code == 2


def test_help_has_examples_and_names_the_credential_variables() -> None:
    result = runner.invoke(app, ["publish", "--help"])
    assert result.exit_code == 0
    for text in ("--store", "--verify", "--dry-run", "KZAR_LD_USER", "KZAR_LD_TOKEN", "Examples"):
        assert text in result.stdout
