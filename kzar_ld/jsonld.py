"""Compacted JSON-LD under schema.org's official context, written directly and in linear time.

The document's context is ``["https://schema.org", {"oa": ..., "kzar": ...}]``, so a web page
can embed it as it is; schema.org terms appear as their plain names (``"headline"``), other
vocabularies as compact IRIs (``"foaf:name"``, ``"kzar:heldOn"``). Term choice follows the
official context as shipped: a value is written in its short form only where the term's type
coercion gives back exactly the same RDF term, and as an explicit value or node object
otherwise, so expanding the document with any JSON-LD processor gives the same graph as our
Turtle. Nodes that hang off a single parent (selectors, a role, an identifier) are nested in it,
the rest are listed in ``@graph`` with the articles first.

:func:`to_embedded_jsonld` writes the other form, for embedding in an article's page: framed, with
the NewsArticle at the root and what it links to nested in it, under ``"@context":
"https://schema.org"`` alone; :func:`embeddable_json` makes its text safe inside a script element.

Example:
    >>> from kzar_ld import build_graph, load_article
    >>> from kzar_ld.serialization import sorted_quads
    >>> doc = to_jsonld(sorted_quads(build_graph(load_article("examples/kazinform-2023-08-24")), graphs=False))
    >>> doc["@context"][0], doc["@graph"][0]["@type"]
    ('https://schema.org', ['NewsArticle', 'foaf:Document'])
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kzar_ld.errors import InputError
from kzar_ld.namespaces import OA, RDF, SCHEMA, XSD
from kzar_ld.resources import schemaorg_context

__all__ = ["CONTEXT", "EMBED_CONTEXT", "embeddable_json", "to_embedded_jsonld", "to_jsonld", "to_jsonld_bytes"]

SCHEMA_ORG_CONTEXT = "https://schema.org"

#: What our documents declare: the official context, plus the two vocabularies it lacks.
CONTEXT: list[Any] = [SCHEMA_ORG_CONTEXT, {"kzar": "https://kzar.example/ns#", "oa": str(OA)}]

#: What an embedded, framed document declares: schema.org's context alone, as search engines expect.
EMBED_CONTEXT = SCHEMA_ORG_CONTEXT

# Links that point back at something already described; they do not make a node "owned".
_BACK_LINKS = {str(OA.hasBody), str(RDF.subject), str(RDF.object)}
_S = str(SCHEMA)


@cache
def _prefixes() -> tuple[tuple[str, str], ...]:
    ctx = schemaorg_context()["@context"]
    pairs = {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}
    pairs.update(CONTEXT[1])
    # Longest namespace first, so the most specific prefix wins.
    return tuple(sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0])))


@cache
def _embed_prefixes() -> tuple[tuple[str, str], ...]:
    """The prefixes of schema.org's context alone (an embedded document declares nothing else)."""
    return tuple(kv for kv in _prefixes() if kv[0] not in CONTEXT[1])


@cache
def _schema_terms() -> dict[str, tuple[str, str | None]]:
    """schema.org term name -> (expanded IRI, type coercion or None)."""
    ctx = schemaorg_context()["@context"]
    out: dict[str, tuple[str, str | None]] = {}
    for term, definition in ctx.items():
        if term.startswith("@") or not isinstance(definition, dict):
            continue
        iri = definition.get("@id", "")
        if iri.startswith("schema:"):
            coercion = definition.get("@type")
            out[term] = (_S + iri[len("schema:") :], coercion)
    return out


@cache
def _curie(iri: str, *, embed: bool = False) -> str | None:
    for prefix, ns in _embed_prefixes() if embed else _prefixes():
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns) :]
            if all(c.isalnum() or c in "_-." for c in local):
                return f"{prefix}:{local}"
    return None


def _property(iri: str, *, embed: bool = False) -> tuple[str, str | None]:
    """The key for a predicate and its type coercion (None: no coercion)."""
    if iri.startswith(_S):
        local = iri[len(_S) :]
        found = _schema_terms().get(local)
        if found is not None and found[0] == iri:
            return local, _expand_coercion(found[1])
        if found is None and local.isidentifier() and local not in _reserved():
            return local, None  # expands through @vocab
    curie = _curie(iri, embed=embed)
    return (curie, None) if curie is not None else (iri, None)


@cache
def _reserved() -> frozenset[str]:
    ctx = schemaorg_context()["@context"]
    return frozenset(k for k, v in ctx.items() if isinstance(v, str))


def _expand_coercion(coercion: str | None) -> str | None:
    if coercion is None or coercion.startswith("@"):
        return coercion
    return _S + coercion if ":" not in coercion else coercion


def _class(iri: str, *, embed: bool = False) -> str:
    if iri.startswith(_S):
        local = iri[len(_S) :]
        found = _schema_terms().get(local)
        if (found is None or found[0] == iri) and local not in _reserved():
            return local
    curie = _curie(iri, embed=embed)
    return curie if curie is not None else iri


def _value(o: Node, coercion: str | None, *, embed: bool = False) -> Any:
    if isinstance(o, URIRef | BNode):
        ref = str(o) if isinstance(o, URIRef) else f"_:{o}"
        return ref if coercion == "@id" and isinstance(o, URIRef) else {"@id": ref}
    assert isinstance(o, Literal)
    text = str(o)
    if o.language:
        return {"@value": text, "@language": o.language}
    datatype = str(o.datatype) if o.datatype is not None else None
    if datatype in (None, str(XSD.string)):
        # A plain string would be coerced by a typed term, so spell it out there.
        return text if coercion is None else {"@value": text}
    assert datatype is not None
    if embed and coercion in _DATE_COERCIONS and datatype in _DATE_COERCIONS[coercion]:
        # Search engines read plain ISO strings; the term's coercion types them schema:Date.
        return text
    return {"@value": text, "@type": _curie(datatype, embed=embed) or datatype}


Quad = tuple[Node, Node, Node, Node | None]

_DATE_COERCIONS = {
    _S + "Date": (str(XSD.date),),
    _S + "DateTime": (str(XSD.dateTime),),
}


def to_jsonld(quads: Sequence[Quad]) -> dict[str, Any]:
    """Build the JSON-LD document (a dict) from sorted statements (see :func:`~kzar_ld.serialization.sorted_quads`)."""
    subjects: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o, _ in quads:
        subjects.setdefault(s, []).append((p, o))
    refs: Counter[Node] = Counter()
    parent_of: dict[Node, Node] = {}
    for s, p, o, _ in quads:
        if isinstance(o, URIRef | BNode) and str(p) not in _BACK_LINKS and p != RDF.type:
            refs[o] += 1
            parent_of[o] = s
    parent = {child: par for child, par in parent_of.items() if refs[child] == 1 and child in subjects and child != par}
    # Break cycles of single-parent nodes: such a node stays at the top level.
    for start in list(parent):
        seen = {start}
        node = parent.get(start)
        while node is not None and node not in seen:
            seen.add(node)
            node = parent.get(node)
        if node is not None:
            parent.pop(node, None)

    def node_object(s: Node) -> dict[str, Any]:
        obj: dict[str, Any] = {"@id": str(s) if isinstance(s, URIRef) else f"_:{s}"}
        types = [_class(str(o)) for p, o in subjects[s] if p == RDF.type]
        if types:
            obj["@type"] = types[0] if len(types) == 1 else types
        for p, o in subjects[s]:
            if p == RDF.type:
                continue
            key, coercion = _property(str(p))
            value = node_object(o) if parent.get(o) == s else _value(o, coercion)
            if key in obj:
                existing = obj[key]
                if isinstance(existing, list):
                    existing.append(value)
                else:
                    obj[key] = [existing, value]
            else:
                obj[key] = value
        return obj

    top = [node_object(s) for s in subjects if s not in parent]
    return {"@context": CONTEXT, "@graph": top}


def to_jsonld_bytes(quads: Sequence[Quad]) -> bytes:
    """The JSON-LD document as UTF-8 bytes, indented, with a final newline."""
    return (json.dumps(to_jsonld(quads), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Under an article, these come first and are nested in full wherever they appear: they are what
# search engines read (author and publisher with their name, url and logo).
_EMBED_FIRST = (SCHEMA.author, SCHEMA.publisher, SCHEMA.about, SCHEMA.contentLocation)
_EMBED_ALWAYS = frozenset({SCHEMA.author, SCHEMA.publisher})


def to_embedded_jsonld(quads: Sequence[Quad], article: URIRef) -> dict[str, Any]:
    """A framed JSON-LD document for embedding in the article's page: the NewsArticle at the root.

    ``quads`` are the sorted statements of the article's graph (see
    :func:`~kzar_ld.serialization.sorted_quads`). The document holds everything reachable from
    the article by following links forward: its author, publisher, the people, organisations,
    places and events it mentions, their roles and identifiers. The Web Annotations (the
    mentions' provenance, which point *at* the article) and the reified derived statements are
    left out: they are in the article's Turtle and full JSON-LD. Each node is nested at the
    shallowest place that refers to it (breadth first from the article, author and publisher
    first), referenced by ``@id`` elsewhere, except author and publisher, which are nested in full
    wherever they appear. The context is ``"https://schema.org"`` alone, so FOAF terms are
    ``foaf:`` compact IRIs and our own terms absolute IRIs. ``datePublished`` and
    ``dateModified`` are plain ISO strings, which schema.org's context types ``schema:Date``.

    >>> from kzar_ld import build_graph, load_article
    >>> from kzar_ld.serialization import sorted_quads
    >>> ds = build_graph(load_article("examples/kazinform-2023-08-24"))
    >>> iri = URIRef("https://kzar.example/id/article/000_b748ee61ec8ac40c")
    >>> doc = to_embedded_jsonld(sorted_quads(ds, graphs=False), iri)
    >>> doc["@context"], doc["@type"], doc["datePublished"], doc["publisher"]["name"]
    ('https://schema.org', ['NewsArticle', 'foaf:Document'], '2023-08-24', 'Kazinform')
    """
    subjects: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o, _ in quads:
        subjects.setdefault(s, []).append((p, o))
    if article not in subjects:
        raise InputError(f"no statements about the article <{article}> in the graph")

    def links(s: Node) -> list[tuple[Node, Node]]:
        pairs = subjects.get(s, [])
        if s != article:
            return pairs
        rank: dict[Node, int] = {p: i for i, p in enumerate(_EMBED_FIRST)}
        return sorted(pairs, key=lambda po: rank.get(po[0], len(rank)))  # stable: keeps the sort below

    # Breadth first from the article: where each node is nested.
    home: dict[Node, tuple[Node, Node]] = {}
    queue: list[Node] = [article]
    seen: set[Node] = {article}
    for s in queue:
        for p, o in links(s):
            if p != RDF.type and o in subjects and o not in seen:
                seen.add(o)
                home[o] = (s, p)
                queue.append(o)

    def node_object(s: Node, ancestors: frozenset[Node]) -> dict[str, Any]:
        obj: dict[str, Any] = {"@id": str(s) if isinstance(s, URIRef) else f"_:{s}"}
        types = [_class(str(o), embed=True) for p, o in subjects[s] if p == RDF.type]
        if types:
            obj["@type"] = types[0] if len(types) == 1 else types
        inside = ancestors | {s}
        for p, o in links(s):
            if p == RDF.type:
                continue
            key, coercion = _property(str(p), embed=True)
            nest = (
                o in subjects and o not in inside and (home.get(o) == (s, p) or (s == article and p in _EMBED_ALWAYS))
            )
            value = node_object(o, inside) if nest else _value(o, coercion, embed=True)
            existing = obj.get(key)
            if existing is None:
                obj[key] = value
            elif isinstance(existing, list):
                existing.append(value)
            else:
                obj[key] = [existing, value]
        return obj

    return {"@context": EMBED_CONTEXT, **node_object(article, frozenset())}


_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def embeddable_json(doc: Any) -> str:
    r"""JSON text that is safe inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` (and the two JavaScript line separators) only occur inside JSON
    strings, where ``\u003c`` and friends mean the same character, so ``</script>`` or ``<!--``
    in any literal cannot end the script element or start a comment.

    >>> embeddable_json({"headline": "</script><!-- & -->"})
    '{\n  "headline": "\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"\n}'
    """
    return json.dumps(doc, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)
