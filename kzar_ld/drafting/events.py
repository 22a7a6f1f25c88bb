"""Rules for events: visits, talks, meetings, ceremonies, signings and forums, their participants,
location and status (reported, planned, background), and the hierarchy: meetings during a reported
visit are its sub-events.
"""

from __future__ import annotations

import re
from typing import Any

from kzar_ld.drafting.base import (
    _NAME_WORD,
    _ORDINALS,
    RuleBase,
    _alt,
    _Item,
    slugify,
)


class EventRules(RuleBase):
    """Events with their kind, participants, location, status and place in the hierarchy."""

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
                self._unplace(start, s0 + m.end(), first_word_only=True)  # "Astana International Forum"
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
                several = plural or re.search(r"\b(?:bilateral|separate)\b", m.group("adj") or "")
                if kind in ("meeting", "talks") and several and len(people) > 2:
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
        elif kind == "signing" and d["_word"] == "signed":
            obj = re.match(
                r" (?:an? |the )?([^,.;]{3,90}?)(?= and the | in | during |[,.;]|$)", self.body[end : end + 100]
            )
            name = f"Signing of {obj.group(1)}" if obj else "Signing"
            if names:
                name += f" by {' and '.join(names)}"
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
