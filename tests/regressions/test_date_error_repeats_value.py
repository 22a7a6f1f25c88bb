"""Regression (issue 12, item 10): a date error showed its value twice.

`date must be YYYY-MM-DD, not '24/08/2023' (got '24/08/2023')`: the value is said once now, and an
impossible day says it is not a calendar date.
"""

from __future__ import annotations

import pytest

from kzar_ld.annotation import parse_annotation
from kzar_ld.errors import AnnotationError


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("24/08/2023", "<annotation>:3: article.date_published: date must be YYYY-MM-DD, not '24/08/2023'"),
        ("2023-02-30", "<annotation>:3: article.date_published: '2023-02-30' is not a calendar date"),
    ],
)
def test_a_bad_date_is_quoted_once(value: str, message: str) -> None:
    with pytest.raises(AnnotationError) as info:
        parse_annotation(f"article:\n  publisher: p\n  date_published: {value}\n")
    assert str(info.value) == message
    assert str(info.value).count(value) == 1
