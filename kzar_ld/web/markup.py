"""The article body as HTML, with every mention highlighted at its offsets and linked to its entity.

Mentions nest (``region of Rosario`` holds ``Rosario``; a role title holds its organisation), so
each mention is one ``<mark>`` element whose text is exactly ``body[start:end]``, nested inside the
mentions that contain it. The words of a mark that no inner mention covers are the link to its
entity (links cannot nest in HTML). Paragraphs (runs of text between blank lines) are ``<p>``
elements; a mention that crosses a paragraph break or another mention's edge is split into parts
(``data-part="1"``, ``"2"``...), each part carrying its own offsets. A mention that inner mentions
cover entirely (two entities on the same words) gets its link just after the mark, in a
``<sup>``.

Every mark carries ``data-start`` and ``data-end`` (code points into the body, end-exclusive),
``data-entity`` (the entity's IRI) and ``data-mention`` (the Web Annotation's IRI), and its first
part has the id :attr:`~kzar_ld.web.corpus.MentionView.anchor`.

Example:
    >>> from rdflib import URIRef
    >>> m = MentionView(URIRef("urn:ex:m/0-4"), URIRef("urn:ex:rome"), 0, 4, "Rome", "", "")
    >>> html = mark_body("Rome wins.", [m], lambda node: ("rome.html", "Rome"))
    >>> print(html.replace(" data-", "\\n  data-"))
    <p
      data-start="0"
      data-end="10"><mark id="mention-0-4" class="mention"
      data-start="0"
      data-end="4"
      data-entity="urn:ex:rome"
      data-mention="urn:ex:m/0-4"><a href="rome.html">Rome</a></mark> wins.</p>
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape

from rdflib.term import Node

from kzar_ld.web.corpus import MentionView

__all__ = ["mark_body", "paragraphs"]

_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(body: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each paragraph: text between blank lines.

    >>> paragraphs("one\\n\\ntwo")
    [(0, 3), (5, 8)]
    """
    spans, start = [], 0
    for m in _BREAK.finditer(body):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(body):
        spans.append((start, len(body)))
    return spans


@dataclass
class _Node:
    start: int
    end: int
    mention: MentionView | None  # None: a paragraph
    part: int = 0  # 0: whole; 1, 2...: parts of a split mention
    children: list[_Node] = field(default_factory=list)


def _tree(body: str, mentions: Iterable[MentionView]) -> list[_Node]:
    paras = paragraphs(body)
    heap: list[tuple[int, int, int, int, _Node]] = []
    order = 0
    for start, end in paras:
        heap.append((start, -end, 0, order, _Node(start, end, None)))
        order += 1
    for m in mentions:
        # Paragraphs never split: a mention is cut at the breaks (the blank lines stay unmarked).
        for p_start, p_end in paras:
            start, end = max(m.start, p_start), min(m.end, p_end)
            if start < end:
                heap.append((start, -end, 1, order, _Node(start, end, m)))
        order += 1
    heapq.heapify(heap)
    roots: list[_Node] = []
    stack: list[_Node] = []
    while heap:
        start, _, kind, rank, node = heapq.heappop(heap)
        while stack and start >= stack[-1].end:
            stack.pop()
        if stack and node.end > stack[-1].end:
            # Crosses the edge of the mention it starts in: keep the inside here, the rest goes on later.
            edge = stack[-1].end
            heapq.heappush(heap, (edge, -node.end, kind, rank, _Node(edge, node.end, node.mention)))
            node.end = edge
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    _number_parts(roots)
    return roots


def _number_parts(roots: list[_Node]) -> None:
    pieces: dict[int, list[_Node]] = {}

    def walk(nodes: list[_Node]) -> None:
        for node in nodes:
            if node.mention is not None:
                pieces.setdefault(id(node.mention), []).append(node)
            walk(node.children)

    walk(roots)
    for nodes in pieces.values():
        if len(nodes) > 1:
            for n, node in enumerate(nodes, 1):
                node.part = n


Link = Callable[[Node], tuple[str, str] | None]


def mark_body(body: str, mentions: Iterable[MentionView], link: Link) -> str:
    """The body as HTML paragraphs with the mentions marked.

    ``link`` gives an entity's ``(href, name)``, or None for an entity without a page.
    """
    out: list[str] = []

    def text(start: int, end: int, owner: _Node | None) -> None:
        if start >= end:
            return
        chunk = escape(body[start:end], quote=False)
        target = link(owner.mention.entity) if owner is not None and owner.mention is not None else None
        out.append(f'<a href="{escape(target[0])}">{chunk}</a>' if target else chunk)

    def render(node: _Node) -> None:
        m = node.mention
        if m is None:
            out.append(f'<p data-start="{node.start}" data-end="{node.end}">')
        else:
            ident = f' id="{escape(m.anchor)}"' if node.part <= 1 else ""
            part = f' data-part="{node.part}"' if node.part else ""
            out.append(
                f'<mark{ident} class="mention" data-start="{node.start}" data-end="{node.end}"{part} '
                f'data-entity="{escape(str(m.entity))}" data-mention="{escape(str(m.iri))}">'
            )
        pos = node.start
        own = 0
        for child in node.children:
            own += max(0, child.start - pos)
            text(pos, child.start, node)
            render(child)
            pos = child.end
        own += max(0, node.end - pos)
        text(pos, node.end, node)
        if m is None:
            out.append("</p>")
            return
        out.append("</mark>")
        target = link(m.entity)
        if own == 0 and target:
            name = escape(target[1])
            out.append(
                f'<sup class="also"><a href="{escape(target[0])}" title="{name}" aria-label="{name}">↗</a></sup>'
            )

    pos = 0
    for root in _tree(body, mentions):
        text(pos, root.start, None)
        render(root)
        pos = root.end
    text(pos, len(body), None)
    return "".join(out)
