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
import difflib
import enum
import itertools
import os
import re
import types
import typing
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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
    model_validator,
)

from kzar_ld.defaults import DEFAULT_MAX_BYTES
from kzar_ld.errors import AnnotationError, AnnotationErrors
from kzar_ld.files import read_capped

__all__ = [
    "FORMAT_VERSION",
    "Annotation",
    "ArticleFacts",
    "Drafted",
    "Event",
    "EventKind",
    "EventStatus",
    "LinkKind",
    "Mention",
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
    "is_confirmed",
    "load_annotation",
    "mention_quote",
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


class Drafted(_Model):
    """Drafting provenance, shared by every item a drafter can propose.

    An item an editor wrote or accepted is ``confirmed`` (the default, so hand-written
    annotations need none of these keys). ``kzar-ld draft`` writes ``confirmed: false`` on what
    it proposes, with how sure it is (``confidence``, 0 to 1) and why (``evidence``: the rule or
    the cue in the text). An editor confirms an item by setting ``confirmed: true`` (or deleting
    the key); ``kzar-ld draft --update`` keeps confirmed items verbatim and replaces the rest.

    >>> Mention(quote="He", confidence=0.6, evidence="pronoun", confirmed=False).confirmed
    False
    """

    confidence: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        default=None, description="how sure the drafter is, from 0 (a guess) to 1 (certain)"
    )
    evidence: Text | None = Field(default=None, description="the rule or the cue in the text the item was drafted from")
    confirmed: bool = Field(
        default=True, description="false while an item is a draft nobody has confirmed; an editor sets it true"
    )


class Mention(Drafted):
    """A mention: the quoted words, and which occurrence of them in the body.

    Quotes match whole words unless ``whole_word`` is false (``Kazakh`` does not match inside
    "Kazakhstan"). ``occurrence`` is 1-based, or ``all`` for every occurrence. ``after`` and
    ``before`` pin the quote by the text right next to it instead of by counting: ``after`` is
    the text just before the quote, ``before`` the text just after it; occurrences are then
    counted among those that fit, and more than one fit without an ``occurrence`` is an error.
    A mention inside the mention of another entity of the same kind ("Austria" inside "Lower
    Austria") is a warning unless ``nested`` says it is meant.

    >>> Mention(quote="Austria", after="Kazakhstan and ").occurrence
    1
    """

    quote: Annotated[str, StringConstraints(min_length=1)]
    occurrence: Annotated[int, Field(ge=1)] | Literal["all"] = 1
    whole_word: bool = Field(default=True, description="match whole words only (false: also inside words)")
    after: Annotated[str, StringConstraints(min_length=1)] | None = Field(
        default=None, description="the text right before the quote, to pick the occurrence"
    )
    before: Annotated[str, StringConstraints(min_length=1)] | None = Field(
        default=None, description="the text right after the quote, to pick the occurrence"
    )
    nested: bool = Field(
        default=False,
        description="the words lie inside the mention of another entity of the same kind on purpose: no warning",
    )


#: A mention is either the quoted words alone (first occurrence) or a :class:`Mention`.
MentionSpec = Mention | Annotated[str, StringConstraints(min_length=1)]


def mention_quote(spec: MentionSpec) -> tuple[str, int | Literal["all"]]:
    """The quoted words and the occurrence of a mention.

    >>> mention_quote("Astana"), mention_quote(Mention(quote="Astana", occurrence=2))
    (('Astana', 1), ('Astana', 2))
    """
    return (spec.quote, spec.occurrence) if isinstance(spec, Mention) else (spec, 1)


def is_confirmed(item: Drafted | str) -> bool:
    """Whether an item (or a plain-string mention, always an editor's) is confirmed.

    >>> is_confirmed("Astana"), is_confirmed(Mention(quote="Astana", confirmed=False))
    (True, False)
    """
    return isinstance(item, str) or item.confirmed


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


class Role(Drafted):
    """A time-qualified affiliation of a person with an organisation."""

    id: Id
    name: Text
    organization: Id
    link: LinkKind = LinkKind.WORKS_FOR
    status: RoleStatus = RoleStatus.CURRENT
    derivation: Text | None = None
    mentions: tuple[MentionSpec, ...] = ()


_SHARED_NAME = Field(default=None, description="required, unless the id is declared in the shared entities file")


class Person(Drafted):
    """A person, typed schema:Person and foaf:Person."""

    id: Id
    name: Text | None = _SHARED_NAME
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
    unnamed: bool = Field(
        default=False,
        description='a person the article names only by a role ("the Honorary Consul of Georgia"): no name, a role',
    )
    mentions: tuple[MentionSpec, ...] = ()


class OrganizationKind(enum.StrEnum):
    """The kind of an organisation; each maps to a schema.org class (and a FOAF one)."""

    ORGANIZATION = "organization"
    GOVERNMENT = "government"
    CORPORATION = "corporation"
    NEWS_MEDIA = "news-media"
    HONORARY_CONSULATE = "honorary-consulate"
    GROUP = "group"  # an unnamed collective or a delegation: schema:Organization + foaf:Group


class Organization(Drafted):
    """An organisation or a collective."""

    id: Id
    kind: OrganizationKind = OrganizationKind.ORGANIZATION
    name: Text | None = _SHARED_NAME
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


class Place(Drafted):
    """A place, with its external identifiers where they are certain."""

    id: Id
    kind: PlaceKind = PlaceKind.PLACE
    name: Text | None = _SHARED_NAME
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


class Occupation(Drafted):
    """An occupation (schema:Occupation), e.g. economist."""

    id: Id
    name: Text | None = _SHARED_NAME


class EventKind(enum.StrEnum):
    """The kind of an event; each maps to a schema.org or kzar class and most to a CAMEO code.

    The CAMEO code (the event ontology GDELT uses) lets corpora from different publishers be
    queried alike: ``ontologies/cameo.ttl`` has each code as a SKOS concept, and the graph links
    the event to it with ``kzar:cameoType``.

    >>> EventKind.SIGNING.cameo, EventKind.VISIT.cameo, EventKind.EVENT.cameo
    ('057', '042', None)
    """

    EVENT = "event"
    EVENT_SERIES = "event-series"
    VISIT = "visit"  # any official visit; the visitor makes it (CAMEO 042)
    DIPLOMATIC_VISIT = "diplomatic-visit"  # the same class as `visit`, the name the first example uses
    WORKING_VISIT = "working-visit"
    TALKS = "talks"  # talks and negotiations between two sides (CAMEO 046)
    POLITICAL_CONSULTATIONS = "political-consultations"  # a round of inter-ministry consultations (CAMEO 040)
    MEETING = "meeting"  # a meeting of named people (CAMEO 040)
    CEREMONY = "ceremony"  # openings, presentations of credentials, receptions (CAMEO 050)
    SIGNING = "signing"  # the signing of an agreement or memorandum (CAMEO 057)
    FORUM = "forum"  # summits, councils, forums, round tables (CAMEO 040)

    @property
    def cameo(self) -> str | None:
        """The CAMEO event code of this kind, or None for a generic event or a series."""
        return _CAMEO.get(self)


_CAMEO = {
    EventKind.VISIT: "042",
    EventKind.DIPLOMATIC_VISIT: "042",
    EventKind.WORKING_VISIT: "042",
    EventKind.TALKS: "046",
    EventKind.POLITICAL_CONSULTATIONS: "040",
    EventKind.MEETING: "040",
    EventKind.CEREMONY: "050",
    EventKind.SIGNING: "057",
    EventKind.FORUM: "040",
}


class EventStatus(enum.StrEnum):
    """Whether the article reports an event as having happened.

    Only ``reported`` events are asserted as having happened. ``planned`` events (announced,
    scheduled, expected) and ``background`` events (recalled for context, not reported by this
    article) are kept in the graph but marked, so that no query counts them as happened.
    """

    REPORTED = "reported"
    PLANNED = "planned"
    BACKGROUND = "background"


class Event(Drafted):
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
    status: EventStatus = Field(
        default=EventStatus.REPORTED,
        description="reported (happened), planned (announced, not yet held) or background (recalled, not reported)",
    )
    implied: Text | None = None
    mentions: tuple[MentionSpec, ...] = ()

    @model_validator(mode="after")
    def _ended_only_if_reported(self) -> Event:
        if self.ended and self.status is not EventStatus.REPORTED:
            raise ValueError(f"a {self.status.value} event cannot be `ended: true`: only reported events happened")
        return self


class EstablishedYear(_Model):
    """A year with the reason it is derived."""

    year: int
    derivation: Text


class Relation(Drafted):
    """A diplomatic relation between two countries."""

    id: Id
    kind: Literal["diplomatic-relation"] = "diplomatic-relation"
    name: Text
    parties: tuple[Id, ...]
    established_year: int | EstablishedYear | None = None
    mentions: tuple[MentionSpec, ...] = ()


class SourceInfo(Drafted):
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
        if isinstance(v, str):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
                raise ValueError(f"date must be YYYY-MM-DD, not {v!r}")
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError:
                raise ValueError(f"{v!r} is not a calendar date") from None
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


@dataclass(frozen=True, slots=True)
class FlowSplit:
    """Two neighbouring plain items of a YAML flow sequence (``[a, b]``) and the source text between them.

    ``joined`` is ``a, b`` as written; when the article text contains it, the comma was probably
    part of one quote, and the loader warns.
    """

    path: Path_
    joined: str
    line: int


class Located:
    """A parsed annotation plus the line of every value in its file (for messages)."""

    def __init__(self, source: str, lines: Mapping[Path_, int], flow_splits: tuple[FlowSplit, ...] = ()) -> None:
        self.source = source
        self._lines = lines
        self.flow_splits = flow_splits

    def line(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        for n in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:n]))
            if found is not None:
                return found
        return None

    def error(self, message: str, path: Path_) -> AnnotationError:
        return AnnotationError(message, source=self.source, line=self.line(path))


#: How many errors of one annotation are reported at most (the rest are counted).
DEFAULT_MAX_ERRORS = 20


class Problems:
    """The errors found in one pass over an annotation, raised together by :meth:`raise_if_any`.

    >>> problems = Problems(limit=5)
    >>> problems.add(AnnotationError("b", source="x.yaml", line=9))
    >>> problems.add(AnnotationError("a", source="x.yaml", line=3))
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    kzar_ld.errors.AnnotationErrors: x.yaml:3: a
    x.yaml:9: b
    """

    def __init__(self, *, limit: int = DEFAULT_MAX_ERRORS) -> None:
        if limit < 1:
            raise ValueError(f"the error limit must be at least 1, not {limit}")
        self.limit = limit
        self.errors: list[AnnotationError] = []

    def add(self, error: AnnotationError) -> None:
        """Record one error."""
        self.errors.append(error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        """Raise the one error, or :class:`AnnotationErrors` with all of them in file order."""
        if not self.errors:
            return
        ordered = sorted(self.errors, key=lambda e: (e.source or "", e.line or 0))
        if len(ordered) == 1:
            raise ordered[0]
        raise AnnotationErrors(ordered[: self.limit], total=len(ordered))


def _plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style and "\n" not in node.value


def _to_python(
    node: yaml.Node,
    path: Path_,
    lines: dict[Path_, int],
    source: str,
    splits: list[FlowSplit] | None = None,
    text: str | None = None,
    errors: list[AnnotationError] | None = None,
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            problem = None
            if not isinstance(key_node, yaml.ScalarNode):
                problem = AnnotationError(
                    "a key must be a plain word", source=source, line=key_node.start_mark.line + 1
                )
            elif key_node.value in out:
                first = lines.get((*path, key_node.value))
                problem = AnnotationError(
                    f"key {key_node.value!r} given twice (first on line {first})",
                    source=source,
                    line=key_node.start_mark.line + 1,
                )
            if problem is not None:
                if errors is None:
                    raise problem
                errors.append(problem)  # reported with the rest; the first value is kept
                continue
            key = key_node.value
            out[key] = _to_python(value_node, (*path, key), lines, source, splits, text, errors)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.flow_style and path and path[-1] == "mentions" and splits is not None and text is not None:
            for i, (a, b) in enumerate(itertools.pairwise(node.value)):
                if _plain(a) and _plain(b):
                    joined = unicodedata.normalize("NFC", text[a.start_mark.index : b.end_mark.index])
                    splits.append(FlowSplit((*path, i), joined, a.start_mark.line + 1))
        return [_to_python(v, (*path, i), lines, source, splits, text, errors) for i, v in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    # Keep every scalar as the text that was written: YAML 1.1 would turn `no` into False,
    # `2023-08-24` into a date and `1_000` into a number. Only a plain `null`/`~`/empty is None.
    if not node.style and node.value in ("", "~", "null", "Null", "NULL"):  # plain: None, or '' from libyaml
        return None
    # NFC throughout: the body is NFC, and the same name typed in NFC or NFD is one id.
    return unicodedata.normalize("NFC", node.value)


M = typing.TypeVar("M", bound=BaseModel)


def parse_annotation(
    text: str, *, source: str = "<annotation>", max_errors: int = DEFAULT_MAX_ERRORS
) -> tuple[Annotation, Located]:
    """Parse annotation YAML text into the typed model, keeping line numbers.

    Every problem of the file is reported in one pass (up to ``max_errors``), each with its
    line: a missing field is named, and a stray key gets a "did you mean ...?".

    >>> ann, where = parse_annotation("article:\\n  publisher: agency\\n")
    >>> ann.article.publisher, where.line(("article", "publisher"))
    ('agency', 2)
    >>> parse_annotation("article:\\n  publisher: agency\\n  publsher: x\\npeople:\\n  - name: P\\n")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.AnnotationErrors: <annotation>:3: article: unknown key 'publsher' (did you mean 'publisher'?)
    <annotation>:5: people[0]: missing field 'id'
    """
    return parse_model(text, Annotation, source=source, max_errors=max_errors, what="an `article:` section")


def parse_model(
    text: str, model: type[M], *, source: str, max_errors: int = DEFAULT_MAX_ERRORS, what: str
) -> tuple[M, Located]:
    """Parse YAML text into ``model`` with line numbers; ``what`` says what an empty file lacks."""
    try:
        node = _compose(text, source)
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
        raise AnnotationError(f"empty file: it needs at least {what}", source=source)
    lines: dict[Path_, int] = {}
    splits: list[FlowSplit] = []
    structural: list[AnnotationError] = []
    data = _to_python(node, (), lines, source, splits, text, structural)
    where = Located(source, lines, tuple(splits))
    if not isinstance(data, dict):
        raise where.error(f"the file must be a mapping with {what}", ())
    problems = Problems(limit=max_errors)
    for shape_error in structural:
        problems.add(shape_error)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        problems.raise_if_any()
        return parsed, where
    seen: set[Path_] = set()
    for error in errors:
        found = _problem(error, data, where, model)
        if found is not None and found[0] not in seen:
            seen.add(found[0])
            problems.add(found[1])
    if not problems:  # pragma: no cover - pydantic always says where
        raise where.error(f"annotation: {errors[0]['msg']}", ())
    problems.raise_if_any()
    raise AssertionError("unreachable")  # pragma: no cover


# libyaml's parser, where PyYAML was built with it, is about ten times faster than the pure
# Python one; both resolve tags in Python (SafeLoader's rules), so the nodes are the same.
_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _compose(text: str, source: str) -> yaml.Node | None:
    """The YAML node tree of ``text``; an alias (``*name``) is an error.

    Text that libyaml rejects is parsed again by PyYAML's own parser, so a syntax error reads
    the same whichever parser is installed.
    """
    # libyaml does not count a byte-order mark in its offsets; PyYAML does, as Python indexes do
    fast = None if text.startswith("\ufeff") else _FAST_LOADER
    loaders = [yaml.SafeLoader] if fast is None else [fast, yaml.SafeLoader]
    for loader in loaders:
        try:
            if "*" in text:  # an alias needs its indicator, so text without one has none
                for event in yaml.parse(text, Loader=loader):
                    if isinstance(event, yaml.AliasEvent):
                        raise AnnotationError(
                            "YAML aliases (*name) are not allowed in annotations; write the value out",
                            source=source,
                            line=event.start_mark.line + 1 if event.start_mark else None,
                        )
            return yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            if loader is yaml.SafeLoader:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _problem(error: Any, data: Any, where: Located, root: type[BaseModel]) -> tuple[Path_, AnnotationError] | None:
    """One pydantic error as (its key, an error with file and line), or None for a union's other branch."""
    loc = tuple(error["loc"])
    path = _data_path(loc, data)
    kind = error["type"]
    if not _on_the_taken_branch(loc, data, keyed=kind in ("missing", "extra_forbidden")):
        return None
    if kind == "missing":
        field = str(loc[-1])
        return (*path, "\x00missing", field), where.error(f"{_name(path, data)}: missing field {field!r}", path)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = path[:-1] if path and path[-1] == key else path
        allowed = _fields_at(loc[:-1], root)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return path, where.error(f"{_name(parent, data)}: unknown key {key!r}{hint}", path)
    value = _value_at(data, path)
    message = _clean(error["msg"])
    if path and path[-1] == "occurrence":
        message = "an occurrence is a number from 1, or `all`"
    shown = ""
    if value is not None and not isinstance(value, dict | list) and repr(value) not in message:
        shown = f" (got {value!r})"  # a value the message already quotes is not repeated
    if kind in ("enum", "literal_error") and isinstance(value, str):
        choices = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        if close:
            shown += f"; did you mean {close[0]!r}?"
    return path, where.error(f"{_name(path, data, with_id=False)}: {message}{shown}", path)


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


def _name(path: Path_, data: Any, *, with_id: bool = True) -> str:
    """``people[0] (id 'p')``: a readable name for the value at ``path``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    value = _value_at(data, path)
    if with_id and isinstance(value, dict) and isinstance(value.get("id"), str):
        text += f" (id {value['id']!r})"
    return text or "annotation"


def _models() -> dict[str, type[BaseModel]]:
    out: dict[str, type[BaseModel]] = {}
    todo: list[Any] = [Annotation]
    while todo:
        model = todo.pop()
        if model.__name__ in out:
            continue
        out[model.__name__] = model
        for f in model.model_fields.values():
            todo.extend(_models_in(f.annotation))
    return out


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def _fields_at(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    """The field names of the model that pydantic's ``loc`` points into (for "did you mean")."""
    candidates: list[type[BaseModel]] = [root]
    for part in loc:
        if isinstance(part, int):
            continue
        by_name = [m for m in candidates if m.__name__ == part]
        if by_name:
            candidates = by_name
            continue
        fields = [m.model_fields[part] for m in candidates if part in m.model_fields]
        candidates = [m for f in fields for m in _models_in(f.annotation)]
    return sorted({name for m in candidates[:1] for name in m.model_fields})


def _on_the_taken_branch(loc: tuple[Any, ...], data: Any, *, keyed: bool) -> bool:
    """Whether an error of a union member fits the value: model members for mappings, others for scalars.

    For ``{quote: x, occurence: 2}`` pydantic reports both "unknown key occurence" (the
    :class:`Mention` branch) and "input should be a string" (the ``str`` branch); only the first
    helps.
    """
    models = _MODELS
    current = data
    for n, part in enumerate(loc):
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            current = current[part]
        elif isinstance(current, dict):
            # A model's name is the branch taken; the last part is a missing or stray key;
            # anything else names a scalar branch, which a mapping did not take.
            if part not in models and not (keyed and n == len(loc) - 1):
                return False
        elif part in models:
            return False
    return True


def load_annotation(
    path: str | os.PathLike[str], *, max_bytes: int = 10 * 1024 * 1024, max_errors: int = DEFAULT_MAX_ERRORS
) -> Annotation:
    """Load and type-check an annotation file (references are checked by :func:`kzar_ld.load_article`).

    The size is checked before the file is read.
    """
    return read_annotation(path, max_bytes=max_bytes, max_errors=max_errors)[0]


def read_annotation(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, max_errors: int = DEFAULT_MAX_ERRORS
) -> tuple[Annotation, Located]:
    """Like :func:`load_annotation`, also returning the line map for later messages."""
    text = read_yaml_text(path, max_bytes=max_bytes, what="annotation file")
    return parse_annotation(text, source=os.fspath(path), max_errors=max_errors)


def read_yaml_text(path: str | os.PathLike[str], *, max_bytes: int, what: str) -> str:
    """The UTF-8 text of an annotation-like YAML file (a leading BOM dropped), size-capped.

    Every failure is an :class:`~kzar_ld.errors.AnnotationError` naming the file (and the line
    for bad UTF-8); ``what`` says what the file was meant to be.
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise AnnotationError(f"is a directory, not an {what}", source=str(p))
        data = read_capped(p, max_bytes=max_bytes, source=str(p), error=AnnotationError)
    except FileNotFoundError as exc:
        raise AnnotationError(f"{what} not found", source=str(p)) from exc
    except OSError as exc:
        raise AnnotationError(f"cannot read the {what}: {exc.strerror}", source=str(p)) from exc
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AnnotationError(f"not UTF-8 at byte offset {exc.start}", source=str(p), line=line) from exc


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


_MODELS = _models()
