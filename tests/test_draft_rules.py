"""Each rule family of the drafter, with text that triggers it and text that must not."""

from __future__ import annotations

import pytest

from kzar_ld.annotated import resolve
from kzar_ld.annotation import Annotation, EventStatus, Located, OrganizationKind, PlaceKind, mention_quote
from kzar_ld.article import parse_article_text
from kzar_ld.drafting.extract import MAX_CHARS, draft_article, extract_annotation
from kzar_ld.errors import ArticleError


def draft(body: str, header: str = " date 2024-05-02 A headline\n\n") -> Annotation:
    return extract_annotation(header + body, source="story.txt")


def quotes(item: object) -> list[str]:
    return [mention_quote(m)[0] for m in item.mentions]  # type: ignore[attr-defined]


def person(ann: Annotation, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in ann.people if p.name == name)


# --- persons and roles -----------------------------------------------------------------------


def test_a_role_phrase_before_a_name_makes_a_person_with_the_role_and_its_organisation() -> None:
    ann = draft("ASTANA. KAZINFORM Foreign Minister of Chile Rodrigo Lagos arrived in Astana.")
    lagos = person(ann, "Rodrigo Lagos")
    assert (lagos.given_name, lagos.family_name) == ("Rodrigo", "Lagos")
    assert [(r.name, r.organization) for r in lagos.roles] == [("Foreign Minister", "mfa-chile")]
    assert quotes(lagos.roles[0]) == ["Foreign Minister of Chile"]
    assert lagos.nationality is not None and lagos.nationality.ref == "chile"
    assert "mfa-chile" in {o.id for o in ann.organizations}


def test_an_ambassador_to_a_country_works_for_the_embassy_there() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Ambassador Extraordinary and Plenipotentiary of Georgia to Kazakhstan "
        "Zurab Beridzeli met the press."
    )
    p = person(ann, "Zurab Beridzeli")
    assert p.roles[0].name == "Ambassador Extraordinary and Plenipotentiary"
    assert p.roles[0].organization == "embassy-of-georgia-in-kazakhstan"
    assert p.nationality is not None and p.nationality.ref == "georgia"


def test_a_name_followed_by_its_role_is_a_person_too() -> None:
    ann = draft("ASTANA. KAZINFORM Aigul Bekova, Minister of Culture of Kazakhstan, opened the exhibition.")
    assert [r.organization for r in person(ann, "Aigul Bekova").roles] == ["ministry-of-culture-kazakhstan"]


def test_nationality_only_where_the_office_says_it() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Honorary Consul of Kazakhstan in Rosario Gustavo Ferreyra and Director of the "
        "Kazakh Cultural Center in Rosario Irina Belova met in Rosario, Argentina."
    )
    assert person(ann, "Gustavo Ferreyra").nationality is None
    assert person(ann, "Irina Belova").nationality is None
    assert person(ann, "Gustavo Ferreyra").roles[0].organization == "government-of-kazakhstan"


def test_unnamed_role_holders_are_not_persons() -> None:
    ann = draft("ASTANA. KAZINFORM The Foreign Minister of Cuba said that the Ambassador will arrive soon.")
    assert ann.people == ()


# --- co-reference ----------------------------------------------------------------------------


def test_short_forms_titles_demonym_nouns_and_pronouns_are_mentions_of_the_same_person() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Ambassador of Georgia to Kazakhstan Zurab Beridzeli met with Minister of "
        "Foreign Affairs of Kazakhstan Daulet Sarybay. Mr. Sarybay welcomed the guest.\n\n"
        "The Georgian Ambassador thanked the hosts. He also visited the Kazakh Embassy in Tbilisi. "
        "Later Mr. Beridzel spoke to the press."
    )
    assert sorted(p.name for p in ann.people) == ["Daulet Sarybay", "Zurab Beridzeli"]
    assert "Mr. Sarybay" in quotes(person(ann, "Daulet Sarybay"))
    zurab = quotes(person(ann, "Zurab Beridzeli"))
    assert "The Georgian Ambassador" in zurab
    assert "Mr. Beridzel" in zurab  # a one-letter typo of the family name
    assert "He" in zurab  # the first person of the sentence before


def test_a_demonym_noun_does_not_reach_a_person_of_another_country() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Ambassador of Georgia to Kazakhstan Zurab Beridzeli arrived. The Kazakh diplomat was absent."
    )
    assert "The Kazakh diplomat" not in quotes(person(ann, "Zurab Beridzeli"))


# --- organisations ---------------------------------------------------------------------------


def test_ministries_embassies_consulates_akimats_and_international_organisations() -> None:
    ann = draft(
        "ASTANA. KAZINFORM The Ministry of Foreign Affairs of Argentina, the Embassy of Kazakhstan in "
        "Chile, the Honorary Consulate of Kazakhstan in Valencia, Spain, the akimat of Almaty and the OSCE, "
        "the UN and the EAEU signed a statement. The Kazakh MFA welcomed it."
    )
    orgs = {o.id: o for o in ann.organizations}
    assert orgs["mfa-argentina"].name == "Ministry of Foreign Affairs of Argentina"
    assert orgs["mfa-kazakhstan"].mentions  # "Kazakh MFA": the demonym says whose ministry
    assert "embassy-of-kazakhstan-in-chile" in orgs
    consulate = orgs["honorary-consulate-of-kazakhstan-in-valencia"]
    assert consulate.kind is OrganizationKind.HONORARY_CONSULATE and consulate.location == "valencia"
    assert {"osce", "un", "eaeu", "akimat-almaty"} <= set(orgs)


def test_an_unqualified_ministry_is_the_publishers_country() -> None:
    ann = draft("ASTANA. KAZINFORM Kazinform learned from the Ministry of Foreign Affairs that talks were held.")
    assert ann.article.based_on is not None and ann.article.based_on.author == "mfa-kazakhstan"


def test_companies_media_and_nesting() -> None:
    ann = draft(
        "ASTANA. KAZINFORM The Department of Latin America of the Ministry of Foreign Affairs of "
        "Kazakhstan met the logistics company «Caspian Cargo» and Kazakhstan Temir Zholy JSC."
    )
    orgs = {o.name: o for o in ann.organizations}
    assert orgs["Caspian Cargo"].kind is OrganizationKind.CORPORATION
    assert orgs["Kazakhstan Temir Zholy JSC"].kind is OrganizationKind.CORPORATION
    assert orgs["Department of Latin America"].parent == "mfa-kazakhstan"
    assert ann.article.publisher == "kazinform"


# --- places ----------------------------------------------------------------------------------


def test_countries_official_names_cities_with_geonames_and_macro_regions() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Delegations of the Republic of Kazakhstan and the Plurinational State of "
        "Bolivia met in Buenos Aires to discuss Latin America."
    )
    places = {p.id: p for p in ann.places}
    assert places["kazakhstan"].iso3166 == "KZ" and "Republic of Kazakhstan" in quotes(places["kazakhstan"])
    assert places["bolivia"].iso3166 == "BO"
    assert places["buenos-aires"].kind is PlaceKind.CITY and places["buenos-aires"].geonames == "3435910"
    assert "latin-america" in places


def test_demonyms_are_not_places() -> None:
    ann = draft("ASTANA. KAZINFORM The Cuban delegation and Chilean business met Kazakh officials.")
    assert not {"cuba", "chile"} & {p.id for p in ann.places}
    assert any(o.kind is OrganizationKind.GROUP and o.name == "Cuban delegation" for o in ann.organizations)


def test_an_ambiguous_city_name_gets_no_guessed_identifier() -> None:
    # Rosario is a city in Argentina and in the Philippines: without the country it is not resolved.
    ann = draft("ASTANA. KAZINFORM The delegation went on to Rosario.")
    assert "rosario" not in {p.id for p in ann.places}
    ann = draft("ASTANA. KAZINFORM The delegation went on to Rosario, Argentina.")
    assert {p.id: p.geonames for p in ann.places}["rosario"] == "3838583"


# --- events ----------------------------------------------------------------------------------


def test_a_meeting_with_participants_and_the_dateline_is_not_its_location() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Foreign Minister of Chile Rodrigo Lagos met with Ambassador of Peru to Chile Ana Ruiz."
    )
    [event] = ann.events
    assert event.kind.value == "meeting" and event.status is EventStatus.REPORTED and event.ended
    assert set(event.attendees) == {"rodrigo-lagos", "ana-ruiz"}
    assert event.location is None  # ASTANA is where the story was filed
    assert ann.article.content_location is None


def test_meetings_during_a_visit_are_its_sub_events_and_a_plural_lists_several() -> None:
    ann = draft(
        "LIMA. KAZINFORM Foreign Minister of Kazakhstan Daulet Sarybay paid an official visit to Peru. "
        "During the visit, he held meetings with Minister of Energy of Peru Rosa Quispe, Rector of the "
        "National University of Engineering Julio Salas and Mayor of Lima Carmen Soto."
    )
    visit = next(e for e in ann.events if e.kind.value == "visit")
    assert visit.location == "peru" and visit.attendees == ("daulet-sarybay",)
    meetings = [e for e in ann.events if e.kind.value == "meeting"]
    assert len(meetings) == 3
    assert all(m.super_events == (visit.id,) and "daulet-sarybay" in m.attendees for m in meetings)


def test_planned_and_background_events_are_kept_apart() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Foreign Minister of Chile Rodrigo Lagos will pay an official visit to Kazakhstan "
        "next month. Earlier, the two countries had signed an agreement on visas."
    )
    by_status = {e.status for e in ann.events}
    assert by_status == {EventStatus.PLANNED, EventStatus.BACKGROUND}
    assert not any(e.ended for e in ann.events)
    assert ann.article.primary_topic is None  # nothing reported happened


def test_credentials_ceremony() -> None:
    ann = draft(
        "ASTANA. KAZINFORM Ambassador of Egypt to Kazakhstan Ahmed Fahmy presented his credentials to "
        "President of Kazakhstan Bakhytzhan Nurlanov. The ceremony took place in the Akorda."
    )
    [event] = [e for e in ann.events if e.kind.value == "ceremony"]
    assert set(event.attendees) == {"ahmed-fahmy", "bakhytzhan-nurlanov"}
    assert quotes(event) == ["presented his credentials", "The ceremony"]


# --- the document ----------------------------------------------------------------------------


def test_attribution_source_becomes_based_on() -> None:
    ann = draft("ASTANA. KAZINFORM Talks were held, Kazinform learned from the press service of the Kazakh MFA.")
    assert ann.article.based_on is not None
    assert ann.article.based_on.author == "mfa-kazakhstan"
    assert ann.article.based_on.name.startswith("Information from the press service of")


def resolved(raw: str):  # type: ignore[no-untyped-def]
    ann = extract_annotation(raw, source="story.txt")
    return ann, resolve(ann, Located("<draft>", {}), parse_article_text(raw, source="story.txt"))


def test_no_header_takes_the_headline_and_the_byline_date() -> None:
    _, article = resolved(
        "Kazakhstan and Chile agree on consultations\n10 December 2022, 14:13\n\n"
        "ASTANA – Chile and Kazakhstan held political consultations in Astana on Friday."
    )
    assert article.headline == "Kazakhstan and Chile agree on consultations"
    assert str(article.date_published) == "2022-12-10"


def test_a_body_alone_gets_a_headline_from_its_first_sentence_and_its_first_date() -> None:
    ann, article = resolved("ASTANA – On 12 May 2023, the Senate of Kazakhstan hosted a round table on trade.")
    assert ann.article.headline is not None and ann.article.headline.startswith("On 12 May 2023, the Senate")
    assert str(article.date_published) == "2023-05-12"


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x00\x01binary", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"12345 678 -- 2024", "no recognisable body"),
    ],
)
def test_bad_input_is_one_clear_error_naming_the_source(text: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message) as exc:
        draft_article(text, source="story.txt")
    assert "story.txt" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_input_over_the_cap_is_refused() -> None:
    with pytest.raises(ArticleError, match="limit"):
        draft_article("a" * (MAX_CHARS + 1), source="big.txt")


def test_an_ambassador_without_to_is_accredited_to_the_one_other_country_of_the_story() -> None:
    ann = draft(
        "ASTANA – President of Kazakhstan Bakhytzhan Nurlanov received the credentials of Ambassador of "
        "Egypt Ahmed Fahmy and Ambassador of Finland Kaisa Lindroos."
    )
    assert person(ann, "Ahmed Fahmy").roles[0].organization == "embassy-of-egypt-in-kazakhstan"
    assert person(ann, "Kaisa Lindroos").roles[0].organization == "embassy-of-finland-in-kazakhstan"
    # With no other country's office in the story, the host is not guessed.
    ann = draft("ASTANA – Ambassador of Egypt Ahmed Fahmy gave a lecture.")
    assert person(ann, "Ahmed Fahmy").roles[0].organization == "government-of-egypt"
