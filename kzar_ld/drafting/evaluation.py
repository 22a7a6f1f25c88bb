"""Score a drafted annotation against a gold one: precision, recall and F1 per category.

Entities are matched one to one, greedily, best match first. A drafted entity that matches no
gold entity is a false positive, so a person drafted twice under two surface forms ("Mr. Sarybay"
as a second person) costs a false positive; a gold entity left unmatched is a false negative.

- **strict**: the names are the same words (persons, organisations, places), or, for events, the
  same set of person attendees;
- **lenient**: names equal after case, accents, a leading "the" and "Republic of" are set aside,
  or the same id, or the two share a mention (the same words at the same place in the body);
  events: a shared mention or overlapping person attendees.

Only reported events are scored; gold events marked ``implied`` (a series the text only
implies) are left out too. Document fields
(publisher, date, headline, ``based_on`` author, content location) score one point each.

Example:
    >>> from kzar_ld.drafting.extract import extract_annotation
    >>> text = "ASTANA – Kazakhstan and Chile held talks."
    >>> ann = extract_annotation(text, source="a.txt")
    >>> scores = score_annotation(ann, ann, body=text, gold_body=text)
    >>> scores["places"]["strict"].f1
    1.0
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kzar_ld.annotation import Annotation, Mention
from kzar_ld.drafting.base import _QUOTES_MATCH_WHOLE_WORDS, _is_whole_word

__all__ = ["CATEGORIES", "Counts", "score_annotation", "sum_scores"]

CATEGORIES = ("persons", "organizations", "places", "events", "document")


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives, with the rates they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Scores = dict[str, dict[str, Counts]]


def _norm(name: str) -> str:
    s = unicodedata.normalize("NFKD", name.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[«»\"“”'’]", "", s)
    s = re.sub(r"^the |\brepublic of |\bthe\b ", "", s)
    return re.sub(r"[\s\-–]+", " ", s).strip()


def _spans(mentions: Iterable[Mention | str], body: str) -> set[tuple[int, int]]:
    # The words at the place the loader puts them: whole words where the model matches so.
    out = set()
    for m in mentions:
        quote, occ = (m.quote, m.occurrence) if isinstance(m, Mention) else (m, 1)
        whole = _QUOTES_MATCH_WHOLE_WORDS and getattr(m, "whole_word", True)
        if not isinstance(occ, int):
            continue  # "occurrence: all" and friends: not needed to score
        n, pos = 0, body.find(quote)
        while pos >= 0:
            if not whole or _is_whole_word(body, pos, pos + len(quote)):
                n += 1
                if n == occ:
                    out.add((pos, pos + len(quote)))
                    break
            pos = body.find(quote, pos + 1)
    return out


def _offset(gold_body: str, body: str) -> int:
    # The two bodies may differ by a header the drafter's parser kept: align them on the gold's.
    if gold_body == body:
        return 0
    at = body.find(gold_body[:200])
    return at if at >= 0 else 0


def _match(
    gold: Sequence[Any], draft: Sequence[Any], score: Callable[[Any, Any], float]
) -> tuple[Counts, dict[str, str]]:
    pairs = sorted(
        ((s, i, j) for i, g in enumerate(gold) for j, d in enumerate(draft) if (s := score(g, d)) > 0),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_g: set[int] = set()
    used_d: set[int] = set()
    mapping: dict[str, str] = {}
    for _, i, j in pairs:
        if i in used_g or j in used_d:
            continue
        used_g.add(i)
        used_d.add(j)
        mapping[draft[j].id] = gold[i].id
    tp = len(used_g)
    return Counts(tp, len(draft) - tp, len(gold) - tp), mapping


def _reported(e: Any) -> bool:
    # Planned and background events are not asserted as having happened: only reported ones score.
    return str(getattr(e, "status", "reported")) == "reported"


def _names(e: Any) -> set[str]:
    return {e.name, *getattr(e, "alternate_names", ())}


def score_annotation(
    draft: Annotation,
    gold: Annotation,
    *,
    body: str,
    gold_body: str,
    resolved: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> Scores:
    """Score ``draft`` against ``gold``: ``{category: {"strict": Counts, "lenient": Counts}}``.

    ``resolved`` gives (draft, gold) document fields that come from the text rather than the
    annotation (the date and headline of a header line), so both sides are compared as loaded.
    """
    shift = _offset(gold_body, body)

    def gspans(e: Any) -> set[tuple[int, int]]:
        return {(s + shift, t + shift) for s, t in _spans(e.mentions, gold_body)}

    def dspans(e: Any) -> set[tuple[int, int]]:
        return _spans(e.mentions, body)

    def strict_name(g: Any, d: Any) -> float:
        return 2.0 if _names(g) & _names(d) else 0.0

    def lenient_name(g: Any, d: Any) -> float:
        if strict_name(g, d):
            return 3.0
        if {_norm(n) for n in _names(g)} & {_norm(n) for n in _names(d)}:
            return 2.5
        if g.id == d.id:
            return 2.0
        gs, ds = gspans(g), dspans(d)
        if any(a < y and x < b for a, b in gs for x, y in ds):
            return 1.0
        return 0.0

    out: Scores = {}
    person_map: dict[str, str] = {}
    for category, g_items, d_items in (
        ("persons", gold.people, draft.people),
        ("organizations", gold.organizations, draft.organizations),
        ("places", gold.places, draft.places),
    ):
        strict, _ = _match(g_items, d_items, strict_name)
        lenient, mapping = _match(g_items, d_items, lenient_name)
        out[category] = {"strict": strict, "lenient": lenient}
        if category == "persons":
            person_map = mapping
    gold_people = {p.id for p in gold.people}
    draft_people = {p.id for p in draft.people}

    def attendees(e: Any, people: set[str], mapping: dict[str, str] | None) -> set[str]:
        ids = {a if isinstance(a, str) else a.ref for a in e.attendees}
        ids &= people
        return {mapping.get(i, "?" + i) for i in ids} if mapping is not None else ids

    gold_events = [e for e in gold.events if e.implied is None and _reported(e)]
    draft_events = [e for e in draft.events if _reported(e)]

    def strict_event(g: Any, d: Any) -> float:
        ga, da = attendees(g, gold_people, None), attendees(d, draft_people, person_map)
        return 2.0 if ga and ga == da else 0.0

    def lenient_event(g: Any, d: Any) -> float:
        ga, da = attendees(g, gold_people, None), attendees(d, draft_people, person_map)
        score = 0.0
        gs, ds = gspans(g), dspans(d)
        if any(a < y and x < b for a, b in gs for x, y in ds):
            score += 2.0
        if ga and da:
            score += len(ga & da) / len(ga | da)
        return score if score >= 0.5 else 0.0

    strict, _ = _match(gold_events, draft_events, strict_event)
    lenient, _ = _match(gold_events, draft_events, lenient_event)
    out["events"] = {"strict": strict, "lenient": lenient}

    def fields(a: Annotation) -> dict[str, Any]:
        f = a.article
        return {
            "publisher": f.publisher,
            "date_published": f.date_published,
            "headline": f.headline,
            "based_on": f.based_on.author if f.based_on else None,
            "content_location": f.content_location,
        }

    gf, df = fields(gold), fields(draft)
    if resolved is not None:
        df.update(resolved[0])
        gf.update(resolved[1])
    doc = {"strict": Counts(), "lenient": Counts()}
    for key in gf:
        g, d = gf[key], df[key]
        for mode in ("strict", "lenient"):
            same = g == d or (mode == "lenient" and isinstance(g, str) and isinstance(d, str) and _norm(g) == _norm(d))
            if g is None and d is None:
                continue
            if same:
                doc[mode] += Counts(tp=1)
            else:
                doc[mode] += Counts(fp=1 if d is not None else 0, fn=1 if g is not None else 0)
    out["document"] = doc
    return out


def sum_scores(scores: Iterable[Scores]) -> Scores:
    """Add up the counts of several articles (micro-averaging)."""
    total: Scores = {c: {"strict": Counts(), "lenient": Counts()} for c in CATEGORIES}
    for s in scores:
        for c in CATEGORIES:
            for mode in ("strict", "lenient"):
                total[c][mode] = total[c][mode] + s[c][mode]
    return total
