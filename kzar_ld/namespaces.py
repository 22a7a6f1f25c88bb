"""Closed vocabulary namespaces: a typo in a term fails at import or in the tests.

``SCHEMA`` is schema.org in the ``http://schema.org/`` namespace, the one that schema.org's
official JSON-LD context expands to, so our Turtle and the JSON-LD we embed in pages are one
graph. ``FOAF`` is rdflib's closed FOAF 0.99 namespace. ``OA`` is W3C Web Annotation and
``KZAR`` our own small vocabulary (``ontologies/kzar.ttl``).

Example:
    >>> str(SCHEMA.NewsArticle)
    'http://schema.org/NewsArticle'
    >>> PREFIXES["kzar"]
    'https://kzar.example/ns#'
"""

from __future__ import annotations

from typing import TypeVar

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

__all__ = [
    "CAMEO",
    "DCTERMS",
    "FOAF",
    "KZAR",
    "OA",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "XSD",
    "bind_prefixes",
    "cameo_concept",
]


class SCHEMA(DefinedNamespace):
    """The schema.org terms kzar_ld writes or checks (http namespace)."""

    _NS = Namespace("http://schema.org/")
    _fail = True

    # classes
    AdministrativeArea: URIRef
    Boolean: URIRef
    City: URIRef
    Continent: URIRef
    Corporation: URIRef
    Country: URIRef
    CreativeWork: URIRef
    DataType: URIRef
    Date: URIRef
    DateTime: URIRef
    Duration: URIRef
    Event: URIRef
    EventScheduled: URIRef
    EventSeries: URIRef
    EventStatusType: URIRef
    Float: URIRef
    GovernmentOrganization: URIRef
    Integer: URIRef
    Intangible: URIRef
    NewsArticle: URIRef
    NewsMediaOrganization: URIRef
    Number: URIRef
    Occupation: URIRef
    Organization: URIRef
    OrganizationRole: URIRef
    Person: URIRef
    Place: URIRef
    PropertyValue: URIRef
    Quantity: URIRef
    Role: URIRef
    SoftwareApplication: URIRef
    Text: URIRef
    Thing: URIRef
    Time: URIRef
    URL: URIRef
    # properties
    about: URIRef
    alternateName: URIRef
    areaServed: URIRef
    articleBody: URIRef
    attendee: URIRef
    author: URIRef
    containedInPlace: URIRef
    containsPlace: URIRef
    contentLocation: URIRef
    dateModified: URIRef
    datePublished: URIRef
    dateline: URIRef
    description: URIRef
    domainIncludes: URIRef
    endDate: URIRef
    eventStatus: URIRef
    familyName: URIRef
    givenName: URIRef
    hasOccupation: URIRef
    headline: URIRef
    honorificPrefix: URIRef
    honorificSuffix: URIRef
    identifier: URIRef
    image: URIRef
    inLanguage: URIRef
    isBasedOn: URIRef
    isPartOf: URIRef
    keywords: URIRef
    location: URIRef
    logo: URIRef
    mainEntityOfPage: URIRef
    member: URIRef
    memberOf: URIRef
    mentions: URIRef
    name: URIRef
    nationality: URIRef
    parentOrganization: URIRef
    propertyID: URIRef
    publisher: URIRef
    rangeIncludes: URIRef
    roleName: URIRef
    sameAs: URIRef
    startDate: URIRef
    subEvent: URIRef
    subOrganization: URIRef
    superEvent: URIRef
    url: URIRef
    value: URIRef
    workLocation: URIRef
    worksFor: URIRef


class OA(DefinedNamespace):
    """The W3C Web Annotation terms kzar_ld uses."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    end: URIRef
    exact: URIRef
    hasBody: URIRef
    hasSelector: URIRef
    hasSource: URIRef
    hasTarget: URIRef
    identifying: URIRef
    motivatedBy: URIRef
    prefix: URIRef
    start: URIRef
    suffix: URIRef


class KZAR(DefinedNamespace):
    """kzar_ld's own vocabulary; documented in ``ontologies/kzar.ttl``."""

    _NS = Namespace("https://kzar.example/ns#")
    _fail = True

    Background: URIRef
    ConsularDistrict: URIRef
    DiplomaticRelation: URIRef
    DiplomaticVisit: URIRef
    HonoraryConsulate: URIRef
    Planned: URIRef
    PoliticalConsultations: URIRef
    ReportStatus: URIRef
    UnnamedPerson: URIRef
    WorkingVisit: URIRef
    cameoType: URIRef
    confidence: URIRef
    contentHash: URIRef
    derivation: URIRef
    endedNoLaterThan: URIRef
    establishedYear: URIRef
    evidence: URIRef
    heldOn: URIRef
    ordinal: URIRef
    party: URIRef
    reportStatus: URIRef


#: The CAMEO event codes as SKOS concepts (``ontologies/cameo.ttl``); a code is a local name
#: of digits, which a closed namespace cannot hold as an attribute, hence :func:`cameo_concept`.
CAMEO = Namespace("https://kzar.example/ns/cameo/")


def cameo_concept(code: str) -> URIRef:
    """The SKOS concept of a CAMEO event code.

    >>> str(cameo_concept("057"))
    'https://kzar.example/ns/cameo/057'
    """
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 4):
        raise ValueError(f"a CAMEO code is two to four digits, not {code!r}")
    return CAMEO[code]


#: The prefixes used in every serialisation and predeclared in every query.
PREFIXES: dict[str, str] = {
    "foaf": str(FOAF),
    "kzar": str(KZAR),
    "oa": str(OA),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "xsd": str(XSD),
}


_G = TypeVar("_G", bound=Graph)


def bind_prefixes(graph: _G) -> _G:
    """Bind every prefix of :data:`PREFIXES` in ``graph`` (a Graph or a Dataset) and return it.

    rdflib binds ``schema:`` to ``https://schema.org/`` by default, while our data uses
    ``http://schema.org/``: without this, rdflib's own ``graph.query("... schema:Person")``
    silently finds nothing and ``graph.serialize()`` invents ``ns1:``. Our bindings replace
    whatever else held the prefix or the namespace.

    >>> from rdflib import Dataset
    >>> ds = bind_prefixes(Dataset())
    >>> dict(ds.namespaces())["schema"]
    rdflib.term.URIRef('http://schema.org/')
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
