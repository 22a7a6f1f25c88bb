"""kzar_ld.remote: the HTTP layer, against a real Oxigraph server and a scripted faulty server.

The happy paths talk to a real store; every failure mode (5xx, 429 with Retry-After, 401/403,
slow answers, dropped connections, truncated or malformed 200 answers, oversized answers,
redirects) is played by a loopback server that counts the requests it gets.
"""

from __future__ import annotations

import base64
import logging
import re
import time
import urllib.parse
from collections.abc import Callable

import pytest
import requests
from conftest import FaultServer, OxigraphServer, Reply, free_port
from rdflib import Graph
from rdflib.compare import isomorphic

from kzar_ld.errors import InputError, RemoteError
from kzar_ld.remote import (
    HttpResponse,
    HttpSettings,
    QueryMethod,
    UserAuth,
    check_endpoint,
    count_triples,
    graph_delete,
    graph_get,
    graph_put,
    sparql_query,
)

FaultFactory = Callable[..., FaultServer]

NT = "application/n-triples"
JSON_RESULTS = "application/sparql-results+json"
GRAPH = "https://kzar.example/id/article/t1"
# Hand-made N-Triples with what our graphs hold: typed literals, a language tag, a blank node,
# non-ASCII text and escapes.
SAMPLE = (
    "<https://kzar.example/id/article/t1> <http://schema.org/headline> "
    '"Kazakhstan and Argentina \\"strengthen\\" ties \\u2013 \u00abBMJ\u00bb"@en .\n'
    "<https://kzar.example/id/article/t1> <http://schema.org/datePublished> "
    '"2023-08-24"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
    "<https://kzar.example/id/article/t1> <http://schema.org/identifier> _:b0 .\n"
    '_:b0 <http://schema.org/value> "KZ" .\n'
    "<https://kzar.example/id/m1> <http://www.w3.org/ns/oa#start> "
    '"68"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
).encode()

# Fault tests: everything in fractions of a second.
FAST = HttpSettings(connect_timeout=0.5, read_timeout=0.3, retries=2, backoff=0.01, max_wait=1.0)


def nt_graph(data: bytes) -> Graph:
    return Graph().parse(data=data.decode(), format="nt")


# ---------------------------------------------------------------------------------------------
# Settings


def test_settings_defaults_are_bounded() -> None:
    s = HttpSettings()
    assert (s.connect_timeout, s.read_timeout, s.retries, s.backoff) == (5.0, 30.0, 3, 0.5)
    assert s.max_body_bytes == 64 * 1024 * 1024
    assert s.auth_scheme is None


def test_settings_from_env_reads_credentials_and_keeps_them_out_of_repr() -> None:
    env = {"KZAR_LD_USER": "ingest", "KZAR_LD_PASSWORD": "pa55-w0rd-xyz"}
    s = HttpSettings.from_env(environ=env, read_timeout=2.5, retries=1)
    assert (s.user, s.password, s.auth_scheme) == ("ingest", "pa55-w0rd-xyz", "basic")
    assert (s.read_timeout, s.retries, s.connect_timeout) == (2.5, 1, 5.0)
    assert "pa55-w0rd-xyz" not in repr(s) and "ingest" not in repr(s)
    token = HttpSettings.from_env(environ={"KZAR_LD_TOKEN": "tok-123-secret"})
    assert token.auth_scheme == "bearer" and "tok-123-secret" not in repr(token)


def test_settings_from_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KZAR_LD_TOKEN", "env-token-1")
    monkeypatch.delenv("KZAR_LD_USER", raising=False)
    monkeypatch.delenv("KZAR_LD_PASSWORD", raising=False)
    assert HttpSettings.from_env().token == "env-token-1"


def test_explicit_credentials_win_over_environment() -> None:
    env = {"KZAR_LD_TOKEN": "from-env"}
    s = HttpSettings.from_env(environ=env, user="u", password="p")
    assert (s.user, s.token) == ("u", None)


def test_empty_environment_variables_count_as_unset() -> None:
    s = HttpSettings.from_env(environ={"KZAR_LD_USER": "", "KZAR_LD_TOKEN": ""})
    assert s.auth_scheme is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KZAR_LD_USER": "u"}, "a user is set but no password: set KZAR_LD_PASSWORD too"),
        ({"KZAR_LD_PASSWORD": "hunter2-x"}, "a password is set but no user: set KZAR_LD_USER too"),
        (
            {"KZAR_LD_USER": "u", "KZAR_LD_PASSWORD": "hunter2-x", "KZAR_LD_TOKEN": "t0k"},
            "not both",
        ),
        ({"KZAR_LD_USER": "a:b", "KZAR_LD_PASSWORD": "hunter2-x"}, "hold no ':'"),
        ({"KZAR_LD_TOKEN": "bad token\nX-Evil: 1"}, "characters a bearer token cannot have"),
        ({"KZAR_LD_USER": "u", "KZAR_LD_PASSWORD": "hunter2\r\n"}, "control character"),
    ],
)
def test_bad_credentials_are_input_errors_that_never_echo_secrets(env: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as info:
        HttpSettings.from_env(environ=env)
    assert message in str(info.value)
    assert info.value.exit_code == 2
    for secret in ("hunter2", "bad token", "t0k"):
        assert secret not in str(info.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"connect_timeout": 0}, "connect_timeout must be a positive number of seconds, not 0"),
        ({"read_timeout": -1.0}, "read_timeout must be a positive number of seconds"),
        ({"read_timeout": float("inf")}, "read_timeout must be a positive number"),
        ({"retries": 21}, "retries must be a whole number between 0 and 20, not 21"),
        ({"retries": True}, "retries must be a whole number"),
        ({"backoff": -0.1}, "backoff must be a non-negative number of seconds"),
        ({"max_body_bytes": 0}, "max_body_bytes must be a positive whole number"),
    ],
)
def test_bad_settings_are_input_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        HttpSettings(**changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Endpoint URLs


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:7878/store",
        "https://127.0.0.1/repositories/news/rdf-graphs/service",
        "http://127.0.0.1:3030/ds/data?x=1",
    ],
)
def test_good_endpoints_pass(url: str) -> None:
    assert check_endpoint(url) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "--store is empty"),
        ("127.0.0.1:7878/store", "is not an absolute http(s) URL"),
        ("/store", "is not an absolute http(s) URL"),
        ("ftp://127.0.0.1/store", "is not an absolute http(s) URL"),
        ("file:///etc/passwd", "is not an absolute http(s) URL"),
        ("http://127.0.0.1:7878/st ore", "white space or a control character"),
        ("http://127.0.0.1:99999/store", "invalid port"),
        ("http://:8080/store", "has no host name"),
        ("http://127.0.0.1:7878/store#x", "must not have a '#' fragment"),
    ],
)
def test_bad_endpoints_are_refused_before_any_request(url: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as info:
        check_endpoint(url, what="--store")
    assert info.value.exit_code == 2


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(InputError) as info:
        check_endpoint("http://admin:topsecret@127.0.0.1:7878/store", what="--store")
    text = str(info.value)
    assert "holds credentials" in text and "KZAR_LD_USER" in text
    assert "topsecret" not in text and "admin" not in text


def test_operations_validate_the_url_before_any_work(fault_server: FaultFactory) -> None:
    with pytest.raises(InputError, match="not an absolute http"):
        graph_put("127.0.0.1/store", GRAPH, SAMPLE, content_type=NT)
    with pytest.raises(InputError, match="not a valid absolute IRI"):
        graph_put("http://127.0.0.1:1/store", "not an iri", SAMPLE, content_type=NT)
    with pytest.raises(InputError, match="not a valid absolute IRI"):
        count_triples("http://127.0.0.1:1/query", "https://x.example/a> } ; DROP ALL ; <x:")


# ---------------------------------------------------------------------------------------------
# The real store


def test_put_get_count_delete_round_trip(oxigraph_server: OxigraphServer) -> None:
    oxigraph_server.clear()
    put = graph_put(oxigraph_server.store, GRAPH, SAMPLE, content_type=NT)
    assert put.status in (200, 201, 204)
    assert count_triples(oxigraph_server.query, GRAPH) == 5
    got = graph_get(oxigraph_server.store, GRAPH)
    assert got.media_type == NT
    assert isomorphic(nt_graph(got.body), nt_graph(SAMPLE))
    assert graph_delete(oxigraph_server.store, GRAPH) is True
    assert count_triples(oxigraph_server.query, GRAPH) == 0
    assert graph_delete(oxigraph_server.store, GRAPH) is False
    with pytest.raises(RemoteError) as info:
        graph_delete(oxigraph_server.store, GRAPH, missing_ok=False)
    assert info.value.status == 404


def test_put_twice_replaces_instead_of_adding(oxigraph_server: OxigraphServer) -> None:
    oxigraph_server.clear()
    graph_put(oxigraph_server.store, GRAPH, SAMPLE, content_type=NT)
    graph_put(oxigraph_server.store, GRAPH, SAMPLE, content_type=NT)
    assert count_triples(oxigraph_server.query, GRAPH) == 5
    smaller = b'<https://kzar.example/id/a> <http://schema.org/name> "A" .\n'
    graph_put(oxigraph_server.store, GRAPH, smaller, content_type=NT)
    assert count_triples(oxigraph_server.query, GRAPH) == 1
    assert oxigraph_server.quads() == 1


def test_one_session_serves_many_requests(oxigraph_server: OxigraphServer) -> None:
    oxigraph_server.clear()
    with requests.Session() as session:
        for i in range(5):
            graph_put(oxigraph_server.store, f"{GRAPH}-{i}", SAMPLE, content_type=NT, session=session)
        counts = [count_triples(oxigraph_server.query, f"{GRAPH}-{i}", session=session) for i in range(5)]
    assert counts == [5] * 5


@pytest.mark.parametrize("method", list(QueryMethod))
def test_sparql_query_every_method(oxigraph_server: OxigraphServer, method: QueryMethod) -> None:
    oxigraph_server.clear()
    graph_put(oxigraph_server.store, GRAPH, SAMPLE, content_type=NT)
    query = 'ASK { GRAPH ?g { ?s <http://schema.org/value> "KZ" } }'
    answer = sparql_query(oxigraph_server.query, query, accept=JSON_RESULTS, method=method)
    in_url = "?query=ASK%20%7B%20GRAPH" if method is QueryMethod.GET else ""
    assert answer.status == 200 and answer.url.startswith(oxigraph_server.query + in_url)
    assert answer.json()["boolean"] is True


def test_store_error_status_names_url_status_and_store_message(
    oxigraph_server: OxigraphServer,
) -> None:
    with pytest.raises(RemoteError) as info:
        sparql_query(oxigraph_server.query, "SELEC nothing", accept=JSON_RESULTS)
    err = info.value
    assert err.status == 400 and err.url == oxigraph_server.query and err.exit_code == 3
    assert str(err).startswith(f"POST {oxigraph_server.query}: HTTP 400 Bad Request; the store said: ")


def test_rejected_upload_is_a_remote_error_with_the_parser_message(
    oxigraph_server: OxigraphServer,
) -> None:
    with pytest.raises(RemoteError) as info:
        graph_put(oxigraph_server.store, GRAPH, b"this is not n-triples", content_type=NT)
    assert info.value.status == 400
    assert "HTTP 400" in str(info.value) and "the store said:" in str(info.value)


def test_get_of_a_missing_graph_is_404(oxigraph_server: OxigraphServer) -> None:
    oxigraph_server.clear()
    with pytest.raises(RemoteError) as info:
        graph_get(oxigraph_server.store, "https://kzar.example/id/article/none")
    assert info.value.status == 404


def test_graph_iri_is_percent_encoded_in_the_query_string(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=204))
    graph_put(server.url("/ds/data?x=1"), "https://kzar.example/id/article/a?c=1&d", b"", content_type=NT)
    assert server.requests[0].path == "/ds/data?x=1&graph=https%3A%2F%2Fkzar.example%2Fid%2Farticle%2Fa%3Fc%3D1%26d"


# ---------------------------------------------------------------------------------------------
# Retries


def test_500_twice_then_success_is_retried(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=500), Reply(status=500), Reply(status=204))
    answer = graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert answer.status == 204
    assert server.hits == 3
    assert all(r.body == SAMPLE and r.method == "PUT" for r in server.requests)


def test_persistent_5xx_gives_up_after_the_retries(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=503, body=b"store is\n  restarting " + b"x" * 500))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert server.hits == 3
    err = info.value
    assert err.status == 503 and err.exit_code == 3
    assert "HTTP 503 Service Unavailable after 3 attempts" in str(err)
    assert "the store said: 'store is restarting xxx" in str(err)
    assert "\n" not in str(err) and len(str(err)) < 400


def test_retry_after_is_honoured(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=429, headers={"Retry-After": "0.4"}), Reply(status=204))
    started = time.monotonic()
    graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert time.monotonic() - started >= 0.4
    assert server.hits == 2


def test_retry_after_shorter_than_the_backoff_does_not_shorten_it(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(status=503, headers={"Retry-After": "0"}), Reply(status=204))
    started = time.monotonic()
    graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=HttpSettings(backoff=0.3))
    assert time.monotonic() - started >= 0.3
    assert server.hits == 2


def test_retry_after_as_http_date_in_the_past_retries_at_once(fault_server: FaultFactory) -> None:
    server = fault_server(
        Reply(status=503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        Reply(status=204),
    )
    graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert server.hits == 2


def test_retry_after_longer_than_max_wait_fails_at_once(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=429, headers={"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert time.monotonic() - started < 1
    assert server.hits == 1
    assert "asks to retry after 120 s" in str(info.value) and info.value.status == 429


def test_backoff_grows_exponentially(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=502))
    settings = HttpSettings(retries=3, backoff=0.05, read_timeout=1)
    started = time.monotonic()
    with pytest.raises(RemoteError):
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    # 0.05 + 0.1 + 0.2 seconds of waiting between the four attempts
    assert time.monotonic() - started >= 0.35
    assert server.hits == 4


@pytest.mark.parametrize("status", [400, 404, 405, 409, 413, 415])
def test_other_4xx_are_not_retried(fault_server: FaultFactory, status: int) -> None:
    server = fault_server(Reply(status=status, body=b"nope"))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert server.hits == 1
    assert info.value.status == status
    assert f"PUT {server.base}/store?graph=" in str(info.value)
    assert "the store said: 'nope'" in str(info.value)


def test_retries_are_logged_without_credentials(fault_server: FaultFactory, caplog: pytest.LogCaptureFixture) -> None:
    server = fault_server(Reply(status=500), Reply(status=204))
    settings = HttpSettings(retries=1, backoff=0.01, user="ingest", password="pw-never-logged")
    with caplog.at_level(logging.DEBUG, logger="kzar_ld.remote"):
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    assert "HTTP 500; retrying in" in caplog.text
    assert "pw-never-logged" not in caplog.text
    assert base64.b64encode(b"ingest:pw-never-logged").decode() not in caplog.text


# ---------------------------------------------------------------------------------------------
# Credentials


def test_basic_credentials_are_sent(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=204))
    settings = HttpSettings(user="ingest", password="s3cr\u00e9t")
    graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    expected = "Basic " + base64.b64encode("ingest:s3cr\u00e9t".encode()).decode()
    assert server.requests[0].headers["Authorization"] == expected


def test_bearer_token_is_sent(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=200, body=b"{}", headers={"Content-Type": "application/json"}))
    sparql_query(server.url("/"), "ASK {}", accept=JSON_RESULTS, settings=HttpSettings(token="abc.DEF-1"))
    assert server.requests[0].headers["Authorization"] == "Bearer abc.DEF-1"
    assert server.requests[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert server.requests[0].body == b"query=ASK%20%7B%7D"


def test_queries_are_form_encoded_posts_by_default(fault_server: FaultFactory) -> None:
    # Virtuoso never answers a POST of application/sparql-query; every store answers a form.
    server = fault_server(Reply(status=200, body=b"1", headers={"Content-Type": "application/json"}))
    query = 'SELECT ?n WHERE { ?s <http://schema.org/name> ?n FILTER(?n = "a&b=c é") }'
    sparql_query(server.url("/sparql?x=1"), query, accept=JSON_RESULTS)
    [sent] = server.requests
    assert (sent.method, sent.path) == ("POST", "/sparql?x=1")
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(sent.body.decode("ascii"), strict_parsing=True) == {"query": [query]}


@pytest.mark.parametrize(
    ("method", "verb", "content_type"),
    [
        (QueryMethod.POST_DIRECT, "POST", "application/sparql-query; charset=utf-8"),
        (QueryMethod.GET, "GET", None),
        ("post-form", "POST", "application/x-www-form-urlencoded"),
    ],
)
def test_each_query_method_sends_its_form(
    fault_server: FaultFactory, method: QueryMethod, verb: str, content_type: str | None
) -> None:
    server = fault_server(Reply(status=200, body=b"1", headers={"Content-Type": "application/json"}))
    query = 'ASK { ?s ?p "&?é" }'
    settings = HttpSettings(query_method=method)
    sparql_query(server.url("/sparql?x=1"), query, accept=JSON_RESULTS, settings=settings)
    [sent] = server.requests
    assert sent.method == verb and sent.headers.get("Content-Type") == content_type
    path, _, params = sent.path.partition("?")
    assert path == "/sparql"
    if method is QueryMethod.GET:
        assert urllib.parse.parse_qs(params) == {"x": ["1"], "query": [query]} and not sent.body
    elif method is QueryMethod.POST_DIRECT:
        assert sent.body == query.encode() and params == "x=1"


def test_a_bad_query_method_is_an_input_error() -> None:
    with pytest.raises(InputError, match="query_method must be one of post-form, post-direct, get"):
        HttpSettings(query_method="put")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="query method must be one of"):
        sparql_query("http://127.0.0.1:9/q", "ASK {}", accept=JSON_RESULTS, method="put")


def test_401_without_credentials_says_how_to_give_them_and_is_not_retried(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(status=401, headers={"WWW-Authenticate": 'Basic realm="store"'}))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert server.hits == 1
    assert info.value.status == 401
    assert "the store wants Basic credentials; set KZAR_LD_USER and KZAR_LD_PASSWORD" in str(info.value)
    assert "KZAR_LD_TOKEN" in str(info.value)


def test_401_with_credentials_says_they_were_rejected_without_showing_them(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(
        Reply(
            status=401,
            body=b"bad password pw-9f8e7d for user ingest",
            headers={"WWW-Authenticate": 'Basic realm="store"'},
        )
    )
    settings = HttpSettings(user="ingest", password="pw-9f8e7d", retries=3, backoff=0.01)
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    assert server.hits == 1
    assert "rejected the Basic credentials (from KZAR_LD_USER/KZAR_LD_PASSWORD)" in str(info.value)
    assert "(it asks for Basic); check them" in str(info.value)
    assert "pw-9f8e7d" not in str(info.value)


_DIGEST_CHALLENGE = {
    "WWW-Authenticate": 'Digest realm="SPARQL", nonce="3b2c1d", opaque="9f", qop="auth", algorithm="MD5"'
}


def _digest_fields(header: str) -> dict[str, str]:
    assert header.startswith("Digest ")
    return dict(re.findall(r'(\w+)="?([^",]*)"?', header[len("Digest ") :]))


def test_digest_answers_the_challenge_and_never_sends_the_password(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(status=401, headers=_DIGEST_CHALLENGE), Reply(status=201))
    env = {"KZAR_LD_USER": "ingest", "KZAR_LD_PASSWORD": "pw-digest-1", "KZAR_LD_AUTH": "digest"}
    settings = HttpSettings.from_env(environ=env)
    assert settings.user_auth is UserAuth.DIGEST and settings.auth_scheme == "digest"
    answer = graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    assert answer.status == 201 and server.hits == 2
    first, second = server.requests
    assert "Authorization" not in first.headers  # nothing is sent before the challenge
    fields = _digest_fields(second.headers["Authorization"])
    assert fields["username"] == "ingest" and fields["realm"] == "SPARQL"
    assert fields["nonce"] == "3b2c1d" and fields["qop"] == "auth"
    assert fields["uri"] == "/store?graph=https%3A%2F%2Fkzar.example%2Fid%2Farticle%2Ft1"
    assert second.body == SAMPLE
    assert all(b"pw-digest-1" not in r.body and "pw-digest-1" not in str(r.headers) for r in server.requests)


def test_auto_switches_from_basic_to_digest_when_only_digest_is_offered(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(
        Reply(status=401, headers=_DIGEST_CHALLENGE),
        Reply(status=401, headers=_DIGEST_CHALLENGE),
        Reply(status=204),
    )
    settings = HttpSettings(user="ingest", password="pw-2")
    graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    assert server.hits == 3
    assert server.requests[0].headers["Authorization"].startswith("Basic ")
    assert "Authorization" not in server.requests[1].headers
    assert _digest_fields(server.requests[2].headers["Authorization"])["username"] == "ingest"


def test_basic_only_does_not_switch_and_says_the_store_wants_digest(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(status=401, headers=_DIGEST_CHALLENGE))
    settings = HttpSettings(user="ingest", password="pw-3", user_auth=UserAuth.BASIC)
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    assert server.hits == 1 and info.value.status == 401
    assert str(info.value).endswith(
        "HTTP 401 Unauthorized: the store asks for Digest authentication, but Basic was sent "
        "(from KZAR_LD_USER/KZAR_LD_PASSWORD); set KZAR_LD_AUTH=digest"
    )


def test_wrong_digest_credentials_name_the_scheme(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=401, headers=_DIGEST_CHALLENGE))
    settings = HttpSettings(user="ingest", password="pw-4", user_auth=UserAuth.DIGEST)
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=settings)
    assert server.hits == 2  # the challenge, then one answer to it; no retry loop
    assert "rejected the Digest credentials (from KZAR_LD_USER/KZAR_LD_PASSWORD) (it asks for Digest)" in str(
        info.value
    )
    assert "pw-4" not in str(info.value)


def test_a_bearer_challenge_to_a_password_names_the_token_variable(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(status=401, headers={"WWW-Authenticate": 'Bearer realm="x", error="invalid_token"'}))
    with pytest.raises(RemoteError) as info:
        graph_put(
            server.url("/store"),
            GRAPH,
            SAMPLE,
            content_type=NT,
            settings=HttpSettings(user="u", password="p"),
        )
    assert server.hits == 1
    assert "asks for Bearer authentication, but Basic was sent" in str(info.value)
    assert "set KZAR_LD_TOKEN instead of KZAR_LD_USER/KZAR_LD_PASSWORD" in str(info.value)


def test_a_bad_auth_variable_is_an_input_error() -> None:
    with pytest.raises(InputError, match="KZAR_LD_AUTH must be one of auto, basic, digest, not 'ntlm'"):
        HttpSettings.from_env(environ={"KZAR_LD_AUTH": "NTLM", "KZAR_LD_USER": "u", "KZAR_LD_PASSWORD": "p"})


def test_403_with_token_says_access_is_not_allowed(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=403))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=HttpSettings(token="t1"))
    assert server.hits == 1 and info.value.status == 403
    assert "(from KZAR_LD_TOKEN) are not allowed to do this" in str(info.value)


def test_secrets_echoed_in_an_error_body_are_masked(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=400, body=b"token tok-SECRET-42 is not valid here"))
    with pytest.raises(RemoteError) as info:
        graph_put(
            server.url("/store"),
            GRAPH,
            SAMPLE,
            content_type=NT,
            settings=HttpSettings(token="tok-SECRET-42"),
        )
    assert "tok-SECRET-42" not in str(info.value)
    assert "token *** is not valid here" in str(info.value)


# ---------------------------------------------------------------------------------------------
# Connections and timeouts


def test_store_down_fails_fast_with_a_clear_message() -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    started = time.monotonic()
    with pytest.raises(RemoteError) as info:
        graph_put(url, GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert time.monotonic() - started < 2
    err = info.value
    assert err.status is None and (err.url or "").startswith(url) and err.exit_code == 3
    assert "cannot connect (connection refused) after 3 attempts" in str(err)
    assert "is the store running at that address?" in str(err)


def test_slow_answer_hits_the_read_timeout_and_is_not_retried(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=204, delay=1.0))
    started = time.monotonic()
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert time.monotonic() - started < 0.9
    assert server.hits == 1
    text = str(info.value)
    assert "no answer within 0.3 s" in text
    assert "is unknown, and re-running is safe (PUT replaces the graph)" in text


def test_connection_dropped_mid_upload_is_retried_then_says_state_unknown(
    fault_server: FaultFactory,
) -> None:
    server = fault_server(Reply(drop=True))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE * 2000, content_type=NT, settings=FAST)
    assert server.hits == 3
    text = str(info.value)
    assert "the connection dropped before the store answered" in text
    assert "after 3 attempts" in text
    assert "whether the store applied the change is unknown, and re-running is safe" in text


def test_a_dropped_connection_then_success(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(drop=True), Reply(status=201))
    assert graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST).status == 201
    assert server.hits == 2


# ---------------------------------------------------------------------------------------------
# Bodies: truncated, malformed, oversized


def test_truncated_200_body_is_an_error_not_an_empty_result(fault_server: FaultFactory) -> None:
    partial = b'{"head":{"vars":["n"]},"results":{"bindings":['
    server = fault_server(
        Reply(
            status=200,
            body=partial,
            declared_length=len(partial) + 500,
            headers={"Content-Type": JSON_RESULTS},
        )
    )
    with pytest.raises(RemoteError) as info:
        count_triples(server.url("/query"), GRAPH, settings=FAST)
    assert "was cut off mid-stream" in str(info.value)
    assert info.value.status == 200
    assert server.hits == 1


def test_complete_but_malformed_200_body_is_an_error(fault_server: FaultFactory) -> None:
    # What a store sends when the query fails mid-stream but the HTTP framing survives.
    server = fault_server(
        Reply(
            status=200,
            body=b'{"head":{"vars":["n"]},"results":{"bindings":[',
            headers={"Content-Type": JSON_RESULTS},
        )
    )
    with pytest.raises(RemoteError) as info:
        count_triples(server.url("/query"), GRAPH, settings=FAST)
    assert "not valid JSON" in str(info.value) and "cut off" in str(info.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"head":{"vars":["n"]},"results":{"bindings":[]}}', "0 result rows"),
        (b'{"head":{"vars":["n"]}}', "malformed answer to a triple count ('results')"),
        (b'{"results":{"bindings":[{"n":{"type":"literal","value":"-3"}}]}}', "not a non-negative"),
        (
            b'{"results":{"bindings":[{"n":{"type":"literal","value":"1e3"}}]}}',
            "not a non-negative",
        ),
        (b"[1, 2]", "malformed answer"),
    ],
)
def test_count_refuses_answers_that_are_not_one_count(fault_server: FaultFactory, body: bytes, message: str) -> None:
    server = fault_server(Reply(status=200, body=body, headers={"Content-Type": JSON_RESULTS}))
    with pytest.raises(RemoteError, match="malformed answer to a triple count") as info:
        count_triples(server.url("/query"), GRAPH, settings=FAST)
    assert message in str(info.value)


def test_count_refuses_an_html_page(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=200, body=b"<html>login</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(RemoteError, match="expected SPARQL JSON results, got 'text/html'"):
        count_triples(server.url("/query"), GRAPH, settings=FAST)


def test_declared_oversized_body_is_refused_before_reading(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=200, body=b"x" * 100, declared_length=10_000))
    settings = HttpSettings(max_body_bytes=1000, read_timeout=1)
    with pytest.raises(RemoteError, match="the answer is 10000 bytes, over the 1000-byte cap"):
        graph_get(server.url("/store"), GRAPH, settings=settings)


def test_oversized_body_without_length_is_cut_at_the_cap(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=200, body=b"x" * 5000, send_length=False))
    settings = HttpSettings(max_body_bytes=1000, read_timeout=1)
    with pytest.raises(RemoteError, match="exceeds the 1000-byte cap"):
        # The cap is checked while reading, whatever the headers said.
        graph_get(server.url("/store"), GRAPH, settings=settings)
    ok = graph_get(server.url("/store"), GRAPH, settings=HttpSettings(max_body_bytes=5000))
    assert len(ok.body) == 5000


def test_response_text_and_json_refuse_bad_bytes() -> None:
    bad = HttpResponse(status=200, content_type="", body=b"\xff\xfe", url="http://127.0.0.1/q")
    with pytest.raises(RemoteError, match="not UTF-8"):
        bad.text()
    with pytest.raises(RemoteError, match="not UTF-8"):
        bad.json()
    assert "body" not in repr(bad)


# ---------------------------------------------------------------------------------------------
# Redirects


def test_put_follows_307_to_the_same_origin_with_the_body(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=307, headers={"Location": "/store2?graph=x"}), Reply(status=204))
    answer = graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert answer.url == server.url("/store2?graph=x")
    assert [r.method for r in server.requests] == ["PUT", "PUT"]
    assert server.requests[1].path == "/store2?graph=x" and server.requests[1].body == SAMPLE


@pytest.mark.parametrize("status", [301, 302, 303])
def test_put_refuses_redirects_that_would_drop_the_body(fault_server: FaultFactory, status: int) -> None:
    server = fault_server(Reply(status=status, headers={"Location": "/store/"}))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=FAST)
    assert server.hits == 1
    assert f"HTTP {status} redirect to {server.base}/store/ refused" in str(info.value)


def test_redirect_to_another_origin_is_refused(fault_server: FaultFactory) -> None:
    elsewhere = fault_server(Reply(status=204))
    server = fault_server(Reply(status=308, headers={"Location": elsewhere.url("/store")}))
    with pytest.raises(RemoteError) as info:
        graph_put(server.url("/store"), GRAPH, SAMPLE, content_type=NT, settings=HttpSettings(token="t1"))
    assert elsewhere.hits == 0 and server.hits == 1
    assert "redirect to another origin" in str(info.value)
    assert elsewhere.base in str(info.value)


def test_get_follows_a_same_origin_redirect(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=301, headers={"Location": "{base}/moved"}), Reply(status=200, body=SAMPLE))
    answer = graph_get(server.url("/store"), GRAPH, settings=FAST)
    assert answer.body == SAMPLE and server.requests[1].path == "/moved"


def test_redirect_loops_are_bounded(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=302, headers={"Location": "/again"}))
    with pytest.raises(RemoteError, match="more than 5 redirects"):
        graph_get(server.url("/store"), GRAPH, settings=FAST)
    assert server.hits == 6


def test_redirect_without_location_is_an_error(fault_server: FaultFactory) -> None:
    server = fault_server(Reply(status=302))
    with pytest.raises(RemoteError, match="redirect without a Location header"):
        graph_get(server.url("/store"), GRAPH, settings=FAST)
