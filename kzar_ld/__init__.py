"""kzar_ld: publish news articles as validated, queryable schema.org + FOAF linked data.

The main job in three lines (and one to write the result)::

    >>> import kzar_ld
    >>> article = kzar_ld.load_article("examples/kazinform-2023-08-24")
    >>> graph = kzar_ld.build_graph(article)
    >>> kzar_ld.validate(graph).raise_for_violations().conforms
    True
    >>> kzar_ld.serialize(graph, format=kzar_ld.Format.TURTLE)[:32]
    b'@base <https://kzar.example/id/>'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Heavy parts (pyshacl's caller, the SPARQL engines, requests) load on first use, so that
# `import kzar_ld` and every CLI command start fast; type checkers see the real imports.
if TYPE_CHECKING:
    from kzar_ld.annotated import Article, Span, load_article
    from kzar_ld.annotation import Annotation, annotation_json_schema, load_annotation
    from kzar_ld.article import ArticleText, parse_article_text, read_article_text
    from kzar_ld.defaults import DEFAULT_BASE
    from kzar_ld.diagnostics import InputWarning, WarningKind
    from kzar_ld.draft import draft
    from kzar_ld.errors import (
        AnnotationError,
        ArticleError,
        InputError,
        IriError,
        KzarError,
        NotConformingError,
        OutputError,
        QueryError,
        RdfSyntaxError,
        RemoteError,
        UnsafeInputError,
        WorkerError,
    )
    from kzar_ld.formats import Engine, Format, QueryMethod, ReportFormat, ResultFormat
    from kzar_ld.iris import IriMinter, slugify
    from kzar_ld.mapping import build_graph, count_unconfirmed
    from kzar_ld.pipeline import (
        Outcome,
        PipelineSettings,
        RdfWriter,
        Shard,
        Source,
        SourceKind,
        expand_sources,
        process_source,
        run_pipeline,
    )
    from kzar_ld.pipeline.graph_store import GraphStoreSink
    from kzar_ld.publishing import ArticleResult, PublishReport, PublishStatus, publish
    from kzar_ld.rdfio import InputFormat, load_inputs, load_rdf, parse_rdf
    from kzar_ld.remote import HttpSettings, UserAuth
    from kzar_ld.serialization import serialize, write
    from kzar_ld.shacl import Severity, ValidationReport, ValidationResult, validate
    from kzar_ld.sparql import (
        BundledQuery,
        QueryResult,
        bundled_queries,
        bundled_query,
        load_query,
        open_store,
        query,
        query_endpoint,
    )
    from kzar_ld.vocab import VocabProblem, check_schema_usage, with_inferred_types
    from kzar_ld.web import Site, build_site

_LAZY: dict[str, str] = {
    "GraphStoreSink": "kzar_ld.pipeline.graph_store",
    "Outcome": "kzar_ld.pipeline",
    "PipelineSettings": "kzar_ld.pipeline",
    "RdfWriter": "kzar_ld.pipeline",
    "Shard": "kzar_ld.pipeline",
    "Source": "kzar_ld.pipeline",
    "SourceKind": "kzar_ld.pipeline",
    "expand_sources": "kzar_ld.pipeline",
    "process_source": "kzar_ld.pipeline",
    "run_pipeline": "kzar_ld.pipeline",
    "Annotation": "kzar_ld.annotation",
    "AnnotationError": "kzar_ld.errors",
    "Article": "kzar_ld.annotated",
    "ArticleError": "kzar_ld.errors",
    "ArticleResult": "kzar_ld.publishing",
    "ArticleText": "kzar_ld.article",
    "BundledQuery": "kzar_ld.sparql",
    "DEFAULT_BASE": "kzar_ld.defaults",
    "Engine": "kzar_ld.formats",
    "Format": "kzar_ld.formats",
    "HttpSettings": "kzar_ld.remote",
    "QueryMethod": "kzar_ld.formats",
    "UserAuth": "kzar_ld.remote",
    "InputError": "kzar_ld.errors",
    "InputFormat": "kzar_ld.rdfio",
    "InputWarning": "kzar_ld.diagnostics",
    "IriError": "kzar_ld.errors",
    "IriMinter": "kzar_ld.iris",
    "KzarError": "kzar_ld.errors",
    "NotConformingError": "kzar_ld.errors",
    "OutputError": "kzar_ld.errors",
    "PublishReport": "kzar_ld.publishing",
    "PublishStatus": "kzar_ld.publishing",
    "QueryError": "kzar_ld.errors",
    "QueryResult": "kzar_ld.sparql",
    "RdfSyntaxError": "kzar_ld.errors",
    "RemoteError": "kzar_ld.errors",
    "ReportFormat": "kzar_ld.formats",
    "ResultFormat": "kzar_ld.formats",
    "Severity": "kzar_ld.shacl",
    "Site": "kzar_ld.web",
    "Span": "kzar_ld.annotated",
    "UnsafeInputError": "kzar_ld.errors",
    "WorkerError": "kzar_ld.errors",
    "ValidationReport": "kzar_ld.shacl",
    "ValidationResult": "kzar_ld.shacl",
    "VocabProblem": "kzar_ld.vocab",
    "WarningKind": "kzar_ld.diagnostics",
    "annotation_json_schema": "kzar_ld.annotation",
    "build_graph": "kzar_ld.mapping",
    "build_site": "kzar_ld.web",
    "bundled_queries": "kzar_ld.sparql",
    "bundled_query": "kzar_ld.sparql",
    "check_schema_usage": "kzar_ld.vocab",
    "count_unconfirmed": "kzar_ld.mapping",
    "draft": "kzar_ld.draft",
    "load_annotation": "kzar_ld.annotation",
    "load_article": "kzar_ld.annotated",
    "load_inputs": "kzar_ld.rdfio",
    "load_query": "kzar_ld.sparql",
    "load_rdf": "kzar_ld.rdfio",
    "open_store": "kzar_ld.sparql",
    "parse_article_text": "kzar_ld.article",
    "parse_rdf": "kzar_ld.rdfio",
    "publish": "kzar_ld.publishing",
    "query": "kzar_ld.sparql",
    "query_endpoint": "kzar_ld.sparql",
    "read_article_text": "kzar_ld.article",
    "serialize": "kzar_ld.serialization",
    "slugify": "kzar_ld.iris",
    "validate": "kzar_ld.shacl",
    "with_inferred_types": "kzar_ld.vocab",
    "write": "kzar_ld.serialization",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        # Written by the build (pyproject.toml is the one source); importlib.metadata, the
        # fallback for a tree that was never built, costs ~60 ms to import.
        try:
            from kzar_ld._version import __version__ as found
        except ImportError:  # pragma: no cover - running from a tree that was never built
            from importlib.metadata import PackageNotFoundError, version

            try:
                found = version("kzar-ld")
            except PackageNotFoundError:
                found = "0.0.0"
        globals()["__version__"] = found
        return found
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kzar_ld' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _export_order(name: str) -> tuple[int, str]:
    # isort style, as ruff keeps a literal __all__: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2), name


#: Every public name, from the one table above (a test checks the type checkers' imports agree).
__all__ = sorted([*_LAZY, "__version__"], key=_export_order)
