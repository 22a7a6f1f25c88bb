"""Shared entities: one file that declares the countries, ministries and agencies many articles name.

An entity that several articles mention (``kazakhstan``, ``mfa-kazakhstan``, ``kazinform``) is
declared once, in ``entities.yaml`` beside the article directories (in their parent directory),
or in a file given explicitly (``load_article(path, entities=FILE)``). An article then uses the
id: in a reference (``nationality: kazakhstan``), or with its own mentions and, for people, roles::

    places:
      - id: kazakhstan
        mentions: [Kazakhstan]

The article's entry may repeat a field the registry gives only with the same value; anything
else is a conflict, reported with both files and lines. Registry entities that an article
refers to, directly or through other registry entities, are part of its graph.

The file has the sections ``people``, ``organizations``, ``places`` and ``occupations`` of the
annotation format, without mentions or roles (those belong to an article's text):

    >>> registry = parse_registry("places:\\n  - id: kazakhstan\\n    kind: country\\n    name: Kazakhstan\\n")
    >>> registry.entity("kazakhstan").name, registry.line("kazakhstan")
    ('Kazakhstan', 2)

:func:`check_shared_entities` compares the declarations of the same id across articles built
together, for articles that declare shared entities themselves instead of using a registry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from kzar_ld.annotation import (
    DEFAULT_MAX_ERRORS,
    Annotation,
    DerivedRef,
    Event,
    Located,
    Occupation,
    Organization,
    Person,
    Place,
    Problems,
    Relation,
    _Model,
    parse_model,
    read_yaml_text,
    ref_id,
)
from kzar_ld.defaults import DEFAULT_MAX_BYTES
from kzar_ld.errors import AnnotationError

__all__ = [
    "REGISTRY_FILE",
    "Registry",
    "check_shared_entities",
    "find_registry",
    "load_registry",
    "parse_registry",
]

#: The registry's file name, looked for in the parent directory of an article directory.
REGISTRY_FILE = "entities.yaml"

#: The annotation sections whose entities can be shared.
SHARED_SECTIONS = ("people", "organizations", "places", "occupations")

# Fields that are the article's own even for a shared entity: its words and its roles.
_ARTICLE_OWN = frozenset({"id", "mentions", "roles"})
# Fields that say which thing an entity is; two articles giving them differently is a conflict.
_IDENTITY = ("kind", "name", "given_name", "family_name", "iso3166", "wikidata", "geonames", "parties")

SharedEntity = Person | Organization | Place | Occupation


class RegistryFile(_Model):
    """The typed content of a shared-entities file."""

    format: Literal["kzar-entities/1"] = "kzar-entities/1"
    people: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    places: tuple[Place, ...] = ()
    occupations: tuple[Occupation, ...] = ()


@dataclass(frozen=True, slots=True)
class Registry:
    """Shared entities by id, with the section and the line each is declared on."""

    source: str
    entities: Mapping[str, tuple[str, SharedEntity, int | None]]

    def entity(self, entity_id: str) -> SharedEntity:
        """The declaration of ``entity_id`` (KeyError when the registry has none)."""
        return self.entities[entity_id][1]

    def section(self, entity_id: str) -> str:
        """The section (``places``, ...) that declares ``entity_id``."""
        return self.entities[entity_id][0]

    def line(self, entity_id: str) -> int | None:
        """The line of the declaration of ``entity_id``."""
        return self.entities[entity_id][2]

    def where(self, entity_id: str) -> str:
        """``file:line`` of the declaration, for messages."""
        line = self.line(entity_id)
        return f"{self.source}:{line}" if line is not None else self.source

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entities


def find_registry(article_dir: str | os.PathLike[str]) -> Path | None:
    """The ``entities.yaml`` beside an article directory (in its parent), or None.

    >>> find_registry("examples/kazinform-2023-08-24") is None
    True
    """
    folder = Path(article_dir)
    # "a/b" -> "a"; "." or "b/.." have no name to strip, so resolve them first.
    parent = folder.parent if folder.name not in ("", ".", "..") else folder.resolve().parent
    candidate = parent / REGISTRY_FILE
    return candidate if candidate.is_file() else None


def load_registry(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, max_errors: int = DEFAULT_MAX_ERRORS
) -> Registry:
    """Read and check a shared-entities file; every problem is reported with its line."""
    text = read_yaml_text(path, max_bytes=max_bytes, what="shared entities file")
    return parse_registry(text, source=os.fspath(path), max_errors=max_errors)


def parse_registry(text: str, *, source: str = "<entities>", max_errors: int = DEFAULT_MAX_ERRORS) -> Registry:
    """Parse the text of a shared-entities file.

    >>> parse_registry("places:\\n  - id: kz\\n    name: Kazakhstan\\n    mentions: [Kazakhstan]\\n")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.AnnotationError: <entities>:4: places[0] (id 'kz'): mentions belong in an article's annotation...
    """
    content, where = parse_model(text, RegistryFile, source=source, max_errors=max_errors, what="a `places:` section")
    problems = Problems(limit=max_errors)
    entities: dict[str, tuple[str, SharedEntity, int | None]] = {}
    for section, i, item in _items(content):
        path = (section, i)
        name = f"{section}[{i}] (id {item.id!r})"
        if item.id in entities:
            problems.add(
                where.error(f"{name}: id {item.id!r} is declared twice (also on line {entities[item.id][2]})", path)
            )
            continue
        if item.name is None:
            problems.add(where.error(f"{name}: missing field 'name'", path))
        if getattr(item, "mentions", ()):
            problems.add(
                where.error(
                    f"{name}: mentions belong in an article's annotation, not in the shared entities",
                    (*path, "mentions"),
                )
            )
        if getattr(item, "roles", ()):
            problems.add(
                where.error(
                    f"{name}: roles belong in an article's annotation, not in the shared entities", (*path, "roles")
                )
            )
        entities[item.id] = (section, item, where.line(path))
    for section, i, item in _items(content):
        for field, ref in _refs(item):
            if ref is not None and ref_id(ref) not in entities:
                problems.add(
                    where.error(
                        f"unknown id {ref_id(ref)!r}: the shared entities can refer only to each other",
                        (section, i, field),
                    )
                )
    problems.raise_if_any()
    return Registry(source=source, entities=MappingProxyType(entities))


def _items(content: RegistryFile | Annotation) -> Iterator[tuple[str, int, SharedEntity]]:
    for section in SHARED_SECTIONS:
        for i, item in enumerate(getattr(content, section)):
            yield section, i, item


def _refs(item: Any) -> Iterator[tuple[str, Any]]:
    """The (field, reference) pairs of an entity: the ids it points to."""
    if isinstance(item, Person):
        yield from (("nationality", item.nationality), ("work_location", item.work_location))
        yield from (("occupations", o) for o in item.occupations)
        yield from (("roles", r.organization) for r in item.roles)
    elif isinstance(item, Organization):
        yield from (("parent", item.parent), ("location", item.location), ("area_served", item.area_served))
    elif isinstance(item, Place):
        yield from (("contained_in", r) for r in item.contained_in)
        yield from (("contains", r) for r in item.contains)
    elif isinstance(item, Event):
        yield from (("location", item.location), ("anniversary_of", item.anniversary_of))
        yield from (("attendees", r) for r in item.attendees)
        yield from (("super_events", r) for r in item.super_events)
        yield from (("about", r) for r in item.about)
    elif isinstance(item, Relation):
        yield from (("parties", r) for r in item.parties)


def _article_refs(ann: Annotation) -> Iterator[Any]:
    a = ann.article
    yield from (a.publisher, a.content_location, a.primary_topic, *a.authors, *a.about)
    if a.based_on is not None:
        yield a.based_on.author
    for section in ("people", "organizations", "places", "occupations", "events", "relations"):
        for item in getattr(ann, section):
            for _, ref in _refs(item):
                yield ref


def merge_registry(ann: Annotation, where: Located, registry: Registry, problems: Problems) -> Annotation:
    """The annotation with the registry's entities filled in, and conflicts recorded in ``problems``.

    An article entry with a registry id takes the registry's fields plus its own mentions and
    roles; a field it also gives must be equal. Registry entities the article refers to
    (directly or through other registry entities) are appended to their sections.
    """
    sections: dict[str, list[Any]] = {s: list(getattr(ann, s)) for s in SHARED_SECTIONS}
    declared: set[str] = set()
    for section in ("people", "organizations", "places", "occupations", "events", "relations"):
        for i, item in enumerate(getattr(ann, section)):
            declared.add(item.id)
            if item.id not in registry:
                continue
            there = registry.where(item.id)
            if registry.section(item.id) != section:
                problems.add(
                    where.error(
                        f"{item.id!r} is declared in {section} here, but in {registry.section(item.id)} in {there}",
                        (section, i, "id"),
                    )
                )
                continue
            shared = registry.entity(item.id)
            given = item.model_fields_set - _ARTICLE_OWN
            clash = sorted(f for f in given if f in shared.model_fields_set and getattr(item, f) != getattr(shared, f))
            for field in clash:
                problems.add(
                    where.error(
                        f"{_kind(section)} {item.id!r} conflicts with its shared declaration in {there}: "
                        f"{field} {_shown(getattr(item, field))} here, {_shown(getattr(shared, field))} there; "
                        f"remove {field} here or change it there",
                        (section, i, field),
                    )
                )
            update = {
                f: getattr(item, f)
                for f in (given - set(shared.model_fields_set)) | (item.model_fields_set & _ARTICLE_OWN)
            }
            sections[section][i] = shared.model_copy(update=update)
    # Registry entities reached through references, in a stable order.
    todo = [ref_id(r) for r in _article_refs(ann) if r is not None]
    for section in SHARED_SECTIONS:
        for item in sections[section]:
            todo.extend(ref_id(r) for _, r in _refs(item) if r is not None)
    added: set[str] = set()
    while todo:
        key = todo.pop(0)
        if key in declared or key in added or key not in registry:
            continue
        added.add(key)
        entity = registry.entity(key)
        sections[registry.section(key)].append(entity)
        todo.extend(ref_id(r) for _, r in _refs(entity) if r is not None)
    return ann.model_copy(update={s: tuple(v) for s, v in sections.items()})


def _kind(section: str) -> str:
    return {"people": "person", "organizations": "organisation", "places": "place", "occupations": "occupation"}.get(
        section, section
    )


def _shown(value: Any) -> str:
    if isinstance(value, DerivedRef):
        value = value.ref
    return repr(str(value.value if hasattr(value, "value") else value))


def check_shared_entities(articles: Iterable[Any]) -> None:
    """Raise when articles built together declare the same entity differently.

    Each article is a :class:`kzar_ld.Article`. The same id is one IRI, so a different name, kind
    or external identifier would silently give one node two names. The errors name both files
    and lines; declaring the entity once in ``entities.yaml`` avoids them.
    """
    problems = Problems(limit=DEFAULT_MAX_ERRORS)
    first: dict[str, tuple[Any, str, int | None]] = {}  # id -> (record, source, line)
    for article in articles:
        for section in ("people", "organizations", "places", "occupations", "events", "relations"):
            for item in getattr(article.annotation, section):
                if getattr(item, "unnamed", False):
                    continue  # known by a role in one article only: its IRI is the article's own
                source, line = article.declarations.get(item.id, (article.source, None))
                seen = first.get(item.id)
                if seen is None:
                    first[item.id] = (item, source, line)
                    continue
                other, other_source, other_line = seen
                if (other_source, other_line) == (source, line):
                    continue  # the same declaration (a shared registry entry)
                for field in _IDENTITY:
                    mine = getattr(item, field, None) if field in item.model_fields_set else None
                    theirs = getattr(other, field, None) if field in other.model_fields_set else None
                    if mine is not None and theirs is not None and mine != theirs:
                        there = f"{other_source}:{other_line}" if other_line is not None else other_source
                        problems.add(
                            AnnotationError(
                                f"{item.id!r} is declared differently in {there}: {field} {_shown(mine)} here, "
                                f"{_shown(theirs)} there; declare it once in {REGISTRY_FILE}",
                                source=source,
                                line=line,
                            )
                        )
    problems.raise_if_any()
