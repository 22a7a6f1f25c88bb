"""What every drafting rule shares: the name patterns, the bookkeeping of found items and spans,
and small helpers (cached slugs and word alternations, occurrences of a quote, sentences).

Example:
    >>> [s[2] for s in _sentences("Mr. Sarybay arrived. He met the press.")]
    ['Mr. Sarybay arrived.', 'He met the press.']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kzar_ld.annotation import (
    EventKind,
    Mention,
    PlaceKind,
)
from kzar_ld.article import ArticleText
from kzar_ld.drafting.gazetteer import Gazetteer
from kzar_ld.iris import slugify as _slugify

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


class RuleBase:
    """The state of one draft: the text, the items found so far and the spans they claim.

    A rule family may use what another one defines. Those members are declared below for type
    checking only (each names the family that defines it); the drafter that combines every family
    has them all.
    """

    #: Where the dateline's place lies in the body (the document rules set it first).
    dateline_span: tuple[int, int] | None

    if TYPE_CHECKING:

        @abstractmethod
        def country_place(
            self, code: str, span: tuple[int, int] | None, *, confidence: float = 0.95, evidence: str = "ISO 3166 name"
        ) -> str:
            """The id of the country ``code`` as a place, with ``span`` as a mention (the place rules)."""

        @abstractmethod
        def known_organizations(self) -> None:
            """Find the organisations of the lexicon (the organisation rules)."""

        @abstractmethod
        def ministry(
            self,
            stem: str,
            name: str,
            code: str | None,
            span: tuple[int, int] | None,
            *,
            confidence: float,
            evidence: str,
        ) -> str:
            """The id of a country's ministry, added if new (the organisation rules)."""

        @abstractmethod
        def portfolio_pattern(self) -> str:
            """A regular expression of one or more portfolios (the organisation rules)."""

        @abstractmethod
        def ministry_for(self, portfolio: str) -> tuple[str, str]:
            """The id stem and the name of the ministry of a portfolio (the organisation rules)."""

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
        self._pending_embassies: list[tuple[_Item, int, str, str]] = []
        self._title_words = {t["words"].split()[-1] for t in g.lexicon["titles"]} | {"Minister", "Rector", "Mayor"}

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

    def _only_places(self, start: int, end: int) -> bool:
        return all(self.items[i].section == "places" for s, e, i in self.claimed if s < end and start < e)

    def people_in(self, start: int, end: int) -> list[str]:
        hits = []
        for p in self.items.values():
            if p.section == "people":
                pos = [s for s, _ in p.spans if start <= s < end]
                if pos:
                    hits.append((min(pos), p.id))
        return [i for _, i in sorted(hits)]


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

# The head nouns of a person's title: an organisation's name stops before them.
_HOLDER_WORDS = frozenset(
    {
        "Minister",
        "Ambassador",
        "President",
        "Secretary",
        "Consul",
        "Director",
        "Chairman",
        "Chairwoman",
        "Head",
        "Akim",
        "Senator",
        "Speaker",
        "Rector",
        "Mayor",
        "Governor",
        "Deputy",
        "Adviser",
        "Advisor",
        "Representative",
        "Envoy",
        "CEO",
        "Founder",
        "Member",
        "Undersecretary",
        "Vice",
    }
)

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
