"""The preview of a rebuild: a corpus edit that moves one first answer, and one that moves none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faqsearch.analytics.preview import preview
from faqsearch.build.pipeline import build
from faqsearch.feedback.store import UP, FeedbackStore
from faqsearch.search.engine import Engine
from faqsearch.settings import Settings
from tests.corpora import TOPICS, guide_markdown, write_corpus
from tests.fakes import FakeEncoder

PDF = "Comment exporter les messages en PDF ?"
PDF_ENTRY = "### Exporter les messages en PDF\n- Imprimez le message en PDF : menu Plus, Imprimer, PDF.\n"
UNRELATED_ENTRY = "### Changer la langue\n- Paramètres, Préférences, Langue : choisissez le français.\n"


@pytest.fixture
def service(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    encoder = FakeEncoder()
    build(corpus, tmp_path / "index", encoder, cache_dir=tmp_path / "cache")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "data",
                        embed_cache=tmp_path / "cache")
    store = FeedbackStore.configured(settings.data_dir, "")
    engine = Engine.open(settings.index_dir, encoder)
    for i, question in enumerate([f"Comment {title.lower()} ?" for title, _ in TOPICS] + [PDF, PDF]):
        answer = engine.ask(question)
        store.log_question(question, None, answer.confident, answer.hits[0].passage.id, 5, 1.0, f"s{i}")
    store.rate(PDF, engine.ask(PDF).hits[0].passage.id, UP, None, session="s-pdf")
    yield settings, encoder, store, engine
    store.close()


def _edit(settings: Settings, extra: str) -> None:
    (settings.corpus_dir / "guide.md").write_text(guide_markdown(1, extra=extra), encoding="utf-8")


def test_an_edit_that_moves_one_first_answer(service):
    settings, encoder, store, engine = service
    before = engine.ask(PDF).hits[0].passage.entry
    _edit(settings, PDF_ENTRY)
    report = preview(settings, encoder, store)
    assert report.questions == len(TOPICS) + 1
    [change] = report.changed
    assert (change.question, change.asked, change.before) == (PDF, 2, before)
    assert change.after.endswith("exporter-les-messages-en-pdf") and change.after_title == PDF
    [lost] = report.liked_lost
    assert (lost.question, lost.before, lost.after) == (PDF, before, change.after)
    assert not report.unchanged and "1 premières réponses changent" in report.summary()
    assert engine.current().manifest == Engine.open(settings.index_dir, encoder).index.manifest  # nothing published


def test_an_edit_that_moves_none(service):
    settings, encoder, store, _ = service
    _edit(settings, UNRELATED_ENTRY)
    report = preview(settings, encoder, store)
    assert report.unchanged and report.to_dict()["changed"] == []
    assert report.summary() == f"Aucun changement pour les {len(TOPICS) + 1} questions rejouées."
    assert json.loads(json.dumps(report.to_dict()))["questions"] == len(TOPICS) + 1


def test_build_index_preview_json_publishes_nothing(service, monkeypatch, capsys):
    from faqsearch.cli import main
    from faqsearch.search import loader

    settings, encoder, _, engine = service
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: encoder)
    monkeypatch.setenv("FAQSEARCH_DATA", str(settings.data_dir))
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(settings.embed_cache))
    _edit(settings, PDF_ENTRY)
    argv = ["build", "--preview", "--json", "--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [c["question"] for c in report["changed"]] == [PDF] and report["questions"] == len(TOPICS) + 1
    assert main(argv[:2] + argv[3:]) == 0  # the same in French words
    out = capsys.readouterr().out
    assert "1 premières réponses changent" in out and f"Première réponse changée : « {PDF} »" in out
    assert not engine.refresh()  # nothing was published
