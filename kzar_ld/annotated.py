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
import difflib
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kzar_ld.annotation import (
    DEFAULT_MAX_ERRORS,
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
    Problems,
    Ref,
    Relation,
    read_annotation,
    ref_id,
    walk_mentions,
)
from kzar_ld.article import ArticleText, read_article_text
from kzar_ld.defaults import ANNOTATION_FILE, DEFAULT_MAX_BYTES
from kzar_ld.diagnostics import InputWarning, WarningKind
from kzar_ld.errors import AnnotationError, IriError
from kzar_ld.iris import normalize_name, slugify
from kzar_ld.registry import REGISTRY_FILE, SHARED_SECTIONS, Registry, find_registry, load_registry, merge_registry

__all__ = ["ANNOTATION_FILE", "Article", "Entity", "Span", "load_article"]


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
    #: What loaded but deserves a look (the text's header, nested mentions...), in file order.
    warnings: tuple[InputWarning, ...] = ()
    #: entity id -> (file, line) of its declaration: the annotation, or the shared entities file.
    declarations: MappingProxyType[str, tuple[str, int | None]] = field(default_factory=lambda: MappingProxyType({}))

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


def load_article(
    path: str | os.PathLike[str],
    *,
    entities: str | os.PathLike[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Article:
    """Load an article directory (or its annotation file) and check it completely.

    Shared entities come from ``entities`` (a file in the format of :mod:`kzar_ld.registry`),
    or else from ``entities.yaml`` in the parent directory of the article directory, if there
    is one. Inputs over ``max_bytes`` are refused before they are read. All the problems of
    the annotation are reported at once, up to ``max_errors`` (an
    :class:`~kzar_ld.errors.AnnotationErrors` when there are several).

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
    registry_path = Path(entities) if entities is not None else find_registry(p.parent)
    registry = load_registry(registry_path, max_bytes=max_bytes, max_errors=max_errors) if registry_path else None
    ann, where = read_annotation(p, max_bytes=max_bytes, max_errors=max_errors)
    text = read_article_text(_text_path(p, ann, where), max_bytes=max_bytes)
    return resolve(ann, where, text, registry=registry, max_errors=max_errors)


def resolve(
    ann: Annotation,
    where: Located,
    text: ArticleText,
    *,
    registry: Registry | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Article:
    """Check references and mentions of a parsed annotation against its text; report all problems at once."""
    problems = Problems(limit=max_errors)
    declarations: dict[str, tuple[str, int | None]] = {}
    for section in _SEGMENT:
        for i, item in enumerate(getattr(ann, section)):
            declarations.setdefault(item.id, (where.source, where.line((section, i))))
    if registry is not None:
        ann = merge_registry(ann, where, registry, problems)
        for section in SHARED_SECTIONS:
            for item in getattr(ann, section):
                if item.id in registry:
                    declarations.setdefault(item.id, (registry.source, registry.line(item.id)))
    for section in SHARED_SECTIONS:
        for i, item in enumerate(getattr(ann, section)):
            if isinstance(item, Person) and item.unnamed:
                _check_unnamed(item, i, where, problems)
            elif item.name is None:
                unnamed = ", or `unnamed: true` for a person known only by a role" if section == "people" else ""
                problems.add(
                    where.error(
                        f"{section}[{i}] (id {item.id!r}): missing field 'name' "
                        f"(or declare {item.id!r} in the shared {REGISTRY_FILE}{unnamed})",
                        (section, i),
                    )
                )
    kinds, slugs, segments = _index(ann, where, problems)
    checker = _RefChecker(kinds, where, problems)
    _check_refs(ann, checker)
    facts = ann.article
    article_id = facts.id or Path(text.source).stem
    if facts.id is None and not _valid_article_id(article_id):
        problems.add(
            where.error(
                f"text file name {article_id!r} cannot be an article id; set `id:` under `article:`", ("article",)
            )
        )

    date = _reconcile(facts.date_published, text.date_published, "date_published", "date", where, problems)
    headline = _reconcile(facts.headline, text.headline, "headline", "headline", where, problems)
    if date is None:
        problems.add(
            where.error(
                "no publication date: the text gives none; add `date_published:` under `article:`", ("article",)
            )
        )
    if headline is None:
        why = "the text gives none"
        if any(w.kind is WarningKind.PARAGRAPH_AFTER_DATE for w in text.warnings):
            why = "the words after the text's header date read as a paragraph, so they are kept as the body"
        problems.add(where.error(f"no headline: {why}; add `headline:` under `article:`", ("article",)))
    _check_anniversaries(ann, where, problems)
    spans, warnings = _resolve_mentions(ann, where, text.body, problems)
    problems.raise_if_any()
    assert date is not None and headline is not None
    return Article(
        id=article_id,
        text=text,
        annotation=ann,
        date_published=date,
        headline=headline,
        spans=tuple(spans),
        kinds=MappingProxyType(kinds),
        slugs=MappingProxyType(slugs),
        segments=MappingProxyType(segments),
        source=where.source,
        warnings=(*text.warnings, *warnings, *_split_warnings(where, text.body)),
        declarations=MappingProxyType(declarations),
    )


def _check_unnamed(person: Person, i: int, where: Located, problems: Problems) -> None:
    """An unnamed person ("the Honorary Consul of Georgia") has no name and at least one role."""
    if person.name is not None:
        problems.add(
            where.error(
                f"people[{i}] (id {person.id!r}) is `unnamed: true` but has the name {person.name!r}; "
                "remove one of the two",
                ("people", i, "name"),
            )
        )
    if not person.roles:
        problems.add(
            where.error(
                f"people[{i}] (id {person.id!r}) is unnamed, so the article knows the person only by a role: "
                "give it under `roles:`",
                ("people", i, "unnamed"),
            )
        )


def _valid_article_id(value: str) -> bool:
    return bool(value) and all(c.isascii() and (c.isalnum() or c in "._-") for c in value) and value[0].isalnum()


def _reconcile(given: Any, from_text: Any, field: str, what: str, where: Located, problems: Problems) -> Any:
    if given is not None and from_text is not None and given != from_text:
        problems.add(
            where.error(
                f"article.{field} {str(given)!r} differs from the text's header {what} {str(from_text)!r}; remove one",
                ("article", field),
            )
        )
    return given if given is not None else from_text


def _index(
    ann: Annotation, where: Located, problems: Problems
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    kinds: dict[str, str] = {}
    slugs: dict[str, str] = {}
    segments: dict[str, str] = {}
    seen_slugs: dict[tuple[str, str], str] = {}
    for section in _SEGMENT:
        for i, item in enumerate(getattr(ann, section)):
            path: Path_ = (section, i, "id")
            try:
                key = _nfc(item.id, where, path)
            except AnnotationError as exc:
                problems.add(exc)
                continue
            if key in kinds:
                problems.add(where.error(f"duplicate id {key!r}: already used by {_a(_KIND_NAME[kinds[key]])}", path))
                continue
            try:
                slug = slugify(key, source=where.source, line=where.line(path))
            except IriError as exc:
                problems.add(AnnotationError(exc.message, source=where.source, line=where.line(path)))
                kinds[key] = section  # known, so that references to it are not reported as well
                continue
            segment = "group" if section == "organizations" and item.kind.value == "group" else _SEGMENT[section]
            other = seen_slugs.get((segment, slug))
            if other is not None:
                problems.add(
                    where.error(f"ids {other!r} and {key!r} give the same IRI {segment}/{slug}; rename one", path)
                )
                continue
            seen_slugs[(segment, slug)] = key
            kinds[key] = section
            slugs[key] = slug
            segments[key] = segment
            if section == "people":
                _index_roles(item, i, key, where, slugs, problems)
    return kinds, slugs, segments


def _index_roles(
    person: Person, i: int, person_key: str, where: Located, slugs: dict[str, str], problems: Problems
) -> None:
    seen: set[str] = set()
    for r, role in enumerate(person.roles):
        path: Path_ = ("people", i, "roles", r, "id")
        try:
            key = _nfc(role.id, where, path)
            if key in seen:
                raise where.error(f"duplicate role id {key!r} for {person_key!r}", path)
            seen.add(key)
            try:
                slugs[f"{person_key}\x00{key}"] = slugify(key, source=where.source, line=where.line(path))
            except IriError as exc:
                raise AnnotationError(exc.message, source=where.source, line=where.line(path)) from exc
        except AnnotationError as exc:
            problems.add(exc)


def _nfc(value: str, where: Located, path: Path_) -> str:
    try:
        return normalize_name(value, what="id", source=where.source, line=where.line(path))
    except IriError as exc:
        raise AnnotationError(exc.message, source=where.source, line=where.line(path)) from exc


class _RefChecker:
    def __init__(self, kinds: dict[str, str], where: Located, problems: Problems) -> None:
        self.kinds = kinds
        self.where = where
        self.problems = problems

    def add(self, message: str, path: Path_) -> None:
        self.problems.add(self.where.error(message, path))

    def __call__(self, ref: Ref | str | None, path: Path_, *allowed: str) -> bool:
        """Whether ``ref`` points to an entity of an allowed kind (else the problem is recorded)."""
        if ref is None:
            return True
        key = ref_id(ref)
        try:
            nfc = _nfc(key, self.where, path)
        except AnnotationError as exc:
            self.problems.add(exc)
            return False
        kind = self.kinds.get(nfc)
        if kind is None:
            close = difflib.get_close_matches(nfc, self.kinds, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.add(f"unknown id {key!r}: no entity has this id{hint}", path)
            return False
        if allowed and kind not in allowed:
            wanted = " or ".join(_KIND_NAME[a] for a in allowed)
            self.add(f"{key!r} is {_a(_KIND_NAME[kind])}, but this slot takes {_a(wanted)}", path)
            return False
        return True

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
                check.add(f"event {e.id!r} cannot be its own super event", ("events", i, "super_events", n))
    places = {pl.id: pl for pl in ann.places}
    for i, rel in enumerate(ann.relations):
        if len(set(rel.parties)) != 2:
            check.add(f"relation {rel.id!r} needs exactly two different parties", ("relations", i, "parties"))
        for n, party in enumerate(rel.parties):
            path: Path_ = ("relations", i, "parties", n)
            if check(party, path, "places") and party in places and places[party].kind is not PlaceKind.COUNTRY:
                check.add(
                    f"party {party!r} is a {places[party].kind.value}, but a relation's parties are countries", path
                )


def _check_anniversaries(ann: Annotation, where: Located, problems: Problems) -> None:
    for i, e in enumerate(ann.events):
        if e.anniversary_of is not None and e.ordinal is None:
            problems.add(
                where.error(
                    f"event {e.id!r} is an anniversary: give its `ordinal` (e.g. 30)", ("events", i, "anniversary_of")
                )
            )


def _resolve_mentions(
    ann: Annotation, where: Located, body: str, problems: Problems
) -> tuple[list[Span], list[InputWarning]]:
    spans: list[Span] = []
    seen: dict[tuple[int, int, str, str | None], Path_] = {}
    checked: list[tuple[Span, int | None]] = []  # named mentions to check for nesting, with their line
    for entity, role, path, spec, _ in walk_mentions(ann):
        mention = spec if isinstance(spec, Mention) else Mention(quote=spec)
        try:
            found = _locate(mention, body, where, path)
        except AnnotationError as exc:
            problems.add(exc)
            continue
        for start, end in found:
            key = (start, end, entity, role)
            if key in seen:
                problems.add(
                    where.error(
                        f"mention {mention.quote!r} (offset {start}) is given twice for {entity!r} "
                        f"(also on line {where.line(seen[key])})",
                        path,
                    )
                )
                continue
            seen[key] = path
            draft = mention if not mention.confirmed else None
            span = Span(entity=entity, role=role, start=start, end=end, exact=body[start:end], draft=draft)
            spans.append(span)
            if role is None and not mention.nested:
                checked.append((span, where.line(path)))
    spans.sort(key=lambda s: (s.start, s.end, s.entity, s.role or ""))
    return spans, _nested(checked, spans, ann, where.source)


def _locate(mention: Mention, body: str, where: Located, path: Path_) -> list[tuple[int, int]]:
    """The spans a mention stands for, or an error saying why the words cannot be found."""
    quote = unicodedata.normalize("NFC", mention.quote)  # the body is NFC too
    after = unicodedata.normalize("NFC", mention.after) if mention.after else ""
    before = unicodedata.normalize("NFC", mention.before) if mention.before else ""
    anywhere = _occurrences(body, quote, whole_word=False)
    if not anywhere:
        raise where.error(f"quote {quote!r} not found in the article body (quotes are case-sensitive)", path)
    words = _occurrences(body, quote, whole_word=True) if mention.whole_word else anywhere
    if not words:
        s = anywhere[0]
        raise where.error(
            f"quote {quote!r} occurs only inside longer words (first in {_word_at(body, s, s + len(quote))!r}); "
            "quotes match whole words: quote the whole word, or set `whole_word: false`",
            path,
        )
    hits = [s for s in words if body[:s].endswith(after) and body.startswith(before, s + len(quote))]
    context = " and ".join(
        f"{side} {text!r}" for side, text in (("right after", after), ("right before", before)) if text
    )
    if not hits:
        raise where.error(f"quote {quote!r} occurs {len(words)} time(s), but never {context}", path)
    inside = len(anywhere) - len(words)
    also = f" (and {inside} time(s) inside longer words)" if inside else ""
    if mention.occurrence == "all":
        return [(s, s + len(quote)) for s in hits]
    if context and len(hits) > 1 and "occurrence" not in mention.model_fields_set:
        raise where.error(
            f"quote {quote!r} occurs {len(hits)} times {context}: give more context or an `occurrence`", path
        )
    if mention.occurrence > len(hits):
        counted = f"{len(hits)} time(s) {context}" if context else f"{len(hits)} time(s){also}"
        at = (*path, "occurrence") if isinstance(path, tuple) else path
        raise where.error(f"quote {quote!r} occurs {counted}, so occurrence {mention.occurrence} is out of range", at)
    start = hits[mention.occurrence - 1]
    return [(start, start + len(quote))]


def _split_warnings(where: Located, body: str) -> list[InputWarning]:
    """Warn where a YAML flow list (``[a, b]``) was split at a comma that the article text contains."""
    out: list[InputWarning] = []
    for split in where.flow_splits:
        if split.joined in body:
            out.append(
                InputWarning(
                    WarningKind.SPLIT_AT_COMMA,
                    f"the list was split at a comma, but the text contains {split.joined!r} as one phrase: "
                    'if it is one quote, put it in quotes ("..."); if they are two, write them as `- ` lines',
                    source=where.source,
                    line=split.line,
                )
            )
    return out


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch) in ("Mn", "Mc")


def _occurrences(body: str, quote: str, *, whole_word: bool) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of ``quote``; whole words only if asked.

    A quote edge that is not a letter or digit needs no boundary: ``«BMJ»`` matches anywhere.
    """
    out: list[int] = []
    pos = body.find(quote)
    while pos >= 0:
        end = pos + len(quote)
        left_ok = pos == 0 or not _is_word_char(quote[0]) or not _is_word_char(body[pos - 1])
        right_ok = end == len(body) or not _is_word_char(quote[-1]) or not _is_word_char(body[end])
        if not whole_word or (left_ok and right_ok):
            out.append(pos)
        pos = body.find(quote, pos + 1)
    return out


def _word_at(body: str, start: int, end: int) -> str:
    while start > 0 and _is_word_char(body[start - 1]):
        start -= 1
    while end < len(body) and _is_word_char(body[end]):
        end += 1
    return body[start:end]


def _nested(
    checked: list[tuple[Span, int | None]], spans: list[Span], ann: Annotation, source: str
) -> list[InputWarning]:
    """Warnings for a mention inside the mention of another entity of the same kind.

    "Austria" inside "Lower Austria", "Kazakhstan" inside "South Kazakhstan": the inner words
    are part of another place's name, so they rarely mention the inner entity. A place inside
    an organisation's or a role's words ("Ministry of Foreign Affairs of Argentina") is normal.
    """
    kinds = {item.id: section for section in _SEGMENT for item in getattr(ann, section)}
    out: list[InputWarning] = []
    for inner, line in checked:
        for outer in spans:
            if outer.role is not None or outer.entity == inner.entity:
                continue
            if kinds.get(outer.entity) != kinds.get(inner.entity):
                continue
            if outer.start <= inner.start and inner.end <= outer.end and outer.end - outer.start > len(inner.exact):
                out.append(
                    InputWarning(
                        WarningKind.NESTED_MENTION,
                        f"mention {inner.exact!r} of {inner.entity!r} (offset {inner.start}) lies inside the mention "
                        f"{outer.exact!r} of {outer.entity!r}: quote another occurrence (`occurrence:`, `after:`), "
                        "or set `nested: true` if it is meant",
                        source=source,
                        line=line,
                    )
                )
                break
    return out
