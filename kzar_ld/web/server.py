"""Serve a static site with content negotiation on every resource IRI, and a SPARQL endpoint.

The site's paths mirror the IRIs: the resource ``{base}person/kairat-umarov`` has its documents
in ``person/kairat-umarov/index.html``, ``index.ttl``, ``index.jsonld`` and ``index.nt``. The
server answers at the path of the base IRI (``/id/`` for ``https://kzar.example/id/``), so that
``/id/person/kairat-umarov`` on the server is the resource ``{base}person/kairat-umarov``; run it
with ``--base http://127.0.0.1:8000/id/`` (and a site built for that base) and every IRI
resolves as written.

For a resource path ``P`` (a directory holding ``index.*`` files):

* ``GET P`` negotiates on ``Accept`` (:mod:`kzar_ld.web.conneg`; HTML, Turtle, JSON-LD,
  N-Triples, in that order of preference) and answers **303 See Other** to the document,
  e.g. ``P/index.ttl``; a directory holding only ``index.html`` (an index page) is
  redirected to ``P/`` instead;
* ``GET P/`` answers the negotiated document itself, with ``Content-Location``;
* ``GET P/index.ttl`` (any file) answers the file;
* every answer about a resource carries ``Vary: Accept`` where it was negotiated and
  ``Link: <P/index.ttl>; rel="alternate"; type="text/turtle"`` for each representation;
* when ``Accept`` allows none of them the answer is **406 Not Acceptable**, listing them;
  anything missing is a **404** page (HTML, or plain text for a client that takes no HTML).

``/sparql`` is a read-only SPARQL 1.1 Protocol endpoint (:mod:`kzar_ld.web.endpoint`).

Example::

    app = create_app(Path("site"), base="https://kzar.example/id/", data=Path("site/data.nq"))
    run(app, listen("127.0.0.1", 8000))
"""

from __future__ import annotations

import contextlib
import html
import mimetypes
import socket
import string
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from kzar_ld.iris import DEFAULT_BASE
from kzar_ld.resources import read_text
from kzar_ld.web.conneg import Representation, negotiate
from kzar_ld.web.endpoint import MAX_BODY_BYTES, Answer, EndpointSettings, QueryService, Status, parse_request
from kzar_ld.web.site import LAYOUT

__all__ = [
    "REPRESENTATIONS",
    "SiteMount",
    "create_app",
    "find_site_data",
    "listen",
    "mount_path",
    "run",
    "site_base",
]

#: What a resource can be sent as, in the server's order of preference (the first one is the
#: answer for ``Accept: */*`` or no ``Accept`` at all).
REPRESENTATIONS: tuple[Representation, ...] = (
    Representation("text/html", ".html", ("application/xhtml+xml",)),
    Representation("text/turtle", ".ttl"),
    Representation("application/ld+json", ".jsonld", ("application/json",)),
    Representation("application/n-triples", ".nt"),
)

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_PLAIN = Representation("text/plain", ".txt")
_ERROR_CHOICES = (REPRESENTATIONS[0], _PLAIN)
_REASONS = {404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable"}
#: Names of a corpus dump at the top of a site, looked for in this order.
SITE_DATA_NAMES = ("data.nq", "data.trig")


def mount_path(base: str) -> str:
    """The path the site is served at: the path of the base IRI, ending in ``/``.

    >>> mount_path("https://kzar.example/id/")
    '/id/'
    >>> mount_path("http://127.0.0.1:8000")
    '/'
    """
    path = urlsplit(base).path or "/"
    return path if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class SiteMount:
    """Where a site lives on disk and the path it is served at."""

    root: Path
    mount: str = "/id/"

    def locate(self, path: str) -> tuple[Path, bool] | None:
        """The file or directory for a request path, and whether the path ends in ``/``.

        None for a path outside the site, with an empty, ``.`` or ``..`` segment, a hidden
        name, a backslash or a NUL, or whose target (after symbolic links) leaves the root.

        >>> layout = SiteMount(Path("site"), "/id/")
        >>> layout.locate("/id/person/a/")
        (PosixPath('site/person/a'), True)
        >>> layout.locate("/id/../etc/passwd") is None
        True
        """
        if not path.startswith(self.mount):
            return None
        rest = path[len(self.mount) :]
        if "\\" in rest or "\x00" in rest:
            return None
        trailing = rest == "" or rest.endswith("/")
        segments = rest.split("/")
        if trailing:
            segments = segments[:-1]
        if any(s in ("", ".", "..") or s.startswith(".") for s in segments):
            return None
        return self.root.joinpath(*segments), trailing

    def inside(self, target: Path) -> bool:
        """Whether ``target`` (symbolic links followed) is within the site's root."""
        try:
            return target.resolve().is_relative_to(self.root.resolve())
        except (OSError, RuntimeError):
            return False


def _documents(directory: Path) -> list[tuple[Representation, Path]]:
    found = []
    for representation in REPRESENTATIONS:
        candidate = directory / LAYOUT.documents[representation.media_type]
        if candidate.is_file():
            found.append((representation, candidate))
    return found


def _link_header(url_dir: str, documents: Sequence[tuple[Representation, Path]]) -> str:
    return ", ".join(f'<{url_dir}{path.name}>; rel="alternate"; type="{rep.media_type}"' for rep, path in documents)


def _content_type(path: Path) -> str:
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class _Pages:
    """Error pages: the site's own 404 page, else the template shipped in ``kzar_ld/web/pages``."""

    def __init__(self, home: str, site: Path) -> None:
        self.template = string.Template(read_text("web/pages", "error.html"))
        self.home = home
        self.not_found: bytes | None = None
        page = site / LAYOUT.not_found
        if page.is_file():
            # Shown at any depth: the site writes its links from the base's path for that.
            self.not_found = page.read_bytes()

    def error(
        self,
        request: Request,
        status: int,
        message: str,
        *,
        alternatives: Sequence[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> Response:
        # HTML for anyone who takes it; plain text for the rest (curl -H 'Accept: text/turtle').
        chosen = negotiate(request.headers.get("accept"), _ERROR_CHOICES) or _PLAIN
        reason = _REASONS.get(status, "Error")
        # The body's type follows Accept, so caches must keep one per Accept.
        all_headers = {"X-Content-Type-Options": "nosniff", "Vary": "Accept", **(headers or {})}
        if status == 404 and self.not_found is not None and chosen is not _PLAIN:
            return Response(self.not_found, status_code=404, media_type="text/html", headers=all_headers)
        if chosen is _PLAIN:
            lines = [message, *(f"{media_type}: {url}" for media_type, url in alternatives)]
            return Response("\n".join(lines) + "\n", status_code=status, media_type="text/plain", headers=all_headers)
        details = ""
        if alternatives:
            items = "".join(
                f'<li><a href="{html.escape(url)}">{html.escape(media_type)}</a></li>'
                for media_type, url in alternatives
            )
            details = f"<p>What this resource can be sent as:</p>\n<ul>{items}</ul>"
        body = self.template.substitute(
            status=status,
            reason=reason,
            message=html.escape(message),
            details=details,
            home=html.escape(self.home),
        )
        return Response(body, status_code=status, media_type="text/html", headers=all_headers)


def find_site_data(root: Path) -> Path | None:
    """The corpus dump at the top of a site (``data.nq``, ``data.trig``), if there is one.

    >>> find_site_data(Path("no-such-site")) is None
    True
    """
    for name in SITE_DATA_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def site_base(root: Path) -> str | None:
    """The base IRI a site was built for, read back from its layout; None if it cannot tell.

    A resource ``{base}{path}`` has its N-Triples at ``{path}/index.nt``, so the first such file
    (in sorted order) that names a subject ending in ``/{path}`` gives the base.

    >>> site_base(Path("no-such-site")) is None
    True
    """
    name = LAYOUT.documents["application/n-triples"]
    for document in sorted(root.glob(f"*/*/{name}")):
        path = document.parent.relative_to(root).as_posix()
        with document.open("rb") as lines:
            for raw in lines:
                if not raw.startswith(b"<"):
                    continue
                subject = raw[1 : raw.find(b">")].decode("utf-8", errors="replace")
                if subject.endswith("/" + path):
                    return subject[: -len(path)]
    return None


def _union_of_descriptions(root: Path, target: Path) -> Path:
    """Merge every ``index.nt`` of a site into one N-Triples file (blank nodes kept apart)."""
    from rdflib import Graph

    from kzar_ld.serialization import Format, serialize

    union = Graph()
    for path in sorted(root.rglob(LAYOUT.documents["application/n-triples"])):
        part = Graph()
        part.parse(path, format="nt")  # a fresh blank node per label, per file
        union += part
    target.write_bytes(serialize(union, format=Format.NT))
    return target


@contextlib.contextmanager
def _query_data(root: Path, data: Path | None) -> Iterator[Path]:
    if data is not None:
        yield data
        return
    found = find_site_data(root)
    if found is not None:
        yield found
        return
    with tempfile.TemporaryDirectory(prefix="kzar-ld-serve-") as scratch:
        yield _union_of_descriptions(root, Path(scratch) / "union.nt")


def create_app(
    site: Path,
    *,
    base: str = DEFAULT_BASE,
    data: Path | None = None,
    endpoint: EndpointSettings | None = None,
) -> Starlette:
    """The ASGI application serving ``site`` (a directory) for the base IRI ``base``.

    ``data`` is the RDF file the SPARQL endpoint queries; by default the site's ``data.nq``
    (or ``data.trig``), else the union of its ``index.nt`` descriptions. The endpoint's
    workers start with the application (its lifespan) and stop with it.
    """
    layout = SiteMount(root=site, mount=mount_path(base))
    pages = _Pages(home=layout.mount, site=site)
    settings = endpoint or EndpointSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with _query_data(site, data) as path:
            service = QueryService(path, settings=settings)
            await run_in_threadpool(service.start)
            app.state.query_service = service
            try:
                yield
            finally:
                await run_in_threadpool(service.close)

    async def resource(request: Request) -> Response:
        path: str = request.scope["path"]
        if path == "/" and layout.mount != "/":
            return RedirectResponse(layout.mount, status_code=302)
        if path + "/" == layout.mount:
            return RedirectResponse(layout.mount, status_code=301)
        located = layout.locate(path)
        if located is None or not layout.inside(located[0]):
            return pages.error(request, 404, f"Nothing is published at {path}.")
        target, trailing = located
        if target.is_file() and not trailing:
            return _file(request, target, path)
        if not target.is_dir():
            return pages.error(request, 404, f"Nothing is published at {path}.")
        documents = _documents(target)
        if not documents:
            return pages.error(request, 404, f"Nothing is published at {path}.")
        url_dir = path if trailing else path + "/"
        headers = {"Vary": "Accept", "Link": _link_header(url_dir, documents), "X-Content-Type-Options": "nosniff"}
        if not trailing and all(rep is REPRESENTATIONS[0] for rep, _ in documents):
            return RedirectResponse(url_dir, status_code=301, headers=headers)
        chosen = negotiate(request.headers.get("accept"), [rep for rep, _ in documents])
        if chosen is None:
            alternatives = [(rep.media_type, url_dir + p.name) for rep, p in documents]
            return pages.error(
                request,
                406,
                f"{path} can be sent as {', '.join(rep.media_type for rep, _ in documents)}; "
                "the Accept header allows none of them.",
                alternatives=alternatives,
                headers=headers,
            )
        document = next(p for rep, p in documents if rep is chosen)
        if not trailing:
            return RedirectResponse(url_dir + document.name, status_code=303, headers=headers)
        headers["Content-Location"] = url_dir + document.name
        return _send_file(request, document, headers)

    def _file(request: Request, target: Path, path: str) -> Response:
        headers = {"X-Content-Type-Options": "nosniff"}
        if target.name in LAYOUT.documents.values():
            url_dir = path[: path.rfind("/") + 1]
            documents = _documents(target.parent)
            if any(p == target for _, p in documents):
                headers["Link"] = _link_header(url_dir, documents)
        return _send_file(request, target, headers)

    async def sparql(request: Request) -> Response:
        body = b""
        if request.method == "POST":
            chunks: list[bytes] = []
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    return _answer(
                        Answer.error(Status.CONTENT_TOO_LARGE, f"the request is over {MAX_BODY_BYTES:,} bytes")
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
        text = parse_request(
            request.method,
            query_string=request.scope.get("query_string", b"").decode("latin-1"),
            content_type=request.headers.get("content-type"),
            body=body,
        )
        if isinstance(text, Answer):
            return _answer(text)
        service: QueryService = request.app.state.query_service
        answer = await run_in_threadpool(service.run, text, accept=request.headers.get("accept"))
        return _answer(answer)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        allow = getattr(exc, "headers", None) or {}
        return pages.error(request, 405, f"{request.method} is not allowed here.", headers=dict(allow))

    async def not_found(request: Request, exc: Exception) -> Response:
        return pages.error(request, 404, f"Nothing is published at {request.scope['path']}.")

    routes = [
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/{path:path}", resource, methods=["GET", "HEAD"]),
    ]
    handlers: Any = {404: not_found, 405: not_allowed}
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)


def _send_file(request: Request, path: Path, headers: dict[str, str]) -> Response:
    """The file, or 304 Not Modified when the client's ``If-None-Match`` has its ETag."""
    response = FileResponse(path, media_type=_content_type(path), headers=headers, stat_result=path.stat())
    etag = response.headers.get("etag")
    wanted = request.headers.get("if-none-match")
    if etag and wanted:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        if etag in tags or "*" in tags:
            kept = {
                k: v for k, v in response.headers.items() if k.lower() in ("etag", "vary", "link", "content-location")
            }
            return Response(status_code=304, headers=kept)
    return response


def _answer(answer: Answer) -> Response:
    return Response(
        answer.body,
        status_code=int(answer.status),
        headers={"Content-Type": answer.media_type, "Vary": "Accept", "X-Content-Type-Options": "nosniff"},
    )


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port``, or an :class:`~kzar_ld.errors.InputError` saying why not.

    Binding before the server starts turns "address in use" into a one-line error, and leaves
    no moment in which another program could take the port.
    """
    from kzar_ld.errors import InputError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot listen on {host!r}: {exc.strerror}; give an IP address with --bind") from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port or --bind") from exc
    sock.set_inheritable(True)
    return sock


def run(app: Starlette, sock: socket.socket) -> None:
    """Serve ``app`` with Uvicorn on the bound socket ``sock`` until interrupted (blocking)."""
    import uvicorn

    from kzar_ld.errors import InputError

    config = uvicorn.Config(app, log_level="warning", lifespan="on", server_header=False)
    server = uvicorn.Server(config)
    # Ctrl-C is how a server is stopped: Uvicorn shuts down gracefully, then re-raises it.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        raise InputError("the server did not start (the reason is logged above)")
