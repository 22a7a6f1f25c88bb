"""Read what a static site shows from the built graphs: articles, their mentions, entities, facts.

Everything comes from the RDF itself (one named graph per article, as :func:`kzar_ld.build_graph`
makes it), so the site can be made from any dataset kzar_ld wrote: the body and its offsets from
``schema:articleBody`` and the Web Annotations' selectors, derived facts from the reified
``rdf:Statement`` nodes and their ``kzar:derivation``.

Example:
    >>> from kzar_ld import build_graph, load_article
    >>> corpus = read_corpus(build_graph(load_article("examples/kazinform-2023-08-24")), base=DEFAULT_BASE)
    >>> [a.headline for a in corpus.articles]
    ['Kazakhstan and Argentina strengthen bilateral cooperation']
    >>> corpus.articles[0].mentions[0].exact
    'BUENOS AIRES'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kzar_ld.errors import InputError
from kzar_ld.iris import DEFAULT_BASE, validate_base
from kzar_ld.namespaces import FOAF, KZAR, OA, RDF, SCHEMA

__all__ = ["ArticleView", "Category", "Corpus", "Fact", "MentionView", "read_corpus"]


class Category(enum.StrEnum):
    """The index a resource is listed in; the value is the index's folder."""

    PEOPLE = "people"
    ORGANISATIONS = "organisations"
    PLACES = "places"
    EVENTS = "events"
    OTHER = "other"


_CATEGORY_OF_CLASS: dict[Node, Category] = {
    SCHEMA.Person: Category.PEOPLE,
    FOAF.Person: Category.PEOPLE,
    SCHEMA.Organization: Category.ORGANISATIONS,
    SCHEMA.GovernmentOrganization: Category.ORGANISATIONS,
    SCHEMA.Corporation: Category.ORGANISATIONS,
    SCHEMA.NewsMediaOrganization: Category.ORGANISATIONS,
    KZAR.HonoraryConsulate: Category.ORGANISATIONS,
    FOAF.Organization: Category.ORGANISATIONS,
    FOAF.Group: Category.ORGANISATIONS,
    SCHEMA.Place: Category.PLACES,
    SCHEMA.Country: Category.PLACES,
    SCHEMA.City: Category.PLACES,
    SCHEMA.Continent: Category.PLACES,
    SCHEMA.AdministrativeArea: Category.PLACES,
    KZAR.ConsularDistrict: Category.PLACES,
    SCHEMA.Event: Category.EVENTS,
    SCHEMA.EventSeries: Category.EVENTS,
    KZAR.DiplomaticVisit: Category.EVENTS,
    KZAR.WorkingVisit: Category.EVENTS,
    KZAR.PoliticalConsultations: Category.EVENTS,
}
# Predicates whose values name a node, best first.
_LABELS = (SCHEMA.name, SCHEMA.headline, SCHEMA.roleName, FOAF.name)


@dataclass(frozen=True, slots=True)
class MentionView:
    """One Web Annotation: the words ``body[start:end]`` identify ``entity``."""

    iri: URIRef
    entity: URIRef
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    @property
    def anchor(self) -> str:
        """The id of the mention's element in the article page: ``mention-`` + the IRI's last segment."""
        return "mention-" + str(self.iri).rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Fact:
    """A derived statement of an article with its reason."""

    iri: URIRef
    subject: Node
    predicate: URIRef
    object: Node
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as a page shows it."""

    iri: URIRef
    graph: Graph
    headline: str
    date_published: str
    date_modified: str | None
    dateline: str | None
    language: str
    body: str
    mentions: tuple[MentionView, ...]
    facts: tuple[Fact, ...]

    def mentions_of(self, node: Node) -> tuple[MentionView, ...]:
        """The mentions whose body is ``node``, in text order."""
        return tuple(m for m in self.mentions if m.entity == node)


@dataclass(frozen=True, slots=True)
class Corpus:
    """The articles of a site and the union of their graphs."""

    base: str
    articles: tuple[ArticleView, ...]  # newest first, then by IRI
    union: Graph
    categories: MappingProxyType[URIRef, Category]

    def label(self, node: Node) -> str:
        """A human name for a node: its name, headline or role name; else its IRI's last segment
        under the base, or the whole IRI outside it."""
        for p in _LABELS:
            values = sorted(str(v) for v in self.union.objects(node, p) if isinstance(v, Literal))
            if values:
                return values[0]
        if isinstance(node, Literal):
            return str(node)
        text = str(node)
        if not text.startswith(self.base):
            return text  # a foreign IRI (Wikidata, a web page) is shown as it is
        text = text[len(self.base) :]
        return text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or text

    def local(self, node: Node) -> str | None:
        """The site path of a node under the base (``person/kairat-umarov``), or None."""
        text = str(node)
        if isinstance(node, URIRef) and text.startswith(self.base) and "#" not in text and len(text) > len(self.base):
            return text[len(self.base) :]
        return None


def _one(graph: Graph, s: Node, p: URIRef) -> str | None:
    values = sorted(str(o) for o in graph.objects(s, p))
    return values[0] if values else None


def _int(value: Node | None) -> int | None:
    return int(value) if isinstance(value, Literal) and str(value).isdigit() else None


def _graphs(data: Dataset | Iterable[Graph]) -> list[Graph]:
    if isinstance(data, Dataset):
        return [g for g in data.graphs() if len(g) and isinstance(g.identifier, URIRef)]
    return list(data)


def read_corpus(data: Dataset | Iterable[Graph], *, base: str = DEFAULT_BASE) -> Corpus:
    """Collect the articles (one per named graph) and the union graph under ``base``.

    Raises :class:`~kzar_ld.errors.InputError` when no graph holds a ``schema:NewsArticle``
    under ``base``.
    """
    base = validate_base(base)
    union = Graph()
    articles: list[ArticleView] = []
    for graph in _graphs(data):
        # A graph of its own: a named graph of a Dataset answers a pattern such as (?, rdf:type,
        # oa:Annotation) by scanning every graph's matches, which makes a large corpus quadratic.
        own = Graph()
        for triple in graph:
            union.add(triple)
            own.add(triple)
        for iri in sorted(s for s in own.subjects(RDF.type, SCHEMA.NewsArticle) if isinstance(s, URIRef)):
            if str(iri).startswith(base):
                articles.append(_article(own, iri))
    if not articles:
        raise InputError(f"no schema:NewsArticle under the base {base}: build the articles with the same --base")
    articles.sort(key=lambda a: (_desc(a.date_published), str(a.iri)))
    categories: dict[URIRef, Category] = {}
    rank = {c: i for i, c in enumerate(Category)}
    for s, o in sorted(union.subject_objects(RDF.type), key=lambda so: (str(so[0]), str(so[1]))):
        category = _CATEGORY_OF_CLASS.get(o)
        # A node of two kinds (rare) is listed under the first, in the order of Category.
        if (
            isinstance(s, URIRef)
            and category is not None
            and (s not in categories or rank[category] < rank[categories[s]])
        ):
            categories[s] = category
    return Corpus(base=base, articles=tuple(articles), union=union, categories=MappingProxyType(categories))


def _desc(date: str) -> tuple[int, ...]:
    # Newest first: negate each digit so that a plain ascending sort reverses the dates.
    return tuple(-ord(c) for c in date)


def _article(graph: Graph, iri: URIRef) -> ArticleView:
    body = _one(graph, iri, SCHEMA.articleBody) or ""
    mentions: list[MentionView] = []
    for ann in graph.subjects(RDF.type, OA.Annotation):
        target = graph.value(ann, OA.hasTarget)
        entity = graph.value(ann, OA.hasBody)
        if target is None or graph.value(target, OA.hasSource) != iri or not isinstance(entity, URIRef):
            continue
        start = end = None
        exact = prefix = suffix = ""
        for selector in graph.objects(target, OA.hasSelector):
            if (selector, RDF.type, OA.TextPositionSelector) in graph:
                start, end = _int(graph.value(selector, OA.start)), _int(graph.value(selector, OA.end))
            elif (selector, RDF.type, OA.TextQuoteSelector) in graph:
                exact = _one(graph, selector, OA.exact) or ""
                prefix = _one(graph, selector, OA.prefix) or ""
                suffix = _one(graph, selector, OA.suffix) or ""
        if start is None or end is None or not 0 <= start < end <= len(body):
            continue
        assert isinstance(ann, URIRef)
        mentions.append(MentionView(ann, entity, start, end, exact or body[start:end], prefix, suffix))
    mentions.sort(key=lambda m: (m.start, -m.end, str(m.iri)))
    facts: list[Fact] = []
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = graph.value(stmt, RDF.subject), graph.value(stmt, RDF.predicate), graph.value(stmt, RDF.object)
        reason = _one(graph, stmt, KZAR.derivation)
        if isinstance(stmt, URIRef) and s is not None and isinstance(p, URIRef) and o is not None and reason:
            facts.append(Fact(stmt, s, p, o, reason))
    facts.sort(key=lambda f: str(f.iri))
    return ArticleView(
        iri=iri,
        graph=graph,
        headline=_one(graph, iri, SCHEMA.headline) or str(iri),
        date_published=_one(graph, iri, SCHEMA.datePublished) or "",
        date_modified=_one(graph, iri, SCHEMA.dateModified),
        dateline=_one(graph, iri, SCHEMA.dateline),
        language=_one(graph, iri, SCHEMA.inLanguage) or "en",
        body=body,
        mentions=tuple(mentions),
        facts=tuple(facts),
    )
