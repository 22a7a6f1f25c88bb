"""Run the unit of work over many sources: in this process or a process pool, in order, bounded.

:func:`run` yields one :class:`~kzar_ld.pipeline.work.Outcome` per source, in the order of the
sources, whatever ``jobs`` is, so every sink writes the same bytes for ``jobs=1`` and ``jobs=8``.
At most a few outcomes per worker are in flight at once, so memory is bounded by ``jobs``, not
by the number of sources.

Example:
    >>> from kzar_ld.pipeline.sources import expand_sources
    >>> [o.article_id for o in run_pipeline(expand_sources(["examples"]), settings=PipelineSettings(validate=False))]
    ['000_b748ee61ec8ac40c']
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kzar_ld._stop import check_stop
from kzar_ld.errors import WorkerError
from kzar_ld.pipeline.sources import Source
from kzar_ld.pipeline.work import Outcome, PipelineSettings, process_source

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["default_jobs", "run_pipeline"]

# Outcomes queued per worker: enough to keep every worker busy while the parent writes.
_IN_FLIGHT_PER_JOB = 4
# Fewer sources than this run in this process: starting a worker (interpreter, imports, shapes)
# costs about as much as building and validating five articles.
POOL_FROM = 8


def default_jobs() -> int:
    """The number of CPU cores this process may use (at least 1).

    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def run_pipeline(
    sources: Sequence[Source],
    *,
    settings: PipelineSettings | None = None,
    jobs: int = 1,
    fail_fast: bool = False,
    pool_from: int = POOL_FROM,
) -> Iterator[Outcome]:
    """Process every source and yield the outcomes in source order.

    ``jobs`` > 1 runs the work in that many worker processes (never more than there are
    sources) once there are at least ``pool_from`` sources; ``jobs=1`` (or a few sources) runs
    it here, with no start-up cost. With ``fail_fast`` the run ends
    after the first outcome that is not ok (that outcome is still yielded). Closing the
    iterator early cancels the work not yet started.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    settings = settings or PipelineSettings()
    workers = min(jobs, len(sources)) if len(sources) >= pool_from else 1
    if workers <= 1:
        for source in sources:
            check_stop()
            outcome = process_source(source, settings)
            yield outcome
            if fail_fast and not outcome.ok:
                return
        return
    yield from _run_pool(sources, settings=settings, workers=workers, fail_fast=fail_fast)


def _run_pool(
    sources: Sequence[Source], *, settings: PipelineSettings, workers: int, fail_fast: bool
) -> Iterator[Outcome]:
    # imported here: a run in this process needs neither (about 15 ms of start-up)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # forkserver: workers start from a clean, single-threaded server process (fork from a
    # process with threads, such as a progress bar's, can deadlock), with our modules preloaded.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kzar_ld.pipeline.work"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm, initargs=(settings,))
    pending: deque[Future[Outcome]] = deque()
    queue = iter(sources)
    done = 0
    try:
        for source in queue:
            pending.append(pool.submit(process_source, source, settings))
            if len(pending) >= workers * _IN_FLIGHT_PER_JOB:
                break
        while pending:
            try:
                outcome = pending.popleft().result()
            except BrokenProcessPool as exc:
                raise WorkerError(
                    "a worker process died (killed, or out of memory?) while the run was on this source; "
                    "the run stopped here (run it with one job to work in a single process)",
                    source=sources[done].path,
                ) from exc
            done += 1
            check_stop()
            next_source = next(queue, None)
            if next_source is not None:
                pending.append(pool.submit(process_source, next_source, settings))
            yield outcome
            if fail_fast and not outcome.ok:
                return
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _warm(settings: PipelineSettings) -> None:
    """Load in each worker, once, what every source needs: the mapping and the shapes."""
    import kzar_ld.annotated
    import kzar_ld.mapping  # noqa: F401

    if settings.validate:
        from kzar_ld.validation.shacl import _harvested_shapes
        from kzar_ld.validation.vocab import check_schema_usage  # noqa: F401

        _harvested_shapes()  # the shapes parsed, then made into pySHACL's shape objects
