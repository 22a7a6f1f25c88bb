"""Rules for persons: a role phrase and a name, a name and its role, an honorific and a name; each
role tied to its organisation (the Foreign Minister of X works for the Ministry of Foreign Affairs
of X), nationality only where the office says it. Unnamed role holders are not persons.
"""

from __future__ import annotations

import re
from typing import Any

from kzar_ld.annotation import (
    OrganizationKind,
    RoleStatus,
)
from kzar_ld.drafting.base import (
    _ENT,
    _NAME,
    _NAME_WORD,
    _PORTFOLIO_TITLE,
    RuleBase,
    _alt,
    _close,
    _Item,
    _trim_name,
    slugify,
)


class PersonRules(RuleBase):
    """Persons with their role phrases, the organisations of their roles and their nationality."""

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
        self._resolve_embassies()

    def _embassy(self, code: str, host: str, title: str, *, confidence: float) -> str:
        c, h = self.g.countries[code], self.g.countries[host]
        org_id = f"embassy-of-{c.id}-in-{h.id}"
        data = {
            "name": f"Embassy of {c.name} in {h.name}",
            "kind": OrganizationKind.GOVERNMENT,
            "_country": code,
            "implied": f"Implied by the office {title!r}.",
        }
        self.add("organizations", org_id, data, None, confidence=confidence, evidence="an ambassador heads an embassy")
        return org_id

    def _government(self, code: str, title: str) -> str:
        c = self.g.countries[code]
        org_id = f"government-of-{c.id}"
        data = {
            "name": f"Government of {c.name}",
            "kind": OrganizationKind.GOVERNMENT,
            "_country": code,
            "implied": f"Implied by the office {title!r} of {c.name}.",
        }
        self.add(
            "organizations",
            org_id,
            data,
            None,
            confidence=0.7,
            evidence="a national office implies the state's government",
        )
        return org_id

    def _resolve_embassies(self) -> None:
        """ "Ambassador of Egypt" with no "to": accredited to the one other country whose offices the
        story names ("President of Kazakhstan"), if there is exactly one; else the state itself."""
        envoys = {id(p) for p, _, _, _ in self._pending_embassies}
        hosts = {
            p.data["_nationality"][0]
            for p in self.items.values()
            if p.section == "people" and id(p) not in envoys and "_nationality" in p.data
        }
        for person, index, code, title in self._pending_embassies:
            others = hosts - {self.g.countries[code].id}
            role = person.data["_roles"][index]
            if len(others) == 1:
                host = next(c.code for c in self.g.countries.values() if c.id in others)
                role["org"] = self._embassy(code, host, title, confidence=0.6)
            elif role["org"] is None:
                role["org"] = self._government(code, title)

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
        spec: dict[str, Any] | None = None  # a title of the lexicon, or a portfolio title
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
        of_place = next((i for p, i in quals if p == "of" and self.items[i].section == "places"), None)
        org_q = next((i for p, i in quals if self.items[i].section == "organizations"), None)
        if of_country:
            code = self.items[of_country].data["iso3166"]
        for s, e, id_ in self.claimed:
            if r0 <= s and e <= r0 + t_start and self.items[id_].data.get("iso3166"):
                code = self.items[id_].data["iso3166"]
        org_id = None
        pending = False  # an embassy whose host country is decided once every person is known
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
                org_id = self._embassy(code, host, title, confidence=0.75)
            else:
                self._pending_embassies.append((person, len(person.data["_roles"]), code, title))
                pending = True
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
        local_place = in_place or of_place
        if org_id is None and title in ("Akim", "Mayor") and local_place:
            place = self.items[local_place]
            if title == "Akim":
                org_id = slugify(f"akimat {place.data['name']}")
                oname = f"Akimat of {place.data['name']}"
            else:
                org_id = slugify(f"{place.data['name']} city council")
                oname = f"City Council of {place.data['name']}"
            self.add(
                "organizations",
                org_id,
                {
                    "name": oname,
                    "kind": OrganizationKind.GOVERNMENT,
                    "implied": f"Implied by the office {title!r} of {place.data['name']}.",
                },
                None,
                confidence=0.7,
                evidence=f"the office of {title.lower()} implies the local administration",
            )
        if org_id is None and code and not pending:
            org_id = self._government(code, title)
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
