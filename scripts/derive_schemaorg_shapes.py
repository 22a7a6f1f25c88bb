"""Cut the subset of schema.org's official SHACL shapes that our articles' classes reach.

schema.org publishes ``schemaorg-shapes.shacl`` (one node shape per class, the property ranges
as ``sh:node`` references) and ``schemaorg-subclasses.shacl`` (the class hierarchy). The test
that our output conforms to those shapes needs only the shapes of the classes we write, their
superclasses, and every shape those reach through ``sh:node`` / ``sh:or``; this script writes
that subset, unchanged, to ``tests/data/schemaorg/`` so the test runs in a second, not a minute.

Usage (from the repository root)::

    python scripts/derive_schemaorg_shapes.py /work/shared/vocab

>>> sorted(_reached({"a": {"b"}, "b": {"c"}, "d": {"a"}}, {"a"}))
['a', 'b', 'c']
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import SH

SCHEMA = "http://schema.org/"
VALIDATION = "http://schema.org/validation#"
OUT = Path("tests/data/schemaorg")


def _reached(edges: dict[str, set[str]], start: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(edges.get(node, ()))
    return seen


def _describe(graph: Graph, node: URIRef | BNode, out: Graph) -> None:
    """Copy ``node``'s triples and, recursively, those of the blank nodes it points to."""
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        if isinstance(o, BNode):
            _describe(graph, o, out)


def main(vocab: Path) -> None:
    from kzar_ld import build_graph, load_article

    shapes = Graph().parse(vocab / "schemaorg-shapes.shacl", format="turtle")
    classes = Graph().parse(vocab / "schemaorg-subclasses.shacl", format="turtle")
    written: set[str] = set()
    for article in sorted(Path("examples").iterdir()) + sorted(Path("tests/data/articles").iterdir()):
        if (article / "annotation.yaml").is_file():
            data = build_graph(load_article(article))
            written |= {str(o) for o in data.objects(None, RDF.type) if str(o).startswith(SCHEMA)}
    supers = {str(s): {str(o) for o in classes.objects(s, RDFS.subClassOf)} for s in classes.subjects()}
    wanted_classes = _reached(supers, written)

    # Shape -> the shapes it names, anywhere below it (property shapes, sh:or lists).
    refs: dict[str, set[str]] = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        sub = Graph()
        _describe(shapes, shape, sub)
        refs[str(shape)] = {str(o) for o in sub.objects() if str(o).startswith(VALIDATION) and o != shape}
    by_class = {str(c): str(s) for s, c in shapes.subject_objects(SH.targetClass)}
    start = {by_class[c] for c in wanted_classes if c in by_class}
    keep = _reached(refs, start)

    out_shapes = Graph()
    out_shapes.bind("sh", SH)
    out_shapes.bind("schema", SCHEMA)
    out_shapes.bind("", VALIDATION)
    for shape in sorted(keep):
        _describe(shapes, URIRef(shape), out_shapes)
    # Every class a kept shape targets, with its superclasses, so targets reach subclasses.
    targeted = {str(c) for s in keep for c in shapes.objects(URIRef(s), SH.targetClass)}
    out_classes = Graph()
    out_classes.bind("schema", SCHEMA)
    for cls in sorted(_reached(supers, targeted | wanted_classes)):
        for parent in sorted(supers.get(cls, ())):
            out_classes.add((URIRef(cls), RDFS.subClassOf, URIRef(parent)))
    OUT.mkdir(parents=True, exist_ok=True)
    header = (
        "# A subset of schema.org 30.0's official {what}, unchanged (CC BY-SA 3.0, schema.org).\n"
        "# Cut by scripts/derive_schemaorg_shapes.py: what the classes of our articles reach.\n\n"
    )
    (OUT / "shapes-subset.ttl").write_text(
        header.format(what="SHACL shapes (schemaorg-shapes.shacl)") + out_shapes.serialize(format="turtle"),
        encoding="utf-8",
    )
    (OUT / "subclasses-subset.ttl").write_text(
        header.format(what="class hierarchy (schemaorg-subclasses.shacl)") + out_classes.serialize(format="turtle"),
        encoding="utf-8",
    )
    print(f"{len(keep)} of {len(refs)} shapes, {len(out_classes)} subclass links")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
