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

from rdflib import Namespace, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SH, XSD, DefinedNamespace

__all__ = ["FOAF", "KZAR", "OA", "OWL", "PREFIXES", "RDF", "RDFS", "SCHEMA", "SH", "XSD"]


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
    EventSeries: URIRef
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

    ConsularDistrict: URIRef
    DiplomaticRelation: URIRef
    DiplomaticVisit: URIRef
    HonoraryConsulate: URIRef
    PoliticalConsultations: URIRef
    UnnamedPerson: URIRef
    WorkingVisit: URIRef
    derivation: URIRef
    endedNoLaterThan: URIRef
    establishedYear: URIRef
    heldOn: URIRef
    ordinal: URIRef
    party: URIRef


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
