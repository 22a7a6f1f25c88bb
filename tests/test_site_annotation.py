"""The annotation fields search engines read: url/mainEntityOfPage, image, logo, sameAs, into RDF and JSON-LD."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kzar_ld import build_graph, load_article, validate
from kzar_ld.errors import AnnotationError
from kzar_ld.jsonld import to_embedded_jsonld
from kzar_ld.namespaces import SCHEMA
from kzar_ld.serialization import sorted_quads

BASE = "https://kzar.example/id/"

COMPLETE = """\
# FICTIONAL: made up for the test suite.
format: kzar-annotation/1
article:
  id: complete
  headline: Fictional agency opens a bureau
  date_published: 2024-05-01
  date_modified: 2024-05-02
  url: https://news.example/2024/05/01/bureau
  image: https://news.example/img/bureau-1200.jpg
  publisher: agency
  authors: [agency, ann-writer]
people:
  - id: ann-writer
    name: Ann Writer
    url: https://news.example/authors/ann-writer
    same_as: [https://profiles.example/ann-writer]
organizations:
  - id: agency
    kind: news-media
    name: Agency
    url: https://news.example/
    logo: https://news.example/logo.png
    same_as:
      - https://profiles.example/agency
      - https://other.example/agency
    mentions: [AGENCY]
"""


def _article(tmp_path: Path, annotation: str) -> Path:
    folder = tmp_path / "complete"
    folder.mkdir(exist_ok=True)
    (folder / "complete.txt").write_text("ASTANA. AGENCY A fictional agency opened a bureau.", encoding="utf-8")
    (folder / "annotation.yaml").write_text(annotation, encoding="utf-8")
    return folder


def test_every_web_field_becomes_its_schema_org_statement(tmp_path: Path) -> None:
    ds = build_graph(load_article(_article(tmp_path, COMPLETE)))
    article, agency, ann = (URIRef(BASE + p) for p in ("article/complete", "org/agency", "person/ann-writer"))
    page = URIRef("https://news.example/2024/05/01/bureau")
    assert (article, SCHEMA.url, page) in ds
    assert (article, SCHEMA.mainEntityOfPage, page) in ds
    assert (article, SCHEMA.image, URIRef("https://news.example/img/bureau-1200.jpg")) in ds
    assert (agency, SCHEMA.logo, URIRef("https://news.example/logo.png")) in ds
    assert (agency, SCHEMA.url, URIRef("https://news.example/")) in ds
    assert set(ds.objects(agency, SCHEMA.sameAs)) == {
        URIRef("https://profiles.example/agency"),
        URIRef("https://other.example/agency"),
    }
    assert (ann, SCHEMA.url, URIRef("https://news.example/authors/ann-writer")) in ds
    assert (ann, SCHEMA.sameAs, URIRef("https://profiles.example/ann-writer")) in ds


def test_an_article_with_every_field_draws_no_news_warning(tmp_path: Path) -> None:
    report = validate(build_graph(load_article(_article(tmp_path, COMPLETE))))
    assert report.conforms and not report.warnings, report.to_text()


def test_each_missing_field_draws_the_warning_that_names_it(tmp_path: Path) -> None:
    bare = "\n".join(
        line
        for line in COMPLETE.splitlines()
        if not line.strip().startswith(("url:", "logo:", "image:", "date_modified:"))
    )
    report = validate(build_graph(load_article(_article(tmp_path, bare + "\n"))))
    found = {r.source_shape.rsplit("#", 1)[1]: r.message for r in report.warnings}
    assert set(found) == {
        "NewsUrl", "NewsImage", "NewsDateModified", "NewsAuthorUrl", "NewsPublisherUrl", "NewsPublisherLogo",
    }  # fmt: skip
    assert "`url:` under `article:`" in found["NewsUrl"]
    assert "`image:` under `article:`" in found["NewsImage"]
    assert "`logo:` on the publisher" in found["NewsPublisherLogo"]


def test_the_embedded_document_carries_what_search_engines_read(tmp_path: Path) -> None:
    ds = build_graph(load_article(_article(tmp_path, COMPLETE)))
    doc = to_embedded_jsonld(sorted_quads(ds, graphs=False), URIRef(BASE + "article/complete"))
    assert doc["url"] == doc["mainEntityOfPage"] == "https://news.example/2024/05/01/bureau"
    assert doc["image"] == "https://news.example/img/bureau-1200.jpg"
    assert doc["datePublished"] == "2024-05-01" and doc["dateModified"] == "2024-05-02"
    assert doc["publisher"]["logo"] == "https://news.example/logo.png"
    assert doc["publisher"]["url"] == "https://news.example/"
    assert sorted(doc["publisher"]["sameAs"]) == ["https://other.example/agency", "https://profiles.example/agency"]
    authors = {a["name"]: a for a in doc["author"]}
    assert set(authors) == {"Agency", "Ann Writer"}
    assert authors["Ann Writer"]["url"] == "https://news.example/authors/ann-writer"
    assert authors["Agency"]["logo"] == "https://news.example/logo.png"  # nested in full in both places


@pytest.mark.parametrize(
    ("line", "value", "message"),
    [
        (
            "  url: https://news.example/2024/05/01/bureau",
            "ftp://news.example/a",
            "must start with https:// or http://",
        ),
        ("  image: https://news.example/img/bureau-1200.jpg", "https://news.example/a b.jpg", "cannot contain spaces"),
        ("    logo: https://news.example/logo.png", "logo.png", "must start with https:// or http://"),
        ("    url: https://news.example/authors/ann-writer", "https:///nohost", "must start with https:// or http://"),
    ],
)
def test_a_bad_web_address_is_reported_with_its_file_and_line(
    tmp_path: Path, line: str, value: str, message: str
) -> None:
    assert line in COMPLETE.splitlines()
    key = line.split(":", 1)[0]
    broken = COMPLETE.replace(line, f"{key}: {value!r}".replace("'", '"'))
    lineno = COMPLETE.splitlines().index(line) + 1
    with pytest.raises(AnnotationError) as caught:
        load_article(_article(tmp_path, broken))
    text = str(caught.value)
    assert text.startswith(f"{tmp_path / 'complete' / 'annotation.yaml'}:{lineno}: ")
    assert message in text and value in text


def test_embedding_an_article_that_is_not_in_the_graph_is_bad_input(tmp_path: Path) -> None:
    from kzar_ld.errors import InputError

    ds = build_graph(load_article(_article(tmp_path, COMPLETE)))
    with pytest.raises(InputError, match="no statements about the article"):
        to_embedded_jsonld(sorted_quads(ds, graphs=False), URIRef(BASE + "article/elsewhere"))
