"""A static web site of the articles whose paths mirror the IRIs, so that every IRI resolves.

For a resource ``{base}{path}`` (an article, a person, a place, a role, a mention...) the site has
``{out}/{path}/index.html``, ``index.ttl``, ``index.jsonld`` and ``index.nt``: deploy the folder
at the base and each IRI has a page for browsers and data for machines (docs/web.md shows the
nginx and Apache rules that pick one by the ``Accept`` header). :data:`LAYOUT` is that contract.

- Article pages: headline, dates, dateline, the body with every mention highlighted at its
  offsets and linked to its entity's page, the people, organisations, places and events of the
  story, the derived facts with their reasons, the framed JSON-LD embedded for search engines,
  and ``<link rel="alternate">`` to the Turtle and JSON-LD.
- Entity pages: every statement the corpus makes about the entity (both directions), each with
  the articles that state it and the mention that supports it, quoted in context; then every
  mention of it, article by article.
- Mention pages: each mention IRI (``article/{id}/mention/{start}-{end}``) has a small page of
  its own with the quote in context, linking to the highlighted words in the article page.
- Index pages: ``index.html`` (articles, newest first), ``people/``, ``organisations/``,
  ``places/`` and ``events/`` (a timeline by the dates of the articles that report them).

Pages are static HTML5: no script, no remote font or stylesheet, one local stylesheet, every
link relative (the site works from any folder, from ``file://`` too). The same graphs give the
same bytes. The site is written into a temporary folder beside ``out`` and renamed into place,
so an existing site is replaced whole or not at all.

Example:
    >>> import tempfile
    >>> from kzar_ld import build_graph, load_article
    >>> out = Path(tempfile.mkdtemp()) / "site"
    >>> site = build_site(build_graph(load_article("examples/kazinform-2023-08-24")), out)
    >>> (out / "person/kairat-umarov/index.ttl").is_file(), site.articles
    (True, 1)
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kzar_ld._gc import paused_gc
from kzar_ld._stop import check_stop
from kzar_ld.errors import OutputError
from kzar_ld.iris import DEFAULT_BASE
from kzar_ld.namespaces import FOAF, KZAR, OA, PREFIXES, RDF, SCHEMA
from kzar_ld.resources import read_text
from kzar_ld.serialization import _term_key
from kzar_ld.terms import to_oxigraph
from kzar_ld.web.corpus import ArticleView, Category, Corpus, MentionView, read_corpus
from kzar_ld.web.markup import mark_body

if TYPE_CHECKING:
    import jinja2

__all__ = ["GENERATOR", "LAYOUT", "Site", "SiteLayout", "build_site"]

#: The ``<meta name="generator">`` of every page; a folder whose ``index.html`` has it may be replaced.
GENERATOR = "kzar-ld"


@dataclass(frozen=True, slots=True)
class SiteLayout:
    """Where the files of a site are; the contract between the site and the server.

    >>> LAYOUT.document("person/kairat-umarov", "text/turtle")
    'person/kairat-umarov/index.ttl'
    >>> LAYOUT.document("", "text/html")
    'index.html'
    """

    #: The document of each media type, inside a resource's folder ``{out}/{path}/``.
    documents: Mapping[str, str]
    #: The index folders: ``{out}/{folder}/index.html``; the home page lists the articles.
    indexes: tuple[str, ...]
    #: The stylesheet every page links to, at the top of the site.
    stylesheet: str
    #: The page of an IRI that is not in the site.
    not_found: str

    def document(self, path: str, media_type: str) -> str:
        """The file (relative to the site's folder) of a resource's document in ``media_type``."""
        name = self.documents[media_type]
        return f"{path}/{name}" if path else name


LAYOUT = SiteLayout(
    documents=MappingProxyType(
        {
            "text/html": "index.html",
            "text/turtle": "index.ttl",
            "application/ld+json": "index.jsonld",
            "application/n-triples": "index.nt",
        }
    ),
    indexes=tuple(c.value for c in Category if c is not Category.OTHER),
    stylesheet="site.css",
    not_found="404.html",
)


@dataclass(frozen=True, slots=True)
class Site:
    """What :func:`build_site` wrote."""

    root: Path
    base: str
    articles: int
    resources: int  # folders with the four documents
    files: int


# Statements that are shown elsewhere on a page, or that only say where something was read.
_HIDDEN_OUT = frozenset({RDF.type, SCHEMA.articleBody, SCHEMA.mentions, FOAF.topic})
_HIDDEN_IN = frozenset(
    {SCHEMA.mentions, FOAF.topic, OA.hasBody, OA.hasSource, RDF.subject, RDF.object, SCHEMA.subEvent, SCHEMA.superEvent}
)
_INVERSE = {
    SCHEMA.attendee: "attended",
    SCHEMA.author: "author of",
    SCHEMA.publisher: "publisher of",
    FOAF.maker: "maker of",
    SCHEMA.about: "subject of",
    SCHEMA.contentLocation: "place of the story",
    SCHEMA.location: "location of",
    SCHEMA.containedInPlace: "contains",
    SCHEMA.containsPlace: "is within",
    SCHEMA.parentOrganization: "parent organisation of",
    SCHEMA.areaServed: "served by",
    SCHEMA.nationality: "nationality of",
    SCHEMA.workLocation: "work location of",
    SCHEMA.hasOccupation: "occupation of",
    SCHEMA.worksFor: "role at",
    SCHEMA.memberOf: "role in",
    SCHEMA.member: "member of",
    FOAF.member: "member of",
    FOAF.primaryTopic: "primary topic of",
    KZAR.party: "party to",
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _words(iri: Node) -> str:
    local = re.split(r"[/#]", str(iri).rstrip("/#"))[-1]
    return _CAMEL.sub(" ", local).lower()


def _curie(iri: Node) -> str:
    """``schema:Person``, ``foaf:name``: how a term is written in our Turtle."""
    text = str(iri)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


def _inverse(predicate: Node) -> str:
    found = _INVERSE.get(predicate) if isinstance(predicate, URIRef) else None
    return found if found is not None else f"is {_words(predicate)} of"


def build_site(data: Dataset | Iterable[Graph], out: str | os.PathLike[str], *, base: str = DEFAULT_BASE) -> Site:
    """Write the static site of the articles in ``data`` (one named graph per article) to ``out``.

    ``data`` is what :func:`kzar_ld.build_graph` returns, or any iterable of per-article graphs
    (each named by its article's IRI). ``base`` is the base the IRIs were minted under; IRIs
    outside it (Wikidata, GeoNames) are linked, not given pages. ``out`` must not exist, be
    empty, or hold a site written before (its ``index.html`` names :data:`GENERATOR`, beside the
    stylesheet and the 404 page); it is replaced whole. Raises :class:`~kzar_ld.errors.OutputError`
    when it cannot be written and :class:`~kzar_ld.errors.InputError` when no article is under ``base``.
    """
    target = Path(out)
    _check_target(target)
    with paused_gc():  # millions of small, acyclic objects: collections would make this superlinear
        return _build(data, target, base)


def _build(data: Dataset | Iterable[Graph], target: Path, base: str) -> Site:
    corpus = read_corpus(data, base=base)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write the site to {str(target)!r}: the folder {str(parent)!r} does not exist")
    try:
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise OutputError(f"cannot write in {str(parent)!r}: {exc.strerror}") from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        resources, files = _Writer(corpus, staging).write()
        _swap(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the site to {str(target)!r}: {exc.strerror}") from exc
        raise
    return Site(root=target, base=corpus.base, articles=len(corpus.articles), resources=resources, files=files)


def _check_target(target: Path) -> None:
    if target.is_file() or (target.exists() and not target.is_dir()):
        raise OutputError(f"cannot write the site to {str(target)!r}: it is a file, not a folder")
    if target.is_dir() and any(target.iterdir()):
        home = target / LAYOUT.document("", "text/html")
        marker = f'<meta name="generator" content="{GENERATOR}">'
        try:
            # A site's top (not one of its resource folders): the home page, the stylesheet, the 404 page.
            ours = (
                (target / LAYOUT.stylesheet).is_file()
                and (target / LAYOUT.not_found).is_file()
                and marker in home.read_text(encoding="utf-8", errors="replace")[:4096]
            )
        except OSError:
            ours = False
        if not ours:
            raise OutputError(
                f"refusing to replace {str(target)!r}: the folder is not empty and holds no kzar-ld site; "
                "choose a new or empty folder"
            )


def _swap(staging: Path, target: Path) -> None:
    check_stop()  # a stop whose exception was dropped on the way must not replace the site
    if not target.exists():
        os.replace(staging, target)
        return
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    os.rmdir(old)
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _environment() -> jinja2.Environment:
    import jinja2  # only the site needs it

    def load(name: str) -> str:
        return read_text("web/templates", name)

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


class _Writer:
    """Renders and writes every page of a corpus into a folder."""

    def __init__(self, corpus: Corpus, root: Path) -> None:
        self.c = corpus
        self.root = root
        self.env = _environment()
        self.files = 0
        self._ox: dict[Node, Any] = {}
        self._labels: dict[Node, str] = {}
        union = corpus.union
        # Every subject under the base without a fragment has a folder; a fragment's statements
        # (an identifier, a selector) belong to the document of the IRI before the '#'.
        self.described: dict[str, list[tuple[Node, Node, Node]]] = defaultdict(list)
        for s, p, o in union:
            doc = str(s).split("#", 1)[0]
            if corpus.local(URIRef(doc)) is not None:
                self.described[doc].append((s, p, o))
        self.pages = frozenset(self.described)
        self.by_iri = {a.iri: a for a in corpus.articles}
        # Which articles state each triple, and the mentions of each node in each article.
        self.stated: dict[tuple[Node, Node, Node], list[ArticleView]] = defaultdict(list)
        self.mentions: dict[tuple[URIRef, Node], list[MentionView]] = defaultdict(list)
        self.mentioned_in: dict[Node, list[ArticleView]] = defaultdict(list)
        self.by_mention: dict[Node, tuple[MentionView, ArticleView]] = {}
        self.described_by: dict[Node, list[ArticleView]] = defaultdict(list)
        for article in corpus.articles:
            for triple in article.graph:
                self.stated[triple].append(article)
                if triple[1] == RDF.type:
                    self.described_by[triple[0]].append(article)
            for m in article.mentions:
                self.by_mention[m.iri] = (m, article)
                key = (article.iri, m.entity)
                if not self.mentions[key]:
                    self.mentioned_in[m.entity].append(article)
                self.mentions[key].append(m)
        self.derived: dict[tuple[URIRef, Node, Node, Node], str] = {}
        for article in corpus.articles:
            for f in article.facts:
                self.derived[(article.iri, f.subject, f.predicate, f.object)] = f.reason

    # -- paths and links -----------------------------------------------------------------------

    def prefix(self, path: str) -> str:
        return "../" * (path.count("/") + 1) if path else ""

    def href(self, node: Node, here: str) -> str | None:
        """A relative link from the page at ``here`` to the page of ``node``, or its IRI when foreign."""
        local = self.c.local(node)
        if local is not None and str(node) in self.pages:
            return f"{self.prefix(here)}{local}/index.html"
        if isinstance(node, URIRef) and str(node).startswith(("http://", "https://")) and local is None:
            return str(node)
        return None

    def ref(self, node: Node, here: str) -> dict[str, Any]:
        """What a template needs to show a node: its name, link and IRI (or a literal's text)."""
        if isinstance(node, Literal):
            return {"text": str(node), "href": None, "iri": None, "lang": node.language}
        return {"text": self.label(node), "href": self.href(node, here), "iri": str(node), "lang": None}

    def mention_ref(self, m: MentionView, article: ArticleView, here: str) -> dict[str, Any]:
        path = self.c.local(article.iri)
        assert path is not None
        # The context is cut at a fixed width: say so when it does not reach the body's ends.
        return {
            "prefix": ("…" if m.start - len(m.prefix) > 0 else "") + m.prefix,
            "exact": m.exact,
            "suffix": m.suffix + ("…" if m.end + len(m.suffix) < len(article.body) else ""),
            "href": f"{self.prefix(here)}{path}/index.html#{m.anchor}",
            "article": article.headline,
            "date": article.date_published,
        }

    # -- writing -------------------------------------------------------------------------------

    def put(self, rel: str, payload: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        self.files += 1

    def page(
        self, template: str, here: str, title: str, *, file: str | None = None, root: str | None = None, **context: Any
    ) -> None:
        html = self.env.get_template(template).render(
            title=title,
            root=self.prefix(here) if root is None else root,
            generator=GENERATOR,
            indexes=LAYOUT.indexes,
            stylesheet=LAYOUT.stylesheet,
            lang=context.pop("lang", "en"),
            alternates=context.pop("alternates", True),
            **context,
        )
        self.put(file or LAYOUT.document(here, "text/html"), html.encode("utf-8"))

    def data_documents(
        self, path: str, triples: Iterable[tuple[Node, Node, Node]], *, whole: Graph | None = None
    ) -> None:
        """The Turtle, N-Triples and JSON-LD of a resource: sorted as :mod:`kzar_ld.serialization` sorts."""
        import pyoxigraph as ox

        from kzar_ld.jsonld import to_jsonld_bytes
        from kzar_ld.serialization import Format, serialize

        if whole is not None:  # an article: its named graph, written exactly as `build` writes it
            self.put(LAYOUT.document(path, "text/turtle"), serialize(whole, format=Format.TURTLE))
            self.put(LAYOUT.document(path, "application/n-triples"), serialize(whole, format=Format.NT))
            self.put(LAYOUT.document(path, "application/ld+json"), serialize(whole, format=Format.JSON_LD))
            return
        # One resource's few statements: sorting them directly is much cheaper than building a graph.
        ordered = sorted(
            set(triples), key=lambda t: (_term_key(t[0]), t[1] != RDF.type, _term_key(t[1]), _term_key(t[2]))
        )
        statements = [ox.Triple(self.ox(s), self.ox(p), self.ox(o)) for s, p, o in ordered]
        turtle = ox.serialize(statements, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
        ntriples = ox.serialize(statements, format=ox.RdfFormat.N_TRIPLES)
        assert turtle is not None and ntriples is not None
        self.put(LAYOUT.document(path, "text/turtle"), turtle)
        self.put(LAYOUT.document(path, "application/n-triples"), ntriples)
        self.put(LAYOUT.document(path, "application/ld+json"), to_jsonld_bytes([(*t, None) for t in ordered]))

    def label(self, node: Node) -> str:
        found = self._labels.get(node)
        if found is None:
            found = self._labels[node] = self.c.label(node)
        return found

    def ox(self, term: Node) -> Any:
        found = self._ox.get(term)
        if found is None:
            found = self._ox[term] = to_oxigraph(term)
        return found

    def write(self) -> tuple[int, int]:
        self.put(LAYOUT.stylesheet, read_text("web/templates", "site.css").encode("utf-8"))
        resources = 0
        for iri in sorted(self.pages):
            node = URIRef(iri)
            path = self.c.local(node)
            assert path is not None
            article = self.by_iri.get(node)
            if article is not None:
                self.data_documents(path, (), whole=article.graph)
                self.article_page(article, path)
            else:
                self.data_documents(path, self.described[iri])
                if (node, RDF.type, OA.Annotation) in self.c.union:
                    self.mention_page(node, path)
                else:
                    self.entity_page(node, path)
            resources += 1
        self.home()
        for category in Category:
            if category is Category.EVENTS:
                self.timeline()
            elif category is not Category.OTHER:
                self.index(category)
        # Served in place of any missing address, at any depth: its links start from the base's path.
        root = urlsplit(self.c.base).path
        self.page("404.html", "", "Not found", alternates=False, file=LAYOUT.not_found, root=root)
        return resources, self.files

    # -- pages ---------------------------------------------------------------------------------

    def article_page(self, article: ArticleView, here: str) -> None:
        from kzar_ld.jsonld import embeddable_json, to_embedded_jsonld
        from kzar_ld.serialization import sorted_quads

        g, iri = article.graph, article.iri

        def link(node: Node) -> tuple[str, str] | None:
            href = self.href(node, here)
            return (href, self.label(node)) if href else None

        groups: dict[Category, list[dict[str, Any]]] = {c: [] for c in Category}
        for node in sorted(g.objects(iri, SCHEMA.mentions), key=lambda n: (self.label(n).casefold(), str(n))):
            category = self.c.categories.get(node, Category.OTHER) if isinstance(node, URIRef) else Category.OTHER
            count = len(self.mentions.get((iri, node), ()))
            groups[category].append({**self.ref(node, here), "count": count})
        facts = [
            {
                "subject": self.ref(f.subject, here),
                "predicate": _words(f.predicate),
                "object": self.ref(f.object, here),
                "reason": f.reason,
            }
            for f in article.facts
        ]
        implied = [
            {"subject": self.ref(s, here), "reason": str(reason)}
            for s, reason in sorted(g.subject_objects(KZAR.derivation), key=lambda so: str(so[0]))
            if (s, RDF.type, RDF.Statement) not in g
        ]
        self.page(
            "article.html",
            here,
            article.headline,
            lang=article.language,
            article=article,
            iri=str(iri),
            publishers=[self.ref(n, here) for n in sorted(g.objects(iri, SCHEMA.publisher), key=str)],
            authors=[self.ref(n, here) for n in sorted(g.objects(iri, SCHEMA.author), key=str)],
            based_on=[self.ref(n, here) for n in sorted(g.objects(iri, SCHEMA.isBasedOn), key=str)],
            body=mark_body(article.body, article.mentions, link),
            groups=[(c.value.capitalize(), groups[c]) for c in Category if groups[c]],
            facts=facts,
            implied=implied,
            jsonld=embeddable_json(to_embedded_jsonld(sorted_quads(g, graphs=False), iri)),
        )

    def entity_page(self, node: URIRef, here: str) -> None:
        union = self.c.union
        types = [{**self.ref(t, here), "text": _curie(t)} for t in sorted(union.objects(node, RDF.type), key=str)]
        outgoing = sorted(
            ((p, o) for p, o in union.predicate_objects(node) if p not in _HIDDEN_OUT),
            key=lambda po: (_words(po[0]), self.label(po[1]).casefold(), str(po[1]), str(po[0])),
        )
        incoming = sorted(
            ((s, p) for s, p in union.subject_predicates(node) if p not in _HIDDEN_IN and s != node),
            key=lambda sp: (
                _inverse(sp[1]),
                self.label(sp[0]).casefold(),
                str(sp[0]),
                str(sp[1]),
            ),
        )
        listed = [self.statement(node, p, o, o, _words(p), here) for p, o in outgoing]
        listed += [self.statement(s, p, node, s, _inverse(p), here) for s, p in incoming]
        # schema.org and FOAF often say the same thing (name, family name): one line, both terms.
        statements: list[dict[str, Any]] = []
        merged: dict[tuple[str, str, str], dict[str, Any]] = {}
        for st in listed:
            key = (st["verb"], st["value"]["iri"] or "", st["value"]["text"])
            if key in merged:
                merged[key]["terms"] += st["terms"]
                continue
            merged[key] = st
            statements.append(st)
        mentioned = [
            {
                "article": self.ref(a.iri, here),
                "date": a.date_published,
                "mentions": [self.mention_ref(m, a, here) for m in self.mentions[(a.iri, node)]],
            }
            for a in self.mentioned_in.get(node, [])
        ]
        self.page(
            "entity.html",
            here,
            self.label(node),
            iri=str(node),
            types=types,
            statements=statements,
            mentioned=mentioned,
        )

    def statement(self, s: Node, p: Node, o: Node, other: Node, verb: str, here: str) -> dict[str, Any]:
        """A statement about the page's entity: the other end, and per article, its support and reason."""
        sources = []
        for article in self.stated.get((s, p, o), []):
            support = self.mentions.get((article.iri, other)) or self.mentions.get(
                (article.iri, s if other == o else o)
            )
            sources.append(
                {
                    "article": self.ref(article.iri, here),
                    "mention": self.mention_ref(support[0], article, here) if support else None,
                    "reason": self.derived.get((article.iri, s, p, o)),
                }
            )
        return {"verb": verb, "value": self.ref(other, here), "sources": sources, "terms": [_curie(p)]}

    def mention_page(self, node: URIRef, here: str) -> None:
        found = self.by_mention.get(node)
        if found is None:
            self.entity_page(node, here)  # an annotation without a usable selector: show its statements
            return
        m, article = found
        self.page(
            "mention.html",
            here,
            f"“{m.exact}” in {article.headline}",
            lang=article.language,
            iri=str(node),
            entity=self.ref(m.entity, here),
            mention=self.mention_ref(m, article, here),
            start=m.start,
            end=m.end,
        )

    def home(self) -> None:
        articles = [
            {
                **self.ref(a.iri, ""),
                "date": a.date_published,
                "dateline": a.dateline,
                "lang": a.language,
            }
            for a in self.c.articles
        ]
        self.page("home.html", "", "Articles", articles=articles, alternates=False)

    def listing(self, category: Category, here: str) -> list[dict[str, Any]]:
        nodes = [n for n, c in self.c.categories.items() if c is category and str(n) in self.pages]
        nodes.sort(key=lambda n: (self.label(n).casefold(), str(n)))
        return [{**self.ref(n, here), "articles": len(self.mentioned_in.get(n, []))} for n in nodes]

    def index(self, category: Category) -> None:
        here = category.value
        self.page("list.html", here, category.value.capitalize(), items=self.listing(category, here), alternates=False)

    def timeline(self) -> None:
        here = Category.EVENTS.value
        by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in self.listing(Category.EVENTS, here):
            node = URIRef(item["iri"])
            reported = sorted(a.date_published for a in self.mentioned_in.get(node) or self.described_by.get(node, []))
            ended = sorted(str(d) for d in self.c.union.objects(node, KZAR.endedNoLaterThan))
            starts = sorted(str(d) for d in self.c.union.objects(node, SCHEMA.startDate))
            date = (starts or reported or ended or ["undated"])[0]
            parents = [self.ref(sup, here) for sup in sorted(self.c.union.objects(node, SCHEMA.superEvent), key=str)]
            by_date[date].append({**item, "parents": parents, "ended": ended[0] if ended else None})
        days = sorted(by_date.items(), key=lambda kv: (kv[0] == "undated", [-ord(c) for c in kv[0]]))
        self.page("timeline.html", here, "Events", days=days, alternates=False)
