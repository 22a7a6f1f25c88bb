"""Serialisation: every format, byte-identical across runs, independent parsers agree, atomic writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import kzar_ld
from kzar_ld import Format, build_graph, load_article, serialize, write
from kzar_ld.errors import OutputError
from kzar_ld.resources import schemaorg_context

EXAMPLE = "examples/kazinform-2023-08-24"
RDFLIB_FORMATS = {
    Format.TURTLE: "turtle",
    Format.NT: "nt",
    Format.NQUADS: "nquads",
    Format.TRIG: "trig",
    Format.XML: "xml",
    Format.JSON_LD: "json-ld",
}
OX_FORMATS = {
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.NT: ox.RdfFormat.N_TRIPLES,
    Format.NQUADS: ox.RdfFormat.N_QUADS,
    Format.TRIG: ox.RdfFormat.TRIG,
    Format.XML: ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_graph(load_article(EXAMPLE))


def _triples(ds: Dataset) -> Graph:
    g = Graph()
    for s, p, o, _ in ds.quads():
        g.add((s, p, o))
    return g


def _name(g: Any) -> Any:
    return getattr(g, "identifier", g)


def _expand_offline(doc: Any) -> Graph:
    """Expand our JSON-LD with pyld, resolving schema.org's context to the shipped copy only."""
    from pyld import jsonld

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
            raise AssertionError(f"unexpected context fetch: {url}")
        return {"contextUrl": None, "documentUrl": url, "document": schemaorg_context()}

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")


def test_two_processes_with_different_hash_seeds_write_identical_bytes(tmp_path: Path) -> None:
    script = (
        "import sys, kzar_ld\n"
        f"ds = kzar_ld.build_graph([kzar_ld.load_article({EXAMPLE!r}), "
        "kzar_ld.load_article('tests/data/articles/fictional-round-table')])\n"
        "for f in kzar_ld.Format:\n"
        "    open(sys.argv[1] + '.' + f.value, 'wb').write(kzar_ld.serialize(ds, format=f))\n"
    )
    outputs = []
    for seed in ("0", "12345"):
        prefix = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(prefix)], check=True, env=env)
        outputs.append({f: (tmp_path / f"run{seed}.{f.value}").read_bytes() for f in Format})
    for fmt in Format:
        assert outputs[0][fmt] == outputs[1][fmt], fmt
        assert len(outputs[0][fmt]) > 1000


@pytest.mark.parametrize("fmt", list(OX_FORMATS))
def test_pyoxigraph_parses_every_format_to_the_same_graph(dataset: Dataset, fmt: Format) -> None:
    data = serialize(dataset, format=fmt)
    parsed = ox.Dataset(ox.parse(data, format=OX_FORMATS[fmt]))
    expected = ox.Dataset(ox.parse(serialize(dataset, format=Format.NQUADS), format=ox.RdfFormat.N_QUADS))
    if not fmt.has_graphs:
        expected = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in expected)
    assert len(parsed) == len(expected) == len(dataset)
    assert set(parsed) == set(expected)


@pytest.mark.parametrize("fmt", list(RDFLIB_FORMATS))
def test_rdflib_reads_every_format_back(dataset: Dataset, fmt: Format) -> None:
    data = serialize(dataset, format=fmt)
    if fmt.has_graphs:
        back = Dataset()
        back.parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert {(s, p, o, _name(g)) for s, p, o, g in back.quads()} == {
            (s, p, o, _name(g)) for s, p, o, g in dataset.quads()
        }
    elif fmt is Format.JSON_LD:
        assert isomorphic(_expand_offline(json.loads(data)), _triples(dataset))
    else:
        back_g = Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert isomorphic(back_g, _triples(dataset))


def test_turtle_uses_the_base_and_readable_prefixes(dataset: Dataset) -> None:
    ttl = serialize(dataset).decode()
    head = ttl.splitlines()[:10]
    assert head[0] == "@base <https://kzar.example/id/> ."
    assert "@prefix kzar: <https://kzar.example/ns#> ." in head
    assert "@prefix schema: <http://schema.org/> ." in head
    assert "<article/000_b748ee61ec8ac40c> a schema:NewsArticle , foaf:Document ;" in ttl
    assert '"68"^^xsd:nonNegativeInteger' in ttl


def test_jsonld_is_compacted_with_schema_org_context_and_embeddable(dataset: Dataset) -> None:
    doc = json.loads(serialize(dataset, format=Format.JSON_LD))
    assert doc["@context"][0] == "https://schema.org"
    article = doc["@graph"][0]
    assert article["@type"] == ["NewsArticle", "foaf:Document"]
    assert article["headline"] == "Kazakhstan and Argentina strengthen bilateral cooperation"
    # The official context coerces datePublished to schema:Date, so our xsd:date is spelled out.
    assert article["datePublished"] == {"@value": "2023-08-24", "@type": "xsd:date"}
    # A node referenced once is nested in its parent.
    assert article["isBasedOn"]["@type"] == "CreativeWork"
    # A page embeds the same graph under the bare schema.org context plus our two prefixes.
    page = {**doc, "@context": ["https://schema.org", doc["@context"][1]]}
    assert isomorphic(_expand_offline(page), _triples(dataset))


TRICKY = [
    'quote " and triple """ quotes',
    "back\\slash and \\n not a newline",
    "crlf\r\nline",
    "line\u2028separator\u2029paragraph",
    "emoji 🇰🇿 and astral 𝔸",
    "tab\tand trailing space ",
    "«BMJ» – en dash",
]


@pytest.mark.parametrize("fmt", list(Format))
def test_tricky_literals_round_trip_exactly(fmt: Format) -> None:
    ds = Dataset()
    g = ds.graph(URIRef("https://kzar.example/id/article/x"))
    s = URIRef("https://kzar.example/id/person/x")
    for i, text in enumerate(TRICKY):
        g.add((s, URIRef(f"http://schema.org/p{i}"), Literal(text)))
    data = serialize(ds, format=fmt)
    if fmt is Format.JSON_LD:
        back = {str(o) for o in _expand_offline(json.loads(data)).objects()}
    else:
        back = {str(q.object.value) for q in ox.parse(data, format=OX_FORMATS[fmt])}
        rd = Dataset()
        rd.parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert {str(o) for _, _, o, _ in rd.quads()} == set(TRICKY)
    assert back == set(TRICKY)


def test_write_is_atomic_and_keeps_the_old_file_on_failure(
    tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.ttl"
    out.write_bytes(b"previous content\n")

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OutputError, match="No space left on device"):
        write(dataset, out)
    assert out.read_bytes() == b"previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]
    monkeypatch.undo()
    write(dataset, out)
    assert out.read_bytes() == serialize(dataset)


def test_write_guesses_format_from_extension_and_refuses_unknown(tmp_path: Path, dataset: Dataset) -> None:
    write(dataset, tmp_path / "a.jsonld")
    assert json.loads((tmp_path / "a.jsonld").read_text(encoding="utf-8"))["@context"][0] == "https://schema.org"
    with pytest.raises(OutputError, match=r"cannot tell the RDF syntax from the extension '\.txt'"):
        write(dataset, tmp_path / "a.txt")


def test_write_into_missing_or_read_only_directory(
    tmp_path: Path, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write(dataset, tmp_path / "missing" / "a.ttl")
    # Permission bits do not stop root, so refuse the temp file the way a read-only dir would.
    import tempfile

    def read_only(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(OutputError, match=r"cannot write in '.*': Permission denied"):
        write(dataset, tmp_path / "a.ttl")
    assert list(tmp_path.iterdir()) == []


def test_output_onto_an_input_file_is_refused(tmp_path: Path, dataset: Dataset) -> None:
    source = tmp_path / "input.ttl"
    source.write_bytes(b"original")
    with pytest.raises(OutputError, match="refusing to overwrite the input file"):
        write(dataset, source, protect=[source])
    assert source.read_bytes() == b"original"


def test_nothing_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access during build/serialise")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    ds = build_graph(load_article(EXAMPLE))
    for fmt in Format:
        assert serialize(ds, format=fmt)
    assert kzar_ld.__version__


@pytest.mark.parametrize("base", ["https://kzar.example/id/", "https://kzar.example/", "http://data.example.org/kz/"])
@pytest.mark.parametrize("fmt", [Format.TURTLE, Format.TRIG])
def test_only_iris_under_the_base_are_relative(fmt: Format, base: str) -> None:
    import re

    ds = build_graph(load_article(EXAMPLE), base=base)
    text = serialize(ds, format=fmt).decode()
    iris = re.findall(r"<([^>\n]*)>", re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text))
    relative = [i for i in iris if "://" not in i]
    assert relative, "entity IRIs should be relative to the base"
    assert all(not i.startswith(("/", ".", "#", "?")) for i in relative), relative[:5]
    assert "<https://sws.geonames.org/3865483/>" in text
    assert "@prefix kzar: <https://kzar.example/ns#> ." in text
    assert set(_triples(ds)) == set(_triples(_parsed(text, fmt)))


def _parsed(text: str, fmt: Format) -> Dataset:
    ds = Dataset()
    ds.parse(data=text, format=RDFLIB_FORMATS[fmt])
    return ds
