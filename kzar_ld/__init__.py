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
# `import kzar_ld` and every CLI command start fast; type checkers see the real imports, each
# an explicit re-export (`name as name`), since __all__ is computed.
if TYPE_CHECKING:
    from kzar_ld.annotated import Article as Article
    from kzar_ld.annotated import Span as Span
    from kzar_ld.annotated import load_article as load_article
    from kzar_ld.annotation import (
        Annotation as Annotation,
    )
    from kzar_ld.annotation import (
        annotation_json_schema as annotation_json_schema,
    )
    from kzar_ld.annotation import (
        load_annotation as load_annotation,
    )
    from kzar_ld.article import (
        ArticleText as ArticleText,
    )
    from kzar_ld.article import (
        parse_article_text as parse_article_text,
    )
    from kzar_ld.article import (
        read_article_text as read_article_text,
    )
    from kzar_ld.defaults import DEFAULT_BASE as DEFAULT_BASE
    from kzar_ld.diagnostics import InputWarning as InputWarning
    from kzar_ld.diagnostics import WarningKind as WarningKind
    from kzar_ld.drafting import draft as draft
    from kzar_ld.errors import (
        AnnotationError as AnnotationError,
    )
    from kzar_ld.errors import (
        AnnotationErrors as AnnotationErrors,
    )
    from kzar_ld.errors import (
        ArticleError as ArticleError,
    )
    from kzar_ld.errors import (
        InputError as InputError,
    )
    from kzar_ld.errors import (
        IriError as IriError,
    )
    from kzar_ld.errors import (
        KzarError as KzarError,
    )
    from kzar_ld.errors import (
        NotConformingError as NotConformingError,
    )
    from kzar_ld.errors import (
        OutputError as OutputError,
    )
    from kzar_ld.errors import (
        QueryError as QueryError,
    )
    from kzar_ld.errors import (
        RdfSyntaxError as RdfSyntaxError,
    )
    from kzar_ld.errors import (
        RemoteError as RemoteError,
    )
    from kzar_ld.errors import (
        UnsafeInputError as UnsafeInputError,
    )
    from kzar_ld.errors import (
        WorkerError as WorkerError,
    )
    from kzar_ld.formats import (
        Engine as Engine,
    )
    from kzar_ld.formats import (
        Format as Format,
    )
    from kzar_ld.formats import (
        QueryMethod as QueryMethod,
    )
    from kzar_ld.formats import (
        ReportFormat as ReportFormat,
    )
    from kzar_ld.formats import (
        ResultFormat as ResultFormat,
    )
    from kzar_ld.iris import IriMinter as IriMinter
    from kzar_ld.iris import slugify as slugify
    from kzar_ld.mapping import build_graph as build_graph
    from kzar_ld.mapping import count_unconfirmed as count_unconfirmed
    from kzar_ld.pipeline import (
        Outcome as Outcome,
    )
    from kzar_ld.pipeline import (
        PipelineSettings as PipelineSettings,
    )
    from kzar_ld.pipeline import (
        RdfWriter as RdfWriter,
    )
    from kzar_ld.pipeline import (
        Shard as Shard,
    )
    from kzar_ld.pipeline import (
        Source as Source,
    )
    from kzar_ld.pipeline import (
        SourceKind as SourceKind,
    )
    from kzar_ld.pipeline import (
        expand_sources as expand_sources,
    )
    from kzar_ld.pipeline import (
        process_source as process_source,
    )
    from kzar_ld.pipeline import (
        run_pipeline as run_pipeline,
    )
    from kzar_ld.pipeline.graph_store import GraphStoreSink as GraphStoreSink
    from kzar_ld.publishing import (
        ArticleResult as ArticleResult,
    )
    from kzar_ld.publishing import (
        PublishReport as PublishReport,
    )
    from kzar_ld.publishing import (
        PublishStatus as PublishStatus,
    )
    from kzar_ld.publishing import (
        publish as publish,
    )
    from kzar_ld.rdfio.reader import (
        InputFormat as InputFormat,
    )
    from kzar_ld.rdfio.reader import (
        load_inputs as load_inputs,
    )
    from kzar_ld.rdfio.reader import (
        load_rdf as load_rdf,
    )
    from kzar_ld.rdfio.reader import (
        parse_rdf as parse_rdf,
    )
    from kzar_ld.registry import Registry as Registry
    from kzar_ld.registry import check_shared_entities as check_shared_entities
    from kzar_ld.registry import load_registry as load_registry
    from kzar_ld.remote import HttpSettings as HttpSettings
    from kzar_ld.remote import UserAuth as UserAuth
    from kzar_ld.serialization import serialize as serialize
    from kzar_ld.serialization import write as write
    from kzar_ld.sparql.engine import (
        BundledQuery as BundledQuery,
    )
    from kzar_ld.sparql.engine import (
        QueryResult as QueryResult,
    )
    from kzar_ld.sparql.engine import (
        bundled_queries as bundled_queries,
    )
    from kzar_ld.sparql.engine import (
        bundled_query as bundled_query,
    )
    from kzar_ld.sparql.engine import (
        load_query as load_query,
    )
    from kzar_ld.sparql.engine import (
        open_store as open_store,
    )
    from kzar_ld.sparql.engine import (
        query as query,
    )
    from kzar_ld.sparql.engine import (
        query_endpoint as query_endpoint,
    )
    from kzar_ld.validation.shacl import (
        Severity as Severity,
    )
    from kzar_ld.validation.shacl import (
        ValidationReport as ValidationReport,
    )
    from kzar_ld.validation.shacl import (
        ValidationResult as ValidationResult,
    )
    from kzar_ld.validation.shacl import (
        validate as validate,
    )
    from kzar_ld.validation.vocab import (
        VocabProblem as VocabProblem,
    )
    from kzar_ld.validation.vocab import (
        check_schema_usage as check_schema_usage,
    )
    from kzar_ld.validation.vocab import (
        with_inferred_types as with_inferred_types,
    )
    from kzar_ld.web import Site as Site
    from kzar_ld.web import build_site as build_site

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
    "AnnotationErrors": "kzar_ld.errors",
    "Article": "kzar_ld.annotated",
    "ArticleError": "kzar_ld.errors",
    "ArticleResult": "kzar_ld.publishing",
    "ArticleText": "kzar_ld.article",
    "BundledQuery": "kzar_ld.sparql.engine",
    "DEFAULT_BASE": "kzar_ld.defaults",
    "Engine": "kzar_ld.formats",
    "Format": "kzar_ld.formats",
    "HttpSettings": "kzar_ld.remote",
    "QueryMethod": "kzar_ld.formats",
    "UserAuth": "kzar_ld.remote",
    "InputError": "kzar_ld.errors",
    "InputFormat": "kzar_ld.rdfio.reader",
    "InputWarning": "kzar_ld.diagnostics",
    "IriError": "kzar_ld.errors",
    "IriMinter": "kzar_ld.iris",
    "KzarError": "kzar_ld.errors",
    "NotConformingError": "kzar_ld.errors",
    "OutputError": "kzar_ld.errors",
    "PublishReport": "kzar_ld.publishing",
    "PublishStatus": "kzar_ld.publishing",
    "QueryError": "kzar_ld.errors",
    "QueryResult": "kzar_ld.sparql.engine",
    "RdfSyntaxError": "kzar_ld.errors",
    "Registry": "kzar_ld.registry",
    "RemoteError": "kzar_ld.errors",
    "ReportFormat": "kzar_ld.formats",
    "ResultFormat": "kzar_ld.formats",
    "Severity": "kzar_ld.validation.shacl",
    "Site": "kzar_ld.web",
    "Span": "kzar_ld.annotated",
    "UnsafeInputError": "kzar_ld.errors",
    "WorkerError": "kzar_ld.errors",
    "ValidationReport": "kzar_ld.validation.shacl",
    "ValidationResult": "kzar_ld.validation.shacl",
    "VocabProblem": "kzar_ld.validation.vocab",
    "WarningKind": "kzar_ld.diagnostics",
    "annotation_json_schema": "kzar_ld.annotation",
    "build_graph": "kzar_ld.mapping",
    "build_site": "kzar_ld.web",
    "bundled_queries": "kzar_ld.sparql.engine",
    "bundled_query": "kzar_ld.sparql.engine",
    "check_schema_usage": "kzar_ld.validation.vocab",
    "count_unconfirmed": "kzar_ld.mapping",
    "draft": "kzar_ld.drafting",
    "load_annotation": "kzar_ld.annotation",
    "load_article": "kzar_ld.annotated",
    "load_inputs": "kzar_ld.rdfio.reader",
    "load_query": "kzar_ld.sparql.engine",
    "load_rdf": "kzar_ld.rdfio.reader",
    "open_store": "kzar_ld.sparql.engine",
    "check_shared_entities": "kzar_ld.registry",
    "load_registry": "kzar_ld.registry",
    "parse_article_text": "kzar_ld.article",
    "parse_rdf": "kzar_ld.rdfio.reader",
    "publish": "kzar_ld.publishing",
    "query": "kzar_ld.sparql.engine",
    "query_endpoint": "kzar_ld.sparql.engine",
    "read_article_text": "kzar_ld.article",
    "serialize": "kzar_ld.serialization",
    "slugify": "kzar_ld.iris",
    "validate": "kzar_ld.validation.shacl",
    "with_inferred_types": "kzar_ld.validation.vocab",
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
