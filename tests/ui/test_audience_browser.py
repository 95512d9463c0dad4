"""In a real browser (Debian's Chromium, ``streamlit run``): an internal entry never reaches a
visitor of the page, and a signed-in editor finds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.servers import CHROMIUM_ARGS, ServerError, streamlit_server
from faqsearch.auth.passwords import PASSWORD_HASH_ENV
from faqsearch.build.pipeline import build
from tests.corpora import INTERNAL_QUESTION, write_audience_corpus
from tests.editors import EDITOR_HASH, EDITOR_PASSWORD
from tests.ui.test_browser import STARTUP_TIMEOUT_S, chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
SECRET = "onglet Avoirs"  # in the internal answer only, and not a word of the question


@pytest.fixture
def audience_server(real_encoder, tmp_path: Path):
    corpus, root = write_audience_corpus(tmp_path / "corpus"), tmp_path / "index"
    build(corpus, root, real_encoder, cache_dir=tmp_path / "cache")
    env = {"FAQSEARCH_INDEX": str(root), "FAQSEARCH_CORPUS": str(corpus), "FAQSEARCH_DATA": str(tmp_path / "data"),
           PASSWORD_HASH_ENV: EDITOR_HASH}
    try:
        with streamlit_server(env, tmp_path / "streamlit.log", STARTUP_TIMEOUT_S) as url:
            yield url
    except ServerError as exc:
        pytest.fail(str(exc))


def _ask(page, question: str) -> str:
    box = page.get_by_placeholder("Posez votre question", exact=False)
    box.fill(question)
    box.press("Enter")
    page.locator(".fs-query", has_text=question[:30]).wait_for(timeout=STARTUP_TIMEOUT_S * 1000)
    page.locator(".fs-result").first.wait_for(timeout=60_000)
    return page.locator("section.main, [data-testid='stMain']").first.inner_text()


def test_internal_entry_is_hidden_from_visitors_and_shown_to_editors(chromium: str, audience_server: str):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
            page.goto(audience_server, timeout=STARTUP_TIMEOUT_S * 1000)
            page.get_by_placeholder("Posez votre question", exact=False).wait_for(timeout=STARTUP_TIMEOUT_S * 1000)
            assert SECRET not in _ask(page, INTERNAL_QUESTION)
            assert SECRET not in page.content()  # not even in a folded part of the page

            page.get_by_role("tab", name="Espace éditeurs").click()
            page.get_by_label("Mot de passe des éditeurs").fill(EDITOR_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible(timeout=60_000)
            page.get_by_role("tab", name="Rechercher").click()
            expect(page.locator(".fs-result", has_text=SECRET).first).to_be_visible(timeout=60_000)
        finally:
            browser.close()
