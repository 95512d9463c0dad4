"""Text from the guide inside the widget's own sentences, in Debian's Chromium: a right-to-left
override left in an index (built before the readers removed them) stays inside its own words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.http_server import serve_in_thread
from bench.servers import CHROMIUM_ARGS
from faqsearch.build.pipeline import build
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder
from tests.ui.test_browser import chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

RLO = "\u202e"
CONTACT = {"url": "https://support.example.org", "email": "aide@example.org",
           "phones": [{"country": f"France{RLO}", "number": "+33 1 23 45 67 89"}], "console_path": f"Admin{RLO} > Support"}
ANSWER = {
    "question": "facture", "confident": True, "notice": "",
    "channel": {"id": "chat", "name": f"Chat{RLO} en direct", "available": True, "reason": "Le guide le propose.",
                "contact": CONTACT, "availability": f"24/7{RLO}", "response_time": f"2 h{RLO}", "plans": ["premium"],
                "alternatives": [{"id": "email", "name": f"E-mail{RLO}", "contact": {"email": "aide@example.org"}}]},
    "results": [{"rank": 1, "score": 0.9, "passage_id": "guide/facture", "question": f"Ouvrir facture{RLO}gpj.exe ?",
                 "section": f"Factures{RLO}", "answer": f"Ouvrez facture{RLO}gpj.exe.", "channel": "chat"}],
}
# Where a guide's words sit against the widget's own: each bdi ends before the text that follows it.
LAYOUT = """() => Array.from(document.querySelectorAll(
    "#fsw-status bdi, .fsw-channel-name bdi, .fsw-contacts bdi, .fsw-channel-info bdi"))
  .filter((bdi) => bdi.nextSibling && bdi.nextSibling.textContent.trim()).map((bdi) => {
    const range = document.createRange();
    range.selectNodeContents(bdi.nextSibling);
    return {text: bdi.textContent, after: bdi.nextSibling.textContent, bdiRight: bdi.getBoundingClientRect().right,
            nextLeft: range.getClientRects()[0].left, isolate: getComputedStyle(bdi).unicodeBidi};
  })"""


@pytest.fixture
def widget(tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus")
    build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)
    with serve_in_thread(create_app(settings, FakeEncoder())) as url:
        yield url


def test_guide_text_cannot_reverse_the_widgets_sentences(chromium: str, widget):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            page.route("**/v1/search?*", lambda route: route.fulfill(status=200, content_type="application/json",
                                                                      body=json.dumps(ANSWER)))
            page.goto(widget + "/widget")
            page.get_by_role("combobox").fill("facture")
            expect(page.locator("#fsw-status")).to_contain_text("Canal recommandé", timeout=30_000)
            placed = page.evaluate(LAYOUT)
            # The status, the channel's name, a phone's country, the console path, the availability.
            assert {bdi["text"] for bdi in placed} >= {f"Chat{RLO} en direct", f"France{RLO}", f"24/7{RLO}"}, placed
            for bdi in placed:
                assert bdi["isolate"] == "isolate" and bdi["nextLeft"] >= bdi["bdiRight"] - 0.5, bdi
            option = page.locator(".fsw-option").first
            for part in (".fsw-option-question", ".fsw-option-section"):
                expect(option.locator(part)).to_have_attribute("dir", "auto")
            option.dispatch_event("mousedown")
            for part in ("#fsw-detail-title", ".fsw-detail-section", ".fsw-answer"):
                expect(page.locator(part)).to_have_attribute("dir", "auto")
        finally:
            browser.close()
