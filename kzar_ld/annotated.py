"""An article ready to map: its parsed text plus its checked annotation, with every mention resolved.

:func:`load_article` is the entry point of the pipeline. It reads the text and the annotation,
checks every reference (unknown or duplicate ids, the wrong kind of entity in a slot), turns each
quoted mention into code-point offsets into the body, and reconciles the article's date and
headline between the text header and the annotation. Every problem is an
:class:`~kzar_ld.errors.AnnotationError` (or :class:`~kzar_ld.errors.ArticleError`) naming the file
and the line.

Example:
    >>> article = load_article("examples/kazinform-2023-08-24")
    >>> article.id, article.date_published.isoformat()
    ('000_b748ee61ec8ac40c', '2023-08-24')
    >>> span = article.spans[0]
    >>> article.text.body[span.start:span.end] == span.exact
    True
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kzar_ld.annotation import (
    Annotation,
    Drafted,
    Event,
    Located,
    Mention,
    Occupation,
    Organization,
    Path_,
    Person,
    Place,
    PlaceKind,
    Ref,
    Relation,
    read_annotation,
    ref_id,
    walk_mentions,
)
from kzar_ld.article import DEFAULT_MAX_BYTES, ArticleText, read_article_text
from kzar_ld.errors import AnnotationError, IriError
from kzar_ld.iris import normalize_name, slugify

__all__ = ["ANNOTATION_FILE", "Article", "Entity", "Span", "load_article"]

#: The annotation's file name inside an article directory.
ANNOTATION_FILE = "annotation.yaml"

Entity = Person | Organization | Place | Occupation | Event | Relation

# The IRI segment of each kind of entity (DESIGN.md's IRI policy).
_SEGMENT = {
    "people": "person",
    "organizations": "org",
    "places": "place",
    "occupations": "occupation",
    "events": "event",
    "relations": "relation",
}
_KIND_NAME = {
    "people": "person",
    "organizations": "organisation",
    "places": "place",
    "occupations": "occupation",
    "events": "event",
    "relations": "relation",
}


@dataclass(frozen=True, slots=True)
class Span:
    """A resolved mention: ``body[start:end] == exact``, code points, end-exclusive."""

    entity: str
    role: str | None
    start: int
    end: int
    exact: str
    #: The mention's own drafting provenance when a drafter proposed it and nobody confirmed it.
    draft: Drafted | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """An article text with its checked annotation; the input of :func:`kzar_ld.build_graph`."""

    id: str
    text: ArticleText
    annotation: Annotation
    date_published: dt.date
    headline: str
    spans: tuple[Span, ...]
    kinds: MappingProxyType[str, str]  # entity id -> section ("people", "places", ...)
    slugs: MappingProxyType[str, str]  # entity id -> IRI slug
    segments: MappingProxyType[str, str]  # entity id -> IRI segment ("person", "group", ...)
    source: str = ""

    def segment(self, entity_id: str) -> str:
        """The IRI segment (``person``, ``org``, ``group``...) of an entity."""
        return self.segments[entity_id]

    def entity(self, entity_id: str) -> Entity:
        """The annotation record of an entity."""
        section = getattr(self.annotation, self.kinds[entity_id])
        for item in section:
            if item.id == entity_id:
                return item  # type: ignore[no-any-return]
        raise KeyError(entity_id)


def _text_path(annotation_path: Path, ann: Annotation, where: Located) -> Path:
    folder = annotation_path.parent
    if ann.article.text is not None:
        candidate = (folder / ann.article.text).resolve()
        if not candidate.is_relative_to(folder.resolve()):
            raise where.error(
                f"article.text {ann.article.text!r} points outside the article's folder", ("article", "text")
            )
        if not candidate.is_file():
            raise where.error(f"article.text {ann.article.text!r} not found beside the annotation", ("article", "text"))
        return candidate
    texts = sorted(p for p in folder.glob("*.txt") if p.is_file())
    if len(texts) != 1:
        found = ", ".join(p.name for p in texts) or "none"
        raise where.error(
            f"cannot tell which text file is the article ({found} found); set `text:` under `article:`",
            ("article",),
        )
    return texts[0]


def load_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Load an article directory (or its annotation file) and check it completely.

    Inputs over ``max_bytes`` are refused before they are read.

    >>> load_article("examples/kazinform-2023-08-24").headline
    'Kazakhstan and Argentina strengthen bilateral cooperation'
    """
    p = Path(path)
    if p.is_dir():
        p = p / ANNOTATION_FILE
        if not p.is_file():
            raise AnnotationError(f"no {ANNOTATION_FILE} in the article directory", source=str(p.parent))
    elif not p.exists():
        raise AnnotationError("no such article directory or annotation file", source=str(p))
    ann, where = read_annotation(p, max_bytes=max_bytes)
    text = read_article_text(_text_path(p, ann, where), max_bytes=max_bytes)
    return resolve(ann, where, text)


def resolve(ann: Annotation, where: Located, text: ArticleText) -> Article:
    """Check references and mentions of a parsed annotation against its text."""
    kinds, slugs, segments = _index(ann, where)
    checker = _RefChecker(kinds, where)
    _check_refs(ann, checker)
    facts = ann.article
    article_id = facts.id or Path(text.source).stem
    if facts.id is None and not _valid_article_id(article_id):
        raise where.error(
            f"text file name {article_id!r} cannot be an article id; set `id:` under `article:`", ("article",)
        )

    date = _reconcile(facts.date_published, text.date_published, "date_published", "date", where)
    headline = _reconcile(facts.headline, text.headline, "headline", "headline", where)
    if date is None:
        raise where.error(
            "no publication date: the text has no header line; add `date_published:` under `article:`", ("article",)
        )
    if headline is None:
        raise where.error("no headline: the text has no header line; add `headline:` under `article:`", ("article",))
    _check_anniversaries(ann, where)
    spans = tuple(_resolve_mentions(ann, where, text.body))
    return Article(
        id=article_id,
        text=text,
        annotation=ann,
        date_published=date,
        headline=headline,
        spans=spans,
        kinds=MappingProxyType(kinds),
        slugs=MappingProxyType(slugs),
        segments=MappingProxyType(segments),
        source=where.source,
    )


def _valid_article_id(value: str) -> bool:
    return bool(value) and all(c.isascii() and (c.isalnum() or c in "._-") for c in value) and value[0].isalnum()


def _reconcile(given: Any, from_text: Any, field: str, what: str, where: Located) -> Any:
    if given is not None and from_text is not None and given != from_text:
        raise where.error(
            f"article.{field} {str(given)!r} differs from the text's header {what} {str(from_text)!r}; remove one",
            ("article", field),
        )
    return given if given is not None else from_text


def _index(ann: Annotation, where: Located) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    kinds: dict[str, str] = {}
    slugs: dict[str, str] = {}
    segments: dict[str, str] = {}
    seen_slugs: dict[tuple[str, str], str] = {}
    for section in _SEGMENT:
        for i, item in enumerate(getattr(ann, section)):
            path: Path_ = (section, i, "id")
            key = _nfc(item.id, where, path)
            if key in kinds:
                raise where.error(f"duplicate id {key!r}: already used by {_a(_KIND_NAME[kinds[key]])}", path)
            try:
                slug = slugify(key, source=where.source, line=where.line(path))
            except IriError as exc:
                raise AnnotationError(exc.message, source=where.source, line=where.line(path)) from exc
            segment = "group" if section == "organizations" and item.kind.value == "group" else _SEGMENT[section]
            other = seen_slugs.get((segment, slug))
            if other is not None:
                raise where.error(f"ids {other!r} and {key!r} give the same IRI {segment}/{slug}; rename one", path)
            seen_slugs[(segment, slug)] = key
            kinds[key] = section
            slugs[key] = slug
            segments[key] = segment
            if section == "people":
                _index_roles(item, i, key, where, slugs)
    return kinds, slugs, segments


def _index_roles(person: Person, i: int, person_key: str, where: Located, slugs: dict[str, str]) -> None:
    seen: set[str] = set()
    for r, role in enumerate(person.roles):
        path: Path_ = ("people", i, "roles", r, "id")
        key = _nfc(role.id, where, path)
        if key in seen:
            raise where.error(f"duplicate role id {key!r} for {person_key!r}", path)
        seen.add(key)
        try:
            slugs[f"{person_key}\x00{key}"] = slugify(key, source=where.source, line=where.line(path))
        except IriError as exc:
            raise AnnotationError(exc.message, source=where.source, line=where.line(path)) from exc


def _nfc(value: str, where: Located, path: Path_) -> str:
    try:
        return normalize_name(value, what="id", source=where.source, line=where.line(path))
    except IriError as exc:
        raise AnnotationError(exc.message, source=where.source, line=where.line(path)) from exc


class _RefChecker:
    def __init__(self, kinds: dict[str, str], where: Located) -> None:
        self.kinds = kinds
        self.where = where

    def __call__(self, ref: Ref | str | None, path: Path_, *allowed: str) -> None:
        if ref is None:
            return
        key = ref_id(ref)
        nfc = _nfc(key, self.where, path)
        kind = self.kinds.get(nfc)
        if kind is None:
            raise self.where.error(f"unknown id {key!r}: no entity has this id", path)
        if allowed and kind not in allowed:
            wanted = " or ".join(_KIND_NAME[a] for a in allowed)
            raise self.where.error(f"{key!r} is {_a(_KIND_NAME[kind])}, but this slot takes {_a(wanted)}", path)

    def each(self, refs: tuple[Any, ...], path: Path_, *allowed: str) -> None:
        for n, ref in enumerate(refs):
            self(ref, (*path, n), *allowed)


_AGENTS = ("people", "organizations")


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _check_refs(ann: Annotation, check: _RefChecker) -> None:
    a = ann.article
    check(a.publisher, ("article", "publisher"), "organizations")
    check.each(a.authors, ("article", "authors"), *_AGENTS)
    if a.based_on is not None:
        check(a.based_on.author, ("article", "based_on", "author"), *_AGENTS)
    check(a.content_location, ("article", "content_location"), "places")
    check.each(a.about, ("article", "about"))
    check(a.primary_topic, ("article", "primary_topic"))
    for i, p in enumerate(ann.people):
        check(p.nationality, ("people", i, "nationality"), "places")
        check.each(p.occupations, ("people", i, "occupations"), "occupations")
        check(p.work_location, ("people", i, "work_location"), "places")
        for r, role in enumerate(p.roles):
            check(role.organization, ("people", i, "roles", r, "organization"), "organizations")
    for i, o in enumerate(ann.organizations):
        check(o.parent, ("organizations", i, "parent"), "organizations")
        check(o.location, ("organizations", i, "location"), "places")
        check(o.area_served, ("organizations", i, "area_served"), "places")
    for i, pl in enumerate(ann.places):
        check.each(pl.contained_in, ("places", i, "contained_in"), "places")
        check.each(pl.contains, ("places", i, "contains"), "places")
    for i, e in enumerate(ann.events):
        check(e.location, ("events", i, "location"), "places")
        check.each(e.attendees, ("events", i, "attendees"), *_AGENTS)
        check.each(e.super_events, ("events", i, "super_events"), "events")
        check.each(e.about, ("events", i, "about"))
        check(e.anniversary_of, ("events", i, "anniversary_of"), "relations")
        for n, sup in enumerate(e.super_events):
            if ref_id(sup) == e.id:
                raise check.where.error(
                    f"event {e.id!r} cannot be its own super event", ("events", i, "super_events", n)
                )
    places = {pl.id: pl for pl in ann.places}
    for i, rel in enumerate(ann.relations):
        check.each(rel.parties, ("relations", i, "parties"), "places")
        if len(set(rel.parties)) != 2:
            raise check.where.error(
                f"relation {rel.id!r} needs exactly two different parties", ("relations", i, "parties")
            )
        for n, party in enumerate(rel.parties):
            if places[party].kind is not PlaceKind.COUNTRY:
                raise check.where.error(
                    f"party {party!r} is a {places[party].kind.value}, but a relation's parties are countries",
                    ("relations", i, "parties", n),
                )


def _check_anniversaries(ann: Annotation, where: Located) -> None:
    for i, e in enumerate(ann.events):
        if e.anniversary_of is not None and e.ordinal is None:
            raise where.error(
                f"event {e.id!r} is an anniversary: give its `ordinal` (e.g. 30)", ("events", i, "anniversary_of")
            )


def _resolve_mentions(ann: Annotation, where: Located, body: str) -> list[Span]:
    spans: list[Span] = []
    seen: dict[tuple[int, int, str, str | None], Path_] = {}
    for entity, role, path, spec, _ in walk_mentions(ann):
        quote, occurrence = (spec.quote, spec.occurrence) if isinstance(spec, Mention) else (spec, 1)
        quote = unicodedata.normalize("NFC", quote)  # the body is NFC too
        start = _find(body, quote, occurrence)
        if start < 0:
            count = _count(body, quote)
            if count == 0:
                raise where.error(f"quote {quote!r} not found in the article body (quotes are case-sensitive)", path)
            at = (*path, "occurrence") if isinstance(spec, Mention) else path
            raise where.error(f"quote {quote!r} occurs {count} time(s), so occurrence {occurrence} is out of range", at)
        key = (start, start + len(quote), entity, role)
        if key in seen:
            raise where.error(f"mention {quote!r} (occurrence {occurrence}) is given twice for {entity!r}", path)
        seen[key] = path
        draft = spec if isinstance(spec, Mention) and not spec.confirmed else None
        spans.append(Span(entity=entity, role=role, start=start, end=start + len(quote), exact=quote, draft=draft))
    spans.sort(key=lambda s: (s.start, s.end, s.entity, s.role or ""))
    return spans


def _find(body: str, quote: str, occurrence: int) -> int:
    pos = -1
    for _ in range(occurrence):
        pos = body.find(quote, pos + 1)
        if pos < 0:
            return -1
    return pos


def _count(body: str, quote: str) -> int:
    n, pos = 0, body.find(quote)
    while pos >= 0:
        n += 1
        pos = body.find(quote, pos + 1)
    return n
