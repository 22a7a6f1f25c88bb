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

from rdflib import Namespace
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SH, XSD, DefinedNamespace

__all__ = ["FOAF", "KZAR", "OA", "OWL", "PREFIXES", "RDF", "RDFS", "SCHEMA", "SH", "XSD"]


class SCHEMA(DefinedNamespace):
    """The schema.org terms kzar_ld writes or checks (http namespace)."""

    _NS = Namespace("http://schema.org/")
    _fail = True

    # classes
    AdministrativeArea: object
    City: object
    Continent: object
    Corporation: object
    Country: object
    CreativeWork: object
    Event: object
    EventSeries: object
    GovernmentOrganization: object
    Intangible: object
    NewsArticle: object
    NewsMediaOrganization: object
    Occupation: object
    Organization: object
    OrganizationRole: object
    Person: object
    Place: object
    PropertyValue: object
    Role: object
    Thing: object
    # properties
    about: object
    alternateName: object
    areaServed: object
    articleBody: object
    attendee: object
    author: object
    containedInPlace: object
    containsPlace: object
    contentLocation: object
    dateModified: object
    datePublished: object
    dateline: object
    description: object
    endDate: object
    familyName: object
    givenName: object
    hasOccupation: object
    headline: object
    honorificPrefix: object
    honorificSuffix: object
    identifier: object
    image: object
    inLanguage: object
    isBasedOn: object
    keywords: object
    location: object
    member: object
    memberOf: object
    mentions: object
    name: object
    nationality: object
    parentOrganization: object
    propertyID: object
    publisher: object
    roleName: object
    sameAs: object
    startDate: object
    subEvent: object
    subOrganization: object
    superEvent: object
    url: object
    value: object
    workLocation: object
    worksFor: object


class OA(DefinedNamespace):
    """The W3C Web Annotation terms kzar_ld uses."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: object
    SpecificResource: object
    TextPositionSelector: object
    TextQuoteSelector: object
    end: object
    exact: object
    hasBody: object
    hasSelector: object
    hasSource: object
    hasTarget: object
    identifying: object
    motivatedBy: object
    prefix: object
    start: object
    suffix: object


class KZAR(DefinedNamespace):
    """kzar_ld's own vocabulary; documented in ``ontologies/kzar.ttl``."""

    _NS = Namespace("https://kzar.example/ns#")
    _fail = True

    ConsularDistrict: object
    DiplomaticRelation: object
    DiplomaticVisit: object
    HonoraryConsulate: object
    PoliticalConsultations: object
    WorkingVisit: object
    derivation: object
    endedNoLaterThan: object
    establishedYear: object
    heldOn: object
    ordinal: object
    party: object


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
