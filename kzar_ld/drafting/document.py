"""Rules for the document: headline and date when the text has none, publisher, attribution.

"Kazinform learned from the press service of the Kazakh MFA" makes the MFA what the story is
based on; the dateline is where the story was filed and says nothing of where events happened.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kzar_ld.annotation import (
    OrganizationKind,
)
from kzar_ld.drafting.base import (
    _DATE_FORMS,
    _DATELINE,
    _MONTHS,
    RuleBase,
    _alt,
)


class DocumentRules(RuleBase):
    """The document: headline, date, publisher, attribution and what the article is about."""

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
        self.dateline_span = None
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
        primary = visits[0] if visits else events[0] if events else None
        if primary is not None:
            self.article["about"] = (primary.id,)
            self.article["primary_topic"] = primary.id
            loc = primary.data.get("_location")
            if loc:
                self.article["content_location"] = loc
