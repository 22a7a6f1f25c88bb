"""docs/web.md's nginx and Apache configurations, run for real on 127.0.0.1 over a generated site.

Each server block is taken from the documentation as written; only the port, the document root
and (for Apache) the module and runtime lines a distribution's main configuration would hold are
added around it. ``.ci/run`` installs both servers.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef

from kzar_ld import build_graph, load_article
from kzar_ld.namespaces import SCHEMA
from kzar_ld.web import build_site

DOCS = Path("docs/web.md")
PERSON = URIRef("https://kzar.example/id/person/kairat-umarov")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _block(lang: str) -> str:
    blocks = re.findall(rf"```{lang}\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, f"docs/web.md should have one {lang} block"
    return blocks[0]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _binary(name: str) -> str:
    for folder in ("/usr/sbin", "/usr/local/sbin"):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed to test docs/web.md (apt-get install {name}; .ci/run does it)")
    return found


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT/id/


@pytest.fixture(scope="module")
def www() -> Iterator[Path]:
    # Servers drop privileges to another user: the files must be readable by everyone.
    root = Path(tempfile.mkdtemp(prefix="kzar-www-"))
    root.chmod(0o755)
    (root / "www").mkdir(mode=0o755)
    build_site(build_graph(load_article("examples/kazinform-2023-08-24")), root / "www" / "id")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _start(command: list[str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            text = log.read_text(errors="replace")[-800:] if log.exists() else ""
            pytest.fail(f"{command[0]} exited with {process.returncode}: {text}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{command[0]} did not listen on 127.0.0.1:{port}")
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def nginx(www: Path) -> Iterator[Server]:
    port = _free_port()
    run = www / "nginx"
    run.mkdir()
    block = _block("nginx").replace("listen 80;", f"listen 127.0.0.1:{port};").replace("/srv/www", str(www / "www"))
    temp = " ".join(f"{k}_temp_path {run}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = run / "nginx.conf"
    conf.write_text(
        f"daemon off;\nworker_processes 1;\npid {run}/nginx.pid;\nerror_log {run}/error.log;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\naccess_log off;\n{temp}\n{block}\n}}\n",
        encoding="utf-8",
    )
    process = _start([_binary("nginx"), "-c", str(conf), "-p", str(run)], port, run / "error.log")
    yield Server(f"http://127.0.0.1:{port}/id/")
    _stop(process)


_APACHE_MODULES = ("mpm_event", "authz_core", "mime", "dir", "alias", "rewrite", "headers", "unixd")


@pytest.fixture(scope="module")
def apache(www: Path) -> Iterator[Server]:
    port = _free_port()
    run = www / "apache"
    run.mkdir()
    modules_dir = Path("/usr/lib/apache2/modules")
    if not modules_dir.is_dir():
        modules_dir = Path("/usr/lib64/httpd/modules")
    loads = "\n".join(
        f"LoadModule {m}_module {modules_dir}/mod_{m}.so"
        for m in _APACHE_MODULES
        if (modules_dir / f"mod_{m}.so").exists()
    )
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    types = "/etc/mime.types" if Path("/etc/mime.types").is_file() else os.devnull
    block = (
        _block("apache").replace("<VirtualHost *:80>", f"<VirtualHost *:{port}>").replace("/srv/www", str(www / "www"))
    )
    conf = run / "httpd.conf"
    conf.write_text(
        f'ServerRoot "{run}"\nListen 127.0.0.1:{port}\nPidFile {run}/httpd.pid\nErrorLog {run}/error.log\n'
        f"DefaultRuntimeDir {run}\nMutex file:{run} default\nServerName 127.0.0.1\n{loads}\n{user}"
        f"TypesConfig {types}\n<Directory />\n    Require all denied\n</Directory>\n{block}\n",
        encoding="utf-8",
    )
    binary = _binary("httpd" if shutil.which("httpd") and not Path("/usr/sbin/apache2").exists() else "apache2")
    process = _start([binary, "-f", str(conf), "-DFOREGROUND"], port, run / "error.log")
    yield Server(f"http://127.0.0.1:{port}/id/")
    _stop(process)


@pytest.fixture(params=["nginx", "apache"])
def server(request: pytest.FixtureRequest) -> Server:
    found: Server = request.getfixturevalue(request.param)
    return found


def _get(url: str, accept: str | None) -> requests.Response:
    headers = {"Accept": accept} if accept is not None else {}
    return requests.get(url, headers=headers, allow_redirects=False, timeout=10)


@pytest.mark.parametrize(
    ("accept", "document", "media_type"),
    [
        ("text/turtle", "index.ttl", "text/turtle"),
        ("application/ld+json", "index.jsonld", "application/ld+json"),
        ("application/n-triples", "index.nt", "application/n-triples"),
        ("text/turtle;q=0.9, application/rdf+xml;q=0.5", "index.ttl", "text/turtle"),
    ],
)
def test_a_data_client_is_sent_to_the_document_it_asks_for(
    server: Server, accept: str, document: str, media_type: str
) -> None:
    answer = _get(server.base + "person/kairat-umarov", accept)
    assert answer.status_code == 303
    assert "accept" in answer.headers.get("Vary", "").lower()
    location = answer.headers["Location"]
    assert location.endswith("/id/person/kairat-umarov/" + document)
    data = requests.get(requests.compat.urljoin(answer.url, location), headers={"Accept": accept}, timeout=10)
    assert data.status_code == 200
    assert data.headers["Content-Type"].split(";")[0] == media_type
    fmt = {"index.ttl": "turtle", "index.jsonld": "json-ld", "index.nt": "nt"}[document]
    if fmt == "json-ld":
        return  # the JSON-LD document names schema.org's context: it is checked offline in test_site.py
    g = Graph().parse(data=data.content, format=fmt)
    assert (PERSON, SCHEMA.name, Literal("Kairat Umarov")) in g


@pytest.mark.parametrize("accept", [BROWSER, "text/html", "*/*", None, "image/png"])
def test_browsers_and_unknown_types_get_the_page(server: Server, accept: str | None) -> None:
    answer = _get(server.base + "person/kairat-umarov", accept)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/id/person/kairat-umarov/")
    page = requests.get(requests.compat.urljoin(answer.url, answer.headers["Location"]), timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].split(";")[0] == "text/html"
    assert "<h1>Kairat Umarov</h1>" in page.text


def test_documents_are_files_and_unknown_iris_get_the_404_page(server: Server) -> None:
    css = _get(server.base + "site.css", None)
    assert css.status_code == 200 and css.headers["Content-Type"].split(";")[0] == "text/css"
    missing = _get(server.base + "person/nobody-at-all", "text/turtle")
    assert missing.status_code == 404
    assert "Not found" in missing.text
