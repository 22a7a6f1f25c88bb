"""HTTP to SPARQL 1.1 stores: the only module of kzar_ld that touches the network.

Two standard protocols are spoken, with :mod:`requests`:

* the SPARQL 1.1 Protocol (:func:`sparql_query`, and :func:`count_triples` built on it);
* the SPARQL 1.1 Graph Store HTTP Protocol with indirect graph identification
  (:func:`graph_put`, :func:`graph_get`, :func:`graph_delete`: ``STORE?graph=IRI``).

Every request goes through one loop that applies :class:`HttpSettings`:

* a connect timeout and a read timeout, always (requests has no default timeout);
* bounded retries with exponential backoff on connection errors and on 5xx/429 answers,
  honouring ``Retry-After`` (seconds or an HTTP date); a wait longer than
  ``HttpSettings.max_wait`` is not sat out: the call fails and says when to come back;
* no retry on other 4xx answers; 401/403 say what to do about credentials;
* no retry after a read timeout: the store is up but slow, and asking again only adds load;
* redirects are never followed blindly. GET and HEAD follow a redirect to the same origin
  (scheme, host and port); POST, PUT and DELETE follow only 307/308 to the same origin,
  re-sending the same method and body. A redirect to another origin, or a 301/302/303 on a
  write, is refused with the target named, so credentials and data never go somewhere the
  user did not name;
* a response body is read with a size cap, and a body cut off mid-stream is an error;
* credentials (a user and password for HTTP Basic or Digest, or a bearer token) come from the
  settings or the environment (``KZAR_LD_USER``, ``KZAR_LD_PASSWORD``, ``KZAR_LD_TOKEN``) and
  are never printed, logged, put in a ``repr`` or in an error message. Endpoint URLs may not
  carry credentials. ``KZAR_LD_AUTH`` (``basic``, ``digest`` or ``auto``) picks the scheme for a
  user and password; ``auto`` (the default) sends Basic and, when the server's 401 challenge
  offers Digest only (Virtuoso's authenticated endpoints), answers it with Digest. A 401 names
  the scheme(s) the server asked for;
* a SPARQL query is sent in one of the three forms of the SPARQL 1.1 Protocol
  (:class:`QueryMethod`): form-encoded POST by default, which every store answers (Virtuoso
  never answers a POST of ``application/sparql-query``), a direct POST, or GET.

Every failure is a :class:`~kzar_ld.errors.RemoteError` (exit code 3) that names the method,
the URL and the HTTP status, with a short excerpt of the store's own error message; a bad
endpoint URL or bad settings are an :class:`~kzar_ld.errors.InputError` (exit code 2), raised
before any request is made.

Example (needs a running store, so it is not run as a doctest)::

    settings = HttpSettings.from_env(read_timeout=10)
    graph_put("http://127.0.0.1:7878/store", "https://kzar.example/id/article/a1",
              b"<https://kzar.example/s> <https://kzar.example/p> <https://kzar.example/o> .\\n",
              content_type="application/n-triples", settings=settings)
    count_triples("http://127.0.0.1:7878/query", "https://kzar.example/id/article/a1")  # 1
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import enum
import json
import logging
import math
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pyoxigraph
import requests
import requests.auth

from kzar_ld.errors import InputError, RemoteError
from kzar_ld.formats import QueryMethod

__all__ = [
    "ENV_AUTH",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_USER",
    "HttpResponse",
    "HttpSettings",
    "QueryMethod",
    "UserAuth",
    "check_endpoint",
    "count_triples",
    "graph_delete",
    "graph_get",
    "graph_put",
    "graph_url",
    "sparql_query",
]

log = logging.getLogger(__name__)

#: Environment variables that hold credentials (read by :meth:`HttpSettings.from_env`).
ENV_USER = "KZAR_LD_USER"
ENV_PASSWORD = "KZAR_LD_PASSWORD"
ENV_TOKEN = "KZAR_LD_TOKEN"
#: Environment variable that picks the scheme for a user and password (:class:`UserAuth`).
ENV_AUTH = "KZAR_LD_AUTH"

_SPARQL_JSON = "application/sparql-results+json"
_USER_AGENT = "kzar-ld (+requests)"
_MAX_REDIRECTS = 5
_EXCERPT_CHARS = 200
_ERROR_BODY_BYTES = 4096
_CHUNK = 64 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_WRITE_METHODS = frozenset({"PUT", "DELETE"})
# RFC 6750 b64token: what a bearer token may contain.
_TOKEN_RE = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
# An auth-scheme token at the start of a WWW-Authenticate value or after a comma (RFC 9110 §11.6.1).
_CHALLENGE_RE = re.compile(r"(?:^|,)\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?=\s+[^\s=,]|\s*(?:,|$))")


class UserAuth(enum.StrEnum):
    """Which HTTP scheme carries a user and password. The value is the ``KZAR_LD_AUTH`` spelling.

    ``AUTO`` sends Basic credentials, and when the answer is a 401 whose challenge offers Digest
    but not Basic, or a 401 with no challenge at all, tries once more with Digest (Virtuoso's
    ``/sparql-auth`` and ``/sparql-graph-crud-auth`` answer Basic with a bare 401). ``BASIC``
    and ``DIGEST`` use that scheme only (Digest never sends the password itself).

    >>> UserAuth("digest") is UserAuth.DIGEST
    True
    """

    AUTO = "auto"
    BASIC = "basic"
    DIGEST = "digest"


@dataclass(frozen=True)
class HttpSettings:
    """How to talk to a store: timeouts, retries, size cap and credentials.

    Times are in seconds. ``retries`` is the number of extra attempts after the first;
    attempt *n* waits ``backoff * 2**n`` (or what ``Retry-After`` asks, if longer), and no wait
    may exceed ``max_wait``. Give ``user`` and ``password`` for HTTP Basic or Digest
    authentication (``user_auth`` says which), or ``token`` for a bearer token, never both.
    Credentials are left out of ``repr``. ``query_method`` is how SPARQL queries are sent.

    >>> s = HttpSettings(read_timeout=5, user="ingest", password="s3cret")
    >>> s.auth_scheme, "s3cret" in repr(s), "ingest" in repr(s)
    ('basic', False, False)
    >>> HttpSettings(user="ingest", password="s3cret", user_auth=UserAuth.DIGEST).auth_scheme
    'digest'
    >>> HttpSettings().query_method
    <QueryMethod.POST_FORM: 'post-form'>
    >>> HttpSettings(retries=-1)
    Traceback (most recent call last):
    ...
    kzar_ld.errors.InputError: retries must be a whole number between 0 and 20, not -1
    """

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 60.0
    max_body_bytes: int = 64 * 1024 * 1024
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    user_auth: UserAuth = UserAuth.AUTO
    query_method: QueryMethod = QueryMethod.POST_FORM

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout"):
            value = getattr(self, name)
            if not _is_number(value) or not (0 < value < math.inf):
                raise InputError(f"{name} must be a positive number of seconds, not {value!r}")
        for name in ("backoff", "max_wait"):
            value = getattr(self, name)
            if not _is_number(value) or not (0 <= value < math.inf):
                raise InputError(f"{name} must be a non-negative number of seconds, not {value!r}")
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or not 0 <= self.retries <= 20:
            raise InputError(f"retries must be a whole number between 0 and 20, not {self.retries!r}")
        if isinstance(self.max_body_bytes, bool) or not isinstance(self.max_body_bytes, int) or self.max_body_bytes < 1:
            raise InputError(f"max_body_bytes must be a positive whole number, not {self.max_body_bytes!r}")
        _check_credentials(self.user, self.password, self.token)
        for name, kind in (("user_auth", UserAuth), ("query_method", QueryMethod)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                try:
                    object.__setattr__(self, name, kind(value))
                except ValueError:
                    choices = ", ".join(m.value for m in kind)
                    raise InputError(f"{name} must be one of {choices}, not {value!r}") from None

    @classmethod
    def from_env(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_wait: float | None = None,
        max_body_bytes: int | None = None,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        user_auth: UserAuth | str | None = None,
        query_method: QueryMethod | str | None = None,
    ) -> HttpSettings:
        """Settings with credentials from the environment; any option given here wins.

        ``KZAR_LD_USER`` and ``KZAR_LD_PASSWORD`` give a user and password, sent with the scheme
        ``KZAR_LD_AUTH`` names (``auto``, ``basic`` or ``digest``; default ``auto``), and
        ``KZAR_LD_TOKEN`` a bearer token. Empty variables count as unset. ``environ`` defaults
        to ``os.environ``.

        >>> env = {"KZAR_LD_TOKEN": "abc123"}
        >>> s = HttpSettings.from_env(environ=env, read_timeout=2)
        >>> s.auth_scheme, s.read_timeout, s.retries
        ('bearer', 2, 3)
        >>> env = {"KZAR_LD_USER": "dba", "KZAR_LD_PASSWORD": "pw", "KZAR_LD_AUTH": "digest"}
        >>> HttpSettings.from_env(environ=env, query_method="get").auth_scheme
        'digest'
        >>> HttpSettings.from_env(environ={"KZAR_LD_AUTH": "ntlm"})
        Traceback (most recent call last):
        ...
        kzar_ld.errors.InputError: KZAR_LD_AUTH must be one of auto, basic, digest, not 'ntlm'
        """
        env = os.environ if environ is None else environ
        given: dict[str, Any] = {
            "connect_timeout": connect_timeout,
            "read_timeout": read_timeout,
            "retries": retries,
            "backoff": backoff,
            "max_wait": max_wait,
            "max_body_bytes": max_body_bytes,
            "query_method": query_method,
        }
        kwargs = {k: v for k, v in given.items() if v is not None}
        explicit = user is not None or password is not None or token is not None
        if explicit:
            kwargs.update(user=user, password=password, token=token)
        else:
            kwargs.update(
                user=env.get(ENV_USER) or None,
                password=env.get(ENV_PASSWORD) or None,
                token=env.get(ENV_TOKEN) or None,
            )
        if user_auth is None:
            named = (env.get(ENV_AUTH) or "").strip().lower()
            if named:
                try:
                    user_auth = UserAuth(named)
                except ValueError:
                    choices = ", ".join(m.value for m in UserAuth)
                    raise InputError(f"{ENV_AUTH} must be one of {choices}, not {named!r}") from None
        if user_auth is not None:
            kwargs["user_auth"] = user_auth
        return cls(**kwargs)

    @property
    def auth_scheme(self) -> str | None:
        """``"basic"``, ``"digest"``, ``"bearer"`` or ``None``: which credentials are sent first.

        Never their value. With ``user_auth=AUTO`` this is ``"basic"``: Digest follows only when
        a server's challenge asks for it.
        """
        if self.token is not None:
            return "bearer"
        if self.user is not None:
            return "digest" if self.user_auth is UserAuth.DIGEST else "basic"
        return None

    def _authorization(self) -> str | None:
        if self.token is not None:
            return f"Bearer {self.token}"
        if self.user is not None and self.user_auth is not UserAuth.DIGEST:
            raw = f"{self.user}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    def _secrets(self) -> tuple[str, ...]:
        found = [s for s in (self.password, self.token) if s]
        if self.user is not None and self.password:
            found.append(base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii"))
        return tuple(found)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _check_credentials(user: str | None, password: str | None, token: str | None) -> None:
    # Messages name the variables, never the values.
    if token is not None and (user is not None or password is not None):
        raise InputError(
            f"give either a user and password ({ENV_USER}/{ENV_PASSWORD}) or a token ({ENV_TOKEN}), not both"
        )
    if password is not None and user is None:
        raise InputError(f"a password is set but no user: set {ENV_USER} too")
    if user is not None and password is None:
        raise InputError(f"a user is set but no password: set {ENV_PASSWORD} too")
    if user is not None and (":" in user or not user.isprintable()):
        raise InputError(f"the user name in {ENV_USER} must be printable and hold no ':'")
    if password is not None and not password.isprintable():
        raise InputError(f"the password in {ENV_PASSWORD} holds a control character")
    if token is not None and not _TOKEN_RE.fullmatch(token):
        raise InputError(f"the token in {ENV_TOKEN} holds characters a bearer token cannot have")


@dataclass(frozen=True)
class HttpResponse:
    """A successful answer, read completely (up to the size cap).

    ``content_type`` is the raw header value ("" when absent); ``url`` is the URL that answered.

    >>> r = HttpResponse(status=200, content_type="application/json", body=b'{"a": 1}', url="http://127.0.0.1/q")
    >>> r.json(), r.media_type
    ({'a': 1}, 'application/json')
    """

    status: int
    content_type: str
    body: bytes = field(repr=False)
    url: str

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower-cased (``text/turtle``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    def text(self) -> str:
        """The body decoded as UTF-8; an undecodable body is a :class:`RemoteError`."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RemoteError(
                f"{self.url}: the store's answer is not UTF-8 (byte {exc.start}); it may be cut off or corrupt",
                url=self.url,
                status=self.status,
            ) from exc

    def json(self) -> Any:
        """The body parsed as JSON, entirely; a malformed body is a :class:`RemoteError`.

        A store that fails while streaming results may still have answered ``200 OK``: the
        truncated body is caught here instead of being read as an empty result.

        >>> cut = HttpResponse(status=200, content_type="", body=b'{"head": {', url="http://127.0.0.1/q")
        >>> cut.json()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        kzar_ld.errors.RemoteError: http://127.0.0.1/q: the store's answer is not valid JSON (...
        """
        try:
            return json.loads(self.text())
        except json.JSONDecodeError as exc:
            raise RemoteError(
                f"{self.url}: the store's answer is not valid JSON "
                f"({exc.msg} at character {exc.pos}); "
                "it was probably cut off by an error on the store's side",
                url=self.url,
                status=self.status,
            ) from exc


# ---------------------------------------------------------------------------------------------
# URLs


def check_endpoint(url: str, *, what: str = "endpoint") -> str:
    """Return ``url`` if it is an absolute http(s) URL fit to send requests to, else raise.

    Credentials inside the URL are refused (they would end up in messages and logs): use the
    environment instead. ``what`` names the option in the message (``--store``).

    >>> check_endpoint("http://127.0.0.1:7878/store")
    'http://127.0.0.1:7878/store'
    >>> check_endpoint("127.0.0.1:7878/store", what="--store")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.InputError: --store '127.0.0.1:7878/store' is not an absolute http(s) URL, e.g. http://127.0.0.1:7878/store
    """
    example = "e.g. http://127.0.0.1:7878/store"
    if not isinstance(url, str) or not url:
        raise InputError(f"{what} is empty: give an absolute http(s) URL, {example}")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise InputError(f"{what} {url!r} holds white space or a control character")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} {url!r} is not an absolute http(s) URL, {example}")
    if "@" in parts.netloc:
        shown = f"{parts.scheme}://***@{parts.netloc.rpartition('@')[2]}{parts.path}"
        raise InputError(
            f"{what} {shown!r} holds credentials: remove them from the URL and set "
            f"{ENV_USER}/{ENV_PASSWORD} or {ENV_TOKEN} instead"
        )
    if not parts.hostname:
        raise InputError(f"{what} {url!r} has no host name, {example}")
    try:
        parts.port  # noqa: B018  (parsing the port validates it)
    except ValueError as exc:
        raise InputError(f"{what} {url!r} has an invalid port ({exc})") from exc
    if parts.fragment:
        raise InputError(f"{what} {url!r} must not have a '#' fragment")
    return url


def graph_url(store: str, graph: str) -> str:
    """``store`` with ``graph=<IRI>`` added to its query string (indirect graph identification).

    >>> graph_url("http://127.0.0.1:7878/store", "https://kzar.example/id/article/a1")
    'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fkzar.example%2Fid%2Farticle%2Fa1'
    """
    try:
        pyoxigraph.NamedNode(graph)
    except ValueError as exc:
        raise InputError(f"graph {graph!r} is not a valid absolute IRI ({exc})") from exc
    sep = "&" if urlsplit(store).query else ("" if store.endswith("?") else "?")
    return f"{store}{sep}graph={quote(graph, safe='')}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


# ---------------------------------------------------------------------------------------------
# The public operations


def sparql_query(
    endpoint: str,
    query: str,
    *,
    accept: str,
    method: QueryMethod | str | None = None,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
) -> HttpResponse:
    """Run a SPARQL query over the SPARQL 1.1 Protocol and return the whole answer.

    ``method`` (default: ``settings.query_method``, itself form-encoded POST by default) is how
    the query travels: ``post-form`` sends ``query=...`` form-encoded, ``post-direct`` the query
    itself as ``application/sparql-query``, ``get`` the query in the URL. A query string already
    in ``endpoint`` (``?union-default-graph``) is kept. Parsing the body is the caller's job;
    :meth:`HttpResponse.json` turns a malformed body into an error.

    Example (needs a running store)::

        json_results = "application/sparql-results+json"
        r = sparql_query("http://127.0.0.1:7878/query", "ASK {}", accept=json_results, method="get")
        r.json()["boolean"]  # True
    """
    check_endpoint(endpoint, what="query endpoint")
    settings = settings or HttpSettings()
    if method is None:
        how = settings.query_method
    else:
        try:
            how = QueryMethod(method)
        except ValueError:
            choices = ", ".join(m.value for m in QueryMethod)
            raise InputError(f"query method must be one of {choices}, not {method!r}") from None
    headers = {"Accept": accept}
    url = endpoint
    body: bytes | None
    if how is QueryMethod.GET:
        sep = "&" if urlsplit(endpoint).query else ("" if endpoint.endswith("?") else "?")
        url = f"{endpoint}{sep}{urlencode({'query': query}, quote_via=quote)}"
        body = None
    elif how is QueryMethod.POST_FORM:
        body = urlencode({"query": query}, quote_via=quote).encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        body = query.encode("utf-8")
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
    verb = "GET" if how is QueryMethod.GET else "POST"
    return _request(verb, url, body=body, headers=headers, settings=settings, session=session)


def graph_put(
    store: str,
    graph: str,
    body: bytes,
    *,
    content_type: str,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
) -> HttpResponse:
    """Replace the named graph ``graph`` in ``store`` with ``body`` (Graph Store Protocol PUT).

    PUT replaces the whole graph, so sending the same graph twice leaves the store as after the
    first time, and a publish interrupted for any reason can simply be run again.

    Example (needs a running store)::

        graph_put("http://127.0.0.1:7878/store", "https://kzar.example/id/article/a1",
                  nt_bytes, content_type="application/n-triples")
    """
    check_endpoint(store, what="store URL")
    url = graph_url(store, graph)
    headers = {"Content-Type": content_type}
    return _request("PUT", url, body=body, headers=headers, settings=settings, session=session)


def graph_get(
    store: str,
    graph: str,
    *,
    accept: str = "application/n-triples",
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
) -> HttpResponse:
    """Fetch the named graph ``graph`` from ``store`` (Graph Store Protocol GET).

    A graph the store does not have is a :class:`RemoteError` with status 404.

    Example (needs a running store)::

        graph_get("http://127.0.0.1:7878/store", "https://kzar.example/id/article/a1").text()
    """
    check_endpoint(store, what="store URL")
    url = graph_url(store, graph)
    return _request("GET", url, body=None, headers={"Accept": accept}, settings=settings, session=session)


def graph_delete(
    store: str,
    graph: str,
    *,
    missing_ok: bool = True,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
) -> bool:
    """Delete the named graph ``graph`` from ``store``; return False if it was not there.

    With ``missing_ok=False`` a missing graph is a :class:`RemoteError` (404).

    Example (needs a running store)::

        graph_delete("http://127.0.0.1:7878/store", "https://kzar.example/id/article/a1")  # True
    """
    check_endpoint(store, what="store URL")
    url = graph_url(store, graph)
    try:
        _request("DELETE", url, body=None, headers={}, settings=settings, session=session)
    except RemoteError as exc:
        if missing_ok and exc.status == 404:
            return False
        raise
    return True


def count_triples(
    endpoint: str,
    graph: str,
    *,
    settings: HttpSettings | None = None,
    session: requests.Session | None = None,
) -> int:
    """Count the triples of the named graph ``graph`` through a SPARQL query endpoint.

    The answer must be a complete SPARQL JSON result with one non-negative integer; anything
    else (a truncated or malformed body, an HTML page) is a :class:`RemoteError`, never 0.

    Example (needs a running store)::

        count_triples("http://127.0.0.1:7878/query", "https://kzar.example/id/article/a1")
    """
    try:
        pyoxigraph.NamedNode(graph)
    except ValueError as exc:
        raise InputError(f"graph {graph!r} is not a valid absolute IRI ({exc})") from exc
    # The IRI passed a strict IRI parser, so it cannot close the <...> and inject SPARQL.
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = sparql_query(endpoint, query, accept=_SPARQL_JSON, settings=settings, session=session)
    if response.media_type not in (_SPARQL_JSON, "application/json"):
        raise RemoteError(
            f"{response.url}: expected SPARQL JSON results, got "
            f"{response.media_type or 'no content type'!r}; is this the store's query endpoint?",
            url=response.url,
            status=response.status,
        )
    data = response.json()
    try:
        bindings = data["results"]["bindings"]
        if not isinstance(bindings, list) or len(bindings) != 1:
            raise ValueError(f"{len(bindings) if isinstance(bindings, list) else 'no'} result rows")
        value = bindings[0]["n"]["value"]
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            raise ValueError(f"count {value!r} is not a non-negative integer")
        return int(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise RemoteError(
            f"{response.url}: malformed answer to a triple count ({exc})",
            url=response.url,
            status=response.status,
        ) from exc


# ---------------------------------------------------------------------------------------------
# The request loop


@contextlib.contextmanager
def _session_for(session: requests.Session | None) -> Iterator[requests.Session]:
    if session is not None:
        yield session
        return
    with requests.Session() as own:
        yield own


class _Auth(requests.auth.AuthBase):
    """Sets our Authorization header.

    Passing it as requests' ``auth`` (not as a plain header) also keeps a ``~/.netrc`` entry
    from silently replacing the credentials the user gave.
    """

    def __init__(self, value: str) -> None:
        self._value = value

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._value
        return request

    def __repr__(self) -> str:
        return "<credentials hidden>"


class _Digest(requests.auth.HTTPDigestAuth):
    """requests' Digest authentication, with the credentials kept out of ``repr``."""

    def __repr__(self) -> str:
        return "<credentials hidden>"


def _challenges(response: requests.Response) -> tuple[str, ...]:
    """The auth schemes a 401 answer's ``WWW-Authenticate`` offers, lower-cased, in order.

    Several headers arrive joined with commas; parameters (``realm="…"``) are skipped.

    >>> r = requests.Response()
    >>> r.headers["WWW-Authenticate"] = 'Digest realm="v", nonce="a,b", qop="auth", Basic realm="v"'
    >>> _challenges(r)
    ('digest', 'basic')
    >>> r.headers["WWW-Authenticate"] = "Bearer"
    >>> _challenges(r)
    ('bearer',)
    """
    value = response.headers.get("WWW-Authenticate", "")
    # Quoted strings may hold commas and words that look like schemes: blank them out first.
    value = re.sub(r'"(?:[^"\\]|\\.)*"', '""', value)
    found: list[str] = []
    for name in _CHALLENGE_RE.findall(value):
        scheme = name.lower()
        if scheme not in found:
            found.append(scheme)
    return tuple(found)


def _wants_digest(response: requests.Response) -> bool:
    # Virtuoso answers wrong-scheme Basic credentials with a bare 401 (no challenge at all);
    # a Digest attempt then draws the real challenge.
    offered = _challenges(response)
    return not offered or ("digest" in offered and "basic" not in offered)


def _request(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: Mapping[str, str],
    settings: HttpSettings | None,
    session: requests.Session | None,
) -> HttpResponse:
    settings = settings or HttpSettings()
    authorization = settings._authorization()
    auth: requests.auth.AuthBase | None = _Auth(authorization) if authorization else None
    if settings.user_auth is UserAuth.DIGEST and settings.user is not None:
        auth = _Digest(settings.user, settings.password or "")
    switched = False
    all_headers = {"User-Agent": _USER_AGENT, **headers}
    timeout = (settings.connect_timeout, settings.read_timeout)
    current = url
    redirects = 0
    attempt = 0
    with _session_for(session) as http:
        while True:
            try:
                response = http.request(
                    method,
                    current,
                    data=body,
                    headers=all_headers,
                    auth=auth,
                    timeout=timeout,
                    allow_redirects=False,
                    stream=True,
                )
            except requests.exceptions.SSLError as exc:
                raise RemoteError(
                    f"{method} {current}: TLS failed ({_cause(exc)}); check the certificate or the URL's scheme",
                    url=current,
                ) from exc
            except requests.exceptions.ReadTimeout as exc:
                state = _write_state(method)
                raise RemoteError(
                    f"{method} {current}: no answer within {settings.read_timeout:g} s{state}; "
                    "raise the timeout if the store is just slow",
                    url=current,
                ) from exc
            except requests.exceptions.ConnectionError as exc:
                connected = not _never_connected(exc)
                reason = _cause(exc)
                if attempt < settings.retries:
                    wait = _backoff(settings, attempt)
                    log.warning("%s %s: %s; retrying in %.2f s", method, current, reason, wait)
                    time.sleep(wait)
                    attempt += 1
                    continue
                tried = _attempts(attempt + 1)
                if connected:
                    raise RemoteError(
                        f"{method} {current}: the connection dropped before the store answered "
                        f"({reason}){tried}{_write_state(method)}",
                        url=current,
                    ) from exc
                raise RemoteError(
                    f"{method} {current}: cannot connect ({reason}){tried}; is the store running at that address?",
                    url=current,
                ) from exc
            except requests.exceptions.RequestException as exc:
                raise RemoteError(f"{method} {current}: request failed ({_cause(exc)})", url=current) from exc

            with response:
                status = response.status_code
                if 300 <= status < 400:
                    redirects += 1
                    current = _follow(method, current, response, redirects)
                    continue
                if status == 429 or status >= 500:
                    excerpt = _excerpt(response, settings)
                    asked = _retry_after(response)
                    if asked is not None and asked > settings.max_wait:
                        raise RemoteError(
                            f"{method} {current}: {_status_line(response)}; "
                            f"the store asks to retry after {asked:g} s, longer than the "
                            f"{settings.max_wait:g} s this client waits; try again later",
                            url=current,
                            status=status,
                        )
                    if attempt < settings.retries:
                        # The store's Retry-After wins when it asks for longer than our backoff.
                        delay = max(_backoff(settings, attempt), asked or 0.0)
                        log.warning("%s %s: HTTP %d; retrying in %.2f s", method, current, status, delay)
                        time.sleep(delay)
                        attempt += 1
                        continue
                    raise RemoteError(
                        f"{method} {current}: {_status_line(response)}{_attempts(attempt + 1)}{_said(excerpt)}",
                        url=current,
                        status=status,
                    )
                if (
                    status == 401
                    and not switched
                    and settings.user is not None
                    and settings.user_auth is UserAuth.AUTO
                    and _wants_digest(response)
                ):
                    # The server refuses Basic and offers Digest: answer its challenge instead.
                    switched = True
                    auth = _Digest(settings.user, settings.password or "")
                    log.info("%s %s: the store asks for Digest; answering with Digest", method, current)
                    continue
                if status in (401, 403):
                    sent = "digest" if isinstance(auth, _Digest) else settings.auth_scheme
                    raise RemoteError(
                        _credentials_message(method, current, response, settings, sent),
                        url=current,
                        status=status,
                    )
                if status >= 400:
                    excerpt = _excerpt(response, settings)
                    raise RemoteError(
                        f"{method} {current}: {_status_line(response)}{_said(excerpt)}",
                        url=current,
                        status=status,
                    )
                data = _read_body(method, current, response, settings)
                return HttpResponse(
                    status=status,
                    content_type=response.headers.get("Content-Type", ""),
                    body=data,
                    url=current,
                )


def _follow(method: str, current: str, response: requests.Response, hops: int) -> str:
    """The URL to re-send the request to after a redirect, or a refusal."""
    status = response.status_code
    location = response.headers.get("Location")
    if not location:
        raise RemoteError(
            f"{method} {current}: HTTP {status} redirect without a Location header",
            url=current,
            status=status,
        )
    target = urljoin(current, location)
    shown = _strip_userinfo(target)
    if hops > _MAX_REDIRECTS:
        raise RemoteError(f"{method} {current}: more than {_MAX_REDIRECTS} redirects", url=current, status=status)
    if _origin(target) != _origin(current):
        raise RemoteError(
            f"{method} {current}: HTTP {status} redirect to another origin ({shown}) refused; "
            "if you trust it, give that URL directly",
            url=current,
            status=status,
        )
    if method not in _SAFE_METHODS and status not in (307, 308):
        raise RemoteError(
            f"{method} {current}: HTTP {status} redirect to {shown} refused, because following "
            "it would not re-send the data; give the URL the store expects directly",
            url=current,
            status=status,
        )
    log.info("%s %s: HTTP %d, following to %s", method, current, status, shown)
    return target


def _strip_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def _read_body(method: str, url: str, response: requests.Response, settings: HttpSettings) -> bytes:
    cap = settings.max_body_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise RemoteError(
            f"{method} {url}: the answer is {int(declared)} bytes, over the {cap}-byte cap; "
            "raise max_body_bytes or ask for less",
            url=url,
            status=response.status_code,
        )
    buffer = bytearray()
    try:
        for chunk in response.iter_content(_CHUNK):
            buffer += chunk
            if len(buffer) > cap:
                raise RemoteError(
                    f"{method} {url}: the answer exceeds the {cap}-byte cap; raise max_body_bytes or ask for less",
                    url=url,
                    status=response.status_code,
                )
    except requests.exceptions.RequestException as exc:
        raise RemoteError(
            f"{method} {url}: the answer (HTTP {response.status_code}) was cut off mid-stream "
            f"({_cause(exc)}); the store probably failed while sending it",
            url=url,
            status=response.status_code,
        ) from exc
    return bytes(buffer)


def _excerpt(response: requests.Response, settings: HttpSettings) -> str:
    """A short, one-line, credential-free excerpt of an error body (best effort)."""
    raw = bytearray()
    try:
        for chunk in response.iter_content(1024):
            raw += chunk
            if len(raw) >= _ERROR_BODY_BYTES:
                break
    except requests.exceptions.RequestException:
        pass  # a broken error body still leaves the status to report
    text = raw.decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    for secret in settings._secrets():
        text = text.replace(secret, "***")
    if len(text) > _EXCERPT_CHARS:
        text = text[: _EXCERPT_CHARS - 1] + "…"
    return text


def _backoff(settings: HttpSettings, attempt: int) -> float:
    return float(min(settings.backoff * 2**attempt, settings.max_wait))


def _status_line(response: requests.Response) -> str:
    reason = " ".join(str(response.reason or "").split())
    return f"HTTP {response.status_code} {reason}" if reason else f"HTTP {response.status_code}"


def _retry_after(response: requests.Response) -> float | None:
    """Seconds the store asks us to wait (``Retry-After``), or None if it does not say."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


def _credentials_message(
    method: str, url: str, response: requests.Response, settings: HttpSettings, sent: str | None
) -> str:
    """What went wrong with the credentials, naming the schemes the server's challenge asks for."""
    status = response.status_code
    head = f"{method} {url}: {_status_line(response)}"
    asked = _challenges(response) if status == 401 else ()
    shown = " or ".join(_scheme_name(a) for a in asked)
    if sent is None:
        wants = f"{shown} credentials" if asked else "credentials"
        return (
            f"{head}: the store wants {wants}; set {ENV_USER} and {ENV_PASSWORD} "
            f"(HTTP Basic or Digest, chosen by {ENV_AUTH}) or {ENV_TOKEN} (bearer token)"
        )
    which = ENV_TOKEN if sent == "bearer" else f"{ENV_USER}/{ENV_PASSWORD}"
    if status == 401:
        if asked and sent not in asked:
            return (
                f"{head}: the store asks for {shown} authentication, but {_scheme_name(sent)} "
                f"was sent (from {which}); {_scheme_hint(asked, settings)}"
            )
        if not asked and sent == "basic":
            return (
                f"{head}: the store rejected the Basic credentials (from {which}) and named no "
                f"scheme it takes; check them, or set {ENV_AUTH}=digest if it wants Digest"
            )
        asks = f" (it asks for {shown})" if asked else ""
        return f"{head}: the store rejected the {_scheme_name(sent)} credentials (from {which}){asks}; check them"
    return f"{head}: the credentials (from {which}) are not allowed to do this; ask for write access"


def _scheme_name(scheme: str) -> str:
    return {"basic": "Basic", "digest": "Digest", "bearer": "Bearer"}.get(scheme, scheme)


def _scheme_hint(asked: tuple[str, ...], settings: HttpSettings) -> str:
    if settings.user is not None:
        for scheme in ("digest", "basic"):
            if scheme in asked:
                return f"set {ENV_AUTH}={scheme}"
        if "bearer" in asked:
            return f"set {ENV_TOKEN} instead of {ENV_USER}/{ENV_PASSWORD}"
    elif "basic" in asked or "digest" in asked:
        return f"set {ENV_USER}/{ENV_PASSWORD} instead of {ENV_TOKEN}"
    return "this client speaks HTTP Basic, Digest and bearer tokens only"


def _said(excerpt: str) -> str:
    return f"; the store said: {excerpt!r}" if excerpt else ""


def _attempts(n: int) -> str:
    return f" after {n} attempts" if n > 1 else ""


def _write_state(method: str) -> str:
    if method not in _WRITE_METHODS:
        return ""
    return "; whether the store applied the change is unknown, and re-running is safe (PUT replaces the graph)"


def _never_connected(exc: BaseException) -> bool:
    """True if the error happened before a connection existed (so nothing was sent)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        name = type(err).__name__
        if name in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError"):
            return True
        if isinstance(err, ConnectionRefusedError):
            return True
        stack.extend(a for a in err.args if isinstance(a, BaseException))
        reason = getattr(err, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        for linked in (err.__cause__, err.__context__):
            if linked is not None:
                stack.append(linked)
    return False


def _cause(exc: BaseException) -> str:
    """A short description of the innermost cause: 'connection refused', 'connection reset'..."""
    seen: set[int] = set()
    innermost: BaseException = exc
    stack: list[BaseException] = [exc]
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        innermost = err
        if isinstance(err, OSError) and err.strerror:
            return err.strerror.lower()
        nested = [a for a in err.args if isinstance(a, BaseException)]
        reason = getattr(err, "reason", None)
        if isinstance(reason, BaseException):
            nested.append(reason)
        nested.extend(e for e in (err.__cause__, err.__context__) if e is not None)
        stack.extend(nested)
    text = str(innermost) or type(innermost).__name__
    text = " ".join(text.split())
    return text[:_EXCERPT_CHARS]
