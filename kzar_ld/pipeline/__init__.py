"""The per-article pipeline every command is made of.

    source (article directory | RDF file) ─> graph ─> validation ─> Outcome (frozen, picklable)
        run in order by this process or a process pool, memory bounded by the workers
    Outcome ─> sinks: RDF writer (any syntax, file or stdout) · Graph Store · site

- :mod:`~kzar_ld.pipeline.sources`: expand command-line inputs into :class:`Source` values, shard them;
- :mod:`~kzar_ld.pipeline.work`: :func:`process`, the unit of work, and its :class:`Outcome`;
- :mod:`~kzar_ld.pipeline.runner`: :func:`run` over many sources, with ``jobs`` workers;
- :mod:`~kzar_ld.pipeline.sinks`: :class:`RdfWriter`.

Example:
    >>> outcomes = list(run_pipeline(expand_sources(["examples"]), settings=PipelineSettings(validate=True)))
    >>> [(o.article_id, o.ok) for o in outcomes]
    [('000_b748ee61ec8ac40c', True)]
"""

from __future__ import annotations

from kzar_ld.pipeline.runner import default_jobs, run_pipeline
from kzar_ld.pipeline.sinks import RdfWriter
from kzar_ld.pipeline.sources import Shard, Source, SourceKind, expand_sources
from kzar_ld.pipeline.work import Failure, Outcome, PipelineSettings, process_article, process_source

__all__ = [
    "Failure",
    "Outcome",
    "PipelineSettings",
    "RdfWriter",
    "Shard",
    "Source",
    "SourceKind",
    "default_jobs",
    "expand_sources",
    "process_article",
    "process_source",
    "run_pipeline",
]
