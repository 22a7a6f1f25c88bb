"""The annotation YAML writer: deterministic, commented, and round-tripping with the loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzar_ld.annotation import (
    Annotation,
    ArticleFacts,
    DerivedRef,
    Event,
    EventKind,
    EventStatus,
    Mention,
    Person,
    Place,
    PlaceKind,
    Role,
    parse_annotation,
)
from kzar_ld.drafting.writer import DOUBTFUL_BELOW, dump_annotation, write_annotation
from kzar_ld.errors import OutputError

HAND_WRITTEN = [
    Path("examples/kazinform-2023-08-24/annotation.yaml"),
    Path("tests/data/articles/fictional-round-table/annotation.yaml"),
]


def roundtrip(ann: Annotation) -> str:
    text = dump_annotation(ann)
    back, _ = parse_annotation(text, source="written.yaml")
    assert back == ann
    assert dump_annotation(back) == text  # deterministic: the same model, the same bytes
    return text


@pytest.mark.parametrize("path", HAND_WRITTEN, ids=lambda p: p.parent.name)
def test_hand_written_annotations_round_trip(path: Path) -> None:
    ann, _ = parse_annotation(path.read_text(encoding="utf-8"), source=str(path))
    text = roundtrip(ann)
    assert "confirmed" not in text and "DOUBTFUL" not in text  # nothing drafted in them
    assert text.startswith("# Drafted annotation\n\nformat: kzar-annotation/1\n")


DEVELOPMENT = sorted(Path("tests/data/draft").glob("*/annotation.yaml"))


@pytest.mark.parametrize("path", DEVELOPMENT, ids=lambda p: p.parent.name)
def test_gold_and_drafted_development_annotations_round_trip(path: Path) -> None:
    from kzar_ld.drafting.extract import extract_annotation

    gold, _ = parse_annotation(path.read_text(encoding="utf-8"), source=str(path))
    roundtrip(gold)
    text = next(path.parent.glob("*.txt"))
    roundtrip(extract_annotation(text.read_text(encoding="utf-8"), source=str(text)))


def drafted() -> Annotation:
    return Annotation(
        article=ArticleFacts(publisher="kazinform", headline="Talks: “Astana” #1", date_published="2024-03-15"),
        people=(
            Person(
                id="murat",
                name="Murat Nurtleu",
                confidence=0.93,
                evidence="role phrase before the name",
                confirmed=False,
                nationality=DerivedRef(ref="kazakhstan", derivation="holds an office of Kazakhstan"),
                roles=(
                    Role(
                        id="minister",
                        name="Minister of Foreign Affairs",
                        organization="mfa",
                        confidence=0.42,
                        evidence="apposition",
                        confirmed=False,
                    ),
                ),
                mentions=(
                    "Murat Nurtleu",
                    Mention(quote="He", confidence=0.55, evidence="pronoun after a person", confirmed=False),
                    Mention(quote="Murat Nurtleu", occurrence=2),
                    Mention(quote="Nurtleu", occurrence="all", whole_word=False, nested=True),
                    Mention(quote="Minister", after="Foreign ", before=" of"),
                ),
            ),
        ),
        places=(
            Place(id="kazakhstan", kind=PlaceKind.COUNTRY, name="Kazakhstan", iso3166="KZ", geonames="1522867"),
            Place(id="no", name="no", description="null", alternate_names=("yes", "~", "2024", "- dash", "a: b")),
        ),
        events=(
            Event(
                id="talks",
                kind=EventKind.TALKS,
                name="Talks",
                status=EventStatus.PLANNED,
                confidence=1.0,
                evidence="“will hold talks”",
                confirmed=False,
            ),
        ),
    )


def test_a_drafted_annotation_round_trips_with_its_comments() -> None:
    text = roundtrip(drafted())
    lines = text.splitlines()
    assert "  # drafted, confidence 0.93: role phrase before the name" in lines
    assert "      # DOUBTFUL, confidence 0.42: apposition" in lines
    assert "      # DOUBTFUL, confidence 0.55: pronoun after a person" in lines
    assert "  # drafted, confidence 1.00: “will hold talks”" in lines
    assert "# 4 drafted item(s) await review" in text
    # The header lists the doubtful items with the line each starts on.
    listed = [line for line in lines if line.startswith("#   line ")]
    assert len(listed) == 2
    for entry in listed:
        number = int(entry.split()[2].rstrip(":"))
        assert lines[number - 2].lstrip().startswith("# DOUBTFUL")
        assert lines[number - 1].lstrip().startswith("- ")
    assert "#   line" in text and "role 'minister'" in text and "mention 'He'" in text


def test_drafting_fields_follow_the_identity_of_an_item() -> None:
    text = dump_annotation(drafted(), header=None)
    person = text[text.index("  - id: murat") :]
    assert person.splitlines()[:5] == [
        "  - id: murat",
        "    name: Murat Nurtleu",
        "    confidence: 0.93",
        "    evidence: role phrase before the name",
        "    confirmed: false",
    ]
    assert "      - quote: He\n        confidence: 0.55\n" in text


@pytest.mark.parametrize(
    "value",
    [
        "null",
        "~",
        "yes",
        "2024-03-15",
        "- starts like a list",
        "ends with a colon:",
        "a: b",
        "hash # comment",
        "#hashtag",
        "'single'",
        '"double"',
        "back\\slash",
        "line\nbreak",
        "para\n\ngraph",
        "tab\there",
        " leading space",
        "trailing space ",
        "line\u2028separator",
        "no\u00a0break",
        "bom\ufeffinside",
        "«BMJ» \u2013 en dash",
        "Әлия Сейітқызы",
        "emoji 🇰🇿 and astral \U0001d538",
        "@at",
        "%percent",
        "&anchor",
        "*alias",
        "!tag",
        "|literal",
        ">folded",
        "{flow}",
        "[flow]",
        "? key",
        "x:y",
        "https://kzar.example/a#b",
    ],
)
def test_any_quote_round_trips(value: str) -> None:
    ann = Annotation(
        article=ArticleFacts(publisher="p"),
        places=(Place(id="x", name="X", mentions=(value, Mention(quote=value, occurrence=2))),),
    )
    roundtrip(ann)


def test_the_model_refuses_an_empty_quote() -> None:
    with pytest.raises(ValueError, match="at least 1 character"):
        Mention(quote="")


def test_doubtful_threshold() -> None:
    assert 0 < DOUBTFUL_BELOW < 1
    sure = Place(id="a", name="A", confidence=DOUBTFUL_BELOW, confirmed=False)
    unsure = Place(id="b", name="B", confidence=DOUBTFUL_BELOW - 0.01, confirmed=False)
    text = dump_annotation(Annotation(article=ArticleFacts(publisher="p"), places=(sure, unsure)), header=None)
    assert text.count("# DOUBTFUL") == 1 and text.count("# drafted") == 1


def test_write_is_atomic_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "annotation.yaml"
    write_annotation(drafted(), target)
    assert parse_annotation(target.read_text(encoding="utf-8"))[0] == drafted()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotation.yaml"]


def test_a_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"missing/annotation\.yaml: cannot write"):
        write_annotation(drafted(), tmp_path / "missing" / "annotation.yaml")
