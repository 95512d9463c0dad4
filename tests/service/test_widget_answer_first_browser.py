"""The widget in Debian's Chromium, served by the HTTP service over the seed guide: the short
answer first, pointing to its entry, marked in the whole answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.http_server import serve_in_thread
from bench.servers import CHROMIUM_ARGS
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.conftest import SEED_CORPUS
from tests.ui.test_browser import chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
WAIT_MS = 30_000


@pytest.fixture
def widget(real_encoder, real_index_root: Path, tmp_path: Path):
    settings = Settings(index_dir=real_index_root, corpus_dir=SEED_CORPUS, data_dir=tmp_path / "data", rate_limit=0)
    with serve_in_thread(create_app(settings, real_encoder)) as url:
        yield url


def test_the_widget_shows_the_short_answer_first_and_marks_it_in_the_entry(chromium: str, widget):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            page.goto(widget + "/widget")
            box = page.get_by_role("combobox", name="Rechercher dans l'aide")
            box.fill("Combien de temps faut-il attendre une réponse au mail ?")
            short = page.get_by_role("region", name="Réponse courte")
            line = "Attendez une réponse (généralement sous 24 heures, souvent plus rapide)."
            expect(short.locator(".fsw-short-text")).to_have_text(line, timeout=WAIT_MS)
            expect(short.locator(".fsw-short-source")).to_contain_text("Comment contacter le support par email ?")
            listbox = page.get_by_role("listbox", name="Réponses du guide")
            assert short.bounding_box()["y"] < listbox.bounding_box()["y"]  # before the list of entries
            short.get_by_role("button", name="Lire toute la réponse").click()
            detail = page.locator("#fsw-detail")
            expect(detail.locator(".fsw-detail-title")).to_have_text("Comment contacter le support par email ?")
            expect(detail.locator(".fsw-answer mark")).to_have_text(line)
            expect(detail.locator(".fsw-answer")).to_contain_text("Décrivez votre problème")
        finally:
            browser.close()


def test_suggestions_appear_while_typing_and_are_chosen_with_the_keyboard(chromium: str, widget):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            page.goto(widget + "/widget")
            box = page.get_by_role("combobox", name="Rechercher dans l'aide")
            box.press_sequentially("numro de telef", delay=30)  # typos, no accents
            suggestion = page.locator(".fsw-suggestion").first
            expect(suggestion).to_be_visible(timeout=WAIT_MS)
            expect(box).to_have_attribute("aria-expanded", "true")
            text = suggestion.locator(".fsw-option-question").inner_text()
            assert "téléphon" in text.lower(), text
            for _ in range(12):  # after the answers found, if there are some
                box.press("ArrowDown")
                if box.get_attribute("aria-activedescendant") == "fsw-suggestion-0":
                    break
            expect(box).to_have_attribute("aria-activedescendant", "fsw-suggestion-0")
            expect(suggestion).to_have_attribute("aria-selected", "true")
            box.press("Enter")
            expect(box).to_have_value(text)  # the suggestion is the question now, and it is answered
            expect(page.locator(".fsw-result").first).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_role("status").first).to_contain_text("du guide")
        finally:
            browser.close()


def test_the_widget_offers_the_corrected_question_one_click_away(chromium: str, widget):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            page.goto(widget + "/widget")
            box = page.get_by_role("combobox", name="Rechercher dans l'aide")
            box.fill("numro du suport telefonique")
            offer = page.get_by_role("button", name="numéro du support téléphonique")
            expect(offer).to_be_visible(timeout=WAIT_MS)
            expect(page.locator("#fsw-fix")).to_contain_text("Vouliez-vous dire")
            expect(box).to_have_value("numro du suport telefonique")  # never replaced by itself
            offer.focus()
            offer.press("Enter")
            expect(box).to_have_value("numéro du support téléphonique")
            expect(page.locator("#fsw-fix")).to_be_hidden(timeout=WAIT_MS)
        finally:
            browser.close()
