"""Read input files with a size cap, checked before reading: the one reader every input goes through.

A file whose size is known is refused before a byte is read; a pipe or a device, whose size is
not known, is read one byte past the cap to find out. The error is the caller's own class (an
article, an annotation, an RDF file) and names the input.

Example:
    >>> import io
    >>> from kzar_ld.errors import InputError
    >>> read_limited(io.BytesIO(b"12345"), max_bytes=4, source="in.txt", error=InputError)
    Traceback (most recent call last):
    ...
    kzar_ld.errors.InputError: in.txt: is over the limit of 4 bytes (stopped reading there); ...
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kzar_ld.errors import KzarError

__all__ = ["read_capped", "read_limited"]


def read_capped(path: str | os.PathLike[str], *, max_bytes: int, source: str, error: type[KzarError]) -> bytes:
    """The bytes of the file at ``path``, refusing it (``error``) when it is over ``max_bytes``.

    ``OSError`` (a missing file, a directory, no permission) is left to the caller, which knows
    what the file was meant to be.
    """
    if max_bytes < 0:
        raise ValueError(f"max_bytes must not be negative, got {max_bytes}")
    file = Path(path)
    info = file.stat()
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        raise error(
            f"is {info.st_size:,} bytes, over the limit of {max_bytes:,} bytes; raise max_bytes if you trust it",
            source=source,
        )
    with open(file, "rb") as stream:
        return read_limited(stream, max_bytes=max_bytes, source=source, error=error)


def read_limited(stream: BinaryIO, *, max_bytes: int, source: str, error: type[KzarError]) -> bytes:
    """At most ``max_bytes`` from ``stream`` (standard input, a pipe); more is refused with ``error``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise error(
            f"is over the limit of {max_bytes:,} bytes (stopped reading there); raise max_bytes if you trust it",
            source=source,
        )
    return data
