"""Learning from clicks end to end in a real browser: recorded visitor events make a proposal appear in
the editors' space; accepting it writes the variant and the rebuilt index answers the phrasing with
that entry. ``streamlit run app.py`` with the real model, driven by Debian's Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.servers import CHROMIUM_ARGS, ServerError, streamlit_server
from faqsearch.auth.passwords import PASSWORD_HASH_ENV
from faqsearch.content.variants import VARIANTS_FILE, read_variants
from faqsearch.feedback.store import FeedbackStore
from tests.conftest import SEED_CORPUS
from tests.editors import EDITOR_HASH, EDITOR_PASSWORD, EDITORS_TAB
from tests.ui.test_browser import STARTUP_TIMEOUT_S, ask, chromium  # noqa: F401
from tests.ui.test_learning_page import EMAIL

pytestmark = pytest.mark.browser

QUESTION = "mon patron exige une trace écrite de notre demande"
TIMEOUT_MS = STARTUP_TIMEOUT_S * 1000


@pytest.fixture
def learning_server(real_encoder, tmp_path: Path):
    """The page on a private copy of the seed corpus, with three visitors' opens already recorded."""
    from faqsearch.build.pipeline import build

    corpus, root, cache = tmp_path / "corpus", tmp_path / "index", tmp_path / "cache"
    shutil.copytree(SEED_CORPUS, corpus)
    build(corpus, root, real_encoder, cache_dir=cache)
    store = FeedbackStore.configured(tmp_path / "data", "")
    for i in range(3):  # three clients opened the e-mail answer, third in the list, and did not contact
        store.log_event("open", f"session-{i}", QUESTION, passage_id=EMAIL, rank=3, client_key=f"{i + 1:016x}")
    env = {"FAQSEARCH_INDEX": str(root), "FAQSEARCH_CORPUS": str(corpus), "FAQSEARCH_DATA": str(tmp_path / "data"),
           "FAQSEARCH_EMBED_CACHE": str(cache), PASSWORD_HASH_ENV: EDITOR_HASH}
    try:
        with streamlit_server(env, tmp_path / "streamlit.log", STARTUP_TIMEOUT_S) as url:
            yield url, corpus
    except ServerError as exc:
        pytest.fail(str(exc))


def test_a_proposal_from_clicks_is_accepted_and_then_answers_the_phrasing(chromium, learning_server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    url, corpus = learning_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1250}, locale="fr-FR")
            page.goto(url, timeout=TIMEOUT_MS)
            page.get_by_placeholder("Posez votre question", exact=False).wait_for(timeout=TIMEOUT_MS)
            page.get_by_role("tab", name=EDITORS_TAB).click()
            page.get_by_label("Mot de passe des éditeurs").fill(EDITOR_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_text("Formulations apprises des visiteurs").wait_for(timeout=TIMEOUT_MS)
            page.get_by_text(QUESTION, exact=True).wait_for(timeout=TIMEOUT_MS)
            page.get_by_text("3 visiteur(s) · 3 ouverture(s)", exact=False).wait_for(timeout=TIMEOUT_MS)
            page.get_by_role("button", name="Accepter").first.click()
            page.get_by_text("formulation(s) rattachée(s)", exact=False).wait_for(timeout=TIMEOUT_MS)
            [row] = [r for r in read_variants(corpus / VARIANTS_FILE) if r.question == QUESTION]
            assert row.passage_id == EMAIL

            page.get_by_role("tab", name="Rechercher").click()
            ask(page, QUESTION, "support@zohomail.com")
            first = page.locator(".fs-result").first
            first.wait_for(timeout=TIMEOUT_MS)
            assert "support@zohomail.com" in first.inner_text()
        finally:
            browser.close()
