"""The widget in Debian's Chromium (service in process, fake encoder): ``data-section`` and
``data-plan`` of ``embed.js`` reach the searches, answers stay in that section, and an internal
entry never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.http_server import serve_in_thread
from bench.servers import CHROMIUM_ARGS
from faqsearch.build.pipeline import build
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.corpora import INTERNAL_PASSAGE, write_audience_corpus
from tests.fakes import FakeEncoder
from tests.ui.test_browser import chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
# The fake encoder is sure of a question that repeats an entry word for word.
PHONE = "Nous joindre Comment contacter le support téléphonique ? Appelez le +33 1 23 45 67 89, de 9 h à 18 h."
REFUND = "Équipe Comment rembourser un client ? Ouvrez l'outil Caisse, onglet Avoirs, et validez le remboursement."


@pytest.fixture
def service(tmp_path: Path):
    corpus = write_audience_corpus(tmp_path / "corpus")
    build(corpus, tmp_path / "index", FakeEncoder())
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)
    with serve_in_thread(create_app(settings, FakeEncoder())) as url:
        yield url


def test_embedded_widget_searches_its_section_with_its_plan_and_hides_internal_entries(chromium: str, service: str):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            searches: list[str] = []
            page.on("request", lambda r: searches.append(r.url) if "/v1/search" in r.url else None)
            page.goto(service + "/v1/site")  # a page of the service's origin hosts the embed script
            page.set_content(f'<html><body><h1>Aide</h1><script src="{service}/static/embed.js" data-plan="pro" '
                             'data-section="Nous joindre"></script></body></html>')
            frame = page.frame_locator("iframe")
            box = frame.get_by_role("combobox", name="Rechercher dans l'aide")
            # Suggestions may fill the list before the search answers: wait for the search itself.
            with page.expect_response(lambda r: "/v1/search" in r.url, timeout=30_000):
                box.fill(PHONE)
            options = frame.get_by_role("listbox", name="Réponses du guide").get_by_role("option")
            expect(options.first).to_contain_text("Nous joindre", timeout=30_000)
            assert searches and all("section=Nous+joindre" in url and "plan=pro" in url for url in searches), searches
            for text in options.all_inner_texts():
                assert "Nous joindre" in text and "Questions courantes" not in text

            answers: list[str] = []
            page.on("response", lambda r: answers.append(r.text()) if "/v1/search" in r.url else None)
            page.goto(service + "/widget")
            box = page.get_by_role("combobox", name="Rechercher dans l'aide")
            box.fill(REFUND)
            expect(page.get_by_role("status").first).not_to_have_text("Recherche…", timeout=30_000)
            page.wait_for_timeout(500)
            assert answers and not any(INTERNAL_PASSAGE in body or "code manager" in body for body in answers)
            assert "code manager" not in page.content()
        finally:
            browser.close()
