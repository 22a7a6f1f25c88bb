"""Linked data on the web: a static site whose paths mirror the IRIs, with embedded JSON-LD.

Example:
    >>> LAYOUT.documents["text/turtle"]
    'index.ttl'
"""

from __future__ import annotations

from kzar_ld.web.site import GENERATOR, LAYOUT, Site, SiteLayout, build_site

__all__ = ["GENERATOR", "LAYOUT", "Site", "SiteLayout", "build_site"]
