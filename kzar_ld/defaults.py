"""Defaults shared by the library and the command line, defined once.

This module imports nothing, so the CLI can show them in ``--help`` without loading RDF code.

>>> DEFAULT_BASE
'https://kzar.example/id/'
>>> DEFAULT_MAX_BYTES // (1024 * 1024)
10
"""

from __future__ import annotations

__all__ = ["ANNOTATION_FILE", "DEFAULT_BASE", "DEFAULT_MAX_BYTES"]

#: The base of every minted IRI unless one is given: a reserved placeholder (``.example``), to
#: be replaced by a domain of your own before publishing.
DEFAULT_BASE = "https://kzar.example/id/"

#: Input files (article texts, annotations, RDF) larger than this are refused before reading.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: The annotation file that makes a directory an article directory.
ANNOTATION_FILE = "annotation.yaml"
