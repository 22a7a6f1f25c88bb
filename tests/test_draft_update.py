"""Re-drafting: confirmed items survive verbatim, drafted ones are replaced, and the result loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzar_ld.annotation import (
    Annotation,
    ArticleFacts,
    Event,
    Mention,
    Organization,
    Person,
    Place,
    PlaceKind,
    Role,
    SourceInfo,
)
from kzar_ld.drafting.update import mark_drafted, merge_drafts, references, review_count

FACTS = ArticleFacts(publisher="kazinform", headline="H", date_published="2024-03-15")


def test_mark_drafted_marks_every_item_and_keeps_plain_mentions() -> None:
    ann = Annotation(
        article=FACTS.model_copy(update={"based_on": SourceInfo(name="MFA information")}),
        people=(Person(id="a", name="A", roles=(Role(id="r", name="R", organization="o"),), mentions=("A",)),),
        organizations=(Organization(id="o", name="O"),),
    )
    marked = mark_drafted(ann)
    assert not marked.people[0].confirmed and not marked.people[0].roles[0].confirmed
    assert not marked.organizations[0].confirmed
    assert marked.article.based_on is not None and not marked.article.based_on.confirmed
    assert marked.people[0].mentions == ("A",)
    assert review_count(marked) == 4
    assert review_count(ann) == 0


def test_confirmed_items_are_kept_verbatim_and_drafted_ones_replaced() -> None:
    corrected = Place(id="astana", kind=PlaceKind.CITY, name="Astana", geonames="1526273", mentions=("ASTANA",))
    previous = Annotation(
        article=FACTS,
        places=(corrected, Place(id="old-guess", name="Old guess", confirmed=False)),
    )
    fresh = Annotation(
        article=FACTS,
        places=(
            Place(id="astana", name="ASTANA", confidence=0.8, confirmed=False, mentions=("ASTANA",)),
            Place(id="chile", kind=PlaceKind.COUNTRY, name="Chile", confirmed=False),
        ),
    )
    merged = merge_drafts(previous, fresh)
    assert merged.places == (corrected, fresh.places[1])


def test_a_renamed_entity_stays_renamed_and_references_follow() -> None:
    previous = Annotation(
        article=FACTS,
        people=(Person(id="aliya-seitkyzy", name="Әлия Сейітқызы", mentions=("Әлия Сейітқызы",)),),
    )
    fresh = Annotation(
        article=FACTS,
        people=(Person(id="aliya", name="Әлия Сейітқызы", confirmed=False, mentions=("Әлия Сейітқызы",)),),
        events=(Event(id="talks", name="Talks", attendees=("aliya",), confirmed=False),),
    )
    merged = merge_drafts(previous, fresh)
    assert [p.id for p in merged.people] == ["aliya-seitkyzy"]
    assert merged.events[0].attendees == ("aliya-seitkyzy",)


def test_a_confirmed_item_keeps_what_it_refers_to() -> None:
    previous = Annotation(
        article=FACTS,
        people=(Person(id="p", name="P", roles=(Role(id="r", name="Director", organization="bmj"),)),),
        organizations=(Organization(id="bmj", name="BMJ", confirmed=False),),
    )
    fresh = Annotation(article=FACTS)  # the new rules no longer find BMJ
    merged = merge_drafts(previous, fresh)
    assert [o.id for o in merged.organizations] == ["bmj"]
    assert merged.people == previous.people


def test_drafted_parts_of_a_confirmed_entity_are_refreshed() -> None:
    previous = Annotation(
        article=FACTS,
        people=(
            Person(
                id="p",
                name="P",
                mentions=("P", Mention(quote="He", confirmed=False), Mention(quote="the Minister", occurrence=2)),
                roles=(Role(id="old", name="Old role", organization="o", confirmed=False),),
            ),
        ),
        organizations=(Organization(id="o", name="O"),),
    )
    fresh = Annotation(
        article=FACTS,
        people=(
            Person(
                id="p",
                name="P",
                confirmed=False,
                mentions=("P", Mention(quote="Mr. P", confirmed=False)),
                roles=(Role(id="new", name="New role", organization="o", confirmed=False),),
            ),
        ),
        organizations=(Organization(id="o", name="O", confirmed=False),),
    )
    person = merge_drafts(previous, fresh).people[0]
    assert person.confirmed
    assert person.mentions == (
        "P",
        Mention(quote="the Minister", occurrence=2),
        Mention(quote="Mr. P", confirmed=False),
    )
    assert [(r.id, r.confirmed) for r in person.roles] == [("new", False)]


def test_fresh_links_to_what_is_gone_are_dropped() -> None:
    previous = Annotation(article=FACTS, places=(Place(id="astana", name="Astana"),))
    fresh = Annotation(
        article=FACTS,
        events=(Event(id="e", name="E", location="nowhere", confirmed=False),),
        places=(Place(id="nowhere", name="Astana", confirmed=False),),  # a twin of the confirmed city
    )
    merged = merge_drafts(previous, fresh)
    assert [p.id for p in merged.places] == ["astana"]
    assert merged.events[0].location == "astana"


def test_the_article_facts_are_the_editors() -> None:
    edited = FACTS.model_copy(update={"headline": "The editor's headline", "based_on": SourceInfo(name="A")})
    fresh_facts = FACTS.model_copy(update={"based_on": SourceInfo(name="B", confirmed=False)})
    merged = merge_drafts(Annotation(article=edited), Annotation(article=fresh_facts))
    assert merged.article == edited
    drafted_source = edited.model_copy(update={"based_on": SourceInfo(name="A", confirmed=False)})
    merged = merge_drafts(Annotation(article=drafted_source), Annotation(article=fresh_facts))
    assert merged.article.headline == "The editor's headline"
    assert merged.article.based_on == SourceInfo(name="B", confirmed=False)


def test_references_cover_roles_and_article_facts() -> None:
    person = Person(id="p", name="P", nationality="kz", roles=(Role(id="r", name="R", organization="mfa"),))
    assert references(person) == {"kz", "mfa"}
    facts = FACTS.model_copy(update={"about": ("e",), "based_on": SourceInfo(name="S", author="mfa")})
    assert references(facts) == {"kazinform", "e", "mfa"}


def test_a_fresh_id_that_a_confirmed_item_of_any_section_uses_is_not_proposed_again() -> None:
    previous = Annotation(article=FACTS, places=(Place(id="astana", name="Astana"),))
    fresh = Annotation(
        article=FACTS,
        events=(Event(id="astana", name="Astana forum", confirmed=False),),  # would duplicate the id
        organizations=(Organization(id="Astana", name="Astana club", confirmed=False),),  # another section
    )
    merged = merge_drafts(previous, fresh)
    assert merged.events == ()
    assert [o.id for o in merged.organizations] == ["Astana"]


DEVELOPMENT = sorted(Path("tests/data/draft").glob("*/article.txt"))


@pytest.mark.parametrize("text_file", DEVELOPMENT, ids=lambda p: p.parent.name)
def test_re_drafting_a_partly_confirmed_development_article_loads_and_keeps_the_confirmed(text_file: Path) -> None:
    from kzar_ld.annotated import resolve
    from kzar_ld.annotation import parse_annotation
    from kzar_ld.article import parse_article_text
    from kzar_ld.drafting import draft
    from kzar_ld.drafting.writer import dump_annotation

    data = text_file.read_bytes()
    first = draft(data, source=str(text_file))
    sections = ("people", "organizations", "places", "events")
    # The editor confirms every other entity of each section, renaming the people they confirm.
    update: dict[str, tuple[object, ...]] = {}
    for section in sections:
        items = []
        for n, item in enumerate(getattr(first, section)):
            if n % 2 == 0:
                changes: dict[str, object] = {"confirmed": True}
                if section == "people":
                    changes["description"] = "checked by the desk"
                item = item.model_copy(update=changes)
            items.append(item)
        update[section] = tuple(items)
    edited = first.model_copy(update=update)
    merged = merge_drafts(edited, draft(data, source=str(text_file)))
    for section in sections:
        confirmed = [i for i in getattr(edited, section) if i.confirmed]
        kept = [i for i in getattr(merged, section) if i.confirmed]
        assert [i.id for i in kept] == [i.id for i in confirmed]
        for before, after in zip(confirmed, kept, strict=True):
            assert after.model_dump(exclude={"mentions", "roles"}) == before.model_dump(exclude={"mentions", "roles"})
    parsed, where = parse_annotation(dump_annotation(merged))
    resolve(parsed, where, parse_article_text(data, source=str(text_file)))
    assert merge_drafts(merged, draft(data, source=str(text_file))) == merged


def test_a_proposed_role_that_repeats_a_confirmed_one_is_not_added() -> None:
    title = "Honorary Consul of the Republic of Kazakhstan in Rosario"
    confirmed = Role(id="honorary-consul-rosario", name=title, organization="gov", mentions=(title,))
    previous = Annotation(
        article=FACTS,
        people=(Person(id="g", name="Gustavo Gutierrez", roles=(confirmed,)),),
        organizations=(Organization(id="gov", name="Government of Kazakhstan"),),
    )
    proposals = (
        Role(id="honorary-consul", name="Honorary Consul", organization="gov", confirmed=False),
        Role(id="x", name="Consul", organization="gov", confirmed=False, mentions=(title,)),
        Role(id="chair", name="Chair of the Club", organization="gov", confirmed=False),
    )
    fresh = Annotation(
        article=FACTS,
        people=(Person(id="g", name="Gustavo Gutierrez", confirmed=False, roles=proposals),),
        organizations=(Organization(id="gov", name="Government of Kazakhstan", confirmed=False),),
    )
    roles = merge_drafts(previous, fresh).people[0].roles
    assert [r.id for r in roles] == ["honorary-consul-rosario", "chair"]
