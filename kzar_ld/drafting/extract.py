"""Draft an annotation from an article's raw text with general, data-driven rules.

The rules run in order, each one reading what the earlier ones found:

1. the document: header, headline, date, dateline, publisher, attribution (``based_on``);
2. places: countries (ISO 3166 names, official long forms and the press's short forms), cities
   (GeoNames, only where the name is unambiguous in the article), macro-regions; demonyms
   ("Cuban") are read as qualifiers, never as places;
3. organisations: known ones (international organisations, parliaments, media), ministries,
   embassies and consulates, akimats, companies, and capitalised names ending in a head word
   ("... Cultural Center in Rosario"), with their nesting;
4. persons: a role phrase followed by a name, or a name followed by its role, or an honorific
   and a name; each role tied to its organisation (the Foreign Minister of X works for the
   Ministry of Foreign Affairs of X), nationality only where the office says it; then
   co-reference (``Mr. Sarybay``, ``the Ambassador``, ``the Kazakh diplomat``, ``He``);
5. events: visits, talks, meetings, ceremonies, signings, forums, with their participants,
   location and status; meetings during a reported visit are its sub-events; planned and
   background events are kept apart and never asserted.

Every item carries a confidence and the rule that found it (:attr:`Draft.evidence`); the
annotation model takes them when it has the fields for them.

Example:
    >>> ann = extract_annotation(
    ...     " date 2024-05-02 Talks in Astana\\n\\nASTANA. KAZINFORM Foreign Minister of Kazakhstan "
    ...     "Murat Nurtleu met with Ambassador of Chile to Kazakhstan Rodrigo Lagos.",
    ...     source="talks.txt",
    ... )
    >>> [p.name for p in ann.people]
    ['Murat Nurtleu', 'Rodrigo Lagos']
    >>> [r.organization for p in ann.people for r in p.roles]
    ['mfa-kazakhstan', 'embassy-of-chile-in-kazakhstan']
    >>> ann.events[0].attendees
    ('murat-nurtleu', 'rodrigo-lagos')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kzar_ld.annotation import (
    Annotation,
    ArticleFacts,
    Event,
    EventStatus,
    Mention,
    Organization,
    Person,
    Place,
    Role,
    SourceInfo,
)
from kzar_ld.article import parse_article_text
from kzar_ld.drafting.base import (
    _LOW,
    _MENTIONS_MAY_NEST,
    _QUOTES_MATCH_WHOLE_WORDS,
    _UP,
    MAX_CHARS,
    _event_kind,
    _is_whole_word,
    _model,
    occurrence_of,
    slugify,
)
from kzar_ld.drafting.coref import CorefRules
from kzar_ld.drafting.document import DocumentRules
from kzar_ld.drafting.events import EventRules
from kzar_ld.drafting.gazetteer import gazetteer
from kzar_ld.drafting.orgs import OrganizationRules
from kzar_ld.drafting.persons import PersonRules
from kzar_ld.drafting.places import PlaceRules
from kzar_ld.errors import ArticleError

__all__ = ["MAX_CHARS", "Draft", "draft_article", "extract_annotation"]


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted annotation and, per item id, how sure the drafter is and which rule found it."""

    annotation: Annotation
    confidence: dict[str, float]
    evidence: dict[str, str]


def extract_annotation(text: str, *, source: str) -> Annotation:
    """Draft the annotation of an article from its raw text (see :func:`draft_article`).

    >>> ann = extract_annotation("ASTANA – The Kazakh Senate hosted a round table.", source="a.txt")
    >>> ann.article.publisher, [o.id for o in ann.organizations]
    ('unknown-publisher', ['unknown-publisher', 'senate-of-kazakhstan'])
    """
    return draft_article(text, source=source).annotation


def draft_article(text: str | bytes, *, source: str) -> Draft:
    """Draft the annotation of an article, with the confidence and evidence of every item.

    Raises :class:`~kzar_ld.errors.ArticleError` naming ``source`` when the text is empty, binary,
    not UTF-8, over the size cap, or has no body a sentence can be read from.
    """
    if len(text) > MAX_CHARS:
        raise ArticleError(f"text is over the {MAX_CHARS:,}-character drafting limit", source=source)
    parsed = parse_article_text(text, source=source)
    if not re.search(rf"[{_UP}{_LOW}]{{2,}}[^.!?]*[{_LOW}]{{2,}}", parsed.body):
        raise ArticleError("no recognisable body: no sentence with words in it", source=source)
    return _Drafter(parsed, gazetteer()).run()


class _Drafter(DocumentRules, PlaceRules, OrganizationRules, PersonRules, CorefRules, EventRules):
    """All the rule families, run in order over one article."""

    def run(self) -> Draft:
        self.document_start()
        self.places()
        self.organizations()
        self.document_attribution()
        self.persons()
        self.coreference()
        self.events()
        self.document_end()
        return self.assemble()

    def mention(self, span: tuple[int, int], *, section: str | None = None, why: str | None = None) -> Mention:
        """The mention of ``body[start:end]``: the words and which occurrence of them they are."""
        start, end = span
        quote = self.body[start:end]
        extra: dict[str, Any] = {}
        whole = True
        if _QUOTES_MATCH_WHOLE_WORDS:
            whole = _is_whole_word(self.body, start, end)
            if not whole:
                extra["whole_word"] = False
        n = occurrence_of(self.body, start, end, whole_word=whole and _QUOTES_MATCH_WHOLE_WORDS)
        if _MENTIONS_MAY_NEST and section is not None and self._inside_other(span, section):
            extra["nested"] = True
        why = self.span_evidence.get(span, why or "the words of the role phrase")
        conf = 0.6 if why.startswith(("pronoun", "co-reference")) else 0.9
        return Mention(quote=quote, occurrence=n, confidence=conf, evidence=why, confirmed=False, **extra)

    def _inside_other(self, span: tuple[int, int], section: str) -> bool:
        # "Rosario" inside "region of Rosario": meant, and said so, so the loader does not warn.
        return any(
            a <= span[0] and span[1] <= b and (a, b) != span
            for item in self.items.values()
            if item.section == section and span not in item.spans
            for a, b in item.spans
        )

    def mentions(
        self, spans: list[tuple[int, int]], section: str | None = None, why: str | None = None
    ) -> tuple[Mention | str, ...]:
        return tuple(self.mention(sp, section=section, why=why) for sp in sorted(set(spans)))

    def assemble(self) -> Draft:
        rename: dict[str, str] = {}
        taken_ids = {i for i in self.items if not i.startswith("_event-")}
        for item in sorted(self.items.values(), key=lambda i: i.order):
            if item.id.startswith("_event-"):
                base = slugify(self.event_name(item))[:90].strip("-") or "event"
                new_id, n = base, 1
                while new_id in taken_ids:
                    n += 1
                    new_id = f"{base}-{n}"
                taken_ids.add(new_id)
                rename[item.id] = new_id
        for key in ("primary_topic",):
            if key in self.article:
                self.article[key] = rename.get(self.article[key], self.article[key])
        if "about" in self.article:
            self.article["about"] = tuple(rename.get(a, a) for a in self.article["about"])
        ids = set(self.items) | set(rename.values())
        conf = {rename.get(i.id, i.id): i.confidence for i in self.items.values()}
        why = {rename.get(i.id, i.id): i.evidence for i in self.items.values()}
        people, orgs, places, events = [], [], [], []
        for item in sorted(self.items.values(), key=lambda i: i.order):
            d = item.data
            meta: dict[str, Any] = {}
            if item.section == "people":
                roles = []
                used: set[str] = set()
                for r in d.get("_roles", []):
                    if r["org"] is None:
                        continue
                    rid = slugify(r["name"])
                    while rid in used:
                        rid += "-2"
                    used.add(rid)
                    roles.append(
                        _model(
                            Role,
                            dict(
                                id=rid,
                                name=r["name"],
                                organization=r["org"],
                                status=r["status"],
                                mentions=self.mentions([r["span"]]),
                            ),
                            None,
                            confidence=0.8,
                            evidence=f"title {r['name']!r} in the role phrase {r['title']!r}",
                        )
                    )
                desc = ", ".join(r["title"] for r in d.get("_roles", [])) or None
                nat = d.get("_nationality")
                people.append(
                    _model(
                        Person,
                        dict(
                            id=item.id,
                            name=d["name"],
                            given_name=d.get("given_name"),
                            family_name=d.get("family_name") or None,
                            honorific_prefix=d.get("honorific_prefix"),
                            description=desc,
                            nationality={"ref": nat[0], "derivation": nat[1]} if nat else None,
                            work_location=d.get("_work_location"),
                            roles=tuple(roles),
                            mentions=self.mentions(item.spans, item.section, item.evidence),
                            **meta,
                        ),
                        item,
                    )
                )
            elif item.section == "organizations":
                parent = d.get("_parent") if d.get("_parent") in ids else None
                implied = d.get("implied") if not item.spans else None
                if not item.spans and implied is None:
                    implied = f"Implied by the text ({item.evidence})."
                orgs.append(
                    _model(
                        Organization,
                        dict(
                            id=item.id,
                            kind=d["kind"],
                            name=d["name"],
                            alternate_names=tuple(a for a in d.get("_alt", []) if a != d["name"]),
                            description=d.get("description"),
                            parent=parent,
                            location=d.get("_location"),
                            implied=implied,
                            mentions=self.mentions(item.spans, item.section, item.evidence),
                        ),
                        item,
                    )
                )
            elif item.section == "places":
                contained: tuple[str, ...] = ()
                cc = d.get("_country")
                if cc and self.g.countries[cc].id in ids:
                    contained = (self.g.countries[cc].id,)
                implied = None if item.spans else f"Implied by the text ({item.evidence})."
                places.append(
                    _model(
                        Place,
                        dict(
                            id=item.id,
                            kind=d["kind"],
                            name=d["name"],
                            alternate_names=tuple(dict.fromkeys(a for a in d.get("_alt", []) if a != d["name"])),
                            iso3166=d.get("iso3166"),
                            geonames=d.get("geonames"),
                            contained_in=contained,
                            implied=implied,
                            mentions=self.mentions(item.spans, item.section, item.evidence),
                        ),
                        item,
                    )
                )
            elif item.section == "events":
                events.append(
                    _model(
                        Event,
                        dict(
                            id=rename.get(item.id, item.id),
                            kind=_event_kind(d["_kind"], d.get("_word", "")),
                            name=self.event_name(item),
                            location=d.get("_location"),
                            attendees=tuple(dict.fromkeys(d.get("_attendees", []))),
                            super_events=(rename[d["_super"]],) if d.get("_super") else (),
                            ordinal=d.get("ordinal"),
                            status=EventStatus(d.get("_status", "reported")),
                            ended=d.get("_status", "reported") == "reported"
                            and (d.get("_kind") != "event" or d.get("ordinal") is None),
                            mentions=self.mentions(item.spans, item.section, item.evidence),
                        ),
                        item,
                    )
                )
        facts: dict[str, Any] = {"publisher": self.publisher, "authors": (self.publisher,), **self.article}
        if self.based_on:
            facts["based_on"] = _model(
                SourceInfo, dict(self.based_on), None, confidence=0.8, evidence="attribution phrase in the lead"
            )
        ann = Annotation(
            article=ArticleFacts(**facts),
            people=tuple(people),
            organizations=tuple(orgs),
            places=tuple(places),
            events=tuple(events),
        )
        return Draft(annotation=ann, confidence=conf, evidence=why)
