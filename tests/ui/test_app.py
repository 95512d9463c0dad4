"""The Streamlit page driven by ``streamlit.testing.v1.AppTest`` with the real model and index.

The model is the session's ``real_encoder`` (handed to the page instead of a second copy) and the
index is ``real_index_root``; feedback goes to a temporary folder. Tests that rebuild use their
own copy of the corpus and their own index folder.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from faqsearch.auth.passwords import PASSWORD_HASH_ENV, PASSWORD_HASH_SECRET
from faqsearch.feedback.store import DB_NAME, DOWN, FeedbackStore
from faqsearch.search import loader
from faqsearch.ui import editor_auth
from faqsearch.ui.app import TABS, UNEXPECTED
from tests.conftest import ROOT, SEED_CORPUS
from tests.editors import EDITOR_HASH, EDITOR_PASSWORD, sign_in

APP = str(ROOT / "app.py")
FIRST_RUN_TIMEOUT = 120  # the first run may load the model and the index
RUN_TIMEOUT = 30
SEARCH_TAB, EDITORS_TAB = TABS
PHONE_QUESTION = "Quel est le numéro du support aux États-Unis ?"


@pytest.fixture
def page_env(monkeypatch, tmp_path: Path, real_encoder, real_index_root: Path):
    """Environment of the page: the session's model and index, a private feedback folder.

    Torch runs with the page's thread count while the test lasts, as under ``streamlit run``.
    """
    import torch

    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: real_encoder)
    monkeypatch.setenv("FAQSEARCH_INDEX", str(real_index_root))
    monkeypatch.setenv("FAQSEARCH_CORPUS", str(SEED_CORPUS))
    monkeypatch.setenv("FAQSEARCH_DATA", str(tmp_path / "data"))
    monkeypatch.setenv(PASSWORD_HASH_ENV, EDITOR_HASH)
    editor_auth.guard.clear()  # the lockouts are process-wide: each test starts with none
    threads = torch.get_num_threads()
    torch.set_num_threads(loader.SEARCH_THREADS)
    yield tmp_path / "data"
    torch.set_num_threads(threads)


def healthy(at: AppTest) -> AppTest:
    """No exception escaped, and none was caught by the page's last safety net."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if UNEXPECTED in e.value]
    return at


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    return healthy(at.run(timeout=FIRST_RUN_TIMEOUT))


def ask(at: AppTest, question: str) -> AppTest:
    return healthy(at.text_input(key="question").input(question).run())


def html_blocks(at: AppTest) -> list[str]:
    """Bodies of the page's ``st.html`` blocks, without the style sheet."""
    return [h.value for h in at.get("html") if not h.value.lstrip().startswith("<style")]


def channel_card(at: AppTest) -> str:
    cards = [h for h in html_blocks(at) if 'class="fs-card' in h]
    assert len(cards) == 1, cards
    return cards[0]


def results(at: AppTest) -> list[str]:
    return [h for h in html_blocks(at) if h.startswith('<div class="fs-result')]


def test_start_page_offers_examples_and_index_status(page_env):
    at = start()
    assert at.title[0].value == "Trouver de l'aide"
    assert at.text_input(key="question").placeholder == "Posez votre question… ex. Comment joindre le support par téléphone ?"
    assert any(PHONE_QUESTION == b.label for b in at.button)
    assert at.sidebar.radio(key="plan").options == ["Gratuit", "Mail Lite", "Premium", "Je ne sais pas"]
    assert at.sidebar.radio(key="plan").value == "Je ne sais pas"
    status = " ".join(c.value for c in at.sidebar.caption)
    assert "multilingual-e5-small" in status and "Passages" in status and "Construit le" in status
    assert not at.sidebar.warning  # the index is up to date with corpus/


def test_question_shows_channel_card_then_results(page_env):
    at = ask(start(), PHONE_QUESTION)
    card = channel_card(at)
    assert "Canal recommandé" in card and "Support téléphonique" in card
    assert 'href="tel:+18889009646"' in card and "+1 888 900 9646" in card
    assert "Mail Lite et Premium" in card
    found = results(at)
    assert len(found) >= 3
    assert "Comment contacter le support téléphonique ?" in found[0] and "Très pertinent" in found[0]
    assert "<mark>" in found[0]
    assert len(at.feedback) == len(found)
    # The card comes before the passages.
    blocks = html_blocks(at)
    assert blocks.index(card) < blocks.index(found[0])


def test_clicking_an_example_answers_it(page_env):
    at = start()
    next(b for b in at.button if b.label == PHONE_QUESTION).click().run()
    assert at.text_input(key="question").value == PHONE_QUESTION
    assert "Support téléphonique" in channel_card(at)


def test_free_plan_changes_the_phone_recommendation(page_env):
    at = ask(start(), "Comment joindre le support par téléphone ?")
    before = channel_card(at)
    assert "fs-unavailable" not in before
    at.sidebar.radio(key="plan").set_value("Gratuit").run()
    after = channel_card(at)
    assert after != before
    assert "fs-unavailable" in after and "pas inclus dans le forfait Gratuit" in after
    assert "Avec votre forfait, utilisez plutôt" in after and "Centre d&#x27;aide en ligne" in after


def test_number_of_results_follows_the_sidebar(page_env):
    at = ask(start(), PHONE_QUESTION)
    at.sidebar.slider(key="top_k").set_value(3).run()
    assert len(results(at)) == 3


def test_out_of_scope_question_is_not_answered_with_a_passage(page_env):
    at = ask(start(), "Comment faire une pâte à crêpes ?")
    assert any("ne semble pas couvrir" in w.value for w in at.warning)
    assert "Canaux généraux" in channel_card(at)
    assert not at.feedback  # no passage is offered as an answer to rate
    [expander] = at.expander
    assert expander.label == "Passages les plus proches (peu fiables)"
    assert all("Peu fiable" in r for r in results(at))


@pytest.mark.parametrize("question", ["<script>alert(1)</script>", "**gras** <b>x</b> :red[y] $z$"])
def test_html_and_markdown_in_a_question_are_shown_as_typed(page_env, question):
    at = ask(start(), question)
    shown = [h for h in html_blocks(at) if 'class="fs-query"' in h]
    assert len(shown) == 1
    from faqsearch.ui.presentation import escape

    # Escaped, and isolated from the page's own words (a direction mark in it reverses nothing around it).
    assert f"« <bdi>{escape(question)}</bdi> »" in shown[0]
    for block in html_blocks(at):
        assert "<script" not in block and "<b>" not in block
    for element in list(at.markdown) + list(at.warning) + list(at.info) + list(at.caption):
        assert "<script" not in element.value and "**gras**" not in element.value


def test_feedback_click_is_stored_and_listed_for_editors(page_env):
    at = ask(start(), PHONE_QUESTION)
    at.sidebar.radio(key="plan").set_value("Premium").run()
    healthy(at.feedback[0].set_value(DOWN).run())
    [rating] = FeedbackStore(page_env / DB_NAME).ratings()
    assert rating["question"] == PHONE_QUESTION
    assert rating["passage_id"].endswith("support-telephonique")
    assert rating["plan"] == "premium" and rating["rating"] == DOWN
    sign_in(at)
    tables = [df.value for df in at.dataframe]
    assert any(PHONE_QUESTION in set(t["Question"]) and "Comment contacter le support téléphonique ?" in set(t.get("Passage", []))
               for t in tables)


def test_question_is_kept_across_the_editors_tab(page_env):
    at = ask(start(), PHONE_QUESTION)
    at.session_state["tab"] = EDITORS_TAB
    healthy(at.run())
    at.session_state["tab"] = SEARCH_TAB
    healthy(at.run())
    assert at.text_input(key="question").value == PHONE_QUESTION
    assert "Support téléphonique" in channel_card(at)


def test_every_question_is_logged_once_per_submission(page_env):
    at = ask(start(), PHONE_QUESTION)
    at.sidebar.radio(key="plan").set_value("Gratuit").run()  # a rerun, not a new question
    ask(at, "Comment faire une pâte à crêpes ?")
    store = FeedbackStore(page_env / DB_NAME)
    assert store.totals()["questions"] == 2
    assert [q.question for q in store.unanswered()] == ["Comment faire une pâte à crêpes ?"]
    sign_in(at)
    # The most asked questions' table (the dashboard's tables below it have their own columns).
    asked = {q for t in at.dataframe if "Question" in t.value.columns for q in t.value["Question"]}
    assert {PHONE_QUESTION, "Comment faire une pâte à crêpes ?"} <= asked


def test_empty_and_overlong_questions_get_a_french_message(page_env):
    at = ask(start(), "   ")
    assert not results(at) and any(PHONE_QUESTION == b.label for b in at.button)
    ask(at, "??? !!!")
    assert any("Question vide" in w.value for w in at.warning)
    ask(at, "Comment joindre le support par téléphone ? " + "blabla " * 800)
    assert any("dépassait" in i.value for i in at.info)
    assert results(at)


def test_answer_is_fast_after_the_first_load(page_env):
    at = ask(start(), "Comment contacter le support par chat ?")
    timings = []
    for question in (PHONE_QUESTION, "Comment savoir si Zoho Mail est en panne ?", "Comment créer un ticket ?"):
        started = time.perf_counter()
        ask(at, question)
        timings.append(time.perf_counter() - started)
        assert results(at)
    # A whole rerun of the script (search, render, logging) on a shared 2-core machine.
    assert min(timings) < 1.0, timings


def test_an_unforeseen_error_is_a_french_message_not_a_traceback(monkeypatch, page_env):
    from faqsearch.ui import cards

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cards, "result_card_html", broken)
    at = start()
    at.text_input(key="question").input(PHONE_QUESTION).run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith(UNEXPECTED) and "Rechargez la page" in error and "boom" not in error


def test_index_built_with_another_model_offers_a_rebuild(monkeypatch, page_env, tmp_path: Path, corpus_copy: Path):
    from faqsearch.build.pipeline import build
    from tests.fakes import FakeEncoder

    root = tmp_path / "index-other-model"
    build(corpus_copy, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    monkeypatch.setenv("FAQSEARCH_INDEX", str(root))
    monkeypatch.setenv("FAQSEARCH_CORPUS", str(corpus_copy))
    at = start()
    [error] = [e.value for e in at.main.error]
    assert "fake-hash-64" in error and "reconstruit avec le modèle de la page" in error
    assert "--model" not in error and "build_index" not in error  # no command-line flags on the page
    assert not [b for b in at.button if b.key == "rebuild-search"]  # visitors may not rebuild
    assert any("Un éditeur doit reconstruire l'index" in m.value for m in at.markdown)
    sign_in(at)
    at.session_state["tab"] = SEARCH_TAB
    healthy(at.run())
    assert at.button(key="rebuild-search").label == "Reconstruire l'index"


def test_rebuild_on_a_temporary_corpus_answers_without_restart(monkeypatch, page_env, tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    root = tmp_path / "index"
    monkeypatch.setenv("FAQSEARCH_CORPUS", str(corpus))
    monkeypatch.setenv("FAQSEARCH_INDEX", str(root))

    # No index yet: a French message and the way out for a signed-in editor, no traceback.
    at = start()
    assert any("Aucun index" in e.value for e in at.error)
    sign_in(at)
    at.session_state["tab"] = SEARCH_TAB
    healthy(at.run())
    at.button(key="rebuild-search").click().run(timeout=FIRST_RUN_TIMEOUT)
    assert not at.exception and not at.error
    assert "Support téléphonique" in channel_card(ask(at, PHONE_QUESTION))

    # An editor adds a guide: the sidebar says the index is stale until the editors' tab rebuilds it.
    (corpus / "paiement.md").write_text(
        "# Facturation\n\n## Moyens de paiement\n\n"
        "Zoho Mail accepte les cartes Visa et Mastercard ainsi que PayPal pour les forfaits payants.\n",
        encoding="utf-8")
    at.run()
    assert any("Le corpus a changé" in w.value for w in at.sidebar.warning)
    at.session_state["tab"] = EDITORS_TAB
    at.run()
    at.button(key="rebuild-editor").click().run(timeout=FIRST_RUN_TIMEOUT)
    assert not at.exception and not at.error
    report = [s.value for s in at.success]
    assert any("ajoutés" in r and "modifiés" in r and "supprimés" in r for r in report), report
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Ajoutés"]) >= 1 and metrics["Supprimés"] == "0"
    assert not at.sidebar.warning

    at.session_state["tab"] = SEARCH_TAB
    at.run()
    ask(at, "Quels moyens de paiement sont acceptés, PayPal ?")
    assert any("PayPal" in r for r in results(at))


def failed_rebuild_reason(at: AppTest) -> str:
    """The reason a rebuild failed, which must be in the open: not inside the folded progress box."""
    [status] = at.status
    assert status.state == "error" and "a échoué" in status.label
    assert not status.error and not status.proto.expanded
    return " ".join(e.value for e in at.error if e.value not in {x.value for x in status.error})


def test_rebuild_of_a_broken_corpus_says_what_to_fix(monkeypatch, page_env, tmp_path: Path, corpus_copy: Path):
    (corpus_copy / "channels.csv").write_text("id,name\ntelephone,Téléphone\n", encoding="utf-8")
    monkeypatch.setenv("FAQSEARCH_CORPUS", str(corpus_copy))
    monkeypatch.setenv("FAQSEARCH_INDEX", str(tmp_path / "index"))
    at = sign_in(start())
    at.session_state["tab"] = SEARCH_TAB
    healthy(at.run())
    at.button(key="rebuild-search").click().run(timeout=FIRST_RUN_TIMEOUT)
    assert not at.exception
    reason = failed_rebuild_reason(at)
    assert "La reconstruction a échoué" in reason and "channels.csv" in reason and "colonnes manquantes" in reason, reason
    assert at.button(key="rebuild-search")  # still offered, once the file is fixed


def test_a_rebuild_refused_because_another_runs_says_so_in_the_open(monkeypatch, page_env, tmp_path: Path,
                                                                    corpus_copy: Path):
    from faqsearch.build.lock import build_lock

    monkeypatch.setenv("FAQSEARCH_CORPUS", str(corpus_copy))
    at = sign_in(start())
    with build_lock(Path(page_env.parent / "locked-index")):
        monkeypatch.setenv("FAQSEARCH_INDEX", str(page_env.parent / "locked-index"))
        healthy(at.run())
        at.button(key="rebuild-editor").click().run(timeout=FIRST_RUN_TIMEOUT)
    reason = failed_rebuild_reason(at)
    assert "Une autre reconstruction" in reason and "Réessayez dans un instant" in reason
    assert "--wait" not in reason and "relancez" not in reason  # command-line advice has no place on the page


def test_without_configured_credentials_the_editors_tab_only_says_how_to_enable_it(monkeypatch, page_env):
    monkeypatch.delenv(PASSWORD_HASH_ENV)
    at = ask(start(), PHONE_QUESTION)  # visitors still search and rate
    healthy(at.feedback[0].set_value(DOWN).run())
    at.session_state["tab"] = EDITORS_TAB
    healthy(at.run())
    [info] = at.info
    assert "n'est pas activé" in info.value and "hash-password" in info.value and PASSWORD_HASH_ENV in info.value
    assert not at.dataframe and not at.metric and not at.text_input
    assert [b.key for b in at.button] == []  # no sign-in, no rebuild


def test_editors_sign_in_with_the_password_and_sign_out(page_env):
    at = start()
    at.session_state["tab"] = EDITORS_TAB
    healthy(at.run())
    assert not at.dataframe and not [b for b in at.button if b.key == "rebuild-editor"]
    at = sign_in(at, "mauvais mot de passe")
    assert any("Mot de passe incorrect" in e.value for e in at.error)
    assert not at.dataframe and at.text_input(key=editor_auth.PASSWORD_KEY).value == ""
    at = sign_in(at)
    assert at.button(key="rebuild-editor")
    assert {m.label for m in at.metric} >= {"Questions posées"}
    healthy(at.button(key="editor-sign-out").click().run())
    assert not at.metric and not [b for b in at.button if b.key == "rebuild-editor"]
    assert at.text_input(key=editor_auth.PASSWORD_KEY)


def test_repeated_failures_hold_back_the_session_even_with_the_right_password(page_env, monkeypatch):
    monkeypatch.setattr(editor_auth, "clock", lambda: 1000.0)  # no wait runs out during the test
    at = start()
    for _ in range(4):
        sign_in(at, "essai au hasard")
    assert any("Mot de passe incorrect. Trop d'essais manqués : réessayez dans 2 s." == e.value for e in at.error)
    sign_in(at)
    assert any("n'a pas été vérifié" in e.value for e in at.error) and not at.metric
    # Another browser session is not held back by this one's failures.
    other = sign_in(start())
    assert {m.label for m in other.metric} >= {"Questions posées"}


def test_a_strangers_failures_do_not_lock_an_editor_out(page_env, monkeypatch):
    monkeypatch.setattr(editor_auth, "clock", lambda: 1000.0)
    for _ in range(2):  # ten wrong passwords from two throwaway sessions, at once
        stranger = start()
        for _ in range(5):
            sign_in(stranger, "essai au hasard")
    editor = sign_in(start())
    assert not editor.error and {m.label for m in editor.metric} >= {"Questions posées"}


def test_the_password_hash_may_come_from_streamlit_secrets(monkeypatch, page_env):
    monkeypatch.delenv(PASSWORD_HASH_ENV)
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    at.secrets[PASSWORD_HASH_SECRET] = EDITOR_HASH
    at = sign_in(healthy(at.run(timeout=FIRST_RUN_TIMEOUT)))
    assert {m.label for m in at.metric} >= {"Questions posées"}


def test_an_identity_provider_signs_in_only_the_listed_editors(monkeypatch, page_env):
    monkeypatch.delenv(PASSWORD_HASH_ENV)
    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.secrets["editor_emails"] = ["editrice@example.org"]
    at.user = {"is_logged_in": True, "email": "visiteur@example.org"}
    at.session_state["tab"] = EDITORS_TAB
    healthy(at.run(timeout=FIRST_RUN_TIMEOUT))
    assert any("n'est pas celui d'un éditeur" in w.value for w in at.warning) and not at.metric
    at.user = {"is_logged_in": True, "email": "editrice@example.org"}
    healthy(at.run())
    assert {m.label for m in at.metric} >= {"Questions posées"} and at.button(key="editor-sign-out")


def test_invisible_controls_typed_in_the_page_are_never_stored(page_env):
    at = ask(start(), "Quel est le numéro\x1b[31m du support\x00 aux États-Unis\u202e ?")
    healthy(at.feedback[0].set_value(DOWN).run())
    store = FeedbackStore(page_env / DB_NAME)
    stored = [r["question"] for r in store.ratings()] + [q.question for q in store.top_questions()]
    assert stored and all(not re.search("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", q)
                          for q in stored), stored
