"""The read-only store validation runs on answers every triple pattern as rdflib's own store does."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kzar_ld import build_graph, load_article
from kzar_ld.namespaces import RDF, SCHEMA
from kzar_ld.validation.frozen import FrozenStore, frozen_graph

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kazinform-2023-08-24"


@pytest.fixture(scope="module")
def pair() -> tuple[Graph, Graph]:
    dataset = build_graph(load_article(EXAMPLE))
    [named] = [g for g in dataset.graphs() if len(g)]
    plain = Graph()
    plain += named
    return plain, frozen_graph(plain, identifier=plain.identifier, namespaces=plain.namespaces())


def test_every_pattern_matches_what_rdflib_matches(pair: tuple[Graph, Graph]) -> None:
    plain, frozen = pair
    assert len(frozen) == len(plain) > 1000
    samples = sorted(plain, key=str)[::97]  # terms in every position, from all over the graph
    absent = URIRef("urn:absent")
    for s, p, o in [*samples, (absent, absent, absent)]:
        for keep in itertools.product((True, False), repeat=3):
            pattern = tuple(term if kept else None for term, kept in zip((s, p, o), keep, strict=True))
            assert set(frozen.triples(pattern)) == set(plain.triples(pattern)), pattern  # type: ignore[arg-type]


def test_duplicates_count_once_and_order_follows_the_input() -> None:
    a, b = URIRef("urn:a"), URIRef("urn:b")
    graph = frozen_graph([(a, RDF.type, b), (a, SCHEMA.name, Literal("A")), (a, RDF.type, b)])
    assert len(graph) == 2
    assert list(graph.predicates(a, None)) == [RDF.type, SCHEMA.name]


def test_it_cannot_be_changed_except_by_adding_what_it_holds() -> None:
    a, b = URIRef("urn:a"), URIRef("urn:b")
    graph = frozen_graph([(a, RDF.type, b)])
    graph.add((a, RDF.type, b))  # pySHACL re-adds its system triples to a shapes graph
    with pytest.raises(TypeError, match="cannot be changed"):
        graph.add((b, RDF.type, a))
    with pytest.raises(TypeError, match="cannot be changed"):
        graph.remove((a, RDF.type, b))
    with pytest.raises(TypeError, match="cannot be changed"):
        graph.addN([(b, RDF.type, a, graph)])
    assert len(graph) == 1


def test_prefixes_bind_like_rdflib() -> None:
    store = FrozenStore([])
    store.bind("ex", URIRef("urn:one:"))
    store.bind("ex", URIRef("urn:two:"))  # override: the prefix moves to the new namespace
    assert store.namespace("ex") == URIRef("urn:two:") and store.prefix(URIRef("urn:one:")) is None
    store.bind("other", URIRef("urn:two:"), override=False)  # kept: the namespace has a prefix
    assert store.prefix(URIRef("urn:two:")) == "ex"
    assert dict(store.namespaces()) == {"ex": URIRef("urn:two:")}
