"""Issue 12, item 9: every article got "Add an image (schema:image)" but the format refused `image:`.

No warning of the news profile may ask for what the annotation format cannot say: each message
names an annotation field, that field exists in the format's JSON Schema, and giving it makes the
warning go away (tests/test_site_annotation.py checks the last part article by article).
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef

from kzar_ld import annotation_json_schema
from kzar_ld.namespaces import SH
from kzar_ld.resources import read_text


def _fields(schema: dict[str, object]) -> set[str]:
    found: set[str] = set()
    for definition in schema["$defs"].values():  # type: ignore[attr-defined]
        found.update(definition.get("properties", {}))
    return found


def test_every_news_warning_names_a_field_the_format_has() -> None:
    profile = Graph().parse(data=read_text("shapes", "news-profile.ttl"), format="turtle")
    fields = _fields(annotation_json_schema())
    assert {"image", "url", "logo", "same_as", "date_modified"} <= fields
    warnings = [s for s in profile.subjects(SH.severity, SH.Warning) if isinstance(s, URIRef)]
    assert len(warnings) == 8
    for shape in warnings:
        message = str(profile.value(shape, SH.message))
        named = re.findall(r"`([a-z_]+):`", message)
        assert named, f"{shape} does not name the annotation field to fill: {message}"
        assert set(named) - {"article"} <= fields, (shape, named)


def test_the_image_warning_can_be_fixed() -> None:
    profile = Graph().parse(data=read_text("shapes", "news-profile.ttl"), format="turtle")
    message = str(profile.value(URIRef("https://kzar.example/shapes#NewsImage"), SH.message))
    assert "`image:` under `article:`" in message
