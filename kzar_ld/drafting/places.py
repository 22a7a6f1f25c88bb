"""Rules for places: countries (ISO 3166 names and official forms), cities (GeoNames, only where
the name is unambiguous in the article), macro-regions, regions and venues. Demonyms are never places.
"""

from __future__ import annotations

import re
from typing import Any

from kzar_ld.annotation import (
    PlaceKind,
)
from kzar_ld.drafting.base import (
    _NAME_WORD,
    _UP,
    RuleBase,
    _alt,
    _title,
    slugify,
)


class PlaceRules(RuleBase):
    """Countries, cities, macro-regions, regions and venues, with their identifiers where certain."""

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
