"""Server benchmark: start-up, content negotiation and SPARQL over HTTP on 1 and 100 articles.

Usage::

    python benchmarks/bench_serve.py                     # 1 and 100 articles
    python benchmarks/bench_serve.py --sizes 1,300       # other sizes
    python benchmarks/bench_serve.py --requests 500      # more requests per figure

Synthetic corpora are copies of the first example article, each with its own article id, events
and roles (people, organisations and places shared), built into a site with ``build_site``. The
server (Uvicorn, one process, one query worker) runs on 127.0.0.1 and a free port; one keep-alive
client sends requests one after another. Reported per size:

* ``start_s``: from ``create_app`` to the first answer (the workers load the corpus);
* requests per second for a thing IRI (303), a document (200, the Turtle file), a folder (200,
  negotiated) and a missing IRI (404);
* for each bundled query, the median time over HTTP and in the same process on the same
  :class:`~kzar_ld.sparql.OxigraphStore`, and their ratio (the cost of the protocol, the pipe to
  the worker and writing JSON);
* ``respawn_s``: after a query is stopped at the deadline (its worker killed), the time until a
  fresh worker has loaded the corpus and the endpoint answers again.
"""

from __future__ import annotations

import argparse
import dataclasses
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import MappingProxyType

import requests

EXAMPLE = "examples/kazinform-2023-08-24"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def synthetic(n: int):  # type: ignore[no-untyped-def]
    from kzar_ld import load_article

    base = load_article(EXAMPLE)

    def own(key: str) -> bool:
        return base.kinds.get(key) == "events" or "\x00" in key

    out = []
    for i in range(n):
        slugs = MappingProxyType({k: f"{v}-{i:05d}" if own(k) else v for k, v in base.slugs.items()})
        out.append(dataclasses.replace(base, id=f"synthetic-{i:05d}", slugs=slugs))
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rate(client: requests.Session, url: str, accept: str, count: int, status: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = client.get(url, headers={"Accept": accept}, allow_redirects=False)
        assert response.status_code == status, (url, response.status_code)
    return count / (time.perf_counter() - started)


def measure(n: int, count: int, timeout: float) -> None:
    import uvicorn

    from kzar_ld import build_graph
    from kzar_ld.serialization import Format, write
    from kzar_ld.sparql.engine import OxigraphStore, bundled_queries, query
    from kzar_ld.web import build_site
    from kzar_ld.web.endpoint import EndpointSettings
    from kzar_ld.web.server import create_app

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        data = build_graph(synthetic(n))
        build_site(data, root / "site")
        write(data, root / "data.nq", format=Format.NQUADS)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        app = create_app(root / "site", data=root / "data.nq", endpoint=EndpointSettings(timeout=timeout, workers=1))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        start_s = time.perf_counter() - started
        client = requests.Session()
        print(f"\n{n} article(s), {len(data):,} statements; start_s {start_s:.2f}")
        person = f"{url}/id/person/kairat-umarov"
        figures = {
            "303 thing": rate(client, person, "text/turtle", count, 303),
            "200 document": rate(client, person + "/index.ttl", "text/turtle", count, 200),
            "200 folder": rate(client, person + "/", "text/turtle", count, 200),
            "404 missing": rate(client, f"{url}/id/person/nobody", "text/html", count, 404),
        }
        for name, per_second in figures.items():
            print(f"  {name:<14} {per_second:8.0f} requests/s")
        store = OxigraphStore.from_rdflib(data)
        print(f"  {'query':<28} {'http_ms':>9} {'local_ms':>9} {'ratio':>7}")
        for q in bundled_queries():
            http_times, local_times = [], []
            for _ in range(5):
                t = time.perf_counter()
                response = client.get(f"{url}/sparql", params={"query": q.text})
                http_times.append(time.perf_counter() - t)
                assert response.status_code == 200, response.text
                t = time.perf_counter()
                query(store, q.text).serialize()
                local_times.append(time.perf_counter() - t)
            h, loc = statistics.median(http_times) * 1000, statistics.median(local_times) * 1000
            print(f"  {q.name:<28} {h:9.1f} {loc:9.1f} {h / loc:7.2f}")
        t = time.perf_counter()
        assert client.get(f"{url}/sparql", params={"query": RUNAWAY}).status_code == 503
        stopped = time.perf_counter() - t
        t = time.perf_counter()
        while client.get(f"{url}/sparql", params={"query": "ASK {}"}).status_code != 200:
            time.sleep(0.05)
        print(
            f"  runaway stopped after {stopped:.2f} s (timeout {timeout:g} s); respawn_s {time.perf_counter() - t:.2f}"
        )
        client.close()
        server.should_exit = True
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=10.0, help="the endpoint's query timeout")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.requests, args.timeout)
    return None


if __name__ == "__main__":
    sys.exit(main())
