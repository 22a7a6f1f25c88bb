"""``kzar-ld query``: ask SPARQL questions of articles, RDF files or a SPARQL endpoint."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kzar_ld.cli import Command, app, cli_errors
from kzar_ld.cli.batch import JobsOption
from kzar_ld.defaults import DEFAULT_BASE
from kzar_ld.formats import Engine, QueryMethod, ResultFormat
from kzar_ld.formats import Format as InputFormat

if TYPE_CHECKING:
    from kzar_ld.sparql.engine import BundledQuery, QueryResult
    from kzar_ld.sparql.stores import QueryStore

# Up to this many --data inputs are queried with rdflib; beyond, Oxigraph loads and answers faster.
_HANDFUL = 8

_EPILOG = """
Examples:

  kzar-ld query --list

  kzar-ld query who-met-whom --data examples/kazinform-2023-08-24

  kzar-ld query roles --data examples/kazinform-2023-08-24
  --bind person=https://kzar.example/id/person/welber-barral --format csv

  kzar-ld query 'SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }'
  --data corpus.trig --engine oxigraph --timeout 30

  kzar-ld query questions/visits.rq --format json
  --endpoint 'http://127.0.0.1:7878/query?union-default-graph'

QUERY is SPARQL text, a .rq file, or the name of a bundled query (--list). The prefixes
schema, foaf, oa, kzar, xsd, rdf, rdfs and owl are predeclared.

Output: SELECT as table (on a terminal), csv (otherwise), tsv, json or xml; ASK as true or
false; CONSTRUCT and DESCRIBE as turtle (default) or json-ld.

Exit codes: 0 ok (ASK: true); 1 ASK answered false; 2 bad query, input or usage (also a refused
SERVICE, LOAD, update or FROM, and a timeout); 3 the endpoint failed.
"""


@app.command(name="query", epilog=_EPILOG, cls=Command)
def query_command(
    query: Annotated[
        str | None,
        typer.Argument(
            help="SPARQL text, a .rq file, or a bundled query's name.",
            metavar="QUERY",
            show_default=False,
        ),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            metavar="INPUT",
            help="An article directory, a directory of them, or an RDF file (any syntax kzar-ld writes; "
            "- for stdin); repeatable.",
            show_default=False,
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            "-e",
            metavar="URL",
            help="A SPARQL 1.1 query endpoint, e.g. http://127.0.0.1:7878/query.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        ResultFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table, csv, tsv, json, xml (rows); turtle, json-ld (graphs).",
            show_default=False,
        ),
    ] = None,
    bind: Annotated[
        list[str] | None,
        typer.Option(
            "--bind",
            "-b",
            help='Give a variable a value: NAME=VALUE (an IRI, "text", "1"^^xsd:integer).',
            metavar="NAME=VALUE",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(metavar="SECONDS", help="Stop the query after this many seconds.", min=0.001, show_default=False),
    ] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            help=f"Engine for --data: rdflib or oxigraph; default: rdflib for up to {_HANDFUL} inputs, "
            "oxigraph beyond.",
            show_default=False,
        ),
    ] = None,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Let SERVICE call remote endpoints.")] = False,
    allow_load: Annotated[
        bool,
        typer.Option("--allow-load", help="Let FROM load graphs that are not among the --data."),
    ] = False,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(help="Syntax of the --data files, if their extension does not say."),
    ] = None,
    base: Annotated[
        str, typer.Option(metavar="IRI", help="Base IRI for article directories given with --data.")
    ] = DEFAULT_BASE,
    jobs: JobsOption = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the bundled queries and exit.")] = False,
    query_method: Annotated[
        QueryMethod,
        typer.Option(help="How --endpoint gets the query: post-form (every store), post-direct or get."),
    ] = QueryMethod.POST_FORM,
) -> None:
    """Run a SPARQL query over articles and RDF files (--data) or a SPARQL endpoint (--endpoint).

    SERVICE, LOAD, updates and FROM of graphs not given are refused unless allowed.
    """
    from kzar_ld.errors import InputError
    from kzar_ld.sparql.engine import (
        bundled_queries,
        load_query,
        parse_binding,
        query_endpoint,
    )
    from kzar_ld.sparql.engine import query as run_query
    from kzar_ld.sparql.safety import parse_query

    with cli_errors():
        if list_queries:
            _print_list(bundled_queries())
            return
        if query is None:
            raise InputError("give a QUERY (SPARQL text, a .rq file or a bundled query; see --list)")
        if bool(data) == bool(endpoint):
            raise InputError("give either --data INPUT... or --endpoint URL (exactly one of them)")
        if endpoint and (engine is not None or allow_load or input_format is not None):
            raise InputError("--engine, --allow-load and --input-format apply to --data only")
        loaded = load_query(query)
        bindings = dict(parse_binding(item) for item in bind or ())
        # Parse first: a bad query or format fails before any data is read.
        kind = parse_query(loaded.text, source=loaded.source, allow_service=allow_service).kind
        terminal = sys.stdout.isatty()
        fmt = format or ResultFormat.default_for(kind, terminal=terminal)
        fmt.check(kind)
        if endpoint:
            result = query_endpoint(
                endpoint,
                loaded.text,
                bindings=bindings,
                allow_service=allow_service,
                timeout=timeout,
                query_method=query_method,
                source=loaded.source,
            )
        else:
            result = run_query(
                _load_data(data or [], input_format=input_format, base=base, engine=engine, jobs=jobs),
                loaded.text,
                bindings=bindings,
                allow_service=allow_service,
                allow_load=allow_load,
                timeout=timeout,
                source=loaded.source,
            )
        _render(result, fmt, terminal=terminal)
    if result.boolean is False:
        raise typer.Exit(code=1)


def _load_data(
    paths: list[str], *, input_format: InputFormat | None, base: str, engine: Engine | None, jobs: int | None
) -> QueryStore:
    """Read the --data inputs through the pipeline (no validation) into the engine's store."""
    from kzar_ld.cli.batch import expand
    from kzar_ld.iris import validate_base
    from kzar_ld.pipeline import PipelineSettings, default_jobs, run_pipeline
    from kzar_ld.pipeline.sinks import gather_nquads
    from kzar_ld.serialization import nquads_to_dataset
    from kzar_ld.sparql.stores import OxigraphStore, RdflibStore

    validate_base(base)
    sources = expand(paths, shard=None, rdf=True, input_format=None if input_format is None else input_format.value)
    chosen = engine or (Engine.OXIGRAPH if len(sources) > _HANDFUL else Engine.RDFLIB)
    settings = PipelineSettings(base=base, validate=False)
    chunks = gather_nquads(run_pipeline(sources, settings=settings, jobs=jobs or default_jobs(), fail_fast=True))
    if chosen is Engine.OXIGRAPH:
        return OxigraphStore.from_nquads(chunks)
    return RdflibStore(nquads_to_dataset(chunks, default_union=False))


def _render(result: QueryResult, fmt: ResultFormat, *, terminal: bool) -> None:
    if fmt is ResultFormat.TABLE and terminal:
        from rich.console import Console

        Console().print(result.rich_table())
        return
    sys.stdout.buffer.write(result.serialize(fmt))
    sys.stdout.buffer.flush()


def _print_list(queries: tuple[BundledQuery, ...]) -> None:
    width = max((len(q.name) for q in queries), default=0)
    for q in queries:
        typer.echo(f"{q.name.ljust(width)}  {q.title}")
        typer.echo(f"{''.ljust(width)}  returns {' '.join('?' + v for v, _ in q.variables)}")
