"""The article sets the query regressions run on: with and without visits, relations and roles."""

from __future__ import annotations

from functools import cache

from rdflib import Dataset

from kzar_ld import build_graph, load_article

ARTICLES = {
    # a visit with its meetings, a relation, roles
    "first-example": "examples/kazinform-2023-08-24",
    # no visit, no relation; roles
    "round-table": "tests/data/articles/fictional-round-table",
    # no visit, no relation; a role; shared entities from a registry
    "consulate-opening": "tests/data/shared/fictional-consulate-opening",
    # no visit, no relation, no role; shared entities from a registry
    "credentials": "tests/data/shared/fictional-credentials",
}

CORPORA = {
    "no articles": (),
    "consulate-opening": ("consulate-opening",),
    "credentials": ("credentials",),
    "round-table": ("round-table",),
    "two sharing a registry": ("consulate-opening", "credentials"),
    "all four": tuple(ARTICLES),
}


@cache
def article(name: str):  # type: ignore[no-untyped-def]
    return load_article(ARTICLES[name])


@cache
def dataset(corpus: str) -> Dataset:
    """A dataset with one named graph per article of the corpus (queries never change it)."""
    data = Dataset()
    for name in CORPORA[corpus]:
        for quad in build_graph(article(name)).quads((None, None, None, None)):
            data.add(quad)
    return data
