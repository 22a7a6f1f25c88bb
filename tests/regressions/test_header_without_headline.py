"""Regression (issue 12, item 1): a header date followed by the dateline and body, or alone on its line.

` date 2017-09-14 KARAGANDA. KAZINFORM A Honorary Consulate…` used to be read as a headline that
swallowed the first paragraph; ` date 2017-09-14` alone on its line became body text, losing the
date and the dateline. The texts are fictional.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kzar_ld import load_article
from kzar_ld.article import parse_article_text
from kzar_ld.diagnostics import WarningKind
from kzar_ld.errors import AnnotationError

SAME_LINE = (
    " date 2017-09-14 KARAGANDA. KAZINFORM A Honorary Consulate of Westland opened in Karaganda.\n\n"
    "The consul greeted the guests. (Fictional.)"
)
ALONE = " date 2017-09-14\nKARAGANDA. KAZINFORM A Honorary Consulate of Westland opened.\n\nMore. (Fictional.)"


def test_date_then_dateline_on_the_same_line_is_body_not_headline() -> None:
    text = parse_article_text(SAME_LINE)
    assert text.headline is None
    assert text.date_published == dt.date(2017, 9, 14)
    assert (text.dateline, text.agency) == ("KARAGANDA", "KAZINFORM")
    assert text.body.startswith("KARAGANDA. KAZINFORM A Honorary")
    assert text.body[slice(*text.agency_span)] == "KAZINFORM"  # type: ignore[misc]
    assert text.missing == ("headline",)


def test_date_alone_on_its_line_keeps_the_date_and_the_dateline() -> None:
    text = parse_article_text(ALONE)
    assert text.date_published == dt.date(2017, 9, 14)
    assert text.headline is None
    assert text.dateline == "KARAGANDA"
    assert text.body.startswith("KARAGANDA. KAZINFORM")


def test_a_paragraph_where_the_headline_would_be_is_a_warning_never_silently_a_headline() -> None:
    text = parse_article_text(
        " date 2017-09-14 A Honorary Consulate of Westland opened in Karaganda on Thursday.\n\nMore. (Fictional.)"
    )
    assert text.headline is None
    assert text.body.startswith("A Honorary Consulate")
    assert [w.kind for w in text.warnings] == [WarningKind.PARAGRAPH_AFTER_DATE]
    assert text.warnings[0].line == 1
    assert "headline:" in text.warnings[0].message


def test_the_missing_headline_error_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "article"
    folder.mkdir()
    (folder / "article.txt").write_text(
        " date 2017-09-14 A Honorary Consulate of Westland opened in Karaganda on Thursday.\n\nMore. (Fictional.)",
        encoding="utf-8",
    )
    (folder / "annotation.yaml").write_text(
        "article:\n  publisher: kazinform\norganizations:\n  - id: kazinform\n    name: Kazinform\n",
        encoding="utf-8",
    )
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    assert str(info.value) == (
        f"{folder / 'annotation.yaml'}:2: no headline: the words after the text's header date read as a "
        "paragraph, so they are kept as the body; add `headline:` under `article:`"
    )
