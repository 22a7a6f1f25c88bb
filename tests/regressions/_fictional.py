"""Small fictional article directories for the regression tests (the texts are invented)."""

from __future__ import annotations

from pathlib import Path

TEXT = (
    " date 2022-05-05 Kazakh and Austrian officials meet in Vienna\n\n"
    "VIENNA. KAZINFORM Officials of Kazakhstan and Austria met in Vienna. The delegation invited "
    "guests from Lower Austria to the Kazakh pavilion. Kazakhstan and Austria agreed to meet again.\n\n"
    "This article is fictional."
)

HEAD = """\
# FICTIONAL: a made-up article for the regression tests.
format: kzar-annotation/1
article:
  publisher: kazinform
organizations:
  - id: kazinform
    kind: news-media
    name: Kazinform
    mentions: [KAZINFORM]
"""


def write_article(folder: Path, annotation: str, *, text: str = TEXT, name: str = "fictional-article") -> Path:
    """Write an article directory (text + annotation) under ``folder`` and return it."""
    target = folder / name
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{name}.txt").write_text(text, encoding="utf-8")
    (target / "annotation.yaml").write_text(annotation, encoding="utf-8")
    return target
