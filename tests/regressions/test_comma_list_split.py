"""Regression (issue 12, item 8): `mentions: [a, b]` split a quote at its comma silently.

`[representatives of regional authorities, business and cultural communities]` became two
mentions. The split still happens (it is YAML), but when the text contains the two items joined
by the comma, the loader warns.
"""

from __future__ import annotations

from pathlib import Path

from _fictional import HEAD, write_article

from kzar_ld import load_article
from kzar_ld.diagnostics import WarningKind

TEXT = (
    " date 2021-04-01 Round table in Almaty\n\n"
    "ALMATY. KAZINFORM The round table gathered representatives of regional authorities, business and "
    "cultural communities.\n\nThis article is fictional."
)


def group(mentions: str) -> str:
    return HEAD + f"  - id: guests\n    kind: group\n    name: Guests\n    mentions: {mentions}\n"


def test_a_split_that_the_text_joins_is_a_warning(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path, group("[representatives of regional authorities, business and cultural communities]"), text=TEXT
    )
    article = load_article(folder)
    assert [(w.kind, w.line) for w in article.warnings] == [(WarningKind.SPLIT_AT_COMMA, 13)]
    assert "'representatives of regional authorities, business and cultural communities'" in article.warnings[0].message


def test_a_quoted_item_or_a_block_list_is_not_split(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path, group('["representatives of regional authorities, business and cultural communities"]'), text=TEXT
    )
    article = load_article(folder)
    assert article.warnings == ()
    assert [s.exact for s in article.spans if s.entity == "guests"] == [
        "representatives of regional authorities, business and cultural communities"
    ]
    folder = write_article(
        tmp_path,
        group("\n      - representatives of regional authorities\n      - business and cultural communities"),
        text=TEXT,
        name="b",
    )
    assert load_article(folder).warnings == ()


def test_two_items_the_text_does_not_join_are_fine(tmp_path: Path) -> None:
    folder = write_article(tmp_path, group("[round table, business]"), text=TEXT)
    assert load_article(folder).warnings == ()
