"""The rebuild preview in the editors' space (AppTest, fake encoder): one click shows what would
change, nothing is published until the rebuild button."""

from __future__ import annotations

from pathlib import Path

from faqsearch.feedback.store import FeedbackStore
from faqsearch.search.engine import Engine
from tests.analytics.test_preview import PDF, PDF_ENTRY, UNRELATED_ENTRY
from tests.corpora import guide_markdown, write_corpus
from tests.editors import allow_editors, sign_in
from tests.fakes import FakeEncoder
from tests.ui.test_app import healthy


def _editor(fake_page, monkeypatch, tmp_path: Path):
    allow_editors(monkeypatch)
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "embed-cache"))
    corpus = write_corpus(tmp_path / "corpus")
    at = healthy(sign_in(fake_page(corpus)))
    engine = Engine.open(tmp_path / f"index-{corpus.name}", FakeEncoder())
    store = FeedbackStore.configured(tmp_path / "data", "")
    for session in ("a", "b"):
        store.log_question(PDF, None, True, engine.ask(PDF).hits[0].passage.id, 5, 1.0, session)
    return at, corpus, engine


def test_the_preview_lists_the_first_answer_that_would_change_and_publishes_nothing(fake_page, monkeypatch,
                                                                                      tmp_path: Path):
    at, corpus, engine = _editor(fake_page, monkeypatch, tmp_path)
    (corpus / "guide.md").write_text(guide_markdown(1, extra=PDF_ENTRY), encoding="utf-8")
    healthy(at.button(key="preview-rebuild").click().run())
    assert any("1 premières réponses changent" in i.value for i in at.info), [i.value for i in at.info]
    tables = [df.value.to_dict("records") for df in at.dataframe if "Avant" in df.value.columns]
    # Under "changed" first (the fake encoder was unsure of it before, so under "answered" too).
    assert tables[0] == [{"Question": PDF, "Fois": 2, "Avant": "Comment exporter les messages ?", "Après": PDF}]
    assert at.markdown[[m.value for m in at.markdown].index("###### Premières réponses qui changent")]
    assert not engine.refresh()  # the index in service is the same build


def test_a_preview_without_change_says_so(fake_page, monkeypatch, tmp_path: Path):
    at, corpus, _ = _editor(fake_page, monkeypatch, tmp_path)
    (corpus / "guide.md").write_text(guide_markdown(1, extra=UNRELATED_ENTRY), encoding="utf-8")
    healthy(at.button(key="preview-rebuild").click().run())
    assert any("Aucun changement pour les 1 questions rejouées" in s.value for s in at.success)


def test_a_corpus_to_fix_is_reported_without_a_traceback(fake_page, monkeypatch, tmp_path: Path):
    at, corpus, _ = _editor(fake_page, monkeypatch, tmp_path)
    (corpus / "guide.md").write_bytes(b"\xff\xfe pas de l'UTF-8")
    healthy(at.button(key="preview-rebuild").click().run())
    assert any("La prévisualisation a échoué" in e.value and "rien n'a été publié" in e.value for e in at.error)
