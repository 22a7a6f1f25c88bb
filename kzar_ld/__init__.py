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

from importlib.metadata import PackageNotFoundError, version

from kzar_ld.annotated import Article, Span, load_article
from kzar_ld.annotation import Annotation, annotation_json_schema, load_annotation
from kzar_ld.article import ArticleText, parse_article_text, read_article_text
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
)
from kzar_ld.iris import DEFAULT_BASE, IriMinter, slugify
from kzar_ld.mapping import build_graph
from kzar_ld.publishing import ArticleResult, PublishReport, PublishStatus, publish
from kzar_ld.rdfio import InputFormat, load_inputs, load_rdf, parse_rdf
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

try:
    __version__ = version("kzar-ld")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0.0.0"

__all__ = [
    "DEFAULT_BASE",
    "Annotation",
    "AnnotationError",
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
    "RemoteError",
    "ReportFormat",
    "ResultFormat",
    "Severity",
    "Span",
    "UnsafeInputError",
    "ValidationReport",
    "ValidationResult",
    "VocabProblem",
    "__version__",
    "annotation_json_schema",
    "build_graph",
    "bundled_queries",
    "bundled_query",
    "check_schema_usage",
    "load_annotation",
    "load_article",
    "load_inputs",
    "load_query",
    "load_rdf",
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
