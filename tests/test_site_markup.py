"""Marking mentions in the body: nesting, identical spans, crossings and paragraph breaks stay valid HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import html5lib
import pytest
from rdflib import URIRef

from kzar_ld.web.corpus import MentionView
from kzar_ld.web.markup import mark_body, paragraphs


def _m(start: int, end: int, body: str, entity: str) -> MentionView:
    return MentionView(
        URIRef(f"urn:ex:m/{start}-{end}-{entity}"), URIRef(f"urn:ex:{entity}"), start, end, body[start:end], "", ""
    )


def _link(node: object) -> tuple[str, str]:
    name = str(node).rsplit(":", 1)[-1]
    return f"{name}.html", name


def _fragment(html: str) -> ET.Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parseFragment(html)


def _marks(root: ET.Element) -> list[ET.Element]:
    return [m for m in root.iter("mark")]


def _text(e: ET.Element) -> str:
    return "".join(e.itertext())


def _no_nested_links(root: ET.Element) -> None:
    for a in root.iter("a"):
        assert not list(a.iter("a"))[1:], "a link inside a link"


def test_nested_mentions_each_keep_their_words_and_their_link() -> None:
    body = "Director of the Kazakh Cultural Center in Rosario spoke."
    role = _m(0, 49, body, "role")
    org = _m(16, 49, body, "org")
    city = _m(42, 49, body, "city")
    root = _fragment(mark_body(body, [city, role, org], _link))
    marks = {m.get("data-entity"): m for m in _marks(root)}
    assert {k: _text(v) for k, v in marks.items()} == {
        "urn:ex:role": "Director of the Kazakh Cultural Center in Rosario",
        "urn:ex:org": "Kazakh Cultural Center in Rosario",
        "urn:ex:city": "Rosario",
    }
    # Each mark's own words (not covered by an inner mention) link to its entity.
    assert [a.get("href") for a in root.iter("a")] == ["role.html", "org.html", "city.html"]
    _no_nested_links(root)
    assert _text(root) == body


def test_two_entities_on_the_same_words_both_get_a_link() -> None:
    body = "The host country agreed."
    a, b = _m(4, 16, body, "argentina"), _m(4, 16, body, "host")
    root = _fragment(mark_body(body, [a, b], _link))
    marks = _marks(root)
    assert len(marks) == 2 and all(_text(m) == "host country" for m in marks)
    assert sorted(a.get("href", "") for a in root.iter("a")) == ["argentina.html", "host.html"]
    assert len(root.findall(".//sup")) == 1  # the outer mark's link sits just after it
    _no_nested_links(root)


def test_a_crossing_mention_is_split_into_parts_with_their_own_offsets() -> None:
    body = "New York City Hall"
    first, second = _m(0, 13, body, "city"), _m(9, 18, body, "hall")
    root = _fragment(mark_body(body, [first, second], _link))
    parts = [m for m in _marks(root) if m.get("data-entity") == "urn:ex:hall"]
    assert [m.get("data-part") for m in parts] == ["1", "2"]
    for m in _marks(root):
        assert _text(m) == body[int(m.get("data-start", "")) : int(m.get("data-end", ""))]
    assert [m.get("id") for m in parts] == [second.anchor, None]  # one anchor per mention
    assert _text(root) == body


def test_a_mention_across_a_paragraph_break_is_split_at_the_break() -> None:
    body = "first line ends\n\nsecond starts"
    span = _m(11, 23, body, "x")
    root = _fragment(mark_body(body, [span], _link))
    ps = root.findall("p")
    assert [_text(p) for p in ps] == ["first line ends", "second starts"]
    parts = _marks(root)
    assert [(m.get("data-start"), m.get("data-end"), m.get("data-part")) for m in parts] == [
        ("11", "15", "1"),
        ("17", "23", "2"),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("one", [(0, 3)]),
        ("one\n\ntwo\n\n\nthree", [(0, 3), (5, 8), (11, 16)]),
        ("one\ntwo", [(0, 7)]),
        ("\n\none\n\n", [(2, 5)]),
        ("", []),
    ],
)
def test_paragraphs_are_the_runs_between_blank_lines(body: str, expected: list[tuple[int, int]]) -> None:
    assert paragraphs(body) == expected


def test_markup_characters_in_the_body_are_escaped() -> None:
    body = "a <b> & </p> c"
    span = _m(2, 5, body, "tag")
    html = mark_body(body, [span], _link)
    assert "&lt;b&gt;" in html and "&amp;" in html and "&lt;/p&gt;" in html
    root = _fragment(html)
    assert _text(root) == body and _text(_marks(root)[0]) == "<b>"
