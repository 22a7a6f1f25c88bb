"""kzar_ld: publish news articles as validated, queryable schema.org + FOAF linked data.

The main job in three lines::

    >>> import kzar_ld
    >>> article = kzar_ld.load_article("examples/kazinform-2023-08-24")
    >>> graph = kzar_ld.build_graph(article)
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
from kzar_ld.serialize import Format, serialize, write

try:
    __version__ = version("kzar-ld")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0.0.0"

__all__ = [
    "Annotation",
    "AnnotationError",
    "Article",
    "ArticleError",
    "ArticleText",
    "DEFAULT_BASE",
    "Format",
    "InputError",
    "IriError",
    "IriMinter",
    "KzarError",
    "NotConformingError",
    "OutputError",
    "QueryError",
    "RdfSyntaxError",
    "RemoteError",
    "Span",
    "UnsafeInputError",
    "__version__",
    "annotation_json_schema",
    "build_graph",
    "load_annotation",
    "load_article",
    "parse_article_text",
    "read_article_text",
    "serialize",
    "slugify",
    "write",
]
