"""Shared test fixtures: real Oxigraph and Virtuoso servers, and a scriptable faulty HTTP server.

``oxigraph_server`` starts ``oxigraph serve`` on a free loopback port with a temporary
directory, once per test session, waits until it answers and stops it at the end. Tests that
need an empty store call ``oxigraph_server.clear()`` first.

``virtuoso_server`` does the same for Virtuoso 7 (Debian's ``virtuoso-opensource``): its own
``virtuoso.ini`` in a temporary directory, SQL and HTTP on free loopback ports, a user allowed
to write (``SPARQL_UPDATE``, the one grant publishing needs) through the Digest-protected
``/sparql-graph-crud-auth`` endpoint. ``sparql_store`` is either server, for the tests that
run against both (``StoreUnderTest``: URLs, credentials, and what the store changes).

``fault_server`` makes small HTTP servers on 127.0.0.1 that answer from a script of
:class:`Reply` values (errors, delays, dropped connections, truncated bodies, redirects) and
count and record every request, for the failure cases a real store will not produce on demand.

Example::

    def test_retry(fault_server):
        server = fault_server(Reply(status=500), Reply(status=500), Reply(status=204))
        ...
        assert server.hits == 3
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from kzar_ld.remote import HttpSettings, UserAuth

# Tests name their data by paths from the repository root (examples/…, tests/data/…), and some are
# collected from those paths: run from the root whatever directory pytest was started in.
os.chdir(Path(__file__).resolve().parent.parent)

# ---------------------------------------------------------------------------------------------
# A real Oxigraph server


@dataclass(frozen=True)
class OxigraphServer:
    """The URLs of a running Oxigraph server: Graph Store, query and update endpoints."""

    base: str
    store: str
    query: str
    update: str
    location: Path

    def clear(self) -> None:
        """Empty the store (every graph), so a test starts from nothing."""
        response = requests.post(
            self.update,
            data=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
            timeout=10,
        )
        with response:
            response.raise_for_status()

    def quads(self) -> int:
        """The number of quads in the whole store (all graphs)."""
        response = requests.post(
            self.query,
            data=b"SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
            timeout=10,
        )
        with response:
            response.raise_for_status()
            return int(response.json()["results"]["bindings"][0]["n"]["value"])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail(
            "the `oxigraph` server is needed for these tests: pip install 'kzar-ld[test]' (or pip install oxigraph)"
        )
    return found


def _wait_until_answering(
    process: subprocess.Popen[bytes], url: str, *, name: str, log_path: Path, timeout: float, **params: str
) -> None:
    """Return once ``url`` answers 200; fail the test session with the server's log if it dies or hangs."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}: {log_path.read_text()[-500:]}")
        try:
            with requests.get(url, params=params or None, timeout=2) as answer:
                if answer.status_code == 200:
                    return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{name} did not answer on {url}: {log_path.read_text()[-500:]}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server on a free loopback port, for the whole test session."""
    location = tmp_path_factory.mktemp("oxigraph")
    data = location / "data"
    log_path = location / "server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [_oxigraph_binary(), "serve", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_answering(process, base + "/", name="oxigraph", log_path=log_path, timeout=15)
        yield OxigraphServer(
            base=base,
            store=f"{base}/store",
            query=f"{base}/query",
            update=f"{base}/update",
            location=data,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(location, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# A real Virtuoso server

# The graphs the tests write; Virtuoso also holds system graphs of its own, never touched.
_TEST_GRAPHS = "https://kzar.example/"


@dataclass(frozen=True)
class VirtuosoServer:
    """The URLs and the writing user of a running Virtuoso server."""

    base: str
    store: str
    query: str
    user: str
    password: str = field(repr=False)
    location: Path

    @property
    def settings(self) -> HttpSettings:
        """Credentials of the writing user, sent with Digest as Virtuoso asks."""
        return HttpSettings(user=self.user, password=self.password, user_auth=UserAuth.DIGEST)

    def _select(self, query: str) -> list[dict[str, dict[str, str]]]:
        response = requests.post(
            self.query,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        with response:
            response.raise_for_status()
            return list(response.json()["results"]["bindings"])

    def graphs(self) -> set[str]:
        """The test graphs in the store (Virtuoso's own graphs left out)."""
        rows = self._select(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{_TEST_GRAPHS}")) }}'
        )
        return {row["g"]["value"] for row in rows}

    def clear(self) -> None:
        """Delete every test graph, so a test starts from nothing."""
        auth = requests.auth.HTTPDigestAuth(self.user, self.password)
        for graph in sorted(self.graphs()):
            response = requests.delete(self.store, params={"graph": graph}, auth=auth, timeout=30)
            with response:
                response.raise_for_status()

    def quads(self) -> int:
        """The number of quads in the test graphs."""
        rows = self._select(
            f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{_TEST_GRAPHS}")) }}'
        )
        return int(rows[0]["n"]["value"])


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
AllowOSCalls = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8
Charset = UTF-8
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _virtuoso_binaries() -> tuple[str, str]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if server is None or isql is None:
        pytest.fail("Virtuoso is needed for these tests: apt-get install virtuoso-opensource (.ci/run installs it)")
    return server, isql


def _isql(isql: str, port: int, password: str, sql: str, log: Path) -> None:
    done = subprocess.run(
        [isql, f"127.0.0.1:{port}", "dba", password, f"exec={sql}"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    # isql exits 0 even when a statement fails; the failure shows as "*** Error".
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        pytest.fail(f"isql failed ({sql!r}): {done.stdout[-400:]} {done.stderr[-400:]} {log.read_text()[-300:]}")


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A real Virtuoso server on free loopback ports, for the whole test session."""
    server_binary, isql = _virtuoso_binaries()
    location = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(dir=location, sql_port=sql_port, http_port=http_port))
    log_path = location / "server.log"
    base = f"http://127.0.0.1:{http_port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [server_binary, "+foreground", "+configfile", str(ini)],
            cwd=location,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_answering(process, base + "/sparql", name="virtuoso", log_path=log_path, timeout=60, query="ASK {}")
        user, password = "kzar_ingest", secrets.token_hex(12)
        admin = secrets.token_hex(12)
        # The writing user gets the one grant publishing needs; the default dba password goes.
        _isql(
            isql,
            sql_port,
            "dba",
            f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\"; "
            f"DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{admin}');",
            log_path,
        )
        yield VirtuosoServer(
            base=base,
            store=f"{base}/sparql-graph-crud-auth",
            query=f"{base}/sparql",
            user=user,
            password=password,
            location=location,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(location, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Either store, for the tests that run against both


@dataclass(frozen=True)
class StoreUnderTest:
    """A running store as the publish and query tests see it.

    ``union_query`` answers over the union of the named graphs (Oxigraph asks for it in the
    URL; Virtuoso's default graph is that union). ``keeps_datatypes`` is False where the store
    canonicalises derived integer types (Oxigraph stores ``xsd:nonNegativeInteger`` as
    ``xsd:integer``); ``env`` holds the credentials as the CLI reads them.
    """

    name: str
    store: str
    query: str
    union_query: str
    settings: HttpSettings
    env: Mapping[str, str]
    keeps_datatypes: bool
    clear: Callable[[], None]
    quads: Callable[[], int]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def sparql_store(request: pytest.FixtureRequest) -> StoreUnderTest:
    """Oxigraph and Virtuoso in turn, emptied of test graphs."""
    if request.param == "oxigraph":
        ox: OxigraphServer = request.getfixturevalue("oxigraph_server")
        chosen = StoreUnderTest(
            name="oxigraph",
            store=ox.store,
            query=ox.query,
            union_query=ox.query + "?union-default-graph",
            settings=HttpSettings(),
            env={},
            keeps_datatypes=False,
            clear=ox.clear,
            quads=ox.quads,
        )
    else:
        vt: VirtuosoServer = request.getfixturevalue("virtuoso_server")
        chosen = StoreUnderTest(
            name="virtuoso",
            store=vt.store,
            query=vt.query,
            union_query=vt.query,
            settings=vt.settings,
            env={"KZAR_LD_USER": vt.user, "KZAR_LD_PASSWORD": vt.password, "KZAR_LD_AUTH": "digest"},
            keeps_datatypes=True,
            clear=vt.clear,
            quads=vt.quads,
        )
    chosen.clear()
    return chosen


# ---------------------------------------------------------------------------------------------
# A scriptable faulty server


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    ``delay`` waits before answering; ``drop`` closes the connection without any answer;
    ``declared_length`` announces a Content-Length other than the body's (longer = truncated),
    and ``send_length=False`` sends none (the body then ends when the connection closes);
    ``location`` may hold ``{base}``, replaced by the server's own ``http://127.0.0.1:PORT``.
    """

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    declared_length: int | None = None
    send_length: bool = True


@dataclass(frozen=True)
class Recorded:
    """A request as the fault server saw it."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


class FaultServer:
    """A loopback HTTP server that answers from a script and records what it receives."""

    def __init__(self, replies: tuple[Reply, ...]) -> None:
        if not replies:
            raise ValueError("give at least one Reply")
        self._replies = replies
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def hits(self) -> int:
        """How many requests arrived."""
        with self._lock:
            return len(self.requests)

    def url(self, path: str = "/") -> str:
        """An absolute URL on this server."""
        return self.base + path

    def _next(self, recorded: Recorded) -> Reply:
        with self._lock:
            index = len(self.requests)
            self.requests.append(recorded)
        # After the script runs out, its last reply repeats.
        return self._replies[min(index, len(self._replies) - 1)]

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(owner: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            # Peek at the script before reading the body: a dropped upload never reads it.
            with owner._lock:
                index = len(owner.requests)
            upcoming = owner._replies[min(index, len(owner._replies) - 1)]
            body = b"" if upcoming.drop else self.rfile.read(length)
            reply = owner._next(Recorded(self.command, self.path, dict(self.headers.items()), body))
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value.replace("{base}", owner.base))
            declared = len(reply.body) if reply.declared_length is None else reply.declared_length
            if reply.send_length:
                self.send_header("Content-Length", str(declared))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            self.close_connection = True

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def handle(self) -> None:
            # The client may have given up (a timeout test): nothing to answer any more.
            with contextlib.suppress(OSError):
                super().handle()

    return Handler


@pytest.fixture
def fault_server() -> Iterator[Callable[..., FaultServer]]:
    """Factory: ``fault_server(Reply(...), ...)`` starts a scripted server.

    Every server started in a test stops when the test ends.
    """
    servers: list[FaultServer] = []

    def start(*replies: Reply) -> FaultServer:
        server = FaultServer(replies)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
