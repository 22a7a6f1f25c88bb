"""Regression (issue 12, item 2): an abbreviation in the first sentence lost the dateline.

`ASTANA. KAZINFORM A ceremony … in St. Pölten town.` and `ASTANA. KAZINFORM Mr. Smith arrived.`
gave no dateline: the place pattern ran on to the abbreviation. The first `CITY. AGENCY` wins.
"""

from __future__ import annotations

import pytest

from kzar_ld.article import parse_article_text


@pytest.mark.parametrize(
    ("body", "lead"),
    [
        ("ASTANA. KAZINFORM A ceremony was held in St. Pölten town.", "A ceremony"),
        ("ASTANA. KAZINFORM Mr. Smith arrived.", "Mr. Smith"),
        ("ASTANA. KAZINFORM Dr. Inventova met Mr. Fictionov in St. Gallen. They talked.", "Dr. Inventova"),
    ],
)
def test_first_city_agency_wins(body: str, lead: str) -> None:
    text = parse_article_text(f" date 2018-03-02 Head line\n\n{body}")
    assert (text.dateline, text.agency, text.agency_span) == ("ASTANA", "KAZINFORM", (8, 17))
    assert text.body[text.lead_offset :].startswith(lead)
