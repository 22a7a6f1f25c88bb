"""Read and parse an article's text: header (date, headline), body, dateline and agency.

The format is the one the agencies' feeds give us::

     date 2023-08-24 Kazakhstan and Argentina strengthen bilateral cooperation

    BUENOS AIRES. KAZINFORM First Deputy Foreign Minister ...

The first line is an optional header (``date YYYY-MM-DD Headline``); the body is everything after
it and the blank line(s) that follow. The body is what ``schema:articleBody`` holds and what every
offset counts in, in Unicode code points. Before anything else the text is decoded as UTF-8 (a
BOM is dropped), line ends become ``\\n`` (CRLF and lone CR), it is NFC-normalised, and trailing
white space at the very end is removed; nothing inside the body is changed.

Example:
    >>> text = parse_article_text(" date 2023-08-24 A headline\\n\\nASTANA. KAZINFORM Body.")
    >>> text.headline, text.date_published.isoformat(), text.dateline, text.agency
    ('A headline', '2023-08-24', 'ASTANA', 'KAZINFORM')
    >>> text.body[text.lead_offset:]
    'Body.'
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kzar_ld.defaults import DEFAULT_MAX_BYTES
from kzar_ld.errors import ArticleError

__all__ = ["DEFAULT_MAX_BYTES", "ArticleText", "parse_article_text", "read_article_text"]


_HEADER = re.compile(r"^[ \t]*date[ \t]+(\S+)[ \t]+(\S.*?)[ \t]*$")
_HEADER_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "BUENOS AIRES. KAZINFORM ": an upper-case place, a full stop, an upper-case agency tag.
_DATELINE = re.compile(r"^(?P<place>[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_]+)*)\. (?P<agency>[^\W\d_][\w-]*) ")


@dataclass(frozen=True, slots=True)
class ArticleText:
    """A parsed article text. Offsets are code points into :attr:`body`.

    ``date_published`` and ``headline`` are None when the text has no header line;
    ``dateline``/``agency`` are None when the body does not open with one.
    """

    source: str
    body: str
    date_published: dt.date | None = None
    headline: str | None = None
    dateline: str | None = None
    agency: str | None = None
    agency_span: tuple[int, int] | None = None
    lead_offset: int = 0

    @property
    def missing(self) -> tuple[str, ...]:
        """Names of the parts the text does not provide, for messages.

        >>> parse_article_text("Just a body.").missing
        ('date', 'headline', 'dateline')
        """
        parts = []
        if self.date_published is None:
            parts.append("date")
        if self.headline is None:
            parts.append("headline")
        if self.dateline is None:
            parts.append("dateline")
        return tuple(parts)


def read_article_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> ArticleText:
    """Read and parse the article text file at ``path``.

    The size is checked before the file is read. Raises :class:`ArticleError` naming the file
    when it is missing, too large, empty, binary or not UTF-8.

    >>> read_article_text("examples/kazinform-2023-08-24/000_b748ee61ec8ac40c.txt").dateline
    'BUENOS AIRES'
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise ArticleError("not a regular file", source=str(p))
        if size > max_bytes:
            raise ArticleError(
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; raise max_bytes to read it",
                source=str(p),
            )
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise ArticleError("article text not found", source=str(p)) from exc
    except OSError as exc:
        raise ArticleError(f"cannot read the article text: {exc.strerror}", source=str(p)) from exc
    if len(data) > max_bytes:
        raise ArticleError(f"file is over the {max_bytes:,}-byte limit", source=str(p))
    return parse_article_text(data, source=str(p))


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ArticleError("binary data (a NUL byte): not an article text", source=source, line=line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}; save the file as UTF-8",
            source=source,
            line=line,
        ) from exc
    return text.removeprefix("\ufeff")


def parse_article_text(text: str | bytes, *, source: str = "<text>") -> ArticleText:
    """Parse an article from its text (or raw bytes, decoded as UTF-8).

    >>> parse_article_text("No header here.\\n\\nSecond paragraph.").headline is None
    True
    """
    if isinstance(text, bytes):
        text = _decode(text, source)
    for i, ch in enumerate(text):
        if ch == "\x00" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"):
            line = text.count("\n", 0, i) + 1
            raise ArticleError(f"control character U+{ord(ch):04X}: not an article text", source=source, line=line)
        if 0xD800 <= ord(ch) <= 0xDFFF:
            line = text.count("\n", 0, i) + 1
            raise ArticleError(f"lone surrogate U+{ord(ch):04X}", source=source, line=line)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).rstrip()
    if not text.strip():
        raise ArticleError("empty article: the file holds no text", source=source)

    date: dt.date | None = None
    headline: str | None = None
    body = text
    first, sep, rest = text.partition("\n")
    match = _HEADER.match(first)
    if match:
        raw_date, headline = match.group(1), match.group(2)
        if not _HEADER_DATE.match(raw_date):
            raise ArticleError(f"header date {raw_date!r} is not YYYY-MM-DD", source=source, line=1)
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError as exc:
            raise ArticleError(f"header date {raw_date!r} is not a calendar date", source=source, line=1) from exc
        body = rest.lstrip("\n") if sep else ""
        if not body.strip():
            raise ArticleError("the article has a header line but no body", source=source, line=1)

    dateline = agency = None
    agency_span = None
    lead = 0
    m = _DATELINE.match(body)
    if m and m.group("place").isupper() and m.group("agency").isupper():
        dateline, agency = m.group("place"), m.group("agency")
        agency_span = (m.start("agency"), m.end("agency"))
        lead = m.end()
    return ArticleText(
        source=source,
        body=body,
        date_published=date,
        headline=headline,
        dateline=dateline,
        agency=agency,
        agency_span=agency_span,
        lead_offset=lead,
    )
