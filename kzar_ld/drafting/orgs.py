"""Rules for organisations: known ones, ministries by portfolio, embassies and consulates, akimats,
companies, capitalised names ending in a head word, names said again ("the Senate"), delegations,
and nesting ("Department of X of the Ministry of Y").
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from kzar_ld.annotation import (
    OrganizationKind,
)
from kzar_ld.drafting.base import (
    _HOLDER_WORDS,
    _NAME_WORD,
    RuleBase,
    _alt,
    slugify,
)


class OrganizationRules(RuleBase):
    """Known organisations, ministries, missions, akimats, companies, named organisations, nesting."""

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
            if w in _HOLDER_WORDS:
                prev = tokens[i - 1][2] if i else ""
                cut = head_end + (tokens[i - 1][0] if prev in ("and", "of", "the", "for") and i else a) - 1
                break
        before = body[max(0, start - 60) : start]
        if re.search(
            r"\b(?:" + _alt(_HOLDER_WORDS) + r") (?:of|at) (?:the )?$",
            before,
        ):
            rest = body[head_end:cut]
            m = re.search(rf"^(.*(?: and| of| for| on)(?: the)? [^ ]+)((?: {_NAME_WORD}){{2,4}})$", rest)
            if m:
                cut = head_end + len(m.group(1))
        return max(cut, head_end)

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
                if first is None or first >= s or not re.search(rf"\b{re.escape(head)}\b", o.data["name"]):
                    continue
                if best is None or first > best[0]:
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
            start, end = m.start(), m.end()
            if self.is_claimed(start, end):
                continue
            code, q_end = self._country_after(end)
            q_start = start
            if code is None:
                code, q_start = self._country_before(start)
            why = "ministry named with its country" if code else "unqualified ministry: the publisher's country"
            conf = 0.9 if code else 0.6
            org_id = self.ministry(stem, mname, code, (q_start, q_end), confidence=conf, evidence=why)
            self.claim(q_start, q_end, org_id)

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
        titles = {w for t in self.lex["titles"] for w in t["words"].split() if w[:1].isupper()}
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
