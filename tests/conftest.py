"""Shared test fixtures: a real Oxigraph server, and a scriptable faulty HTTP server.

``oxigraph_server`` starts ``oxigraph serve`` on a free loopback port with a temporary
directory, once per test session, waits until it answers and stops it at the end. Tests that
need an empty store call ``oxigraph_server.clear()`` first.

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
            "the `oxigraph` server is needed for these tests: pip install 'kzar-ld[test]' "
            "(or pip install oxigraph)"
        )
    return found


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
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"oxigraph exited with {process.returncode}: {log_path.read_text()[-500:]}"
                )
            try:
                with requests.get(base + "/", timeout=0.5) as answer:
                    if answer.status_code == 200:
                        break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"oxigraph did not answer on {base}: {log_path.read_text()[-500:]}")
            time.sleep(0.05)
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
