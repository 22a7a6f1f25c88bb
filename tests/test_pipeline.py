"""The per-article pipeline and the batch commands built on it: order, jobs, shards, failures, kills."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _terminal import stderr_on_terminal
from typer.testing import CliRunner

from kzar_ld import Format, build_graph, load_article, serialize
from kzar_ld.cli import app
from kzar_ld.errors import InputError
from kzar_ld.pipeline import PipelineSettings, Shard, Source, SourceKind, expand_sources, process_source, run_pipeline
from kzar_ld.pipeline.sinks import RdfWriter

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kazinform-2023-08-24"
runner = CliRunner()


def make_corpus(folder: Path, count: int, *, broken: tuple[int, ...] = (), invalid: tuple[int, ...] = ()) -> list[Path]:
    """``count`` copies of the example under ids a000…; ``broken`` ones have a quote that is not in
    the text (bad input), ``invalid`` ones a family name that contradicts the name (a violation)."""
    text = next(EXAMPLE.glob("*.txt")).read_text(encoding="utf-8")
    annotation = (EXAMPLE / "annotation.yaml").read_text(encoding="utf-8")
    made = []
    for i in range(count):
        new_id = f"a{i:03d}"
        article = folder / new_id
        article.mkdir(parents=True)
        (article / f"{new_id}.txt").write_text(text, encoding="utf-8")
        ann = annotation.replace("000_b748ee61ec8ac40c", new_id)
        if i in broken:
            ann = ann.replace("mentions: [BMJ]", "mentions: [BJM]")
        if i in invalid:
            ann = ann.replace("    family_name: Umarov\n", "    family_name: Smith\n")
        (article / "annotation.yaml").write_text(ann, encoding="utf-8")
        made.append(article)
    return made


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 6)
    return folder


def test_an_outcome_is_frozen_and_picklable() -> None:
    outcome = process_source(Source(str(EXAMPLE), SourceKind.ARTICLE))
    assert outcome.ok and outcome.report is not None and outcome.report.conforms
    assert [stage for stage, _ in outcome.timings] == ["load", "build", "serialize", "validate"]
    again = pickle.loads(pickle.dumps(outcome))
    assert again == outcome
    assert outcome.nquads == serialize(build_graph(load_article(EXAMPLE)), format=Format.NQUADS)
    with pytest.raises(AttributeError):
        outcome.triples = 0  # type: ignore[misc]


def test_a_bad_source_is_an_outcome_not_an_exception(tmp_path: Path) -> None:
    (article,) = make_corpus(tmp_path, 1, broken=(0,))
    outcome = process_source(Source(str(article), SourceKind.ARTICLE))
    assert not outcome.ok and outcome.exit_code == 2 and outcome.nquads == b""
    assert outcome.failure is not None
    assert outcome.failure.message.startswith(f"{article}/annotation.yaml:")
    assert "quote 'BJM' not found" in outcome.failure.message
    assert type(outcome.failure.to_error()).__name__ == "AnnotationError"


def test_expand_sources_directories_globs_and_errors(corpus: Path, tmp_path: Path) -> None:
    listed = [s.path for s in expand_sources([str(corpus)])]
    assert listed == [str(corpus / f"a{i:03d}") for i in range(6)]
    assert [s.path for s in expand_sources([str(corpus / "a00[12]")])] == listed[1:3]
    # the same article named twice is read once
    assert len(expand_sources([listed[0], listed[0] + "/annotation.yaml", listed[0]])) == 2
    with pytest.raises(InputError, match="the pattern matches no file or directory"):
        expand_sources([str(tmp_path / "nothing-*")])
    with pytest.raises(InputError, match="no article directories in it"):
        expand_sources([str(tmp_path)])


def test_shards_split_the_sources_with_no_overlap(corpus: Path) -> None:
    sources = expand_sources([str(corpus)])
    parts = [Shard(k, 3).select(sources) for k in (1, 2, 3)]
    assert sorted(s.path for part in parts for s in part) == sorted(s.path for s in sources)
    assert sum(len(p) for p in parts) == len(sources)
    for bad in ("0/3", "4/3", "a/b", "3"):
        with pytest.raises(InputError, match="shard"):
            Shard.parse(bad)


@pytest.mark.parametrize("fmt", [Format.NQUADS, Format.TRIG, Format.TURTLE, Format.JSON_LD])
def test_jobs_1_and_2_write_the_same_bytes_as_one_build(corpus: Path, fmt: Format) -> None:
    sources = expand_sources([str(corpus)])
    expected = serialize(build_graph([load_article(s.path) for s in sources]), format=fmt)
    for jobs in (1, 2):
        import io

        out = io.BytesIO()
        with RdfWriter(out, format=fmt) as writer:
            for outcome in run_pipeline(sources, settings=PipelineSettings(validate=False), jobs=jobs, pool_from=2):
                writer.add(outcome)
        assert out.getvalue() == expected, f"jobs={jobs}"


def test_a_run_over_20_articles_with_3_broken_writes_17_and_names_3(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 20, broken=(3, 11), invalid=(17,))
    out = tmp_path / "out.nq"
    result = runner.invoke(app, ["build", str(corpus), "-f", "nquads", "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 2  # the worst failure: bad input
    good = [load_article(corpus / f"a{i:03d}") for i in range(20) if i not in (3, 11, 17)]
    assert out.read_bytes() == serialize(build_graph(good), format=Format.NQUADS)
    assert "17 of 20 articles" in result.stderr
    for i in (3, 11):
        assert f"{corpus}/a{i:03d}/annotation.yaml:" in result.stderr
    assert f"{corpus}/a017: the data does not conform" in result.stderr
    assert "3 failed: " in result.stderr


def test_fail_fast_stops_and_writes_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 4, broken=(1,))
    out = tmp_path / "out.nq"
    result = runner.invoke(app, ["build", str(corpus), "-f", "nquads", "-o", str(out), "--fail-fast", "--jobs", "1"])
    assert result.exit_code == 2
    assert not out.exists()
    assert "a002" not in result.stderr  # never reached


def test_shard_option_builds_only_its_part(corpus: Path, tmp_path: Path) -> None:
    sources = expand_sources([str(corpus)])
    chunks = []
    for k in (1, 2):
        out = tmp_path / f"part-{k}.nq"
        result = runner.invoke(app, ["build", str(corpus), "-f", "nquads", "-o", str(out), "--shard", f"{k}/2", "-q"])
        assert result.exit_code == 0, result.stderr
        chunks.append(out.read_bytes())
    lines = sorted(line for chunk in chunks for line in chunk.splitlines())
    expected = serialize(build_graph([load_article(s.path) for s in sources]), format=Format.NQUADS)
    assert lines == sorted(expected.splitlines())


def test_stdin_lists_article_paths_and_dash_output_is_stdout(corpus: Path) -> None:
    listed = "\n".join(str(corpus / f"a{i:03d}") for i in (0, 2)) + "\n"
    result = runner.invoke(app, ["build", "-", "-f", "nt", "-o", "-", "-q"], input=listed)
    assert result.exit_code == 0, result.stderr
    articles = [load_article(corpus / "a000"), load_article(corpus / "a002")]
    assert result.stdout_bytes == serialize(build_graph(articles), format=Format.NT)


def test_validate_reads_rdf_from_stdin() -> None:
    turtle = serialize(build_graph(load_article(EXAMPLE)), format=Format.TURTLE)
    result = runner.invoke(app, ["validate", "-", "-q"], input=turtle)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Conforms")
    result = runner.invoke(app, ["validate", "-", "--input-format", "nt"], input=b"<a> <b> .")
    assert result.exit_code == 2
    assert "<stdin>" in result.stderr


def _wait_for(predicate: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_while_writing_leaves_the_output_intact(tmp_path: Path, sig: signal.Signals) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 12)
    out = tmp_path / "out.nq"
    out.write_bytes(b"keep me\n")
    command = [sys.executable, "-m", "kzar_ld", "build", str(corpus), "-f", "nquads", "-o", str(out), "-j", "1"]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL, cwd=ROOT)

    def writing() -> bool:
        # the temporary file has the first articles in it: the process is mid-write
        return any(p.name.startswith(".out.nq.") and p.stat().st_size > 0 for p in tmp_path.iterdir())

    _wait_for(writing)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert out.read_bytes() == b"keep me\n"
    if sig is signal.SIGTERM:  # a handled signal also removes the temporary file
        assert proc.returncode == 128 + signal.SIGTERM
        assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out.nq"]


class _DropsItsStop:
    """An object whose ``__del__`` asks for a stop: Python prints "Exception ignored" and goes on."""

    def __del__(self) -> None:
        from kzar_ld._stop import request_stop

        request_stop(128 + signal.SIGTERM)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the dropped SystemExit
def test_a_stop_whose_exception_was_dropped_still_keeps_the_output(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A signal's SystemExit can land where Python drops it (seen: inside isinstance, under a
    # C lookup); the stop is remembered, so no output is committed and no article is started.
    from kzar_ld import _stop
    from kzar_ld.serialization import atomic_output

    monkeypatch.setattr(_stop, "_requested", [])
    out = tmp_path / "out.nq"
    out.write_bytes(b"keep me\n")
    with pytest.raises(SystemExit) as info, atomic_output(out) as stream:
        stream.write(b"half an article")
        _DropsItsStop()  # dropped at once: the block goes on to its end
    assert info.value.code == 128 + signal.SIGTERM
    assert out.read_bytes() == b"keep me\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.nq"]
    with pytest.raises(SystemExit):
        next(run_pipeline(expand_sources([str(corpus)]), settings=PipelineSettings(validate=False)))


def test_a_stop_keeps_drafted_files_and_directories_from_being_renamed_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kzar_ld import _stop
    from kzar_ld.drafting import _new_directory
    from kzar_ld.drafting.writer import write_atomically

    monkeypatch.setattr(_stop, "_requested", [128 + signal.SIGTERM])  # asked for, its exception dropped
    with pytest.raises(SystemExit):
        write_atomically(tmp_path / "annotation.yaml", b"article: {}\n")
    with pytest.raises(SystemExit):
        _new_directory(tmp_path / "draft", {"article.txt": b"text", "annotation.yaml": b"article: {}\n"})
    assert list(tmp_path.iterdir()) == []


def _stderr_of(command: list[str], *, terminal: bool) -> str:
    if terminal:
        return stderr_on_terminal(command).decode("utf-8", "replace")
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_progress_bar_only_on_a_terminal_and_never_with_quiet(corpus: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kzar_ld", "build", str(corpus), "-f", "nquads", "-o", str(tmp_path / "o.nq")]
    on_terminal = _stderr_of(command, terminal=True)
    assert "ETA" in on_terminal and "articles/s" in on_terminal and "failed" in on_terminal
    piped = _stderr_of(command, terminal=False)
    assert "ETA" not in piped
    assert "wrote" in piped  # the summary line is still there
    quiet = _stderr_of([*command, "-q"], terminal=True)
    assert quiet == ""


def _graph_sizes(server: object) -> dict[str, int]:
    import requests

    response = requests.post(
        server.query,  # type: ignore[attr-defined]
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


@pytest.mark.slow
def test_publish_after_a_kill_leaves_every_article_once_and_complete(oxigraph_server: object, tmp_path: Path) -> None:
    oxigraph_server.clear()  # type: ignore[attr-defined]
    corpus = tmp_path / "corpus"
    articles = make_corpus(corpus, 10)
    expected = {}
    for path in articles:
        article = load_article(path)
        iri = f"https://kzar.example/id/article/{article.id}"
        expected[iri] = len(build_graph(article).graph(iri))
    store = oxigraph_server.store  # type: ignore[attr-defined]
    command = [sys.executable, "-m", "kzar_ld", "publish", str(corpus), "--store", store, "--skip-unchanged", "-j", "1"]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL, cwd=ROOT)
    _wait_for(lambda: any(g in expected for g in _graph_sizes(oxigraph_server)))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    partial = {g: n for g, n in _graph_sizes(oxigraph_server).items() if g in expected}
    assert 0 < len(partial) <= len(expected)

    again = subprocess.run([*command, "--concurrency", "3"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert again.returncode == 0, again.stderr
    sizes = _graph_sizes(oxigraph_server)
    assert {g: n for g, n in sizes.items() if g in expected} == expected
    # beside each article, one statement: the hash of what was sent
    assert {g: n for g, n in sizes.items() if g not in expected} == {g + "/publication": 1 for g in expected}

    third = subprocess.run([*command, "-v"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert third.returncode == 0, third.stderr
    assert third.stderr.count("unchanged since it was last published") == len(expected)
    assert _graph_sizes(oxigraph_server) == sizes


def _die(source: Source, settings: object) -> None:
    os._exit(9)  # a worker killed mid-article, as the OOM killer would


def test_a_dead_worker_stops_the_run_with_a_clear_error(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kzar_ld.pipeline.runner as runner_module
    from kzar_ld.errors import WorkerError

    monkeypatch.setattr(runner_module, "process_source", _die)
    with pytest.raises(WorkerError, match=r"a000: a worker process died") as info:
        list(run_pipeline(expand_sources([str(corpus)]), jobs=2, pool_from=2))
    assert info.value.exit_code == 70


def test_input_warnings_reach_stderr_unless_quiet(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "regressions"))
    from _fictional import HEAD, write_article

    annotation = (
        HEAD
        + "places:\n  - id: austria\n    name: Austria\n    mentions: [{quote: Austria, occurrence: 2}]\n"
        + "  - id: lower-austria\n    name: Lower Austria\n    mentions: [Lower Austria]\n"
    )
    folder = write_article(tmp_path, annotation)
    outcome = process_source(Source(str(folder), SourceKind.ARTICLE))
    assert [w.kind.value for w in outcome.warnings] == ["nested-mention"]
    result = runner.invoke(app, ["build", str(folder), "-o", str(tmp_path / "out.ttl")])
    assert result.exit_code == 0, result.stderr
    assert f"kzar-ld: {folder / 'annotation.yaml'}:13: warning: mention 'Austria'" in result.stderr
    quiet = runner.invoke(app, ["build", str(folder), "-o", str(tmp_path / "out.ttl"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_several_errors_of_one_annotation_each_get_a_line(tmp_path: Path) -> None:
    (article,) = make_corpus(tmp_path, 1)
    ann = article / "annotation.yaml"
    text = ann.read_text(encoding="utf-8").replace("mentions: [BMJ]", "mentions: [BJM]")
    ann.write_text(text.replace("mentions: [Pablo Tettamanti]", "mentions: [Pablo Tetamanti]", 1), encoding="utf-8")
    outcome = process_source(Source(str(article), SourceKind.ARTICLE))
    assert outcome.failure is not None and outcome.failure.kind == "AnnotationErrors"
    assert type(outcome.failure.to_error()).__name__ == "AnnotationError"
    result = runner.invoke(app, ["build", str(article)])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("kzar-ld: error: ")]
    assert len(errors) == 2
    assert all(line.startswith(f"kzar-ld: error: {ann}:") for line in errors)


def test_build_says_how_many_drafted_items_nobody_confirmed(tmp_path: Path) -> None:
    from kzar_ld.mapping import count_unconfirmed

    text = ROOT / "tests" / "data" / "draft" / "d01-credentials" / "article.txt"
    drafted = runner.invoke(app, ["draft", str(text), "-o", str(tmp_path)])
    assert drafted.exit_code == 0, drafted.stderr
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    expected = count_unconfirmed(build_graph(load_article(folder)))
    assert expected > 0
    outcome = process_source(Source(str(folder), SourceKind.ARTICLE))
    assert outcome.unconfirmed == expected
    result = runner.invoke(app, ["build", str(folder), "-o", str(tmp_path / "out.ttl")])
    assert result.exit_code == 0, result.stderr
    assert f"{expected:,} drafted items unconfirmed" in result.stderr
    confirmed = process_source(Source(str(EXAMPLE), SourceKind.ARTICLE))
    assert confirmed.unconfirmed == 0


def test_raw_texts_are_drafted_on_the_fly_with_draft(tmp_path: Path) -> None:
    text = ROOT / "tests" / "data" / "draft" / "d01-credentials" / "article.txt"
    refused = runner.invoke(app, ["build", str(text)])
    assert refused.exit_code == 2
    assert "is not an article" in refused.stderr and "draft raw .txt texts" in refused.stderr
    out = tmp_path / "drafted.nq"
    result = runner.invoke(app, ["build", "--draft", str(text), "-f", "nquads", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "drafted items unconfirmed" in result.stderr
    from kzar_ld.drafting import load_drafted_article

    assert out.read_bytes() == serialize(build_graph(load_drafted_article(text)), format=Format.NQUADS)
    outcome = process_source(Source(str(text), SourceKind.DRAFT))
    assert [stage for stage, _ in outcome.timings][:2] == ["draft", "build"]


def test_an_unexpected_error_is_one_line_with_exit_70(monkeypatch: pytest.MonkeyPatch) -> None:
    import kzar_ld.cli.batch as batch

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr(batch, "run_batch", broken)
    result = runner.invoke(app, ["build", str(EXAMPLE)])
    assert result.exit_code == 70
    assert (
        result.stderr.strip()
        == "kzar-ld: error: internal error (RuntimeError: something nobody planned for); please report it"
    )


def test_entities_option_names_the_shared_entity_file(tmp_path: Path) -> None:
    import shutil

    shared = ROOT / "tests" / "data" / "shared"
    for name in ("fictional-consulate-opening", "fictional-credentials"):
        shutil.copytree(shared / name, tmp_path / "articles" / name)
    registry = tmp_path / "registry.yaml"
    shutil.copy(shared / "entities.yaml", registry)
    articles = tmp_path / "articles"
    # without the registry the articles refer to ids nobody declares
    missing = runner.invoke(app, ["build", str(articles), "-f", "nquads", "-o", str(tmp_path / "a.nq")])
    assert missing.exit_code == 2
    out = tmp_path / "b.nq"
    result = runner.invoke(app, ["build", str(articles), "--entities", str(registry), "-f", "nquads", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    expected = [
        load_article(articles / n, entities=registry) for n in ("fictional-consulate-opening", "fictional-credentials")
    ]
    assert out.read_bytes() == serialize(build_graph(expected), format=Format.NQUADS)


def _articles_to_compare(tmp_path: Path) -> list[Path]:
    (invalid,) = make_corpus(tmp_path / "invalid", 1, invalid=(0,))
    return [EXAMPLE, ROOT / "tests" / "data" / "articles" / "fictional-round-table", invalid]


def test_an_article_outcome_is_what_the_dataset_gives(tmp_path: Path) -> None:
    # The pipeline never puts an article's statements in an rdflib store: its N-Quads, counts and
    # report must be those of build_graph's dataset.
    from kzar_ld import validate
    from kzar_ld.serialization import graph_names

    for folder in _articles_to_compare(tmp_path):
        dataset = build_graph(load_article(folder))
        outcome = process_source(Source(str(folder), SourceKind.ARTICLE))
        assert outcome.nquads == serialize(dataset, format=Format.NQUADS), folder
        assert outcome.graphs == graph_names(dataset)
        assert outcome.triples == len(dataset)
        assert outcome.report is not None
        assert outcome.report == validate(dataset), folder
    assert not outcome.report.conforms  # the invalid one: the comparison covers a violation


def test_validating_statements_with_blank_nodes_gives_the_dataset_report() -> None:
    from rdflib import BNode, Dataset, Literal, URIRef

    from kzar_ld import validate
    from kzar_ld.mapping import graph_namespaces
    from kzar_ld.namespaces import RDF, SCHEMA
    from kzar_ld.serialization import graph_nquads
    from kzar_ld.validation.shacl import validate_statements

    name = URIRef("https://kzar.example/id/article/x")
    place = BNode()
    statements = [(place, RDF.type, SCHEMA.City), (place, SCHEMA.alternateName, Literal("X"))]
    dataset = Dataset()
    dataset.graph(name).addN((s, p, o, dataset.graph(name)) for s, p, o in statements)
    report = validate_statements(name, statements, graph_nquads(name, statements), namespaces=graph_namespaces())
    assert report == validate(dataset)
    assert [r.focus_node for r in report.violations] and all(r.focus_node == place for r in report.violations)
