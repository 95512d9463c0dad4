"""The widget in Debian's Chromium (service in process, fake encoder) speaks of the plans in the
word the help center declares: « profil » for the public-service example."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bench.http_server import serve_in_thread
from bench.servers import CHROMIUM_ARGS
from faqsearch.build.pipeline import build
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.fakes import FakeEncoder
from tests.test_public_service_example import EXAMPLE
from tests.ui.test_browser import chromium  # noqa: F401 - the fixture

# The entry's title: the fake encoder is sure of it, and its card is the desk for businesses.
QUESTION = "Créer une entreprise"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The example, with its entry on creating a business open to every profile (its desk is not)."""
    corpus = Path(shutil.copytree(EXAMPLE, tmp_path / "corpus"))
    guide = corpus / "guichet.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("- Public : professionnel\n- Canal : point-entreprises",
                                                               "- Canal : point-entreprises"), encoding="utf-8")
    build(corpus, tmp_path / "index", FakeEncoder())
    return Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)


def test_site_says_what_the_help_center_calls_its_plans(settings):
    with TestClient(create_app(settings, FakeEncoder())) as client:
        assert client.get("/v1/site").json()["plan_noun"] == "profil"
        refused = client.get("/v1/search", params={"q": "Créer une entreprise", "plan": "pro"})
        assert refused.status_code == 422 and refused.json()["detail"].startswith("Profil inconnu « pro »")
        schema = client.get("/openapi.json").json()["paths"]["/v1/search"]["get"]["parameters"]
        plan = next(p for p in schema if p["name"] == "plan")
        assert plan["description"].startswith("Profil de la personne, si connu : `particulier` (Particulier)")


@pytest.mark.browser
def test_widget_card_names_the_declared_word(chromium: str, settings):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with serve_in_thread(create_app(settings, FakeEncoder())) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            page.goto(url + "/widget?plan=association")
            page.get_by_role("combobox", name="Rechercher dans l'aide").fill(QUESTION)
            name = page.locator(".fsw-channel-name")
            expect(name).to_contain_text("(non inclus dans votre profil)", timeout=30_000)
            expect(page.locator(".fsw-contacts")).to_contain_text("Inclus dans votre profil : ")
        finally:
            browser.close()
