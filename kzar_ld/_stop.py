"""A stop asked for by a signal, remembered until the process ends.

The CLI turns SIGTERM into :class:`SystemExit`, raised wherever Python happens to be. A few
places drop such an exception: a ``__del__`` method, or a comparison that C code runs inside a
dictionary lookup ("Exception ignored in ..." on stderr), and the run then goes on. So the
request is also kept here, and checked where work is committed (an output file replacing the
old one, the next article of a run): a dropped exception cannot let a stopped run write its
output.

Example:
    >>> check_stop()  # nothing asked: returns
"""

from __future__ import annotations

from typing import NoReturn

__all__ = ["check_stop", "request_stop"]

_requested: list[int] = []


def request_stop(code: int) -> NoReturn:
    """Ask the process to stop with exit status ``code``: raise :class:`SystemExit` now and at every check."""
    if not _requested:
        _requested.append(code)
    raise SystemExit(code)


def check_stop() -> None:
    """Raise :class:`SystemExit` again if a stop was asked for, even when the first one was dropped."""
    if _requested:
        raise SystemExit(_requested[0])
