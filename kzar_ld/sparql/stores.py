"""Stores that evaluate SPARQL queries: rdflib in memory, or pyoxigraph for a corpus.

Both see the data unchanged (every literal keeps its datatype and lexical form) and give the same
answers; :func:`open_store` picks one (:class:`Engine`).

Example:
    >>> from rdflib import Graph
    >>> open_store(Graph()).engine
    <Engine.RDFLIB: 'rdflib'>
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.term import Identifier, Node

from kzar_ld.errors import InputError, QueryError, RemoteError
from kzar_ld.formats import Engine
from kzar_ld.namespaces import PREFIXES, RDF, XSD
from kzar_ld.sparql.results import QueryResult, Row, Term, Triple, canonical_rows, term_key
from kzar_ld.sparql.safety import (
    ParsedQuery,
    QueryKind,
    algebra_nodes,
    field_of,
)
from kzar_ld.terms import from_oxigraph, to_oxigraph

__all__ = ["Engine", "OxigraphStore", "QueryStore", "RdflibStore", "open_store"]


# ---------------------------------------------------------------------------------------------
# Stores


@runtime_checkable
class QueryStore(Protocol):
    """Something that evaluates checked queries over a set of named graphs.

    Implementations: :class:`RdflibStore` and :class:`OxigraphStore`. ``evaluate`` is called
    after :mod:`kzar_ld.sparql.safety` has accepted the query; ``extra`` holds graphs loaded
    for ``FROM`` clauses the caller allowed; ``cancel`` is set when the caller stops waiting.
    """

    engine: Engine

    def graph_names(self) -> frozenset[str]:
        """The IRIs of the named graphs (the articles), which ``FROM`` may name."""
        ...

    def evaluate(
        self,
        parsed: ParsedQuery,
        *,
        bindings: Mapping[str, Term],
        extra: Mapping[str, Graph],
        cancel: threading.Event,
    ) -> QueryResult:
        """Run the query and return the whole result."""
        ...


def _described_variables(parsed: ParsedQuery) -> list[str]:
    """The variables a DESCRIBE names (all those of its pattern for ``DESCRIBE *``)."""
    named = field_of(parsed.prepared.algebra, "PV") or []
    if named:
        return [str(v) for v in named if isinstance(v, Variable)]
    return sorted(parsed.mentioned)


def _describe_targets(parsed: ParsedQuery, bindings: Mapping[str, Term]) -> set[Term]:
    """The IRIs a DESCRIBE names, and the values given to the variables it names."""
    targets: set[Term] = {t for t in field_of(parsed.prepared.algebra, "PV") or [] if isinstance(t, URIRef)}
    targets.update(bindings[v] for v in _described_variables(parsed) if v in bindings)
    return targets


def _describe(
    lookup: Callable[[Any, Any, Any], Iterable[Any]],
    resources: Iterable[Term],
    cancel: threading.Event,
) -> list[Triple]:
    """The concise bounded description of each resource, for DESCRIBE on either engine.

    As rdflib defines it: the resource's own statements, those of the blank nodes they lead
    to, and the statements about each reification (``rdf:Statement``) of a statement about it,
    which is how derived facts say why they hold.
    """
    found: dict[Triple, None] = {}
    visited: set[Term] = set()
    pending = sorted(resources, key=term_key, reverse=True)
    while pending:
        node = pending.pop()
        if node in visited:
            continue
        visited.add(node)
        _check_cancel(cancel)
        for triple in lookup(node, None, None):
            found[triple] = None
            if isinstance(triple[2], BNode) and triple[2] not in visited:
                pending.append(triple[2])
        for statement, _, _ in list(lookup(None, RDF.subject, node)):
            for triple in lookup(statement, None, None):
                found[triple] = None
    return list(found)


class _View(ConjunctiveGraph):
    """A read-only view of a store with a chosen default graph, for rdflib's engine.

    A private subclass because rdflib warns when a plain ``ConjunctiveGraph`` is made, and its
    SPARQL engine reads ``default_context``, which warns on a ``Dataset``.
    """

    def __init__(self, store: Any, *, default: Identifier, union: bool) -> None:
        super().__init__(store=store)
        self.default_context = Graph(store=store, identifier=default)
        self.default_union = union


def _check_cancel(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise Cancelled


class Cancelled(BaseException):
    """Raised inside a query that the caller stopped waiting for."""


class RdflibStore:
    """rdflib's in-memory SPARQL engine over a ``Dataset`` (the default for one article).

    >>> from kzar_ld import build_graph, load_article
    >>> store = RdflibStore(build_graph(load_article("examples/kazinform-2023-08-24")))
    >>> sorted(store.graph_names())
    ['https://kzar.example/id/article/000_b748ee61ec8ac40c']
    """

    engine = Engine.RDFLIB

    def __init__(self, dataset: Dataset | ConjunctiveGraph) -> None:
        self.dataset = dataset
        if isinstance(dataset, Dataset):
            self._default: Identifier = dataset.default_graph.identifier
        else:
            self._default = dataset.default_context.identifier

    def graph_names(self) -> frozenset[str]:
        """The named graphs' IRIs (blank-node names and the default graph left out)."""
        return frozenset(
            str(g.identifier)
            for g in self.dataset.store.contexts()
            if isinstance(g.identifier, URIRef) and g.identifier != self._default
        )

    def _graph(self, iri: str, extra: Mapping[str, Graph]) -> Graph:
        if iri in extra:
            return extra[iri]
        # A Graph over the shared store reads that context without adding anything to it.
        return Graph(store=self.dataset.store, identifier=URIRef(iri))

    def _view(self, parsed: ParsedQuery, extra: Mapping[str, Graph]) -> _View:
        if not parsed.has_dataset_clause:
            return _View(self.dataset.store, default=self._default, union=True)
        # The query names its own dataset: copy exactly those graphs into a fresh store, so
        # rdflib never looks for (or loads) anything else.
        fresh = Dataset()
        default = URIRef("urn:x-kzar-ld:from")
        target = fresh.graph(default)
        for iri in parsed.from_graphs:
            target += self._graph(iri, extra)
        for iri in parsed.from_named:
            fresh.graph(URIRef(iri)).__iadd__(self._graph(iri, extra))
        return _View(fresh.store, default=default, union=False)

    def evaluate(
        self,
        parsed: ParsedQuery,
        *,
        bindings: Mapping[str, Term],
        extra: Mapping[str, Graph],
        cancel: threading.Event,
    ) -> QueryResult:
        """Evaluate with rdflib; the query's own dataset clause was checked and is honoured here."""
        if parsed.services:
            # rdflib's SERVICE has no timeout, never closes its connection, and silently returns
            # nothing for SERVICE SILENT, a variable or a prefixed name as the endpoint.
            raise QueryError(
                f"SERVICE {parsed.services[0]} is allowed, but only the oxigraph engine runs "
                "SERVICE reliably: add --engine oxigraph",
                source=parsed.source,
            )
        view = self._view(parsed, extra)
        ctx = QueryContext(view, initBindings={Variable(k): v for k, v in bindings.items()})
        ctx.prologue = parsed.prepared.prologue
        if parsed.kind is QueryKind.DESCRIBE:
            targets = _describe_targets(parsed, bindings)
            pattern = field_of(parsed.prepared.algebra, "p")
            if pattern is not None:
                wanted = [Variable(v) for v in _described_variables(parsed)]
                for solution in evalPart(ctx, pattern):
                    _check_cancel(cancel)
                    targets.update(t for v in wanted if (t := solution.get(v)) is not None)
            described = _describe(lambda s, p, o: view.triples((s, p, o)), targets, cancel)
            return QueryResult(kind=parsed.kind, triples=tuple(described))
        answer = evalPart(ctx, parsed.prepared.algebra)
        if parsed.kind is QueryKind.ASK:
            return QueryResult(kind=parsed.kind, boolean=bool(answer["askAnswer"]))
        if parsed.kind.returns_graph:
            triples: list[Triple] = []
            for triple in answer["graph"]:
                _check_cancel(cancel)
                triples.append(triple)
            return QueryResult(kind=parsed.kind, triples=tuple(triples))
        names = [Variable(v) for v in parsed.variables]
        rows: list[Row] = []
        for solution in answer["bindings"]:
            _check_cancel(cancel)
            rows.append(tuple(solution.get(v) for v in names))
        return QueryResult(
            kind=parsed.kind,
            variables=parsed.variables,
            rows=canonical_rows(rows, ordered=parsed.ordered),
        )


_XSD_STRING = str(XSD.string)


class OxigraphStore:
    """pyoxigraph's SPARQL engine over in-memory ``pyoxigraph.Store`` objects.

    Use it for a corpus: build it once with :meth:`from_rdflib` (or :func:`open_store`) and run
    many queries.

    A store made by :meth:`from_rdflib` puts right three things Oxigraph does its own way:

    * its union default graph (and a ``FROM`` of several graphs) repeats a triple once per graph
      that holds it, where SPARQL merges them. The merged union is kept in a store of its own,
      which answers every query that names no graph; since Oxigraph's in-memory store indexes
      single terms, that store is also much faster than one that holds each shared entity's
      statements once per article. Queries with ``GRAPH`` go to the store of named graphs (whose
      default graph is the merged union too), and ``FROM`` to a merged copy of the graphs named;
    * it stores some literals in a canonical form (``"68"^^xsd:nonNegativeInteger`` comes back
      as ``"68"^^xsd:integer``, ``"007"^^xsd:integer`` as ``"7"``). The literals given are
      remembered and put back in results where a value comes straight from the data (a variable
      bound by a triple pattern, or an object in a CONSTRUCT or DESCRIBE). Inside the query
      Oxigraph still sees the canonical form: ``DATATYPE(?start)`` is ``xsd:integer`` there;
    * its DESCRIBE differs from rdflib's; both engines share one definition (:func:`query`).

    A ``pyoxigraph.Store`` passed in as it is gets only the last; its default graph is read as
    the union of its graphs.

    >>> from kzar_ld import build_graph, load_article
    >>> data = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> store = OxigraphStore.from_rdflib(data)
    >>> sorted(store.graph_names())
    ['https://kzar.example/id/article/000_b748ee61ec8ac40c']
    """

    engine = Engine.OXIGRAPH

    def __init__(
        self,
        store: ox.Store,
        *,
        union: ox.Store | None = None,
        originals: _Originals | None = None,
    ) -> None:
        self.store = store
        self._union = union
        self._originals = originals or _Originals({})

    @classmethod
    def from_rdflib(cls, data: Graph) -> OxigraphStore:
        """Copy an rdflib graph or dataset into new in-memory stores.

        One keeps the named graphs, and the merge of all graphs as its default graph; the other
        holds that merge alone.
        """
        typed: dict[tuple[str, Literal], None] = {}
        store = ox.Store()
        store.bulk_extend(_oxigraph_quads(data, typed))
        return cls._merged(store, typed)

    @classmethod
    def from_nquads(cls, chunks: Iterable[bytes]) -> OxigraphStore:
        r"""Load N-Quads documents (each article's, as the pipeline writes them) straight into new stores.

        The same stores as :meth:`from_rdflib` makes, without building rdflib terms for the data.

        >>> quad = b'<http://x.example/a> <http://x.example/b> "1" <http://x.example/g> .\n'
        >>> sorted(OxigraphStore.from_nquads([quad]).graph_names())
        ['http://x.example/g']
        """
        typed: dict[tuple[str, Literal], None] = {}
        store = ox.Store()
        for chunk in chunks:
            quads = list(ox.parse(chunk, format=ox.RdfFormat.N_QUADS))
            for quad in quads:
                value = quad.object
                if isinstance(value, ox.Literal) and not value.language and value.datatype.value != _XSD_STRING:
                    literal = from_oxigraph(value)
                    assert isinstance(literal, Literal)
                    typed[(quad.predicate.value, literal)] = None
            store.bulk_extend(quads)
        return cls._merged(store, typed)

    @classmethod
    def _merged(cls, store: ox.Store, typed: dict[tuple[str, Literal], None]) -> OxigraphStore:
        # The merging is done by Oxigraph: into the default graph, then copied as N-Triples.
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        union = ox.Store()
        merged = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        if merged:
            union.bulk_load(merged, format=ox.RdfFormat.N_TRIPLES)
        return cls(store, union=union, originals=_Originals.build(typed))

    def graph_names(self) -> frozenset[str]:
        """The named graphs' IRIs."""
        return frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def _dataset_for(self, parsed: ParsedQuery, extra: Mapping[str, Graph]) -> tuple[ox.Store, dict[str, Any], bool]:
        """The store to query, how to pick its default and named graphs, and whether its default
        graph must be read as the union of its graphs."""
        if not parsed.has_dataset_clause:
            if self._union is None:
                return self.store, {"use_default_graph_as_union": True}, True
            if not any(n.name == "Graph" for n in algebra_nodes(parsed.prepared.algebra)):
                return self._union, {}, False
            return self.store, {}, False
        # FROM/FROM NAMED: a scratch store whose default graph is the merge of the FROM graphs
        # (loaded ones included) and whose named graphs are the FROM NAMED ones. The explicit
        # dataset overrides the query's clauses, which were checked already.
        scratch = ox.Store()

        def triples(iri: str) -> Iterator[tuple[Any, Any, Any]]:
            if iri in extra:
                for s, p, o in extra[iri]:
                    yield to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)
            else:
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(iri)):
                    yield q.subject, q.predicate, q.object

        for iri in parsed.from_graphs:
            scratch.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in triples(iri))
        for iri in parsed.from_named:
            name = ox.NamedNode(iri)
            scratch.extend(ox.Quad(s, p, o, name) for s, p, o in triples(iri))
        named = [ox.NamedNode(iri) for iri in dict.fromkeys(parsed.from_named)]
        return scratch, {"default_graph": ox.DefaultGraph(), "named_graphs": named}, False

    @staticmethod
    def _lookup(store: ox.Store, *, union: bool) -> Callable[[Any, Any, Any], Iterable[Triple]]:
        """Triples matching a pattern in the default graph (or, ``union``, in any graph once)."""

        def find(s: Any, p: Any, o: Any) -> Iterator[Triple]:
            subject: Any = None if s is None else to_oxigraph(s)
            predicate: Any = None if p is None else to_oxigraph(p)
            value: Any = None if o is None else to_oxigraph(o)
            seen: set[Triple] = set()
            graph = None if union else ox.DefaultGraph()
            for quad in store.quads_for_pattern(subject, predicate, value, graph):
                triple = (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
                if triple not in seen:
                    seen.add(triple)
                    yield triple

        return find

    def evaluate(
        self,
        parsed: ParsedQuery,
        *,
        bindings: Mapping[str, Term],
        extra: Mapping[str, Graph],
        cancel: threading.Event,
    ) -> QueryResult:
        """Evaluate with pyoxigraph; its result iterators are lazy, so cancelling stops them."""
        store, dataset, union = self._dataset_for(parsed, extra)
        try:
            answer = store.query(
                parsed.text,
                prefixes=dict(PREFIXES),
                substitutions={ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()} or None,
                **dataset,
            )
            try:
                lookup = self._lookup(store, union=union)
                return self._collect(answer, parsed, cancel, bindings=bindings, lookup=lookup)
            finally:
                # pyoxigraph's result iterators belong to the thread that made them: drop this
                # one here, not wherever an exception holding this frame is collected.
                del answer
        except SyntaxError as exc:
            raise _oxigraph_syntax_error(exc, parsed) from exc
        except OSError as exc:
            raise RemoteError(
                f"a SERVICE call failed: {first_line(exc)}",
                url=", ".join(parsed.services) or None,
                source=parsed.source,
            ) from exc
        except (RuntimeError, ValueError, TypeError) as exc:
            raise QueryError(f"oxigraph could not run the query: {first_line(exc)}", source=parsed.source) from exc

    def _collect(
        self,
        answer: Any,
        parsed: ParsedQuery,
        cancel: threading.Event,
        *,
        bindings: Mapping[str, Term],
        lookup: Callable[[Any, Any, Any], Iterable[Triple]],
    ) -> QueryResult:
        originals = self._originals
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind=parsed.kind, boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples) and parsed.kind is QueryKind.DESCRIBE:
            # Oxigraph's own description differs from rdflib's (no reifications): take the
            # resources it described and describe them the one way both engines share.
            targets = _describe_targets(parsed, bindings)
            for t in answer:
                _check_cancel(cancel)
                if not isinstance(t.subject, ox.BlankNode):
                    targets.add(from_oxigraph(t.subject))
            described = [(s, p, originals.restore(o, [str(p)])) for s, p, o in _describe(lookup, targets, cancel)]
            return QueryResult(kind=parsed.kind, triples=tuple(described))
        if isinstance(answer, ox.QueryTriples):
            triples: list[Triple] = []
            template = _template_sources(parsed) if originals else {}
            for t in answer:
                _check_cancel(cancel)
                p = from_oxigraph(t.predicate)
                o = from_oxigraph(t.object)
                if template and isinstance(o, Literal):
                    o = originals.restore(o, _template_predicates(template, str(p), o))
                triples.append((from_oxigraph(t.subject), p, o))
            return QueryResult(kind=parsed.kind, triples=tuple(triples))
        sources = _variable_sources(parsed) if originals else {}
        rows: list[Row] = []
        for solution in answer:
            _check_cancel(cancel)
            row = [None if (t := solution[v]) is None else from_oxigraph(t) for v in parsed.variables]
            if sources:
                row = _restore_row(row, parsed.variables, sources, originals)
            rows.append(tuple(row))
        return QueryResult(
            kind=parsed.kind,
            variables=parsed.variables,
            rows=canonical_rows(rows, ordered=parsed.ordered),
        )


@dataclass(frozen=True)
class _Originals:
    """Literals as given, by (predicate, the form Oxigraph stores them in).

    A predicate of ``None`` stands for any predicate.
    """

    index: Mapping[tuple[str | None, Literal], frozenset[Literal]]

    def __bool__(self) -> bool:
        return bool(self.index)

    @classmethod
    def build(cls, typed: Iterable[tuple[str, Literal]]) -> _Originals:
        pairs = list(typed)
        distinct = sorted({lit for _, lit in pairs}, key=lambda lit: (str(lit.datatype), str(lit)))
        if not distinct:
            return cls({})
        # Let Oxigraph itself say what it makes of each literal, rather than guess its rules.
        scratch = ox.Store()
        predicate = ox.NamedNode("urn:x-kzar-ld:value")
        scratch.extend(
            ox.Quad(ox.NamedNode(f"urn:x-kzar-ld:{i}"), predicate, to_oxigraph(lit)) for i, lit in enumerate(distinct)
        )
        stored: dict[Literal, Literal] = {}
        for quad in scratch:
            original = distinct[int(quad.subject.value.rsplit(":", 1)[1])]
            canonical = from_oxigraph(quad.object)
            if isinstance(canonical, Literal) and (canonical != original or str(canonical) != str(original)):
                stored[original] = canonical
        index: dict[tuple[str | None, Literal], set[Literal]] = {}
        for p, lit in pairs:
            found = stored.get(lit)
            if found is not None:
                index.setdefault((p, found), set()).add(lit)
                index.setdefault((None, found), set()).add(lit)
        return cls({k: frozenset(v) for k, v in index.items()})

    def restore(self, term: Term, predicates: Iterable[str | None]) -> Term:
        """The literal as given, if ``term`` is the stored form of exactly one of them."""
        if not isinstance(term, Literal) or term.datatype is None or not self.index:
            return term
        found: set[Literal] = set()
        for p in predicates:
            found |= self.index.get((p, term), frozenset())
        if len(found) == 1:
            return next(iter(found))
        return term


# A variable's values come from the objects of triple patterns with these predicates: an IRI,
# ("var", name) for a predicate variable, or None for a path or an unknown predicate.
_Source = str | tuple[str, str] | None


def _variable_sources(parsed: ParsedQuery) -> dict[str, set[_Source]]:
    """For each variable whose values come straight from the data, where they come from.

    Variables that any part of the query computes (BIND, aggregates other than SAMPLE/MIN/MAX,
    VALUES) are left out: their values are not the data's literals.
    """
    sources: dict[str, set[_Source]] = {}
    computed: set[str] = set()
    copies: list[tuple[str, str]] = []  # (to, from)
    aggregates: dict[str, tuple[str, str | None]] = {}
    for node in algebra_nodes(parsed.prepared.algebra):
        if node.name == "BGP":
            for _, p, o in field_of(node, "triples") or ():
                if isinstance(o, Variable):
                    source: _Source = None  # a property path: any predicate
                    if isinstance(p, URIRef):
                        source = str(p)
                    elif isinstance(p, Variable):
                        source = ("var", str(p))
                    sources.setdefault(str(o), set()).add(source)
        elif node.name.startswith("Aggregate_"):
            res, over = field_of(node, "res"), field_of(node, "vars")
            if isinstance(res, Variable):
                kind = node.name[len("Aggregate_") :]
                inherited = str(over) if kind in ("Sample", "Min", "Max") and isinstance(over, Variable) else None
                aggregates[str(res)] = (kind, inherited)
        elif node.name == "Extend":
            var, expr = field_of(node, "var"), field_of(node, "expr")
            if isinstance(expr, Variable):
                copies.append((str(var), str(expr)))
            else:
                computed.add(str(var))
        elif node.name == "values":
            for row in field_of(node, "res") or ():
                computed.update(str(v) for v in row)
    for var, (_, inherited) in aggregates.items():
        if inherited is None:
            computed.add(var)
        else:
            copies.append((var, inherited))
    changed = True
    while changed:
        changed = False
        for to, frm in copies:
            if frm in computed and to not in computed:
                computed.add(to)
                changed = True
            before = len(sources.get(to, ()))
            merged = sources.setdefault(to, set()) | sources.get(frm, set())
            if len(merged) != before:
                sources[to] = merged
                changed = True
    return {v: found for v, found in sources.items() if v not in computed}


def _restore_row(
    row: list[Term | None],
    variables: tuple[str, ...],
    sources: Mapping[str, set[_Source]],
    originals: _Originals,
) -> list[Term | None]:
    position = {v: i for i, v in enumerate(variables)}
    out = list(row)
    for i, (name, term) in enumerate(zip(variables, row, strict=True)):
        if not isinstance(term, Literal) or name not in sources:
            continue
        predicates: list[str | None] = []
        for source in sources[name]:
            if isinstance(source, tuple):
                bound = row[position[source[1]]] if source[1] in position else None
                predicates.append(str(bound) if isinstance(bound, URIRef) else None)
            else:
                predicates.append(source)
        out[i] = originals.restore(term, predicates)
    return out


def _template_sources(parsed: ParsedQuery) -> dict[str | None, list[object]]:
    """CONSTRUCT: for each template predicate (None: a variable), where its objects come from.

    Each entry is a set of :data:`_Source` (a variable's sources), the marker ``"?p"`` for a
    template ``?s ?p ?o`` whose object and predicate come from the same data triple pattern, or a
    constant literal written in the template.
    """
    sources = _variable_sources(parsed)
    out: dict[str | None, list[object]] = {}
    template = field_of(parsed.prepared.algebra, "template")
    if not template:  # CONSTRUCT WHERE { ... }: the pattern is the template
        template = [
            t for n in algebra_nodes(parsed.prepared.algebra) if n.name == "BGP" for t in field_of(n, "triples") or ()
        ]
    for _, p, o in template:
        key = str(p) if isinstance(p, URIRef) else None
        if isinstance(o, Variable):
            found = set(sources.get(str(o), {None}))
            if isinstance(p, Variable) and ("var", str(p)) in found:
                found.discard(("var", str(p)))
                found.add("?p")
            out.setdefault(key, []).append(found)
        elif isinstance(o, Literal):
            out.setdefault(key, []).append(o)
    return out


def _template_predicates(
    template: Mapping[str | None, list[object]], predicate: str, value: Literal
) -> list[str | None]:
    """The data predicates a CONSTRUCT output literal may have come from (none: leave it)."""
    found: list[str | None] = []
    for entry in (*template.get(predicate, ()), *template.get(None, ())):
        if isinstance(entry, Literal):
            if entry == value or str(entry) == str(value):
                return []  # the value may have been written in the query itself
            continue
        for source in entry:
            if source == "?p":
                found.append(predicate)
            elif isinstance(source, tuple):
                found.append(None)
            else:
                found.append(source)
    return found


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _oxigraph_syntax_error(exc: SyntaxError, parsed: ParsedQuery) -> QueryError:
    # pyoxigraph says "error at LINE:COLUMN: message"; rdflib accepted the query, so this is a
    # rule rdflib does not check (e.g. BIND to a variable already in scope).
    message = first_line(exc)
    found = re.match(r"error at (\d+):(\d+): (.*)", message)
    if found:
        return QueryError(
            f"the query is not valid SPARQL: {found.group(3)}",
            source=parsed.source,
            line=int(found.group(1)),
            column=int(found.group(2)),
        )
    return QueryError(f"the query is not valid SPARQL: {message}", source=parsed.source)


def _oxigraph_quads(data: Graph, typed: dict[tuple[str, Literal], None]) -> Iterator[ox.Quad]:
    """Quads for pyoxigraph; every (predicate, typed literal) met is noted in ``typed``."""
    cache: dict[Node, Any] = {}
    string = XSD.string
    default = ox.DefaultGraph()
    names: dict[Node | None, Any] = {}
    if isinstance(data, ConjunctiveGraph):
        unnamed = {
            data.default_graph.identifier if isinstance(data, Dataset) else data.default_context.identifier,
            DATASET_DEFAULT_GRAPH_ID,
            None,
        }
        # One pass over all quads: iterating graph by graph costs rdflib time in the number of graphs.
        statements: Iterable[tuple[Node, Node, Node, Any]] = data.quads((None, None, None, None))
    else:
        names[None] = to_oxigraph(data.identifier) if isinstance(data.identifier, URIRef) else default
        unnamed = set()
        statements = ((s, p, o, None) for s, p, o in data)
    for s, p, o, g in statements:
        key = getattr(g, "identifier", g)
        graph_name: Any = names.get(key)
        if graph_name is None:
            graph_name = names[key] = default if key in unnamed else to_oxigraph(key)
        if type(o) is Literal and o.datatype is not None and o.datatype != string:
            typed[(str(p), o)] = None
        # Inlined lookups: this loop runs once per statement of the corpus.
        a: Any = cache.get(s)
        if a is None:
            a = cache[s] = to_oxigraph(s)
        b: Any = cache.get(p)
        if b is None:
            b = cache[p] = to_oxigraph(p)
        c = cache.get(o)
        if c is None:
            c = cache[o] = to_oxigraph(o)
        yield ox.Quad(a, b, c, graph_name)


def _rdflib_dataset(data: Graph | ox.Store) -> Dataset | ConjunctiveGraph:
    if isinstance(data, ox.Store):
        dataset = Dataset()
        for quad in data:
            g = quad.graph_name
            target = dataset.default_graph if isinstance(g, ox.DefaultGraph) else dataset.graph(from_oxigraph(g))
            target.add(
                (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
            )
        return dataset
    if isinstance(data, ConjunctiveGraph):
        return data
    # A lone graph becomes the one named graph of a dataset (its name, if it has an IRI).
    dataset = Dataset()
    target = dataset.graph(data.identifier) if isinstance(data.identifier, URIRef) else dataset.default_graph
    for triple in data:
        target.add(triple)
    return dataset


def open_store(data: Graph | ox.Store | QueryStore, *, engine: Engine | None = None) -> QueryStore:
    """Wrap data in the store that will evaluate queries over it.

    ``data`` is an rdflib ``Graph``/``Dataset``, a ``pyoxigraph.Store`` or a store already.
    ``engine`` picks the engine; ``None`` keeps the data where it is (rdflib for rdflib data,
    oxigraph for a pyoxigraph store). Converting copies the data once: for many queries over a
    corpus, open the store once and pass it to :func:`query` each time.

    >>> from kzar_ld import build_graph, load_article
    >>> data = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> open_store(data, engine=Engine.OXIGRAPH).engine
    <Engine.OXIGRAPH: 'oxigraph'>
    """
    chosen = Engine(engine) if engine is not None else None
    if isinstance(data, RdflibStore | OxigraphStore) or (
        isinstance(data, QueryStore) and not isinstance(data, Graph | ox.Store)
    ):
        if chosen is not None and data.engine is not chosen:
            raise InputError(
                f"this store runs queries with {data.engine.value}, not {chosen.value}; open a new store from the data"
            )
        return data
    if isinstance(data, ox.Store):
        if chosen is Engine.RDFLIB:
            return RdflibStore(_rdflib_dataset(data))
        return OxigraphStore(data)
    if isinstance(data, Graph):
        if chosen is Engine.OXIGRAPH:
            return OxigraphStore.from_rdflib(data)
        return RdflibStore(_rdflib_dataset(data))
    raise InputError(f"cannot query a {type(data).__name__}: give an rdflib Graph or Dataset or a pyoxigraph Store")
