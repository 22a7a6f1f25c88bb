"""Regression (issue 12, item 4): `event-hierarchy` returned thousands of junk rows on rdflib without a visit.

rdflib yields one all-unbound row for an empty grouped subquery, and its unbound ?visit then
matched every name. Every bundled query now gives the same answer on both engines, on articles
with and without visits, relations and roles, and on no articles at all.
"""

from __future__ import annotations

import pytest
from _corpora import CORPORA, dataset

from kzar_ld.sparql.engine import Engine, bundled_queries, query

NAMES = [q.name for q in bundled_queries()]


@pytest.mark.parametrize("corpus", sorted(CORPORA))
@pytest.mark.parametrize("name", NAMES)
def test_both_engines_give_the_same_answer(name: str, corpus: str) -> None:
    data = dataset(corpus)
    sparql = next(q.text for q in bundled_queries() if q.name == name)
    local = query(data, sparql)
    assert local == query(data, sparql, engine=Engine.OXIGRAPH)
    assert len(set(local.rows)) == len(local.rows)  # a set: no row twice


@pytest.mark.parametrize("corpus", ["no articles", "credentials", "two sharing a registry"])
def test_without_a_visit_there_is_no_hierarchy_and_without_a_relation_no_relation(corpus: str) -> None:
    data = dataset(corpus)
    for name in ("event-hierarchy", "diplomatic-relations"):
        sparql = next(q.text for q in bundled_queries() if q.name == name)
        assert query(data, sparql).rows == ()
    empty = dataset("no articles")
    for q in bundled_queries():
        assert query(empty, q.text).rows == (), q.name
