"""The static site: paths mirror the IRIs, valid HTML5, mentions at their offsets, embedded JSON-LD."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import html5lib
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from typer.testing import CliRunner

from kzar_ld import build_graph, load_article
from kzar_ld.cli import app
from kzar_ld.errors import InputError, OutputError
from kzar_ld.namespaces import OA, RDF, SCHEMA, XSD
from kzar_ld.resources import schemaorg_context
from kzar_ld.web import GENERATOR, LAYOUT, build_site

EXAMPLE = "examples/kazinform-2023-08-24"
FICTIONAL = "tests/data/articles/fictional-round-table"
BASE = "https://kzar.example/id/"
ARTICLE = URIRef(BASE + "article/000_b748ee61ec8ac40c")
ARTICLE_DIR = "article/000_b748ee61ec8ac40c"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_graph([load_article(EXAMPLE), load_article(FICTIONAL)])


@pytest.fixture(scope="module")
def site(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    build_site(dataset, out, base=BASE)
    return out


def _parse(path: Path) -> ET.Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"unexpected context fetch: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": schemaorg_context()}


def _expand(doc: Any) -> Graph:
    from pyld import jsonld

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _offline_loader})
    return Graph().parse(data=nquads, format="nt")


# -- layout ------------------------------------------------------------------------------------


def test_every_iri_under_the_base_has_its_four_documents(dataset: Dataset, site: Path) -> None:
    subjects = {str(s).split("#", 1)[0] for s in dataset.subjects() if str(s).startswith(BASE)}
    assert len(subjects) > 100
    for iri in subjects:
        path = iri[len(BASE) :]
        for media_type in LAYOUT.documents:
            assert (site / LAYOUT.document(path, media_type)).is_file(), (iri, media_type)


def test_index_pages_do_not_collide_with_type_segments(site: Path) -> None:
    assert (
        (site / "index.html").is_file() and (site / LAYOUT.stylesheet).is_file() and (site / LAYOUT.not_found).is_file()
    )
    for folder in LAYOUT.indexes:
        assert (site / folder / "index.html").is_file()
    segments = {p.name for p in site.iterdir() if p.is_dir()} - set(LAYOUT.indexes)
    assert segments == {"article", "event", "group", "occupation", "org", "person", "place", "relation", "role"}


def test_a_person_document_holds_that_person(site: Path) -> None:
    person = URIRef(BASE + "person/kairat-umarov")
    ttl = Graph().parse(site / "person/kairat-umarov/index.ttl", format="turtle")
    nt = Graph().parse(site / "person/kairat-umarov/index.nt", format="nt")
    assert isomorphic(ttl, nt)
    assert set(ttl.subjects()) == {person}
    assert (person, SCHEMA.name, Literal("Kairat Umarov")) in ttl
    assert isomorphic(_expand(json.loads((site / "person/kairat-umarov/index.jsonld").read_bytes())), ttl)


def test_a_fragment_belongs_to_the_document_before_the_hash(site: Path) -> None:
    g = Graph().parse(site / "place/kazakhstan/index.ttl", format="turtle")
    code = URIRef(BASE + "place/kazakhstan#iso3166-1-alpha-2")
    assert (code, SCHEMA.value, Literal("KZ")) in g
    assert not (site / "place/kazakhstan#iso3166-1-alpha-2").exists()


def test_the_article_documents_are_its_whole_named_graph(dataset: Dataset, site: Path) -> None:
    named = dataset.graph(ARTICLE)
    assert isomorphic(Graph().parse(site / ARTICLE_DIR / "index.ttl", format="turtle"), named)
    assert isomorphic(_expand(json.loads((site / ARTICLE_DIR / "index.jsonld").read_bytes())), named)


# -- HTML --------------------------------------------------------------------------------------


def test_every_page_is_valid_accessible_static_html5(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        doc = _parse(page)  # strict: any parse error raises
        assert doc.get("lang"), page
        head = doc.find("head")
        assert head is not None
        assert head.find("meta[@name='viewport']") is not None, page
        assert head.find("meta[@name='generator']").get("content") == GENERATOR  # type: ignore[union-attr]
        assert head.findtext("title"), page
        body = doc.find("body")
        assert body is not None
        assert len(body.findall(".//main")) == 1 and body.find(".//nav") is not None, page
        assert len(body.findall(".//h1")) == 1, page
        for script in doc.iter("script"):
            assert script.get("type") == "application/ld+json", page
        for img in doc.iter("img"):
            assert img.get("alt"), page
        for link in doc.iter("link"):
            href = link.get("href", "")
            assert "://" not in href, (page, href)  # no CDN, no remote font or stylesheet
        for a in doc.iter("a"):
            href = a.get("href", "")
            if "://" in href:
                continue
            if page.name == LAYOUT.not_found and not href.startswith("#"):
                # Served at any depth: its links start from the base's path.
                assert href.startswith("/id/"), href
                assert (site / href.removeprefix("/id/").split("#", 1)[0]).is_file(), href
                continue
            local = href.split("#", 1)[0]
            if local:
                assert (page.parent / local).resolve().is_file(), (page, href)


def test_article_page_marks_every_mention_at_its_offsets(dataset: Dataset, site: Path) -> None:
    named = dataset.graph(ARTICLE)
    body = str(named.value(ARTICLE, SCHEMA.articleBody))
    annotations = set(named.subjects(RDF.type, OA.Annotation))
    doc = _parse(site / ARTICLE_DIR / "index.html")
    marks = [m for m in doc.iter("mark") if m.get("data-mention")]
    seen = set()
    for mark in marks:
        start, end = int(mark.get("data-start", "")), int(mark.get("data-end", ""))
        assert _text(mark) == body[start:end]
        mention = URIRef(mark.get("data-mention", ""))
        assert mention in annotations
        entity = named.value(mention, OA.hasBody)
        assert mark.get("data-entity") == str(entity)
        if mark.get("data-part") is None:
            # The annotation's own selector gives the same offsets.
            target = named.value(mention, OA.hasTarget)
            offsets = {
                (int(named.value(sel, OA.start)), int(named.value(sel, OA.end)))  # type: ignore[arg-type]
                for sel in named.objects(target, OA.hasSelector)
                if (sel, RDF.type, OA.TextPositionSelector) in named
            }
            assert offsets == {(start, end)}
            assert mark.get("id") == "mention-" + str(mention).rsplit("/", 1)[-1]
        seen.add(mention)
    assert seen == annotations
    # The words of each mark link to its entity's page.
    kazakhstan = next(m for m in marks if m.get("data-start") == "57")
    assert [a.get("href") for a in kazakhstan.iter("a")] == ["../../place/kazakhstan/index.html"]
    section = next(s for s in doc.iter("section") if s.get("class") == "body")
    paragraphs = [p for p in section if p.tag == "p"]
    assert [(int(p.get("data-start", "")), int(p.get("data-end", ""))) for p in paragraphs] == [
        (0, 178),
        (180, 487),
        (489, 819),
        (821, 1207),
        (1209, 1645),
        (1647, 2115),
        (2117, 2630),
    ]
    assert "\n\n".join(_text(p) for p in paragraphs) == body


def test_article_page_lists_the_story_and_its_derived_facts(site: Path) -> None:
    doc = _parse(site / ARTICLE_DIR / "index.html")
    main = doc.find(".//main")
    assert main is not None
    assert main.findtext(".//h1") == "Kazakhstan and Argentina strengthen bilateral cooperation"
    headings = [_text(h) for h in main.iter("h3")]
    assert headings == ["People", "Organisations", "Places", "Events", "Other"]
    text = _text(main)
    assert "2023-08-24" in text and "BUENOS AIRES" in text
    facts = main.find(".//dl[@class='facts']")
    assert facts is not None
    reasons = [_text(dd) for dd in facts.iter("dd")]
    assert any("en-dash apposition" in r for r in reasons)
    assert any("1993" in r for r in reasons)  # the established year, derived from the anniversary
    alternates = {link.get("type"): link.get("href") for link in doc.iter("link") if link.get("rel") == "alternate"}
    assert alternates == {
        "text/turtle": "index.ttl",
        "application/ld+json": "index.jsonld",
        "application/n-triples": "index.nt",
    }


def test_entity_page_links_each_statement_to_its_supporting_mention(site: Path) -> None:
    doc = _parse(site / "person/kairat-umarov/index.html")
    main = doc.find(".//main")
    assert main is not None and main.findtext(".//h1") == "Kairat Umarov"
    statements = main.find(".//ul[@class='statements']")
    assert statements is not None
    items = {(_text(li.find("span")),): li for li in statements.findall("li")}  # type: ignore[arg-type]
    verbs = {v for (v,) in items}
    assert {"nationality", "works for", "attended", "given name"} <= verbs
    nationality = items[("nationality",)]
    quote = nationality.find(".//q")
    assert quote is not None and "Kazakhstan" in _text(quote)
    assert "derived: He holds a national government office" in _text(nationality)
    hrefs = [a.get("href", "") for a in nationality.iter("a")]
    assert any(h.startswith("../../" + ARTICLE_DIR + "/index.html#mention-") for h in hrefs)
    mentioned = main.find(".//ul[@class='mentioned']")
    assert mentioned is not None
    anchors = [a.get("href") for a in mentioned.iter("a")]
    assert f"../../{ARTICLE_DIR}/index.html#mention-68-81" in anchors
    assert f"../../{ARTICLE_DIR}/index.html#mention-180-182" in anchors


def test_a_mention_iri_has_a_small_page_pointing_at_the_words(site: Path) -> None:
    page = site / ARTICLE_DIR / "mention/68-81/index.html"
    doc = _parse(page)
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "../../../../article/000_b748ee61ec8ac40c/index.html#mention-68-81" in hrefs
    assert "../../../../person/kairat-umarov/index.html" in hrefs
    g = Graph().parse(site / ARTICLE_DIR / "mention/68-81/index.ttl", format="turtle")
    assert (URIRef(BASE + ARTICLE_DIR + "/mention/68-81"), RDF.type, OA.Annotation) in g


def test_index_pages_list_articles_people_and_a_timeline(site: Path) -> None:
    home = _parse(site / "index.html")
    items = home.findall(".//ol[@class='articles']/li")
    assert [i.findtext("time") for i in items] == ["2024-03-15", "2023-08-24"]  # newest first
    people = _parse(site / "people/index.html")
    names = [a.text for a in people.iter("a") if a.get("href", "").startswith("../person/")]
    assert "Kairat Umarov" in names and names == sorted(names, key=str.casefold)
    places = _text(_parse(site / "places/index.html"))
    assert "Rosario" in places and "Kairat Umarov" not in places
    timeline = _parse(site / "events/index.html")
    days = [h.findtext("time") for h in timeline.iter("h2")]
    assert days == ["2024-03-15", "2023-08-24"]
    assert "Working visit of Kairat Umarov to Argentina" in _text(timeline)


# -- embedded JSON-LD --------------------------------------------------------------------------


def _closure(graph: Graph, root: URIRef) -> Graph:
    """What the embedded document holds: everything reachable from the article going forward."""
    out, queue, seen = Graph(), [root], {root}
    for s in queue:
        for p, o in graph.predicate_objects(s):
            out.add((s, p, o))
            if not isinstance(o, Literal) and o not in seen:
                seen.add(o)
                queue.append(o)
    return out


def _embedded(page: Path) -> dict[str, Any]:
    scripts = [s for s in _parse(page).iter("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0].text or "")
    return data


def test_extruct_reads_one_news_article_with_the_fields_search_engines_use(site: Path) -> None:
    import extruct

    html = (site / ARTICLE_DIR / "index.html").read_text(encoding="utf-8")
    found = extruct.extract(html, base_url=str(ARTICLE), syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(found) == 1
    article = found[0]
    assert article["@context"] == "https://schema.org"
    assert "NewsArticle" in article["@type"]
    assert article["headline"] == "Kazakhstan and Argentina strengthen bilateral cooperation"
    assert article["datePublished"] == "2023-08-24"
    assert article["author"]["name"] == "Kazinform"
    assert article["publisher"]["name"] == "Kazinform"


def test_embedded_jsonld_expands_to_the_article_graph_reachable_from_it(dataset: Dataset, site: Path) -> None:
    named = dataset.graph(ARTICLE)
    expanded = _expand(_embedded(site / ARTICLE_DIR / "index.html"))
    # schema.org's context types datePublished and dateModified schema:Date; ours are xsd:date.
    for s, p, o in list(expanded):
        if isinstance(o, Literal) and o.datatype == SCHEMA.Date:
            expanded.remove((s, p, o))
            expanded.add((s, p, Literal(str(o), datatype=XSD.date)))
    expected = _closure(named, ARTICLE)
    if not isomorphic(expanded, expected):
        _, extra, missing = graph_diff(expanded, expected)
        pytest.fail(f"extra: {sorted(extra)[:5]}\nmissing: {sorted(missing)[:5]}")
    # Left out: only the mentions' provenance and the reified derived statements.
    left_out = {s for s in set(named.subjects()) - set(expected.subjects())}
    kinds = {o for s in left_out for o in named.objects(s, RDF.type)}
    assert kinds <= {OA.Annotation, OA.SpecificResource, OA.TextPositionSelector, OA.TextQuoteSelector, RDF.Statement}


def _tricky_article(tmp_path: Path) -> Path:
    folder = tmp_path / "tricky"
    folder.mkdir()
    (folder / "tricky.txt").write_text(
        "ASTANA. KAZINFORM A fictional test said </script><!-- and & then -->.", encoding="utf-8"
    )
    (folder / "annotation.yaml").write_text(
        "# FICTIONAL: made up for the test suite.\n"
        "format: kzar-annotation/1\n"
        "article:\n"
        "  headline: 'Fictional </script><script>alert(1)</script> <!-- & test'\n"
        "  date_published: 2024-01-02\n"
        "  publisher: agency\n"
        "  authors: [agency]\n"
        "organizations:\n"
        "  - id: agency\n"
        "    kind: news-media\n"
        "    name: 'Agency </script> & <!--'\n"
        "    mentions: [KAZINFORM]\n"
        "  - id: tag\n"
        "    name: a script tag\n"
        "    mentions: ['</script><!--']\n",
        encoding="utf-8",
    )
    return folder


def test_literals_cannot_break_out_of_the_embedded_script(tmp_path: Path) -> None:
    import extruct

    out = tmp_path / "site"
    build_site(build_graph(load_article(_tricky_article(tmp_path))), out)
    page = out / "article/tricky/index.html"
    html = page.read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">')
    script = html[start : html.index("</script>", start)]
    assert "<" not in script[len('<script type="application/ld+json">') :] and "&" not in script
    doc = _embedded(page)  # the strict parser sees one script, the JSON intact
    assert doc["headline"] == "Fictional </script><script>alert(1)</script> <!-- & test"
    assert doc["publisher"]["name"] == "Agency </script> & <!--"
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert [d["headline"] for d in found] == [doc["headline"]]
    marks = [m for m in _parse(page).iter("mark") if m.get("data-mention")]
    assert "</script><!--" in [_text(m) for m in marks]


# -- determinism and writing -------------------------------------------------------------------


def test_the_site_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "4242"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "kzar_ld", "site", EXAMPLE, FICTIONAL, "-o", str(out)],
            env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        trees.append(_tree(out))
    assert trees[0] == trees[1]
    assert len(trees[0]) > 400


def test_an_existing_site_is_replaced_whole(dataset: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_site(build_graph(load_article(FICTIONAL)), out)
    assert (out / "article/fictional-round-table/index.html").is_file()
    build_site(dataset.graph(ARTICLE) and build_graph(load_article(EXAMPLE)), out)
    assert not (out / "article/fictional-round-table").exists()
    assert (out / ARTICLE_DIR / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no staging folder left


def test_a_folder_that_holds_something_else_is_refused(dataset: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError, match="not empty and holds no kzar-ld site"):
        build_site(dataset, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_base_without_articles_is_bad_input(dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape("no schema:NewsArticle under the base https://other.example/id/")):
        build_site(dataset, tmp_path / "out", base="https://other.example/id/")
    assert not (tmp_path / "out").exists()


def test_cli_site_writes_and_reports(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "public"
    result = runner.invoke(app, ["site", EXAMPLE, "-o", str(out), "--base", "https://data.example.org/id/"])
    assert result.exit_code == 0, result.output
    assert "1 of 1 article (" in result.stderr and "resources," in result.stderr
    assert (out / "person/kairat-umarov/index.html").is_file()
    ttl = (out / "person/kairat-umarov/index.ttl").read_text(encoding="utf-8")
    assert "https://data.example.org/id/person/kairat-umarov" in ttl
    refused = runner.invoke(app, ["site", EXAMPLE, "-o", str(tmp_path / "public" / "person" / "kairat-umarov")])
    assert refused.exit_code == 2
    errors = [line for line in refused.stderr.splitlines() if not line.startswith("kzar-ld: warning:")]
    assert len(errors) == 1 and "refusing to replace" in errors[0]  # one error line (and the SHACL warnings)
    missing = runner.invoke(app, ["site", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x")])
    assert missing.exit_code == 2 and not (tmp_path / "x").exists()


def test_the_python_example_in_the_web_docs_runs() -> None:
    text = Path("docs/web.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    done = subprocess.run([sys.executable, "-c", blocks[0]], capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    articles, resources, files = (int(x) for x in done.stdout.split())
    # Four documents per resource, plus the home, 404 and index pages and the stylesheet.
    assert articles == 1 and resources > 100 and files == 4 * resources + 3 + len(LAYOUT.indexes)


def test_per_article_graphs_make_the_same_site_as_the_dataset(dataset: Dataset, site: Path, tmp_path: Path) -> None:
    graphs = [g for g in dataset.graphs() if len(g)]
    assert len(graphs) == 2
    out = tmp_path / "from-graphs"
    build_site(reversed(graphs), out)
    assert _tree(out) == _tree(site)


def test_cli_site_writes_nothing_when_the_data_does_not_conform(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "bad.txt").write_text("ROME. KAZINFORM Ann Lee arrived in Rome.", encoding="utf-8")
    (folder / "annotation.yaml").write_text(
        "# FICTIONAL: made up for the test suite.\n"
        "article:\n  headline: Fictional arrival\n  date_published: 2024-01-02\n  publisher: agency\n"
        "organizations:\n  - id: agency\n    kind: news-media\n    name: Agency\n"
        "places:\n  - id: rome\n    kind: city\n    name: Rome\n    mentions: [Rome]\n"
        "people:\n  - id: ann-lee\n    name: Ann Lee\n    nationality: rome\n    mentions: [Ann Lee]\n",
        encoding="utf-8",
    )
    out = tmp_path / "public"
    result = CliRunner().invoke(app, ["site", str(folder), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "kzsh:PersonNationality" in result.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad"]
