"""The site in a real browser: headless Chromium (the system package), driven by Selenium.

The article page is opened from the server; every highlight must cover exactly the words its
offsets give; a mention is followed to its entity's page and back; the embedded JSON-LD must
parse and expand to statements of the article's graph. Screenshots go to ``tmp/artefacts/``
(not committed). The browser needs ``chromium`` and ``chromium-driver`` (``.ci/run`` installs
them); without them the tests are skipped, unless ``KZAR_REQUIRE_BROWSER=1`` (as in CI), which
makes a missing browser a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from serve_support import EXAMPLE, RunningServer, running_server

import kzar_ld
from kzar_ld.resources import schemaorg_context
from kzar_ld.serialization import Format, write
from kzar_ld.web import build_site
from kzar_ld.web.endpoint import EndpointSettings
from kzar_ld.web.server import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTEFACTS = Path(__file__).resolve().parent.parent / "tmp" / "artefacts"

ARTICLE_ID = "000_b748ee61ec8ac40c"
ARTICLE_IRI = f"{kzar_ld.DEFAULT_BASE}article/{ARTICLE_ID}"

_have_browser = Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()
if not _have_browser and os.environ.get("KZAR_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"KZAR_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _have_browser, reason="needs the chromium and chromium-driver system packages"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dataset]:
    root = tmp_path_factory.mktemp("browser")
    data = kzar_ld.build_graph(kzar_ld.load_article(EXAMPLE))
    build_site(data, root / "site")
    write(data, root / "data.nq", format=Format.NQUADS)
    return root, data


@pytest.fixture(scope="module")
def server(corpus: tuple[Path, Dataset]) -> Iterator[RunningServer]:
    root, _ = corpus
    app = create_app(root / "site", data=root / "data.nq", endpoint=EndpointSettings(workers=1))
    with running_server(app) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kzar-ld-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1200,1600",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(ARTEFACTS / f"{name}.png"))


def open_article(driver: Any, server: RunningServer) -> None:
    # The article's IRI, as a browser asks for it: 303 to the HTML page.
    driver.get(f"{server.url}/id/article/{ARTICLE_ID}")
    assert driver.current_url == f"{server.url}/id/article/{ARTICLE_ID}/index.html"


def test_highlights_are_at_the_right_words(browser: Any, server: RunningServer) -> None:
    article = kzar_ld.load_article(EXAMPLE)
    body = article.text.body
    open_article(browser, server)
    marks = browser.execute_script(
        """
        return Array.from(document.querySelectorAll('mark.mention')).map(m => {
          const box = m.getBoundingClientRect();
          return {start: +m.dataset.start, end: +m.dataset.end, text: m.textContent,
                  entity: m.dataset.entity, width: box.width, height: box.height,
                  background: getComputedStyle(m).backgroundColor};
        });
        """
    )
    expected = sorted({(s.start, s.end, str(s.entity)) for s in article.spans})
    found = sorted((m["start"], m["end"], m["entity"]) for m in marks)
    assert [(a, b) for a, b, _ in found] == [(a, b) for a, b, _ in expected]
    for mark in marks:
        assert mark["text"] == body[mark["start"] : mark["end"]], mark
        assert mark["width"] > 0 and mark["height"] > 0, mark  # laid out, so visible
        assert mark["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), mark
    # The paragraphs, read in order, are the body: nothing is added or lost around the marks.
    paragraphs = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.body p'))"
        ".map(p => [+p.dataset.start, +p.dataset.end, p.textContent]);"
    )
    for start, end, text in paragraphs:
        assert text == body[start:end]
    screenshot(browser, "article")


def test_follow_a_mention_to_its_entity_and_back(browser: Any, server: RunningServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    open_article(browser, server)
    person = f"{kzar_ld.DEFAULT_BASE}person/kairat-umarov"
    link = browser.find_element(By.CSS_SELECTOR, f'mark.mention[data-entity="{person}"] > a')
    words = link.text
    link.click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("/person/kairat-umarov/"))
    assert browser.current_url == f"{server.url}/id/person/kairat-umarov/index.html"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kairat Umarov"
    screenshot(browser, "entity")
    # The entity page quotes the mention and links back to it in the article.
    back = browser.find_elements(By.CSS_SELECTOR, f'a[href*="article/{ARTICLE_ID}/index.html#mention-"]')
    assert back, "the entity page links to no mention in the article"
    browser.back()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains(f"/article/{ARTICLE_ID}/"))
    assert browser.find_element(By.ID, "headline").text == kzar_ld.load_article(EXAMPLE).text.headline
    assert words
    back_link = browser.find_element(By.CSS_SELECTOR, f'mark.mention[data-entity="{person}"] > a')
    back_link.click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("/person/kairat-umarov/"))
    browser.find_elements(By.CSS_SELECTOR, f'a[href*="article/{ARTICLE_ID}/index.html#mention-"]')[0].click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("#mention-"))
    fragment = browser.current_url.rsplit("#", 1)[1]
    target = browser.find_element(By.ID, fragment)
    assert target.tag_name == "mark"
    screenshot(browser, "mention-target")


def _expand(document: Any) -> Graph:
    from pyld import jsonld

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
            raise AssertionError(f"unexpected context fetch: {url}")
        return {"contextUrl": None, "documentUrl": url, "document": schemaorg_context()}

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")


def _plain(graph: Graph) -> set[tuple[Any, Any, Any]]:
    """Statements with each literal reduced to its lexical form.

    schema.org's context types ``datePublished`` as ``schema:Date`` where the graph says
    ``xsd:date``: the same date, a different datatype IRI.
    """
    return {(s, p, str(o) if isinstance(o, Literal) else o) for s, p, o in graph}


def test_embedded_jsonld_parses_and_expands_to_the_article_graph(
    browser: Any, server: RunningServer, corpus: tuple[Path, Dataset]
) -> None:
    _, data = corpus
    open_article(browser, server)
    scripts = browser.execute_script(
        "return Array.from(document.querySelectorAll('script[type=\"application/ld+json\"]')).map(s => s.textContent);"
    )
    assert len(scripts) == 1
    document = json.loads(scripts[0])
    assert document["@context"] == "https://schema.org"
    assert "NewsArticle" in document["@type"]
    assert document["headline"] == browser.find_element("id", "headline").text
    expanded = _expand(document)
    article_graph = Graph()
    for s, p, o, _ in data.quads((None, None, None, URIRef(ARTICLE_IRI))):
        article_graph.add((s, p, o))
    ours = _plain(article_graph)
    embedded = _plain(expanded)
    assert embedded <= ours, sorted(embedded - ours)[:5]
    # Everything the article itself states is in the page.
    about_article = {t for t in ours if t[0] == URIRef(ARTICLE_IRI)}
    assert about_article <= embedded, sorted(about_article - embedded)[:5]
    assert len(embedded) > 100
