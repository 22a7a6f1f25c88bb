"""Convert RDF terms between rdflib and pyoxigraph, keeping lexical forms and datatypes exactly.

Example:
    >>> from rdflib import Literal, URIRef
    >>> xsd_nni = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
    >>> back = from_oxigraph(to_oxigraph(Literal("05", datatype=xsd_nni, normalize=False)))
    >>> str(back), back.datatype == xsd_nni
    ('05', True)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["OxTerm", "from_oxigraph", "to_oxigraph", "to_oxigraph_cached"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_oxigraph(term: Node) -> OxTerm:
    """The pyoxigraph term with the same value, datatype or language as an rdflib term.

    >>> to_oxigraph(URIRef("http://schema.org/name"))
    <NamedNode value=http://schema.org/name>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert the RDF term {term!r}")


def to_oxigraph_cached() -> Callable[[Node], OxTerm]:
    """A :func:`to_oxigraph` that converts each distinct term once: statements repeat their terms.

    >>> convert = to_oxigraph_cached()
    >>> convert(URIRef("urn:a")) is convert(URIRef("urn:a"))
    True
    """
    return functools.cache(to_oxigraph)


def from_oxigraph(term: Any) -> URIRef | BNode | Literal:
    """The rdflib term with the same value, lexical form and datatype as a pyoxigraph term.

    The lexical form is kept as written (``"05"`` stays ``"05"``): rdflib would otherwise
    normalise some datatypes.

    >>> from_oxigraph(ox.Literal("x", language="en"))
    rdflib.term.Literal('x', lang='en')
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"cannot convert the RDF term {term!r}")
