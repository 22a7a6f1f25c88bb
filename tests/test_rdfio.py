"""Reading outside RDF: every syntax we write round-trips, bad input gets one precise line,
hostile input is refused before any parser (or the network, or a local file) is touched.

Data files live in ``tests/data/rdfio/``: ``roundtrip/`` holds one small graph written in each
syntax, ``invalid/`` malformed documents (expected errors in ``INVALID`` below), ``unsafe/``
documents that must be refused (``UNSAFE_JSONLD``, ``UNSAFE_XML``).
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

import kzar_ld
from kzar_ld.errors import InputError, KzarError, RdfSyntaxError, UnsafeInputError
from kzar_ld.namespaces import FOAF, RDF, XSD
from kzar_ld.rdfio.reader import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    InputFormat,
    load_inputs,
    load_rdf,
    parse_rdf,
)
from kzar_ld.resources import read_text, schemaorg_context

DATA = Path(__file__).parent / "data" / "rdfio"
ROUNDTRIP = DATA / "roundtrip"
EXAMPLE = Path(__file__).parent.parent / "examples" / "kazinform-2023-08-24"

# Open on purpose: the test data uses schema.org terms the library itself never writes.
SCHEMA = Namespace("http://schema.org/")

ARTICLE = URIRef("https://kzar.example/id/article/x")
CITY = URIRef("https://kzar.example/id/place/buenos-aires")
BODY = "back\\slash, CRLF\r\nnext line, LS\u2028after, emoji \U0001f600 end"
HEADLINE = 'He said "hi", then """bye"""'


def expected_graph() -> Graph:
    """The graph every file in roundtrip/ holds."""
    g = Graph()
    author = BNode()
    for triple in [
        (ARTICLE, RDF.type, SCHEMA.NewsArticle),
        (ARTICLE, SCHEMA.headline, Literal(HEADLINE)),
        (ARTICLE, SCHEMA.articleBody, Literal(BODY)),
        (ARTICLE, SCHEMA.datePublished, Literal("2023-08-24", datatype=XSD.date)),
        (ARTICLE, SCHEMA.wordCount, Literal("068", datatype=XSD.integer, normalize=False)),
        (ARTICLE, SCHEMA.inLanguage, Literal("en")),
        (ARTICLE, SCHEMA.author, author),
        (ARTICLE, SCHEMA.contentLocation, CITY),
        (author, RDF.type, SCHEMA.Person),
        (author, SCHEMA.name, Literal("Қайрат Умаров", lang="kk")),
        (author, FOAF.name, Literal("Kairat Umarov")),
        (CITY, RDF.type, SCHEMA.City),
        (CITY, SCHEMA.name, Literal("Buenos Aires", lang="es")),
    ]:
        g.add(triple)
    return g


def union(ds: Dataset) -> Graph:
    """All triples of a dataset, whatever their graph."""
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def non_empty_graphs(ds: Dataset) -> dict[str, int]:
    return {str(g.identifier): len(g) for g in ds.graphs() if len(g)}


def file_iri(path: Path | str) -> str:
    return Path(path).resolve().as_uri()


def raises_one_line(exc: KzarError, *, source: str) -> None:
    """Every error is one line that starts with the input's name and exits with code 2."""
    text = str(exc)
    assert "\n" not in text and "\r" not in text
    assert text.startswith(source)
    assert exc.exit_code == 2


# ---------------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.ttl", InputFormat.TURTLE),
        ("a.jsonld", InputFormat.JSON_LD),
        ("a.json", InputFormat.JSON_LD),
        ("a.nt", InputFormat.NT),
        ("a.nq", InputFormat.NQUADS),
        ("a.trig", InputFormat.TRIG),
        ("a.rdf", InputFormat.XML),
        ("a.xml", InputFormat.XML),
        ("a.owl", InputFormat.XML),
        ("dir.v2/A.TTL", InputFormat.TURTLE),
    ],
)
def test_format_from_extension(name: str, fmt: InputFormat) -> None:
    assert InputFormat.from_path(name) is fmt
    assert InputFormat.from_path(Path(name)) is fmt


def test_format_values_are_the_cli_spellings() -> None:
    assert [f.value for f in InputFormat] == ["turtle", "json-ld", "nt", "nquads", "trig", "xml"]
    assert InputFormat("json-ld") is InputFormat.JSON_LD


@pytest.mark.parametrize("name", ["notes.txt", "graph.n3", "README", "a.ttl.gz"])
def test_unknown_extension_names_the_file_and_lists_extensions(name: str) -> None:
    with pytest.raises(InputError) as info:
        InputFormat.from_path(name)
    assert type(info.value) is InputError
    raises_one_line(info.value, source=name)
    message = str(info.value)
    assert f"{name}: cannot tell the RDF syntax from the extension" in message
    for ext in (".ttl", ".jsonld", ".json", ".nt", ".nq", ".trig", ".rdf", ".xml", ".owl"):
        assert ext in message
    assert "name the syntax" in message and "--" not in message  # the library names no CLI flag


def test_load_rdf_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "graph.txt"
    path.write_text("<https://kzar.example/a> <https://kzar.example/p> 1 .\n")
    with pytest.raises(InputError, match=r"graph\.txt: cannot tell the RDF syntax"):
        load_rdf(path)
    # ... and naming the syntax is the way out.
    assert len(union(load_rdf(path, format=InputFormat.TURTLE))) == 1


# ---------------------------------------------------------------------------------------------
# Round trips


TRIPLE_FILES = ["small.ttl", "small.nt", "small.rdf", "small.jsonld"]
QUAD_FILES = ["small.nq", "small.trig"]


@pytest.mark.parametrize("name", TRIPLE_FILES + QUAD_FILES)
def test_every_syntax_reads_the_same_graph(name: str) -> None:
    ds = load_rdf(ROUNDTRIP / name)
    got = union(ds)
    # Targeted checks first, so a failure says what broke.
    assert set(got.objects(ARTICLE, SCHEMA.articleBody)) == {Literal(BODY)}
    assert set(got.objects(ARTICLE, SCHEMA.headline)) == {Literal(HEADLINE)}
    (count,) = got.objects(ARTICLE, SCHEMA.wordCount)
    assert isinstance(count, Literal)
    assert (str(count), count.datatype) == ("068", XSD.integer)  # lexical form as written
    assert isomorphic(got, expected_graph())


@pytest.mark.parametrize("name", TRIPLE_FILES)
def test_triple_syntaxes_land_in_the_file_graph(name: str) -> None:
    path = ROUNDTRIP / name
    ds = load_rdf(path)
    assert non_empty_graphs(ds) == {file_iri(path): 13}


@pytest.mark.parametrize("name", QUAD_FILES)
def test_quad_syntaxes_keep_their_graphs(name: str) -> None:
    assert non_empty_graphs(load_rdf(ROUNDTRIP / name)) == {str(ARTICLE): 13}


def test_parse_rdf_names_the_graph_after_the_source() -> None:
    data = (ROUNDTRIP / "small.ttl").read_bytes()
    ds = parse_rdf(data, format=InputFormat.TURTLE, source="some/dir/in.ttl")
    assert non_empty_graphs(ds) == {file_iri("some/dir/in.ttl"): 13}
    # The same bytes read by load_rdf give the same graph name for the same path.
    direct = load_rdf(ROUNDTRIP / "small.ttl")
    again = parse_rdf(data, format=InputFormat.TURTLE, source=str(ROUNDTRIP / "small.ttl"))
    assert non_empty_graphs(direct) == non_empty_graphs(again)


def test_relative_iris_resolve_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rel.ttl"
    path.write_text('<#me> <http://schema.org/name> "me" .\n', encoding="utf-8")
    (subject,) = union(load_rdf(path)).subjects()
    assert subject == URIRef(path.resolve().as_uri() + "#me")


def test_json_ld_keeps_named_graphs_and_files_its_default_graph(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonld"
    doc = {
        "@context": {"@vocab": "http://schema.org/"},
        "@graph": [
            {
                "@id": "https://kzar.example/g",
                "@graph": [{"@id": "https://kzar.example/a", "name": "A"}],
            },
            {"@id": "https://kzar.example/b", "name": "B"},
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert non_empty_graphs(load_rdf(path)) == {"https://kzar.example/g": 1, file_iri(path): 1}


def test_trig_default_graph_stays_the_default_graph() -> None:
    data = b'<https://kzar.example/a> <http://schema.org/name> "in default" .\n' + (
        b'<https://kzar.example/g> { <https://kzar.example/b> <http://schema.org/name> "b" }\n'
    )
    ds = parse_rdf(data, format=InputFormat.TRIG, source="in.trig")
    assert non_empty_graphs(ds) == {str(DATASET_DEFAULT_GRAPH_ID): 1, "https://kzar.example/g": 1}


def test_blank_node_labels_do_not_leak_between_documents(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    one.write_text('_:b <http://schema.org/name> "one" .\n', encoding="utf-8")
    two.write_text('_:b <http://schema.org/name> "two" .\n', encoding="utf-8")
    subjects = set(union(load_inputs([one, two])).subjects())
    assert len(subjects) == 2


def test_a_blank_graph_name_is_the_same_node_as_the_subject() -> None:
    data = b'_:g { _:g <http://schema.org/name> "itself" }\n'
    ds = parse_rdf(data, format=InputFormat.TRIG, source="in.trig")
    (graph,) = (g for g in ds.graphs() if len(g))
    assert isinstance(graph.identifier, BNode)
    assert set(graph.subjects()) == {graph.identifier}


@pytest.mark.parametrize("fmt", list(kzar_ld.Format))
def test_our_own_output_reads_back_unchanged(fmt: kzar_ld.Format) -> None:
    built = kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE))
    data = kzar_ld.serialize(built, format=fmt)
    source = f"out{fmt.extension}"
    back = parse_rdf(data, format=InputFormat(fmt.value), source=source)
    assert isomorphic(union(back), union(built))
    (article_graph,) = (str(g.identifier) for g in built.graphs() if len(g))
    expected_name = article_graph if fmt in (kzar_ld.Format.NQUADS, kzar_ld.Format.TRIG) else file_iri(source)
    assert set(non_empty_graphs(back)) == {expected_name}


@pytest.mark.parametrize("fmt", list(kzar_ld.Format))
def test_hostile_literals_survive_our_writer_and_reader(fmt: kzar_ld.Format) -> None:
    ds = Dataset()
    graph = ds.graph(ARTICLE)
    for triple in expected_graph():
        graph.add(triple)
    graph.add((ARTICLE, SCHEMA.description, Literal('raw\r\n""" \\" \u2028\u2029 \U0001f600\t\x7f')))
    back = parse_rdf(kzar_ld.serialize(ds, format=fmt), format=InputFormat(fmt.value), source="x")
    assert isomorphic(union(back), union(ds))


# ---------------------------------------------------------------------------------------------
# Malformed input


# file -> (line, column, words the message must contain); each is an RdfSyntaxError
INVALID: dict[str, tuple[int | None, int | None, str]] = {
    "turtle-unterminated-string.ttl": (3, 68, "invalid Turtle: Line jumps are not allowed"),
    "turtle-space-in-iri.ttl": (4, 18, "invalid Turtle: Invalid IRI code point ' '"),
    "turtle-undeclared-prefix.ttl": (3, 37, "invalid Turtle: The prefix nope: has not been"),
    "turtle-latin1.ttl": (2, 58, "not UTF-8: byte 0xE1 at byte offset 96"),
    "ntriples-missing-object.nt": (2, 66, "invalid N-Triples: The object of a triple must"),
    "ntriples-relative-iri.nt": (2, 1, "invalid N-Triples: No scheme found"),
    "nquads-missing-dot.nq": (3, 1, "invalid N-Quads: Quads must be followed by a dot"),
    "trig-unclosed-graph.trig": (4, 1, "invalid TriG: Unexpected end"),
    "jsonld-trailing-comma.jsonld": (4, 1, "invalid JSON: Expecting property name"),
    "jsonld-type-not-string.jsonld": (None, None, "invalid JSON-LD: @type value must be a"),
    "jsonld-not-an-object.jsonld": (None, None, 'an object or an array, not "just a string"'),
    "xml-mismatched-tag.rdf": (4, 21, "invalid RDF/XML: malformed XML: mismatched tag"),
    "xml-property-without-namespace.rdf": (None, None, "XML namespaces are required"),
}


def test_every_invalid_file_has_an_expectation() -> None:
    assert sorted(p.name for p in (DATA / "invalid").iterdir()) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_malformed_input_is_one_precise_line(name: str) -> None:
    line, column, words = INVALID[name]
    source = str(DATA / "invalid" / name)
    with pytest.raises(KzarError) as info:
        load_rdf(source)
    err = info.value
    assert type(err) is RdfSyntaxError
    assert (err.line, err.column) == (line, column)
    raises_one_line(err, source=source)
    where = source + "".join(f":{n}" for n in (line, column) if n is not None)
    assert str(err).startswith(f"{where}: ")
    assert words in str(err)


@pytest.mark.parametrize("fmt", list(InputFormat))
def test_non_utf8_input_names_the_byte_offset(fmt: InputFormat) -> None:
    data = b'\n\n  "caf\xe9"'  # Latin-1 e-acute at byte 8, line 3, column 7
    with pytest.raises(RdfSyntaxError) as info:
        parse_rdf(data, format=fmt, source="in.dat")
    assert str(info.value) == "in.dat:3:7: not UTF-8: byte 0xE9 at byte offset 8; save the file as UTF-8"


def test_byte_offset_counts_a_byte_order_mark() -> None:
    with pytest.raises(RdfSyntaxError, match="byte offset 4;"):
        parse_rdf(b"\xef\xbb\xbf<\xff", format=InputFormat.TURTLE, source="in.ttl")


@pytest.mark.parametrize("fmt", [InputFormat.TURTLE, InputFormat.JSON_LD, InputFormat.XML])
def test_a_utf8_byte_order_mark_is_accepted(fmt: InputFormat) -> None:
    source = {
        InputFormat.TURTLE: "small.ttl",
        InputFormat.JSON_LD: "small.jsonld",
        InputFormat.XML: "small.rdf",
    }
    data = b"\xef\xbb\xbf" + (ROUNDTRIP / source[fmt]).read_bytes()
    assert isomorphic(union(parse_rdf(data, format=fmt, source="in")), expected_graph())


def test_positions_on_the_first_line_count_the_byte_order_mark_as_a_character() -> None:
    with pytest.raises(RdfSyntaxError) as info:
        parse_rdf(b"\xef\xbb\xbf<https://kzar.example/a b> <p> <o> .", format=InputFormat.NT, source="x")
    assert (info.value.line, info.value.column) == (1, 2)


def test_json_nan_is_not_json() -> None:
    with pytest.raises(RdfSyntaxError, match=r"in\.jsonld: invalid JSON: NaN is not a JSON value"):
        parse_rdf(b'{"http://schema.org/n": NaN}', format=InputFormat.JSON_LD, source="in.jsonld")


def test_rdf12_triple_terms_are_refused() -> None:
    data = b"@prefix k: <https://kzar.example/> . k:a k:says <<( k:b k:p k:c )>> ."
    with pytest.raises(RdfSyntaxError, match=r"^in\.ttl: uses an RDF 1\.2 triple term"):
        parse_rdf(data, format=InputFormat.TURTLE, source="in.ttl")


def test_directional_language_strings_are_refused() -> None:
    data = b'<https://kzar.example/a> <http://schema.org/name> "x"@ar--rtl .'
    with pytest.raises(RdfSyntaxError, match=r"directional language string \('x'@ar--rtl\)"):
        parse_rdf(data, format=InputFormat.TURTLE, source="in.ttl")


# ---------------------------------------------------------------------------------------------
# Size


def test_default_limit_is_ten_mebibytes() -> None:
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024


def test_parse_rdf_refuses_data_over_the_limit() -> None:
    data = (ROUNDTRIP / "small.nt").read_bytes()
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(data, format=InputFormat.NT, source="big.nt", max_bytes=len(data) - 1)
    assert str(info.value).startswith(f"big.nt: is {len(data):,} bytes, over the limit of {len(data) - 1:,}")
    assert len(union(parse_rdf(data, format=InputFormat.NT, source="x", max_bytes=len(data)))) == 13


def test_a_large_file_is_refused_before_it_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.nt"
    with big.open("wb") as stream:
        stream.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: costs no disk
    opened: list[Any] = []
    monkeypatch.setattr("kzar_ld.rdfio.open", lambda *a, **k: opened.append(a), raising=False)
    with pytest.raises(UnsafeInputError) as info:
        load_rdf(big)
    assert opened == []
    raises_one_line(info.value, source=str(big))
    assert f"is {DEFAULT_MAX_BYTES + 1:,} bytes, over the limit of {DEFAULT_MAX_BYTES:,}" in str(info.value)


def test_an_endless_device_is_read_only_up_to_the_limit() -> None:
    with pytest.raises(UnsafeInputError, match=r"^/dev/zero: is over the limit of 4,096 bytes"):
        load_rdf("/dev/zero", format=InputFormat.NT, max_bytes=4096)


def test_a_pipe_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    line = b'<https://kzar.example/a> <http://schema.org/name> "a" .\n'
    written: list[int] = []

    def writer() -> None:
        try:
            with open(fifo, "wb") as stream:
                for _ in range(1000):
                    stream.write(line)
                    written.append(len(line))
        except BrokenPipeError:
            pass  # the reader stopped at the limit, as it should

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    with pytest.raises(UnsafeInputError, match="is over the limit of 1,000 bytes"):
        load_rdf(fifo, max_bytes=1000)
    thread.join(timeout=5)
    assert not thread.is_alive()


# ---------------------------------------------------------------------------------------------
# Paths


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ttl"
    with pytest.raises(InputError) as info:
        load_rdf(missing)
    assert str(info.value) == f"{missing}: no such file or directory"


def test_a_directory_is_not_an_rdf_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not an RDF file"):
        load_rdf(tmp_path)


@pytest.mark.parametrize(
    "path",
    [
        "http://127.0.0.1:9/graph.ttl",
        "HTTPS://127.0.0.1/graph.ttl",
        "ftp://127.0.0.1/graph.nt",
        "file:///etc/hostname",
        Path("http://127.0.0.1/graph.ttl"),  # a Path folds the // away: still refused
    ],
)
def test_a_url_is_not_a_path(path: str | Path) -> None:
    for function in (load_rdf, lambda p: load_inputs([p])):
        with pytest.raises(InputError) as info:
            function(path)
        assert str(info.value) == f"{path}: looks like a URL; kzar-ld reads local files only: download it first"


def test_a_colon_in_a_file_name_is_not_a_url(tmp_path: Path) -> None:
    path = tmp_path / "notes:2023.nt"
    path.write_bytes((ROUNDTRIP / "small.nt").read_bytes())
    assert len(union(load_rdf(path))) == 13


# ---------------------------------------------------------------------------------------------
# JSON-LD contexts


class CountingServer:
    """A loopback HTTP server that serves a JSON-LD context and counts every request."""

    def __init__(self) -> None:
        hits: list[str] = []
        body = json.dumps({"@context": {"name": "http://schema.org/name"}}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.hits = hits
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/context.jsonld"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def context_server() -> Iterator[CountingServer]:
    server = CountingServer()
    # The counter works: a real request is seen.
    with urllib.request.urlopen(server.url, timeout=5) as reply:
        assert json.load(reply)["@context"]["name"] == "http://schema.org/name"
    assert server.hits == ["/context.jsonld"]
    server.hits.clear()
    yield server
    server.close()


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and block) every outgoing socket connection made from Python."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network use in a test that must not use it")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def jsonld(doc: Any) -> bytes:
    return json.dumps(doc).encode()


@pytest.mark.parametrize("where", ["top", "list", "nested node", "scoped term"])
def test_a_remote_context_is_never_fetched(
    context_server: CountingServer, no_connections: list[Any], where: str
) -> None:
    url = context_server.url
    doc: dict[str, Any] = {"@id": "https://kzar.example/a", "name": "a"}
    if where == "top":
        doc["@context"] = url
    elif where == "list":
        doc["@context"] = ["https://schema.org", url]
    elif where == "nested node":
        doc["@context"] = "https://schema.org"
        doc["author"] = {"@context": url, "name": "b"}
    else:
        doc["@context"] = {"author": {"@id": "http://schema.org/author", "@context": [url]}}
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="page.jsonld")
    raises_one_line(info.value, source="page.jsonld")
    if where == "scoped term":
        assert f'JSON-LD scoped @context ["{url}"] at /@context/author/@context refused' in str(info.value)
    else:
        assert f"JSON-LD @context '{url}' at /" in str(info.value)
        assert "put the context inline as an object" in str(info.value)
    assert context_server.hits == []
    assert no_connections == []


def test_a_remote_import_is_never_fetched(context_server: CountingServer, no_connections: list[Any]) -> None:
    doc = {
        "@context": {"@version": 1.1, "@import": context_server.url},
        "@id": "https://kzar.example/a",
    }
    with pytest.raises(
        UnsafeInputError,
        match=r"^page\.jsonld: JSON-LD @import 'http://127\.0\.0\.1:\d+/context\.jsonld' at "
        r"/@context/@import refused",
    ):
        parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="page.jsonld")
    assert context_server.hits == []
    assert no_connections == []


# file -> words the refusal must contain (the context value and where it is)
UNSAFE_JSONLD = {
    "context-etc-passwd.jsonld": "JSON-LD @context '/etc/passwd' at /@context refused",
    "context-file-iri.jsonld": "JSON-LD @context 'file:///etc/passwd' at /@context/1 refused",
    "context-relative.jsonld": "JSON-LD @context 'context.jsonld' at /@context refused",
    "context-scoped-in-term.jsonld": "scoped @context '/etc/passwd' at /@context/author/@context",
    "context-import.jsonld": "JSON-LD @import '/etc/passwd' at /@context/@import refused",
}
UNSAFE_XML = {
    "billion-laughs.rdf": 2,
    "external-entity.rdf": 2,
    "doctype-without-entities.rdf": 3,
}


def test_every_unsafe_file_has_an_expectation() -> None:
    assert sorted(p.name for p in (DATA / "unsafe").iterdir()) == sorted({**UNSAFE_JSONLD, **UNSAFE_XML})


@pytest.mark.parametrize("name", sorted(UNSAFE_JSONLD))
def test_local_contexts_are_refused(name: str) -> None:
    source = str(DATA / "unsafe" / name)
    with pytest.raises(UnsafeInputError) as info:
        load_rdf(source)
    raises_one_line(info.value, source=source)
    assert UNSAFE_JSONLD[name] in str(info.value)


@pytest.mark.parametrize("spelling", ["path", "file IRI"])
def test_a_fifo_context_is_refused_without_being_opened(tmp_path: Path, spelling: str) -> None:
    fifo = tmp_path / "context.jsonld"
    os.mkfifo(fifo)  # opening it for reading would block until someone writes
    value = str(fifo) if spelling == "path" else fifo.as_uri()
    doc = jsonld({"@context": value, "@id": "https://kzar.example/a"})
    outcome: list[BaseException] = []

    def parse() -> None:
        try:
            parse_rdf(doc, format=InputFormat.JSON_LD, source="page.jsonld")
        except BaseException as exc:  # handed to the test thread below
            outcome.append(exc)

    thread = threading.Thread(target=parse, daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the parser blocked opening the FIFO"
    (exc,) = outcome
    assert isinstance(exc, UnsafeInputError)
    assert f"JSON-LD @context '{value}' at /@context refused" in str(exc)


@pytest.mark.parametrize(
    "spelling",
    [
        "https://schema.org",
        "https://schema.org/",
        "http://schema.org",
        "http://schema.org/",
        "https://www.schema.org/",
        "HTTPS://Schema.org",
        "https://schema.org/docs/jsonldcontext.json",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.json",
    ],
)
def test_schemaorg_context_is_the_shipped_copy(spelling: str, no_connections: list[Any]) -> None:
    doc = {
        "@context": spelling,
        "@type": "NewsArticle",
        "@id": "https://kzar.example/a",
        "headline": "H",
        "datePublished": "2023-08-24",
    }
    got = union(parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="page.jsonld"))
    a = URIRef("https://kzar.example/a")
    assert (a, RDF.type, SCHEMA.NewsArticle) in got
    assert (a, SCHEMA.headline, Literal("H")) in got
    # The official context's own coercion applies: it really is schema.org's context.
    assert (a, SCHEMA.datePublished, Literal("2023-08-24", datatype=SCHEMA.Date)) in got
    assert no_connections == []


@pytest.mark.parametrize(
    "lookalike",
    [
        "https://schema.org.127.0.0.1.nip.invalid/",
        "schema.org",
        "https://schema.org/other.jsonld",
        "//schema.org",
    ],
)
def test_schemaorg_lookalikes_are_refused(lookalike: str) -> None:
    with pytest.raises(UnsafeInputError, match="refused: contexts are never fetched"):
        parse_rdf(jsonld({"@context": lookalike}), format=InputFormat.JSON_LD, source="p.jsonld")


def test_the_shipped_context_is_not_changed_by_parsing() -> None:
    doc = [{"@context": "https://schema.org", "@id": f"https://kzar.example/{i}", "name": "n"} for i in range(3)]
    parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="p.jsonld")
    assert schemaorg_context() == json.loads(read_text("contexts", "schemaorg.jsonld"))


@pytest.mark.parametrize("context", ["https://schema.org", {"name": "http://schema.org/name"}])
def test_context_entries_are_limited(context: Any) -> None:
    def doc(n: int) -> bytes:
        nodes = [{"@context": context, "@id": "https://kzar.example/a", "name": "x"}]
        return jsonld(nodes * n)

    assert len(union(parse_rdf(doc(100), format=InputFormat.JSON_LD, source="p.jsonld"))) == 1
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(doc(101), format=InputFormat.JSON_LD, source="p.jsonld")
    assert str(info.value).startswith("p.jsonld: JSON-LD document has more than 100 @context entries (at /")


def test_one_context_list_counts_each_entry() -> None:
    doc = {"@context": ["https://schema.org"] * 101, "@id": "https://kzar.example/a"}
    with pytest.raises(UnsafeInputError, match=r"more than 100 @context entries \(at /@context/"):
        parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="p.jsonld")


def test_inline_contexts_are_fine() -> None:
    doc = {
        "@context": [
            "https://schema.org",
            {"kzar": "https://kzar.example/ns#", "nick": {"@id": "foaf:nick", "@language": "kk"}},
        ],
        "@id": "https://kzar.example/a",
        "author": {"@id": "https://kzar.example/p", "nick": "kk"},
        "kzar:note": "n",
    }
    got = union(parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="p.jsonld"))
    assert (URIRef("https://kzar.example/p"), FOAF.nick, Literal("kk", lang="kk")) in got
    assert (
        URIRef("https://kzar.example/a"),
        URIRef("https://kzar.example/ns#note"),
        Literal("n"),
    ) in got


def test_a_json_literal_is_data_not_a_context(context_server: CountingServer) -> None:
    doc = {
        "@id": "https://kzar.example/a",
        "https://kzar.example/ns#raw": {
            "@value": {"@context": context_server.url},
            "@type": "@json",
        },
    }
    got = union(parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="p.jsonld"))
    (value,) = got.objects()
    assert context_server.url in str(value)
    assert context_server.hits == []


def nested(depth: int) -> bytes:
    """A JSON-LD document whose objects are nested exactly ``depth`` deep."""
    # Written out as text: json.dumps itself cannot write very deep documents.
    opening = b'"https://kzar.example/ns#p": {' * (depth - 1)
    innermost = b'"https://kzar.example/ns#v": 1'
    return b'{"@id": "https://kzar.example/a", ' + opening + innermost + b"}" * depth


def test_json_ld_nesting_up_to_the_limit_is_read() -> None:
    assert DEFAULT_MAX_DEPTH == 64
    got = union(parse_rdf(nested(64), format=InputFormat.JSON_LD, source="p.jsonld"))
    assert len(got) == 64


def test_json_ld_nesting_past_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(nested(65), format=InputFormat.JSON_LD, source="p.jsonld")
    raises_one_line(info.value, source="p.jsonld")
    assert "JSON nested deeper than 64 levels at /https:~1~1kzar.example~1ns#p/" in str(info.value)
    assert str(info.value).endswith("; refused before parsing")


def test_json_nesting_too_deep_for_the_json_reader_is_refused() -> None:
    data = b"[" * 100_000 + b"]" * 100_000  # json.loads itself gives up (RecursionError)
    with pytest.raises(
        UnsafeInputError,
        match=r"^p\.jsonld: JSON nested deeper than 64 levels; refused before parsing$",
    ):
        parse_rdf(data, format=InputFormat.JSON_LD, source="p.jsonld")


def test_json_ld_depth_limit_is_configurable() -> None:
    with pytest.raises(UnsafeInputError, match="deeper than 3 levels"):
        parse_rdf(nested(4), format=InputFormat.JSON_LD, source="p.jsonld", max_depth=3)
    assert len(union(parse_rdf(nested(4), format=InputFormat.JSON_LD, source="p.jsonld", max_depth=4))) == 4


@pytest.mark.parametrize(
    ("definition", "use"),
    [
        # property-scoped
        ({"@id": "http://schema.org/author", "@context": {"n": "http://schema.org/name"}}, "author"),
        # type-scoped
        ({"@id": "http://schema.org/Person", "@context": {"n": "http://schema.org/name"}}, "@type"),
    ],
)
def test_scoped_contexts_are_refused(definition: dict[str, Any], use: str) -> None:
    doc = {"@context": {"T": definition}, "@id": "https://kzar.example/a"}
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(jsonld(doc), format=InputFormat.JSON_LD, source="p.jsonld")
    assert str(info.value).startswith(
        'p.jsonld: JSON-LD scoped @context {"n": "http://schema.org/name"} at /@context/T/@context '
        "refused: a context inside a term definition is re-processed on every use of the term"
    )


def chained_terms(n: int) -> bytes:
    """An inline context of ``n`` terms, each defined by the one before it."""
    terms = {f"p{i}": {"@id": f"p{i - 1}"} for i in range(1, n)}
    doc = {"@context": {"@vocab": "https://kzar.example/", **terms}, "@id": "https://kzar.example/a"}
    return jsonld({**doc, f"p{n - 1}": 1})


def test_inline_terms_are_limited() -> None:
    got = union(parse_rdf(chained_terms(251), format=InputFormat.JSON_LD, source="p.jsonld"))
    assert len(got) == 1  # 250 terms (p1 .. p250) plus @vocab
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(chained_terms(252), format=InputFormat.JSON_LD, source="p.jsonld")
    assert str(info.value).startswith("p.jsonld: JSON-LD inline contexts define more than 250 terms (at /@context/p")


CRASH_PROBE = """
import sys
from kzar_ld.errors import KzarError
from kzar_ld.rdfio.reader import load_rdf
try:
    load_rdf(sys.argv[1])
except KzarError as exc:
    print(type(exc).__name__, exc)
else:
    print("parsed")
"""


@pytest.mark.parametrize(
    ("what", "data", "words"),
    [
        # Both inputs crash pyoxigraph's JSON-LD parser (segmentation fault) when handed over.
        ("nesting", nested(5000), "JSON nested deeper than 64 levels"),
        ("term chain", chained_terms(10_000), "inline contexts define more than 250 terms"),
    ],
)
def test_inputs_that_crash_the_parser_are_refused_first(tmp_path: Path, what: str, data: bytes, words: str) -> None:
    path = tmp_path / "hostile.jsonld"
    path.write_bytes(data)
    # In a child process, so that a regression fails this test instead of killing the run.
    run = subprocess.run(
        [sys.executable, "-c", CRASH_PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, f"{what}: the process died ({run.returncode}): {run.stderr[-300:]}"
    assert run.stdout.startswith(f"UnsafeInputError {path}: ")
    assert words in run.stdout


# ---------------------------------------------------------------------------------------------
# RDF/XML


@pytest.mark.parametrize("name", sorted(UNSAFE_XML))
def test_xml_with_a_doctype_is_refused_at_once(name: str) -> None:
    source = str(DATA / "unsafe" / name)
    with pytest.raises(UnsafeInputError) as info:
        load_rdf(source)
    raises_one_line(info.value, source=source)
    assert (info.value.line, info.value.column) == (UNSAFE_XML[name], 1)
    assert "RDF/XML with a DOCTYPE declaration ('rdf:RDF') refused" in str(info.value)


RDF_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:k="https://kzar.example/ns#">\n'
)


def nested_xml(depth: int) -> bytes:
    """Valid RDF/XML whose elements are nested exactly ``depth`` deep (an even number)."""
    pairs = (depth - 2) // 2  # rdf:RDF, then node/property pairs, then an empty node
    body = "".join(f'<rdf:Description rdf:about="https://kzar.example/{i}"><k:p>' for i in range(pairs))
    body += '<rdf:Description rdf:about="https://kzar.example/z"/>' + "</k:p></rdf:Description>" * pairs
    return (RDF_XML_HEAD + body + "</rdf:RDF>\n").encode()


def test_xml_nesting_up_to_the_limit_is_read() -> None:
    assert len(union(parse_rdf(nested_xml(64), format=InputFormat.XML, source="deep.rdf"))) == 31


def test_xml_nesting_past_the_limit_is_refused() -> None:
    # pyoxigraph's RDF/XML parser takes quadratic time in the nesting depth.
    with pytest.raises(UnsafeInputError, match=r"^deep\.rdf:3: XML nested deeper than 64 elements; refused"):
        parse_rdf(nested_xml(66), format=InputFormat.XML, source="deep.rdf")


def test_xml_with_too_many_attributes_on_one_element_is_refused() -> None:
    def doc(n: int) -> bytes:
        attrs = " ".join(f'k:p{i}="v"' for i in range(n - 1))
        node = f'<rdf:Description rdf:about="https://kzar.example/a" {attrs}/>'
        return (RDF_XML_HEAD + node + "</rdf:RDF>").encode()

    assert len(union(parse_rdf(doc(1000), format=InputFormat.XML, source="x.rdf"))) == 999
    with pytest.raises(UnsafeInputError) as info:
        parse_rdf(doc(1001), format=InputFormat.XML, source="x.rdf")
    assert str(info.value) == (
        "x.rdf:3: XML element <rdf:Description> has 1,001 attributes (the limit is 1,000); refused before parsing"
    )


def test_xml_with_too_many_namespaces_in_scope_is_refused() -> None:
    def declarations(n: int, start: int = 0) -> str:
        return " ".join(f'xmlns:n{i}="https://kzar.example/{i}#"' for i in range(start, start + n))

    crowded = f'<rdf:Description rdf:about="https://kzar.example/a" {declarations(999)}/>'
    with pytest.raises(UnsafeInputError) as info:  # rdf:RDF already declares two
        parse_rdf((RDF_XML_HEAD + crowded + "</rdf:RDF>").encode(), format=InputFormat.XML, source="x")
    assert str(info.value) == (
        "x:3: XML declares more than 1,000 namespaces in scope at <rdf:Description>; refused before parsing"
    )
    # The same declarations spread over siblings are never in scope together.
    siblings = "".join(
        f'<rdf:Description rdf:about="https://kzar.example/a" {declarations(100, 100 * j)}/>' for j in range(10)
    )
    parse_rdf((RDF_XML_HEAD + siblings + "</rdf:RDF>").encode(), format=InputFormat.XML, source="x")


def test_xml_declaring_another_encoding_is_refused() -> None:
    data = (ROUNDTRIP / "small.rdf").read_bytes().replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    with pytest.raises(RdfSyntaxError, match="Only UTF-8 is supported"):
        parse_rdf(data, format=InputFormat.XML, source="latin.rdf")


# ---------------------------------------------------------------------------------------------
# load_inputs


def test_inputs_are_merged_each_in_its_own_graph() -> None:
    paths = [ROUNDTRIP / "small.ttl", ROUNDTRIP / "small.jsonld", ROUNDTRIP / "small.trig"]
    ds = load_inputs(paths)
    assert non_empty_graphs(ds) == {
        file_iri(ROUNDTRIP / "small.ttl"): 13,
        file_iri(ROUNDTRIP / "small.jsonld"): 13,
        str(ARTICLE): 13,
    }


def test_the_same_path_twice_is_read_once() -> None:
    path = ROUNDTRIP / "small.nt"
    ds = load_inputs([path, str(path), path.parent / ".." / "roundtrip" / "small.nt"])
    assert non_empty_graphs(ds) == {file_iri(path): 13}


def test_two_inputs_with_the_same_graph_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.nq"
    copy.write_bytes((ROUNDTRIP / "small.nq").read_bytes())
    with pytest.raises(InputError) as info:
        load_inputs([ROUNDTRIP / "small.nq", copy])
    assert str(info.value) == (
        f"{copy}: holds the graph <{ARTICLE}> that {ROUNDTRIP / 'small.nq'} also holds; give each graph once"
    )


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    turtle = (ROUNDTRIP / "small.ttl").read_bytes()
    odd = tmp_path / "graph.data"
    odd.write_bytes(turtle)
    misnamed = tmp_path / "graph.jsonld"
    misnamed.write_bytes(turtle)
    with pytest.raises(InputError, match=r"graph\.data: cannot tell the RDF syntax"):
        load_inputs([odd])
    with pytest.raises(RdfSyntaxError, match=r"graph\.jsonld:1:1: invalid JSON"):
        load_inputs([misnamed])
    ds = load_inputs([odd, misnamed], input_format=InputFormat.TURTLE)
    assert non_empty_graphs(ds) == {file_iri(odd): 13, file_iri(misnamed): 13}


def test_a_directory_without_annotation_is_refused(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("text", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_inputs([tmp_path])
    assert str(info.value) == (
        f"{tmp_path}: is a directory with no annotation.yaml and no article directories in it; give an article "
        "directory (article text + annotation.yaml), a directory of them, or an RDF file"
    )


def test_a_missing_input_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{tmp_path}/gone: no such file or directory$"):
        load_inputs([ROUNDTRIP / "small.ttl", tmp_path / "gone"])


def test_a_single_path_is_not_a_sequence() -> None:
    with pytest.raises(TypeError, match="a sequence of paths"):
        load_inputs(str(ROUNDTRIP / "small.ttl"))


def test_an_article_directory_is_built() -> None:
    direct = kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE))
    ds = load_inputs([EXAMPLE])
    assert non_empty_graphs(ds) == non_empty_graphs(direct)
    assert isomorphic(union(ds), union(direct))


def test_an_annotation_file_is_an_article() -> None:
    ds = load_inputs([EXAMPLE / "annotation.yaml"])
    assert non_empty_graphs(ds) == non_empty_graphs(kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE)))


def test_base_is_passed_to_articles() -> None:
    ds = load_inputs([EXAMPLE], base="https://news.example/ld/")
    (name,) = non_empty_graphs(ds)
    assert name.startswith("https://news.example/ld/article/")


def test_articles_and_files_mix(tmp_path: Path) -> None:
    ds = load_inputs([EXAMPLE, ROUNDTRIP / "small.ttl"])
    names = set(non_empty_graphs(ds))
    assert file_iri(ROUNDTRIP / "small.ttl") in names
    assert any(n.startswith(kzar_ld.DEFAULT_BASE + "article/") for n in names)


def test_an_article_and_its_own_trig_collide(tmp_path: Path) -> None:
    trig = tmp_path / "article.trig"
    trig.write_bytes(kzar_ld.serialize(kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE)), format=kzar_ld.Format.TRIG))
    with pytest.raises(InputError, match=rf"^{trig}: holds the graph <{kzar_ld.DEFAULT_BASE}article/"):
        load_inputs([EXAMPLE, trig])
