"""Re-draft an annotation without losing what an editor confirmed or corrected.

:func:`merge_drafts` takes the annotation as an editor left it and a fresh draft of the same text,
and returns one annotation in which:

* every confirmed item (entity, role, mention) is kept verbatim, in the editor's order;
* every unconfirmed item is replaced by the fresh draft's proposals;
* a fresh proposal that duplicates a confirmed entity (the same id, the same name, or the same
  first mention) is dropped, and references to it are pointed at the confirmed entity, so an id
  an editor renamed stays renamed;
* an unconfirmed item that a confirmed one still refers to is kept (from the fresh draft when it
  has it, else as it was), so the result always loads;
* the article's facts are the editor's; only an unconfirmed ``based_on`` is replaced.

Deleting a drafted item is not remembered: a re-draft proposes it again (unconfirmed, so it is
listed for review). An editor who corrects an item sets ``confirmed: true`` on it.

Example:
    >>> from kzar_ld.annotation import Annotation, ArticleFacts, Place
    >>> old = Annotation(article=ArticleFacts(publisher="p"), places=(
    ...     Place(id="astana", name="Astana"), Place(id="x", name="X", confirmed=False)))
    >>> new = Annotation(article=ArticleFacts(publisher="p"), places=(
    ...     Place(id="astana", name="Astana city", confirmed=False), Place(id="chile", name="Chile", confirmed=False)))
    >>> [(p.id, p.name, p.confirmed) for p in merge_drafts(old, new).places]
    [('astana', 'Astana', True), ('chile', 'Chile', False)]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from kzar_ld.annotation import (
    Annotation,
    ArticleFacts,
    DerivedRef,
    Drafted,
    Event,
    MentionSpec,
    Organization,
    Person,
    Place,
    Ref,
    Relation,
    Role,
    SourceInfo,
    is_confirmed,
    mention_quote,
    ref_id,
)

__all__ = ["mark_drafted", "merge_drafts", "references", "review_count"]

_SECTIONS = ("people", "organizations", "places", "occupations", "events", "relations")
_M = TypeVar("_M", bound=BaseModel)


def mark_drafted(ann: Annotation) -> Annotation:
    """The annotation with every entity, role, relation and source marked unconfirmed.

    A fresh draft is unconfirmed by definition, whatever the rules that made it set; mentions
    given as plain strings stay plain (they count as unconfirmed while their entity is), and
    mentions the drafter gave on their own keep their own flag.

    >>> from kzar_ld.annotation import ArticleFacts, Place
    >>> ann = mark_drafted(Annotation(article=ArticleFacts(publisher="p"), places=(Place(id="a", name="A"),)))
    >>> ann.places[0].confirmed
    False
    """
    unconfirmed = {"confirmed": False}

    def person(p: Person) -> Person:
        roles = tuple(r.model_copy(update=unconfirmed) for r in p.roles)
        return p.model_copy(update={**unconfirmed, "roles": roles})

    facts = ann.article
    if facts.based_on is not None:
        facts = facts.model_copy(update={"based_on": facts.based_on.model_copy(update=unconfirmed)})
    update: dict[str, Any] = {"article": facts, "people": tuple(person(p) for p in ann.people)}
    for section in _SECTIONS[1:]:
        update[section] = tuple(item.model_copy(update=unconfirmed) for item in getattr(ann, section))
    return ann.model_copy(update=update)


def merge_drafts(previous: Annotation, fresh: Annotation) -> Annotation:
    """Merge an editor's annotation with a fresh draft of the same text (see the module)."""
    renamed: dict[str, str] = {}  # fresh id -> the confirmed id it duplicates
    kept: dict[str, list[Any]] = {}
    for section in _SECTIONS:
        confirmed = [item for item in getattr(previous, section) if item.confirmed]
        for proposal in getattr(fresh, section):
            twin = _twin(proposal, confirmed)
            if twin is not None and twin.id != proposal.id:
                renamed[proposal.id] = twin.id
        kept[section] = confirmed

    confirmed_ids = {item.id for section in _SECTIONS for item in kept[section]}
    rename = _Renamer(renamed)
    for section in _SECTIONS:
        slugs = {_key(item.id) for item in kept[section]}  # ids that would make the same IRI
        fresh_by_id = {item.id: item for item in getattr(fresh, section)}
        merged = []
        for item in kept[section]:
            twin = fresh_by_id.get(item.id) or next(
                (p for p in fresh_by_id.values() if renamed.get(p.id) == item.id), None
            )
            merged.append(_refresh_parts(item, twin, rename))
        for proposal in getattr(fresh, section):
            if proposal.id in renamed or proposal.id in confirmed_ids or _key(proposal.id) in slugs:
                continue
            merged.append(rename.item(proposal))
        kept[section] = merged

    # Unconfirmed items a confirmed one still refers to, when the fresh draft lost them.
    present = {item.id for section in _SECTIONS for item in kept[section]}
    previous_by_id = {item.id: (section, item) for section in _SECTIONS for item in getattr(previous, section)}
    facts = _facts(previous.article, fresh.article, rename)
    missing = (references(facts) | {r for s in _SECTIONS for i in kept[s] for r in references(i)}) - present
    while missing:
        found = [previous_by_id[i] for i in sorted(missing) if i in previous_by_id]
        if not found:
            break
        for section, item in found:
            kept[section].append(item)
            present.add(item.id)
        missing = {r for _, item in found for r in references(item)} - present
    # A fresh proposal that still points at something gone (e.g. a deleted confirmed id) drops the link.
    dangling = _Dangling(present)
    result = {s: tuple(dangling.item(i) for i in kept[s]) for s in _SECTIONS}
    return previous.model_copy(update={"article": dangling.facts(facts), **result})


def references(item: BaseModel) -> set[str]:
    """The ids an item refers to (roles and the article's facts included).

    >>> from kzar_ld.annotation import Event
    >>> sorted(references(Event(id="e", name="E", attendees=("a", "b"), location="astana")))
    ['a', 'astana', 'b']
    """
    found: set[str] = set()
    for name, value in _ref_fields(item):
        del name
        found.update(ref_id(v) for v in value)
    if isinstance(item, Person):
        for role in item.roles:
            found.add(role.organization)
    return found


# Fields that hold references, per model.
_REF_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    ArticleFacts: ("publisher", "authors", "content_location", "about", "primary_topic"),
    SourceInfo: ("author",),
    Person: ("nationality", "occupations", "work_location"),
    Role: ("organization",),
    Organization: ("parent", "location", "area_served"),
    Place: ("contained_in", "contains"),
    Event: ("location", "attendees", "super_events", "about", "anniversary_of"),
    Relation: ("parties",),
}


def _ref_fields(item: BaseModel) -> Iterable[tuple[str, tuple[Ref, ...]]]:
    for name in _REF_FIELDS.get(type(item), ()):
        value = getattr(item, name)
        if value is None:
            continue
        yield name, value if isinstance(value, tuple) else (value,)
    if isinstance(item, ArticleFacts) and item.based_on is not None:
        yield from _ref_fields(item.based_on)


def _key(entity_id: str) -> str:
    # Two ids that differ only in case or accents make the same IRI slug (kzar_ld.iris).
    from kzar_ld.iris import slugify

    return slugify(entity_id)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _first_mention(item: Any) -> tuple[str, int | Literal["all"]] | None:
    mentions = getattr(item, "mentions", ())
    return mention_quote(mentions[0]) if mentions else None


def _twin(proposal: Any, confirmed: list[Any]) -> Any:
    for item in confirmed:
        if item.id == proposal.id:
            return item
    for item in confirmed:
        if _norm(item.name) == _norm(proposal.name):
            return item
    first = _first_mention(proposal)
    if first is not None:
        for item in confirmed:
            if _first_mention(item) == first:
                return item
    return None


def _refresh_parts(item: _M, twin: Any, rename: _Renamer) -> _M:
    """A confirmed item keeps its confirmed parts; its unconfirmed ones come from the fresh twin."""
    update: dict[str, Any] = {}
    if hasattr(item, "mentions"):
        mine = tuple(m for m in item.mentions if is_confirmed(m))
        theirs = tuple(m for m in (twin.mentions if twin is not None else ()) if not is_confirmed(m))
        update["mentions"] = _union(mine, theirs)
    if isinstance(item, Person):
        roles = [r for r in item.roles if r.confirmed]
        for role in twin.roles if isinstance(twin, Person) else ():
            if role.confirmed or any(_same_role(role, mine) for mine in roles):
                continue
            roles.append(rename.item(role.model_copy(update={"confirmed": False})))
        update["roles"] = tuple(_refresh_parts(r, None, rename) if r.confirmed else r for r in roles)
    return item.model_copy(update=update) if update else item


def _same_role(proposal: Role, mine: Role) -> bool:
    """A proposed role repeats a confirmed one: same id, a name within the other, or shared words."""
    a, b = _norm(proposal.name), _norm(mine.name)
    quotes = {mention_quote(m) for m in mine.mentions}
    return proposal.id == mine.id or a in b or b in a or any(mention_quote(m) in quotes for m in proposal.mentions)


def _union(mine: tuple[MentionSpec, ...], theirs: tuple[MentionSpec, ...]) -> tuple[MentionSpec, ...]:
    seen = {mention_quote(m) for m in mine}
    extra = []
    for m in theirs:
        if mention_quote(m) not in seen:
            seen.add(mention_quote(m))
            extra.append(m)
    return (*mine, *extra)


def _facts(previous: ArticleFacts, fresh: ArticleFacts, rename: _Renamer) -> ArticleFacts:
    if previous.based_on is not None and previous.based_on.confirmed:
        return previous
    based_on = fresh.based_on
    if based_on is not None:
        based_on = rename.item(based_on.model_copy(update={"confirmed": False}))
    return previous.model_copy(update={"based_on": based_on})


class _Rewriter:
    """Rewrites the reference fields of items with a function from id to id (or None: drop)."""

    def __init__(self, fn: Callable[[str], str | None]) -> None:
        self.fn = fn

    def ref(self, ref: Ref) -> Ref | None:
        target = self.fn(ref_id(ref))
        if target is None:
            return None
        if isinstance(ref, DerivedRef):
            return ref if target == ref.ref else ref.model_copy(update={"ref": target})
        return target

    def item(self, item: _M) -> _M:
        update: dict[str, Any] = {}
        for name in _REF_FIELDS.get(type(item), ()):
            value = getattr(item, name)
            if value is None:
                continue
            if isinstance(value, tuple):
                new = tuple(r for r in (self.ref(v) for v in value) if r is not None)
                if new != value:
                    update[name] = tuple(dict.fromkeys(new))
            else:
                new_one = self.ref(value)
                if new_one != value:
                    update[name] = new_one
        if isinstance(item, Person) and item.roles:
            roles = tuple(self.item(r) for r in item.roles)
            update["roles"] = tuple(r for r in roles if r.organization)
        if isinstance(item, ArticleFacts) and item.based_on is not None:
            update["based_on"] = self.item(item.based_on)
        return item.model_copy(update=update) if update else item


class _Renamer(_Rewriter):
    def __init__(self, renamed: dict[str, str]) -> None:
        super().__init__(lambda i: renamed.get(i, i))


class _Dangling(_Rewriter):
    """Drops links to ids that are not in the merged annotation (required links are kept)."""

    def __init__(self, present: set[str]) -> None:
        super().__init__(lambda i: i if i in present else None)

    def item(self, item: _M) -> _M:
        if isinstance(item, Person):
            # A role whose organisation is gone cannot stay: its organisation is required.
            roles = tuple(r for r in item.roles if self.fn(r.organization) is not None)
            item = item.model_copy(update={"roles": roles})
        if isinstance(item, Role | Relation):
            return item  # required links; the loader names any that is still missing
        return super().item(item)

    def facts(self, facts: ArticleFacts) -> ArticleFacts:
        kept = facts.publisher
        out = self.item(facts)
        return out if out.publisher else out.model_copy(update={"publisher": kept})


def review_count(ann: Annotation) -> int:
    """How many items of an annotation await review: unconfirmed entities, roles, the source,
    and mentions flagged on their own.

    >>> from kzar_ld.annotation import ArticleFacts, Mention, Place
    >>> review_count(Annotation(article=ArticleFacts(publisher="p"), places=(
    ...     Place(id="a", name="A", confirmed=False, mentions=("A", Mention(quote="it", confirmed=False))),)))
    2
    """
    count = 0
    for section in _SECTIONS:
        for item in getattr(ann, section):
            count += _count(item)
    return count + (0 if ann.article.based_on is None or ann.article.based_on.confirmed else 1)


def _count(item: Drafted) -> int:
    n = 0 if item.confirmed else 1
    for m in getattr(item, "mentions", ()):
        n += 0 if is_confirmed(m) else 1
    for r in getattr(item, "roles", ()):
        n += _count(r)
    return n
