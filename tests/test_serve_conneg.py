"""The Accept parser and the choice of representation, and the SPARQL protocol's request forms."""

from __future__ import annotations

import pytest

from kzar_ld.web.conneg import MediaRange, Representation, negotiate, parse_accept, quality
from kzar_ld.web.endpoint import Answer, ResultSyntax, Status, parse_request, result_format
from kzar_ld.web.server import REPRESENTATIONS

CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("", "text/html"),
        ("*/*", "text/html"),
        (CHROME, "text/html"),
        (FIREFOX, "text/html"),
        ("text/turtle", "text/turtle"),
        ("TEXT/Turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        # rdflib's own Accept header when it fetches Turtle
        ("text/turtle, application/x-turtle, */*;q=0.1", "text/turtle"),
        # its N-Triples header: text/plain is not ours, so the wildcard decides (server order)
        ("text/plain, */*;q=0.1", "text/html"),
        ("text/*", "text/html"),
        ("text/*;q=0.5, text/turtle", "text/turtle"),
        ("application/*", "application/ld+json"),
        ("text/html;q=0.1, text/turtle;q=0.9", "text/turtle"),
        ("text/html;q=0.5, application/n-triples;q=0.5", "text/html"),  # a tie: server order
        ("text/html;q=0, */*", "text/turtle"),
        ("text/html;q=0, text/turtle;q=0, */*;q=0.2", "application/ld+json"),
        ("text/turtle;q=0.0001, text/html;q=0.5", "text/html"),  # a q of four decimals is ignored
        ("text/turtle;q=2", "text/html"),  # out of range: ignored, nothing usable is left
        ("garbage, text/turtle", "text/turtle"),
        ("text/turtle;charset=utf-8;q=0.8, text/html;q=0.7", "text/turtle"),
        ("text/turtle;q=0.8;ext=1, text/html;q=0.7", "text/turtle"),
    ],
)
def test_negotiate_picks(accept: str | None, expected: str) -> None:
    chosen = negotiate(accept, REPRESENTATIONS)
    assert chosen is not None
    assert chosen.media_type == expected


@pytest.mark.parametrize(
    "accept",
    [
        "image/png",
        "application/rdf+xml",
        "text/turtle;q=0, text/html;q=0, application/*;q=0, application/n-triples;q=0",
    ],
)
def test_negotiate_none_acceptable(accept: str) -> None:
    assert negotiate(accept, REPRESENTATIONS) is None


def test_negotiate_among_fewer_documents() -> None:
    html_only = [REPRESENTATIONS[0]]
    assert negotiate("text/turtle", html_only) is None
    assert negotiate("text/turtle, */*;q=0.1", html_only) is html_only[0]


def test_parse_accept_keeps_order_and_drops_bad_ranges() -> None:
    ranges = parse_accept("text/html;level=1, bad/, /x, */html, a/b;q=, a/c;q=0.5 , x/y;q=1.000")
    assert [(r.type, r.subtype, r.q, r.order) for r in ranges] == [
        ("text", "html", 1.0, 0),
        ("a", "c", 0.5, 5),
        ("x", "y", 1.0, 6),
    ]


def test_parse_accept_of_nothing_usable_is_anything() -> None:
    assert parse_accept("q=1, ;;;, ,") == (MediaRange("*", "*", 1.0),)


def test_parse_accept_reads_a_bounded_header() -> None:
    header = ", ".join(["image/png"] * 5000) + ", text/turtle"
    assert all(r.subtype == "png" for r in parse_accept(header))


def test_quality_prefers_the_most_specific_range() -> None:
    turtle = Representation("text/turtle", ".ttl")
    ranges = parse_accept("*/*;q=0.9, text/*;q=0.2, text/turtle;q=0.4")
    assert quality(ranges, turtle) == 0.4
    assert quality(parse_accept("*/*;q=0.9, text/*;q=0.2"), turtle) == 0.2
    assert quality(parse_accept("image/*"), turtle) == 0.0


def test_an_alias_counts_like_the_type() -> None:
    jsonld = Representation("application/ld+json", ".jsonld", ("application/json",))
    assert quality(parse_accept("application/json;q=0.6, application/ld+json;q=0.3"), jsonld) == 0.6
    assert quality(parse_accept("application/ld+json;q=0.3, application/json;q=0.6"), jsonld) == 0.6


# ---------------------------------------------------------------------------------------------
# SPARQL results and protocol requests


@pytest.mark.parametrize(
    ("accept", "graphs", "expected"),
    [
        (None, False, ResultSyntax.JSON),
        ("*/*", False, ResultSyntax.JSON),
        ("application/sparql-results+json", False, ResultSyntax.JSON),
        ("application/json", False, ResultSyntax.JSON),
        ("application/sparql-results+xml", False, ResultSyntax.XML),
        ("text/csv", False, ResultSyntax.CSV),
        ("text/tab-separated-values", False, ResultSyntax.TSV),
        ("text/csv;q=0.5, text/tab-separated-values", False, ResultSyntax.TSV),
        (None, True, ResultSyntax.TURTLE),
        (CHROME, True, ResultSyntax.TURTLE),
        ("application/n-triples", True, ResultSyntax.NT),
        ("application/ld+json", True, ResultSyntax.JSON_LD),
        ("text/turtle", False, None),
        ("text/csv", True, None),
    ],
)
def test_result_format(accept: str | None, graphs: bool, expected: ResultSyntax | None) -> None:
    assert result_format(accept, graphs=graphs) is expected


def test_parse_request_forms() -> None:
    assert parse_request("GET", query_string="query=ASK+%7B%7D", content_type=None, body=b"") == "ASK {}"
    form = b"query=SELECT+%3Fs+WHERE+%7B%3Fs+%3Fp+%3Fo%7D"
    assert (
        parse_request("POST", query_string="", content_type="application/x-www-form-urlencoded", body=form)
        == "SELECT ?s WHERE {?s ?p ?o}"
    )
    direct = 'ASK { ?s schema:name "Ä" }'.encode()
    assert (
        parse_request("POST", query_string="", content_type="application/sparql-query; charset=utf-8", body=direct)
        == direct.decode()
    )


@pytest.mark.parametrize(
    ("method", "query_string", "content_type", "body", "status", "words"),
    [
        ("GET", "", None, b"", Status.BAD_REQUEST, "no query"),
        ("GET", "query=a&query=b", None, b"", Status.BAD_REQUEST, "more than one query"),
        ("GET", "update=DROP+ALL", None, b"", Status.BAD_REQUEST, "read-only"),
        ("POST", "", "application/x-www-form-urlencoded", b"update=DROP+ALL", Status.BAD_REQUEST, "read-only"),
        ("POST", "", "application/sparql-update", b"DROP ALL", Status.BAD_REQUEST, "read-only"),
        ("GET", "query=ASK%7B%7D&default-graph-uri=x", None, b"", Status.BAD_REQUEST, "FROM"),
        ("GET", "query=ASK%7B%7D&named-graph-uri=x", None, b"", Status.BAD_REQUEST, "FROM NAMED"),
        ("POST", "", "text/plain", b"ASK {}", Status.UNSUPPORTED_MEDIA_TYPE, "application/sparql-query"),
        ("POST", "", None, b"ASK {}", Status.UNSUPPORTED_MEDIA_TYPE, "without a Content-Type"),
        ("POST", "query=ASK%7B%7D", "application/sparql-query", b"ASK {}", Status.BAD_REQUEST, "not both"),
        ("POST", "", "application/sparql-query", b"ASK { \xff }", Status.BAD_REQUEST, "not UTF-8"),
        ("GET", "query=%FF", None, b"", Status.BAD_REQUEST, "not UTF-8"),
    ],
)
def test_parse_request_refuses(
    method: str, query_string: str, content_type: str | None, body: bytes, status: Status, words: str
) -> None:
    answer = parse_request(method, query_string=query_string, content_type=content_type, body=body)
    assert isinstance(answer, Answer)
    assert answer.status is status
    assert words in answer.body.decode()
    assert answer.body.count(b"\n") == 1
