"""Batch runs: every kind of input, faults reported and skipped, workers, resume, interruption, progress."""

from __future__ import annotations

import io
import json
import tarfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import regex
from sink_helpers import SEEDS, table_rows

from gonghui_extract import runner
from gonghui_extract.cli import main
from gonghui_extract.doc import Doc
from gonghui_extract.pipeline import component
from gonghui_extract.progress import status_line
from gonghui_extract.rules import Rules
from gonghui_extract.runner import Outcome, RunOptions, Summary, run

pytest_plugins = ["sink_fixtures"]
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _files(path: Path) -> list[dict]:
    """The first line of each file's run of article lines (a page yields one line per article)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line["article_index"] == 0]


def _sources(path: Path) -> list[str]:
    return [line["source"] for line in _files(path)]


def _stored_sources(database: str) -> list[str]:
    """The sources a database holds, each once, in the order their first article was stored."""
    return list(dict.fromkeys(r["source"] for r in table_rows(database, "articles")))


def test_files_folders_globs_archives_and_stdin(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    (corpus / "b" / "deeper").mkdir(parents=True)
    (corpus / ".hidden").mkdir()
    texts = [p.read_bytes() for p in SEED_FILES]
    (corpus / "a.txt").write_bytes(texts[0])
    (corpus / "b" / "deeper" / "c.txt").write_bytes(texts[1])
    (corpus / ".hidden" / "skip.txt").write_bytes(texts[2])
    (corpus / ".DS_Store").write_bytes(b"\x00")
    with zipfile.ZipFile(tmp_path / "pages.zip", "w") as archive:
        archive.writestr("2023/p1.txt", texts[2])
        archive.writestr("2023/p2.txt", texts[3])
        archive.writestr("__MACOSX/2023/._p1.txt", b"\x00\x01")
    with tarfile.open(tmp_path / "pages.tar.gz", "w:gz") as archive:
        for name, data in (("t1.txt", texts[4]), ("t2.txt", texts[0])):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    glob_pattern = str(tmp_path / "corpus" / "**" / "c*.txt")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(texts[3])))
    out = tmp_path / "out.jsonl"
    rc = main(["extract", str(corpus), str(tmp_path / "pages.zip"), str(tmp_path / "pages.tar.gz"),
               glob_pattern, "-", "-o", str(out), "-q"])
    assert rc == 0
    zip_name, tar_name = tmp_path / "pages.zip", tmp_path / "pages.tar.gz"
    assert _sources(out) == [
        str(corpus / "a.txt"), str(corpus / "b" / "deeper" / "c.txt"),
        f"{zip_name}!2023/p1.txt", f"{zip_name}!2023/p2.txt",
        f"{tar_name}!t1.txt", f"{tar_name}!t2.txt",
        str(corpus / "b" / "deeper" / "c.txt"), "<stdin>",
    ]
    files = _files(out)
    assert files[1]["content_hash"] == files[6]["content_hash"]
    assert files[-1]["content_hash"] == files[3]["content_hash"]


def test_a_bad_file_is_reported_and_the_run_goes_on(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "1-good.txt").write_bytes(SEED_FILES[0].read_bytes())
    (corpus / "2-binary.txt").write_bytes(b"\x80\xff\x00\xff" * 10)
    (corpus / "3-broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (corpus / "4-good.txt").write_bytes(SEED_FILES[1].read_bytes())
    db, errors = tmp_path / "out.sqlite", tmp_path / "errors.jsonl"
    rc = main(["extract", str(corpus), "-o", str(db), "--error-log", str(errors)])
    assert rc == 1
    logged = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [e["source"] for e in logged] == [str(corpus / "2-binary.txt"), str(corpus / "3-broken.zip")]
    assert all(entry["error"] for entry in logged)
    err = capsys.readouterr().err
    assert "2 failed" in err and f"FAILED {corpus / '2-binary.txt'}" in err
    assert _stored_sources(str(db)) == [str(corpus / "1-good.txt"), str(corpus / "4-good.txt")]


@component("sinks_test_broken")
def _broken_on_marker(doc: Doc, rules: Rules) -> None:
    """A rule that crashes on one text: the run must report it and go on."""
    if "BREAK-HERE" in doc.text:
        raise ValueError("a rule crashed")


def test_a_text_the_pipeline_fails_on_is_reported_and_the_rest_stored(tmp_path):
    rules = tmp_path / "broken_rules"
    rules.mkdir()
    (rules / "pipeline.yaml").write_text("components: [sinks_test_broken]\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("a.txt", "第一篇"), ("b.txt", "BREAK-HERE"), ("c.txt", "第三篇")):
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run(RunOptions([str(corpus)], output=str(out), quiet=True, workers=1, rules=[str(rules)]))
    assert summary.failed_count == 1
    assert summary.failures == [(str(corpus / "b.txt"), "extract: ValueError: a rule crashed")]
    assert _sources(out) == [str(corpus / "a.txt"), str(corpus / "c.txt")]


def test_missing_input_is_an_error_before_any_work(tmp_path, capsys):
    db = tmp_path / "out.sqlite"
    assert main(["extract", str(SEEDS), str(tmp_path / "nope.txt"), "-o", str(db)]) == 2
    assert "nope.txt" in capsys.readouterr().err
    assert not db.exists()


@pytest.fixture
def many_files(tmp_path) -> Path:
    """Enough files for several chunks, so two workers really share the work."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(runner.CHUNK_FILES * 3 + 5):
        (folder / f"{i:03d}.txt").write_bytes(SEED_FILES[i % len(SEED_FILES)].read_bytes())
    return folder


def test_two_workers_write_exactly_what_one_writes(tmp_path, many_files):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["extract", str(many_files), "-o", str(one), "-j", "1", "-q"]) == 0
    assert main(["extract", str(many_files), "-o", str(two), "-j", "2", "-q"]) == 0
    assert one.read_bytes() == two.read_bytes()
    assert len(_sources(one)) == runner.CHUNK_FILES * 3 + 5


def test_resume_skips_what_the_database_holds_unless_forced(many_files, database, marks_rules):
    options = RunOptions([str(many_files)], output=database, quiet=True, rules=[marks_rules], workers=1)
    first = run(options)
    ids = [r["id"] for r in table_rows(database, "articles")]
    assert first.skipped == 0 and first.articles == len(ids) >= first.files
    assert len(_stored_sources(database)) == first.files
    second = run(options)
    assert second.skipped == second.files == first.files and second.articles == 0
    assert [r["id"] for r in table_rows(database, "articles")] == ids, "stored articles are not rewritten"
    forced = run(RunOptions(**{**options.__dict__, "force": True}))
    assert forced.skipped == 0 and forced.articles == first.articles
    assert len(table_rows(database, "articles")) == len(ids)
    assert len(table_rows(database, "metrics")) == first.records["metrics"] > 0


@component("sinks_test_stop")
def _stop_at_marker(doc: Doc, rules: Rules) -> None:
    """Plays the user pressing Ctrl-C while a chosen text is being extracted."""
    if "STOP-HERE" in doc.text:
        raise KeyboardInterrupt


def test_an_interrupted_run_commits_whole_files_and_resumes_without_duplicates(
        tmp_path, many_files, database, marks_rules, monkeypatch):
    stop_rules = tmp_path / "stop_rules"
    stop_rules.mkdir()
    (stop_rules / "pipeline.yaml").write_text("components: [sinks_test_stop]\n", encoding="utf-8")
    files = sorted(many_files.iterdir())
    victim = files[len(files) // 2]
    original = victim.read_bytes()
    victim.write_bytes(original + b"STOP-HERE")
    monkeypatch.setattr(runner, "CHUNK_FILES", 4)
    options = RunOptions([str(many_files)], output=database, quiet=True, workers=1,
                         rules=[marks_rules, str(stop_rules)])
    stopped = run(options)
    assert stopped.interrupted
    stored = _stored_sources(database)
    assert 0 < len(stored) < len(files)
    assert stored == [str(f) for f in files[:len(stored)]]
    # every stored file has all of its articles and records: none is half written
    source_of = {r["id"]: r["source"] for r in table_rows(database, "articles")}
    marks = Counter(source_of[row["article_id"]] for row in table_rows(database, "metrics")
                    if row["rule_id"] == "test.number")
    for source in stored:
        text = Path(source).read_text(encoding="utf-8")
        assert marks[source] == len(regex.findall(r"\d+(?:\.\d+)?", text))
    victim.write_bytes(original)
    resumed = run(RunOptions(**{**options.__dict__, "rules": [marks_rules]}))
    assert not resumed.interrupted and resumed.skipped == len(stored)
    articles = table_rows(database, "articles")
    assert sorted(_stored_sources(database)) == [str(f) for f in files]
    keys = [(r["source"], r["article_index"]) for r in articles]
    assert len(set(keys)) == len(keys), "no article is stored twice"
    fresh = run(RunOptions([str(many_files)], quiet=True, workers=1, rules=[marks_rules],
                           output=str(tmp_path / "fresh.jsonl")))
    assert len(articles) == fresh.articles


def test_progress_is_a_log_line_off_a_terminal_and_nothing_when_quiet(tmp_path):
    log = io.StringIO()
    summary = run(RunOptions([str(SEEDS)], output=str(tmp_path / "o.jsonl"), log_every=0), stderr=log)
    lines = log.getvalue().splitlines()
    assert lines and all(line.startswith("gonghui-extract: ") for line in lines)
    assert f"{summary.files} files" in lines[-1] and "chars/s" in lines[-1]
    quiet = io.StringIO()
    run(RunOptions([str(SEEDS)], output=str(tmp_path / "o.jsonl"), log_every=0, quiet=True), stderr=quiet)
    assert quiet.getvalue() == ""


def test_the_status_line_gives_percent_and_eta_once_the_input_size_is_known():
    summary = Summary(started=time.monotonic() - 10, files=3, articles=4, chars=1000, bytes_read=250)
    summary.records["metrics"] = 7
    line = status_line(summary, total_bytes=1000)
    assert line.startswith("3 files, 4 articles, 7 records, 100 chars/s")
    assert line.endswith("25% ETA 00:00:30")
    assert "ETA" not in status_line(summary, total_bytes=None)


def test_the_eta_of_a_resumed_run_counts_only_the_files_extracted():
    """Files skipped as already stored pass in no time: counting them would promise a far too early end."""
    summary = Summary(started=time.monotonic() - 10, files=6, articles=4, chars=1000, bytes_read=500,
                      bytes_skipped=250)
    assert status_line(summary, total_bytes=1000).endswith("50% ETA 00:00:20")
    all_skipped = Summary(started=time.monotonic() - 10)
    for _ in range(3):
        all_skipped.add(Outcome("stored.txt", "skipped", 250 // 3))
    assert all_skipped.bytes_skipped == all_skipped.bytes_read == 249
    assert status_line(all_skipped, total_bytes=996).endswith("25%")
