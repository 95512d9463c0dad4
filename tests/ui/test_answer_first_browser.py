"""The page in Debian's Chromium leads with the short answer, names its entry, and marks it in
the whole entry."""

from __future__ import annotations

import pytest

from bench.servers import CHROMIUM_ARGS
from tests.ui.test_browser import STARTUP_TIMEOUT_S, ask, chromium, server  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser


def test_the_page_shows_the_short_answer_first_and_marks_it_in_the_whole_entry(chromium: str,  # noqa: F811
                                                                                server: str):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1250}, locale="fr-FR")
            page.goto(server, timeout=STARTUP_TIMEOUT_S * 1000)
            box = page.get_by_placeholder("Posez votre question", exact=False)
            box.wait_for(timeout=STARTUP_TIMEOUT_S * 1000)
            box.fill("Combien de temps faut-il attendre une réponse au mail ?")
            box.press("Enter")
            short = page.locator(".fs-short")
            short.wait_for(timeout=STARTUP_TIMEOUT_S * 1000)
            expect(short.locator(".fs-short-text")).to_have_text(
                "Attendez une réponse (généralement sous 24 heures, souvent plus rapide).")
            expect(short.locator(".fs-short-source")).to_contain_text("Comment contacter le support par email ?")
            # First: above the channel card and the list of entries.
            assert short.bounding_box()["y"] < page.locator(".fs-card").bounding_box()["y"]
            assert short.bounding_box()["y"] < page.locator(".fs-result").first.bounding_box()["y"]
            mark = short.locator(".fs-short-mark")
            expect(mark).to_be_hidden()
            short.get_by_text("Lire toute la réponse").click()
            expect(mark).to_be_visible()
            expect(mark).to_have_text("Attendez une réponse (généralement sous 24 heures, souvent plus rapide).")
            expect(short.locator(".fs-short-whole")).to_contain_text("Décrivez votre problème")
        finally:
            browser.close()


def test_the_page_offers_the_corrected_question_of_a_typo_question(chromium: str, server: str):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1250}, locale="fr-FR")
            page.goto(server, timeout=STARTUP_TIMEOUT_S * 1000)
            ask(page, "numro du suport telefonique", "Support téléphonique")
            offer = page.get_by_role("button", name="Vouliez-vous dire : « numéro du support téléphonique » ?")
            expect(offer).to_be_visible()
            offer.click()
            box = page.get_by_placeholder("Posez votre question", exact=False)
            expect(box).to_have_value("numéro du support téléphonique", timeout=30_000)
            expect(offer).to_be_hidden(timeout=30_000)
        finally:
            browser.close()
