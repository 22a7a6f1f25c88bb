"""Write an :class:`~kzar_ld.annotation.Annotation` back as annotation YAML, for editors to read.

The output is deterministic (the same model always gives the same bytes) and round-trips with
the loader: ``parse_annotation(dump_annotation(ann))[0] == ann``. Fields come in the model's
order, with defaults left out, so a hand-written file written back looks like what a person
would type. Every string is written plain where YAML reads it back unchanged and double-quoted
otherwise (the loader keeps every scalar as text, so ``no`` or ``2024`` need no quotes).

Drafted items that nobody has confirmed get a comment line above them with their confidence
and evidence; those under :data:`DOUBTFUL_BELOW` are flagged ``DOUBTFUL``, and the file's header
lists them with their line numbers, so review starts with them (``docs/drafting.md``).

Example:
    >>> from kzar_ld.annotation import Annotation, ArticleFacts, Place
    >>> ann = Annotation(
    ...     article=ArticleFacts(publisher="kazinform"),
    ...     places=(Place(id="astana", name="Astana", confidence=0.5, evidence="capital city", confirmed=False),),
    ... )
    >>> print(dump_annotation(ann, header=None))
    format: kzar-annotation/1
    <BLANKLINE>
    article:
      publisher: kazinform
    <BLANKLINE>
    places:
      # DOUBTFUL, confidence 0.50: capital city
      - id: astana
        name: Astana
        confidence: 0.5
        evidence: capital city
        confirmed: false
    <BLANKLINE>
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kzar_ld._stop import check_stop
from kzar_ld.annotation import Annotation, Drafted
from kzar_ld.errors import OutputError

__all__ = ["DOUBTFUL_BELOW", "dump_annotation", "unconfirmed_items", "write_annotation", "write_atomically"]

#: Drafted items less sure than this are flagged DOUBTFUL and listed first in the header.
DOUBTFUL_BELOW = 0.7

_INDENT = "  "
_DRAFT_FIELDS = ("confidence", "evidence", "confirmed")
# The fields after which an item's drafting fields are written: its identity comes first.
_IDENTITY = ("id", "name", "quote", "occurrence")
# Scalars the loader would read as None.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# A plain scalar that YAML reads back as the same text: no indicator first, no ": " or " #",
# no surrounding space, no trailing colon; printable characters only (checked separately).
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^\n]*[^\s:])?")


def dump_annotation(ann: Annotation, *, header: str | None = "Drafted annotation") -> str:
    """The annotation as YAML text, with review comments on drafted items.

    ``header`` is a first comment (one or more lines); below it comes the count of unconfirmed
    items and the line of every doubtful one. ``None`` writes no header at all.

    >>> from kzar_ld.annotation import load_annotation, parse_annotation
    >>> ann = load_annotation("examples/kazinform-2023-08-24/annotation.yaml")
    >>> parse_annotation(dump_annotation(ann))[0] == ann
    True
    """
    body = _Emitter()
    body.scalar_field(0, "format", ann.format)
    for name in Annotation.model_fields:
        if name == "format":
            continue
        value = getattr(ann, name)
        if value == Annotation.model_fields[name].default:
            continue
        body.blank()
        body.field(0, name, value)
    if header is None:
        return body.text()
    head = [f"# {line}".rstrip() for line in header.splitlines()]
    unconfirmed = sum(1 for _ in unconfirmed_items(ann))
    if unconfirmed:
        head.append(
            f"# {unconfirmed} drafted item(s) await review: confirm one by setting `confirmed: true` "
            "(or deleting the line); see docs/drafting.md."
        )
    if body.doubtful:
        head.append("# Doubtful items, to review first:")
        shift = len(head) + len(body.doubtful) + 1  # this list, then one blank line
        head.extend(f"#   line {line + shift}: {what}" for line, what in body.doubtful)
    return "\n".join(head) + "\n\n" + body.text()


def write_annotation(
    ann: Annotation, path: str | os.PathLike[str], *, header: str | None = "Drafted annotation"
) -> Path:
    """Write the annotation to ``path`` atomically (temporary file, fsync, rename).

    Nothing is left half-written: either the new file is in place, or the old one (if any) is
    untouched. Raises :class:`~kzar_ld.errors.OutputError` when the file cannot be written.
    """
    target = Path(path)
    data = dump_annotation(ann, header=header).encode("utf-8")
    write_atomically(target, data)
    return target


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file beside it, then rename."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        check_stop()
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {exc.strerror}", source=str(target)) from exc
        raise


def unconfirmed_items(ann: Annotation) -> Iterator[Drafted]:
    """Every item of the annotation marked ``confirmed: false``, in file order.

    >>> from kzar_ld.annotation import ArticleFacts, Place
    >>> ann = Annotation(article=ArticleFacts(publisher="p"), places=(Place(id="a", name="A", confirmed=False),))
    >>> [p.id for p in unconfirmed_items(ann)]
    ['a']
    """

    def walk(value: Any) -> Iterator[Drafted]:
        if isinstance(value, Drafted) and not value.confirmed:
            yield value
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name))
        elif isinstance(value, tuple):
            for item in value:
                yield from walk(item)

    yield from walk(ann)


class _Emitter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.doubtful: list[tuple[int, str]] = []  # (1-based line in the body, what)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def blank(self) -> None:
        self.lines.append("")

    def field(self, depth: int, name: str, value: Any) -> None:
        pad = _INDENT * depth
        if isinstance(value, tuple):
            self.lines.append(f"{pad}{name}:")
            for n, item in enumerate(value):
                if n and depth == 0 and isinstance(item, BaseModel):
                    self.blank()  # one blank line between the entities of a section
                self.item(depth + 1, item)
        elif isinstance(value, BaseModel):
            self.lines.append(f"{pad}{name}:")
            self.mapping(depth + 1, value)
        else:
            self.scalar_field(depth, name, value)

    def scalar_field(self, depth: int, name: str, value: Any) -> None:
        self.lines.append(f"{_INDENT * depth}{name}: {_scalar(value)}")

    def item(self, depth: int, value: Any) -> None:
        pad = _INDENT * depth
        if not isinstance(value, BaseModel):
            self.lines.append(f"{pad}- {_scalar(value)}")
            return
        self.comment(depth, value)
        start = len(self.lines)
        self.mapping(depth + 1, value)
        # The first line of the mapping carries the dash.
        self.lines[start] = f"{pad}- {self.lines[start].lstrip()}"

    def comment(self, depth: int, value: BaseModel) -> None:
        if not isinstance(value, Drafted) or value.confirmed:
            return
        doubtful = value.confidence is not None and value.confidence < DOUBTFUL_BELOW
        sure = "" if value.confidence is None else f", confidence {value.confidence:.2f}"
        why = "" if value.evidence is None else f": {_one_line(value.evidence)}"
        self.lines.append(f"{_INDENT * depth}# {'DOUBTFUL' if doubtful else 'drafted'}{sure}{why}")
        if doubtful:
            self.doubtful.append((len(self.lines) + 1, _describe(value)))

    def mapping(self, depth: int, model: BaseModel) -> None:
        fields = type(model).model_fields
        names = [n for n in fields if n not in _DRAFT_FIELDS]
        if isinstance(model, Drafted):
            after = max((names.index(n) for n in _IDENTITY if n in names), default=-1)
            names[after + 1 : after + 1] = list(_DRAFT_FIELDS)
        written = False
        for name in names:
            value = getattr(model, name)
            if value == fields[name].default:
                continue
            self.field(depth, name, value)
            written = True
        if not written:  # every field at its default: say so, so that the mapping is not empty
            self.lines.append(f"{_INDENT * depth}{{}}")


def _describe(value: BaseModel) -> str:
    kind = type(value).__name__.lower()
    for name in ("id", "quote", "name"):
        text = getattr(value, name, None)
        if isinstance(text, str):
            return f"{kind} {_one_line(text)!r}"
    return kind


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _string(str(value.value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"cannot write {value!r} as YAML")  # pragma: no cover - the model has no other types


def _string(text: str) -> str:
    if text not in _NULLS and _PLAIN.fullmatch(text) and ": " not in text and " #" not in text and _printable(text):
        return text
    return '"' + "".join(_escape(c) for c in text) + '"'


def _printable(text: str) -> bool:
    return all(_safe(c) for c in text)


def _safe(c: str) -> bool:
    # Python's printable set minus what YAML reads as a line break or a byte-order mark.
    return c.isprintable() and c not in "\u2028\u2029\ufeff\x85"


def _escape(c: str) -> str:
    if c == '"':
        return '\\"'
    if c == "\\":
        return "\\\\"
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if _safe(c):
        return c
    code = ord(c)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
