"""``python -m faqsearch learn``: the proposals from the store, and the automatic mode attaching as auto."""

from __future__ import annotations

import shutil

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.content.variants import VARIANTS_FILE, read_variants
from faqsearch.feedback.store import FeedbackStore
from faqsearch.search import loader
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder
from tests.ui.test_learning_page import EMAIL

STRONG, WEAK = "mon patron exige une trace écrite", "ma boîte veut une preuve écrite"


def _setup(tmp_path, monkeypatch):
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(SEED_CORPUS, corpus)
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    monkeypatch.setenv("FAQSEARCH_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    store = FeedbackStore.configured(tmp_path / "data", "")
    for question, visitors in ((STRONG, 5), (WEAK, 3)):
        for i in range(visitors):
            store.log_event("open", f"{question}-{i}", question, passage_id=EMAIL, rank=3, client_key=f"{i + 1:016x}")
    return corpus, root


def test_learn_lists_the_proposals_and_writes_nothing(tmp_path, monkeypatch, capsys):
    corpus, root = _setup(tmp_path, monkeypatch)
    assert cli.main(["learn", "--corpus", str(corpus), "--index", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"« {STRONG} » : 5 visiteur(s), 5 ouverture(s)" in out and "(auto)" in out and WEAK in out
    assert not (corpus / VARIANTS_FILE).is_file() or STRONG not in (corpus / VARIANTS_FILE).read_text(encoding="utf-8")


def test_learn_auto_attaches_the_strong_pairs_as_auto_and_rebuilds(tmp_path, monkeypatch, capsys):
    corpus, root = _setup(tmp_path, monkeypatch)
    assert cli.main(["learn", "--auto", "--corpus", str(corpus), "--index", str(root)]) == 0
    out = capsys.readouterr().out
    rows = {r.question: r for r in read_variants(corpus / VARIANTS_FILE)}
    assert rows[STRONG].added_by == "auto" and rows[STRONG].passage_id == EMAIL and WEAK not in rows
    assert "1 formulation(s) rattachée(s) automatiquement" in out and "passages" in out
    assert cli.main(["learn", "--auto", "--corpus", str(corpus), "--index", str(root)]) == 0  # already known
    assert "0 formulation(s) rattachée(s)" in capsys.readouterr().out
