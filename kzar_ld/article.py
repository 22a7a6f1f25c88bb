"""Read and parse an article's text: header (date, headline), body, dateline and agency.

The plain form is the one the agencies' feeds give us::

     date 2023-08-24 Kazakhstan and Argentina strengthen bilateral cooperation

    BUENOS AIRES. KAZINFORM First Deputy Foreign Minister ...

Real files vary, and every one of these header layouts is read:

1. `` date YYYY-MM-DD Headline``, a blank line, the body;
2. `` date YYYY-MM-DD`` followed on the same line by the dateline and the body (no headline);
3. `` date YYYY-MM-DD`` alone on its line, then the body;
4. site navigation before the headline (breadcrumbs, section names, "Share"), with a byline date
   (``10 December 2022, 14:13``) or an author line (``Author: ...``) among it;
5. no date header: the headline first, then a byline date, then the body;
6. the body alone.

The body starts at the first line that opens with a dateline, or else at the first line that
reads as a paragraph (it ends with a full stop, or is longer than any headline). What comes
before it is the header: dates, author lines and navigation are recognised, and the first other
line is the headline. A header line that is none of these is dropped with a warning, and text
after a header date that reads as a paragraph is kept as body with a warning: nothing is taken
for a headline silently. Warnings are values (:attr:`ArticleText.warnings`); nothing is printed.

The dateline is the first ``CITY. AGENCY`` (``BUENOS AIRES. KAZINFORM``, optionally followed by
a dash), even when the sentence after it contains ``St.`` or ``Mr.``; without an agency tag,
``ASTANA –`` and ``Nur-Sultan, Kazakhstan.-`` are datelines too.

The body is what ``schema:articleBody`` holds and what every offset counts in, in Unicode code
points. Before anything else the text is decoded as UTF-8 (a BOM is dropped), line ends become
``\\n`` (CRLF and lone CR), it is NFC-normalised, and trailing white space at the very end is
removed; nothing inside the body is changed.

Example:
    >>> text = parse_article_text(" date 2023-08-24 A headline\\n\\nASTANA. KAZINFORM Body.")
    >>> text.headline, text.date_published.isoformat(), text.dateline, text.agency
    ('A headline', '2023-08-24', 'ASTANA', 'KAZINFORM')
    >>> text.body[text.lead_offset:]
    'Body.'
    >>> text = parse_article_text(" date 2017-09-14 KARAGANDA. KAZINFORM An office opened.")
    >>> text.headline, text.dateline, text.body
    (None, 'KARAGANDA', 'KARAGANDA. KAZINFORM An office opened.')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kzar_ld.defaults import DEFAULT_MAX_BYTES
from kzar_ld.diagnostics import InputWarning, WarningKind
from kzar_ld.errors import ArticleError
from kzar_ld.files import read_capped

__all__ = ["DEFAULT_MAX_BYTES", "ArticleText", "parse_article_text", "read_article_text"]


_HEADER = re.compile(r"^[ \t]*date[ \t]+(\S+)(?:[ \t]+(\S.*?))?[ \t]*$")
_HEADER_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The header is looked for in the first lines only; a real page's header is never longer.
_HEADER_MAX_LINES = 20
_HEADER_MAX_CHARS = 5000
# A line with more words than this is a paragraph, never a headline; a headline with more than
# _LONG_HEADLINE words is kept but flagged.
_PARAGRAPH_WORDS = 30
_LONG_HEADLINE = 20
# A line on the date line this short, ending with a full stop, is still the headline when the
# next line opens with a dateline.
_SHORT_SENTENCE = 15

# --- datelines --------------------------------------------------------------------------------
# "BUENOS AIRES. KAZINFORM ": an upper-case place, ". ", an upper-case agency tag, maybe a dash.
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_PLACE = re.compile(rf"{_WORD}(?:(?: |\. ?){_WORD}){{0,5}}")
_AGENCY = re.compile(r"[^\W\d_][^\W_]*(?:-[^\W_]+)*(?=[ \t]|$|[–—-])")
_LEAD = re.compile(r"[ \t]*(?:[–—-]+[ \t]*)?")
_DATELINE_MAX = 80
# "ASTANA – ", "Nur-Sultan, Kazakhstan.-": a place (and a country), then a dash.
_DASH_DATELINE = re.compile(
    rf"(?P<place>(?P<city>{_WORD}(?: {_WORD}){{0,3}})(?:, (?P<country>{_WORD}(?: {_WORD}){{0,3}}))?)"
    r"(?P<end>\.[–—-][ \t]*|\.?[ \t]+[–—-](?:[ \t]+|$))"
)

# --- header lines -----------------------------------------------------------------------------
_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*(?:[AaPp]\.?[Mm]\.?|UTC|GMT|[+-]\d{2}:?\d{2}))?"
_DATE_FORMS = (
    r"(?P<d>\d{1,2})[ \t]+(?P<mon>[A-Za-z]{3,9})\.?,?[ \t]+(?P<y>\d{4})",  # 10 December 2022
    r"(?P<mon>[A-Za-z]{3,9})\.?[ \t]+(?P<d>\d{1,2}),?[ \t]+(?P<y>\d{4})",  # December 10, 2022
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})",  # 10.12.2022
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})",  # 2022-12-10
)
_SEP = r"[ \t]*[,|–—-]?[ \t]*"
_BYLINE_DATES = tuple(
    re.compile(
        r"(?i:(?:published|updated|posted|modified|date)[ \t]*:?[ \t]*)?"
        r"(?:[A-Za-z]+,[ \t]+)?"  # a weekday
        rf"(?:{_TIME}{_SEP})?{form}(?:{_SEP}{_TIME})?",
    )
    for form in _DATE_FORMS
)
_AUTHOR = re.compile(
    r"(?i:author|authors|by|written by|text|editor|автор|авторы)[ \t]*[:–—-]?[ \t]+(?P<name>[^\d\s].*)"
)
_NOISE_START = re.compile(r"(?i)(?:photo|photos|video|source|share|tags?|read also|read more|see also)\b")
_CRUMB = re.compile(r"[ \t]+[/|»>›·•][ \t]+")
# Section names and site furniture that news sites print around a story.
_NOISE_TEXT = """
    home main news all latest top politics policy economy economics business society world sport
    sports culture regions region analytics opinion opinions interview interviews photo photos
    video videos multimedia search menu share print subscribe login contacts about us more read
    also tags tag section category categories english en ru kz русский қазақша foreign official
    kazakhstan press releases release events event science tech technology health incidents
    incident
"""
_NOISE_WORDS = frozenset(_NOISE_TEXT.split())


class _Kind(enum.Enum):
    DATELINE = "dateline"  # the body starts here
    SENTENCE = "sentence"  # reads as a paragraph: the body starts here
    DATE = "date"  # a byline date
    AUTHOR = "author"
    NOISE = "noise"
    CANDIDATE = "candidate"  # a headline, or a line the header does not explain


_BODY_STARTS = (_Kind.DATELINE, _Kind.SENTENCE)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offset of the first non-blank character in the normalised text
    text: str  # stripped
    number: int  # 1-based line number
    kind: _Kind
    date: dt.date | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class _Dateline:
    place: str
    agency: str | None
    agency_span: tuple[int, int] | None
    lead: int


@dataclass(frozen=True, slots=True)
class ArticleText:
    """A parsed article text. Offsets are code points into :attr:`body`.

    ``date_published`` and ``headline`` are None when the text does not give them (the date
    comes from the `` date`` header or a byline date); ``dateline``/``agency`` are None when the
    body does not open with one; ``byline`` is the author as an author line gives it.
    ``warnings`` say what in the header could not be read with certainty.
    """

    source: str
    body: str
    date_published: dt.date | None = None
    headline: str | None = None
    dateline: str | None = None
    agency: str | None = None
    agency_span: tuple[int, int] | None = None
    lead_offset: int = 0
    byline: str | None = None
    warnings: tuple[InputWarning, ...] = ()

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
        if p.exists() and not p.is_file():
            raise ArticleError("not a regular file", source=str(p))
        data = read_capped(p, max_bytes=max_bytes, source=str(p), error=ArticleError)
    except FileNotFoundError as exc:
        raise ArticleError("article text not found", source=str(p)) from exc
    except OSError as exc:
        raise ArticleError(f"cannot read the article text: {exc.strerror}", source=str(p)) from exc
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


def _normalise(text: str, source: str) -> str:
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
    return text


def parse_article_text(text: str | bytes, *, source: str = "<text>") -> ArticleText:
    """Parse an article from its text (or raw bytes, decoded as UTF-8).

    >>> parse_article_text("No header here.\\n\\nSecond paragraph.").headline is None
    True
    >>> t = parse_article_text("Talks in Astana\\n10 December 2022, 14:13\\n\\nASTANA – Talks were held.")
    >>> t.headline, t.date_published.isoformat(), t.dateline, t.agency
    ('Talks in Astana', '2022-12-10', 'ASTANA', None)
    """
    if isinstance(text, bytes):
        text = _decode(text, source)
    text = _normalise(text, source)

    header_date: dt.date | None = None
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    match = _HEADER.match(first)
    window: list[_Line] = []
    if match:
        header_date = _header_date(match.group(1), source)
        if match.group(2):
            window.append(_classify(match.group(2), match.start(2), 1, on_date_line=True))
        if first_end >= 0 and not (window and window[0].kind is _Kind.DATELINE):
            window.extend(_lines(text, first_end + 1, 2))
        if not window or (len(window) == 1 and window[0].kind is _Kind.CANDIDATE and first_end < 0):
            raise ArticleError("the article has a header line but no body", source=source, line=1)
    else:
        window.extend(_lines(text, 0, 1))

    warnings: list[InputWarning] = []
    if (
        match
        and match.group(2)
        and len(window) > 1
        and window[0].kind is _Kind.SENTENCE
        and len(window[0].text.split()) <= _SHORT_SENTENCE
        and window[1].kind is _Kind.DATELINE
    ):
        # A short line with a full stop on the date line, the dateline right after it: the
        # layout says headline, the full stop says sentence. Take it as the headline, and say so.
        window[0] = dataclasses.replace(window[0], kind=_Kind.CANDIDATE)
        warnings.append(
            InputWarning(
                WarningKind.HEADLINE_FULL_STOP,
                f"the headline {window[0].text!r} ends with a full stop: check that it is not the first sentence",
                source=source,
                line=1,
            )
        )
    found = _split_header(window, header_date is not None)
    headline: str | None = None
    date = header_date
    byline: str | None = None
    if found is None:
        # No header beyond the date line: the old, plain form.
        if match:
            rest = match.group(2)
            if rest is not None and window and window[0].kind is _Kind.CANDIDATE:
                headline = rest
                body_start = _next_line_start(text, first_end)
            else:
                body_start = window[0].start if rest is None else match.start(2)
        else:
            body_start = 0
    else:
        header, body_line = found
        body_start = body_line.start
        if match and match.group(2) and body_line is window[0] and body_line.kind is _Kind.SENTENCE:
            warnings.append(
                InputWarning(
                    WarningKind.PARAGRAPH_AFTER_DATE,
                    "the text after the header date reads as a paragraph, not a headline "
                    f"({_why_paragraph(body_line.text)}): it is read as the start of the body; "
                    "give the headline as `headline:` under `article:` in the annotation",
                    source=source,
                    line=1,
                )
            )
        candidates = [h for h in header if h.kind is _Kind.CANDIDATE]
        if candidates:
            headline = candidates[0].text
        for extra in candidates[1:]:
            warnings.append(
                InputWarning(
                    WarningKind.DROPPED_HEADER_LINE,
                    f"header line {_short(extra.text)!r} is neither the headline, a date, an author line nor "
                    "navigation: it is not part of the body",
                    source=source,
                    line=extra.number,
                )
            )
        dates = [h for h in header if h.date is not None]
        if date is None and dates:
            date = dates[0].date
        elif date is not None:
            for other in dates:
                if other.date != date:
                    warnings.append(
                        InputWarning(
                            WarningKind.DATES_DIFFER,
                            f"byline date {other.text!r} differs from the header date {date.isoformat()}; "
                            "the header date is used",
                            source=source,
                            line=other.number,
                        )
                    )
        authors = [h.author for h in header if h.author is not None]
        byline = authors[0] if authors else None

    if headline is not None and len(headline.split()) > _LONG_HEADLINE:
        warnings.append(
            InputWarning(
                WarningKind.LONG_HEADLINE,
                f"the headline has {len(headline.split())} words: check that it is not the first paragraph",
                source=source,
                line=text.count("\n", 0, text.find(headline)) + 1,
            )
        )
    body = text[body_start:]
    if not body.strip():
        raise ArticleError("the article has a header line but no body", source=source, line=1)
    dl = _dateline(body)
    return ArticleText(
        source=source,
        body=body,
        date_published=date,
        headline=headline,
        dateline=dl.place if dl else None,
        agency=dl.agency if dl else None,
        agency_span=dl.agency_span if dl else None,
        lead_offset=dl.lead if dl else 0,
        byline=byline,
        warnings=tuple(warnings),
    )


def _header_date(raw: str, source: str) -> dt.date:
    if not _HEADER_DATE.match(raw):
        raise ArticleError(f"header date {raw!r} is not YYYY-MM-DD", source=source, line=1)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ArticleError(f"header date {raw!r} is not a calendar date", source=source, line=1) from exc


def _lines(text: str, offset: int, number: int) -> list[_Line]:
    out: list[_Line] = []
    while offset <= len(text) and len(out) < _HEADER_MAX_LINES and offset < _HEADER_MAX_CHARS:
        end = text.find("\n", offset)
        if end < 0:
            end = len(text)
        raw = text[offset:end]
        stripped = raw.strip()
        if stripped:
            out.append(_classify(stripped, offset + len(raw) - len(raw.lstrip()), number))
            if out[-1].kind in _BODY_STARTS:
                break  # the body starts here: nothing below is header
        offset, number = end + 1, number + 1
    return out


def _next_line_start(text: str, newline: int) -> int:
    rest = text[newline:]
    return newline + len(rest) - len(rest.lstrip())


def _split_header(window: list[_Line], dated: bool) -> tuple[list[_Line], _Line] | None:
    """The header lines and the line the body starts with, or None when there is no header."""
    for i, line in enumerate(window):
        if line.kind is _Kind.DATELINE:
            return window[:i], line
        if line.kind is _Kind.SENTENCE:
            header = window[:i]
            if not dated and not any(h.kind is _Kind.DATE for h in header):
                return None  # no date and no dateline: nothing says these lines are a header
            # After the headline only dates, authors and navigation belong to the header;
            # the next other line is already the body.
            seen_headline = False
            for j, h in enumerate(header):
                if h.kind is _Kind.CANDIDATE:
                    if seen_headline:
                        return header[:j], h
                    seen_headline = True
            return header, line
    return None


def _classify(text: str, start: int, number: int, *, on_date_line: bool = False) -> _Line:
    if _dateline(text) is not None:
        return _Line(start, text, number, _Kind.DATELINE)
    date = _byline_date(text)
    if date is not None:
        return _Line(start, text, number, _Kind.DATE, date=date)
    author = _AUTHOR.fullmatch(text)
    if author and len(author.group("name").split()) <= 5 and not _ends_sentence(text):
        return _Line(start, text, number, _Kind.AUTHOR, author=author.group("name").strip())
    if _is_noise(text, single_word_is_noise=not on_date_line):
        return _Line(start, text, number, _Kind.NOISE)
    if _ends_sentence(text) or len(text.split()) > _PARAGRAPH_WORDS:
        return _Line(start, text, number, _Kind.SENTENCE)
    return _Line(start, text, number, _Kind.CANDIDATE)


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’»)]").endswith(".") and not text.endswith("..")


def _why_paragraph(text: str) -> str:
    words = len(text.split())
    return f"{words} words" if words > _PARAGRAPH_WORDS else "it ends with a full stop"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _is_noise(text: str, *, single_word_is_noise: bool) -> bool:
    if not any(c.isalpha() for c in text):
        return True  # "|", "12 345", "14:13"
    if _NOISE_START.match(text):
        return True
    tokens = [t.strip(".,:;!?()[]\"'") for t in re.split(r"[\s/|»>›·•]+", text.casefold())]
    tokens = [t for t in tokens if t]
    if all(t in _NOISE_WORDS or t.isdigit() for t in tokens):
        return True
    if _CRUMB.search(text) and all(len(part.split()) <= 4 for part in _CRUMB.split(text)):
        return True
    # Below the date line a single word is a section label; on it, it is the headline.
    return single_word_is_noise and len(tokens) == 1


def _byline_date(text: str) -> dt.date | None:
    for pattern in _BYLINE_DATES:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        month = int(groups["m"]) if groups.get("m") else _MONTHS.get((groups.get("mon") or "").casefold())
        if month is None:
            continue
        try:
            return dt.date(int(groups["y"]), month, int(groups["d"]))
        except ValueError:
            continue
    return None


def _dateline(body: str) -> _Dateline | None:
    """The dateline the body opens with, if any: the first ``CITY. AGENCY`` wins."""
    head = body[:_DATELINE_MAX]
    for stop in re.finditer(r"\. ", head):
        place = head[: stop.start()]
        if any(c.islower() for c in place):
            break  # a sentence, not a place: later full stops cannot start a dateline
        if not (place.isupper() and _PLACE.fullmatch(place)):
            continue
        agency = _AGENCY.match(body, stop.end())
        if agency and agency.group(0).isupper() and len(agency.group(0)) >= 2:
            lead = _LEAD.match(body, agency.end())
            assert lead is not None  # the pattern matches the empty string
            return _Dateline(place, agency.group(0), (agency.start(), agency.end()), lead.end())
    m = _DASH_DATELINE.match(body)
    if m is None:
        return None
    words = m.group("place").replace(",", "").split()
    if not all(w[0].isupper() for w in words):
        return None
    if m.group("city").isupper() or m.group("country") or m.group("end").startswith("."):
        return _Dateline(m.group("place"), None, None, m.end())
    return None
