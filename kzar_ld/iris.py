"""The one place kzar_ld mints IRIs.

Every IRI is ``{base}{segment}/{slug}`` (``person/kairat-umarov``, ``place/buenos-aires``,
``article/{id}``), with a configurable ``base`` that defaults to the reserved placeholder
``https://kzar.example/id/``. Slugs are ASCII, lower-case and stable: names are NFC-normalised,
Latin letters lose their accents, Cyrillic (Russian and Kazakh letters) is transliterated, any
other letter is percent-encoded, and everything else becomes a hyphen, so ``../../x`` cannot
climb out of its segment. Every minted IRI is checked by a strict IRI parser before use.

Example:
    >>> slugify("Gustavo Gutiérrez")
    'gustavo-gutierrez'
    >>> slugify("Қасым-Жомарт Тоқаев")
    'qasym-zhomart-toqaev'
    >>> IriMinter().entity("place", slugify("../../Buenos Aires"))
    'https://kzar.example/id/place/buenos-aires'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph

from kzar_ld.defaults import DEFAULT_BASE
from kzar_ld.errors import IriError

__all__ = ["DEFAULT_BASE", "IriMinter", "check_iri", "normalize_name", "slugify", "validate_base"]


# Russian and Kazakh Cyrillic, romanised in the spirit of Kazakhstan's 2021 Latin alphabet
# and common Russian practice; lower case only (the input is lower-cased first).
_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi",
}  # fmt: skip
# Letters that do not decompose into a base letter plus accents.
_LATIN_EXTRA = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d"}


def normalize_name(name: str, *, what: str = "name", source: str | None = None, line: int | None = None) -> str:
    """NFC-normalise ``name`` and reject what cannot name anything.

    An empty or white-space-only name, a lone surrogate or a control character is an
    :class:`IriError` naming the value, the file and the line.

    >>> normalize_name("Jose\\u0301") == "José"
    True
    """
    for ch in name:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise IriError(f"{what} {name!r} holds a lone surrogate U+{ord(ch):04X}", source=source, line=line)
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d":
            raise IriError(
                f"{what} {name!r} holds a control or format character U+{ord(ch):04X}",
                source=source,
                line=line,
            )
    nfc = unicodedata.normalize("NFC", name)
    if not nfc.strip():
        raise IriError(f"{what} is empty or only white space: {name!r}", source=source, line=line)
    return nfc


def slugify(name: str, *, source: str | None = None, line: int | None = None) -> str:
    """Turn a name or id into a stable ASCII slug (``[a-z0-9%-]``, no leading/trailing hyphen).

    >>> slugify("Ministry of Foreign Affairs (Argentina)")
    'ministry-of-foreign-affairs-argentina'
    >>> slugify("北京")
    '%E5%8C%97%E4%BA%AC'
    """
    nfc = normalize_name(name, what="name", source=source, line=line)
    out: list[str] = []
    for ch in nfc.lower():
        if ch.isascii():
            out.append(ch if ch.isalnum() else "-")
            continue
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
            continue
        if ch in _LATIN_EXTRA:
            out.append(_LATIN_EXTRA[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base.isascii():
            out.append("".join(c if c.isalnum() else "-" for c in base.lower()))
        elif ch.isalnum():
            out.append(quote(ch, safe=""))
        else:
            out.append("-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    if not slug:
        raise IriError(f"name {name!r} has no letter or digit to make an IRI from", source=source, line=line)
    return slug


def check_iri(iri: str, *, what: str = "IRI", source: str | None = None, line: int | None = None) -> str:
    """Return ``iri`` if it is a valid absolute IRI, else raise :class:`IriError`.

    >>> check_iri("http://www.wikidata.org/entity/Q232")
    'http://www.wikidata.org/entity/Q232'
    """
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        raise IriError(f"{what} {iri!r} is not a valid absolute IRI ({exc})", source=source, line=line) from exc
    return iri


def validate_base(base: str) -> str:
    """Check a base IRI and give it a trailing ``/`` (or keep its ``#``).

    >>> validate_base("https://data.example.org/id")
    'https://data.example.org/id/'
    >>> validate_base("not a base")
    Traceback (most recent call last):
    ...
    kzar_ld.errors.IriError: --base 'not a base' is not an absolute http(s) IRI, e.g. https://data.example.org/id/
    """
    scheme, sep, rest = base.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or rest.startswith("/"):
        raise IriError(f"--base {base!r} is not an absolute http(s) IRI, e.g. https://data.example.org/id/")
    if "?" in base:
        raise IriError(f"--base {base!r} must not have a query part")
    if not base.endswith(("/", "#")):
        base += "/"
    return check_iri(base, what="--base")


@dataclass(frozen=True, slots=True)
class IriMinter:
    """Mints every IRI of a graph from one base.

    >>> m = IriMinter("https://data.example.org/id/")
    >>> m.article("000_b748ee61ec8ac40c")
    'https://data.example.org/id/article/000_b748ee61ec8ac40c'
    >>> m.role("kairat-umarov", "first-deputy-foreign-minister")
    'https://data.example.org/id/role/kairat-umarov--first-deputy-foreign-minister'
    """

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", validate_base(self.base))

    def entity(self, segment: str, slug: str) -> str:
        """The IRI of an entity: ``{base}{segment}/{slug}``."""
        return check_iri(f"{self.base}{segment}/{slug}")

    def article(self, article_id: str) -> str:
        """The IRI of an article (and of its named graph)."""
        return self.entity("article", article_id)

    def in_article(self, article_id: str, *path: str) -> str:
        """An IRI under an article: its mentions, source and derived statements."""
        return check_iri("/".join((self.article(article_id), *path)))

    def role(self, person_slug: str, role_slug: str) -> str:
        """The IRI of a role node: ``role/{person}--{role}``."""
        return self.entity("role", f"{person_slug}--{role_slug}")
