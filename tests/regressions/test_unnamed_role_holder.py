"""Regression (issue 12, item 10): an unnamed role holder ("the Honorary Consul of Georgia") had no record.

A person the article names only by an office is recorded as `unnamed: true` with the role: the
graph types it kzar:UnnamedPerson (no name), under the article's own IRI, holding the role by
the schema.org Role pattern. The text is fictional.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _fictional import HEAD, write_article
from rdflib import URIRef

from kzar_ld import build_graph, load_article, validate
from kzar_ld.errors import AnnotationError
from kzar_ld.namespaces import KZAR, RDF, SCHEMA
from kzar_ld.sparql.engine import bundled_queries, query

TEXT = (
    " date 2024-02-01 Honorary consulate of Westland opens in Karaganda\n\n"
    "KARAGANDA. KAZINFORM The Honorary Consul of Westland opened the consulate on Thursday. "
    "He thanked the guests.\n\nThis article is fictional."
)
CONSUL = """\
people:
  - id: consul
    unnamed: true
    description: the Honorary Consul of Westland in Karaganda
    mentions: [He]
    roles:
      - id: honorary-consul
        name: Honorary Consul of Westland
        organization: consulate
        mentions: [Honorary Consul of Westland]
"""
CONSULATE = """\
  - id: consulate
    kind: honorary-consulate
    name: Honorary Consulate of Westland in Karaganda
    mentions: [{quote: consulate, whole_word: true}]
"""
ARTICLE = URIRef("https://kzar.example/id/article/fictional-article")


def annotation(people: str = CONSUL) -> str:
    return HEAD + CONSULATE + people


def test_an_unnamed_role_holder_builds_and_conforms(tmp_path: Path) -> None:
    article = load_article(write_article(tmp_path, annotation(), text=TEXT))
    graph = build_graph(article)
    consul = URIRef(f"{ARTICLE}/person/consul")
    assert (consul, RDF.type, KZAR.UnnamedPerson) in graph
    assert (consul, RDF.type, SCHEMA.Person) in graph
    assert graph.value(consul, SCHEMA.name) is None
    role = URIRef(f"{ARTICLE}/role/consul--honorary-consul")
    assert (consul, SCHEMA.worksFor, role) in graph
    assert (role, SCHEMA.worksFor, URIRef("https://kzar.example/id/org/consulate")) in graph
    report = validate(graph)
    assert report.conforms, report.to_text()
    roles = next(q.text for q in bundled_queries() if q.name == "roles")
    rows = query(graph, roles).rows
    assert [(r[0], r[1], str(r[2])) for r in rows] == [(consul, None, "Honorary Consul of Westland")]


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (
            CONSUL.replace("    unnamed: true\n", "    unnamed: true\n    name: Jan Kowal\n"),
            "is `unnamed: true` but has the name 'Jan Kowal'",
        ),
        (CONSUL.split("    roles:")[0], "is unnamed, so the article knows the person only by a role"),
        (
            CONSUL.replace("    unnamed: true\n", ""),
            "missing field 'name' (or declare 'consul' in the shared entities.yaml, or `unnamed: true`",
        ),
    ],
)
def test_an_unnamed_person_needs_a_role_and_no_name(tmp_path: Path, people: str, message: str) -> None:
    with pytest.raises(AnnotationError) as info:
        load_article(write_article(tmp_path, annotation(people), text=TEXT))
    assert message in str(info.value)
    assert str(info.value).startswith(f"{tmp_path / 'fictional-article' / 'annotation.yaml'}:")
