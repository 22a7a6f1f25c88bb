"""The offline vocabulary: class hierarchy, domains and ranges of schema.org, FOAF, OA and kzar.

kzar_ld ships the parts of schema.org 30.0 (http namespace), FOAF 0.99 and W3C Web Annotation
that validation needs, plus its own ``kzar.ttl`` (all in the ``ontologies`` resource folder,
derived by ``scripts/derive_vocab.py``). They are loaded once, on first use, into lookups: the
superclass closure of every class and the domains and ranges of every schema.org property. With
these, two jobs take one pass over a graph each:

* :func:`with_inferred_types` adds the superclasses of every asserted type (what RDFS inference
  would add for the class hierarchy, at a fraction of its cost), so shapes that target
  ``schema:Event`` also see a ``kzar:WorkingVisit``;
* :func:`check_schema_usage` reports terms that do not exist and ``schema:`` properties used
  outside their ``domainIncludes`` or with a value outside their ``rangeIncludes``.

FOAF's equivalences are honoured (``foaf:Person`` = ``schema:Person``, ``foaf:Document`` =
``schema:CreativeWork``, ``foaf:Image`` = ``schema:ImageObject``), as FOAF 0.99 declares them.

Example:
    >>> from rdflib import Graph
    >>> graph = Graph().parse(format="turtle", data='''
    ...     @prefix schema: <http://schema.org/> .
    ...     <https://kzar.example/id/person/ann> a schema:Person ; schema:headline "Hello" .
    ... ''')
    >>> [problem.message for problem in check_schema_usage(graph)]  # doctest: +NORMALIZE_WHITESPACE
    ['<https://kzar.example/id/person/ann> uses schema:headline, but it is a schema:Person and
      schema.org 30.0 allows schema:headline only on schema:CreativeWork; move the value to a
      node of that type, or type this node accordingly']
    >>> SCHEMA.Event in superclasses(KZAR.WorkingVisit)
    True
"""

from __future__ import annotations

import difflib
import enum
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph
from rdflib.term import Node

from kzar_ld.namespaces import FOAF, KZAR, OA, OWL, PREFIXES, RDF, RDFS, SCHEMA, XSD
from kzar_ld.resources import read_text

__all__ = [
    "VocabProblem",
    "VocabProblemKind",
    "check_schema_usage",
    "check_triples",
    "inferred_types",
    "is_known_term",
    "is_pending",
    "superclasses",
    "with_inferred_types",
]

#: The shipped vocabulary files, in the ``ontologies`` resource folder.
_FILES = ("schemaorg.ttl", "foaf.ttl", "oa.ttl", "kzar.ttl")

#: schema.org marks terms that are not yet core with this ``schema:isPartOf`` value.
_PENDING = URIRef("http://pending.schema.org")

#: The namespaces whose terms must exist (the shipped vocabularies).
_CHECKED = (str(SCHEMA), str(FOAF), str(OA), str(KZAR))

#: schema.org served over https: a different namespace for RDF, although the same vocabulary.
_HTTPS_SCHEMA = "https://schema.org/"

# Hoisted: a closed namespace's attribute lookup is a Python call, too slow for a per-triple loop.
_TYPE: URIRef = RDF.type
_ROLE: URIRef = SCHEMA.Role
_THING: URIRef = SCHEMA.Thing
_URL: URIRef = SCHEMA.URL
_SCHEMA_NS = str(SCHEMA)

_CLASS_TYPES = frozenset({RDFS.Class, OWL.Class})
_PROPERTY_TYPES = frozenset({RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty})

#: Every XML Schema datatype derived from xsd:integer (a triple store may canonicalise them all).
INTEGER_TYPES = (
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.nonPositiveInteger,
    XSD.negativeInteger,
    XSD.long,
    XSD.int,
    XSD.short,
    XSD.byte,
    XSD.unsignedLong,
    XSD.unsignedInt,
    XSD.unsignedShort,
    XSD.unsignedByte,
)
_STRING_TYPES = (
    XSD.string,
    RDF.langString,
    XSD.normalizedString,
    XSD.token,
    XSD.language,
    XSD.Name,
    XSD.NCName,
    XSD.NMTOKEN,
)

#: The schema.org data type each literal datatype is an instance of (superclasses follow from
#: the hierarchy: an xsd:integer is a schema:Integer, hence a schema:Number).
_LITERAL_CLASSES: Mapping[URIRef, URIRef] = {
    **dict.fromkeys(_STRING_TYPES, SCHEMA.Text),
    **dict.fromkeys(INTEGER_TYPES, SCHEMA.Integer),
    XSD.anyURI: SCHEMA.URL,
    XSD.duration: SCHEMA.Duration,
    XSD.date: SCHEMA.Date,
    XSD.dateTime: SCHEMA.DateTime,
    XSD.dateTimeStamp: SCHEMA.DateTime,
    XSD.time: SCHEMA.Time,
    XSD.boolean: SCHEMA.Boolean,
    XSD.decimal: SCHEMA.Number,
    XSD.double: SCHEMA.Float,
    XSD.float: SCHEMA.Float,
}

#: How to write a value of each schema.org data type, for messages.
_DATATYPE_HINTS: Mapping[URIRef, str] = {
    SCHEMA.Text: "a string",
    SCHEMA.URL: "an IRI",
    SCHEMA.Date: "xsd:date, e.g. 2023-08-24",
    SCHEMA.DateTime: "xsd:dateTime, e.g. 2023-08-24T10:00:00Z",
    SCHEMA.Time: "xsd:time",
    SCHEMA.Boolean: "xsd:boolean",
    SCHEMA.Number: "a number",
    SCHEMA.Integer: "xsd:integer",
    SCHEMA.Float: "xsd:double",
    SCHEMA.Duration: "an ISO 8601 duration, e.g. PT1H30M",
}


class VocabProblemKind(enum.Enum):
    """What is wrong with a use of a vocabulary term."""

    UNKNOWN_CLASS = "unknown-class"
    UNKNOWN_PROPERTY = "unknown-property"
    DOMAIN = "domain"
    RANGE = "range"


@dataclass(frozen=True)
class VocabProblem:
    """One illegal use of a vocabulary term, with a one-line message for an editor.

    ``object`` is the offending value for ``RANGE`` and ``UNKNOWN_CLASS`` (the class), and
    ``None`` for ``DOMAIN`` and ``UNKNOWN_PROPERTY``, which concern the property on that node
    whatever its values.

    >>> VocabProblem(URIRef("urn:x"), SCHEMA.name, None, VocabProblemKind.DOMAIN, "...").kind.value
    'domain'
    """

    subject: Node
    predicate: URIRef
    object: Node | None
    kind: VocabProblemKind
    message: str


@dataclass(frozen=True)
class _Vocabulary:
    """The shipped vocabularies as lookups, built once."""

    classes: frozenset[URIRef]
    properties: frozenset[URIRef]
    individuals: Mapping[URIRef, frozenset[URIRef]]
    closure: Mapping[URIRef, frozenset[URIRef]]
    domains: Mapping[URIRef, frozenset[URIRef]]
    ranges: Mapping[URIRef, frozenset[URIRef]]
    pending: frozenset[URIRef]
    datatypes: frozenset[URIRef]
    #: For each checked namespace, the vocabulary's name and release ("schema.org 30.0"), as
    #: its file declares them; messages use it.
    names: Mapping[str, str]
    #: For each literal datatype, the schema.org classes its literals fit.
    literal_fits: Mapping[URIRef, frozenset[URIRef]]

    def supers(self, cls: URIRef) -> frozenset[URIRef]:
        return self.closure.get(cls) or frozenset((cls,))

    def is_known(self, term: URIRef) -> bool:
        return term in self.classes or term in self.properties or term in self.individuals

    def vocabulary_of(self, term: URIRef) -> str | None:
        """The name of the checked vocabulary ``term`` belongs to, if any."""
        iri = str(term)
        if iri.startswith(_HTTPS_SCHEMA):
            return _HTTPS_SCHEMA
        for namespace in _CHECKED:
            if iri.startswith(namespace):
                return self.names[namespace]
        return None

    @property
    def schemaorg(self) -> str:
        return self.names[str(SCHEMA)]


@cache
def _vocabulary() -> _Vocabulary:
    # ~14,000 triples: the loop compares plain strings and makes each IRI's URIRef once.
    iri = functools.cache(URIRef)

    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    edges: dict[URIRef, set[URIRef]] = defaultdict(set)
    domains: dict[URIRef, set[URIRef]] = defaultdict(set)
    ranges: dict[URIRef, set[URIRef]] = defaultdict(set)
    pending: set[URIRef] = set()
    about: dict[str, dict[str, str]] = defaultdict(dict)
    rdf_type, subclass_of, equivalent = str(RDF.type), str(RDFS.subClassOf), str(OWL.equivalentClass)
    domain_includes, range_includes = str(SCHEMA.domainIncludes), str(SCHEMA.rangeIncludes)
    part_of, pending_iri = str(SCHEMA.isPartOf), str(_PENDING)
    described = (str(RDFS.label), str(OWL.versionInfo))
    named, literal = ox.NamedNode, ox.Literal
    for triple in _shipped_triples():
        subject_node, obj = triple.subject, triple.object
        if type(subject_node) is not named:
            continue
        predicate = triple.predicate.value
        if type(obj) is literal:
            if predicate in described:
                about[subject_node.value][predicate] = obj.value
            continue
        if type(obj) is not named:
            continue
        subject, value = subject_node.value, obj.value
        if predicate == rdf_type:
            types[iri(subject)].add(iri(value))
        elif predicate == subclass_of:
            edges[iri(subject)].add(iri(value))
        elif predicate == equivalent:
            # Equivalence is a subclass link both ways.
            edges[iri(subject)].add(iri(value))
            edges[iri(value)].add(iri(subject))
        elif predicate == domain_includes and subject.startswith(_SCHEMA_NS):
            domains[iri(subject)].add(iri(value))
        elif predicate == range_includes and subject.startswith(_SCHEMA_NS):
            ranges[iri(subject)].add(iri(value))
        elif predicate == part_of and value == pending_iri:
            pending.add(iri(subject))

    classes = {term for term, kinds in types.items() if kinds & _CLASS_TYPES}
    properties = {term for term, kinds in types.items() if kinds & _PROPERTY_TYPES}
    ontology_type = OWL.Ontology
    individuals = {
        term: frozenset(kinds)
        for term, kinds in types.items()
        if term not in classes and term not in properties and ontology_type not in kinds
    }
    closure = _closure(classes | set(edges), edges)
    data_type, quantity = SCHEMA.DataType, SCHEMA.Quantity
    datatype_roots = {cls for cls in classes if data_type in types[cls]}
    datatypes = {cls for cls in classes if closure[cls] & datatype_roots}
    # schema.org writes quantities as strings ("3 kg", "PT1H"), so a string fits them too.
    quantities = {cls for cls in classes if quantity in closure[cls]}
    literal_fits: dict[URIRef, frozenset[URIRef]] = {}
    for datatype, cls in _LITERAL_CLASSES.items():
        fits = set(closure.get(cls, {cls}))
        if cls == SCHEMA.Text:
            fits |= quantities
        literal_fits[datatype] = frozenset(fits)
    ontologies = [term for term, kinds in types.items() if ontology_type in kinds]
    names: dict[str, str] = {}
    for namespace in _CHECKED:
        # kzar's ontology IRI is its namespace without the '#'.
        ontology = max((o for o in ontologies if namespace.startswith(o)), key=len)
        facts = about[str(ontology)]
        names[namespace] = f"{facts[str(RDFS.label)]} {facts[str(OWL.versionInfo)]}"
    return _Vocabulary(
        classes=frozenset(classes),
        properties=frozenset(properties),
        individuals=individuals,
        closure=closure,
        domains={p: frozenset(c) for p, c in domains.items()},
        ranges={p: frozenset(c) for p, c in ranges.items()},
        pending=frozenset(pending),
        datatypes=frozenset(datatypes),
        names=names,
        literal_fits=literal_fits,
    )


def _shipped_triples() -> Iterator[ox.Triple]:
    for name in _FILES:
        data = read_text("ontologies", name).encode("utf-8")
        for quad in ox.parse(data, format=ox.RdfFormat.TURTLE):
            yield quad.triple


def _closure(nodes: Iterable[URIRef], edges: Mapping[URIRef, set[URIRef]]) -> dict[URIRef, frozenset[URIRef]]:
    # Reflexive-transitive closure by a walk from each class; the hierarchy has ~1,100 classes
    # and is shallow, so this is a few milliseconds and handles equivalence cycles for free.
    result: dict[URIRef, frozenset[URIRef]] = {}
    for start in nodes:
        seen = {start}
        stack = [start]
        while stack:
            for parent in edges.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        result[start] = frozenset(seen)
    return result


def superclasses(cls: URIRef) -> frozenset[URIRef]:
    """The classes ``cls`` belongs to: itself and every superclass, equivalences included.

    An unknown class has only itself.

    >>> sorted(c.n3() for c in superclasses(KZAR.WorkingVisit))  # doctest: +NORMALIZE_WHITESPACE
    ['<http://schema.org/Event>', '<http://schema.org/Thing>',
     '<https://kzar.example/ns#DiplomaticVisit>', '<https://kzar.example/ns#WorkingVisit>']
    >>> FOAF.Person in superclasses(SCHEMA.Person)
    True
    >>> superclasses(URIRef("http://other.example/Unknown")) == {URIRef("http://other.example/Unknown")}
    True
    """
    return _vocabulary().supers(URIRef(cls))


def is_known_term(iri: URIRef | str) -> bool:
    """Whether ``iri`` is a class, property or named individual of a shipped vocabulary.

    >>> is_known_term(SCHEMA.NewsArticle), is_known_term("http://schema.org/nmae")
    (True, False)
    >>> is_known_term(KZAR.heldOn), is_known_term(OA.identifying)
    (True, True)
    """
    return _vocabulary().is_known(URIRef(iri))


def is_pending(iri: URIRef | str) -> bool:
    """Whether ``iri`` is a *pending* schema.org term (valid, but not yet part of the core).

    >>> is_pending(SCHEMA.NewsMediaOrganization), is_pending(SCHEMA.Organization)
    (True, False)
    """
    return URIRef(iri) in _vocabulary().pending


def with_inferred_types(graph: Graph) -> Graph:
    """Return a new graph: ``graph`` plus ``rdf:type`` for every superclass of every asserted type.

    The schema.org, FOAF, Web Annotation and kzar hierarchies are used, with FOAF's
    equivalences; unknown classes add nothing. The closure is computed once per process, so
    the cost is linear in the size of the graph. A :class:`~rdflib.Dataset` gives a new
    Dataset, each inferred triple in the named graph of the type it comes from. The input is
    not changed.

    >>> from rdflib import Graph
    >>> visit = URIRef("https://kzar.example/id/event/v")
    >>> graph = Graph()
    >>> _ = graph.add((visit, RDF.type, KZAR.WorkingVisit))
    >>> sorted(str(t) for t in with_inferred_types(graph).objects(visit, RDF.type))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['http://schema.org/Event', 'http://schema.org/Thing',
     'https://kzar.example/ns#DiplomaticVisit', 'https://kzar.example/ns#WorkingVisit']
    >>> len(graph)
    1
    """
    vocab = _vocabulary()
    if isinstance(graph, ConjunctiveGraph):
        dataset = Dataset()
        _copy_bindings(graph, dataset)
        targets: dict[Node, Graph] = {}
        for s, p, o, context in graph.quads((None, None, None, None)):
            key = context.identifier if isinstance(context, Graph) else context
            if key is None:  # rdflib yields None for no graph; that is the default graph
                key = DATASET_DEFAULT_GRAPH_ID
            target = targets.get(key)
            if target is None:
                target = targets[key] = dataset.graph(key)
            target.add((s, p, o))
            if p == _TYPE and isinstance(o, URIRef):
                for cls in vocab.supers(o):
                    target.add((s, _TYPE, cls))
        return dataset
    result = Graph(identifier=graph.identifier)
    _copy_bindings(graph, result)
    result += graph
    result.addN((s, p, o, result) for s, p, o in inferred_types(list(graph)))
    return result


def inferred_types(triples: Iterable[_Triple]) -> Iterator[_Triple]:
    """The ``rdf:type`` triples that :func:`with_inferred_types` adds to ``triples`` (a graph).

    They include the asserted types themselves; a set of triples absorbs those.

    >>> place = URIRef("https://kzar.example/id/place/kz")
    >>> sorted(o.n3() for _, _, o in inferred_types([(place, RDF.type, SCHEMA.Country)]))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['<http://schema.org/AdministrativeArea>', '<http://schema.org/Country>',
     '<http://schema.org/Place>', '<http://schema.org/Thing>']
    """
    vocab = _vocabulary()
    for s, p, o in triples:
        if p == _TYPE and isinstance(o, URIRef):
            for cls in vocab.supers(o):
                yield s, _TYPE, cls


def _copy_bindings(source: Graph, target: Graph) -> None:
    for prefix, namespace in source.namespaces():
        target.bind(prefix, namespace, override=True, replace=True)


def check_schema_usage(graph: Graph) -> list[VocabProblem]:
    """Check every vocabulary term the graph uses, and every ``schema:`` property use.

    * Every class (``rdf:type`` value) and property in the schema.org, FOAF, Web Annotation and
      kzar namespaces must exist (``https://schema.org/`` terms are reported too: kzar_ld reads
      schema.org in ``http://schema.org/``, the namespace of its official JSON-LD context).
    * A ``schema:`` property's subject must be of a class (or subclass) in its
      ``domainIncludes``, and its value must fit its ``rangeIncludes``: a node of such a class,
      or a literal of a matching datatype (``schema:Text`` takes ``xsd:string`` and language
      strings, ``schema:Date`` ``xsd:date``, ``schema:Number`` any numeric type, ``schema:URL``
      an IRI...). kzar classes count as their schema.org superclasses.
    * The schema.org Role pattern is allowed: a value that is a ``schema:Role`` is legal if the
      role carries the same property to a value that fits, and the role's own use of the
      property is judged by the node that links to the role.

    Nodes without a type, or with a misspelled one, are not judged on domain or range (their
    class is unknown; the misspelling is reported once). Properties of other vocabularies are
    not checked. The cost is linear in the size of the graph; problems come back sorted.

    >>> from rdflib import Graph
    >>> graph = Graph().parse(format="turtle", data='''
    ...     @prefix schema: <http://schema.org/> .
    ...     <https://kzar.example/id/person/ann> a schema:Person ; schema:nmae "Ann" .
    ... ''')
    >>> [(p.kind.name, p.predicate.n3()) for p in check_schema_usage(graph)]
    [('UNKNOWN_PROPERTY', '<http://schema.org/nmae>')]
    """
    return check_triples(_triples(graph))


def check_triples(triples: Iterable[_Triple]) -> list[VocabProblem]:
    """:func:`check_schema_usage` of the triples of one graph, given as triples.

    >>> check_triples([(URIRef("https://kzar.example/id/x"), RDF.type, URIRef("http://schema.org/Persn"))])[0].kind.name
    'UNKNOWN_CLASS'
    """
    return _Checker(_vocabulary(), set(triples)).run()


_Triple = tuple[Node, Node, Node]


def _triples(graph: Graph) -> set[_Triple]:
    # rdflib datasets answer triple patterns only for their default graph (and warn); the check
    # is about the union of all named graphs, where a triple may occur more than once.
    if isinstance(graph, ConjunctiveGraph):
        return {(s, p, o) for s, p, o, _ in graph.quads((None, None, None, None))}
    return set(graph)


class _Use(enum.Enum):
    """What the check does with a predicate."""

    TYPE = "rdf:type: the class must exist"
    IGNORED = "a vocabulary that is not checked"
    UNKNOWN = "a checked vocabulary, but no such property"
    KNOWN = "exists; its domain and range are not checked"
    SCHEMA = "a schema.org property: domain and range are checked"


class _Checker:
    """One run of :func:`check_schema_usage` over one graph."""

    def __init__(self, vocab: _Vocabulary, triples: set[_Triple]) -> None:
        self.vocab = vocab
        self.triples = triples
        self.types: dict[Node, set[URIRef]] = defaultdict(set)
        for s, p, o in triples:
            if p == _TYPE and isinstance(o, URIRef):
                self.types[s].add(o)
        self._classes: dict[Node, frozenset[URIRef] | None] = {}
        self.roles = {node for node in self.types if _ROLE in (self._classes_of(node) or ())}
        # The Role pattern needs the links into and out of role nodes; plain dicts built in one
        # pass cost far less than an indexed rdflib graph.
        self.role_values: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        self.role_holders: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
        if self.roles:
            for s, p, o in triples:
                if s in self.roles:
                    self.role_values[s, p].append(o)
                if o in self.roles:
                    self.role_holders[p, o].append(s)
        # Verdicts on each distinct class and property, so that each is looked up once.
        self._class_ok: dict[URIRef, bool] = {}
        self._uses: dict[URIRef, _Use] = {}
        self.problems: dict[tuple[Node, URIRef, Node | None, VocabProblemKind], str] = {}

    def run(self) -> list[VocabProblem]:
        for s, p, o in self.triples:
            if not isinstance(p, URIRef):  # a generalised RDF graph may have one; not ours
                continue
            use = self._uses.get(p)
            if use is None:
                use = self._uses[p] = self._use_of(p)
            if use is _Use.TYPE:
                if isinstance(o, URIRef) and not self._class_ok.get(o, False):
                    self._class_ok[o] = self._check_class(s, o)
            elif use is _Use.UNKNOWN:
                self._check_property(s, p)
            elif use is _Use.SCHEMA:
                self._check_domain(s, p)
                self._check_range(s, p, o)
        return [
            VocabProblem(subject, predicate, obj, kind, message)
            for (subject, predicate, obj, kind), message in sorted(
                self.problems.items(),
                key=lambda item: (
                    str(item[0][0]),
                    str(item[0][1]),
                    str(item[0][2] or ""),
                    item[0][3].value,
                ),
            )
        ]

    def _report(self, kind: VocabProblemKind, s: Node, p: URIRef, o: Node | None, message: str) -> None:
        self.problems.setdefault((s, p, o, kind), message)

    # existence -------------------------------------------------------------------------------

    def _use_of(self, p: URIRef) -> _Use:
        if p == _TYPE:
            return _Use.TYPE
        if self.vocab.vocabulary_of(p) is None:
            return _Use.IGNORED
        if p not in self.vocab.properties or str(p).startswith(_HTTPS_SCHEMA):
            return _Use.UNKNOWN
        return _Use.SCHEMA if str(p).startswith(_SCHEMA_NS) else _Use.KNOWN

    def _check_class(self, s: Node, cls: URIRef) -> bool:
        """Report ``cls`` on ``s`` if it does not exist; return whether it is fine."""
        vocabulary = self.vocab.vocabulary_of(cls)
        if vocabulary is None:
            return True
        kind = VocabProblemKind.UNKNOWN_CLASS
        if vocabulary == _HTTPS_SCHEMA:
            self._report(kind, s, RDF.type, cls, _https_message(s, "is typed", cls))
            return False
        if cls not in self.vocab.classes:
            if cls in self.vocab.properties:
                what, hint = "a property, not a class", ""
            else:
                what, hint = f"not a class of {vocabulary}", _suggest(cls, self.vocab.classes)
            self._report(
                kind,
                s,
                RDF.type,
                cls,
                f"{_show(s)} is typed {_show(cls)}, which is {what}; check the spelling{hint}",
            )
            return False
        return True

    def _check_property(self, s: Node, p: URIRef) -> bool:
        """Report ``p`` if it does not exist; return whether it may be checked further."""
        vocabulary = self.vocab.vocabulary_of(p)
        if vocabulary is None:
            return False
        kind = VocabProblemKind.UNKNOWN_PROPERTY
        if vocabulary == _HTTPS_SCHEMA:
            self._report(kind, s, p, None, _https_message(s, "uses", p))
            return False
        if p in self.vocab.properties:
            return True
        if p in self.vocab.classes:
            what, hint = "a class, not a property", ""
        else:
            what, hint = f"not a property of {vocabulary}", _suggest(p, self.vocab.properties)
        self._report(
            kind,
            s,
            p,
            None,
            f"{_show(s)} uses {_show(p)}, which is {what}; check the spelling{hint}",
        )
        return False

    # classes of nodes ------------------------------------------------------------------------

    def _classes_of(self, node: Node) -> frozenset[URIRef] | None:
        """Every class ``node`` belongs to, or None when that is unknown (untyped or misspelled)."""
        if node in self._classes:
            return self._classes[node]
        asserted = set(self.types.get(node, ()))
        if isinstance(node, URIRef):
            asserted |= self.vocab.individuals.get(node, frozenset())
        result: frozenset[URIRef] | None = None
        if asserted and not any(
            self.vocab.vocabulary_of(cls) is not None and not self.vocab.is_known(cls) for cls in asserted
        ):
            result = frozenset().union(*(self.vocab.supers(cls) for cls in asserted))
        self._classes[node] = result
        return result

    def _is_role(self, node: Node) -> bool:
        return node in self.roles

    # domain ----------------------------------------------------------------------------------

    def _check_domain(self, s: Node, p: URIRef) -> None:
        domain = self.vocab.domains.get(p)
        if not domain or _THING in domain:
            return
        classes = self._classes_of(s)
        if classes is None or classes & domain:
            return
        kind = VocabProblemKind.DOMAIN
        shown, shown_types = _show(s), self.types.get(s, set())
        if _ROLE in classes:
            # Role pattern, second hop: the role stands for the node that links to it.
            holders = sorted((h for h in self.role_holders.get((p, s), ()) if not self._is_role(h)), key=str)
            if not holders:
                self._report(
                    kind,
                    s,
                    p,
                    None,
                    f"{_show(s)} is a role with {_show(p)}, but no node links to it with "
                    f"{_show(p)}; link the role's holder to it with {_show(p)} "
                    "(the schema.org Role pattern)",
                )
                return
            for holder in holders:
                holder_classes = self._classes_of(holder)
                if holder_classes is None or holder_classes & domain:
                    return
            shown = f"{_show(s)} (a role held by {_show(holders[0])})"
            shown_types = self.types.get(holders[0], set())
        self._report(
            kind,
            s,
            p,
            None,
            f"{shown} uses {_show(p)}, but it is a {_show_classes(shown_types)} and "
            f"{self.vocab.schemaorg} allows {_show(p)} only on {_show_set(domain)}; move the "
            f"value to a node of {_that(domain)}, or type this node accordingly",
        )

    # range -----------------------------------------------------------------------------------

    def _fits(self, o: Node, allowed: frozenset[URIRef]) -> bool | None:
        """Whether value ``o`` fits ``allowed``; None when it cannot be told (class unknown)."""
        if isinstance(o, Literal):
            if o.ill_typed:
                return False
            return bool(self.vocab.literal_fits.get(_datatype(o), frozenset()) & allowed)
        if _THING in allowed:
            return True
        if isinstance(o, URIRef) and _URL in allowed:
            return True
        classes = self._classes_of(o)
        if classes is None:
            # An untyped node may well be of an expected class, unless only literals are expected.
            return None if allowed - self.vocab.datatypes else False
        return bool(classes & allowed)

    def _check_range(self, s: Node, p: URIRef, o: Node) -> None:
        allowed = self.vocab.ranges.get(p)
        if not allowed:
            return
        fits = self._fits(o, allowed)
        if fits is None or fits:
            return
        kind = VocabProblemKind.RANGE
        expected = _show_expected(allowed)
        if isinstance(o, Literal):
            cls = _literal_class(o)
            if o.ill_typed:
                message = (
                    f"{_show(s)} {_show(p)} has {_show(o)}, which is not a valid "
                    f"{_show(o.datatype or XSD.string)}; write {expected}"
                )
            elif allowed & self.vocab.datatypes:
                got = _show(cls) if cls is not None else f"a {_show(o.datatype or XSD.string)}"
                message = (
                    f"{_show(s)} {_show(p)} has {_show(o)} ({got}), but {self.vocab.schemaorg} "
                    f"expects {expected}; write the value as one of those"
                )
            else:
                message = (
                    f"{_show(s)} {_show(p)} has the literal {_show(o)}, but {self.vocab.schemaorg} "
                    f"expects {expected}; link to a node of {_that(allowed)} instead"
                )
            self._report(kind, s, p, o, message)
            return
        if self._is_role(o) and not (allowed & (self._classes_of(o) or frozenset())):
            # Role pattern, first hop: the role must carry the property on to a fitting value.
            values = [v for v in self.role_values.get((o, p), ()) if not self._is_role(v)]
            if any(self._fits(v, allowed) is not False for v in values):
                return
            self._report(
                kind,
                s,
                p,
                o,
                f"{_show(s)} {_show(p)} points to the role {_show(o)}, which has no {_show(p)} "
                f"of its own to {expected}; add one (the schema.org Role pattern)",
            )
            return
        classes = self.types.get(o, set()) | (
            self.vocab.individuals.get(o, frozenset()) if isinstance(o, URIRef) else frozenset()
        )
        if not classes or allowed <= self.vocab.datatypes:
            message = (
                f"{_show(s)} {_show(p)} points to the node {_show(o)}, but {self.vocab.schemaorg} "
                f"expects {expected}; give a value of {_that(allowed, 'kind')}"
            )
        else:
            message = (
                f"{_show(s)} {_show(p)} points to {_show(o)}, a {_show_classes(classes)}, but "
                f"{self.vocab.schemaorg} expects {expected}; link to a node of {_that(allowed)}"
            )
        self._report(kind, s, p, o, message)


# helpers for names and messages ----------------------------------------------------------------


def _datatype(literal: Literal) -> URIRef:
    if literal.language is not None:
        return RDF.langString
    return literal.datatype or XSD.string


def _literal_class(literal: Literal) -> URIRef | None:
    return _LITERAL_CLASSES.get(_datatype(literal))


def _https_message(s: Node, verb: str, term: URIRef) -> str:
    fixed = URIRef(str(SCHEMA) + str(term)[len(_HTTPS_SCHEMA) :])
    return (
        f"{_show(s)} {verb} {_show(term)} in the https://schema.org/ namespace; kzar_ld reads "
        "schema.org in http://schema.org/ (what its JSON-LD context expands to): "
        f"write {_show(fixed)}"
    )


def _suggest(term: URIRef, candidates: Iterable[URIRef]) -> str:
    # Only on a problem, so a scan of the ~1,700 candidates of the same namespace is fine.
    namespace = str(term)[: len(str(term)) - len(_local_name(term))]
    names = [_local_name(c) for c in candidates if str(c).startswith(namespace)]
    close = difflib.get_close_matches(_local_name(term), names, n=1, cutoff=0.75)
    return f" (did you mean {_show(URIRef(namespace + close[0]))}?)" if close else ""


def _local_name(term: URIRef) -> str:
    iri = str(term)
    cut = max(iri.rfind("/"), iri.rfind("#"))
    return iri[cut + 1 :]


def _show(term: Node) -> str:
    """A short, stable name for a term: a CURIE, ``<iri>``, ``_:id`` or a quoted literal."""
    if isinstance(term, Literal):
        text = str(term)
        if len(text) > 40:
            text = text[:39] + "…"
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{_show(term.datatype)}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "_-." for c in local) and local[-1] != ".":
                return f"{prefix}:{local}"
    return f"<{iri}>"


def _show_set(classes: Iterable[URIRef], limit: int = 6) -> str:
    names = sorted(_show(c) for c in classes)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" or {len(names) - limit} more"
    if len(names) > 1:
        return ", ".join(names[:-1]) + " or " + names[-1]
    return names[0]


def _show_classes(classes: Iterable[URIRef]) -> str:
    return " and ".join(sorted(_show(c) for c in classes))


def _show_expected(allowed: frozenset[URIRef]) -> str:
    parts = []
    for cls in sorted(allowed, key=_show):
        hint = _DATATYPE_HINTS.get(cls)
        parts.append(f"{_show(cls)} ({hint})" if hint else _show(cls))
    if len(parts) > 6:
        return ", ".join(parts[:6]) + f" or {len(parts) - 6} more"
    return " or ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _that(classes: frozenset[URIRef], noun: str = "type") -> str:
    return f"that {noun}" if len(classes) == 1 else f"one of those {noun}s"
