"""Derive the offline vocabulary copies in ``ontologies/`` from the official vocabulary files.

Validation runs offline, so kzar_ld ships the parts of schema.org, FOAF and W3C Web Annotation
that it needs: the class hierarchy, property domains and ranges, data types, enumeration members
and the pending marker. This script cuts them out of the official files (``../shared/vocab/``
beside the repository by default) and writes one small Turtle file per vocabulary. The output is
sorted and written with pyoxigraph, so re-running it on the same sources gives byte-identical
files; each file starts with a comment naming its source, the source's SHA-256 and its licence.

Example (from the repository root)::

    python scripts/derive_vocab.py
    python scripts/derive_vocab.py --vocab /path/to/vocab --out /tmp/ontologies

Exit codes: 0 written; 2 a source file is missing or does not parse, or the output directory
cannot be written (nothing is written then).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
OA = "http://www.w3.org/ns/oa#"
VS = "http://www.w3.org/2003/06/sw-vocab-status/ns#"

#: The repository root; the defaults of ``--vocab`` and ``--out`` are relative to it.
REPO_ROOT = Path(__file__).resolve().parent.parent

#: The schema.org release the official file in --vocab holds.
SCHEMAORG_RELEASE = "30.0"

TYPE = ox.NamedNode(RDF + "type")
SCHEMA_INVERSE_OF = ox.NamedNode(SCHEMA + "inverseOf")
OWL_INVERSE_OF = ox.NamedNode(OWL + "inverseOf")


class DerivationError(Exception):
    """A source is missing or malformed, or the output cannot be written."""


@dataclass(frozen=True)
class Derivation:
    """One output file: which source it comes from and which triples it keeps."""

    output: str
    source: str
    #: The vocabulary's name and release; written into the file as the ontology's
    #: ``rdfs:label`` and ``owl:versionInfo`` so that the library can name it in messages.
    name: str
    release: str
    title: str
    origin: str
    licence: str
    namespace: str
    predicates: frozenset[str]
    prefixes: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()
    #: Predicates whose objects must stay inside these namespaces (links to other
    #: vocabularies would drag foreign classes into the hierarchy).
    local_objects: tuple[tuple[str, tuple[str, ...]], ...] = ()


SCHEMAORG = Derivation(
    output="schemaorg.ttl",
    source="schemaorg-current-http.ttl",
    name="schema.org",
    release=SCHEMAORG_RELEASE,
    title="schema.org (core and pending) in the http://schema.org/ namespace",
    origin=f"schemaorg/schemaorg, data/releases/{SCHEMAORG_RELEASE}/schemaorg-current-http.ttl",
    licence="CC BY-SA 3.0 <https://creativecommons.org/licenses/by-sa/3.0/>, as its source",
    namespace=SCHEMA,
    predicates=frozenset(
        {
            RDF + "type",
            RDFS + "label",
            RDFS + "subClassOf",
            RDFS + "subPropertyOf",
            OWL + "disjointWith",
            SCHEMA + "domainIncludes",
            SCHEMA + "rangeIncludes",
            SCHEMA + "inverseOf",
            SCHEMA + "isPartOf",
            SCHEMA + "supersededBy",
        }
    ),
    prefixes=(("owl", OWL), ("rdf", RDF), ("rdfs", RDFS), ("schema", SCHEMA)),
    notes=(
        "Kept: every class, data type, property and enumeration member with its types, label,",
        "subClassOf, subPropertyOf, domainIncludes, rangeIncludes, inverseOf (also given as",
        "owl:inverseOf), disjointWith, supersededBy and isPartOf (the pending marker is",
        "schema:isPartOf <http://pending.schema.org>). Dropped: comments, sources, contributors",
        "and the alignments to other vocabularies (equivalences, sub-class/property links",
        "outside schema.org, RDF and RDFS).",
    ),
    local_objects=(
        (RDFS + "subClassOf", (SCHEMA, RDF, RDFS)),
        (RDFS + "subPropertyOf", (SCHEMA, RDF, RDFS)),
    ),
)

FOAF_DERIVATION = Derivation(
    output="foaf.ttl",
    source="foaf.ttl",
    name="FOAF",
    release="0.99",
    title="FOAF (Friend of a Friend)",
    origin="the FOAF 0.99 specification, http://xmlns.com/foaf/spec/",
    licence="CC BY 1.0 <https://creativecommons.org/licenses/by/1.0/>, as its source",
    namespace=FOAF,
    predicates=frozenset(
        {
            RDF + "type",
            RDFS + "label",
            RDFS + "subClassOf",
            RDFS + "subPropertyOf",
            RDFS + "domain",
            RDFS + "range",
            OWL + "disjointWith",
            OWL + "equivalentClass",
            OWL + "equivalentProperty",
            OWL + "inverseOf",
            VS + "term_status",
        }
    ),
    prefixes=(
        ("foaf", FOAF),
        ("owl", OWL),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("schema", SCHEMA),
        ("vs", VS),
    ),
    notes=(
        "Kept: every class and property with its types (functional, inverse-functional, object,",
        "datatype, annotation), label, subClassOf, subPropertyOf, domain, range, disjointWith,",
        "equivalentClass (foaf:Person = schema:Person, foaf:Document = schema:CreativeWork, in the",
        "http namespace as FOAF declares them), equivalentProperty, inverseOf and term status.",
        "Dropped: comments; the ontology header is reduced to the name and release.",
    ),
)

OA_DERIVATION = Derivation(
    output="oa.ttl",
    source="oa.ttl",
    name="Web Annotation",
    release="2016-11-12",
    title="W3C Web Annotation Vocabulary",
    origin="w3c/web-annotation, admin/ns/oa.ttl",
    licence=("W3C Software and Document Licence <https://www.w3.org/copyright/software-license-2023/>, as its source"),
    namespace=OA,
    predicates=frozenset(
        {
            RDF + "type",
            RDFS + "label",
            RDFS + "subClassOf",
            RDFS + "subPropertyOf",
            RDFS + "domain",
            RDFS + "range",
            OWL + "inverseOf",
        }
    ),
    prefixes=(("oa", OA), ("owl", OWL), ("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD)),
    notes=(
        "Kept: every class, property and named individual (motivations, directions) with its",
        "types, label, subClassOf, subPropertyOf, domain and range. Dropped: comments; the",
        "ontology header is reduced to the name and release.",
    ),
)

DERIVATIONS: tuple[Derivation, ...] = (SCHEMAORG, FOAF_DERIVATION, OA_DERIVATION)


def load_triples(path: Path) -> list[ox.Triple]:
    """Parse one official Turtle file into triples.

    >>> try:
    ...     load_triples(Path("/nonexistent/foaf.ttl"))
    ... except DerivationError as exc:
    ...     print(str(exc).split(";")[0])
    /nonexistent/foaf.ttl: the source file is missing
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DerivationError(
            f"{path}: the source file is missing; pass --vocab with the folder holding the official vocabulary files"
        ) from exc
    except OSError as exc:
        raise DerivationError(f"{path}: cannot read the source file ({exc.strerror})") from exc
    try:
        # parse() yields quads; a Turtle file only fills the default graph.
        return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        raise DerivationError(f"{path}: not valid Turtle: {exc}") from exc


def select(triples: Iterable[ox.Triple], derivation: Derivation) -> list[ox.Triple]:
    """Keep the triples about the derivation's own terms that validation needs.

    Subjects must be IRIs in the vocabulary's namespace (the source's own ontology header is
    replaced by a short one naming the vocabulary and its release); predicates must be in
    ``derivation.predicates``. schema.org's own ``schema:inverseOf`` is mirrored as
    ``owl:inverseOf`` so that OWL tools see it too.

    >>> t = ox.Triple(ox.NamedNode(SCHEMA + "Person"), TYPE, ox.NamedNode(RDFS + "Class"))
    >>> kept = select([t], SCHEMAORG)
    >>> t in kept, [str(x.object) for x in kept if x.predicate.value == OWL + "versionInfo"]
    (True, ['"30.0"'])
    """
    local = dict(derivation.local_objects)
    kept: set[ox.Triple] = set()
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if not subject.value.startswith(derivation.namespace):
            continue
        if subject.value == derivation.namespace:
            continue
        if predicate.value not in derivation.predicates:
            continue
        if isinstance(obj, ox.BlankNode):
            continue
        allowed = local.get(predicate.value)
        if allowed is not None and not (isinstance(obj, ox.NamedNode) and obj.value.startswith(allowed)):
            continue
        kept.add(triple)
        if predicate == SCHEMA_INVERSE_OF:
            kept.add(ox.Triple(subject, OWL_INVERSE_OF, obj))
    if not kept:
        return []
    ontology = ox.NamedNode(derivation.namespace)
    kept.add(ox.Triple(ontology, TYPE, ox.NamedNode(OWL + "Ontology")))
    kept.add(ox.Triple(ontology, ox.NamedNode(RDFS + "label"), ox.Literal(derivation.name)))
    kept.add(ox.Triple(ontology, ox.NamedNode(OWL + "versionInfo"), ox.Literal(derivation.release)))
    return sorted(kept, key=_sort_key)


def _sort_key(triple: ox.Triple) -> tuple[str, int, str, int, str]:
    # rdf:type first and then rdfs:label keep each block readable; the rest is alphabetical.
    predicate = triple.predicate.value
    rank = 0 if predicate == RDF + "type" else 1 if predicate == RDFS + "label" else 2
    obj = triple.object
    kind = 0 if isinstance(obj, ox.NamedNode) else 1
    return (str(triple.subject), rank, predicate, kind, str(obj))


def render(triples: Sequence[ox.Triple], derivation: Derivation, *, source_sha256: str) -> bytes:
    """Serialise the selected triples as Turtle, preceded by a provenance header.

    The triples must already be sorted (``select`` sorts them): pyoxigraph writes them in the
    order given, grouping runs of the same subject, so the bytes depend only on the input.
    """
    header = [
        f"# {derivation.title}, release {derivation.release}:",
        "# the part kzar_ld needs to validate offline.",
        f"# Derived from {derivation.source} ({derivation.origin})",
        f"# source SHA-256 {source_sha256}",
        "# by scripts/derive_vocab.py; do not edit by hand, re-run the script instead.",
        f"# Licence: {derivation.licence}.",
        *(f"# {line}" for line in derivation.notes),
        f"# {len(triples)} triples.",
        "",
    ]
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(derivation.prefixes))
    assert body is not None  # no output argument: pyoxigraph returns the bytes
    return "\n".join(header).encode("utf-8") + b"\n" + _separate_blocks(body)


def _separate_blocks(turtle: bytes) -> bytes:
    # pyoxigraph writes one subject block after another; a blank line between blocks makes the
    # file readable. Literals never span lines (the serialiser escapes newlines), so a line that
    # does not start with a tab always opens a block or a prefix declaration.
    lines = turtle.split(b"\n")
    out: list[bytes] = []
    for line in lines:
        if out and line and not line.startswith((b"\t", b"@prefix")):
            out.append(b"")
        out.append(line)
    return b"\n".join(out)


def derive(vocab: Path) -> dict[str, bytes]:
    """Build every output file in memory, keyed by file name; nothing is written.

    Every source is read before anything is returned, so a missing file fails the whole run.
    """
    outputs: dict[str, bytes] = {}
    for derivation in DERIVATIONS:
        path = vocab / derivation.source
        triples = load_triples(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        kept = select(triples, derivation)
        if not kept:
            raise DerivationError(f"{path}: no {derivation.namespace} terms found; is this the right file?")
        outputs[derivation.output] = render(kept, derivation, source_sha256=digest)
    return outputs


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file private; the derived files are shipped and world-readable.
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the derivation; return the exit code (0 written, 2 error)."""
    parser = argparse.ArgumentParser(
        description="Derive ontologies/{schemaorg,foaf,oa}.ttl from the official vocabulary files.",
        epilog="Example: python scripts/derive_vocab.py --vocab ../shared/vocab --out ontologies",
    )
    parser.add_argument(
        "--vocab",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "vocab",
        help="folder holding the official files (default: ../shared/vocab from the repo root)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "ontologies",
        help="folder to write the derived files into (default: ontologies/ in the repo root)",
    )
    args = parser.parse_args(argv)
    try:
        if not args.out.is_dir():
            raise DerivationError(f"{args.out}: the output folder does not exist")
        outputs = derive(args.vocab)
        for name, data in outputs.items():
            write_atomically(args.out / name, data)
    except DerivationError as exc:
        print(f"derive_vocab: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"derive_vocab: error: {args.out}: cannot write ({exc.strerror})", file=sys.stderr)
        return 2
    for name, data in outputs.items():
        print(f"{args.out / name}: {len(data):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
