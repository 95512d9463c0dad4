"""The editors' "questions to learn" loop on the page (AppTest, real model, private corpus and index)."""

from __future__ import annotations

import shutil
from pathlib import Path

from faqsearch.build.pipeline import build
from faqsearch.content.variants import VARIANTS_FILE, read_variants
from faqsearch.feedback.store import DB_NAME, DOWN, FeedbackStore, normalize_question
from faqsearch.ui.learning_page import widget_key
from tests.conftest import SEED_CORPUS
from tests.editors import sign_in
from tests.ui.test_app import SEARCH_TAB, ask, healthy, page_env, results, start  # noqa: F401

QUESTION = "mon patron exige une trace écrite de notre demande"
EMAIL = ("comment-obtenir-du-support-zoho-mail/support-pour-les-utilisateurs-des-plans-payants-mail-lite-premium/"
         "support-par-email")


def test_attaching_a_disliked_question_teaches_the_engine(monkeypatch, page_env, tmp_path: Path, real_encoder):
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(SEED_CORPUS, corpus)
    build(corpus, root, real_encoder, cache_dir=tmp_path / "cache")
    monkeypatch.setenv("FAQSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("FAQSEARCH_INDEX", str(root))
    at = ask(start(), QUESTION)
    wrong = results(at)
    assert wrong and "support@zohomail.com" not in wrong[0]
    store = FeedbackStore(page_env / DB_NAME)
    [asked] = store.top_questions()
    store.rate(QUESTION, "un-passage", DOWN, None, session="s")

    healthy(sign_in(at))
    key = widget_key(normalize_question(QUESTION))
    healthy(at.selectbox(key=f"target-{key}").set_value(EMAIL).run())
    healthy(at.button(key=f"attach-{key}").click().run(timeout=180))
    [row] = [r for r in read_variants(corpus / VARIANTS_FILE) if r.question == QUESTION]
    assert row.passage_id == EMAIL and row.added_by == "éditeur" and row.added_at.endswith("+00:00")
    assert any("rattachée" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == f"attach-{key}"]  # learnt: off the list

    at.session_state["tab"] = SEARCH_TAB
    healthy(at.run())
    answer = results(ask(at, QUESTION))
    assert "support@zohomail.com" in answer[0]


def test_dismissing_keeps_the_question_off_the_list(monkeypatch, page_env):
    at = healthy(sign_in(ask(start(), QUESTION)))
    key = widget_key(normalize_question(QUESTION))
    if not [b for b in at.button if b.key == f"dismiss-{key}"]:
        FeedbackStore(page_env / DB_NAME).rate(QUESTION, "un-passage", DOWN, None, session="s")
        healthy(at.run())
    healthy(at.button(key=f"dismiss-{key}").click().run())
    assert not [b for b in at.button if b.key == f"dismiss-{key}"]
    assert QUESTION in {q.question for q in FeedbackStore(page_env / DB_NAME).top_questions()}  # kept in the store
