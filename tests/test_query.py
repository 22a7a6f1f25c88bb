"""SPARQL over articles: bundled queries against expected results, both engines, every format.

The expected results in ``tests/data/query/*.csv`` were written from MAPPING.md (the reference
modelling of the first article), not copied from output. A cell ``{any}`` means "bound to some
non-empty value" (MAPPING fixes no exact wording, e.g. an event's name); an empty cell means
unbound. Columns a file leaves out are checked by the tests below that name them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result as RdflibResult

from kzar_ld import build_graph, load_article
from kzar_ld.errors import InputError, QueryError
from kzar_ld.namespaces import KZAR, OA, RDF, SCHEMA, XSD
from kzar_ld.resources import resource_files
from kzar_ld.sparql.engine import (
    BundledQuery,
    Engine,
    LoadedQuery,
    OxigraphStore,
    QueryKind,
    QueryResult,
    RdflibStore,
    ResultFormat,
    bundled_queries,
    bundled_query,
    load_query,
    open_store,
    parse_binding,
    parse_term,
    query,
)

EXAMPLE = Path("examples/kazinform-2023-08-24")
SECOND = Path("tests/data/articles/fictional-round-table")
EXPECTED = Path("tests/data/query")
ANY = "{any}"
ID = "https://kzar.example/id/"
ARTICLE = ID + "article/000_b748ee61ec8ac40c"
EX = Namespace("https://kzar.example/test/")
NAMES = [q.name for q in bundled_queries()]


@pytest.fixture(scope="module")
def data() -> Dataset:
    return build_graph(load_article(EXAMPLE))


@pytest.fixture(scope="module")
def stores(data: Dataset) -> dict[Engine, object]:
    return {engine: open_store(data, engine=engine) for engine in Engine}


@pytest.fixture(scope="module")
def corpus() -> Dataset:
    return build_graph([load_article(EXAMPLE), load_article(SECOND)])


@pytest.fixture(scope="module")
def body() -> str:
    (text_file,) = EXAMPLE.glob("*.txt")
    text = text_file.read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1]


def _cell(term: object) -> str:
    """A term as SPARQL CSV writes it."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _expected(name: str) -> tuple[list[str], list[list[str]]]:
    with (EXPECTED / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# ---------------------------------------------------------------------------------------------
# The bundled queries


def test_every_bundled_query_has_an_expected_result() -> None:
    assert len(NAMES) >= 8
    assert sorted(p.stem for p in EXPECTED.glob("*.csv")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_bundled_query_files_are_documented(name: str) -> None:
    q = bundled_query(name)
    (path,) = [p for p in resource_files("queries", suffix=".rq") if p.name == f"{name}.rq"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Title: ") and q.title
    assert len(q.description) > 60
    # The documented variables are exactly the result columns, in order.
    result = query(Graph(), q.text, source=q.source)
    assert tuple(v for v, _ in q.variables) == result.variables
    assert all(meaning for _, meaning in q.variables)


@pytest.mark.parametrize("name", NAMES)
def test_bundled_queries_order_by_every_column(name: str) -> None:
    # A total order makes the output the same on every engine and every run.
    from kzar_ld.sparql.safety import algebra_nodes, field_of, parse_query

    parsed = parse_query(bundled_query(name).text)
    (order,) = [n for n in algebra_nodes(parsed.prepared.algebra) if n.name == "OrderBy"]
    keys = {str(field_of(c, "expr") if field_of(c, "expr") is not None else c) for c in order["expr"]}
    assert parsed.ordered
    assert set(parsed.variables) <= keys


@pytest.mark.parametrize("name", NAMES)
def test_bundled_queries_name_no_host(name: str) -> None:
    # The standard prefixes are predeclared, so no query needs to spell out an IRI.
    assert not re.search(r"[a-z]+://", bundled_query(name).text)


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("name", NAMES)
def test_bundled_query_gives_the_expected_result(name: str, engine: Engine, stores: dict[Engine, object]) -> None:
    header, rows = _expected(name)
    q = bundled_query(name)
    result = query(stores[engine], q.text, source=q.source)  # type: ignore[arg-type]
    assert set(header) <= set(result.variables), header
    where = [result.variables.index(column) for column in header]
    actual = [[_cell(row[i]) for i in where] for row in result.rows]
    assert len(actual) == len(rows), "\n".join(",".join(r) for r in actual)
    for number, (got, want) in enumerate(zip(actual, rows, strict=True), start=1):
        for column, g, w in zip(header, got, want, strict=True):
            if w == ANY:
                assert g, f"row {number}: ?{column} should be bound"
            else:
                assert g == w, f"row {number}: ?{column} is {g!r}, expected {w!r}"


@pytest.mark.parametrize("engine", list(Engine))
def test_mentions_quote_the_body_at_their_offsets(engine: Engine, stores: dict[Engine, object], body: str) -> None:
    result = query(stores[engine], bundled_query("mentions").text)  # type: ignore[arg-type]
    assert len(result.rows) == 51
    for row in result.bindings():
        start, end = int(row["start"]), int(row["end"])
        # Offsets keep their datatype on both engines.
        assert row["start"].datatype == XSD.nonNegativeInteger  # type: ignore[union-attr]
        assert row["end"].datatype == XSD.nonNegativeInteger  # type: ignore[union-attr]
        assert body[start:end] == str(row["exact"])
        prefix, suffix = str(row.get("prefix", "")), str(row.get("suffix", ""))
        assert body[:start].endswith(prefix) and (prefix or start == 0)
        assert body[end:].startswith(suffix) and (suffix or end == len(body))
        assert str(row["annotation"]).startswith(ARTICLE + "/")
        if "/role/" not in str(row["entity"]):
            assert row.get("entityName"), row["entity"]


def test_who_met_whom_at_an_event_without_a_place() -> None:
    # An event with no location of its own or of a parent: the place stays unbound, and the
    # pair is listed once each way (a place left unbound must not match every name).
    g = Graph()
    for person, name in ((EX.ana, "Ana"), (EX.bo, "Bo")):
        g.add((person, RDF.type, SCHEMA.Person))
        g.add((person, SCHEMA.name, Literal(name)))
        g.add((EX.talk, SCHEMA.attendee, person))
    g.add((EX.city, SCHEMA.name, Literal("Somewhere")))
    for engine in Engine:
        result = query(g, bundled_query("who-met-whom").text, engine=engine)
        assert [(str(r[1]), str(r[3]), r[6], r[7]) for r in result.rows] == [
            ("Ana", "Bo", None, None),
            ("Bo", "Ana", None, None),
        ]


def test_a_bound_variable_narrows_a_bundled_query(data: Dataset) -> None:
    q = bundled_query("articles-mentioning").text
    kazakhstan = ID + "place/kazakhstan"
    result = query(data, q, bindings={"entity": kazakhstan})
    assert [(_cell(r[0]), _cell(r[-1])) for r in result.rows] == [(kazakhstan, "3")]
    met = query(data, bundled_query("who-met-whom").text, bindings={"person": ID + "person/welber-barral"})
    assert [_cell(r[2]) for r in met.rows] == [ID + "person/kairat-umarov"]


# ---------------------------------------------------------------------------------------------
# Both engines give the same answers


EXTRA_QUERIES = [
    "SELECT * WHERE { ?s schema:name ?n }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?s ?start WHERE { ?s oa:start ?start FILTER (?start > 2000) } ORDER BY ?start",
    "SELECT ?e ?o WHERE { ?e kzar:ordinal ?o }",
    "SELECT ?p ?o WHERE { ?s ?p ?o FILTER (isLiteral(?o) && DATATYPE(?o) != xsd:string) }",
    "SELECT (COUNT(DISTINCT ?a) AS ?n) (MAX(?end) AS ?last) WHERE { ?a oa:hasTarget/oa:hasSelector/oa:end ?end }",
    "SELECT ?x WHERE { { SELECT ?x WHERE { ?x a schema:Person } ORDER BY ?x LIMIT 2 } }",
    'ASK { ?p schema:name "Kairat Umarov" }',
    'ASK { ?p schema:name "Nobody" }',
    "SELECT ?s FROM <" + ARTICLE + "> WHERE { ?s a schema:NewsArticle }",
    "SELECT ?g ?s FROM NAMED <" + ARTICLE + "> WHERE { GRAPH ?g { ?s a schema:Country } }",
    'SELECT ?s WHERE { ?s schema:name ?n FILTER (CONTAINS(?n, "Kazakh")) } ORDER BY ?s',
]


@pytest.mark.parametrize("sparql", EXTRA_QUERIES + [bundled_query(n).text for n in NAMES])
def test_engines_agree_on_one_article(sparql: str, stores: dict[Engine, object]) -> None:
    rdflib_result = query(stores[Engine.RDFLIB], sparql)  # type: ignore[arg-type]
    oxigraph_result = query(stores[Engine.OXIGRAPH], sparql)  # type: ignore[arg-type]
    assert rdflib_result == oxigraph_result
    assert rdflib_result.rows or rdflib_result.boolean is not None


@pytest.mark.parametrize("name", NAMES)
def test_engines_agree_on_two_articles(name: str, corpus: Dataset) -> None:
    text = bundled_query(name).text
    assert query(corpus, text) == query(corpus, text, engine=Engine.OXIGRAPH)


@pytest.mark.parametrize(
    "sparql",
    [
        # Entities shared by both articles: the union holds each of their statements once.
        "SELECT ?p ?n WHERE { ?p a schema:Person ; schema:name ?n }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        # GRAPH and the default graph in one query.
        "SELECT ?g ?n WHERE { GRAPH ?g { ?a a schema:NewsArticle } ?x schema:name ?n FILTER (?n = 'Kazinform') }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s schema:name ?o } } GROUP BY ?g",
        f"SELECT (COUNT(*) AS ?n) FROM <{ARTICLE}> FROM <{ID}article/fictional-round-table> WHERE {{ ?s ?p ?o }}",
        "DESCRIBE <https://kzar.example/id/place/argentina>",
    ],
)
def test_engines_agree_where_articles_share_entities(sparql: str, corpus: Dataset) -> None:
    a, b = query(corpus, sparql), query(corpus, sparql, engine=Engine.OXIGRAPH)
    if a.kind.returns_graph:
        assert isomorphic(a.graph(), b.graph()) and a.triples
    else:
        assert a == b and a.rows


def test_a_pyoxigraph_store_is_queried_as_it_is(data: Dataset) -> None:
    raw = ox.Store()
    graph = ox.NamedNode(ARTICLE)
    raw.add(ox.Quad(ox.NamedNode(ID + "place/x"), ox.NamedNode(str(SCHEMA.name)), ox.Literal("X"), graph))
    raw.add(ox.Quad(ox.NamedNode(ID + "place/y"), ox.NamedNode(str(SCHEMA.name)), ox.Literal("Y")))
    store = open_store(raw)
    assert store.graph_names() == {ARTICLE}
    names = query(store, "SELECT ?n WHERE { ?p schema:name ?n }")
    assert [str(r[0]) for r in names.rows] == ["X", "Y"]  # the default graph reads as the union
    in_graph = query(store, "SELECT ?g ?n WHERE { GRAPH ?g { ?p schema:name ?n } }")
    assert in_graph.rows == ((URIRef(ARTICLE), Literal("X")),)
    assert len(raw) == 2  # untouched


@pytest.mark.parametrize(
    "sparql",
    [
        "CONSTRUCT { ?p schema:name ?n ; schema:worksFor ?r } WHERE { ?p a schema:Person ; schema:name ?n ; schema:worksFor ?r }",
        "CONSTRUCT { ?s oa:start ?v ; oa:end [ oa:value ?v ] } WHERE { ?s oa:start ?v }",
        "CONSTRUCT WHERE { ?e kzar:ordinal ?o }",
    ],
)
def test_engines_agree_on_graphs(sparql: str, stores: dict[Engine, object]) -> None:
    a = query(stores[Engine.RDFLIB], sparql)  # type: ignore[arg-type]
    b = query(stores[Engine.OXIGRAPH], sparql)  # type: ignore[arg-type]
    assert a.kind is QueryKind.CONSTRUCT and a.triples
    assert isomorphic(a.graph(), b.graph())


def test_bindings_agree_across_engines(stores: dict[Engine, object]) -> None:
    q = bundled_query("roles").text
    for person in ("kairat-umarov", "welber-barral", "nobody"):
        bound = {"person": URIRef(ID + "person/" + person)}
        a = query(stores[Engine.RDFLIB], q, bindings=bound)  # type: ignore[arg-type]
        b = query(stores[Engine.OXIGRAPH], q, bindings=bound)  # type: ignore[arg-type]
        assert a == b
        assert all(row[0] == bound["person"] for row in a.rows)
    assert len(a.rows) == 0


def _typed_data() -> Dataset:
    # The same value under several datatypes, which Oxigraph stores in one canonical form.
    ds = Dataset()
    g = ds.graph(URIRef("https://kzar.example/test/g"))
    g.add((EX.a, EX.ordinal, Literal("3", datatype=XSD.positiveInteger)))
    g.add((EX.b, EX.start, Literal("3", datatype=XSD.nonNegativeInteger)))
    g.add((EX.c, EX.tally, Literal("007", datatype=XSD.integer, normalize=False)))
    g.add((EX.d, EX.flag, Literal("1", datatype=XSD.boolean, normalize=False)))
    return ds


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT ?o WHERE { ?s ex:ordinal ?o }", [Literal("3", datatype=XSD.positiveInteger)]),
        ("SELECT ?o WHERE { ?s ex:start ?o }", [Literal("3", datatype=XSD.nonNegativeInteger)]),
        ("SELECT ?o WHERE { ?s ex:tally ?o }", [Literal("007", datatype=XSD.integer, normalize=False)]),
        ("SELECT ?o WHERE { ?s ex:flag ?o }", [Literal("1", datatype=XSD.boolean, normalize=False)]),
        ("SELECT (SAMPLE(?o) AS ?x) WHERE { ?s ex:ordinal ?o }", [Literal("3", datatype=XSD.positiveInteger)]),
        # Computed values are not the data's literals and keep the engine's datatype.
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER (?p != ex:flag) }", [Literal(3)]),
        ("SELECT (?o + 0 AS ?x) WHERE { ?s ex:ordinal ?o }", [Literal(3)]),
    ],
)
def test_oxigraph_gives_back_the_literals_it_was_given(sparql: str, expected: list[Literal]) -> None:
    text = "PREFIX ex: <https://kzar.example/test/>\n" + sparql
    data = _typed_data()
    for engine in Engine:
        rows = query(data, text, engine=engine).rows
        got = [row[0] for row in rows]
        assert got == expected, engine
        assert [str(t) for t in got] == [str(t) for t in expected], engine
        assert [t.datatype for t in got] == [t.datatype for t in expected], engine  # type: ignore[union-attr]


def test_oxigraph_restores_by_predicate_when_values_collide() -> None:
    # "3" is a positiveInteger under ex:ordinal and a nonNegativeInteger under ex:start.
    text = "PREFIX ex: <https://kzar.example/test/>\nSELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p"
    data = _typed_data()
    assert query(data, text, engine=Engine.OXIGRAPH) == query(data, text)
    graph_text = "PREFIX ex: <https://kzar.example/test/>\nCONSTRUCT WHERE { ?s ?p ?o }"
    a, b = query(data, graph_text), query(data, graph_text, engine=Engine.OXIGRAPH)
    assert sorted(a.triples) == sorted(b.triples)


# ---------------------------------------------------------------------------------------------
# Data, stores and bindings


def test_default_graph_is_the_union_and_graph_names_the_articles(corpus: Dataset) -> None:
    for engine in Engine:
        articles = query(corpus, "SELECT ?a WHERE { ?a a schema:NewsArticle }", engine=engine)
        assert len(articles.rows) == 2
        graphs = query(corpus, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle } }", engine=engine)
        assert [r[0] for r in graphs.rows] == [r[0] for r in articles.rows]


def test_from_restricts_the_default_graph(corpus: Dataset) -> None:
    q = "SELECT ?a WHERE { ?a a schema:NewsArticle }"
    only = f"SELECT ?a FROM <{ARTICLE}> WHERE {{ ?a a schema:NewsArticle }}"
    named_only = f"SELECT ?a FROM NAMED <{ARTICLE}> WHERE {{ ?a a schema:NewsArticle }}"
    for engine in Engine:
        assert len(query(corpus, q, engine=engine).rows) == 2
        assert [str(r[0]) for r in query(corpus, only, engine=engine).rows] == [ARTICLE]
        # FROM NAMED alone leaves the default graph empty.
        assert query(corpus, named_only, engine=engine).rows == ()


def test_a_plain_graph_is_queried_as_its_named_graph(data: Dataset) -> None:
    graph = Graph(identifier=URIRef(ARTICLE))
    for triple in data.graph(URIRef(ARTICLE)):
        graph.add(triple)
    for engine in Engine:
        result = query(graph, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", engine=engine)
        assert result.rows == ((URIRef(ARTICLE), Literal(len(graph))),)


def test_open_store_keeps_or_converts_the_data(data: Dataset) -> None:
    assert isinstance(open_store(data), RdflibStore)
    ox_store = open_store(data, engine=Engine.OXIGRAPH)
    assert isinstance(ox_store, OxigraphStore)
    assert open_store(ox_store) is ox_store
    raw = ox.Store()
    assert isinstance(open_store(raw), OxigraphStore)
    back = open_store(ox_store.store, engine=Engine.RDFLIB)  # type: ignore[attr-defined]
    assert isinstance(back, RdflibStore)
    q = bundled_query("roles").text
    assert query(back, q) == query(data, q)
    with pytest.raises(InputError, match="runs queries with oxigraph, not rdflib"):
        open_store(ox_store, engine=Engine.RDFLIB)
    with pytest.raises(InputError, match="cannot query a dict"):
        open_store({}, engine=None)  # type: ignore[arg-type]


def test_querying_never_changes_the_data(data: Dataset) -> None:
    before = len(data)
    graphs = {g.identifier for g in data.graphs()}
    for name in NAMES:
        query(data, bundled_query(name).text)
    query(data, f"SELECT * FROM <{ARTICLE}> WHERE {{ ?s ?p ?o }} LIMIT 1")
    assert len(data) == before
    assert {g.identifier for g in data.graphs()} == graphs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<https://kzar.example/id/x>", URIRef("https://kzar.example/id/x")),
        ("https://kzar.example/id/x", URIRef("https://kzar.example/id/x")),
        ("urn:isbn:0451450523", URIRef("urn:isbn:0451450523")),
        ("schema:Person", SCHEMA.Person),
        ('"Kairat Umarov"', Literal("Kairat Umarov")),
        ("'single quotes'", Literal("single quotes")),
        ('"Astana"@kk', Literal("Astana", lang="kk")),
        ('"1993"^^xsd:gYear', Literal("1993", datatype=XSD.gYear)),
        ('"68"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>', Literal("68", datatype=XSD.nonNegativeInteger)),
        ("42", Literal("42", datatype=XSD.integer)),
        ("true", Literal("true", datatype=XSD.boolean)),
        ("Kairat Umarov", Literal("Kairat Umarov")),
        ("note: no scheme here", Literal("note: no scheme here")),
        ("( 1 2 )", Literal("( 1 2 )")),
    ],
)
def test_parse_term(text: str, expected: object) -> None:
    got = parse_term(text)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("<not an iri>", "is not a valid IRI or literal"),
        ('"unterminated', "is not a valid IRI or literal"),
        ('"a" . <urn:x:s> <urn:x:p> "b"', "must be a single IRI or literal"),
        ('"a" , "b"', "must be a single IRI or literal"),
        ('"x"^^unknown:type', "is not a valid IRI or literal"),
    ],
)
def test_parse_term_refuses_what_is_not_one_term(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_term(text)


def test_parse_binding() -> None:
    assert parse_binding("?n=42") == ("n", Literal("42", datatype=XSD.integer))
    assert parse_binding("name=a=b") == ("name", Literal("a=b"))
    for bad in ("novalue", "=x"):
        with pytest.raises(QueryError, match="is not NAME=VALUE"):
            parse_binding(bad)


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"persn": ID + "person/x"}, "cannot bind ?persn: the query has no such variable; did you mean ?person?"),
        ({"role": ID + "role/x"}, "cannot bind ?role: only variables the query returns can be bound"),
        ({"person": "<https://kzar.example/id/bad iri>"}, "is not a valid IRI or literal"),
        ({"person": 42}, "cannot bind ?person to a int"),
        ({"not a name": "x"}, "not a SPARQL variable name"),
    ],
)
def test_bad_bindings_are_refused(data: Dataset, bindings: dict[str, object], message: str) -> None:
    q = "SELECT ?person ?name WHERE { ?person schema:worksFor ?role ; schema:name ?name }"
    with pytest.raises(QueryError, match=re.escape(message)):
        query(data, q, bindings=bindings)  # type: ignore[arg-type]


def test_ask_construct_describe_bind_any_variable(data: Dataset) -> None:
    who = URIRef(ID + "person/kairat-umarov")
    for engine in Engine:
        assert query(data, "ASK { ?p schema:worksFor ?r }", bindings={"p": who}, engine=engine).boolean
        built = query(
            data, "CONSTRUCT { ?p schema:name ?n } WHERE { ?p schema:name ?n }", bindings={"p": who}, engine=engine
        )
        assert built.triples == ((who, SCHEMA.name, Literal("Kairat Umarov")),)
        described = query(data, "DESCRIBE ?p", bindings={"p": who}, engine=engine)
        assert (who, SCHEMA.name, Literal("Kairat Umarov")) in set(described.triples)
        # The description includes the reified, derived statement about his nationality.
        assert (None, KZAR.derivation, None) in described.graph()


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), True])
def test_a_bad_timeout_is_refused(data: Dataset, timeout: float) -> None:
    with pytest.raises(InputError, match="timeout must be a positive number"):
        query(data, "ASK {}", timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Output


def _ox_value(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined,no-any-return]


def _ox_term(term: object) -> tuple[str, str, str]:
    if isinstance(term, ox.Literal):
        return (term.value, term.datatype.value, term.language or "")
    return (_ox_value(term), "", "")


def _our_term(term: object) -> tuple[str, str, str]:
    if isinstance(term, Literal):
        datatype = (
            str(term.datatype or XSD.string)
            if not term.language
            else str(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString").value)
        )
        return (str(term), datatype, term.language or "")
    return (_cell(term), "", "")


@pytest.mark.parametrize("name", NAMES)
def test_every_format_parses_with_a_standard_reader_and_agrees(name: str, data: Dataset) -> None:
    result = query(data, bundled_query(name).text)
    want_cells = [[_cell(t) for t in row] for row in result.rows]
    want_terms = [[_our_term(t) if t is not None else None for t in row] for row in result.rows]

    rows = list(csv.reader(io.StringIO(result.serialize(ResultFormat.CSV).decode("utf-8"), newline="")))
    assert rows[0] == list(result.variables)
    assert rows[1:] == want_cells

    document = json.loads(result.serialize(ResultFormat.JSON))
    assert document["head"]["vars"] == list(result.variables)
    got_json = [[b[v]["value"] if v in b else "" for v in result.variables] for b in document["results"]["bindings"]]
    assert [[c.removeprefix("_:") for c in row] for row in want_cells] == got_json

    root = ET.fromstring(result.serialize(ResultFormat.XML))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert [v.get("name") for v in root.iter(ns + "variable")] == list(result.variables)
    got_xml = []
    for element in root.iter(ns + "result"):
        values = {b.get("name"): (b[0].text or "") for b in element.iter(ns + "binding")}
        got_xml.append([values.get(v, "") for v in result.variables])
    assert [[c.removeprefix("_:") for c in row] for row in want_cells] == got_xml

    # Independent SPARQL results parsers read the very same typed terms back: pyoxigraph's for
    # JSON and TSV, rdflib's for JSON and XML (pyoxigraph's XML reader trims literals' spaces).
    for fmt, ox_fmt in ((ResultFormat.JSON, ox.QueryResultsFormat.JSON), (ResultFormat.TSV, ox.QueryResultsFormat.TSV)):
        solutions = ox.parse_query_results(result.serialize(fmt), format=ox_fmt)
        parsed = [[None if s[v] is None else _ox_term(s[v]) for v in result.variables] for s in solutions]
        assert parsed == want_terms, fmt
    for fmt in (ResultFormat.JSON, ResultFormat.XML):
        read = RdflibResult.parse(io.BytesIO(result.serialize(fmt)), format=fmt.value)
        assert [str(v) for v in read.vars] == list(result.variables)
        assert [tuple(row) for row in read] == list(result.rows), fmt


def test_ask_in_every_format(data: Dataset) -> None:
    yes = query(data, "ASK { ?s a schema:NewsArticle }")
    no = query(data, "ASK { ?s a schema:Dog }")
    assert (yes.boolean, no.boolean) == (True, False)
    assert json.loads(yes.serialize(ResultFormat.JSON)) == {"head": {}, "boolean": True}
    assert bool(ox.parse_query_results(no.serialize(ResultFormat.XML), format=ox.QueryResultsFormat.XML)) is False
    assert bool(ox.parse_query_results(yes.serialize(ResultFormat.JSON), format=ox.QueryResultsFormat.JSON)) is True
    for fmt in (ResultFormat.TABLE, ResultFormat.CSV, ResultFormat.TSV):
        assert yes.serialize(fmt).strip() in (b"true", b"true") or b"true" in yes.serialize(fmt)
        assert b"false" in no.serialize(fmt)


@pytest.mark.parametrize("engine", list(Engine))
def test_graphs_as_turtle_and_json_ld(engine: Engine, data: Dataset) -> None:
    from pyld import jsonld

    result = query(data, "CONSTRUCT { ?p ?k ?v } WHERE { ?p a schema:Person ; ?k ?v }", engine=engine)
    turtle = result.serialize()
    assert turtle == result.serialize(ResultFormat.TURTLE)
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), result.graph())
    document = json.loads(result.serialize(ResultFormat.JSON_LD))
    from kzar_ld.resources import schemaorg_context

    def loader(url: str, options: object = None) -> dict[str, object]:
        assert url == "https://schema.org", url  # nothing else may be fetched
        return {"contextUrl": None, "documentUrl": url, "document": schemaorg_context()}

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), result.graph())


def test_blank_nodes_in_graphs_are_written_deterministically(data: Dataset) -> None:
    q = "CONSTRUCT { ?p schema:name [ schema:value ?n ] } WHERE { ?p a schema:Person ; schema:name ?n }"
    outputs = {query(data, q).serialize(ResultFormat.TURTLE) for _ in range(3)}
    assert len(outputs) == 1


def test_format_mismatch_is_an_input_error(data: Dataset) -> None:
    rows = query(data, "SELECT ?s WHERE { ?s a schema:Person }")
    graph = query(data, "CONSTRUCT WHERE { ?s a schema:Person }")
    with pytest.raises(
        InputError, match="a SELECT result cannot be written as turtle; choose one of table, csv, tsv, json, xml"
    ):
        rows.serialize(ResultFormat.TURTLE)
    with pytest.raises(InputError, match="a CONSTRUCT result cannot be written as csv; choose one of turtle, json-ld"):
        graph.serialize(ResultFormat.CSV)


def test_rows_without_order_by_are_sorted_and_select_star_keeps_text_order(data: Dataset) -> None:
    result = query(data, "SELECT * WHERE { ?zeta schema:name ?alpha ; a schema:Person }")
    assert result.variables == ("zeta", "alpha")
    assert list(result.rows) == sorted(result.rows, key=lambda r: str(r[0]))
    again = query(data, "SELECT * WHERE { ?zeta schema:name ?alpha ; a schema:Person }", engine=Engine.OXIGRAPH)
    assert again == result


def test_blank_nodes_in_rows_are_relabelled_in_order() -> None:
    g = Graph()
    g.add((BNode(), SCHEMA.name, Literal("b")))
    g.add((BNode(), SCHEMA.name, Literal("a")))
    result = query(g, "SELECT ?x ?n WHERE { ?x schema:name ?n } ORDER BY ?n")
    assert [str(r[0]) for r in result.rows] == ["b0", "b1"]
    assert b"_:b0" in result.serialize(ResultFormat.TSV)


def test_special_characters_survive_every_format() -> None:
    g = Graph()
    tricky = 'quote " backslash \\ tab \t newline \n « » \u2013 ok'
    g.add((EX.s, SCHEMA.name, Literal(tricky, lang="en")))
    g.add((EX.s, SCHEMA.description, Literal("a,b")))
    result = query(g, "SELECT ?p ?v WHERE { ?s ?p ?v } ORDER BY ?p")
    rows = list(csv.reader(io.StringIO(result.serialize(ResultFormat.CSV).decode(), newline="")))
    assert rows[1:] == [[str(SCHEMA.description), "a,b"], [str(SCHEMA.name), tricky]]
    solutions = ox.parse_query_results(result.serialize(ResultFormat.TSV), format=ox.QueryResultsFormat.TSV)
    assert [s["v"].value for s in solutions] == ["a,b", tricky]
    root = ET.fromstring(result.serialize(ResultFormat.XML))
    assert tricky in [e.text for e in root.iter("{http://www.w3.org/2005/sparql-results#}literal")]


def test_xml_refuses_characters_xml_cannot_hold() -> None:
    g = Graph()
    g.add((EX.s, SCHEMA.name, Literal("bell \x07")))
    result = query(g, "SELECT ?v WHERE { ?s ?p ?v }")
    with pytest.raises(InputError, match=r"row 1, \?v holds the character U\+0007"):
        result.serialize(ResultFormat.XML)
    assert b"\\u0007" in result.serialize(ResultFormat.TSV)


def test_table_is_plain_text_with_every_row(data: Dataset) -> None:
    result = query(data, bundled_query("roles").text)
    table = result.serialize(ResultFormat.TABLE).decode("utf-8")
    assert "?personName" in table and "Secretary of State for Foreign Trade" in table
    assert "\x1b" not in table  # no colour codes outside a terminal
    assert len([line for line in table.splitlines() if "person/" in line]) == len(result.rows)
    assert table == result.serialize(ResultFormat.TABLE).decode("utf-8")


def test_serialisation_is_byte_identical_across_runs(data: Dataset) -> None:
    q = bundled_query("who-met-whom").text
    for fmt in (ResultFormat.CSV, ResultFormat.TSV, ResultFormat.JSON, ResultFormat.XML, ResultFormat.TABLE):
        assert query(data, q).serialize(fmt) == query(data, q, engine=Engine.OXIGRAPH).serialize(fmt)


def test_result_values_and_helpers() -> None:
    result = QueryResult(QueryKind.SELECT, ("a", "b"), ((Literal("x"), None), (None, URIRef(ID + "y"))))
    assert result.bindings() == [{"a": Literal("x")}, {"b": URIRef(ID + "y")}]
    assert ResultFormat.default_for(QueryKind.SELECT) is ResultFormat.CSV
    assert ResultFormat.default_for(QueryKind.SELECT, terminal=True) is ResultFormat.TABLE
    assert ResultFormat.default_for(QueryKind.DESCRIBE) is ResultFormat.TURTLE
    assert {f.media_type for f in ResultFormat} >= {"text/csv", "application/sparql-results+xml"}


# ---------------------------------------------------------------------------------------------
# Where queries come from


def test_load_query_from_text_file_and_bundle(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes('\ufeffASK { ?s schema:name "Ä" }'.encode())
    assert load_query(str(path)) == LoadedQuery(text='ASK { ?s schema:name "Ä" }', source=str(path))
    assert load_query("roles") == LoadedQuery(text=bundled_query("roles").text, source="queries/roles.rq")
    assert load_query("SELECT * {}").source == "query"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("whom-met-who", "no bundled query is called 'whom-met-who'; did you mean 'who-met-whom'?"),
        ("missing.rq", "missing.rq: no such query file"),
    ],
)
def test_load_query_errors(spec: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(QueryError, match=re.escape(message)):
        load_query(spec)


def test_load_query_refuses_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_bytes(b"ASK {\xff}")
    with pytest.raises(QueryError, match=re.escape("bad.rq: the query file is not UTF-8 (byte 5)")):
        load_query(str(path))


def test_bundled_queries_are_frozen_values() -> None:
    q = bundled_queries()[0]
    assert isinstance(q, BundledQuery)
    with pytest.raises(AttributeError):
        q.title = "x"  # type: ignore[misc]


def _walk(result: QueryResult) -> Iterator[object]:
    yield from (t for row in result.rows for t in row)


def test_results_hold_rdflib_terms_only(stores: dict[Engine, object]) -> None:
    for engine in Engine:
        result = query(stores[engine], bundled_query("mentions").text)  # type: ignore[arg-type]
        assert all(t is None or isinstance(t, URIRef | Literal | BNode) for t in _walk(result))
        assert OA.Annotation not in set(_walk(result))


# ---------------------------------------------------------------------------------------------
# The documentation


DOCS = Path("docs/queries.md")


def test_docs_list_every_bundled_query_with_its_columns() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for q in bundled_queries():
        columns = " ".join("?" + v for v, _ in q.variables)
        assert f"| `{q.name}` |" in text, q.name
        assert f"`{columns}`" in text, q.name


def test_docs_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOCS), "exec"), {})
