"""Incremental, locked, verified rebuilds and their report (fake encoder: fast, no model)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from faqsearch import cli
from faqsearch.build.lock import build_lock
from faqsearch.build.pipeline import QUESTIONS, STAGES, build, diff
from faqsearch.build.report import BuildError, BuildReport
from faqsearch.content.corpus import load_corpus
from faqsearch.embedding.cache import EmbeddingCache
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.manifest import read_manifest
from faqsearch.index.published import BUILDS, POINTER, current_build
from faqsearch.index.views import passage_views
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from faqsearch.search.staleness import stale_reason
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

GUIDE = "comment-obtenir-du-support-zoho-mail.txt"


class PassageCounter(FakeEncoder):
    """Counts only passage texts: the build's own check also encodes questions."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.passages_encoded = 0

    def encode_passages(self, texts, progress=False):
        self.passages_encoded += len(texts)
        return super().encode_passages(texts, progress)


def _build(corpus: Path, root: Path, cache: Path, encoder: FakeEncoder | None = None, **kwargs) -> BuildReport:
    return build(corpus, root, encoder or PassageCounter(), cache_dir=cache, **kwargs)


def _edit(corpus: Path, old: str, new: str) -> None:
    path = corpus / GUIDE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def corpus_passages(corpus: Path):
    return load_corpus(corpus).passages


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_first_build_embeds_everything_and_puts_the_index_in_service(corpus_copy, tmp_path):
    encoder = PassageCounter()
    report = _build(corpus_copy, tmp_path / "index", tmp_path / "cache", encoder)
    assert report.passages == report.added == report.embedded > 10
    assert encoder.passages_encoded == sum(len(passage_views(p)) for p in corpus_passages(corpus_copy))
    assert (report.changed, report.removed, report.unchanged) == (0, 0, 0)
    folder = current_build(tmp_path / "index")
    assert folder.parent.name == BUILDS and Path(report.index_dir) == folder
    assert len(FaqIndex.load(folder, FakeEncoder()).passages) == report.passages


def test_unchanged_corpus_embeds_nothing(corpus_copy, tmp_path):
    first = _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    encoder = PassageCounter()
    again = _build(corpus_copy, tmp_path / "index", tmp_path / "cache", encoder)
    assert encoder.passages_encoded == 0 and again.embedded == 0
    assert again.unchanged == first.passages and again.added == again.changed == again.removed == 0


def test_one_edit_embeds_only_the_changed_passage(corpus_copy, tmp_path):
    first = _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    _edit(corpus_copy, "+1 888 900 9646", "+1 888 900 0000")
    encoder = PassageCounter()
    report = _build(corpus_copy, tmp_path / "index", tmp_path / "cache", encoder)
    assert report.embedded == 1
    (edited,) = [p for p in corpus_passages(corpus_copy) if "+1 888 900 0000" in p.answer]
    assert 1 <= encoder.passages_encoded <= len(passage_views(edited))
    assert (report.changed, report.unchanged, report.added, report.removed) == (1, first.passages - 1, 0, 0)
    engine = Engine.open(tmp_path / "index", FakeEncoder())
    assert any("+1 888 900 0000" in p.answer for p in engine.index.passages)
    assert not any("+1 888 900 9646" in p.answer for p in engine.index.passages)


def test_added_and_removed_items_are_reported(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", items=6)
    _build(corpus, tmp_path / "index", tmp_path / "cache")
    write_corpus(corpus, items=7)
    encoder = PassageCounter()
    added = _build(corpus, tmp_path / "index", tmp_path / "cache", encoder)
    assert (added.added, added.removed, added.unchanged, added.embedded) == (1, 0, 6, 1)
    assert encoder.passages_encoded == len(passage_views(corpus_passages(corpus)[-1]))
    write_corpus(corpus, items=5)
    removed = _build(corpus, tmp_path / "index", tmp_path / "cache")
    assert (removed.added, removed.removed, removed.unchanged, removed.embedded) == (0, 2, 5, 0)


def test_moving_an_item_down_a_line_is_not_a_change(corpus_copy, tmp_path):
    _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    path = corpus_copy / GUIDE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "\n" + "".join(lines[1:]), encoding="utf-8")  # every line below moves
    report = _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    assert report.changed == report.embedded == 0


def test_reverting_an_edit_reuses_the_cached_vector(corpus_copy, tmp_path):
    _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    _edit(corpus_copy, "+1 888 900 9646", "+1 888 900 0000")
    _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    _edit(corpus_copy, "+1 888 900 0000", "+1 888 900 9646")
    report = _build(corpus_copy, tmp_path / "index", tmp_path / "cache")
    assert report.changed == 1 and report.embedded == 0


def test_stages_are_announced_in_order(tmp_path):
    # The page's progress bar (faqsearch/ui/rebuild.py) lists these names.
    corpus, stages = write_corpus(tmp_path / "corpus"), []
    build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache", on_stage=stages.append)
    assert stages == ["Lecture du corpus", "Encodage des passages", "Encodage des questions", "Construction de l'index",
                      "Écriture de l'index", "Vérification", "Mise en service"]
    stages.clear()  # every passage cached this time: the same stages, each once
    build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache", on_stage=stages.append)
    assert stages == list(STAGES)


def test_the_passage_model_can_go_before_the_cache_assembles_its_vectors(tmp_path, monkeypatch):
    """At 100,000 passages the cache's matrix is 158 MiB: the passage process must be gone by then."""
    from faqsearch.embedding.cache import EmbeddingCache

    corpus, events = write_corpus(tmp_path / "corpus"), []
    real_embed = EmbeddingCache.embed

    def embed(self, texts, encode):
        out = real_embed(self, texts, lambda todo: (events.append("encoded"), encode(todo))[1])
        events.append("assembled")
        return out

    monkeypatch.setattr(EmbeddingCache, "embed", embed)
    build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache",
          on_stage=lambda name: events.append(name) if name == QUESTIONS else None)
    assert events[:3] == ["encoded", QUESTIONS, "assembled"]


def test_dry_run_reports_and_writes_nothing(corpus_copy, tmp_path):
    root, cache = tmp_path / "index", tmp_path / "cache"
    fresh = _build(corpus_copy, root, cache, dry_run=True)
    assert fresh.dry_run and fresh.added == fresh.embedded == fresh.passages
    assert not root.exists() and not cache.exists()
    _build(corpus_copy, root, cache)
    _edit(corpus_copy, "+1 888 900 9646", "+1 888 900 0000")
    before, cache_before = _snapshot(root), _snapshot(cache)
    encoder = PassageCounter()
    report = _build(corpus_copy, root, cache, encoder, dry_run=True)
    assert (report.changed, report.embedded, encoder.passages_encoded, encoder.calls) == (1, 1, 0, 0)
    assert _snapshot(root) == before and _snapshot(cache) == cache_before
    assert "Simulation" in report.summary() and "--dry-run" in report.summary()


def test_stale_detection(corpus_copy, tmp_path, capsys):
    root = tmp_path / "index"
    check = ["build", "--check", "--corpus", str(corpus_copy), "--index", str(root)]
    assert cli.main(check) == 1 and "build_index.py" in capsys.readouterr().out
    _build(corpus_copy, root, tmp_path / "cache")
    assert cli.main(check) == 0 and "à jour" in capsys.readouterr().out
    engine = Engine.open(root, FakeEncoder())
    assert stale_reason(corpus_copy, engine.current().manifest) == ""
    (corpus_copy / "channels.csv").write_text((corpus_copy / "channels.csv").read_text(encoding="utf-8") + "\n",
                                              encoding="utf-8")
    assert "a changé" in stale_reason(corpus_copy, engine.current().manifest)
    assert cli.main(check) == 1 and "a changé" in capsys.readouterr().out


def test_a_build_waits_or_refuses_while_another_holds_the_lock(corpus_copy, tmp_path):
    root, cache = tmp_path / "index", tmp_path / "cache"
    _build(corpus_copy, root, cache)
    served = current_build(root)
    _edit(corpus_copy, "+1 888 900 9646", "+1 888 900 0000")
    with build_lock(root):
        with pytest.raises(BuildError, match="--wait"):
            _build(corpus_copy, root, cache)
        results: list[BuildReport] = []
        waiter = threading.Thread(target=lambda: results.append(_build(corpus_copy, root, cache, wait=True)))
        waiter.start()
        time.sleep(0.3)  # gives the waiter time to reach the lock; the asserts hold whatever the speed
        assert waiter.is_alive() and current_build(root) == served
    waiter.join(30)
    assert not waiter.is_alive() and results and results[0].changed == 1
    assert current_build(root) != served


def test_two_builds_at_once_never_interleave(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    root, events = tmp_path / "index", []
    lock = threading.Lock()

    def run(name: str) -> None:
        def on_stage(stage: str) -> None:
            with lock:
                events.append((name, stage))
        build(corpus, root, FakeEncoder(), cache_dir=tmp_path / f"cache-{name}", wait=True, on_stage=on_stage)

    threads = [threading.Thread(target=run, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    locked = [name for name, stage in events if stage != "Lecture du corpus"]  # everything after reading is locked
    assert len(locked) == 12
    assert locked in (["a"] * 6 + ["b"] * 6, ["b"] * 6 + ["a"] * 6), events
    assert len(FaqIndex.load(current_build(root), FakeEncoder()).passages) == 8


def _look_alikes(corpus: Path) -> None:
    same = "".join(f"### Sujet {i}\n- Question : Comment faire ?\n- Même réponse.\n\n" for i in range(5))
    (corpus / "guide.md").write_text("# Guide\n\n## Partout\n\n" + same, encoding="utf-8")


def test_entries_that_do_not_find_themselves_are_warnings_naming_the_winner(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    root, cache = tmp_path / "index", tmp_path / "cache"
    _look_alikes(corpus)
    report = _build(corpus, root, cache)
    assert report.passages == 5 and current_build(root) != root
    lost = [w for w in report.warnings if "propre passage" in w.message]
    # Five identical entries, top 3: at least two cannot be among the first three.
    assert len(lost) >= 2
    for warning in lost:
        assert warning.file.endswith("guide.md") and warning.line > 0
        assert "« Comment faire ? »" in warning.message and "passe devant" in warning.message
        assert f"{warning.file}:{warning.line}:" in str(warning)
    assert "avertissement" in report.summary() and str(lost[0]) in report.summary()
    # The index in service carries them, for the editors' tab.
    from faqsearch.index.manifest import manifest_warnings

    served = read_manifest(current_build(root))
    assert list(manifest_warnings(served)) == list(report.warnings)
    # Turning the check off turns its warnings off.
    assert not [w for w in _build(corpus, root, cache, check=False).warnings if "propre passage" in w.message]


def test_strict_makes_warnings_fatal_and_leaves_the_index_in_service(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    root, cache = tmp_path / "index", tmp_path / "cache"
    _build(corpus, root, cache, strict=True)  # a clean corpus passes --strict
    before = _snapshot(root)
    _look_alikes(corpus)
    with pytest.raises(BuildError, match="--strict") as caught:
        _build(corpus, root, cache, strict=True)
    assert "propre passage" in str(caught.value) and "n'a pas été modifié" in str(caught.value)
    assert _snapshot(root) == before
    assert not list((root / BUILDS).glob(".staging-*"))


def test_integrity_stays_fatal(tmp_path):
    from faqsearch.build.verify import verify

    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    _build(corpus, root, tmp_path / "cache")
    index = FaqIndex.load(current_build(root), FakeEncoder())
    with pytest.raises(BuildError, match="au lieu de 9"):
        verify(index, 9)
    assert verify(index, 8) == []


def test_leftovers_of_a_killed_build_are_removed_by_the_next(tmp_path):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    (root / BUILDS / ".staging-dead").mkdir(parents=True)
    (root / BUILDS / ".staging-dead" / "passages.parquet").write_bytes(b"half")
    (root / ".CURRENT-dead").write_text("nothing", encoding="utf-8")
    _build(corpus, root, tmp_path / "cache")
    assert not list((root / BUILDS).glob(".staging-*")) and not list(root.glob(".CURRENT-*"))


def test_old_builds_are_pruned_but_the_current_one_is_kept(tmp_path):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    for generation in range(1, 6):
        write_corpus(corpus, generation)
        _build(corpus, root, tmp_path / "cache")
    kept = [p for p in (root / BUILDS).iterdir() if not p.name.startswith(".")]
    assert len(kept) == 3 and current_build(root) in kept
    assert (root / POINTER).read_text(encoding="utf-8").strip() == max(p.name for p in kept)


def test_diff_matches_passages_by_id_and_content():
    from faqsearch.records.passage import Passage

    a, b, c = (Passage(i, "g", "s", i, f"{i} ?", "r", source=f"f:{n}") for n, i in enumerate("abc"))
    moved = Passage("a", "g", "s", "a", "a ?", "r", source="f:99")
    edited = Passage("b", "g", "s", "b", "b ?", "autre")
    assert diff((a, b, c), (moved, edited)) == {"added": 0, "changed": 1, "removed": 1, "unchanged": 1}


def test_a_damaged_or_foreign_embedding_cache_only_costs_a_re_embedding(tmp_path):
    corpus, cache = write_corpus(tmp_path / "corpus"), tmp_path / "cache"
    _build(corpus, tmp_path / "index", cache)
    (path,) = (p for p in cache.glob("*.npz") if "query" not in p.name)  # the passages' cache
    path.write_bytes(path.read_bytes()[:100])  # truncated
    assert _build(corpus, tmp_path / "index", cache).embedded == 8
    # Same model name, another dimension: the cached vectors belong to another model.
    report = _build(corpus, tmp_path / "other", cache, PassageCounter(dim=32))
    assert report.embedded == 8
    assert FaqIndex.load(current_build(tmp_path / "other"), FakeEncoder(dim=32)).dense.vectors.shape[1] == 32


def test_embedding_cache_is_bounded_and_keeps_what_is_in_use(tmp_path):
    cache = EmbeddingCache(tmp_path, "m", max_entries=3)
    encode = lambda texts: np.ones((len(texts), 4), np.float32)  # noqa: E731
    cache.embed(["a", "b", "c", "d"], encode)
    cache.save(keep=["a", "b"])
    reread = EmbeddingCache(tmp_path, "m", max_entries=3)
    assert len(reread) == 3 and reread.missing(["a", "b", "d"]) == 0 and reread.missing(["c"]) == 1


def test_cache_drafts_of_killed_builds_are_removed_once_old(tmp_path):
    cache = EmbeddingCache(tmp_path, "m")
    old, young = tmp_path / (cache.path.name + "old.part"), tmp_path / (cache.path.name + "young.part")
    for draft in (old, young):
        draft.write_bytes(b"half")
    past = time.time() - 2 * 3600
    os.utime(old, (past, past))
    cache.embed(["a"], lambda texts: np.ones((len(texts), 4), np.float32))
    cache.save()
    assert not old.exists() and young.exists()  # a young draft may be another build's, still writing


def test_report_json_and_summary():
    from faqsearch.content.lookalikes import BuildWarning

    report = BuildReport(10, 1, 2, 3, 7, 3, 0.5, index_dir="index/builds/x")
    assert report.to_dict() == {"passages": 10, "added": 1, "changed": 2, "removed": 3, "unchanged": 7, "embedded": 3,
                                "warnings": []}
    assert "3 encodés" in report.summary() and "index/builds/x" in report.summary()
    assert "avertissement" not in report.summary()
    warned = BuildReport(10, 1, 2, 3, 7, 3, 0.5, index_dir="x", warnings=(BuildWarning("corpus/a.md", 4, "titre en double"),))
    assert warned.to_dict()["warnings"] == [{"file": "corpus/a.md", "line": 4, "message": "titre en double"}]
    assert warned.summary().splitlines()[1:] == [
        "1 avertissement (la construction n'est pas bloquée ; --strict la bloquerait) :",
        "- corpus/a.md:4: titre en double"]


# ------------------------------------------------------------------ command line, in process


@pytest.fixture
def fake_cli(monkeypatch):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())


def test_cli_build_json_ends_with_exactly_one_json_line(fake_cli, corpus_copy, tmp_path, capsys):
    args = ["build", "--json", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    assert cli.main(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pass
    assert len(parsed) == 1 and json.loads(lines[-1]) == parsed[0]
    assert set(parsed[0]) == {"passages", "added", "changed", "removed", "unchanged", "embedded", "warnings"}
    assert parsed[0]["added"] == parsed[0]["passages"]
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["embedded"] == 0


def test_cli_build_lists_warnings_and_strict_exits_1(fake_cli, tmp_path, capsys):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    _look_alikes(corpus)
    common = ["--corpus", str(corpus), "--index", str(root)]
    assert cli.main(["build", "--json", *common]) == 0
    out = capsys.readouterr().out.splitlines()
    report = json.loads(out[-1])
    assert report["passages"] == 5 and report["warnings"]
    assert {"file", "line", "message"} == set(report["warnings"][0])
    assert any(line.startswith("- ") and "propre passage" in line for line in out)  # the French summary
    before = _snapshot(root)
    assert cli.main(["build", "--strict", *common]) == 1
    captured = capsys.readouterr()
    assert "Erreur : 2 avertissement(s)" in captured.err and "--strict" in captured.err
    assert _snapshot(root) == before


def test_cli_check_and_dry_run(fake_cli, corpus_copy, tmp_path, capsys):
    common = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    assert cli.main(["build", "--check", *common]) == 1
    assert cli.main(["build", "--dry-run", *common]) == 0
    assert not (tmp_path / "index").exists()
    assert cli.main(["build", *common]) == 0
    assert cli.main(["build", "--check", *common]) == 0
    _edit(corpus_copy, "+1 888 900 9646", "+1 888 900 0000")
    capsys.readouterr()
    assert cli.main(["build", "--check", *common]) == 1
    assert "reconstruire" in capsys.readouterr().out


def test_cli_build_refuses_clearly_while_another_build_runs(fake_cli, corpus_copy, tmp_path, capsys):
    with build_lock(tmp_path / "index"):
        code = cli.main(["build", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index")])
    err = capsys.readouterr().err
    assert code == 1 and "Une autre reconstruction" in err and "--wait" in err


def test_cli_search_warns_when_the_corpus_changed(fake_cli, corpus_copy, tmp_path, capsys):
    common = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    assert cli.main(["build", *common]) == 0
    capsys.readouterr()
    assert cli.main(["search", "support téléphonique", "--json", *common]) == 0
    fresh = capsys.readouterr()
    assert "Attention" not in fresh.err
    _edit(corpus_copy, "+1 888 900 9646", "+1 888 900 0000")
    assert cli.main(["search", "support téléphonique", "--json", *common]) == 0
    stale = capsys.readouterr()
    assert "a changé" in stale.err and "build_index.py" in stale.err
    assert [json.loads(line)["question"] for line in stale.out.splitlines()] == ["support téléphonique"]


def test_build_index_script_with_the_real_model(tmp_path):
    """The one end-to-end run: the real default model, through the script editors use."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    corpus = write_corpus(tmp_path / "corpus", items=4)
    run = subprocess.run([sys.executable, "build_index.py", "--json", "--corpus", str(corpus), "--index",
                          str(tmp_path / "index")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    last = json.loads(run.stdout.strip().splitlines()[-1])
    assert last == {"passages": 4, "added": 4, "changed": 0, "removed": 0, "unchanged": 0, "embedded": 4, "warnings": []}
    assert sum(1 for line in run.stdout.splitlines() if line.startswith("{")) == 1
    assert read_manifest(current_build(tmp_path / "index"))["model"] == "intfloat/multilingual-e5-small"


def test_the_self_retrieval_check_reuses_the_question_vectors_just_embedded(tmp_path):
    class CountingEncoder(FakeEncoder):
        queried: list[str] = []

        def encode_queries(self, texts):
            self.queried.extend(texts)
            return super().encode_queries(texts)

    corpus = write_corpus(tmp_path / "corpus")
    encoder = CountingEncoder()
    build(corpus, tmp_path / "index", encoder, cache_dir=tmp_path / "cache")
    # Every question was encoded once, as a question view: the check asked the model for nothing more.
    assert encoder.queried and len(encoder.queried) == len(set(encoder.queried))


def test_cli_build_lets_the_passage_model_go_once_embedded(monkeypatch, corpus_copy, tmp_path):
    """Released once the passages are embedded, not before."""
    encoder = FakeEncoder()
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: encoder)
    order = []
    embed = encoder.encode_passages
    monkeypatch.setattr(encoder, "encode_passages", lambda texts, progress=False: order.append("embed") or embed(texts))
    monkeypatch.setattr(encoder, "release", lambda: order.append("release"))
    assert cli.main(["build", "--json", "--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]) == 0
    assert order[-1] == "release" and order.count("release") == 1 and "embed" in order
