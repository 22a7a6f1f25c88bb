"""Regression (issue 12, item 3): quotes matched inside words, and occurrences had to be counted by hand.

`Kazakh` was accepted inside "Kazakhstan"; `Austria` (occurrence 1) landed inside "Lower
Austria" with no word. Quotes now match whole words unless `whole_word: false`; a mention inside
another entity's mention of the same kind is a warning; `occurrence: all` and `after:`/`before:`
context pick occurrences without counting.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _fictional import HEAD, TEXT, write_article

from kzar_ld import load_article
from kzar_ld.diagnostics import WarningKind
from kzar_ld.errors import AnnotationError

BODY = TEXT.split("\n\n", 1)[1]


def places(*entries: str) -> str:
    return HEAD + "places:\n" + "".join(entries)


def place(pid: str, name: str, mentions: str) -> str:
    return f"  - id: {pid}\n    name: {name}\n    mentions: {mentions}\n"


def spans_of(folder: Path, entity: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in load_article(folder).spans if s.entity == entity]


def test_a_quote_inside_a_longer_word_is_refused_by_default(tmp_path: Path) -> None:
    folder = write_article(tmp_path, places(place("kazakhstan", "Kazakhstan", "[Kazakh]")))
    # "Kazakh" first occurs inside "Kazakhstan", but the whole word "Kazakh" comes later.
    assert spans_of(folder, "kazakhstan") == [(BODY.index("Kazakh pavilion"), BODY.index(" pavilion"))]
    folder = write_article(tmp_path, places(place("kz", "Kazakhstan", "[Kazak]")), name="b")
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    message = str(info.value)
    assert "occurs only inside longer words (first in 'Kazakhstan')" in message
    assert "whole_word: false" in message
    assert message.startswith(f"{folder / 'annotation.yaml'}:13:")


def test_whole_word_false_matches_inside_words(tmp_path: Path) -> None:
    folder = write_article(tmp_path, places(place("kz", "Kazakhstan", "[{quote: Kazak, whole_word: false}]")))
    start = BODY.index("Kazakhstan")
    assert spans_of(folder, "kz") == [(start, start + 5)]


def test_a_mention_inside_another_places_mention_is_a_warning(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path,
        places(
            place("austria", "Austria", "[{quote: Austria, occurrence: 2}]"),
            place("lower-austria", "Lower Austria", "[Lower Austria]"),
        ),
    )
    article = load_article(folder)
    assert [w.kind for w in article.warnings] == [WarningKind.NESTED_MENTION]
    warning = article.warnings[0]
    assert warning.line == 13 and warning.source == str(folder / "annotation.yaml")
    assert "'Austria' of 'austria'" in warning.message and "'Lower Austria'" in warning.message


def test_nested_true_says_the_nesting_is_meant(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path,
        places(
            place("austria", "Austria", "[{quote: Austria, occurrence: 2, nested: true}]"),
            place("lower-austria", "Lower Austria", "[Lower Austria]"),
        ),
    )
    assert load_article(folder).warnings == ()


def test_context_picks_the_occurrence_without_counting(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path,
        places(
            place("austria", "Austria", '[{quote: Austria, after: "agreed" }, {quote: Austria, before: " met"}]'),
        ),
    )
    with pytest.raises(AnnotationError, match="never right after 'agreed'"):
        load_article(folder)
    folder = write_article(
        tmp_path,
        places(place("austria", "Austria", '[{quote: Austria, before: " agreed"}, {quote: Austria, before: " met"}]')),
        name="b",
    )
    assert spans_of(folder, "austria") == [
        (BODY.index("Austria met"), BODY.index(" met")),
        (BODY.index("Austria agreed"), BODY.index(" agreed")),
    ]


def test_ambiguous_context_is_an_error_unless_an_occurrence_is_given(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path, places(place("austria", "Austria", '[{quote: Austria, after: "Kazakhstan and "}]'))
    )
    with pytest.raises(AnnotationError, match="occurs 2 times right after 'Kazakhstan and ': give more context"):
        load_article(folder)
    folder = write_article(
        tmp_path,
        places(place("austria", "Austria", '[{quote: Austria, after: "Kazakhstan and ", occurrence: 2}]')),
        name="b",
    )
    assert spans_of(folder, "austria") == [(BODY.index("Austria agreed"), BODY.index(" agreed"))]


def test_occurrence_all_mentions_every_whole_word_occurrence(tmp_path: Path) -> None:
    folder = write_article(tmp_path, places(place("austria", "Austria", "[{quote: Austria, occurrence: all}]")))
    starts = [s for s, _ in spans_of(folder, "austria")]
    assert starts == [BODY.index("Austria met"), BODY.index("Austria to"), BODY.index("Austria agreed")]
    folder = write_article(
        tmp_path,
        places(place("austria", "Austria", "[{quote: Austria, occurrence: all, before: ' agreed'}]")),
        name="b",
    )
    assert [s for s, _ in spans_of(folder, "austria")] == [BODY.index("Austria agreed")]


def test_occurrence_out_of_range_counts_whole_words(tmp_path: Path) -> None:
    folder = write_article(tmp_path, places(place("kz", "Kazakhstan", "[{quote: Kazakh, occurrence: 2}]")))
    with pytest.raises(AnnotationError, match=r"occurs 1 time\(s\) \(and 2 time\(s\) inside longer words\)"):
        load_article(folder)
