"""Sinks consume outcomes: the RDF writer here; the Graph Store and the site plug in beside it.

:class:`RdfWriter` writes the outcomes of a run to one binary stream in any syntax. N-Quads and
TriG keep one named graph per article, so they stream: each article is written as it arrives and
memory stays bounded however large the run. Turtle, N-Triples, RDF/XML and JSON-LD hold the union
of the articles' graphs (shared entities once), which needs every statement before the first is
written: those syntaxes keep the run's statements until :meth:`RdfWriter.close`.

Example:
    >>> import io
    >>> from kzar_ld.pipeline.runner import run_pipeline
    >>> from kzar_ld.pipeline.work import PipelineSettings
    >>> from kzar_ld.pipeline.sources import expand_sources
    >>> out = io.BytesIO()
    >>> with RdfWriter(out, format=Format.NQUADS) as writer:
    ...     for outcome in run_pipeline(expand_sources(["examples"]), settings=PipelineSettings(validate=False)):
    ...         writer.add(outcome)
    >>> out.getvalue().count(b"\\n") == writer.triples
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import BinaryIO

from kzar_ld.errors import InputError
from kzar_ld.pipeline.work import Outcome
from kzar_ld.serialization import Format

__all__ = ["GraphOwners", "RdfWriter", "gather_nquads"]


class RdfWriter:
    """Write outcomes to ``stream`` in ``format``, in the order they are added.

    Only outcomes that are :attr:`~kzar_ld.pipeline.work.Outcome.ok` may be added. Used as a
    context manager, the writer is closed (the union syntaxes written) when the block ends
    without an exception; after an exception nothing more is written.
    """

    def __init__(self, stream: BinaryIO, *, format: Format) -> None:
        self.stream = stream
        self.format = Format(format)
        self.articles = 0
        self.triples = 0
        self._held: list[bytes] = []
        self._header_written = False
        self._closed = False

    def __enter__(self) -> RdfWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()

    def add(self, outcome: Outcome) -> None:
        """Write (or keep, for the union syntaxes) one outcome's statements."""
        if not outcome.ok:
            raise ValueError(f"{outcome.source.path}: only outcomes that are ok can be written")
        if self._closed:
            raise ValueError("this writer is closed")
        self.articles += 1
        self.triples += outcome.triples
        if self.format is Format.NQUADS:
            self.stream.write(outcome.nquads)
        elif self.format is Format.TRIG:
            from kzar_ld.serialization import nquads_to_trig

            text = nquads_to_trig(outcome.nquads, header=not self._header_written)
            self._header_written = True
            self.stream.write(text)
        else:
            self._held.append(outcome.nquads)

    def close(self) -> None:
        """Write what the union syntaxes kept; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self.format.has_graphs:
            return
        from kzar_ld.serialization import nquads_to_dataset, serialize

        held, self._held = self._held, []
        dataset = nquads_to_dataset(held)
        del held
        data = serialize(dataset, format=self.format) if len(dataset) else b""
        self.stream.write(data)


class GraphOwners:
    """Each named graph comes from one source: a second source that fills it is an error.

    >>> from kzar_ld.pipeline.sources import Source, SourceKind
    >>> owners = GraphOwners()
    >>> one = Outcome(source=Source("a.nq", SourceKind.RDF), graphs=("https://x.example/g",))
    >>> owners.check(one) is one
    True
    >>> owners.check(Outcome(source=Source("b.nq", SourceKind.RDF), graphs=("https://x.example/g",)))
    Traceback (most recent call last):
    ...
    kzar_ld.errors.InputError: b.nq: holds the graph <https://x.example/g> that a.nq also holds; give each graph once
    """

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}

    def check(self, outcome: Outcome) -> Outcome:
        """Return ``outcome``, or raise :class:`~kzar_ld.errors.InputError` naming both sources."""
        for name in outcome.graphs:
            if not name:  # default graphs merge
                continue
            owner = self._owners.setdefault(name, outcome.source.path)
            if owner != outcome.source.path:
                raise InputError(
                    f"holds the graph <{name}> that {owner} also holds; give each graph once",
                    source=outcome.source.path,
                )
        return outcome


def gather_nquads(outcomes: Iterable[Outcome]) -> list[bytes]:
    """The N-Quads of every outcome, in order, each named graph from one source.

    The first outcome that failed is raised as the error it was (the message names its input).
    """
    owners = GraphOwners()
    chunks = []
    for outcome in outcomes:
        if outcome.failure is not None:
            raise outcome.failure.to_error()
        chunks.append(owners.check(outcome).nquads)
    return chunks
