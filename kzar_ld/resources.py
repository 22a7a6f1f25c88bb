"""Read the data files shipped inside the package: shapes, ontologies, contexts, queries.

Everything is found with :mod:`importlib.resources`, so it works the same from a source
checkout, an editable install and an installed wheel (``shapes/`` and ``ontologies/`` live
at the top of the repository and are linked into the package).

Example:
    >>> "kzar.ttl" in [p.name for p in resource_files("ontologies", suffix=".ttl")]
    True
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["read_text", "resource_files", "resource_path", "schemaorg_context"]

_PACKAGE = "kzar_ld"


def resource_path(folder: str, name: str | None = None) -> Traversable:
    """Return the shipped folder ``folder`` (or the file ``name`` in it).

    >>> resource_path("contexts", "schemaorg.jsonld").name
    'schemaorg.jsonld'
    """
    root = files(_PACKAGE).joinpath(folder)
    return root if name is None else root.joinpath(name)


def resource_files(folder: str, *, suffix: str) -> list[Traversable]:
    """List the shipped files in ``folder`` ending in ``suffix``, sorted by name.

    >>> [p.name for p in resource_files("contexts", suffix=".jsonld")]
    ['schemaorg.jsonld']
    """
    root = resource_path(folder)
    return sorted(
        (p for p in root.iterdir() if p.is_file() and p.name.endswith(suffix)),
        key=lambda p: p.name,
    )


def read_text(folder: str, name: str) -> str:
    """Read a shipped text file as UTF-8.

    >>> read_text("contexts", "schemaorg.jsonld").startswith("{")
    True
    """
    return resource_path(folder, name).read_text(encoding="utf-8")


@cache
def _schemaorg_context_text() -> str:
    return read_text("contexts", "schemaorg.jsonld")


def schemaorg_context() -> dict[str, Any]:
    """The official schema.org JSON-LD context (a shipped copy; never fetched).

    Each call returns a new object, so no caller can change what another one reads (the file
    is read once per process).

    >>> schemaorg_context()["@context"]["@vocab"]
    'http://schema.org/'
    >>> schemaorg_context() is schemaorg_context()
    False
    """
    data: dict[str, Any] = json.loads(_schemaorg_context_text())
    return data
