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
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

# Heavy parts (pyshacl's caller, the SPARQL engines, requests) load on first use, so that
# `import kzar_ld` and every CLI command start fast; type checkers see the real imports.
if TYPE_CHECKING:
    from kzar_ld.annotated import Article, Span, load_article
    from kzar_ld.annotation import Annotation, annotation_json_schema, load_annotation
    from kzar_ld.article import ArticleText, parse_article_text, read_article_text
    from kzar_ld.diagnostics import InputWarning, WarningKind
    from kzar_ld.errors import (
        AnnotationError,
        AnnotationErrors,
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
    )
    from kzar_ld.iris import DEFAULT_BASE, IriMinter, slugify
    from kzar_ld.mapping import build_graph
    from kzar_ld.publishing import ArticleResult, PublishReport, PublishStatus, publish
    from kzar_ld.rdfio import InputFormat, load_inputs, load_rdf, parse_rdf
    from kzar_ld.registry import Registry, check_shared_entities, load_registry
    from kzar_ld.remote import HttpSettings
    from kzar_ld.serialization import Format, serialize, write
    from kzar_ld.shacl import ReportFormat, Severity, ValidationReport, ValidationResult, validate
    from kzar_ld.sparql import (
        BundledQuery,
        Engine,
        QueryResult,
        ResultFormat,
        bundled_queries,
        bundled_query,
        load_query,
        open_store,
        query,
        query_endpoint,
    )
    from kzar_ld.vocab import VocabProblem, check_schema_usage, with_inferred_types

_LAZY: dict[str, str] = {
    "Annotation": "kzar_ld.annotation",
    "AnnotationError": "kzar_ld.errors",
    "AnnotationErrors": "kzar_ld.errors",
    "Article": "kzar_ld.annotated",
    "ArticleError": "kzar_ld.errors",
    "ArticleResult": "kzar_ld.publishing",
    "ArticleText": "kzar_ld.article",
    "BundledQuery": "kzar_ld.sparql",
    "DEFAULT_BASE": "kzar_ld.iris",
    "Engine": "kzar_ld.sparql",
    "Format": "kzar_ld.serialization",
    "HttpSettings": "kzar_ld.remote",
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
    "Registry": "kzar_ld.registry",
    "RemoteError": "kzar_ld.errors",
    "ReportFormat": "kzar_ld.shacl",
    "ResultFormat": "kzar_ld.sparql",
    "Severity": "kzar_ld.shacl",
    "Span": "kzar_ld.annotated",
    "UnsafeInputError": "kzar_ld.errors",
    "ValidationReport": "kzar_ld.shacl",
    "ValidationResult": "kzar_ld.shacl",
    "VocabProblem": "kzar_ld.vocab",
    "WarningKind": "kzar_ld.diagnostics",
    "annotation_json_schema": "kzar_ld.annotation",
    "build_graph": "kzar_ld.mapping",
    "bundled_queries": "kzar_ld.sparql",
    "bundled_query": "kzar_ld.sparql",
    "check_shared_entities": "kzar_ld.registry",
    "check_schema_usage": "kzar_ld.vocab",
    "load_annotation": "kzar_ld.annotation",
    "load_article": "kzar_ld.annotated",
    "load_inputs": "kzar_ld.rdfio",
    "load_query": "kzar_ld.sparql",
    "load_rdf": "kzar_ld.rdfio",
    "load_registry": "kzar_ld.registry",
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
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kzar_ld' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


try:
    __version__ = version("kzar-ld")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0.0.0"

__all__ = [
    "DEFAULT_BASE",
    "Annotation",
    "AnnotationError",
    "AnnotationErrors",
    "Article",
    "ArticleError",
    "ArticleResult",
    "ArticleText",
    "BundledQuery",
    "Engine",
    "Format",
    "HttpSettings",
    "InputError",
    "InputFormat",
    "InputWarning",
    "IriError",
    "IriMinter",
    "KzarError",
    "NotConformingError",
    "OutputError",
    "PublishReport",
    "PublishStatus",
    "QueryError",
    "QueryResult",
    "RdfSyntaxError",
    "Registry",
    "RemoteError",
    "ReportFormat",
    "ResultFormat",
    "Severity",
    "Span",
    "UnsafeInputError",
    "ValidationReport",
    "ValidationResult",
    "VocabProblem",
    "WarningKind",
    "__version__",
    "annotation_json_schema",
    "build_graph",
    "bundled_queries",
    "bundled_query",
    "check_schema_usage",
    "check_shared_entities",
    "load_annotation",
    "load_article",
    "load_inputs",
    "load_query",
    "load_rdf",
    "load_registry",
    "open_store",
    "parse_article_text",
    "parse_rdf",
    "publish",
    "query",
    "query_endpoint",
    "read_article_text",
    "serialize",
    "slugify",
    "validate",
    "with_inferred_types",
    "write",
]
