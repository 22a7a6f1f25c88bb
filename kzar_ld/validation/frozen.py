"""A read-only, indexed store holding one graph: what validation reads the data from.

pySHACL asks the data graph for some hundred thousand triple patterns per article. rdflib's
``Memory`` store answers each one with the bookkeeping of the graphs a triple belongs to (a
context string per match), which one standalone graph does not need. :class:`FrozenStore`
keeps one set of triples in three nested-dict indexes (by subject, predicate and object) and
answers a pattern by walking the index of its first bound term: for the data and the shapes,
about a tenth to a fifth less time for a whole validation. It cannot be changed after it is
built, so a graph on it can be shared with the Oxigraph copy that runs the SPARQL constraints
without the two drifting apart.

    >>> from rdflib import URIRef
    >>> a, p, b = URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b")
    >>> graph = frozen_graph([(a, p, b), (a, p, b)], identifier=URIRef("urn:g"))
    >>> len(graph), list(graph.objects(a, p)), (b, p, a) in graph
    (1, [rdflib.term.URIRef('urn:b')], False)
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any

from rdflib import Graph, URIRef
from rdflib.paths import Path
from rdflib.store import Store
from rdflib.term import IdentifiedNode, Node

__all__ = ["FrozenGraph", "FrozenStore", "frozen_graph"]

_Triple = tuple[Node, Node, Node]
_Index = dict[Node, dict[Node, dict[Node, None]]]  # dicts as ordered sets
_NO_CONTEXTS: tuple[Graph, ...] = ()


class FrozenStore(Store):
    """The triples given, deduplicated and indexed; changing them raises ``TypeError``.

    Graph-aware as far as rdflib asks (pySHACL wraps the data graph in a ``Dataset``), but it
    holds one graph: the context of a pattern is ignored.
    """

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, triples: Iterable[_Triple]) -> None:
        super().__init__()
        spo: _Index = {}
        pos: _Index = {}
        osp: _Index = {}
        count = 0
        for s, p, o in triples:
            objects = spo.setdefault(s, {}).setdefault(p, {})
            if o in objects:
                continue
            objects[o] = None
            pos.setdefault(p, {}).setdefault(o, {})[s] = None
            osp.setdefault(o, {}).setdefault(s, {})[p] = None
            count += 1
        self._spo, self._pos, self._osp, self._count = spo, pos, osp, count
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    def __len__(self, context: Any = None) -> int:
        return self._count

    def triples(  # type: ignore[override]
        self, triple_pattern: tuple[Node | None, Node | None, Node | None], context: Any = None
    ) -> Iterator[tuple[_Triple, tuple[Graph, ...]]]:
        for triple in self.match(*triple_pattern):
            yield triple, _NO_CONTEXTS

    def match(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[_Triple]:
        """The triples matching a pattern (``None`` matches anything), in one plain generator."""
        if s is not None:
            by_predicate = self._spo.get(s)
            if not by_predicate:
                return
            if p is not None:
                objects = by_predicate.get(p)
                if not objects:
                    return
                if o is None:
                    for x in objects:
                        yield (s, p, x)
                elif o in objects:
                    yield (s, p, o)
            elif o is not None:
                for x in self._osp.get(o, {}).get(s, ()):
                    yield (s, x, o)
            else:
                for x, objects in by_predicate.items():
                    for y in objects:
                        yield (s, x, y)
        elif p is not None:
            by_object = self._pos.get(p)
            if not by_object:
                return
            if o is not None:
                for x in by_object.get(o, ()):
                    yield (x, p, o)
            else:
                for y, subjects in by_object.items():
                    for x in subjects:
                        yield (x, p, y)
        elif o is not None:
            for x, predicates in self._osp.get(o, {}).items():
                for y in predicates:
                    yield (x, y, o)
        else:
            for x, by_predicate in self._spo.items():
                for y, objects in by_predicate.items():
                    for z in objects:
                        yield (x, y, z)

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from _NO_CONTEXTS

    def add_graph(self, graph: Graph) -> None:
        """Nothing to do: the store is one graph (rdflib's ``Dataset`` calls this on creation)."""

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        """Adding a triple that is there already changes nothing; any other raises ``TypeError``."""
        s, p, o = triple
        if o not in self._spo.get(s, {}).get(p, {}):
            raise TypeError("a FrozenStore cannot be changed")

    def addN(self, quads: Any) -> None:
        raise TypeError("a FrozenStore cannot be changed")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("a FrozenStore cannot be changed")

    def remove_graph(self, graph: Graph) -> None:
        raise TypeError("a FrozenStore cannot be changed")

    # Prefixes are the one thing that may still change: rdflib binds its own on every new graph.
    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        bound_namespace = self._namespaces.get(prefix)
        bound_prefix = self._prefixes.get(namespace)
        if bound_prefix is None and bound_namespace is not None:
            bound_prefix = self._prefixes.get(bound_namespace)
        if override:
            if bound_prefix is not None:
                self._namespaces.pop(bound_prefix, None)
            if bound_namespace is not None:
                self._prefixes.pop(bound_namespace, None)
            self._prefixes[namespace] = prefix
            self._namespaces[prefix] = namespace
        else:
            kept_namespace = namespace if bound_namespace is None else bound_namespace
            kept_prefix = prefix if bound_prefix is None else bound_prefix
            self._prefixes[kept_namespace] = kept_prefix
            self._namespaces[kept_prefix] = kept_namespace

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._namespaces.items()


class FrozenGraph(Graph):
    """A graph that asks a :class:`FrozenStore` for its triples directly (one generator, not three).

    On any other store, it is an ordinary rdflib graph.
    """

    def triples(  # type: ignore[override]
        self, triple: tuple[Node | None, Node | Path | None, Node | None]
    ) -> Iterator[tuple[Node, Node | Path, Node]]:
        store = self.store
        s, p, o = triple
        if isinstance(store, FrozenStore) and not isinstance(p, Path):
            return store.match(s, p, o)
        return super().triples(triple)


def frozen_graph(
    triples: Iterable[_Triple],
    *,
    identifier: IdentifiedNode | str | None = None,
    namespaces: Iterable[tuple[str, URIRef]] = (),
) -> FrozenGraph:
    """A graph on a :class:`FrozenStore` of ``triples``, with ``namespaces`` bound."""
    graph = FrozenGraph(store=FrozenStore(triples), identifier=identifier, bind_namespaces="none")
    for prefix, namespace in namespaces:
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
