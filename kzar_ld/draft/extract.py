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

import datetime as dt
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kzar_ld.annotation import (
    Annotation,
    ArticleFacts,
    Event,
    EventKind,
    EventStatus,
    Mention,
    Organization,
    OrganizationKind,
    Person,
    Place,
    PlaceKind,
    Role,
    RoleStatus,
    SourceInfo,
)
from kzar_ld.article import ArticleText, parse_article_text
from kzar_ld.draft.gazetteer import Gazetteer, gazetteer
from kzar_ld.errors import ArticleError
from kzar_ld.iris import slugify as _slugify

__all__ = ["Draft", "draft_article", "extract_annotation"]

# A capitalised word of a name: Latin with diacritics, Cyrillic with the Kazakh letters.
_UP = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁӘҒҚҢӨҰҮҺІ"
_LOW = "a-zß-öø-ÿā-žа-яёәғқңөұүһі"
_NAME_WORD = rf"[{_UP}][{_LOW}]+(?:[-'’][{_UP}{_LOW}][{_LOW}]+)?"
_PARTICLE = r"(?:de la|de los|del|de|da|dos|das|van der|van|von|bin|ibn|al|y|e|ul|uly|kyzy)"
_NAME = rf"{_NAME_WORD}(?: (?:{_PARTICLE} )?{_NAME_WORD}){{1,3}}"
_ENT = "§¤*"  # a found place or organisation in the shadow text
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bSr)[.!?](?=\s+[\"«“A-Z" + _UP + r"]|\s*$)|\n+"
)
_DATE_FORMS = (
    re.compile(r"\b(?P<d>\d{1,2}) (?P<m>[A-Z][a-z]+) (?P<y>\d{4})\b"),
    re.compile(r"\b(?P<m>[A-Z][a-z]+) (?P<d>\d{1,2}), (?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<mm>\d{2})-(?P<d>\d{2})\b"),
    re.compile(r"\b(?P<d>\d{2})\.(?P<mm>\d{2})\.(?P<y>\d{4})\b"),
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
# "ASTANA –", "Nur-Sultan, Kazakhstan.-", "BUENOS AIRES. KAZINFORM": where the story was filed.
_DATELINE = re.compile(
    rf"^(?P<place>[{_UP}][{_UP}{_LOW} .'’-]*?)(?:, (?P<country>[{_UP}][{_LOW}]+))?"
    r"(?:\. ?(?P<agency>[A-Z][A-Za-z-]+)\b ?[–—-]? ?| ?[–—]+ | ?\.- ?|\. (?=[A-Z]))"
)
_PORTFOLIO_TITLE = r"(?:Minister|Secretary|Undersecretary|Under-Secretary|Deputy Minister|Vice Minister|Vice-Minister)"
# Cap on the input, as for article texts.
MAX_CHARS = 1_000_000


@dataclass
class _Item:
    section: str
    id: str
    data: dict[str, Any]
    spans: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 0.9
    evidence: str = ""
    order: int = 0


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


class _Drafter:
    def __init__(self, text: ArticleText, g: Gazetteer) -> None:
        self.text = text
        self.body = text.body
        self.g = g
        self.lex = g.lexicon
        self.items: dict[str, _Item] = {}
        self.claimed: list[tuple[int, int, str]] = []  # outermost place/organisation spans
        self.sentences = _sentences(self.body)
        self.publisher_country: str | None = None
        self.order = 0
        self.role_spans: list[tuple[int, int]] = []
        self.span_evidence: dict[tuple[int, int], str] = {}
        self._title_words = {t["words"].split()[-1] for t in g.lexicon["titles"]} | {"Minister", "Rector", "Mayor"}

    # --- bookkeeping -------------------------------------------------------------------------

    def add(
        self,
        section: str,
        id_: str,
        data: dict[str, Any],
        span: tuple[int, int] | None,
        *,
        confidence: float,
        evidence: str,
    ) -> _Item:
        item = self.items.get(id_)
        if item is None:
            self.order += 1
            item = _Item(section, id_, dict(data), [], confidence, evidence, self.order)
            self.items[id_] = item
        else:
            for k, v in data.items():
                item.data.setdefault(k, v)
            if confidence > item.confidence:
                item.confidence, item.evidence = confidence, evidence
        if span is not None and span not in item.spans and span[1] > span[0]:
            item.spans.append(span)
        return item

    def claim(self, start: int, end: int, id_: str) -> None:
        self.claimed.append((start, end, id_))

    def is_claimed(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in self.claimed)

    def shadow(self) -> str:
        chars = list(self.body)
        for s, e, _ in sorted(self.claimed, key=lambda c: (c[0], -c[1])):
            if chars[s] in "§¤":
                continue
            chars[s] = "§"
            for i in range(s + 1, e):
                chars[i] = "¤"
        return "".join(chars)

    def entity_at(self, start: int) -> str | None:
        best = None
        for s, e, id_ in self.claimed:
            if s == start and (best is None or e > best[0]):
                best = (e, id_)
        return best[1] if best else None

    # --- the run -----------------------------------------------------------------------------

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

    # --- document ----------------------------------------------------------------------------

    def document_start(self) -> None:
        body = self.body
        self.article: dict[str, Any] = {}
        if self.text.headline is None:
            # No headline in the text: the first sentence of the lead, cut at a word.
            lead = self.text.lead_offset or self._lead_paragraph_start()
            m = _DATELINE.match(body, lead)
            if m and not self.text.lead_offset:
                lead = m.end()
            first = re.split(r"(?<=[.!?])\s", body[lead:].strip(), maxsplit=1)[0].rstrip(".")
            if len(first) > 110:
                first = first[:110].rsplit(" ", 1)[0].rstrip(",;:")
            self.article["headline"] = first or body.strip()[:110]
        if self.text.date_published is None:
            head = body[:600]
            for form in _DATE_FORMS:
                m = form.search(head)
                if m:
                    day = int(m.group("d"))
                    month = int(m.group("mm")) if "mm" in form.groupindex else _MONTHS.get(m.group("m"), 0)
                    try:
                        self.article["date_published"] = dt.date(int(m.group("y")), month, day)
                        break
                    except ValueError:
                        continue
        # The publisher: the agency tag of the dateline, else a medium named in the text.
        self.publisher = None
        self.dateline_span: tuple[int, int] | None = None
        lead = self._lead_paragraph_start()
        m = _DATELINE.match(body, lead)
        if self.text.agency and self.text.agency_span:
            self._publisher_from(self.text.agency, self.text.agency_span, 0.95, "agency tag of the dateline")
        if self.text.dateline:
            at = body.find(self.text.dateline)
            if at >= 0:
                self.dateline_span = (at, at + len(self.text.dateline))
        if self.publisher is None and m and m.group("place").strip():
            place = m.group("place").strip()
            self.dateline_span = (m.start("place"), m.start("place") + len(place))
            if m.group("agency"):
                self._publisher_from(
                    m.group("agency"), (m.start("agency"), m.end("agency")), 0.95, "agency tag of the dateline"
                )
        if self.publisher is None:
            for org in self.lex["known_organizations"]:
                if not org.get("publisher"):
                    continue
                for name in org["names"]:
                    mm = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", body)
                    if mm:
                        self._publisher_from(name, (mm.start(), mm.end()), 0.7, f"medium named in the text ({name!r})")
                        break
                if self.publisher:
                    break
        if self.publisher is None:
            self.publisher = "unknown-publisher"
            self.add(
                "organizations",
                "unknown-publisher",
                {
                    "name": "Unknown publisher",
                    "kind": OrganizationKind.NEWS_MEDIA,
                    "implied": "The text names no publisher; the editor has to give it.",
                },
                None,
                confidence=0.1,
                evidence="no agency tag or medium in the text",
            )

    def _lead_paragraph_start(self) -> int:
        # Skip site navigation and byline lines before the first paragraph that is a sentence.
        pos = 0
        for ln in self.body.split("\n"):
            if len(ln) > 80 and re.search(r"[a-z]{3,}[ ,]", ln):
                return pos + (len(ln) - len(ln.lstrip()))
            pos += len(ln) + 1
        return 0

    def _publisher_from(self, word: str, span: tuple[int, int], conf: float, why: str) -> None:
        for org in self.lex["known_organizations"]:
            if org.get("publisher") and word in org["names"] + [n.upper() for n in org["names"]]:
                self.publisher = org["id"]
                self.publisher_country = org.get("country")
                self.add(
                    "organizations",
                    org["id"],
                    {"name": org["name"], "kind": OrganizationKind(org["kind"])},
                    span,
                    confidence=conf,
                    evidence=why,
                )
                self.claim(*span, org["id"])
                return

    def document_attribution(self) -> None:
        """ "Kazinform learned from the press service of the Kazakh MFA" → what the story is based on."""
        self.based_on: dict[str, Any] | None = None
        cues = _alt(self.lex["attribution_cues"])
        after = re.compile(
            rf"\b(?:{cues})\s+(?:(?:a|the) (?:statement|report|information|press release|communiqué) (?:of|from|by) )?"
            r"(?:the )?(?P<ps>press service of (?:the )?)?"
        )
        before = re.compile(r"['’]s press service\b|\bpress service\b")
        for sent_start, _, sent in self.sentences[:4]:
            orgs = [
                (s, e, i)
                for s, e, i in sorted(self.claimed)
                if sent_start <= s < sent_start + len(sent)
                and self.items[i].section == "organizations"
                and i != self.publisher
            ]
            found = None
            for m in after.finditer(sent):
                at = sent_start + m.end()
                hit = next(((s, e, i) for s, e, i in orgs if at <= s <= at + 4), None)
                if hit:
                    found = (hit[2], bool(m.group("ps")), sent[m.start() : m.end()] + self.body[hit[0] : hit[1]])
                    break
            if found is None:
                for m in before.finditer(sent):
                    at = sent_start + m.start()
                    hit = next(((s, e, i) for s, e, i in orgs if 0 <= at - e <= 5), None)
                    if hit:
                        found = (hit[2], True, self.body[hit[0] : sent_start + m.end()])
                        break
            if found is None:
                continue
            org_id, press, words = found
            org = self.items[org_id]
            prefix = "Information from the press service of the " if press else "Information from the "
            self.based_on = {
                "name": prefix + org.data["name"],
                "author": org_id,
                "derivation": f'"{words.strip()}": the story names its source.',
            }
            return

    def document_end(self) -> None:
        # What the article is about: the first reported visit, else the first reported event.
        events = [
            i for i in self.items.values() if i.section == "events" and i.data.get("_status", "reported") == "reported"
        ]
        visits = [e for e in events if e.data.get("_kind") == "visit"]
        primary = (visits or events or [None])[0]
        if primary is not None:
            self.article["about"] = (primary.id,)
            self.article["primary_topic"] = primary.id
            loc = primary.data.get("_location")
            if loc:
                self.article["content_location"] = loc

    # --- places ------------------------------------------------------------------------------

    def country_place(
        self, code: str, span: tuple[int, int] | None, *, confidence: float = 0.95, evidence: str = "ISO 3166 name"
    ) -> str:
        c = self.g.countries[code]
        data: dict[str, Any] = {"name": c.name, "kind": PlaceKind.COUNTRY, "iso3166": code}
        if c.geonames:
            data["geonames"] = c.geonames
        item = self.add("places", c.id, data, span, confidence=confidence, evidence=evidence)
        if span is not None:
            written = self.body[span[0] : span[1]]
            if written != c.name and not written.islower() and written not in item.data.setdefault("_alt", []):
                item.data["_alt"].append(written)
        return c.id

    def places(self) -> None:
        body = self.body
        for m in self.g.country_pattern.finditer(body):
            code = self.g.country_names[m.group(1)]
            if body[m.end() : m.end() + 2] == "'s" or True:
                self.country_place(code, (m.start(1), m.end(1)))
                self.claim(m.start(1), m.end(1), self.g.countries[code].id)
        for name, spec in self.lex["macro_regions"].items():
            forms = [name, *spec.get("alternate", [])]
            for form in sorted(forms, key=len, reverse=True):
                for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", body):
                    if self.is_claimed(m.start(), m.end()):
                        continue
                    data: dict[str, Any] = {"name": name, "kind": PlaceKind(spec["kind"])}
                    if spec.get("geonames"):
                        data["geonames"] = spec["geonames"]
                    item = self.add(
                        "places",
                        slugify(name),
                        data,
                        (m.start(), m.end()),
                        confidence=0.9,
                        evidence="macro-region list",
                    )
                    if form != name and form not in item.data.setdefault("_alt", []):
                        item.data["_alt"].append(form)
                    self.claim(m.start(), m.end(), slugify(name))
        self.known_organizations()
        self.cities()
        self.regions()
        # "the host country" is the country a reported visit goes to; "our country" the publisher's.
        if self.publisher_country:
            for m in re.finditer(r"\bour country\b", body):
                self.country_place(
                    self.publisher_country,
                    (m.start(), m.end()),
                    confidence=0.6,
                    evidence='"our country" in a story of a national medium',
                )

    def cities(self) -> None:
        body = self.body
        mentioned = {i.data["iso3166"] for i in self.items.values() if i.section == "places" and i.data.get("iso3166")}
        if self.publisher_country:
            mentioned.add(self.publisher_country)
        cands: list[tuple[int, int, str]] = []
        for m in re.finditer(
            rf"(?<![\w-])(?:{_NAME_WORD}|[{_UP}]{{2,}}[{_UP}-]*)(?:[ -](?:{_NAME_WORD}|[{_UP}]{{2,}}))?(?![\w-])", body
        ):
            words = m.group(0)
            for cand in (words, words.split(" ")[0]) if " " in words else (words,):
                key = cand if not cand.isupper() else _title(cand)
                if key in self.g.cities:
                    end = m.start() + len(cand)
                    cands.append((m.start(), end, key))
                    break
        for start, end, key in cands:
            if self.is_claimed(start, end):
                continue
            options = self.g.cities[key]
            in_article = [c for c in options if c.country in mentioned]
            is_dateline = self.dateline_span is not None and start == self.dateline_span[0]
            if len({c.country for c in in_article}) == 1 and len(in_article) >= 1:
                city = in_article[0]
            elif len(options) == 1 and (options[0].population >= 100_000 or is_dateline):
                city = options[0]
            else:
                continue
            if self._followed_by_person_name(end) or self._preceded_by_title(start):
                continue
            if self._inside_a_name(start, end, is_dateline):
                continue
            data: dict[str, Any] = {
                "name": city.name,
                "kind": PlaceKind.CITY,
                "geonames": city.geonames,
                "_country": city.country,
            }
            cid = slugify(city.name)
            written = body[start:end]
            item = self.add(
                "places",
                cid,
                data,
                (start, end),
                confidence=0.85 if in_article else 0.7,
                evidence="GeoNames city, unambiguous in the article" if in_article else "GeoNames city, unique name",
            )
            if written != city.name and not written.isupper() and written not in item.data.setdefault("_alt", []):
                item.data["_alt"].append(written)
            self.claim(start, end, cid)

    def _inside_a_name(self, start: int, end: int, is_dateline: bool) -> bool:
        """Whether a city's name is a word of a longer capitalised name ("Mariana Belén Sosa")."""
        if is_dateline:
            return False
        # A capitalised word before it that is not a function word, a title or an entity: a name.
        prv = re.search(rf"({_NAME_WORD}) $", self.body[max(0, start - 30) : start])
        function = {"The", "In", "At", "To", "From", "Of", "And", "On", "For", "With", "By", "During", "Also"}
        prv_ok = (
            prv is None
            or prv.group(1) in function
            or prv.group(1) in self._title_words
            or self.is_claimed(start - len(prv.group(1)) - 1, start - 1)
        )
        return not prv_ok

    def regions(self) -> None:
        # "Turkistan region", "the region of Rosario": a region named after its centre.
        body = self.body
        for m in re.finditer(
            rf"(?<![\w-])(?:(?P<a>{_NAME_WORD}) (?P<w>region|oblast|province)"
            rf"|(?P<w2>region|province) of (?P<b>{_NAME_WORD}))(?![\w-])",
            body,
        ):
            if self.is_claimed(m.start(), m.end()) and not self._only_places(m.start(), m.end()):
                continue
            centre = m.group("a") or m.group("b")
            if centre in self.g.demonyms or centre in ("The", "This", "Each"):
                continue
            name = m.group(0)
            id_ = slugify(f"{centre} region")
            data: dict[str, Any] = {"name": name, "kind": PlaceKind.ADMINISTRATIVE_AREA}
            inner = self.entity_at(m.start("a") if m.group("a") else m.start("b"))
            if inner and self.items[inner].data.get("_country"):
                data["_country"] = self.items[inner].data["_country"]
                data["_contains"] = inner
            self.add(
                "places", id_, data, (m.start(), m.end()), confidence=0.75, evidence="region named after its centre"
            )
            self.claim(m.start(), m.end(), id_)
        heads = _alt(self.lex["venue_heads"])
        word = rf"(?:{_NAME_WORD})"
        for m in re.finditer(rf"(?<![\w-])(?P<name>(?:{word} ){{1,4}}(?:{heads}))(?![\w-])", body):
            words = m.group("name").split()
            while words and words[0] in ("The", "A", "In", "At", "During", "Also"):
                words.pop(0)
            if len(words) < 2:
                continue
            name = " ".join(words)
            start = m.end() - len(name)
            if self.is_claimed(start, m.end()) and not self._only_places(start, m.end()):
                continue
            id_ = slugify(name)
            self.add(
                "places",
                id_,
                {"name": name, "kind": PlaceKind.PLACE},
                (start, m.end()),
                confidence=0.7,
                evidence="capitalised name ending in a venue word",
            )
            self.claim(start, m.end(), id_)

    def _followed_by_person_name(self, end: int) -> bool:
        return bool(re.match(rf" {_NAME_WORD}\b", self.body[end : end + 40])) and bool(
            re.match(
                rf" (?:{_NAME_WORD} ){{0,1}}(?:said|stated|noted|met|emphasized|stressed|added)\b",
                self.body[end : end + 60],
            )
        )

    def _preceded_by_title(self, start: int) -> bool:
        before = self.body[max(0, start - 20) : start]
        return bool(re.search(r"\b(?:Mr|Ms|Mrs|Dr)\.? $", before))

    # --- organisations -----------------------------------------------------------------------

    def known_organizations(self) -> None:
        body = self.body
        by_name = {name: org for org in self.lex["known_organizations"] for name in org["names"]}
        # One pass, longest names first: "UN General Assembly" before "UN".
        pattern = re.compile(rf"(?<![\w-])(?:{_alt(by_name)})(?![\w-])")
        for m in pattern.finditer(body):
            name, org = m.group(0), by_name[m.group(0)]
            if self.is_claimed(m.start(), m.end()) and not self._only_places(m.start(), m.end()):
                continue
            if name.isupper() and len(name) <= 3 and m.start() > 0 and body[m.start() - 1] == "-":
                continue
            data: dict[str, Any] = {"name": org["name"], "kind": OrganizationKind(org["kind"])}
            if org.get("parent"):
                data["_parent"] = org["parent"]
            span = (m.start(), m.end())
            self.add("organizations", org["id"], data, span, confidence=0.95, evidence="known organisation")
            self.claim(m.start(), m.end(), org["id"])

    def organizations(self) -> None:
        self.ministries()
        self.missions()
        self.akimats()
        self.companies()
        self.generic_organizations()

    def _trim_right(self, start: int, head_end: int, end: int) -> int:
        """Where the words after an organisation's head word stop being its name.

        They stop before a title ("... of Engineering and Mayor of Lima") and, when a title
        precedes the organisation ("Rector of the University of Engineering Julio Salas"),
        before the name of its holder: one word is kept after the last "of".
        """
        body = self.body
        chain = body[head_end:end]
        if ", " in chain:
            # "of Mining, Petroleum and Energy": a comma only inside a list that ends with "and".
            last = chain.rfind(", ")
            if " and " not in chain[last:]:
                end = head_end + chain.find(", ")
        tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", body[head_end:end])]
        cut = end
        for i, (a, _, w) in enumerate(tokens):
            if w in _NOT_NAME_WORDS or w in self._title_words:
                prev = tokens[i - 1][2] if i else ""
                cut = head_end + (tokens[i - 1][0] if prev in ("and", "of", "the", "for") and i else a) - 1
                break
        before = body[max(0, start - 60) : start]
        if re.search(
            r"\b(?:" + _alt(self._title_words) + r") (?:of|at) (?:the )?$",
            before,
        ):
            rest = body[head_end:cut]
            m = re.search(rf"^(.*(?: and| of| for| on)(?: the)? [^ ]+)((?: {_NAME_WORD}){{2,4}})$", rest)
            if m:
                cut = head_end + len(m.group(1))
        return max(cut, head_end)

    def _unplace(self, start: int, end: int, *, first_word_only: bool) -> None:
        """Drop place mentions that are words of a name ("Astana International Forum")."""
        for s, e, id_ in list(self.claimed):
            item = self.items[id_]
            if item.section != "places" or not (start <= s and e <= end):
                continue
            if first_word_only and s != start:
                continue
            self.claimed.remove((s, e, id_))
            if (s, e) in item.spans:
                item.spans.remove((s, e))
            if not item.spans and item.data.get("kind") != PlaceKind.COUNTRY:
                del self.items[id_]

    def org_anaphora(self) -> None:
        body = self.body
        orgs = [i for i in self.items.values() if i.section == "organizations"]
        # "the Senate", "the Council": the last organisation before whose name has the word.
        heads = _alt(self.lex["org_heads"])
        for m in re.finditer(rf"\b(?:the|The) (?P<h>{heads}|Government)(?![\w-])(?! of\b)", body):
            s, e = m.start("h"), m.end("h")
            if self.is_claimed(s, e):
                continue
            head = m.group("h")
            if head == "Government" and self.publisher_country:
                c = self.g.countries[self.publisher_country]
                id_ = f"government-of-{c.id}"
                self.add(
                    "organizations",
                    id_,
                    {"name": f"Government of {c.name}", "kind": OrganizationKind.GOVERNMENT, "_country": c.code},
                    (s, e),
                    confidence=0.6,
                    evidence='"the Government" in a story of a national medium',
                )
                self.claim(s, e, id_)
                continue
            best = None
            for o in orgs:
                first = min((sp[0] for sp in o.spans), default=None)
                fits = first is not None and first < s and re.search(rf"\b{re.escape(head)}\b", o.data["name"])
                if fits and (best is None or first > best[0]):
                    best = (first, o)
            if best:
                best[1].spans.append((s, e))
                self.claim(s, e, best[1].id)
        # "The Argentine delegation": a group, never a place.
        demonym_alt = _alt(self.g.demonyms)
        for m in re.finditer(rf"(?<![\w-])(?P<d>{demonym_alt}) delegation\b", body):
            if self.is_claimed(m.start(), m.end()):
                continue
            id_ = slugify(m.group(0))
            self.add(
                "organizations",
                id_,
                {"name": m.group(0), "kind": OrganizationKind.GROUP, "_country": self.g.demonyms[m.group("d")]},
                (m.start(), m.end()),
                confidence=0.8,
                evidence="demonym + delegation",
            )
            self.claim(m.start(), m.end(), id_)

    def _only_places(self, start: int, end: int) -> bool:
        return all(self.items[i].section == "places" for s, e, i in self.claimed if s < end and start < e)

    def _country_before(self, start: int) -> tuple[str | None, int]:
        """A demonym or "Country's" right before ``start``: (code, start of the qualifier)."""
        before = self.body[max(0, start - 40) : start]
        m = re.search(
            r"(?:(?<=\s)|^)(" + self.g.demonym_pattern.pattern[len("(?<![\\w-])(") : -len(")(?![\\w-])")] + r") $",
            before,
        )
        if m:
            return self.g.demonyms[m.group(1)], start - len(before) + m.start(1)
        m = re.search(r"(\S[^,;.]*?)['’]s $", before)
        if m:
            for cm in self.g.country_pattern.finditer(m.group(1)):
                if cm.end() == len(m.group(1)):
                    return self.g.country_names[cm.group(1)], start - len(before) + m.start(1) + cm.start(1)
        return None, start

    def _country_after(self, end: int, words: str = "of") -> tuple[str | None, int]:
        """``of [the] Country`` right after ``end``: (code, end of the qualifier)."""
        m = re.match(rf" (?:{words}) (?:the )?", self.body[end : end + 8])
        if not m:
            return None, end
        cm = self.g.country_pattern.match(self.body, end + m.end())
        if cm:
            return self.g.country_names[cm.group(1)], cm.end()
        return None, end

    def ministry(
        self, stem: str, name: str, code: str | None, span: tuple[int, int] | None, *, confidence: float, evidence: str
    ) -> str:
        if code is None:
            code = self.publisher_country
        if code is None:
            id_ = stem
            data: dict[str, Any] = {"name": name, "kind": OrganizationKind.GOVERNMENT}
        else:
            c = self.g.countries[code]
            id_ = f"{stem}-{c.id}"
            data = {"name": f"{name} of {c.name}", "kind": OrganizationKind.GOVERNMENT, "_country": code}
        item = self.add("organizations", id_, data, span, confidence=confidence, evidence=evidence)
        if span is not None:
            written = self.body[span[0] : span[1]]
            if written != item.data["name"] and written not in item.data.setdefault("_alt", []):
                item.data["_alt"].append(written)
        return id_

    def portfolio_pattern(self) -> str:
        pf = _alt(self.lex["portfolios"])
        return rf"(?:{pf})(?:(?:,| and) (?:{pf}))*"

    def ministry_for(self, portfolio: str) -> tuple[str, str]:
        """The id stem and the name of the ministry of a portfolio."""
        name = f"Ministry of {portfolio}"
        if re.match(r"Foreign|External Relations", portfolio):
            return "mfa", name
        first = re.split(r",| and ", portfolio)[0]
        return slugify(f"ministry of {first}"), name

    def ministries(self) -> None:
        body = self.body
        pf = self.portfolio_pattern()
        pattern = re.compile(
            rf"(?<![\w-])(?:Ministry of (?P<pf>{pf})|(?P<mfa>Foreign Ministry|Foreign Affairs Ministry|MFA))(?![\w-])"
        )
        for m in pattern.finditer(body):
            if m.group("pf"):
                stem, mname = self.ministry_for(m.group("pf"))
            else:
                stem, mname = "mfa", "Ministry of Foreign Affairs"
            spec = {"stem": stem, "name": mname}
            if True:
                if True:
                    start, end = m.start(), m.end()
                    if self.is_claimed(start, end):
                        continue
                    code, q_end = self._country_after(end)
                    q_start = start
                    if code is None:
                        code, q_start = self._country_before(start)
                    why = "ministry named with its country" if code else "unqualified ministry: the publisher's country"
                    conf = 0.9 if code else 0.6
                    span = (q_start, q_end)
                    self.ministry(spec["stem"], spec["name"], code, span, confidence=conf, evidence=why)
                    self.claim(
                        q_start,
                        q_end,
                        self.ministry(spec["stem"], spec["name"], code, None, confidence=conf, evidence=why),
                    )

    def missions(self) -> None:
        # Embassies and consulates: "Embassy of X in Y", "the Kazakh Embassy in Y", "X's Consulate General in C".
        body = self.body
        kinds = r"Consulate General|Consulate-General|Honorary Consulate|Consulate|Embassy|Permanent Mission"
        for m in re.finditer(rf"(?<![\w-])(?:first )?({kinds})(?![\w-])", body):
            start, end = m.start(1), m.end(1)
            if self.is_claimed(start, end):
                continue
            kind_word = m.group(1)
            code, end2 = self._country_after(end)
            q_start = start
            if code is None:
                code, q_start = self._country_before(start)
            if code is None:
                continue
            loc_id, loc_end = None, end2
            lm = re.match(r" (?:in|to) (?:the )?", body[end2 : end2 + 8])
            if lm:
                at = end2 + lm.end()
                ent = self.entity_at(at)
                if ent and self.items[ent].section == "places":
                    loc_id = ent
                    loc_end = max(e for s, e, i in self.claimed if s == at and i == ent)
            c = self.g.countries[code]
            label = "Consulate General" if kind_word.startswith("Consulate-") else kind_word
            loc_name = self.items[loc_id].data["name"] if loc_id else None
            written = body[q_start:loc_end]
            if written.startswith(("the ", "The ")):
                written = written[4:]
            name = (
                written
                if re.match(r"[A-Z]", written)
                else f"{label} of {c.name}" + (f" in {loc_name}" if loc_name else "")
            )
            host_name = loc_name
            if loc_id and self.items[loc_id].data.get("_country") and label == "Embassy":
                host_name = self.g.countries[self.items[loc_id].data["_country"]].name
            id_ = slugify(f"{label} of {c.name}" + (f" in {host_name}" if host_name else ""))
            kind = OrganizationKind.HONORARY_CONSULATE if label == "Honorary Consulate" else OrganizationKind.GOVERNMENT
            data: dict[str, Any] = {"name": name, "kind": kind, "_country": code}
            if loc_id:
                data["_location"] = loc_id
            self.add(
                "organizations",
                id_,
                data,
                (q_start, loc_end),
                confidence=0.9,
                evidence=f"{label.lower()} named with its country",
            )
            self.claim(q_start, loc_end, id_)

    def akimats(self) -> None:
        body = self.body
        pattern = (
            rf"(?:[Aa]kimat of (?:the )?(?P<a>{_NAME_WORD}(?: (?:region|city|district|oblast))?)"
            rf"|(?P<b>{_NAME_WORD}) (?:(?:region|city|district|oblast) )?[Aa]kimat)"
        )
        for m in re.finditer(pattern, body):
            if self.is_claimed(m.start(), m.end()) and not self._only_places(m.start(), m.end()):
                continue
            where = (m.group("a") or m.group("b")).strip()
            name = f"Akimat of {where}" if m.group("a") else m.group(0)
            id_ = slugify(f"akimat {where}")
            self.add(
                "organizations",
                id_,
                {"name": name, "kind": OrganizationKind.GOVERNMENT},
                (m.start(), m.end()),
                confidence=0.85,
                evidence="akimat (mayor's office)",
            )
            self.claim(m.start(), m.end(), id_)

    def companies(self) -> None:
        body = self.body
        for m in re.finditer(r"«([^»\n]{2,60})»|“([A-Z][^”\n]{1,60})”", body):
            inner = m.group(1) or m.group(2)
            start = m.start() + 1
            before = body[max(0, m.start() - 40) : m.start()]
            if not re.search(
                r"\b(?:company|corporation|holding|firm|group|bank|LLP|JSC|agency|newspaper|channel|TV|magazine|portal)\s*$",
                before,
                re.I,
            ):
                continue
            kind = (
                OrganizationKind.NEWS_MEDIA
                if re.search(r"(newspaper|channel|TV|magazine|portal|agency)\s*$", before, re.I)
                else OrganizationKind.CORPORATION
            )
            desc_m = re.search(
                r"((?:[a-z-]+ )?(?:company|corporation|holding|firm|bank|newspaper|channel|magazine|portal))\s*$",
                before,
            )
            data: dict[str, Any] = {"name": inner, "kind": kind}
            if desc_m:
                data["description"] = desc_m.group(1)
            id_ = slugify(inner)
            self.add(
                "organizations",
                id_,
                data,
                (start, start + len(inner)),
                confidence=0.85,
                evidence="quoted name after a company word",
            )
            self.claim(m.start(), m.end(), id_)
        suffixes = _alt(self.lex["company_suffixes"])
        for m in re.finditer(
            rf"(?<![\w-])((?:{_NAME_WORD}|[A-Z]{{2,}})(?: (?:{_NAME_WORD}|[A-Z]{{2,}})){{0,3}}) (?:{suffixes})(?![\w])",
            body,
        ):
            if self.is_claimed(m.start(), m.end()) and not self._only_places(m.start(), m.end()):
                continue
            id_ = slugify(m.group(1))
            self.add(
                "organizations",
                id_,
                {"name": m.group(0), "kind": OrganizationKind.CORPORATION},
                (m.start(), m.end()),
                confidence=0.85,
                evidence="company legal form",
            )
            self.claim(m.start(), m.end(), id_)

    def generic_organizations(self) -> None:
        body = self.body
        heads = self.lex["org_heads"]
        head_alt = _alt(heads)
        titles = {w for t in self.lex["titles"] for w in t["words"].split()}
        stop_left = {
            "The",
            "A",
            "An",
            "In",
            "On",
            "At",
            "During",
            "Also",
            "And",
            "With",
            "By",
            "Of",
            "For",
            "To",
            "From",
        } | titles
        word = rf"(?:{_NAME_WORD}|[A-Z]{{2,}})"
        pattern = re.compile(
            rf"(?<![\w-])(?P<left>(?:{word} (?:and {word} )?){{0,4}})(?P<head>{head_alt})(?![\w-])"
            rf"(?P<right>(?: (?:of|for|on) (?:the )?{word}(?:(?: | and | of | of the | for | on |, ){word}){{0,5}})?)"
            r"(?P<quoted>(?: [\"“«][^\"”»\n]{2,40}[\"”»])?)"
        )
        pos = 0
        while (m := pattern.search(body, pos)) is not None:
            pos = m.end("head")
            left_words = m.group("left").split()
            # Keep the words right before the head, back to a stop word or another organisation.
            keep: list[str] = []
            at = m.start("head")
            for w in reversed(left_words):
                at -= len(w) + 1
                if w in stop_left or (self.is_claimed(at, at + len(w)) and not self._only_places(at, at + len(w))):
                    break
                keep.insert(0, w)
            while keep and keep[0] == "and":
                keep.pop(0)
            left_words = keep
            if (
                left_words
                and left_words[0] in self.g.country_names
                and len(left_words) == 1
                and m.group("head") in ("Embassy", "Consulate")
            ):
                continue
            start = m.start("head") - sum(len(w) + 1 for w in left_words)
            end = m.end("right") if m.group("right") else m.end("head")
            if m.group("right"):
                end = self._trim_right(start, m.end("head"), end)
            for ps, pe, pid in sorted(self.claimed):
                if m.end("head") < ps < end and self.items[pid].section == "places":
                    end = pe  # "University of Mexico Leonardo ...": the name ends with the place
                    break
            else:
                if m.group("quoted"):
                    end = m.end("quoted")
            # "in Rosario" after the head: a located organisation.
            loc_id = None
            lm = re.match(r" in (?:the )?", body[end : end + 8])
            if lm:
                ent = self.entity_at(end + lm.end())
                if ent and self.items[ent].section == "places":
                    loc_id = ent
                    end = max(e for s, e, i in self.claimed if s == end + lm.end() and i == ent)
            if not left_words and not m.group("right"):
                continue  # a bare "Council" or "Department" names nothing by itself
            if self.is_claimed(start, end) and not self._only_places(start, end):
                continue
            name = body[start:end]
            # The right part may end in words of a person's name: "... of Tourism Aigerim Bekova".
            kind = OrganizationKind(heads[m.group("head")])
            data: dict[str, Any] = {"name": name, "kind": kind}
            if loc_id:
                data["_location"] = loc_id
            for code_m in self.g.country_pattern.finditer(name):
                data.setdefault("_country", self.g.country_names[code_m.group(1)])
            id_ = slugify(name)
            pos = end
            self._unplace(start, end, first_word_only=not m.group("quoted"))
            self.add(
                "organizations",
                id_,
                data,
                (start, end),
                confidence=0.7,
                evidence=f"capitalised name ending in {m.group('head')!r}",
            )
            self.claim(start, end, id_)
        self.org_anaphora()
        # Nesting: "Department of X of the Ministry of Y" → the department's parent is the ministry.
        spans = sorted((s, e, i) for s, e, i in self.claimed if self.items[i].section == "organizations")
        for (_, e1, i1), (s2, _, i2) in itertools.pairwise(spans):
            if i1 != i2 and re.fullmatch(r" (?:of|at|under) (?:the )?", body[e1:s2]):
                self.items[i1].data.setdefault("_parent", i2)

    # --- persons -----------------------------------------------------------------------------

    def persons(self) -> None:
        body = self.body
        sh = self.shadow()
        titles = sorted({t["words"] for t in self.lex["titles"]}, key=len, reverse=True)
        title_alt = _alt(titles)
        demonym_alt = _alt(self.g.demonyms)
        hon_alt = _alt(self.lex["honorifics"])
        ent = rf"[«“]?{_ENT}[»”]?"
        qual = (
            rf"(?: (?:of|to|in|for|at|on|with) (?:the )?(?:[a-z-]+ ){{0,2}}?{ent}(?:(?:,| and) {ent})*"
            rf"| for (?:{_NAME_WORD} ){{0,2}}{_NAME_WORD}(?= of | in |, | §))"
        )
        ptitle = rf"{_PORTFOLIO_TITLE} (?:of|for) {self.portfolio_pattern()}"
        mods = r"(?:(?:First|Deputy|Vice|Acting|Executive|Senior|Chief) )*"
        one_role = (
            rf"(?:(?:former|Acting|acting|newly appointed) )?(?:(?:{demonym_alt}|{_ENT}['’]s) )?"
            rf"{mods}(?:{ptitle}|{title_alt})(?![\w-]){qual}*"
        )
        joiner = r"(?:,? and (?:the )?|,? (?:–|—|-) (?:the )?|, (?:the )?)"
        before = re.compile(rf"(?P<roles>{one_role}(?:{joiner}{one_role})*),? (?P<name>{_NAME})(?![\w-])")
        after = re.compile(
            rf"(?P<name>{_NAME}), (?:the )?(?P<roles>{one_role}(?:{joiner}{one_role})*)"
            r"(?=[,.;:)]| (?:–|—|said|stated|noted|met|who|and|has|had|was|is|will)\b)"
        )
        honor = re.compile(rf"(?<![\w-])(?:{hon_alt}) (?P<name>{_NAME})(?![\w-])")
        found: list[tuple[int, int, int, str, str]] = []  # name start, end, roles start, roles text, rule
        for m in before.finditer(sh):
            found.append(
                (m.start("name"), m.end("name"), m.start("roles"), m.group("roles"), "role phrase before the name")
            )
        for m in after.finditer(sh):
            found.append(
                (m.start("name"), m.end("name"), m.start("roles"), m.group("roles"), "role phrase after the name")
            )
        for m in honor.finditer(sh):
            found.append((m.start("name"), m.end("name"), -1, "", "honorific before the name"))
        found.sort()
        one = re.compile(one_role)
        for n_start, n_end, r_start, roles_text, rule in found:
            name = _trim_name(body[n_start:n_end], self.lex)
            if name is None or self.is_claimed(n_start, n_start + len(name)):
                continue
            n_end = n_start + len(name)
            pid = self._person_for(name)
            tokens = name.split()
            given, family = tokens[0], " ".join(tokens[1:])
            data: dict[str, Any] = {"name": name, "given_name": given, "family_name": family}
            conf = 0.9 if r_start >= 0 else 0.7
            item = self.add("people", pid, data, (n_start, n_end), confidence=conf, evidence=rule)
            item.data.setdefault("_roles", [])
            if r_start < 0:
                continue
            role_matches = list(one.finditer(roles_text))
            for k, rm in enumerate(role_matches):
                r0, r1 = r_start + rm.start(), r_start + rm.end()
                phrase = body[r0:r1]
                is_last = k == len(role_matches) - 1
                if (
                    is_last
                    and rule.endswith("before the name")
                    and phrase in ("Ambassador", "Senator", "Professor")
                    and len(role_matches) > 1
                ):
                    item.data.setdefault("honorific_prefix", phrase)
                    continue
                self._role(item, r0, r1)
        # A name seen with a role is the same person when seen again with a typo or a shortened form.

    def _person_for(self, name: str) -> str:
        tokens = name.split()
        for item in self.items.values():
            if item.section != "people":
                continue
            other = item.data["name"].split()
            if other == tokens or (len(tokens) >= 2 and other[-len(tokens) :] == tokens):
                return item.id  # "Señor Martínez Soler" after "Vicente Martínez Soler"
            if len(other) >= 2 and len(tokens) >= 2 and other[0] == tokens[0] and _close(other[-1], tokens[-1]):
                return item.id
            if len(other) >= 2 and len(tokens) >= 2 and other[-1] == tokens[-1] and _close(other[0], tokens[0]):
                return item.id
        return slugify(name)

    def _role(self, person: _Item, r0: int, r1: int) -> None:
        body = self.body
        phrase = body[r0:r1]
        self.role_spans.append((r0, r1))
        titles = sorted(self.lex["titles"], key=lambda t: -len(t["words"]))
        status = RoleStatus.FORMER if phrase.startswith("former ") else RoleStatus.CURRENT
        spec = None
        t_start = 0
        pm = re.search(
            rf"(?:(?:First|Deputy|Vice|Acting) )*{_PORTFOLIO_TITLE} (?:of|for) (?P<pf>{self.portfolio_pattern()})",
            phrase,
        )
        if pm:
            spec, t_start = (
                {"words": pm.group(0), "org": "ministry", "national": True, "_pf": pm.group("pf")},
                pm.start(),
            )
        for t in titles if spec is None else ():
            at = re.search(rf"(?<![\w-]){re.escape(t['words'])}(?![\w-])", phrase)
            if at and (spec is None or at.start() < t_start):
                spec, t_start = t, at.start()
        if spec is None:
            return
        title = spec["words"]
        mm = (
            re.match(
                r"((?:(?:First|Deputy|Vice|Acting|Executive|Senior|Chief) )+)$",
                phrase[:t_start].split("former ")[-1][-40:],
            )
            if t_start
            else None
        )
        if mm and not spec.get("_pf"):
            title = mm.group(1) + title
            t_start -= len(mm.group(1))
        lead = phrase[:t_start]
        code = None
        dm = self.g.demonym_pattern.search(lead)
        if dm:
            code = self.g.demonyms[dm.group(1)]
        # The entities in the qualifiers, in order: "of X", "to Y", "in Z".
        quals: list[tuple[str, str]] = []
        for s, e, id_ in sorted(self.claimed):
            if r0 <= s < r1:
                if any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in self.claimed):
                    continue  # only the outermost entity
                prep_m = re.search(r"\b(of|to|in|for|at|on|with) (?:the )?(?:[a-z-]+ ){0,2}?[«“]?$", body[r0:s])
                prep = prep_m.group(1) if prep_m else "'s"
                quals.append((prep, id_))
        of_country = next((i for p, i in quals if p in ("of", "'s") and self.items[i].data.get("iso3166")), None)
        to_country = next((i for p, i in quals if p == "to" and self.items[i].data.get("iso3166")), None)
        in_place = next((i for p, i in quals if p == "in" and self.items[i].section == "places"), None)
        org_q = next((i for p, i in quals if self.items[i].section == "organizations"), None)
        if of_country:
            code = self.items[of_country].data["iso3166"]
        elif code is None and lead.strip().endswith("'s"):
            code = None
        for s, e, id_ in self.claimed:
            if r0 <= s and e <= r0 + t_start and self.items[id_].data.get("iso3166"):
                code = self.items[id_].data["iso3166"]
        org_id = None
        kind = spec["org"]
        if org_q:
            org_id = org_q
            code = code or self.items[org_q].data.get("_country")
        elif kind == "ministry" and code:
            stem, mname = self.ministry_for(spec["_pf"])
            org_id = self.ministry(
                stem, mname, code, None, confidence=0.8, evidence=f"the office {title!r} of a country"
            )
        elif kind == "mfa" and code:
            org_id = self.ministry(
                "mfa",
                "Ministry of Foreign Affairs",
                code,
                None,
                confidence=0.8,
                evidence=f"the office {title!r} of a country",
            )
        elif kind == "embassy" and code:
            host = self.items[to_country].data["iso3166"] if to_country else None
            if host is None and self.publisher_country and self.publisher_country != code:
                host = self.publisher_country
            if host:
                c, h = self.g.countries[code], self.g.countries[host]
                org_id = f"embassy-of-{c.id}-in-{h.id}"
                self.add(
                    "organizations",
                    org_id,
                    {
                        "name": f"Embassy of {c.name} in {h.name}",
                        "kind": OrganizationKind.GOVERNMENT,
                        "_country": code,
                        "implied": f"Implied by the office {title!r}.",
                    },
                    None,
                    confidence=0.75,
                    evidence="an ambassador heads an embassy",
                )
        elif kind == "consulate" and code and in_place:
            c = self.g.countries[code]
            loc = self.items[in_place].data["name"]
            org_id = slugify(f"Consulate General of {c.name} in {loc}")
            self.add(
                "organizations",
                org_id,
                {
                    "name": f"Consulate General of {c.name} in {loc}",
                    "kind": OrganizationKind.GOVERNMENT,
                    "_country": code,
                    "implied": f"Implied by the office {title!r}.",
                },
                None,
                confidence=0.75,
                evidence="a consul general heads a consulate general",
            )
        if org_id is None and code:
            c = self.g.countries[code]
            org_id = f"government-of-{c.id}"
            self.add(
                "organizations",
                org_id,
                {
                    "name": f"Government of {c.name}",
                    "kind": OrganizationKind.GOVERNMENT,
                    "_country": code,
                    "implied": f"Implied by the office {title!r} of {c.name}.",
                },
                None,
                confidence=0.7,
                evidence="a national office implies the state's government",
            )
        if (spec.get("national") and code and status == RoleStatus.CURRENT) or (
            spec.get("national") and code and status == RoleStatus.FORMER
        ):
            person.data.setdefault(
                "_nationality",
                (self.g.countries[code].id, f"He or she holds the office {title!r} of {self.g.countries[code].name}."),
            )
            self.country_place(code, None, confidence=0.8, evidence="country of an office")
        if spec["words"] == "Honorary Consul" and in_place:
            person.data.setdefault("_work_location", in_place)
        name = title
        person.data["_roles"].append({"title": phrase, "name": name, "org": org_id, "status": status, "span": (r0, r1)})

    # --- co-reference ------------------------------------------------------------------------

    def coreference(self) -> None:
        body = self.body
        people = [i for i in self.items.values() if i.section == "people"]
        if not people:
            return
        hon_alt = _alt(self.lex["honorifics"])
        taken = [(s, e) for p in people for s, e in p.spans] + self.role_spans + [(s, e) for s, e, _ in self.claimed]

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in taken)

        # Full names again, honorific + family name, bare family name, and a family name with a typo.
        for p in people:
            for m in re.finditer(rf"(?<![\w-]){re.escape(p.data['name'])}(?![\w-])", body):
                if (m.start(), m.end()) not in p.spans and free(m.start(), m.end()):
                    p.spans.append((m.start(), m.end()))
                    taken.append((m.start(), m.end()))
        for m in re.finditer(rf"(?<![\w-])(?:(?P<h>{hon_alt}) )?(?P<fam>{_NAME_WORD})(?![\w-])", body):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            fam = m.group("fam")
            match = [
                p
                for p in people
                if p.data.get("family_name")
                and (
                    p.data["family_name"] == fam
                    or p.data["family_name"].split()[-1] == fam
                    or (m.group("h") and _close(p.data["family_name"].split()[-1], fam))
                )
            ]
            if len(match) == 1 and (m.group("h") or fam == match[0].data["family_name"].split()[-1]):
                match[0].spans.append((s, e))
                same = fam == match[0].data["family_name"].split()[-1]
                self.span_evidence[(s, e)] = "co-reference: " + (
                    "the family name" if same else "the family name with a one-letter typo"
                )
                taken.append((s, e))
        # "the Ambassador", "the Kazakh diplomat": the last person before whose office fits.
        nouns = self.lex["coref_nouns"]
        noun_alt = _alt(nouns)
        demonym_alt = _alt(self.g.demonyms)
        for m in re.finditer(
            rf"\b[Tt]he (?:(?P<dem>{demonym_alt}) )?(?P<noun>{noun_alt})\b(?! (?:of|to|in|for)\b)(?! [{_UP}])", body
        ):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            heads = nouns[m.group("noun")]
            code = self.g.demonyms.get(m.group("dem") or "")
            best = None
            for p in people:
                first = min(p.spans)[0] if p.spans else 10**9
                if first >= s:
                    continue
                titles = [r["title"] for r in p.data.get("_roles", [])]
                if not any(h in t for h in heads for t in titles):
                    continue
                if code and p.data.get("_nationality", ("",))[0] != self.g.countries[code].id:
                    continue
                last = max(sp[0] for sp in p.spans if sp[0] < s)
                if best is None or last > best[0]:
                    best = (last, p)
            if best:
                best[1].spans.append((s, e))
                taken.append((s, e))
                self.span_evidence[(s, e)] = (
                    f"co-reference: the last person before with an office of {m.group('noun')!r}"
                )
        # A sentence that opens with "He"/"She": the first person of the nearest sentence before with one.
        pron = "|".join(re.escape(p) for p in self.lex["pronouns"] if p in ("He", "She"))
        for i, (s0, _, sent) in enumerate(self.sentences):
            m = re.match(rf"(?:{pron})\b", sent)
            if m is None:
                # "During the visit, he held meetings": a pronoun opening a clause after a phrase.
                m2 = re.match(rf"[^,.;]{{3,60}}, ({pron.lower()})\b", sent)
                if m2 is None:
                    continue
                s0, m = s0 + m2.start(1), re.match(r"\w+", sent[m2.start(1) :])
                assert m is not None
            for j in range(i - 1, -1, -1):
                ps, pe, _ = self.sentences[j]
                firsts = sorted(
                    (min((sp for sp in p.spans if ps <= sp[0] < pe), default=None), p.id)
                    for p in people
                    if any(ps <= sp[0] < pe for sp in p.spans)
                )
                if firsts:
                    self.items[firsts[0][1]].spans.append((s0, s0 + m.end()))
                    self.span_evidence[(s0, s0 + m.end())] = "pronoun: the first person of the sentence before"
                    break

    def people_in(self, start: int, end: int) -> list[str]:
        hits = []
        for p in self.items.values():
            if p.section == "people":
                pos = [s for s, _ in p.spans if start <= s < end]
                if pos:
                    hits.append((min(pos), p.id))
        return [i for _, i in sorted(hits)]

    # --- events ------------------------------------------------------------------------------

    def events(self) -> None:
        self._shadow_text = self.shadow()
        triggers: list[tuple[str, str]] = []
        for group in self.lex["event_triggers"]:
            triggers.extend((w, group["kind"]) for w in group["words"])
        triggers.sort(key=lambda t: -len(t[0]))
        alt = _alt([w for w, _ in triggers])
        kind_of = dict(triggers)
        planned = self.lex["planned_markers"]
        background = self.lex["background_markers"]
        adjs = _alt(self.lex["event_adjectives"])
        trig = re.compile(
            rf"(?<![\w-])(?:(?P<det>[Tt]he|[Aa]n?|[Tt]his|[Hh]is|[Hh]er|[Tt]heir) )?"
            rf"(?P<adj>(?:(?:{adjs}|\d+(?:st|nd|rd|th)) ){{0,3}})(?P<t>{alt}|[Ee]vent)(?P<pl>s)?(?![\w-])"
        )
        ordinal = re.compile(r"\b(?P<n>\d+)(?:st|nd|rd|th) anniversary of (?:the )?[^,.;]+")
        gatherings = _alt(self.lex["named_event_heads"])
        named = re.compile(
            rf"(?<![\w-])(?:(?:{_NAME_WORD}|[A-Z]{{2,}})(?:-{_NAME_WORD})? (?:and )?){{1,5}}(?:{gatherings})(?![\w-])"
        )
        visit: _Item | None = None
        last: _Item | None = None
        main: _Item | None = None  # the first event of the last sentence that told of new ones
        counter: dict[str, int] = {}
        for s0, s1, sent in self.sentences:
            low = sent.lower()
            status = "reported"
            if any(re.search(rf"\b{re.escape(w)}\b", low) for w in planned):
                status = "planned"
            elif any(re.search(rf"\b{re.escape(w)}\b", low) for w in background):
                status = "background"
            people = self.people_in(s0, s1)
            in_sentence: list[_Item] = []
            # A named gathering: "The fifth Kazakh-Uzbek Interregional Forum".
            for m in named.finditer(sent):
                words = m.group(0).split(" ")
                while words and words[0] in ("The", "A", "An", "In", "At", "During", "On"):
                    words.pop(0)
                name = " ".join(words)
                if len(words) < 2:
                    continue
                start = s0 + m.end() - len(name)
                ordm = re.search(
                    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)) $",
                    sent[: m.end() - len(name)],
                )
                item = self._new_event("forum", name.lower(), counter, (start, s0 + m.end()), people, sent, s0)
                item.data["name"] = (ordm.group(1).capitalize() + " " if ordm else "") + name
                if ordm:
                    item.data["ordinal"] = _ORDINALS.get(ordm.group(1).lower()) or int(re.sub(r"\D", "", ordm.group(1)))
                if status != "reported":
                    item.data["_status"] = status
                    item.confidence = 0.5
                    continue
                in_sentence.append(item)
                last = item
            # "The Council of Foreign Ministers of the SCO met in Astana": the body's meeting.
            for m in re.finditer(r"(?<=¤) (?P<t>met|convened|gathered) in (?:the )?(?=§)", self._shadow_text[s0:s1]):
                org = next(
                    (i for a, b, i in self.claimed if b == s0 + m.start() and self.items[i].section == "organizations"),
                    None,
                )
                if org is None or status != "reported":
                    continue
                span = (s0 + m.start("t"), s0 + m.end("t"))
                item = self._new_event("forum", m.group("t"), counter, span, people, sent, s0)
                item.data["_attendees"].insert(0, org)
                item.data["name"] = f"Meeting of the {self.items[org].data['name']}"
                in_sentence.append(item)
                last = item
            for m in trig.finditer(sent):
                word_l = (m.group("adj") + m.group("t")).lower()
                if m.group("t").lower() not in kind_of and m.group("t").lower() != "event":
                    continue
                if m.group("t").lower() == "visit" and (
                    m.group("pl") or re.search(r"\b(?:mutual|reciprocal|exchange)\b", sent)
                ):
                    continue
                t_l = m.group("t").lower()
                kind = kind_of.get(t_l, "event")
                start = s0 + m.start("t")
                adj = m.group("adj") or ""
                # The trigger phrase as written: its adjectives ("official opening ceremony", "fourth round of").
                phrase_start = s0 + m.start("adj") if adj else start
                phrase_end = s0 + m.end()
                det = (m.group("det") or "").lower()
                if t_l in ("met", "met with", "received", "hosted") and len(people) < 2:
                    after = s0 + m.end()
                    others = [
                        i for a, _, i in self.claimed if after <= a < s1 and self.items[i].section == "organizations"
                    ]
                    if not (people and others):
                        continue  # a meeting needs two sides: two people, or a person and an organisation
                if status != "reported":
                    if t_l != "event" and not (det in ("the", "this") and kind != "visit"):
                        item = self._new_event(kind, word_l, counter, (phrase_start, phrase_end), people, sent, s0)
                        item.data["_status"] = status
                        item.confidence = 0.5
                        item.evidence += f"; {status}: a marker of " + (
                            "the future" if status == "planned" else "the past before the story"
                        )
                    continue
                anaphor = det in ("the", "this") and not re.match(
                    r" (?:of|with|between|on) ", sent[m.end() : m.end() + 9]
                )
                if kind == "visit" and visit is not None:
                    visit.spans.append((phrase_start if det not in ("the", "this") else s0 + m.start(), phrase_end))
                    last = visit if last is None else last
                    continue
                if "credential" in t_l and last is not None and "credential" in last.data.get("_word", ""):
                    # "... received the credentials ... Credentials were presented by ...": one ceremony.
                    last.spans.append((phrase_start, phrase_end))
                    self._attend(last, people)
                    continue
                if t_l == "event" and det not in ("the", "this"):
                    continue
                if t_l == "event" or (
                    anaphor
                    and kind in ("talks", "meeting", "ceremony", "forum")
                    and last is not None
                    and last is not visit
                ):
                    if main is not None and t_l == "event":
                        main.spans.append((s0 + m.start(), phrase_end))
                        self._attend(main, people)
                        continue
                    if t_l != "event" and last is not None:
                        last.spans.append((s0 + m.start(), phrase_end))
                        self._attend(last, people)
                        continue
                    if t_l == "event":
                        continue
                if in_sentence and in_sentence[-1].data["_kind"] == kind and word_l in ("met", "met with"):
                    continue
                plural = bool(m.group("pl"))
                if kind == "meeting" and plural and len(people) > 2:
                    subject = people[0]
                    for other in people[1:]:
                        item = self._new_event(
                            kind, word_l, counter, (phrase_start, phrase_end), [subject, other], sent, s0
                        )
                        in_sentence.append(item)
                        last = item
                    continue
                item = self._new_event(
                    kind,
                    word_l,
                    counter,
                    (phrase_start, phrase_end),
                    people[:1] if kind == "visit" else people,
                    sent,
                    s0,
                )
                in_sentence.append(item)
                if kind == "visit":
                    visit = item
                last = item
            for m in ordinal.finditer(sent):
                if status != "reported":
                    continue
                phrase = m.group(0).strip()
                id_ = slugify(phrase)[:80]
                self.add(
                    "events",
                    id_,
                    {"name": phrase, "ordinal": int(m.group("n")), "_kind": "event", "_word": "anniversary"},
                    (s0 + m.start(), s0 + m.start() + len(phrase)),
                    confidence=0.7,
                    evidence="Nth anniversary of ...",
                )
            if in_sentence:
                main = in_sentence[0]
            # "The delegation was headed by X": X takes part in the last event.
            if not in_sentence and last is not None and re.search(r"\bdelegation\b", sent) and people:
                self._attend(last, people)
        # "the sides signed": an event with no named participant has those of the event before.
        prev: _Item | None = None
        for item in sorted((i for i in self.items.values() if i.section == "events"), key=lambda i: i.order):
            if item.data.get("_status", "reported") != "reported" or "_attendees" not in item.data:
                continue
            if (
                not item.data["_attendees"]
                and prev is not None
                and re.search(
                    r"\b(?:the sides|the parties|both sides|the heads of|the ministers|the two)\b",
                    item.data.get("_sent", ""),
                )
            ):
                item.data["_attendees"] = list(prev.data["_attendees"])
                item.evidence += "; participants of the event before (the sides)"
            prev = item
        # Sub-events: the reported meetings, talks and ceremonies after a reported visit.
        if visit is not None:
            visitor = visit.data.get("_attendees", [])
            for item in list(self.items.values()):
                if (
                    item.section == "events"
                    and item is not visit
                    and item.data.get("_status", "reported") == "reported"
                    and item.data["_kind"] in ("meeting", "talks", "ceremony", "signing", "forum")
                    and item.order > visit.order
                ):
                    item.data["_super"] = visit.id
                    for v in visitor:
                        if v not in item.data["_attendees"]:
                            item.data["_attendees"].insert(0, v)

    def _attend(self, item: _Item, people: list[str]) -> None:
        for p in people:
            if p not in item.data["_attendees"]:
                item.data["_attendees"].append(p)

    def _new_event(
        self,
        kind: str,
        word: str,
        counter: dict[str, int],
        span: tuple[int, int],
        attendees: list[str],
        sent: str,
        s0: int,
    ) -> _Item:
        loc = self._location(sent, s0, span[1] - s0, kind)
        counter["n"] = counter.get("n", 0) + 1
        data: dict[str, Any] = {
            "_kind": kind,
            "_word": word,
            "_attendees": list(attendees),
            "_span": span,
            "_sent": sent,
        }
        if loc:
            data["_location"] = loc
        conf = 0.8 if attendees else 0.55
        return self.add("events", f"_event-{counter['n']}", data, span, confidence=conf, evidence=f"trigger {word!r}")

    def event_name(self, item: _Item) -> str:
        d = item.data
        if "name" in d:
            return str(d["name"])
        names = [self.items[a].data["name"] for a in dict.fromkeys(d["_attendees"])]
        kind = d["_kind"]
        start, end = d["_span"]
        written = self.body[start:end].strip()
        written = written[:1].upper() + written[1:]
        loc = d.get("_location")
        if kind == "visit":
            name = f"{written} of {names[0]}" if names else written
            if loc:
                name += f" to {self.items[loc].data['name']}"
        elif "credential" in d["_word"]:
            name = (
                "Presentation of credentials"
                + (f" by {names[0]}" if names else "")
                + (f" to {names[1]}" if len(names) > 1 else "")
            )
        elif kind == "meeting":
            name = (
                "Meeting"
                + (f" of {names[0]}" if names else "")
                + (f" with {' and '.join(names[1:])}" if len(names) > 1 else "")
            )
        elif kind == "talks" and len(names) >= 2:
            label = written
            name = f"{label} of {names[0]} with {' and '.join(names[1:])}"
        elif kind in ("ceremony", "forum", "signing"):
            tail = re.match(
                r" (?:of|on) ((?:the )?[^,.;]{3,80}?)(?= and | in | on |[,.;]|$)", self.body[end : end + 90]
            )
            name = written + (f" of {tail.group(1)}" if tail else "")
            if loc and not tail:
                name += f" in {self.items[loc].data['name']}"
        else:
            name = f"{written} of {names[0]}" if names else written
        return name

    def _location(self, sent: str, s0: int, after: int, kind: str) -> str | None:
        preps = r"(?:to|in)" if kind == "visit" else r"in"
        if kind == "visit":
            after = 0  # "arrived in Argentina on a working visit"
        for m in re.finditer(rf" {preps} (?:the )?", sent[after:]):
            at = s0 + after + m.end()
            if self.dateline_span and at == self.dateline_span[0]:
                continue
            ent = self.entity_at(at)
            if ent and self.items[ent].section == "places":
                return ent
            if m.start() > 80:
                break
        return None

    # --- the annotation ----------------------------------------------------------------------

    def mention(self, span: tuple[int, int], *, section: str | None = None) -> Mention:
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
        why = self.span_evidence.get(span, "the words found by the item's rule")
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

    def mentions(self, spans: list[tuple[int, int]], section: str | None = None) -> tuple[Mention | str, ...]:
        return tuple(self.mention(sp, section=section) for sp in sorted(set(spans)))

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
            meta = {}
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
                            mentions=self.mentions(item.spans, item.section),
                            **meta,
                        ),
                        item,
                    )
                )
            elif item.section == "organizations":
                parent = d.get("_parent") if d.get("_parent") in ids else None
                if parent is None and d.get("_parent"):
                    parent = None
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
                            mentions=self.mentions(item.spans, item.section),
                        ),
                        item,
                    )
                )
            elif item.section == "places":
                contained = ()
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
                            mentions=self.mentions(item.spans, item.section),
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
                            mentions=self.mentions(item.spans, item.section),
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


def _model(
    cls: type[Any],
    data: dict[str, Any],
    item: _Item | None,
    *,
    confidence: float | None = None,
    evidence: str | None = None,
) -> Any:
    # Every drafted item is unconfirmed, with how sure the drafter is and the rule that found it.
    data["confidence"] = round(item.confidence if item else confidence or 0.5, 2)
    data["evidence"] = item.evidence if item else evidence
    data["confirmed"] = False
    return cls(**{k: v for k, v in data.items() if v is not None})


def _event_kind(kind: str, word: str) -> EventKind:
    if kind == "visit" and "working" in word:
        return EventKind.WORKING_VISIT
    if kind == "talks" and "consultations" in word:
        return EventKind.POLITICAL_CONSULTATIONS
    return EventKind(kind) if kind in EventKind.__members__.values() else EventKind.EVENT


@functools.lru_cache(maxsize=4096)
def slugify(name: str) -> str:
    """:func:`kzar_ld.iris.slugify`, cached: the same names recur in every article."""
    return _slugify(name)


# The loader of a newer annotation model matches quotes as whole words and warns about nested
# mentions; the drafter counts occurrences the way the model it runs against does.
_QUOTES_MATCH_WHOLE_WORDS = "whole_word" in Mention.model_fields
_MENTIONS_MAY_NEST = "nested" in Mention.model_fields


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch) in ("Mn", "Mc")


def _is_whole_word(body: str, start: int, end: int) -> bool:
    quote = body[start:end]
    left = start == 0 or not _is_word_char(quote[0]) or not _is_word_char(body[start - 1])
    right = end == len(body) or not _is_word_char(quote[-1]) or not _is_word_char(body[end])
    return left and right


def occurrence_of(body: str, start: int, end: int, *, whole_word: bool) -> int:
    """Which occurrence (1-based) of ``body[start:end]`` starts at ``start``.

    Occurrences may overlap; with ``whole_word`` only those that are whole words count.

    >>> occurrence_of("Head of state. He said", 15, 17, whole_word=False)
    2
    >>> occurrence_of("Head of state. He said", 15, 17, whole_word=True)
    1
    """
    quote = body[start:end]
    n, pos = 0, body.find(quote)
    while 0 <= pos <= start:
        if not whole_word or _is_whole_word(body, pos, pos + len(quote)):
            n += 1
        pos = body.find(quote, pos + 1)
    return n


def _alt(words: Any) -> str:
    """A regular-expression alternation of the words, longest first (cached: the lists are fixed)."""
    return _alt_cached(tuple(words))


@functools.lru_cache(maxsize=256)
def _alt_cached(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _sentences(body: str) -> list[tuple[int, int, str]]:
    out = []
    start = 0
    ends = [m.end() for m in _SENTENCE_END.finditer(body)]
    if not ends or ends[-1] < len(body):
        ends.append(len(body))
    for end in ends:
        while start < end and body[start].isspace():
            start += 1  # a sentence starts at its first word
        if start < end:
            out.append((start, end, body[start:end]))
        start = end
    return out


def _title(word: str) -> str:
    return "-".join(" ".join(w.capitalize() for w in part.split(" ")) for part in word.split("-"))


_ORDINALS = {
    w: i
    for i, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], start=1
    )
}

_NOT_NAME_WORDS = {
    "Minister",
    "Ministry",
    "Ambassador",
    "President",
    "Secretary",
    "Deputy",
    "Prime",
    "Consul",
    "Director",
    "Chairman",
    "Head",
    "Akim",
    "Senator",
    "Speaker",
    "Foreign",
    "Embassy",
    "Affairs",
    "Government",
    "Council",
    "Republic",
    "General",
    "Vice",
    "First",
    "Office",
    "Department",
    "Parliament",
    "Senate",
    "Assembly",
}


def _trim_name(name: str, lex: Any) -> str | None:
    stop = {"The", "In", "On", "At", "During", "Also", "And", "He", "She", "They", "It", "This", "As", "Kazakhstan"}
    words = name.split()
    if any(w in _NOT_NAME_WORDS for w in words):
        return None
    while words and words[-1] in stop:
        words.pop()
    if len(words) < 2 or words[0] in stop:
        return None
    return " ".join(words)


def _close(a: str, b: str) -> bool:
    """Whether two name words differ by one edit (a typo), for words of five letters or more."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
