"""Content negotiation: read an HTTP ``Accept`` header and pick the representation to send.

:func:`parse_accept` reads the header as RFC 9110 (section 12.5.1) defines it: media ranges
separated by commas, each with optional parameters and a quality value ``q`` between 0 and 1
(default 1; ``q=0`` means "not this"). :func:`negotiate` then gives every representation the
quality of the most specific range that matches it (``type/subtype`` before ``type/*`` before
``*/*``) and returns the one with the highest quality; ties go to the server's order of
preference, which is the order of the representations passed in.

The rules where the RFC leaves a choice, and which the server documents (``docs/serving.md``):

* a missing or empty header means ``*/*``: the first representation (HTML) is sent;
* a range that does not parse (``text``, ``q=abc``, ``q=2``) is ignored, the rest still counts;
  a header with nothing usable left counts as missing;
* parameters other than ``q`` (``charset``, ``profile``, ``level``) do not restrict a match;
* when nothing matches (``Accept: image/png``) :func:`negotiate` returns None, and the server
  answers 406 Not Acceptable with the list of what it has.

Example:
    >>> html = Representation("text/html", ".html")
    >>> turtle = Representation("text/turtle", ".ttl")
    >>> negotiate("text/turtle;q=0.9, text/html;q=0.8", [html, turtle]).media_type
    'text/turtle'
    >>> negotiate("*/*", [html, turtle]).media_type
    'text/html'
    >>> negotiate("image/png", [html, turtle]) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "Representation", "negotiate", "parse_accept", "quality"]

# RFC 9110 token characters (section 5.6.2).
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_PARAM = re.compile(rf'^\s*({_TOKEN})\s*=\s*({_TOKEN}|"(?:[^"\\]|\\.)*")\s*$')
# At most three decimals, 0..1 (section 12.4.2).
_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")

#: Longest Accept header read; the rest of a longer one is ignored.
MAX_ACCEPT_CHARS = 4096


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One range of an ``Accept`` header: ``type/subtype`` (either may be ``*``) and its quality.

    ``order`` is its position in the header, kept so that sorting is stable.

    >>> MediaRange("text", "*", 0.5).specificity
    1
    >>> MediaRange("text", "*", 0.5).matches("text/turtle")
    True
    """

    type: str
    subtype: str
    q: float
    order: int = 0

    @property
    def specificity(self) -> int:
        """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        """Whether this range covers ``media_type`` (compared without case)."""
        kind, _, sub = media_type.lower().partition("/")
        if self.type == "*":
            return True
        if self.type != kind:
            return False
        return self.subtype in ("*", sub)


def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The usable media ranges of an ``Accept`` header, in the order written.

    Ranges that do not parse are left out; a missing, empty or wholly unusable header gives
    ``*/*`` with quality 1. Types are compared without case.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/html, application/*;q=0.2, oops")]
    [('text', 'html', 1.0), ('application', '*', 0.2)]
    >>> parse_accept(None)
    (MediaRange(type='*', subtype='*', q=1.0, order=0),)
    >>> parse_accept("*/html")  # a wildcard type needs a wildcard subtype
    (MediaRange(type='*', subtype='*', q=1.0, order=0),)
    """
    ranges: list[MediaRange] = []
    for order, item in enumerate((header or "")[:MAX_ACCEPT_CHARS].split(",")):
        found = _parse_range(item, order)
        if found is not None:
            ranges.append(found)
    return tuple(ranges) or (MediaRange("*", "*", 1.0),)


def _parse_range(item: str, order: int) -> MediaRange | None:
    # Quoted parameter values may hold ';' only in theory; no media type we serve uses one.
    head, *params = item.split(";")
    if not head.strip():
        return None
    match = _RANGE.match(head)
    if match is None:
        return None
    kind, sub = match.group(1).lower(), match.group(2).lower()
    if kind == "*" and sub != "*":
        return None
    q = 1.0
    for param in params:
        found = _PARAM.match(param)
        if found is None:
            return None
        if found.group(1).lower() == "q":
            if not _QVALUE.match(found.group(2)):
                return None
            q = float(found.group(2))
            break  # what follows q are accept-extensions, which nothing here uses
    return MediaRange(kind, sub, q, order)


@dataclass(frozen=True, slots=True)
class Representation:
    """Something the server can send: its media type, file suffix, and other types that mean it.

    ``aliases`` are media types a client may name exactly to get this one (``application/json``
    for JSON-LD); wildcards match ``media_type`` only. The server always answers with
    ``media_type``.

    >>> Representation("application/ld+json", ".jsonld", ("application/json",)).accepts("application/json")
    True
    """

    media_type: str
    suffix: str
    aliases: tuple[str, ...] = ()

    def accepts(self, media_type: str) -> bool:
        """Whether a request for exactly ``media_type`` may be answered with this."""
        wanted = media_type.lower()
        return wanted == self.media_type or wanted in self.aliases


def quality(ranges: Sequence[MediaRange], representation: Representation) -> float:
    """The quality a client gives ``representation``: that of the most specific matching range.

    Of several equally specific ranges, the one written first counts. 0 if none matches.

    >>> turtle = Representation("text/turtle", ".ttl")
    >>> quality(parse_accept("text/*;q=0.3, text/turtle;q=0.7, */*;q=0.1"), turtle)
    0.7
    >>> quality(parse_accept("text/turtle;q=0, */*"), turtle)
    0.0
    """
    best: MediaRange | None = None
    for media_type in (representation.media_type, *representation.aliases):
        alias = media_type != representation.media_type
        for candidate in ranges:
            # An alias answers a request for exactly it, never a wildcard: `application/*`
            # does not make XHTML's alias turn HTML into an application type.
            if not candidate.matches(media_type) or (alias and candidate.specificity < 2):
                continue
            if best is None or candidate.specificity > best.specificity:
                best = candidate
            elif candidate.specificity == best.specificity and candidate.specificity == 2:
                # An exact alias and the exact type: the client's higher wish wins.
                best = max(best, candidate, key=lambda r: (r.q, -r.order))
    return 0.0 if best is None else best.q


def negotiate(accept: str | None, representations: Sequence[Representation]) -> Representation | None:
    """The representation to send for the ``Accept`` header ``accept``, or None (406).

    ``representations`` are in the server's order of preference, which breaks ties.

    >>> html = Representation("text/html", ".html")
    >>> jsonld = Representation("application/ld+json", ".jsonld", ("application/json",))
    >>> negotiate("application/json", [html, jsonld]).suffix
    '.jsonld'
    >>> negotiate("text/html;q=0, */*;q=0.1", [html, jsonld]).suffix
    '.jsonld'
    """
    ranges = parse_accept(accept)
    chosen: Representation | None = None
    best = 0.0
    for representation in representations:
        q = quality(ranges, representation)
        if q > best:
            chosen, best = representation, q
    return chosen
