"""Regression (issue 12, item 7): a file with three mistakes reported only the first.

All errors of an annotation come in one pass (up to a limit), each with file:line; a missing
field is named, and a stray key gets "did you mean ...?".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _fictional import HEAD, write_article

from kzar_ld import load_article
from kzar_ld.errors import AnnotationError, AnnotationErrors

THREE_MISTAKES = (
    HEAD
    + """\
people:
  - id: officials
    mentions: [Officials]
  - id: delegation-head
    name: Head of the delegation
    roles:
      - id: head
        name: Head of the delegation
        organisation: kazinform
places:
  - id: austria
    name: Austria
    mentions: [Austrai]
"""
)


def test_three_mistakes_are_three_errors_each_with_its_line(tmp_path: Path) -> None:
    folder = write_article(tmp_path, THREE_MISTAKES)
    # The shape of the file is checked first (nothing can be resolved before it is well-formed).
    with pytest.raises(AnnotationErrors) as info:
        load_article(folder)
    path = folder / "annotation.yaml"
    assert [str(e) for e in info.value.errors] == [
        f"{path}:16: people[1].roles[0] (id 'head'): missing field 'organization'",
        f"{path}:18: people[1].roles[0] (id 'head'): unknown key 'organisation' (did you mean 'organization'?)",
    ]
    assert str(info.value).splitlines() == [str(e) for e in info.value.errors]
    assert info.value.exit_code == 2
    # With the key fixed, the missing name, the unknown id and the bad quote come together.
    fixed = THREE_MISTAKES.replace(
        "        organisation: kazinform\n", "        organization: kazinform\n    nationality: austira\n"
    )
    folder = write_article(tmp_path, fixed, name="b")
    with pytest.raises(AnnotationErrors) as info:
        load_article(folder)
    path = folder / "annotation.yaml"
    assert [str(e) for e in info.value.errors] == [
        f"{path}:11: people[0] (id 'officials'): missing field 'name' (or declare 'officials' in the shared entities.yaml, "
        "or `unnamed: true` for a person known only by a role)",
        f"{path}:19: unknown id 'austira': no entity has this id (did you mean 'austria'?)",
        f"{path}:23: quote 'Austrai' not found in the article body (quotes are case-sensitive)",
    ]


def test_the_number_of_errors_is_capped(tmp_path: Path) -> None:
    people = "".join(f"  - name: P{n}\n" for n in range(30))
    folder = write_article(tmp_path, HEAD + "people:\n" + people)
    with pytest.raises(AnnotationErrors) as info:
        load_article(folder, max_errors=5)
    assert len(info.value.errors) == 5 and info.value.total == 30
    assert str(info.value).splitlines()[-1].endswith("25 more error(s) not shown (limit 5)")
    with pytest.raises(AnnotationErrors) as info:
        load_article(folder)
    assert len(info.value.errors) == 20


def test_a_single_error_is_a_plain_annotation_error(tmp_path: Path) -> None:
    folder = write_article(tmp_path, HEAD + "plcaes: []\n")
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    assert not isinstance(info.value, AnnotationErrors)
    assert (
        str(info.value) == f"{folder / 'annotation.yaml'}:10: annotation: unknown key 'plcaes' (did you mean 'places'?)"
    )


def test_a_misspelt_kind_gets_the_nearest_kind(tmp_path: Path) -> None:
    folder = write_article(tmp_path, HEAD + "places:\n  - id: austria\n    kind: contry\n    name: Austria\n")
    with pytest.raises(AnnotationError) as info:
        load_article(folder)
    assert str(info.value).endswith("(got 'contry'); did you mean 'country'?")


def test_keys_given_twice_are_reported_with_the_rest(tmp_path: Path) -> None:
    folder = write_article(
        tmp_path, HEAD + "places:\n  - id: austria\n    name: Austria\n    name: Österreich\n    kind: contry\n"
    )
    with pytest.raises(AnnotationErrors) as info:
        load_article(folder)
    path = folder / "annotation.yaml"
    assert [str(e) for e in info.value.errors] == [
        f"{path}:13: key 'name' given twice (first on line 12)",
        f"{path}:14: places[0].kind: Input should be 'place', 'country', 'city', 'continent', "
        "'administrative-area' or 'consular-district' (got 'contry'); did you mean 'country'?",
    ]
