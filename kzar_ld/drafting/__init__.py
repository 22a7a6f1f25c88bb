"""Drafting: an annotation drafted from an article's raw text, for an editor to confirm.

:func:`draft` turns a text into an :class:`~kzar_ld.annotation.Annotation` whose every item is
unconfirmed, with the drafter's confidence and evidence; :func:`draft_file` writes an article
directory (the text, unchanged, and ``annotation.yaml``) that ``kzar-ld build`` accepts as it is;
:func:`update_directory` re-drafts a directory an editor has worked on, keeping what they
confirmed. The rules are in :mod:`kzar_ld.drafting.extract`, their word lists data files under
``kzar_ld/drafting/data/``; the YAML writer is :mod:`kzar_ld.drafting.writer`, the merge
:mod:`kzar_ld.drafting.update`. Nothing here is imported by ``import kzar_ld`` until it is used.

``kzar_ld.draft(text)`` is :func:`draft`, exported at the top of the package.

Example:
    >>> ann = draft("ASTANA. KAZINFORM Kazakhstan and Chile held talks.", source="a.txt")
    >>> [(p.id, p.confirmed) for p in ann.places]
    [('kazakhstan', False), ('chile', False), ('astana', False)]
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from kzar_ld._stop import check_stop
from kzar_ld.annotated import Article
from kzar_ld.annotation import Annotation
from kzar_ld.defaults import ANNOTATION_FILE, DEFAULT_MAX_BYTES
from kzar_ld.errors import AnnotationError, KzarError, OutputError

__all__ = [
    "ANNOTATION_FILE",
    "DraftResult",
    "article_name",
    "draft",
    "draft_file",
    "load_drafted_article",
    "update_directory",
]


_HEADER = """\
Drafted by `kzar-ld draft` from {name}: review it before publishing.
Every item marked `confirmed: false` is a proposal; the comment above it gives the
drafter's confidence and evidence. Annotation format: docs/annotation-format.md."""


def draft(text: str | bytes, *, source: str = "<text>") -> Annotation:
    """Draft the annotation of an article text; every item is unconfirmed.

    ``text`` is the article as published (a header line is optional), or its raw bytes.
    Raises :class:`~kzar_ld.errors.ArticleError` naming ``source`` when the text is empty,
    binary, not UTF-8, over the size cap or has no recognisable body.

    >>> draft("ASTANA. KAZINFORM The Kazakh Senate hosted a round table.").events[0].kind.value
    'forum'
    """
    from kzar_ld.drafting.extract import extract_annotation
    from kzar_ld.drafting.update import mark_drafted

    if isinstance(text, bytes):
        from kzar_ld.article import parse_article_text

        parse_article_text(text, source=source)  # the reader's checks and messages
        text = text.decode("utf-8").removeprefix("\ufeff")
    return mark_drafted(extract_annotation(text, source=source))


def load_drafted_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Draft a raw article text file and return it ready to map, without writing anything.

    The pipeline's "draft of a raw text" source: ``build_graph(load_drafted_article(path))``
    publishes the draft with every item credited to the drafting software. The article id is
    the file's stem, made safe (:func:`article_name`). Raises
    :class:`~kzar_ld.errors.ArticleError` for a bad text.

    >>> from kzar_ld.mapping import build_graph, count_unconfirmed
    >>> article = load_drafted_article("examples/kazinform-2023-08-24/000_b748ee61ec8ac40c.txt")
    >>> article.id, count_unconfirmed(build_graph(article)) > 0
    ('000_b748ee61ec8ac40c', True)
    """
    from kzar_ld.annotated import resolve
    from kzar_ld.annotation import Located
    from kzar_ld.article import read_article_text

    src = Path(path)
    text = read_article_text(src, max_bytes=max_bytes)
    name = article_name(src.stem)
    ann = _with_facts(draft(src.read_bytes(), source=str(src)), name=name, stem="", text_name=src.name)
    try:
        return resolve(ann, Located(str(src), {}), text)
    except KzarError as exc:
        raise AnnotationError(f"the draft does not load ({_first_line(exc)})", source=str(src)) from exc


@dataclass(frozen=True, slots=True)
class DraftResult:
    """What :func:`draft_file` or :func:`update_directory` wrote."""

    source: str
    directory: Path
    annotation: Annotation
    #: ``drafted`` (a new directory), ``redrafted`` (``force``) or ``updated`` (merged).
    action: str
    #: Items that await review (unconfirmed entities, roles, source and flagged mentions).
    to_review: int
    #: Of those, the ones under the doubtful threshold.
    doubtful: int


def draft_file(
    path: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str] = ".",
    force: bool = False,
    update: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DraftResult:
    """Draft an article text file into ``out_dir/<name>/`` (the text, unchanged, and its annotation).

    ``<name>`` is the file's stem, made safe for an article id. An existing ``annotation.yaml``
    is never overwritten unless ``update`` (re-draft, keeping what an editor confirmed) or
    ``force`` (start over) is given; either way the file is replaced atomically, and a new
    directory appears whole or not at all. Raises :class:`~kzar_ld.errors.ArticleError` for a
    bad text and :class:`~kzar_ld.errors.OutputError` when the output cannot be written.
    """
    from kzar_ld.article import read_article_text

    src = Path(path)
    read_article_text(src, max_bytes=max_bytes)  # size, binary, UTF-8, empty: the reader's errors
    data = src.read_bytes()
    name = article_name(src.stem)
    target = Path(out_dir) / name
    text_name = src.name if src.suffix == ".txt" else f"{name}.txt"
    existing = target / ANNOTATION_FILE
    if existing.exists() and not (force or update):
        raise OutputError(
            f"{ANNOTATION_FILE} exists; use --update to re-draft keeping what an editor confirmed, "
            "or --force to start over",
            source=str(existing),
        )
    fresh = draft(data, source=str(src))
    fresh = _with_facts(fresh, name=name, stem=src.stem, text_name=text_name)
    if existing.exists() and update:
        _check_same_text(target / text_name, data)
        return _merge_into(target, fresh, source=str(src))
    _check_loads(fresh, data, text_name, source=str(src))
    from kzar_ld.drafting.writer import dump_annotation, write_atomically

    yaml_bytes = dump_annotation(fresh, header=_HEADER.format(name=src.name)).encode("utf-8")
    if target.exists():
        if not target.is_dir():
            raise OutputError("exists and is not a directory", source=str(target))
        action = "redrafted" if existing.exists() else "drafted"
        if not force:
            _check_same_text(target / text_name, data)
        write_atomically(target / text_name, data)
        write_atomically(existing, yaml_bytes)
    else:
        _new_directory(target, {text_name: data, ANNOTATION_FILE: yaml_bytes})
        action = "drafted"
    return _result(str(src), target, fresh, action)


def update_directory(directory: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> DraftResult:
    """Re-draft an article directory's text and merge it into its ``annotation.yaml``.

    What the editor confirmed stays verbatim, the rest is replaced by the fresh draft
    (:func:`kzar_ld.drafting.update.merge_drafts`); the text is not touched. Raises
    :class:`~kzar_ld.errors.AnnotationError` when the existing annotation does not load.
    """
    from kzar_ld.annotated import _text_path as text_path
    from kzar_ld.annotation import read_annotation
    from kzar_ld.article import read_article_text

    folder = Path(directory)
    existing = folder / ANNOTATION_FILE
    if not existing.is_file():
        raise AnnotationError(f"no {ANNOTATION_FILE} to update in the article directory", source=str(folder))
    ann, where = read_annotation(existing, max_bytes=max_bytes)
    text_file = text_path(existing, ann, where)
    read_article_text(text_file, max_bytes=max_bytes)
    data = text_file.read_bytes()
    fresh = draft(data, source=str(text_file))
    fresh = _with_facts(fresh, name=folder.name, stem=text_file.stem, text_name=text_file.name)
    return _merge_into(folder, fresh, source=str(text_file), previous=ann)


def _merge_into(folder: Path, fresh: Annotation, *, source: str, previous: Annotation | None = None) -> DraftResult:
    from kzar_ld.annotation import read_annotation
    from kzar_ld.drafting.update import merge_drafts
    from kzar_ld.drafting.writer import dump_annotation, write_atomically

    existing = folder / ANNOTATION_FILE
    if previous is None:
        previous, _ = read_annotation(existing)
    merged = merge_drafts(previous, fresh)
    text_name = merged.article.text or fresh.article.text or ""
    data = (folder / text_name).read_bytes()
    _check_loads(merged, data, text_name, source=str(existing))
    header = _HEADER.format(name=text_name) + "\nRe-drafted with --update: confirmed items were kept as they were."
    write_atomically(existing, dump_annotation(merged, header=header).encode("utf-8"))
    return _result(source, folder, merged, "updated")


def _result(source: str, directory: Path, ann: Annotation, action: str) -> DraftResult:
    from kzar_ld.drafting.update import review_count
    from kzar_ld.drafting.writer import DOUBTFUL_BELOW, unconfirmed_items

    doubtful = sum(1 for i in unconfirmed_items(ann) if i.confidence is not None and i.confidence < DOUBTFUL_BELOW)
    return DraftResult(source, directory, ann, action, review_count(ann), doubtful)


def article_name(stem: str) -> str:
    """The article directory name (and id) for a text file's stem: ASCII letters, digits, ``._-``.

    >>> article_name("Kazinform 2023-08-24 (1)")
    'Kazinform-2023-08-24-1'
    """
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "article"
    return name[:200]


def _with_facts(ann: Annotation, *, name: str, stem: str, text_name: str) -> Annotation:
    update: dict[str, str] = {"text": text_name}
    if name != stem:
        update["id"] = name
    return ann.model_copy(update={"article": ann.article.model_copy(update=update)})


def _check_same_text(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() != data:
        raise OutputError(
            "holds a different text; use --force to replace the directory's text and annotation",
            source=str(path),
        )


def _check_loads(ann: Annotation, data: bytes, text_name: str, *, source: str) -> None:
    """The draft must load as written: check it against its text before anything is written."""
    from kzar_ld.annotated import resolve
    from kzar_ld.annotation import Located
    from kzar_ld.article import parse_article_text

    text = parse_article_text(data, source=text_name)
    try:
        # The model itself is checked (ids, references, every quote against the body); the YAML
        # round trip is the writer's contract, tested on its own, and parsing it costs more.
        resolve(ann, Located(ANNOTATION_FILE, {}), text)
    except KzarError as exc:
        raise AnnotationError(
            f"the draft does not load ({_first_line(exc)}); nothing was written", source=source
        ) from exc


def _first_line(exc: KzarError) -> str:
    lines = str(exc).splitlines()
    return lines[0] + (f"; and {len(lines) - 1} more" if len(lines) > 1 else "")


def _new_directory(target: Path, files: dict[str, bytes]) -> None:
    """Create ``target`` with its files whole or not at all: build it aside, then rename."""
    from kzar_ld.drafting.writer import write_atomically

    parent = target.parent
    if not parent.is_dir():
        raise OutputError("output directory not found", source=str(parent))
    tmp = parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        tmp.mkdir()
        for name, data in files.items():
            write_atomically(tmp / name, data)
        check_stop()
        os.rename(tmp, target)
    except BaseException as exc:  # a stop or an error: the half-made directory goes too
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot create the article directory: {exc.strerror}", source=str(target)) from exc
        raise
