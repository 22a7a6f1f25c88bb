"""What a run reads: article directories, annotation files and RDF files, expanded and sharded.

A command line names article directories, directories of them, annotation files, RDF files or glob
patterns; :func:`expand_sources` turns them into one ordered list of :class:`Source` values, and
:class:`Shard` keeps the part of it that one machine of a cluster works on.

Example:
    >>> [s.path for s in expand_sources(["examples"])]
    ['examples/kazinform-2023-08-24']
    >>> Shard.parse("2/3")
    Shard(index=2, count=3)
"""

from __future__ import annotations

import enum
import glob
import os
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kzar_ld.defaults import ANNOTATION_FILE
from kzar_ld.errors import InputError

__all__ = ["ANNOTATION_FILE", "Shard", "Source", "SourceKind", "expand_sources"]

_ANNOTATION_SUFFIXES = (".yaml", ".yml")
_GLOB_CHARS = frozenset("*?[")


class SourceKind(enum.StrEnum):
    """What a source is: an annotated article, a raw article text to draft, or an RDF file."""

    ARTICLE = "article"
    DRAFT = "draft"
    RDF = "rdf"


@dataclass(frozen=True, order=True)
class Source:
    """One unit of input: a path and what it holds.

    ``format`` is the RDF syntax of an RDF file (a :class:`kzar_ld.serialization.Format` value);
    ``None`` means "tell by the extension". ``data`` holds an RDF document read already (from
    standard input, whose ``path`` is ``"-"``).

    >>> Source("examples/kazinform-2023-08-24", SourceKind.ARTICLE).kind.value
    'article'
    """

    path: str
    kind: SourceKind
    format: str | None = None
    data: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Shard:
    """Part ``index`` of ``count`` (1-based): the sources whose path hashes to it.

    A source's shard depends on its own path only (CRC-32 of the path as given), so machines
    that list the same archive agree on who does what with no shared state, and adding articles
    never moves the old ones to another shard.

    >>> Shard(1, 1).keeps("any/article")
    True
    """

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 1 <= self.index <= self.count:
            raise InputError(f"shard {self.index}/{self.count}: give K/N with 1 <= K <= N")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Read ``K/N``.

        >>> Shard.parse("1/0")
        Traceback (most recent call last):
        ...
        kzar_ld.errors.InputError: shard 1/0: give K/N with 1 <= K <= N
        """
        left, sep, right = text.partition("/")
        if not sep or not left.strip().isdigit() or not right.strip().isdigit():
            raise InputError(f"shard {text!r}: give K/N, e.g. 2/8 (the second of eight parts)")
        return cls(int(left), int(right))

    def keeps(self, path: str) -> bool:
        """Whether the source at ``path`` belongs to this shard."""
        return zlib.crc32(path.encode("utf-8")) % self.count == self.index - 1

    def select(self, sources: Iterable[Source]) -> list[Source]:
        """The sources of this shard, in their order."""
        return [s for s in sources if self.keeps(s.path)]


def expand_sources(
    paths: Sequence[str | os.PathLike[str]],
    *,
    rdf: bool = False,
    input_format: str | None = None,
    drafts: bool = False,
) -> list[Source]:
    """Expand command-line inputs into sources, in the order given, each once.

    - an article directory (it holds ``annotation.yaml``) or an annotation file is an article;
    - a directory without ``annotation.yaml`` stands for the article directories in it (sorted);
    - a glob pattern (``archive/2023-*``) that is not itself a path stands for its matches (sorted);
    - with ``drafts=True`` a ``.txt`` file is a raw article text, drafted on the fly (see
      :mod:`kzar_ld.drafting`: every drafted item is marked unconfirmed in the graph);
    - with ``rdf=True`` any other file is an RDF file (``input_format`` overrides the extension;
      with it, ``.yaml`` files are read as RDF too); without, it is an error.

    Errors name the input: a missing path, an empty directory or a pattern that matches nothing.

    >>> expand_sources(["tests/data/nowhere"])
    Traceback (most recent call last):
    ...
    kzar_ld.errors.InputError: tests/data/nowhere: no such article directory or annotation file
    """
    if isinstance(paths, str | os.PathLike):
        raise TypeError("expand_sources() takes a sequence of paths, not a single path")
    found: list[Source] = []
    seen: set[str] = set()
    for raw in paths:
        given = os.fspath(raw)
        for source in _expand_one(given, rdf=rdf, input_format=input_format, drafts=drafts):
            key = os.path.realpath(source.path)
            if key not in seen:
                seen.add(key)
                found.append(source)
    return found


def _expand_one(given: str, *, rdf: bool, input_format: str | None, drafts: bool) -> list[Source]:
    path = Path(given)
    if not os.path.lexists(given) and _GLOB_CHARS & set(given):
        matches = sorted(glob.glob(given))
        if not matches:
            raise InputError("the pattern matches no file or directory", source=given)
        return [s for m in matches for s in _expand_one(m, rdf=rdf, input_format=input_format, drafts=drafts)]
    try:
        is_dir = path.is_dir()
        exists = path.exists()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=given) from exc
    if not exists:
        what = "no such file or directory" if rdf else "no such article directory or annotation file"
        raise InputError(what, source=given)
    if is_dir:
        if (path / ANNOTATION_FILE).is_file():
            return [Source(given, SourceKind.ARTICLE)]
        articles = sorted(p for p in path.iterdir() if p.is_dir() and (p / ANNOTATION_FILE).is_file())
        if not articles:
            raise InputError(
                f"is a directory with no {ANNOTATION_FILE} and no article directories in it; give an "
                "article directory (article text + annotation.yaml), a directory of them, or an RDF file",
                source=given,
            )
        return [Source(str(p), SourceKind.ARTICLE) for p in articles]
    if path.suffix.lower() in _ANNOTATION_SUFFIXES and input_format is None:
        return [Source(given, SourceKind.ARTICLE)]
    if drafts and path.suffix.lower() == ".txt":
        return [Source(given, SourceKind.DRAFT)]
    if not rdf:
        raise InputError(
            "is not an article: give an article directory (article text + annotation.yaml), "
            "a directory of them, or an annotation file (or draft raw .txt texts on the fly)",
            source=given,
        )
    return [Source(given, SourceKind.RDF, input_format)]
