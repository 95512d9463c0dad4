"""The editors' « Formulations apprises des visiteurs » section (AppTest, fake encoder, private corpus):
proposals from recorded events, accepted into ``variants.csv`` or rejected for good, and the
automatic mode, listed and taken back."""

from __future__ import annotations

import shutil
from pathlib import Path

from faqsearch.content.variants import VARIANTS_FILE, read_variants
from faqsearch.feedback.evidence import phrasing_key
from faqsearch.feedback.rejections import rejected
from faqsearch.feedback.store import FeedbackStore
from faqsearch.settings import LEARN_AUTO_ENV
from faqsearch.ui.learning_page import widget_key
from tests.conftest import SEED_CORPUS
from tests.editors import allow_editors, sign_in
from tests.ui.test_learning_page import EMAIL

QUESTION = "mon patron exige une trace écrite de notre demande"
OTHER = "ma boîte veut une preuve écrite"


def _opened(store: FeedbackStore, question: str, visitors: int, rank: int = 3) -> None:
    for i in range(visitors):
        store.log_event("open", f"s-{question}-{i}", question, passage_id=EMAIL, rank=rank,
                        client_key=f"{i + 1:016x}")


def _page(fake_page, monkeypatch, tmp_path: Path):
    allow_editors(monkeypatch)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    return corpus, FeedbackStore.configured(tmp_path / "data", "")


def _key(question: str) -> str:
    return widget_key(f"{phrasing_key(question)}\n{EMAIL}")


def _buttons(at) -> set[str]:
    return {b.key for b in at.button}


def test_a_proposal_from_clicks_is_accepted_into_the_variants_file(fake_page, monkeypatch, tmp_path: Path):
    corpus, store = _page(fake_page, monkeypatch, tmp_path)
    _opened(store, QUESTION, 3)
    _opened(store, OTHER, 2)  # two visitors: not enough
    at = sign_in(fake_page(corpus))
    assert QUESTION in [t.value for t in at.text] and OTHER not in [t.value for t in at.text]
    assert any("3 visiteur(s) · 3 ouverture(s)" in c.value for c in at.caption)
    at.button(key=f"accept-{_key(QUESTION)}").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    [row] = [r for r in read_variants(corpus / VARIANTS_FILE) if r.question == QUESTION]
    assert row.passage_id == EMAIL and row.added_by == "éditeur"
    assert any("rattachée" in s.value for s in at.success)
    assert f"accept-{_key(QUESTION)}" not in _buttons(at)  # learnt: no longer proposed


def test_a_rejected_proposal_is_remembered(fake_page, monkeypatch, tmp_path: Path):
    corpus, store = _page(fake_page, monkeypatch, tmp_path)
    _opened(store, QUESTION, 3)
    at = sign_in(fake_page(corpus))
    at.button(key=f"refuse-{_key(QUESTION)}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert (phrasing_key(QUESTION), EMAIL) in rejected(store)
    _opened(store, QUESTION + " ?", 3)  # more visitors, a near-identical wording: still down
    at.run()
    assert f"accept-{_key(QUESTION)}" not in _buttons(at)
    assert not [r for r in read_variants(corpus / VARIANTS_FILE) if r.question.startswith(QUESTION)]


def test_accept_all_of_an_entry(fake_page, monkeypatch, tmp_path: Path):
    corpus, store = _page(fake_page, monkeypatch, tmp_path)
    _opened(store, QUESTION, 3)
    _opened(store, OTHER, 3)
    at = sign_in(fake_page(corpus))
    [accept_all] = [b for b in at.button if b.key.startswith("accept-all-")]
    accept_all.click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert {QUESTION, OTHER} <= {r.question for r in read_variants(corpus / VARIANTS_FILE)}


def test_the_automatic_mode_attaches_strong_pairs_as_auto_and_can_take_them_back(fake_page, monkeypatch,
                                                                                  tmp_path: Path):
    corpus, store = _page(fake_page, monkeypatch, tmp_path)
    monkeypatch.setenv(LEARN_AUTO_ENV, "1")
    _opened(store, QUESTION, 5)  # 5 clients at rank 3: above the automatic thresholds
    _opened(store, OTHER, 3)  # proposed, not automatic
    at = sign_in(fake_page(corpus))
    assert not at.exception, [e.value for e in at.exception]
    rows = {r.question: r for r in read_variants(corpus / VARIANTS_FILE)}
    assert rows[QUESTION].added_by == "auto" and OTHER not in rows
    assert any("automatiquement" in s.value for s in at.success)
    assert f"accept-{_key(OTHER)}" in _buttons(at)
    [take_back] = [b for b in at.button if b.key.startswith("unlearn-")]
    take_back.click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert QUESTION not in {r.question for r in read_variants(corpus / VARIANTS_FILE)}
    assert (phrasing_key(QUESTION), EMAIL) in rejected(store)  # not attached again on the next visit


def test_the_automatic_mode_does_not_rebuild_again_for_a_phrasing_already_written(fake_page, monkeypatch,
                                                                                   tmp_path: Path):
    from faqsearch.content.variants import append_variant
    from faqsearch.ui import proposals_page

    corpus, store = _page(fake_page, monkeypatch, tmp_path)
    monkeypatch.setenv(LEARN_AUTO_ENV, "1")
    _opened(store, QUESTION, 5)
    at = fake_page(corpus)  # the index is built without the phrasing…
    append_variant(corpus / VARIANTS_FILE, EMAIL, QUESTION, "auto")  # …written since, not rebuilt yet
    rebuilds = []
    monkeypatch.setattr(proposals_page, "run_rebuild", lambda settings: rebuilds.append(settings))
    sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert rebuilds == [] and f"accept-{_key(QUESTION)}" in _buttons(at)
