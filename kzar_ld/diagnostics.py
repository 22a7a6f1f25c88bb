"""Warnings about an input: things that parse but that a person should look at.

A warning is a value, not an exception and not a line on stderr: the library returns warnings
with what it parsed (``ArticleText.warnings``, ``Article.warnings``), and the CLI decides how to
show them. Each warning has a kind (an enum, for programs), a one-line message (for people),
and the file and line it is about.

Example:
    >>> w = InputWarning(WarningKind.PARAGRAPH_AFTER_DATE, "looks like a paragraph", source="a.txt", line=1)
    >>> str(w)
    'a.txt:1: warning: looks like a paragraph'
    >>> w.kind.value
    'paragraph-after-date'
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["InputWarning", "WarningKind"]


class WarningKind(enum.StrEnum):
    """What a warning is about."""

    #: The text after a header date reads as a paragraph, so it was taken as the body, not a headline.
    PARAGRAPH_AFTER_DATE = "paragraph-after-date"
    #: A line was taken as the headline although it is as long as a paragraph.
    LONG_HEADLINE = "long-headline"
    #: A line was taken as the headline (the dateline follows it) although it ends with a full stop.
    HEADLINE_FULL_STOP = "headline-full-stop"
    #: A header line is neither the headline, a date, an author line nor navigation: it was dropped.
    DROPPED_HEADER_LINE = "dropped-header-line"
    #: A byline date disagrees with the header date (the header date is used).
    DATES_DIFFER = "dates-differ"
    #: A mention lies inside the mention of another entity.
    NESTED_MENTION = "nested-mention"
    #: A flow-sequence item was split at a comma that the article text contains.
    SPLIT_AT_COMMA = "split-at-comma"


@dataclass(frozen=True, slots=True)
class InputWarning:
    """A warning about an input file: kind, message, and the place (file and line when known)."""

    kind: WarningKind
    message: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source + (f":{self.line}" if self.line is not None else "") + ": "
        return f"{where}warning: {self.message}"
