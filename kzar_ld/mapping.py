"""Map an annotated article onto schema.org, FOAF and Web Annotation triples.

One named graph per article, named by the article's IRI, so that republishing an article
replaces exactly its triples. The modelling (MAPPING.md) in short: people and organisations are
typed with schema.org and FOAF together; affiliations are schema.org Role nodes qualified by
``kzar:heldOn`` / ``kzar:endedNoLaterThan``; places carry ISO 3166 codes and Wikidata/GeoNames
links; events form a hierarchy written in both directions; derived facts are asserted and also
reified with their reason; every mention is a Web Annotation with a position and a quote selector.
Events link to their CAMEO code (``kzar:cameoType``); planned and background events carry
``kzar:reportStatus`` and are never given ``kzar:endedNoLaterThan``. Items a drafter proposed and
no editor confirmed are credited to the drafting software (``prov:wasAttributedTo`` on nodes,
``dcterms:creator`` on mention annotations), with ``kzar:confidence`` and ``kzar:evidence``;
:func:`count_unconfirmed` counts them (docs/drafting.md).

Nothing here reads files or checks input: :func:`kzar_ld.load_article` has done that.

Example:
    >>> from kzar_ld import load_article
    >>> ds = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> [str(g.identifier) for g in ds.graphs() if len(g)]
    ['https://kzar.example/id/article/000_b748ee61ec8ac40c']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from rdflib import ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kzar_ld._gc import paused_gc
from kzar_ld.annotated import Article, Span
from kzar_ld.annotation import (
    Drafted,
    EventKind,
    EventStatus,
    LinkKind,
    OrganizationKind,
    PlaceKind,
    Ref,
    RoleStatus,
    ref_derivation,
    ref_id,
)
from kzar_ld.iris import DEFAULT_BASE, IriMinter
from kzar_ld.namespaces import DCTERMS, FOAF, KZAR, OA, PROV, RDF, SCHEMA, SKOS, XSD, bind_prefixes, cameo_concept

__all__ = [
    "DRAFTER",
    "QUOTE_CONTEXT",
    "article_statements",
    "build_graph",
    "count_unconfirmed",
    "count_unconfirmed_statements",
    "graph_namespaces",
]

#: The IRI segment and slug of the drafting software, the agent unconfirmed items are credited to.
DRAFTER = ("agent", "kzar-ld-draft")

#: How many code points of context a TextQuoteSelector gives on each side (at least).
QUOTE_CONTEXT = 32

WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/{}/"
ISO_3166_1_ALPHA_2 = "ISO 3166-1 alpha-2"

_ORG_CLASSES = {
    OrganizationKind.ORGANIZATION: (SCHEMA.Organization, FOAF.Organization),
    OrganizationKind.GOVERNMENT: (SCHEMA.GovernmentOrganization, FOAF.Organization),
    OrganizationKind.CORPORATION: (SCHEMA.Corporation, FOAF.Organization),
    OrganizationKind.NEWS_MEDIA: (SCHEMA.NewsMediaOrganization, FOAF.Organization),
    # Our classes are written with their schema.org superclass too: consumers do not infer.
    OrganizationKind.HONORARY_CONSULATE: (KZAR.HonoraryConsulate, SCHEMA.GovernmentOrganization, FOAF.Organization),
    OrganizationKind.GROUP: (SCHEMA.Organization, FOAF.Group),
}
_PLACE_CLASSES = {
    PlaceKind.PLACE: (SCHEMA.Place,),
    PlaceKind.COUNTRY: (SCHEMA.Country,),
    PlaceKind.CITY: (SCHEMA.City,),
    PlaceKind.CONTINENT: (SCHEMA.Continent,),
    PlaceKind.ADMINISTRATIVE_AREA: (SCHEMA.AdministrativeArea,),
    PlaceKind.CONSULAR_DISTRICT: (KZAR.ConsularDistrict, SCHEMA.AdministrativeArea),
}
_EVENT_CLASSES = {
    EventKind.EVENT: (SCHEMA.Event,),
    EventKind.EVENT_SERIES: (SCHEMA.EventSeries,),
    EventKind.VISIT: (KZAR.DiplomaticVisit, SCHEMA.Event),
    EventKind.DIPLOMATIC_VISIT: (KZAR.DiplomaticVisit, SCHEMA.Event),
    EventKind.WORKING_VISIT: (KZAR.WorkingVisit, SCHEMA.Event),
    EventKind.POLITICAL_CONSULTATIONS: (KZAR.PoliticalConsultations, SCHEMA.Event),
    # Meetings, ceremonies and the rest are schema:Event with a name (MAPPING.md rejects a class
    # per kind); their CAMEO code is what tells them apart in queries.
    EventKind.TALKS: (SCHEMA.Event,),
    EventKind.MEETING: (SCHEMA.Event,),
    EventKind.CEREMONY: (SCHEMA.Event,),
    EventKind.SIGNING: (SCHEMA.Event,),
    EventKind.FORUM: (SCHEMA.Event,),
}
_REPORT_STATUS = {EventStatus.PLANNED: KZAR.Planned, EventStatus.BACKGROUND: KZAR.Background}
_ROLE_LINK = {
    LinkKind.WORKS_FOR: SCHEMA.worksFor,
    LinkKind.MEMBER_OF: SCHEMA.memberOf,
    LinkKind.MEMBER: SCHEMA.member,
}


def build_graph(articles: Article | Sequence[Article], *, base: str = DEFAULT_BASE) -> Dataset:
    """Build the RDF dataset of one article or several: one named graph per article.

    ``base`` is the IRI every entity IRI starts with. An entity shared by two articles (a
    country, a ministry, a person) has the same IRI in both. Raises
    :class:`~kzar_ld.errors.IriError` when ``base`` is not an absolute http(s) IRI.

    >>> from kzar_ld import load_article
    >>> ds = build_graph(load_article("examples/kazinform-2023-08-24"), base="https://data.example.org/id/")
    >>> from rdflib import URIRef
    >>> (URIRef("https://data.example.org/id/person/kairat-umarov"), None, None) in ds
    True
    """
    minter = IriMinter(base)
    dataset = bind_prefixes(Dataset(default_union=True))
    with paused_gc():
        for article in [articles] if isinstance(articles, Article) else articles:
            graph = dataset.graph(URIRef(minter.article(article.id)))
            graph.addN((s, p, o, graph) for s, p, o in _ArticleMapper(article, minter).triples())
    return dataset


Triple = tuple[Node, Node, Node]


def article_statements(article: Article, *, base: str = DEFAULT_BASE) -> tuple[URIRef, list[Triple]]:
    """The name of an article's graph and its statements: the named graph :func:`build_graph` makes.

    Each statement comes once, in the order the mapping makes them. The pipeline works on this
    list (serialising and validating it) without putting it in an rdflib store first, which
    would cost as much again as making the statements.

    >>> from kzar_ld import load_article
    >>> name, statements = article_statements(load_article("examples/kazinform-2023-08-24"))
    >>> set(statements) == set(build_graph(load_article("examples/kazinform-2023-08-24")).graph(name))
    True
    """
    minter = IriMinter(base)
    with paused_gc():
        mapper = _ArticleMapper(article, minter)
        return mapper.iri, list(dict.fromkeys(mapper.triples()))


@cache
def graph_namespaces() -> tuple[tuple[str, URIRef], ...]:
    """The prefixes a graph from :func:`build_graph` has bound: rdflib's defaults and ours."""
    return tuple(bind_prefixes(Dataset(default_union=True)).namespaces())


class _ArticleMapper:
    def __init__(self, article: Article, minter: IriMinter) -> None:
        self.a = article
        self.m = minter
        self.iri = URIRef(minter.article(article.id))
        self.date = Literal(article.date_published.isoformat(), datatype=XSD.date)
        self.out: list[Triple] = []
        self._drafter_written = False
        # People known only by a role cannot be matched across articles: their IRIs (and their
        # roles') lie under the article's.
        self.unnamed = frozenset(p.id for p in article.annotation.people if p.unnamed)

    # -- helpers -------------------------------------------------------------------------------

    def ref(self, entity_id: str) -> URIRef:
        if entity_id in self.unnamed:
            return URIRef(self.m.in_article(self.a.id, "person", self.a.slugs[entity_id]))
        return URIRef(self.m.entity(self.a.segment(entity_id), self.a.slugs[entity_id]))

    def role_ref(self, person_id: str, role_id: str) -> URIRef:
        person, role = self.a.slugs[person_id], self.a.slugs[f"{person_id}\x00{role_id}"]
        if person_id in self.unnamed:
            return URIRef(self.m.in_article(self.a.id, "role", f"{person}--{role}"))
        return URIRef(self.m.role(person, role))

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.out.append((s, p, o))

    def text(self, s: Node, p: Node, value: str | None) -> None:
        if value is not None:
            self.out.append((s, p, Literal(value)))

    def link(self, s: URIRef, p: URIRef, ref: Ref | None) -> None:
        """Assert ``s p ref``; when the reference is derived, also reify it with its reason."""
        if ref is None:
            return
        o = self.ref(ref_id(ref))
        self.add(s, p, o)
        why = ref_derivation(ref)
        if why is not None:
            self.reify(s, p, o, why)

    def reify(self, s: URIRef, p: URIRef, o: Node, why: str) -> None:
        key = f"{self.local(s)}--{self.local(p)}--{self.local(o)}"
        stmt = URIRef(self.m.in_article(self.a.id, "derived", key))
        self.add(stmt, RDF.type, RDF.Statement)
        self.add(stmt, RDF.subject, s)
        self.add(stmt, RDF.predicate, p)
        self.add(stmt, RDF.object, o)
        self.text(stmt, KZAR.derivation, why)

    def local(self, node: Node) -> str:
        value = str(node)
        if isinstance(node, URIRef):
            if value.startswith(self.m.base):
                value = value[len(self.m.base) :]
            else:
                value = value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return value.replace("/", "-")

    def drafted(self, s: URIRef, item: Drafted, *, creator: URIRef = PROV.wasAttributedTo) -> None:
        """Credit an unconfirmed item to the drafting software, with its confidence and evidence."""
        if item.confirmed:
            return
        self.add(s, creator, self.drafter())
        if item.confidence is not None:
            self.add(s, KZAR.confidence, _decimal(item.confidence))
        self.text(s, KZAR.evidence, item.evidence)

    def drafter(self) -> URIRef:
        agent = URIRef(self.m.entity(*DRAFTER))
        if not self._drafter_written:
            self._drafter_written = True
            self.add(agent, RDF.type, SCHEMA.SoftwareApplication)
            self.add(agent, RDF.type, PROV.SoftwareAgent)
            self.text(agent, SCHEMA.name, "kzar-ld draft")
        return agent

    def web(self, s: URIRef, url: str | None, same_as: Iterable[str]) -> None:
        """An agent's own web page and the same agent elsewhere."""
        if url is not None:
            self.add(s, SCHEMA.url, URIRef(url))
        for other in same_as:
            self.add(s, SCHEMA.sameAs, URIRef(other))

    def names(self, s: URIRef, name: str | None, alternates: Iterable[str] = ()) -> None:
        self.text(s, SCHEMA.name, name)
        for alt in alternates:
            self.text(s, SCHEMA.alternateName, alt)

    # -- the graph -----------------------------------------------------------------------------

    def triples(self) -> list[Triple]:
        self.article()
        self.people()
        self.organizations()
        self.places()
        self.occupations()
        self.events()
        self.relations()
        self.mentions()
        return self.out

    def article(self) -> None:
        a, s, facts = self.a, self.iri, self.a.annotation.article
        self.add(s, RDF.type, SCHEMA.NewsArticle)
        self.add(s, RDF.type, FOAF.Document)
        self.text(s, SCHEMA.identifier, a.id)
        self.text(s, SCHEMA.headline, a.headline)
        self.add(s, SCHEMA.datePublished, self.date)
        if facts.date_modified is not None:
            self.add(s, SCHEMA.dateModified, Literal(facts.date_modified.isoformat(), datatype=XSD.date))
        self.text(s, SCHEMA.dateline, a.text.dateline)
        self.text(s, SCHEMA.inLanguage, facts.language)
        if facts.url is not None:
            self.add(s, SCHEMA.url, URIRef(facts.url))
            # The page the article is published on is the page whose main entity it is.
            self.add(s, SCHEMA.mainEntityOfPage, URIRef(facts.url))
        for image in facts.image:
            self.add(s, SCHEMA.image, URIRef(image))
        self.add(s, SCHEMA.publisher, self.ref(facts.publisher))
        for author in facts.authors:
            self.add(s, SCHEMA.author, self.ref(author))
            self.add(s, FOAF.maker, self.ref(author))
        if facts.based_on is not None:
            src = URIRef(self.m.in_article(a.id, "source-information"))
            self.add(s, SCHEMA.isBasedOn, src)
            self.add(src, RDF.type, SCHEMA.CreativeWork)
            self.text(src, SCHEMA.name, facts.based_on.name)
            if facts.based_on.author is not None:
                self.add(src, SCHEMA.author, self.ref(facts.based_on.author))
            self.text(src, KZAR.derivation, facts.based_on.derivation)
            self.drafted(src, facts.based_on)
        if facts.content_location is not None:
            self.add(s, SCHEMA.contentLocation, self.ref(facts.content_location))
        for topic in facts.about:
            self.add(s, SCHEMA.about, self.ref(topic))
            self.add(s, FOAF.topic, self.ref(topic))
        if facts.primary_topic is not None:
            self.add(s, FOAF.primaryTopic, self.ref(facts.primary_topic))
        mentioned = sorted({span.entity for span in a.spans if span.role is None})
        for entity in mentioned:
            self.add(s, SCHEMA.mentions, self.ref(entity))
        self.text(s, SCHEMA.articleBody, a.text.body)

    def people(self) -> None:
        for p in self.a.annotation.people:
            s = self.ref(p.id)
            self.add(s, RDF.type, SCHEMA.Person)
            self.add(s, RDF.type, FOAF.Person)
            if p.unnamed:
                self.add(s, RDF.type, KZAR.UnnamedPerson)
            self.names(s, p.name)
            self.text(s, FOAF.name, p.name)
            self.text(s, SCHEMA.givenName, p.given_name)
            self.text(s, FOAF.givenName, p.given_name)
            self.text(s, SCHEMA.familyName, p.family_name)
            self.text(s, FOAF.familyName, p.family_name)
            self.text(s, SCHEMA.honorificPrefix, p.honorific_prefix)
            self.text(s, FOAF.title, p.honorific_prefix)
            self.text(s, SCHEMA.description, p.description)
            self.link(s, SCHEMA.nationality, p.nationality)
            for occupation in p.occupations:
                self.add(s, SCHEMA.hasOccupation, self.ref(occupation))
            self.link(s, SCHEMA.workLocation, p.work_location)
            self.drafted(s, p)
            self.web(s, p.url, p.same_as)
            for role in p.roles:
                r = self.role_ref(p.id, role.id)
                org = self.ref(role.organization)
                link = _ROLE_LINK[role.link]
                self.add(r, RDF.type, SCHEMA.OrganizationRole)
                self.text(r, SCHEMA.roleName, role.name)
                qualifier = KZAR.heldOn if role.status is RoleStatus.CURRENT else KZAR.endedNoLaterThan
                self.add(r, qualifier, self.date)
                holder, target = (org, s) if role.link is LinkKind.MEMBER else (s, org)
                self.add(holder, link, r)
                self.add(r, link, target)
                if role.link is LinkKind.MEMBER:
                    self.add(org, FOAF.member, s)
                if role.derivation is not None:
                    self.reify(holder, link, r, role.derivation)
                self.drafted(r, role)

    def organizations(self) -> None:
        for o in self.a.annotation.organizations:
            s = self.ref(o.id)
            for cls in _ORG_CLASSES[o.kind]:
                self.add(s, RDF.type, cls)
            self.names(s, o.name, o.alternate_names)
            self.text(s, FOAF.name, o.name)
            self.text(s, SCHEMA.description, o.description)
            self.link(s, SCHEMA.parentOrganization, o.parent)
            self.link(s, SCHEMA.location, o.location)
            self.link(s, SCHEMA.areaServed, o.area_served)
            self.web(s, o.url, o.same_as)
            if o.logo is not None:
                self.add(s, SCHEMA.logo, URIRef(o.logo))
            self.text(s, KZAR.derivation, o.implied)
            self.drafted(s, o)

    def places(self) -> None:
        for pl in self.a.annotation.places:
            s = self.ref(pl.id)
            for cls in _PLACE_CLASSES[pl.kind]:
                self.add(s, RDF.type, cls)
            self.names(s, pl.name, pl.alternate_names)
            self.text(s, SCHEMA.description, pl.description)
            if pl.iso3166 is not None:
                code = URIRef(f"{s}#iso3166-1-alpha-2")
                self.add(s, SCHEMA.identifier, code)
                self.add(code, RDF.type, SCHEMA.PropertyValue)
                self.text(code, SCHEMA.propertyID, ISO_3166_1_ALPHA_2)
                self.text(code, SCHEMA.value, pl.iso3166)
            if pl.wikidata is not None:
                self.add(s, SCHEMA.sameAs, URIRef(WIKIDATA + pl.wikidata))
            if pl.geonames is not None:
                self.add(s, SCHEMA.sameAs, URIRef(GEONAMES.format(pl.geonames)))
            for ref in pl.contained_in:
                self.link(s, SCHEMA.containedInPlace, ref)
            for ref in pl.contains:
                self.link(s, SCHEMA.containsPlace, ref)
            self.text(s, KZAR.derivation, pl.implied)
            self.drafted(s, pl)

    def occupations(self) -> None:
        for occ in self.a.annotation.occupations:
            s = self.ref(occ.id)
            self.add(s, RDF.type, SCHEMA.Occupation)
            self.names(s, occ.name)
            self.drafted(s, occ)

    def events(self) -> None:
        for e in self.a.annotation.events:
            s = self.ref(e.id)
            for cls in _EVENT_CLASSES[e.kind]:
                self.add(s, RDF.type, cls)
            self.names(s, e.name)
            self.text(s, SCHEMA.description, e.description)
            self.link(s, SCHEMA.location, e.location)
            for ref in e.attendees:
                self.link(s, SCHEMA.attendee, ref)
            for ref in e.super_events:
                self.link(s, SCHEMA.superEvent, ref)
                # Consumers do not infer inverses, so the hierarchy is written both ways.
                self.add(self.ref(ref_id(ref)), SCHEMA.subEvent, s)
            for ref in e.about:
                self.link(s, SCHEMA.about, ref)
            for keyword in e.keywords:
                self.text(s, SCHEMA.keywords, keyword)
            if e.ordinal is not None:
                self.add(s, KZAR.ordinal, Literal(str(e.ordinal), datatype=XSD.positiveInteger))
            if e.ended:
                self.add(s, KZAR.endedNoLaterThan, self.date)
            code = e.kind.cameo
            if code is not None:
                concept = cameo_concept(code)
                self.add(s, KZAR.cameoType, concept)
                self.add(concept, RDF.type, SKOS.Concept)
                self.text(concept, SKOS.notation, code)
            if e.status is EventStatus.PLANNED:
                self.add(s, SCHEMA.eventStatus, SCHEMA.EventScheduled)
            self.add(s, KZAR.reportStatus, _REPORT_STATUS.get(e.status))
            self.text(s, KZAR.derivation, e.implied)
            self.drafted(s, e)

    def relations(self) -> None:
        derived_years = {e.anniversary_of: e for e in self.a.annotation.events if e.anniversary_of is not None}
        for rel in self.a.annotation.relations:
            s = self.ref(rel.id)
            self.add(s, RDF.type, KZAR.DiplomaticRelation)
            self.add(s, RDF.type, SCHEMA.Intangible)
            self.names(s, rel.name)
            for party in rel.parties:
                self.add(s, KZAR.party, self.ref(party))
            self.drafted(s, rel)
            year = rel.established_year
            if isinstance(year, int):
                self.add(s, KZAR.establishedYear, _gyear(year))
            elif year is not None:
                self.add(s, KZAR.establishedYear, _gyear(year.year))
                self.reify(s, KZAR.establishedYear, _gyear(year.year), year.derivation)
            anniversary = derived_years.get(rel.id)
            if anniversary is not None and year is None:
                assert anniversary.ordinal is not None
                published = self.a.date_published.year
                value = published - anniversary.ordinal
                self.add(s, KZAR.establishedYear, _gyear(value))
                why = (
                    f"The article of {self.a.date_published.isoformat()} reports the "
                    f"{_ordinal(anniversary.ordinal)} anniversary (“{anniversary.name}”) as celebrated in "
                    f"{published}: {published} − {anniversary.ordinal} = {value}."
                )
                self.reify(s, KZAR.establishedYear, _gyear(value), why)

    def mentions(self) -> None:
        body = self.a.text.body
        shared = Counter((span.start, span.end) for span in self.a.spans)
        for span in self.a.spans:
            key = f"{span.start}-{span.end}"
            if shared[(span.start, span.end)] > 1:  # two entities on the same words
                key += f"-{self.a.slugs[span.entity]}" + (f"--{span.role}" if span.role else "")
            m = URIRef(self.m.in_article(self.a.id, "mention", key))
            target, position, quote = URIRef(f"{m}#target"), URIRef(f"{m}#position"), URIRef(f"{m}#quote")
            self.add(m, RDF.type, OA.Annotation)
            self.add(m, OA.motivatedBy, OA.identifying)
            self.add(m, OA.hasBody, self.body_of(span))
            self.add(m, OA.hasTarget, target)
            self.add(target, RDF.type, OA.SpecificResource)
            self.add(target, OA.hasSource, self.iri)
            self.add(target, OA.hasSelector, position)
            self.add(target, OA.hasSelector, quote)
            self.add(position, RDF.type, OA.TextPositionSelector)
            self.add(position, OA.start, Literal(str(span.start), datatype=XSD.nonNegativeInteger))
            self.add(position, OA.end, Literal(str(span.end), datatype=XSD.nonNegativeInteger))
            self.add(quote, RDF.type, OA.TextQuoteSelector)
            self.text(quote, OA.exact, span.exact)
            prefix, suffix = quote_context(body, span.start, span.end)
            if prefix:
                self.text(quote, OA.prefix, prefix)
            if suffix:
                self.text(quote, OA.suffix, suffix)
            draft = self.mention_draft(span)
            if draft is not None:
                self.drafted(m, draft, creator=DCTERMS.creator)

    def mention_draft(self, span: Span) -> Drafted | None:
        """A mention is unconfirmed when it is, or when the entity or role it names is."""
        if span.draft is not None:
            return span.draft
        owner: Drafted = self.a.entity(span.entity)
        if span.role is not None:
            owner = next(r for r in self.a.entity(span.entity).roles if r.id == span.role)  # type: ignore[union-attr]
        return None if owner.confirmed else owner

    def body_of(self, span: Span) -> URIRef:
        if span.role is None:
            return self.ref(span.entity)
        return self.role_ref(span.entity, span.role)


def quote_context(body: str, start: int, end: int, *, width: int = QUOTE_CONTEXT) -> tuple[str, str]:
    """Prefix and suffix (``width`` code points each, more when needed) that make a quote unique.

    >>> quote_context("a b a b", 4, 5, width=1)
    (' ', ' ')
    """
    while True:
        prefix, suffix = body[max(0, start - width) : start], body[end : end + width]
        needle = prefix + body[start:end] + suffix
        first = body.find(needle)
        if body.find(needle, first + 1) < 0 or (start - width <= 0 and end + width >= len(body)):
            return prefix, suffix
        width *= 2


def count_unconfirmed(graph: Graph) -> int:
    """How many drafted items nobody confirmed a graph publishes: nodes and mention annotations.

    An item is unconfirmed when the graph credits it to a software agent (``prov:SoftwareAgent``)
    through ``prov:wasAttributedTo`` (entities, roles, events, relations) or ``dcterms:creator``
    (mention annotations). In a dataset, each named graph counts its own items, so an entity
    drafted in two articles counts twice.

    >>> from kzar_ld import load_article
    >>> count_unconfirmed(build_graph(load_article("examples/kazinform-2023-08-24")))
    0
    """
    graphs: Iterable[Graph]
    if isinstance(graph, Dataset):  # count within each named graph
        graphs = [g for g in graph.graphs() if len(g)]
    elif isinstance(graph, ConjunctiveGraph):
        graphs = [g for g in graph.contexts() if len(g)]
    else:
        graphs = [graph]
    return sum(count_unconfirmed_statements(g) for g in graphs if (None, RDF.type, PROV.SoftwareAgent) in g)


def count_unconfirmed_statements(statements: Iterable[Triple]) -> int:
    """:func:`count_unconfirmed` for the statements of one graph (:func:`article_statements`)."""
    statements = list(statements)
    agents = {s for s, p, o in statements if p == RDF.type and o == PROV.SoftwareAgent}
    if not agents:
        return 0
    credit = (PROV.wasAttributedTo, DCTERMS.creator)
    return len({s for s, p, o in statements if p in credit and o in agents})


def _decimal(value: float) -> Literal:
    text = f"{value:.3f}".rstrip("0")
    return Literal(text + "0" if text.endswith(".") else text, datatype=XSD.decimal)


def _gyear(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
