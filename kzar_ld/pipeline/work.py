"""The unit of work: one source in, one frozen :class:`Outcome` out.

:func:`process` reads a source (an annotated article directory or an RDF file), builds its graph,
validates it and serialises it as N-Quads. Whatever happens, it returns an :class:`Outcome`, a
frozen and picklable value that a process pool can send back and a sink can consume; a bad input
becomes a :class:`Failure` inside the outcome, never an exception that stops a batch.

Example:
    >>> from kzar_ld.pipeline.sources import Source, SourceKind
    >>> outcome = process_source(Source("examples/kazinform-2023-08-24", SourceKind.ARTICLE))
    >>> outcome.ok, outcome.article_id, outcome.triples > 500
    (True, '000_b748ee61ec8ac40c', True)
    >>> process_source(Source("examples/missing.yaml", SourceKind.ARTICLE)).failure.message
    'examples/missing.yaml: no such article directory or annotation file'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kzar_ld.defaults import DEFAULT_BASE, DEFAULT_MAX_BYTES
from kzar_ld.errors import KzarError
from kzar_ld.pipeline.sources import Source, SourceKind

if TYPE_CHECKING:
    from rdflib import Dataset

    from kzar_ld.annotated import Article
    from kzar_ld.diagnostics import InputWarning
    from kzar_ld.validation.shacl import ValidationReport

__all__ = ["EXIT_SOFTWARE", "Failure", "Outcome", "PipelineSettings", "process_article", "process_source"]

#: Exit code of a failure that is a defect of kzar_ld, not of the input (``EX_SOFTWARE``).
EXIT_SOFTWARE = 70


@dataclass(frozen=True)
class PipelineSettings:
    """How every source of a run is processed.

    ``base``: the base IRI of minted IRIs; ``validate``: run the SHACL shapes; ``max_bytes``:
    refuse input files larger than this; ``entities``: the shared-entity file articles refer to
    (``None``: ``entities.yaml`` beside the article directories, if there is one).
    """

    base: str = DEFAULT_BASE
    validate: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    entities: str | None = None


@dataclass(frozen=True)
class Failure:
    """Why a source gave no graph: the one-line message (file and line first) and its exit code."""

    message: str
    exit_code: int
    kind: str

    @classmethod
    def from_error(cls, exc: BaseException, *, source: str) -> Failure:
        """The failure for an exception raised while processing ``source``."""
        if isinstance(exc, KzarError):
            message = str(exc) if exc.source is not None else f"{source}: {exc}"
            return cls(message=message, exit_code=exc.exit_code, kind=type(exc).__name__)
        return cls(
            message=f"{source}: internal error ({type(exc).__name__}: {exc}); please report it",
            exit_code=EXIT_SOFTWARE,
            kind=type(exc).__name__,
        )

    def to_error(self) -> KzarError:
        """The failure as an exception of the class it was raised as (the message names the input).

        >>> Failure("a.yaml:3: unknown id 'x'", 2, "AnnotationError").to_error()
        AnnotationError("a.yaml:3: unknown id 'x'")
        """
        from kzar_ld import errors

        kind = getattr(errors, self.kind, None)
        if not (isinstance(kind, type) and issubclass(kind, KzarError)) or kind is errors.RemoteError:
            kind = KzarError
        elif issubclass(kind, errors.AnnotationErrors):  # several errors: the message holds them all
            kind = errors.AnnotationError
        error = kind(self.message)
        error.exit_code = self.exit_code
        return error


@dataclass(frozen=True)
class Outcome:
    """What processing one source gave.

    ``nquads`` holds the source's statements (sorted, as :func:`kzar_ld.serialize` writes them)
    and is empty on failure; ``graphs`` names the graphs it fills (``""`` for a default graph);
    ``report`` is ``None`` when validation was skipped or the source failed earlier;
    ``timings`` are seconds per stage, in the order they ran; ``warnings`` are what the input
    parsed with but a person should look at (a headline that reads like a paragraph…);
    ``unconfirmed`` counts the drafted items of the graph that no editor confirmed.
    """

    source: Source
    article_id: str | None = None
    graphs: tuple[str, ...] = ()
    nquads: bytes = b""
    triples: int = 0
    report: ValidationReport | None = None
    failure: Failure | None = None
    timings: tuple[tuple[str, float], ...] = field(default=())
    warnings: tuple[InputWarning, ...] = ()
    unconfirmed: int = 0

    @property
    def conforms(self) -> bool:
        """True unless validation ran and found a violation."""
        return self.report is None or self.report.conforms

    @property
    def ok(self) -> bool:
        """True when the source gave a graph that may be written: no failure, no violation."""
        return self.failure is None and self.conforms

    @property
    def exit_code(self) -> int:
        """0 when ok, 1 for violations, otherwise the failure's exit code."""
        if self.failure is not None:
            return self.failure.exit_code
        return 0 if self.conforms else 1

    @property
    def label(self) -> str:
        """The article id, or the source path when there is none."""
        return self.article_id or self.source.path


def process_source(source: Source, settings: PipelineSettings | None = None) -> Outcome:
    """Read, build, validate and serialise one source; never raises for bad input.

    ``KeyboardInterrupt`` and ``SystemExit`` pass through; any other exception becomes a
    :class:`Failure` (exit code 70 when it is not a :class:`~kzar_ld.errors.KzarError`).
    """
    return _process(source, settings or PipelineSettings(), article=None)


def process_article(article: Article, settings: PipelineSettings | None = None) -> Outcome:
    """The same as :func:`process_source` for an article loaded already (:func:`kzar_ld.load_article`).

    >>> from kzar_ld import load_article
    >>> process_article(load_article("examples/kazinform-2023-08-24")).ok
    True
    """
    source = Source(str(article.source), SourceKind.ARTICLE)
    return _process(source, settings or PipelineSettings(), article=article)


def _process(source: Source, settings: PipelineSettings, *, article: Article | None) -> Outcome:
    timings: list[tuple[str, float]] = []
    article_id: str | None = None
    warnings: tuple[InputWarning, ...] = ()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings.append((stage, now - clock))
        clock = now

    report = None
    try:
        if source.kind in (SourceKind.ARTICLE, SourceKind.DRAFT):
            from kzar_ld.mapping import article_statements, count_unconfirmed_statements, graph_namespaces
            from kzar_ld.serialization import graph_nquads

            if article is None and source.kind is SourceKind.DRAFT:
                from kzar_ld.drafting import load_drafted_article

                article = load_drafted_article(source.path, max_bytes=settings.max_bytes)
                lap("draft")
            elif article is None:
                from kzar_ld.annotated import load_article

                article = load_article(source.path, entities=settings.entities, max_bytes=settings.max_bytes)
                lap("load")
            article_id = article.id
            warnings = article.warnings
            # The statements stay a list: serialised and validated as they are, never stored.
            name, statements = article_statements(article, base=settings.base)
            lap("build")
            nquads = graph_nquads(name, statements)
            graphs: tuple[str, ...] = (str(name),) if statements else ()
            triples = len(statements)
            unconfirmed = count_unconfirmed_statements(statements)
            lap("serialize")
            if settings.validate:
                from kzar_ld.validation.shacl import validate_statements

                # the N-Quads are written anyway: Oxigraph reads them for the SPARQL constraints
                report = validate_statements(name, statements, nquads, namespaces=graph_namespaces())
                lap("validate")
        else:
            from kzar_ld.rdfio.reader import InputFormat, load_rdf, parse_rdf

            fmt = InputFormat(source.format) if source.format is not None else None
            if source.data is not None:
                dataset = parse_rdf(
                    source.data, format=fmt or InputFormat.TURTLE, source="<stdin>", max_bytes=settings.max_bytes
                )
            else:
                dataset = load_rdf(source.path, format=fmt, max_bytes=settings.max_bytes)
            lap("load")
            nquads, graphs, triples = _nquads(dataset)
            unconfirmed = 0
            lap("serialize")
            if settings.validate:
                from kzar_ld.validation.shacl import validate_serialized

                report = validate_serialized(dataset, nquads)
                lap("validate")
    except Exception as exc:  # one bad source must never stop a batch
        return Outcome(
            source=source,
            article_id=article_id,
            failure=Failure.from_error(exc, source=source.path),
            timings=tuple(timings),
            warnings=warnings,
        )
    return Outcome(
        source=source,
        article_id=article_id,
        graphs=graphs,
        nquads=nquads,
        triples=triples,
        report=report,
        timings=tuple(timings),
        warnings=warnings,
        unconfirmed=unconfirmed,
    )


def _nquads(dataset: Dataset) -> tuple[bytes, tuple[str, ...], int]:
    from kzar_ld.serialization import Format, graph_names, serialize

    data = serialize(dataset, format=Format.NQUADS)
    return data, graph_names(dataset), data.count(b"\n")
