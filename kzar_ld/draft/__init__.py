"""Drafting: an annotation drafted from an article's raw text, for an editor to confirm.

The rules are in :mod:`kzar_ld.draft.extract`; their word lists are data files under
``kzar_ld/draft/data/``. Nothing here is imported by ``import kzar_ld``.

Example:
    >>> from kzar_ld.draft.extract import extract_annotation
    >>> extract_annotation("ASTANA – Kazakhstan and Chile held talks.", source="a.txt").places[0].id
    'kazakhstan'
"""
