"""Article text parsing: the header, the body, the dateline, real-world variants and bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kzar_ld.article import parse_article_text, read_article_text
from kzar_ld.errors import ArticleError

SEED = Path("examples/kazinform-2023-08-24/000_b748ee61ec8ac40c.txt")
PARAGRAPHS = [
    (0, 178),
    (180, 487),
    (489, 819),
    (821, 1207),
    (1209, 1645),
    (1647, 2115),
    (2117, 2630),
]


def test_seed_header_body_and_dateline_match_the_reference_figures() -> None:
    text = read_article_text(SEED)
    assert text.date_published == dt.date(2023, 8, 24)
    assert text.headline == "Kazakhstan and Argentina strengthen bilateral cooperation"
    assert len(text.body) == 2630
    assert SEED.read_text(encoding="utf-8")[76:] == text.body
    assert (text.dateline, text.agency, text.agency_span, text.lead_offset) == (
        "BUENOS AIRES",
        "KAZINFORM",
        (14, 23),
        24,
    )
    starts = [0] + [i + 2 for i in range(len(text.body)) if text.body.startswith("\n\n", i)]
    assert [
        (s, text.body.find("\n\n", s) if text.body.find("\n\n", s) >= 0 else len(text.body)) for s in starts
    ] == PARAGRAPHS
    assert text.missing == ()


@pytest.mark.parametrize(
    ("raw", "body"),
    [
        ("\ufeff date 2023-08-24 Head\n\nBODY. AG Text.", "BODY. AG Text."),  # BOM
        (" date 2023-08-24 Head\r\n\r\nBODY. AG One.\r\n\r\nTwo.", "BODY. AG One.\n\nTwo."),  # CRLF
        (" date 2023-08-24 Head   \n\nBODY. AG One.  \n\n", "BODY. AG One."),  # trailing spaces
        ("date 2023-08-24 Head\n\n\n\nBODY. AG One.", "BODY. AG One."),  # extra blank lines
        (" date 2023-08-24 Head\rBODY. AG One.", "BODY. AG One."),  # lone CR
    ],
)
def test_variants_of_real_files_parse_to_the_same_body(raw: str, body: str) -> None:
    text = parse_article_text(raw.encode("utf-8"))
    assert text.body == body
    assert text.headline == "Head"
    assert text.date_published == dt.date(2023, 8, 24)


def test_no_header_line_keeps_everything_as_body_and_says_what_is_missing() -> None:
    text = parse_article_text("ASTANA. KAZINFORM Something happened.\n\nMore.")
    assert text.headline is None and text.date_published is None
    assert text.body.startswith("ASTANA.")
    assert text.dateline == "ASTANA"
    assert text.missing == ("date", "headline")


def test_no_dateline() -> None:
    text = parse_article_text(" date 2023-08-24 Head\n\nThe minister said hello.")
    assert text.dateline is None and text.agency is None and text.lead_offset == 0
    assert text.missing == ("dateline",)


def test_non_ascii_dateline_and_nfc_normalisation() -> None:
    text = parse_article_text("MÉXICO. KAZINFORM Jose\u0301 arrived.")
    assert text.dateline == "MÉXICO"
    assert "José" in text.body  # NFD input becomes NFC


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty article", None),
        (b"   \n\n  \n", "empty article", None),
        (b"abc\n\x00\x01binary", "binary data", 2),
        (b"line one\nbad \xff byte", "not UTF-8: byte 0xff at byte offset 13", 2),
        (b" date 2023-02-30 Head\n\nBody.", "not a calendar date", 1),
        (b" date 23-02-01 Head\n\nBody.", "is not YYYY-MM-DD", 1),
        (b" date 2023-02-01 Head\n\n", "header line but no body", 1),
        (b"text with a bell \x07 inside", "control character U+0007", 1),
    ],
)
def test_what_cannot_be_an_article_is_refused_with_file_and_line(
    tmp_path: Path, data: bytes, message: str, line: int | None
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleError) as info:
        read_article_text(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path) + (f":{line}:" if line else ":"))
    assert info.value.exit_code == 2


def test_size_cap_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(ArticleError, match="over the limit of 1,024 bytes"):
        read_article_text(path, max_bytes=1024)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="article text not found"):
        read_article_text(tmp_path / "nope.txt")
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article_text(tmp_path)
