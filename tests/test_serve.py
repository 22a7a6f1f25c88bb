"""The server over real HTTP: content negotiation, 303 See Other, Vary and Link headers, 404 and 406.

A real Uvicorn runs on 127.0.0.1 and a free port, serving a small site written by the test
(``serve_support.write_fixture_site``); requests plays curl.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from serve_support import EXAMPLE, RunningServer, description, free_port, running_server, write_fixture_site
from typer.testing import CliRunner

from kzar_ld import DEFAULT_BASE
from kzar_ld.cli import app
from kzar_ld.web.endpoint import EndpointSettings
from kzar_ld.web.server import SiteMount, create_app, mount_path

PERSON = "person/kairat-umarov"
PERSON_IRI = DEFAULT_BASE + PERSON
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("site")
    data = write_fixture_site(root)
    return root, data


@pytest.fixture(scope="module")
def server(site: tuple[Path, object]) -> Iterator[RunningServer]:
    root, _ = site
    with running_server(create_app(root, endpoint=EndpointSettings(workers=1))) as running:
        yield running


def get(
    server: RunningServer, path: str, accept: str | None = None, *, headers: dict[str, str] | None = None
) -> requests.Response:
    sent = dict(headers or {})
    if accept is not None:
        sent["Accept"] = accept
    return requests.get(server.url + path, headers=sent, allow_redirects=False, timeout=30)


def links(response: requests.Response) -> dict[str, str]:
    """The Link header's rel=alternate targets by type."""
    found: dict[str, str] = {}
    for part in response.headers["Link"].split(", "):
        target, *params = part.split("; ")
        attributes = dict(p.split("=", 1) for p in params)
        assert attributes["rel"] == '"alternate"'
        found[attributes["type"].strip('"')] = target.strip("<>")
    return found


@pytest.mark.parametrize(
    ("accept", "document", "content_type"),
    [
        ("text/turtle", "index.ttl", "text/turtle; charset=utf-8"),
        ("application/ld+json", "index.jsonld", "application/ld+json"),
        ("application/json", "index.jsonld", "application/ld+json"),
        ("application/n-triples", "index.nt", "application/n-triples"),
        (BROWSER, "index.html", "text/html; charset=utf-8"),
        ("*/*", "index.html", "text/html; charset=utf-8"),
        (None, "index.html", "text/html; charset=utf-8"),
        ("text/html;q=0.2, text/turtle;q=0.8", "index.ttl", "text/turtle; charset=utf-8"),
    ],
)
def test_thing_iri_redirects_303_to_the_document(
    server: RunningServer, accept: str | None, document: str, content_type: str
) -> None:
    response = get(server, f"/id/{PERSON}", accept)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/id/{PERSON}/{document}"
    assert response.headers["Vary"] == "Accept"
    followed = requests.get(server.url + response.headers["Location"], timeout=30)
    assert followed.status_code == 200
    assert followed.headers["Content-Type"] == content_type


def test_turtle_of_a_person_is_that_persons_description(server: RunningServer, site: tuple[Path, object]) -> None:
    _, data = site
    response = requests.get(f"{server.url}/id/{PERSON}", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [303]
    graph = Graph().parse(data=response.content, format="turtle")
    assert isomorphic(graph, description(data, PERSON_IRI))  # type: ignore[arg-type]
    assert (URIRef(PERSON_IRI), URIRef("http://schema.org/name"), None) in graph


def test_jsonld_and_ntriples_give_the_same_graph(server: RunningServer) -> None:
    turtle = requests.get(f"{server.url}/id/{PERSON}", headers={"Accept": "text/turtle"}, timeout=30)
    nt = requests.get(f"{server.url}/id/{PERSON}", headers={"Accept": "application/n-triples"}, timeout=30)
    jsonld = requests.get(f"{server.url}/id/{PERSON}", headers={"Accept": "application/ld+json"}, timeout=30)
    json.loads(jsonld.content)
    a = Graph().parse(data=turtle.content, format="turtle")
    b = Graph().parse(data=nt.content, format="nt")
    assert isomorphic(a, b)
    assert len(a) > 3


def test_a_browser_gets_html(server: RunningServer) -> None:
    response = requests.get(f"{server.url}/id/{PERSON}", headers={"Accept": BROWSER}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_link_header_names_every_representation(server: RunningServer) -> None:
    response = get(server, f"/id/{PERSON}", "text/turtle")
    assert links(response) == {
        "text/html": f"/id/{PERSON}/index.html",
        "text/turtle": f"/id/{PERSON}/index.ttl",
        "application/ld+json": f"/id/{PERSON}/index.jsonld",
        "application/n-triples": f"/id/{PERSON}/index.nt",
    }
    for target in links(response).values():
        assert requests.get(server.url + target, timeout=30).status_code == 200


def test_a_document_names_its_alternates_and_is_not_negotiated(server: RunningServer) -> None:
    response = get(server, f"/id/{PERSON}/index.ttl", "text/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "Vary" not in response.headers
    assert set(links(response)) == {"text/html", "text/turtle", "application/ld+json", "application/n-triples"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_folder_with_a_slash_answers_the_negotiated_document(server: RunningServer) -> None:
    response = get(server, f"/id/{PERSON}/", "application/n-triples")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/n-triples"
    assert response.headers["Content-Location"] == f"/id/{PERSON}/index.nt"
    assert response.headers["Vary"] == "Accept"


def test_unknown_type_is_406_with_the_alternatives(server: RunningServer) -> None:
    response = get(server, f"/id/{PERSON}", "image/png")
    assert response.status_code == 406
    assert response.headers["Vary"] == "Accept"
    assert set(links(response)) == {"text/html", "text/turtle", "application/ld+json", "application/n-triples"}
    # No HTML was asked for: the list comes as plain text, one line per alternative.
    assert response.headers["Content-Type"].startswith("text/plain")
    assert f"text/turtle: /id/{PERSON}/index.ttl" in response.text.splitlines()


def test_406_page_is_html_for_a_client_that_takes_html(server: RunningServer) -> None:
    response = get(server, f"/id/{PERSON}", "text/html;q=0, image/png, */*;q=0")
    assert response.status_code == 406
    # text/html is refused (q=0), so the body is plain text too; a browser never sends that.
    assert response.headers["Content-Type"].startswith("text/plain")
    response = get(server, f"/id/{PERSON}", "application/rdf+xml, text/html;q=0.1")
    assert response.status_code == 303  # HTML is acceptable, so it is the answer, not 406


def test_head_answers_headers_only(server: RunningServer) -> None:
    response = requests.head(f"{server.url}/id/{PERSON}/index.ttl", timeout=30)
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["Content-Length"]) > 100
    assert requests.head(f"{server.url}/id/{PERSON}", headers={"Accept": "text/turtle"}, timeout=30).status_code == 303


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/person/nobody/index.ttl", "/other", "/id/nothing/"])
def test_missing_is_a_404_page(server: RunningServer, path: str) -> None:
    response = get(server, path, BROWSER)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<h1>" in response.text
    plain = get(server, path, "text/plain")
    assert plain.status_code == 404
    assert plain.headers["Content-Type"].startswith("text/plain")
    assert plain.text.count("\n") == 1


def test_404_is_the_sites_own_page(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "person" / "a").mkdir(parents=True)
    (root / "index.html").write_text("<!DOCTYPE html><title>home</title>", encoding="utf-8")
    (root / "404.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Not found</title></head><body><a href="index.html">home</a></body></html>',
        encoding="utf-8",
    )
    (root / "data.nq").write_bytes(b"")
    with running_server(create_app(root, endpoint=EndpointSettings(workers=1))) as running:
        response = get(running, "/id/deep/down/missing", BROWSER)
    assert response.status_code == 404
    assert response.content == (root / "404.html").read_bytes()


@pytest.mark.parametrize(
    "raw_path",
    [
        "/id/../../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/person/..%2f..%2fetc",
        "/id/.hidden",
        "/id/person//kairat-umarov",
        "/id/person%5ckairat-umarov",
        "/id/person/kairat-umarov%00",
    ],
)
def test_no_path_leaves_the_site(server: RunningServer, raw_path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", raw_path, headers={"Accept": "text/plain"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status in (400, 404), body
    assert b"root:" not in body


def test_symlink_out_of_the_site_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><title>home</title>", encoding="utf-8")
    (root / "data.nq").write_bytes(b"")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "index.html").write_text("secret", encoding="utf-8")
    (root / "leak").symlink_to(secret)
    with running_server(create_app(root, endpoint=EndpointSettings(workers=1))) as running:
        response = get(running, "/id/leak/index.html")
        folder = get(running, "/id/leak/")
    assert response.status_code == 404
    assert folder.status_code == 404
    assert "secret" not in response.text


def test_other_methods_are_405(server: RunningServer) -> None:
    response = requests.post(f"{server.url}/id/{PERSON}", data=b"x", timeout=30)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_index_pages_and_the_home(server: RunningServer) -> None:
    assert get(server, "/").headers["Location"] == "/id/"
    assert get(server, "/id").headers["Location"] == "/id/"
    response = get(server, "/id/people", BROWSER)
    assert response.status_code == 301
    assert response.headers["Location"] == "/id/people/"
    for path in ("/id/", "/id/people/", "/id/organisations/", "/id/places/", "/id/events/"):
        page = get(server, path, BROWSER)
        assert page.status_code == 200, path
        assert page.headers["Content-Type"].startswith("text/html")
    # An index page has nothing but HTML: asking for Turtle is 406, not a wrong answer.
    assert get(server, "/id/people/", "text/turtle").status_code == 406


def test_mount_path_and_locate() -> None:
    assert mount_path("https://kzar.example/id/") == "/id/"
    assert mount_path("https://kzar.example/a/b") == "/a/b/"
    assert mount_path("https://kzar.example") == "/"
    mount = SiteMount(Path("/srv/site"), "/id/")
    assert mount.locate("/id/") == (Path("/srv/site"), True)
    assert mount.locate("/id/person/a") == (Path("/srv/site/person/a"), False)
    assert mount.locate("/elsewhere") is None
    assert mount.locate("/id/a/./b") is None


def test_iris_resolve_as_written_when_the_base_is_the_server(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    root = tmp_path / "site"
    data = write_fixture_site(root, base=base)
    with running_server(create_app(root, base=base, endpoint=EndpointSettings(workers=1)), port=port):
        iri = base + PERSON
        response = requests.get(iri, headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200
        graph = Graph().parse(data=response.content, format="turtle")
        assert isomorphic(graph, description(data, iri))
        # rdflib dereferences the IRI itself, with its own Accept header
        fetched = Graph().parse(iri, format="turtle")
        assert isomorphic(fetched, graph)


# ---------------------------------------------------------------------------------------------
# The command


def test_serve_refuses_a_busy_port(site: tuple[Path, object]) -> None:
    root, _ = site
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", str(root), "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_refuses_a_folder_that_is_neither(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", str(tmp_path)])
    assert result.exit_code == 2
    assert "annotation.yaml" in result.output


def test_serve_command_builds_articles_and_serves_them(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kzar_ld", "serve", str(EXAMPLE), "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                response = requests.get(f"{url}/id/{PERSON}", headers={"Accept": "text/turtle"}, timeout=5)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert response.status_code == 200
        assert (URIRef(PERSON_IRI), None, None) in Graph().parse(data=response.content, format="turtle")
        html = requests.get(f"{url}/id/{PERSON}", headers={"Accept": BROWSER}, timeout=5)
        assert html.headers["Content-Type"].startswith("text/html")
        ask = requests.get(f"{url}/sparql", params={"query": "ASK { ?s a schema:NewsArticle }"}, timeout=30)
        assert ask.json() == {"head": {}, "boolean": True}
    finally:
        process.send_signal(2)  # Ctrl-C
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out == b""
    assert f"at http://127.0.0.1:{port}/id/".encode() in err


def test_pages_of_the_server_are_valid_html5(server: RunningServer) -> None:
    import html5lib

    not_found = get(server, "/id/nothing", BROWSER)
    not_allowed = requests.post(f"{server.url}/id/{PERSON}", headers={"Accept": BROWSER}, timeout=30)
    assert (not_found.status_code, not_allowed.status_code) == (404, 405)
    for response in (not_found, not_allowed):
        assert response.headers["Content-Type"].startswith("text/html")
        html5lib.HTMLParser(strict=True).parse(response.content)


def test_406_lists_alternatives_as_html_when_html_is_acceptable_but_absent(tmp_path: Path) -> None:
    import html5lib

    root = tmp_path / "site"
    (root / "thing").mkdir(parents=True)
    (root / "index.html").write_text("<!DOCTYPE html><title>home</title>", encoding="utf-8")
    (root / "thing" / "index.ttl").write_text("<https://kzar.example/id/thing> a <http://schema.org/Thing> .\n")
    (root / "data.nq").write_bytes(b"")
    with running_server(create_app(root, endpoint=EndpointSettings(workers=1))) as running:
        response = get(running, "/id/thing", BROWSER.replace("*/*;q=0.8", "image/*"))
        turtle = get(running, "/id/thing", "text/turtle")
    assert response.status_code == 406
    assert response.headers["Content-Type"].startswith("text/html")
    assert '<a href="/id/thing/index.ttl">text/turtle</a>' in response.text
    html5lib.HTMLParser(strict=True).parse(response.content)
    assert turtle.status_code == 303
    assert turtle.headers["Location"] == "/id/thing/index.ttl"


def test_the_base_of_a_site_is_read_back_from_its_layout(tmp_path: Path) -> None:
    from kzar_ld.web.server import site_base

    write_fixture_site(tmp_path / "a", base="https://news.example/data/")
    write_fixture_site(tmp_path / "b")
    assert site_base(tmp_path / "a") == "https://news.example/data/"
    assert site_base(tmp_path / "b") == DEFAULT_BASE
    assert site_base(tmp_path) is None  # not a site: no {type}/{slug}/index.nt naming itself


def test_serve_without_the_web_extra_says_how_to_get_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['starlette'] = None  # as if the web extra were not installed\n"
        "sys.argv = ['kzar-ld', 'serve', 'anything']\n"
        "from kzar_ld.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "kzar-ld: error: kzar-ld serve needs starlette, from the web extra: pip install 'kzar-ld[web]'"
    )


def test_a_document_not_modified_is_304(server: RunningServer) -> None:
    first = get(server, f"/id/{PERSON}/index.ttl")
    etag = first.headers["ETag"]
    again = get(server, f"/id/{PERSON}/index.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    other = get(server, f"/id/{PERSON}/index.ttl", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    negotiated = get(server, f"/id/{PERSON}/", "text/turtle", headers={"If-None-Match": etag})
    assert negotiated.status_code == 304
    assert negotiated.headers["Vary"] == "Accept"
