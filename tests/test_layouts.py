"""Every header layout and dateline form parses to the right headline, date, dateline and body.

The texts are fictional (tests/data/layouts/README.md); expected.yaml lists what each must give.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from kzar_ld.article import parse_article_text, read_article_text
from kzar_ld.diagnostics import WarningKind

LAYOUTS = Path("tests/data/layouts")
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((LAYOUTS / "expected.yaml").read_text(encoding="utf-8"))


def test_every_text_has_an_expectation_and_every_expectation_a_text() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in LAYOUTS.glob("*.txt"))
    assert len(EXPECTED) >= 6


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_parses_to_the_expected_parts(name: str) -> None:
    want = EXPECTED[name]
    path = LAYOUTS / name
    text = read_article_text(path)
    assert text.headline == want["headline"]
    assert text.date_published == (dt.date.fromisoformat(want["date"]) if want["date"] else None)
    assert text.dateline == want["dateline"]
    assert text.agency == want["agency"]
    assert text.byline == want.get("byline")
    assert text.body.startswith(want["body"])
    assert text.body[text.lead_offset :].startswith(want["lead"])
    # The body is the verbatim end of the file: every offset counts in the text as published.
    assert unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).rstrip().endswith(text.body)
    assert text.body.rstrip().endswith("This article is fictional.")
    assert [w.kind.value for w in text.warnings] == want.get("warnings", [])
    if text.agency is not None:
        assert text.agency_span is not None
        assert text.body[text.agency_span[0] : text.agency_span[1]] == text.agency


@pytest.mark.parametrize(
    ("first", "dateline", "agency", "lead"),
    [
        ("ASTANA. KAZINFORM – The talks began.", "ASTANA", "KAZINFORM", "The talks"),
        ("ASTANA. KAZINFORM - The talks began.", "ASTANA", "KAZINFORM", "The talks"),
        ("ASTANA. KAZINFORM The talks began.", "ASTANA", "KAZINFORM", "The talks"),
        ("ASTANA – The talks began.", "ASTANA", None, "The talks"),
        ("ASTANA — The talks began.", "ASTANA", None, "The talks"),
        ("Nur-Sultan, Kazakhstan.- The talks began.", "Nur-Sultan, Kazakhstan", None, "The talks"),
        ("Nur-Sultan, Kazakhstan.-The talks began.", "Nur-Sultan, Kazakhstan", None, "The talks"),
        ("ASTANA. KAZINFORM A ceremony was held in St. Pölten town.", "ASTANA", "KAZINFORM", "A ceremony"),
        ("ASTANA. KAZINFORM Mr. Smith arrived.", "ASTANA", "KAZINFORM", "Mr. Smith"),
        ("UST-KAMENOGORSK. KAZINFORM Snow fell.", "UST-KAMENOGORSK", "KAZINFORM", "Snow"),
        ("ST. PETERSBURG. KAZINFORM Talks.", "ST. PETERSBURG", "KAZINFORM", "Talks"),
        ("MÉXICO. KAZINFORM Talks.", "MÉXICO", "KAZINFORM", "Talks"),
    ],
)
def test_dateline_variants(first: str, dateline: str, agency: str | None, lead: str) -> None:
    text = parse_article_text(f" date 2020-02-02 Head line\n\n{first}\n\nMore.")
    assert (text.dateline, text.agency) == (dateline, agency)
    assert text.body[text.lead_offset :].startswith(lead)


@pytest.mark.parametrize(
    "first",
    [
        "Mr. Smith arrived in Astana.",  # "Mr" is not an upper-case place
        "The ASTANA. KAZINFORM office opened.",  # not at the start
        "Kazakhstan – the ninth largest country – hosted the forum.",  # a dash in a sentence
        "ASTANA. A ceremony was held.",  # one letter is not an agency tag
        "Astana – the capital – hosted the forum.",  # a mixed-case word before a dash
    ],
)
def test_sentences_are_not_datelines(first: str) -> None:
    text = parse_article_text(f" date 2020-02-02 Head line\n\n{first}")
    assert text.dateline is None and text.agency is None and text.lead_offset == 0


@pytest.mark.parametrize(
    ("byline", "date"),
    [
        ("10 December 2022, 14:13", "2022-12-10"),
        ("10 Dec 2022 14:13", "2022-12-10"),
        ("December 10, 2022", "2022-12-10"),
        ("Dec. 10, 2022, 2:13 PM", "2022-12-10"),
        ("14:13, 10 December 2022", "2022-12-10"),
        ("10.12.2022 14:13", "2022-12-10"),
        ("Published: 2022-12-10 14:13", "2022-12-10"),
        ("Saturday, 10 December 2022", "2022-12-10"),
    ],
)
def test_byline_date_forms(byline: str, date: str) -> None:
    text = parse_article_text(f"A headline about talks\n{byline}\n\nASTANA – Talks were held.")
    assert text.headline == "A headline about talks"
    assert text.date_published == dt.date.fromisoformat(date)


def test_a_byline_date_that_differs_from_the_header_date_is_a_warning() -> None:
    text = parse_article_text(" date 2022-12-11\nA headline about talks\n10 December 2022, 14:13\n\nASTANA – Talks.")
    assert text.date_published == dt.date(2022, 12, 11)
    assert [(w.kind, w.line) for w in text.warnings] == [(WarningKind.DATES_DIFFER, 3)]
    assert "10 December 2022, 14:13" in text.warnings[0].message


def test_an_unexplained_header_line_is_dropped_with_a_warning() -> None:
    text = parse_article_text(
        " date 2022-12-11 A headline about talks\nThe sides agreed on three points\n\nASTANA – Talks."
    )
    assert text.headline == "A headline about talks"
    assert text.body.startswith("ASTANA – ")
    assert [(w.kind, w.line) for w in text.warnings] == [(WarningKind.DROPPED_HEADER_LINE, 2)]


def test_a_headline_as_long_as_a_paragraph_is_a_warning() -> None:
    long = " ".join(["word"] * 25)
    text = parse_article_text(f" date 2022-12-11 {long}\n\nASTANA – Talks.")
    assert text.headline == long
    assert [(w.kind, w.line, str(w).split(":")[0]) for w in text.warnings] == [(WarningKind.LONG_HEADLINE, 1, "<text>")]


def test_short_paragraphs_after_a_headline_stay_in_the_body() -> None:
    text = parse_article_text(" date 2022-12-11 A headline\n\nShort first paragraph\n\nA second one, longer.")
    assert text.headline == "A headline"
    assert text.body == "Short first paragraph\n\nA second one, longer."
    assert text.warnings == ()
