"""Co-reference: "Mr. Sarybay", a family name with a typo, "the Ambassador", "the Kazakh diplomat" and
a sentence-opening "He" become mentions of a person already found, never a second person.
"""

from __future__ import annotations

import re

from kzar_ld.drafting.base import (
    _NAME_WORD,
    _UP,
    RuleBase,
    _alt,
    _close,
)


class CorefRules(RuleBase):
    """Short forms, titles, demonym nouns and pronouns that refer to a person already found."""

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
                    self.span_evidence[(m.start(), m.end())] = "the full name again"
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
            pm = re.match(rf"(?:{pron})\b", sent)
            if pm is None:
                # "During the visit, he held meetings": a pronoun opening a clause after a phrase.
                m2 = re.match(rf"[^,.;]{{3,60}}, ({pron.lower()})\b", sent)
                if m2 is None:
                    continue
                s0, pm = s0 + m2.start(1), re.match(r"\w+", sent[m2.start(1) :])
                assert pm is not None
            for j in range(i - 1, -1, -1):
                ps, pe, _ = self.sentences[j]
                firsts = sorted(
                    (min((sp for sp in p.spans if ps <= sp[0] < pe), default=None), p.id)
                    for p in people
                    if any(ps <= sp[0] < pe for sp in p.spans)
                )
                if firsts:
                    self.items[firsts[0][1]].spans.append((s0, s0 + pm.end()))
                    self.span_evidence[(s0, s0 + pm.end())] = "pronoun: the first person of the sentence before"
                    break
