"""The editors' "questions to learn" loop on the page (AppTest, private corpus and index), and the
visitors' words in it shown as text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from faqsearch.build.pipeline import build
from faqsearch.content.variants import VARIANTS_FILE, read_variants
from faqsearch.feedback.store import DB_NAME, DOWN, FeedbackStore, normalize_question
from faqsearch.ui.learning_page import widget_key
from tests.conftest import SEED_CORPUS
from tests.corpora import write_corpus
from tests.editors import allow_editors, sign_in
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


PHISH = "[phish](https://evil.example) remboursé : appelez www.evil.example ou écrivez à fraude@evil.example"
PHISH_TOO = "[phish](https://evil.example) remboursé : appelez vite www.evil.example ou écrivez à fraude@evil.example"
# What Streamlit's Markdown makes a link of: [text](url), and bare http(s)://, www. and e-mail addresses.
LINK = re.compile(r"\]\(|https?://|www\.|@[-\w]+\.", re.IGNORECASE)


def _read_as_markdown(at) -> list[str]:
    """Every text of the page that Streamlit reads as Markdown (markdown, captions, alerts)."""
    return [e.value for kind in ("markdown", "caption", "success", "info", "warning", "error") for e in getattr(at, kind)]


def test_a_visitors_question_is_shown_as_text_never_as_a_link(fake_page, monkeypatch, tmp_path: Path):
    allow_editors(monkeypatch)
    store = FeedbackStore.configured(tmp_path / "data", "")
    for question in (PHISH, PHISH_TOO):  # two phrasings: one group, the second shown as « aussi »
        store.rate(question, "un-passage", DOWN, None, session=f"s-{len(question)}")
    at = healthy(sign_in(fake_page(write_corpus(tmp_path / "corpus"))))
    shown = [t.value for t in at.text]
    assert PHISH in shown and any(PHISH_TOO in t for t in shown), shown
    assert not [text for text in _read_as_markdown(at) if LINK.search(text)]
    key = widget_key(normalize_question(PHISH))
    healthy(at.button(key=f"dismiss-{key}").click().run())
    assert any("ne sera plus proposée" in s.value for s in at.success)
    assert not [text for text in _read_as_markdown(at) if LINK.search(text)]


def test_attaching_while_another_build_runs_keeps_the_question_and_says_to_try_again(fake_page, monkeypatch,
                                                                                     tmp_path: Path):
    import os

    from faqsearch.build.lock import build_lock

    allow_editors(monkeypatch)
    question = "comment changer la couleur du theme sombre"
    FeedbackStore.configured(tmp_path / "data", "").rate(question, "un-passage", DOWN, None, session="s")
    corpus = write_corpus(tmp_path / "corpus")
    at = healthy(sign_in(fake_page(corpus)))
    key = widget_key(normalize_question(question))
    with build_lock(Path(os.environ["FAQSEARCH_INDEX"])):  # another editor's rebuild, say
        healthy(at.button(key=f"attach-{key}").click().run())
    said = " ".join(e.value for e in [*at.error, *at.info])
    assert "Une autre reconstruction" in said and "Réessayez dans un instant" in said and "--wait" not in said
    assert "bien rattachée" in said
    assert question in [row.question for row in read_variants(corpus / VARIANTS_FILE)]


def test_a_long_entry_is_offered_once_under_the_id_the_variants_file_knows():
    from faqsearch.records.passage import Passage
    from faqsearch.ui.learning_page import attach_choices

    def part(k: int) -> Passage:
        return Passage(id=f"faq/tarifs#{k}", guide="faq", section="", title="Tarifs", question="Tarifs",
                       answer=f"partie {k}", entry_id="faq/tarifs", part=k, parts=2)

    short = Passage(id="faq/contact", guide="faq", section="", title="Contact", question="Contact", answer="…")
    choices = attach_choices([part(2)], [part(1), part(2), short])
    assert list(choices) == ["faq/tarifs", "faq/contact"]
    assert choices["faq/tarifs"].part == 2  # shown as the candidate that came up
