"""The annotation format: a YAML file that lists an article's entities and what links them.

An article directory holds the text and ``annotation.yaml``. The annotation names every person
(with roles), organisation, place, occupation, event and relation by a short ``id``, links them by
those ids, and gives each mention as the quoted words, plus which occurrence when the words occur
more than once. Offsets are computed here, never typed by hand. The full reference, with an
example, is ``docs/annotation-format.md``; the JSON Schema is :func:`annotation_json_schema`.

Loading checks everything and reports the first problem with the file, the line and the value:
unknown id, duplicate id, quote not found, occurrence out of range, wrong kind of entity in a
slot, bad date, bad external identifier.

Example:
    >>> ann = load_annotation("examples/kazinform-2023-08-24/annotation.yaml")
    >>> ann.article.publisher, len(ann.people)
    ('kazinform', 6)
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pyoxigraph
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from kzar_ld.errors import AnnotationError

__all__ = [
    "FORMAT_VERSION",
    "Annotation",
    "ArticleFacts",
    "Event",
    "EventKind",
    "LinkKind",
    "MentionSpec",
    "Occupation",
    "Organization",
    "OrganizationKind",
    "Person",
    "Place",
    "PlaceKind",
    "Ref",
    "Relation",
    "Role",
    "SourceInfo",
    "WebAddress",
    "WebAddresses",
    "annotation_json_schema",
    "load_annotation",
    "parse_annotation",
]

FORMAT_VERSION = "kzar-annotation/1"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _web_address(value: Any) -> Any:
    """Check a web address (an absolute http or https IRI); never looked up."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    scheme, sep, rest = text.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or rest.startswith("/"):
        raise ValueError(f"a web address must start with https:// or http://, not {value!r}")
    if any(c.isspace() or c in '<>"{}|\\^`' for c in text):
        raise ValueError(f'a web address cannot contain spaces or any of <>"{{}}|\\^`, not {value!r}')
    try:
        pyoxigraph.NamedNode(text)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid web address ({exc})") from exc
    return text


#: An absolute http(s) address: a page, an image, a profile elsewhere (``sameAs``).
WebAddress = Annotated[str, BeforeValidator(_web_address)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


#: One web address, or a list of them.
WebAddresses = Annotated[tuple[WebAddress, ...], BeforeValidator(_one_or_many)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Mention(_Model):
    """A mention given as the quoted words and which occurrence of them in the body (1-based)."""

    quote: Annotated[str, StringConstraints(min_length=1)]
    occurrence: Annotated[int, Field(ge=1)] = 1


#: A mention is either the quoted words alone (first occurrence) or a :class:`Mention`.
MentionSpec = Mention | Annotated[str, StringConstraints(min_length=1)]


class DerivedRef(_Model):
    """A reference whose link is derived, not stated: ``{ref: id, derivation: why}``."""

    ref: Id
    derivation: Text


#: A link to another entity: its id, or a :class:`DerivedRef` when the link is derived.
Ref = DerivedRef | Id


def ref_id(ref: Ref) -> str:
    """The id a reference points to."""
    return ref.ref if isinstance(ref, DerivedRef) else ref


def ref_derivation(ref: Ref) -> str | None:
    """Why a derived reference holds, or None for a stated one."""
    return ref.derivation if isinstance(ref, DerivedRef) else None


class LinkKind(enum.StrEnum):
    """How a role ties a person to an organisation (schema.org's Role pattern)."""

    WORKS_FOR = "works-for"  # Person -worksFor-> Role -worksFor-> Organization
    MEMBER_OF = "member-of"  # Person -memberOf-> Role -memberOf-> Organization
    MEMBER = "member"  # Organization -member-> Role -member-> Person (e.g. a delegation's head)


class RoleStatus(enum.StrEnum):
    """Whether the article presents a role as current or former."""

    CURRENT = "current"
    FORMER = "former"


class Role(_Model):
    """A time-qualified affiliation of a person with an organisation."""

    id: Id
    name: Text
    organization: Id
    link: LinkKind = LinkKind.WORKS_FOR
    status: RoleStatus = RoleStatus.CURRENT
    derivation: Text | None = None
    mentions: tuple[MentionSpec, ...] = ()


class Person(_Model):
    """A person, typed schema:Person and foaf:Person."""

    id: Id
    name: Text
    given_name: Text | None = None
    family_name: Text | None = None
    honorific_prefix: Text | None = None
    description: Text | None = None
    nationality: Ref | None = None
    occupations: tuple[Id, ...] = ()
    work_location: Ref | None = None
    url: WebAddress | None = Field(default=None, description="the person's page, e.g. an author page")
    same_as: WebAddresses = Field(default=(), description="the same person elsewhere (a profile, a Wikidata item)")
    roles: tuple[Role, ...] = ()
    mentions: tuple[MentionSpec, ...] = ()


class OrganizationKind(enum.StrEnum):
    """The kind of an organisation; each maps to a schema.org class (and a FOAF one)."""

    ORGANIZATION = "organization"
    GOVERNMENT = "government"
    CORPORATION = "corporation"
    NEWS_MEDIA = "news-media"
    HONORARY_CONSULATE = "honorary-consulate"
    GROUP = "group"  # an unnamed collective or a delegation: schema:Organization + foaf:Group


class Organization(_Model):
    """An organisation or a collective."""

    id: Id
    kind: OrganizationKind = OrganizationKind.ORGANIZATION
    name: Text
    alternate_names: tuple[Text, ...] = ()
    description: Text | None = None
    parent: Ref | None = None
    location: Ref | None = None
    area_served: Ref | None = None
    url: WebAddress | None = Field(default=None, description="the organisation's web site")
    logo: WebAddress | None = Field(
        default=None, description="the address of its logo image (a publisher's, for search engines)"
    )
    same_as: WebAddresses = Field(
        default=(), description="the same organisation elsewhere (a Wikidata item, a profile)"
    )
    implied: Text | None = Field(default=None, description="why an entity the text only implies exists")
    mentions: tuple[MentionSpec, ...] = ()


class PlaceKind(enum.StrEnum):
    """The kind of a place; each maps to a schema.org class."""

    PLACE = "place"
    COUNTRY = "country"
    CITY = "city"
    CONTINENT = "continent"
    ADMINISTRATIVE_AREA = "administrative-area"
    CONSULAR_DISTRICT = "consular-district"


class Place(_Model):
    """A place, with its external identifiers where they are certain."""

    id: Id
    kind: PlaceKind = PlaceKind.PLACE
    name: Text
    alternate_names: tuple[Text, ...] = ()
    description: Text | None = None
    iso3166: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. KZ")
    wikidata: str | None = Field(default=None, description="Wikidata item id, e.g. Q232")
    geonames: str | None = Field(default=None, description="GeoNames id, e.g. 1522867")
    contained_in: tuple[Ref, ...] = ()
    contains: tuple[Ref, ...] = ()
    implied: Text | None = None
    mentions: tuple[MentionSpec, ...] = ()

    @field_validator("iso3166")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Z]{2}", v):
            raise ValueError(f"ISO 3166-1 alpha-2 code must be two capital letters, not {v!r}")
        return v

    @field_validator("wikidata")
    @classmethod
    def _wikidata(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"Q[1-9][0-9]*", v):
            raise ValueError(f"Wikidata id must look like Q232, not {v!r}")
        return v

    @field_validator("geonames")
    @classmethod
    def _geonames(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[1-9][0-9]*", v):
            raise ValueError(f"GeoNames id must be a number like 1522867, not {v!r}")
        return v


class Occupation(_Model):
    """An occupation (schema:Occupation), e.g. economist."""

    id: Id
    name: Text


class EventKind(enum.StrEnum):
    """The kind of an event; each maps to a schema.org or kzar class."""

    EVENT = "event"
    EVENT_SERIES = "event-series"
    DIPLOMATIC_VISIT = "diplomatic-visit"
    WORKING_VISIT = "working-visit"
    POLITICAL_CONSULTATIONS = "political-consultations"


class Event(_Model):
    """An event; ``super_events`` builds the hierarchy (both directions are written)."""

    id: Id
    kind: EventKind = EventKind.EVENT
    name: Text
    description: Text | None = None
    location: Ref | None = None
    attendees: tuple[Ref, ...] = ()
    super_events: tuple[Ref, ...] = ()
    about: tuple[Ref, ...] = ()
    keywords: tuple[Text, ...] = ()
    ordinal: Annotated[int, Field(ge=1)] | None = None
    anniversary_of: Id | None = Field(
        default=None,
        description="a relation whose Nth anniversary this is (N = ordinal); derives its establishment year",
    )
    ended: bool = Field(default=False, description="reported in the past tense: ended by the publication date")
    implied: Text | None = None
    mentions: tuple[MentionSpec, ...] = ()


class EstablishedYear(_Model):
    """A year with the reason it is derived."""

    year: int
    derivation: Text


class Relation(_Model):
    """A diplomatic relation between two countries."""

    id: Id
    kind: Literal["diplomatic-relation"] = "diplomatic-relation"
    name: Text
    parties: tuple[Id, ...]
    established_year: int | EstablishedYear | None = None
    mentions: tuple[MentionSpec, ...] = ()


class SourceInfo(_Model):
    """What the story is based on (``schema:isBasedOn``), e.g. a ministry's information."""

    name: Text
    author: Id | None = None
    derivation: Text | None = None


class ArticleFacts(_Model):
    """Article-level facts that the text itself does not carry."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200)] | None = None
    text: str | None = Field(default=None, description="the text file, relative to the annotation")
    language: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")] = "en"
    headline: Text | None = None
    date_published: dt.date | None = None
    date_modified: dt.date | None = None
    url: WebAddress | None = Field(
        default=None, description="where the article is published; also its mainEntityOfPage"
    )
    image: WebAddresses = Field(default=(), description="the address of a representative image, or a list of them")
    publisher: Id
    authors: tuple[Id, ...] = ()
    based_on: SourceInfo | None = None
    content_location: Id | None = None
    about: tuple[Id, ...] = ()
    primary_topic: Id | None = None

    @field_validator("date_published", "date_modified", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        if isinstance(v, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
            raise ValueError(f"date must be YYYY-MM-DD, not {v!r}")
        return v


class Annotation(_Model):
    """A whole annotation file."""

    format: Literal["kzar-annotation/1"] = "kzar-annotation/1"
    article: ArticleFacts
    people: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    places: tuple[Place, ...] = ()
    occupations: tuple[Occupation, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()


def annotation_json_schema() -> dict[str, Any]:
    """The JSON Schema of the annotation format (shipped as ``docs/annotation.schema.json``).

    >>> annotation_json_schema()["title"]
    'Annotation'
    """
    return Annotation.model_json_schema()


# --- YAML with line numbers -------------------------------------------------------------------

Path_ = tuple[str | int, ...]


class Located:
    """A parsed annotation plus the line of every value in its file (for messages)."""

    def __init__(self, source: str, lines: Mapping[Path_, int]) -> None:
        self.source = source
        self._lines = lines

    def line(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        for n in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:n]))
            if found is not None:
                return found
        return None

    def error(self, message: str, path: Path_) -> AnnotationError:
        return AnnotationError(message, source=self.source, line=self.line(path))


def _to_python(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise AnnotationError("a key must be a plain word", source=source, line=key_node.start_mark.line + 1)
            key = key_node.value
            if key in out:
                raise AnnotationError(f"key {key!r} given twice", source=source, line=key_node.start_mark.line + 1)
            out[key] = _to_python(value_node, (*path, key), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, (*path, i), lines, source) for i, v in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    # Keep every scalar as the text that was written: YAML 1.1 would turn `no` into False,
    # `2023-08-24` into a date and `1_000` into a number. Only a plain `null`/`~`/empty is None.
    if node.style is None and node.value in ("", "~", "null", "Null", "NULL"):
        return None
    # NFC throughout: the body is NFC, and the same name typed in NFC or NFD is one id.
    return unicodedata.normalize("NFC", node.value)


def parse_annotation(text: str, *, source: str = "<annotation>") -> tuple[Annotation, Located]:
    """Parse annotation YAML text into the typed model, keeping line numbers.

    >>> ann, where = parse_annotation("article:\\n  publisher: agency\\n")
    >>> ann.article.publisher, where.line(("article", "publisher"))
    ('agency', 2)
    """
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise AnnotationError(
                    "YAML aliases (*name) are not allowed in annotations; write the value out",
                    source=source,
                    line=event.start_mark.line + 1,
                )
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        raise AnnotationError(
            f"YAML syntax error: {problem}",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise AnnotationError(f"YAML error: {exc}", source=source) from exc
    if node is None:
        raise AnnotationError("empty annotation: it needs at least an `article:` section", source=source)
    lines: dict[Path_, int] = {}
    data = _to_python(node, (), lines, source)
    where = Located(source, lines)
    if not isinstance(data, dict):
        raise where.error("an annotation is a mapping with an `article:` section", ())
    try:
        return Annotation.model_validate(data), where
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = _data_path(first["loc"], data)
        value = _value_at(data, loc)
        shown = f" (got {value!r})" if value is not None and not isinstance(value, dict | list) else ""
        field = ".".join(str(p) for p in loc) or "annotation"
        raise where.error(f"{field}: {_clean(first['msg'])}{shown}", loc) from exc


def _clean(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _data_path(loc: tuple[Any, ...], data: Any) -> Path_:
    # pydantic puts union member names ("DerivedRef", "str", ...) in ``loc``; keep only real keys.
    path: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            path.append(part)
            current = current[part]
    return tuple(path)


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def load_annotation(path: str | os.PathLike[str], *, max_bytes: int = 10 * 1024 * 1024) -> Annotation:
    """Load and type-check an annotation file (references are checked by :func:`kzar_ld.load_article`).

    The size is checked before the file is read.
    """
    return read_annotation(path, max_bytes=max_bytes)[0]


def read_annotation(path: str | os.PathLike[str], *, max_bytes: int = 10 * 1024 * 1024) -> tuple[Annotation, Located]:
    """Like :func:`load_annotation`, also returning the line map for later messages."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise AnnotationError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit", source=str(p))
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise AnnotationError("annotation file not found", source=str(p)) from exc
    except IsADirectoryError as exc:
        raise AnnotationError("is a directory, not an annotation file", source=str(p)) from exc
    except OSError as exc:
        raise AnnotationError(f"cannot read the annotation: {exc.strerror}", source=str(p)) from exc
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AnnotationError(f"not UTF-8 at byte offset {exc.start}", source=str(p), line=line) from exc
    return parse_annotation(text, source=str(p))


def walk_mentions(ann: Annotation) -> Iterator[tuple[str, str | None, Path_, MentionSpec, int]]:
    """Yield ``(entity id, role id or None, path, mention, index)`` for every mention in the file."""
    sections: tuple[tuple[str, tuple[Any, ...]], ...] = (
        ("people", ann.people),
        ("organizations", ann.organizations),
        ("places", ann.places),
        ("events", ann.events),
        ("relations", ann.relations),
    )
    for section, items in sections:
        for i, item in enumerate(items):
            for j, m in enumerate(item.mentions):
                yield item.id, None, (section, i, "mentions", j), m, j
            if section == "people":
                for r, role in enumerate(item.roles):
                    for j, m in enumerate(role.mentions):
                        yield item.id, role.id, (section, i, "roles", r, "mentions", j), m, j
