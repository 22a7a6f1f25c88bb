"""Test support for the server: a small site on disk, and a real Uvicorn on a free loopback port.

``write_fixture_site`` lays out a site the way ``kzar-ld site`` does (a resource ``{base}{path}``
has ``{path}/index.html``, ``index.ttl``, ``index.jsonld``, ``index.nt``; index pages at the top)
from :func:`kzar_ld.build_graph` and :func:`kzar_ld.serialize`, so that the server is tested on
its own. ``running_server`` starts Uvicorn in a thread and stops it at the end.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

import kzar_ld
from kzar_ld.serialization import Format, serialize

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kazinform-2023-08-24"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def description(data: Dataset, iri: str) -> Graph:
    """Every statement whose subject is ``iri`` (across all graphs)."""
    graph = Graph()
    subject = URIRef(iri)
    for _, p, o, _ in data.quads((subject, None, None, None)):
        graph.add((subject, p, o))
    return graph


def write_fixture_site(out: Path, *, base: str = kzar_ld.DEFAULT_BASE) -> Dataset:
    """Write a small site of the first example under ``out`` and return its dataset."""
    data = kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE), base=base)
    subjects = sorted(
        {str(s) for s in data.subjects() if isinstance(s, URIRef) and str(s).startswith(base) and "#" not in str(s)}
    )
    for iri in subjects:
        path = iri[len(base) :]
        if path.count("/") != 1:  # entities and articles: {type}/{slug}
            continue
        folder = out / path
        folder.mkdir(parents=True, exist_ok=True)
        graph = description(data, iri)
        (folder / "index.ttl").write_bytes(serialize(graph, format=Format.TURTLE))
        (folder / "index.jsonld").write_bytes(serialize(graph, format=Format.JSON_LD))
        (folder / "index.nt").write_bytes(serialize(graph, format=Format.NT))
        name = next((str(o) for o in graph.objects(URIRef(iri), URIRef("http://schema.org/name"))), path)
        (folder / "index.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}</title></head>'
            f"<body><main><h1>{name}</h1></main></body></html>\n",
            encoding="utf-8",
        )
    for page in ("", "people/", "organisations/", "places/", "events/"):
        (out / page).mkdir(parents=True, exist_ok=True)
        (out / page / "index.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Index {page}</title></head>'
            f"<body><main><h1>Index {page}</h1></main></body></html>\n",
            encoding="utf-8",
        )
    (out / "data.nq").write_bytes(serialize(data, format=Format.NQUADS))
    return data


@dataclass(frozen=True)
class RunningServer:
    """A server answering at ``url`` (``http://127.0.0.1:PORT``)."""

    url: str
    port: int


@contextlib.contextmanager
def running_server(app: object, *, port: int | None = None) -> Iterator[RunningServer]:
    """Run ``app`` in Uvicorn on 127.0.0.1 in a thread until the block ends."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield RunningServer(url=f"http://127.0.0.1:{port}", port=port)
    finally:
        server.should_exit = True
        thread.join(30)
