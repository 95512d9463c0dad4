"""The editors' dashboard in Debian's Chromium: sign in, charts drawn from seeded visits, another
period, a CSV downloaded."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bench.servers import CHROMIUM_ARGS, ServerError, streamlit_server
from bench.visits import seed
from faqsearch.analytics.figures import dashboard
from faqsearch.analytics.period import Period, today
from faqsearch.auth.passwords import PASSWORD_HASH_ENV
from faqsearch.feedback.store import FeedbackStore
from faqsearch.search.engine import Engine
from tests.conftest import SEED_CORPUS
from tests.editors import EDITOR_HASH, EDITOR_PASSWORD, EDITORS_TAB
from tests.ui.test_browser import STARTUP_TIMEOUT_S, chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_server(real_encoder, real_index_root: Path, tmp_path: Path):
    passages = Engine.open(real_index_root, real_encoder).index.passages
    store = FeedbackStore.configured(tmp_path / "data", "")
    seed(store, passages, per_day=15, until=today(), days=40)
    env = {"FAQSEARCH_INDEX": str(real_index_root), "FAQSEARCH_CORPUS": str(SEED_CORPUS),
           "FAQSEARCH_DATA": str(tmp_path / "data"), PASSWORD_HASH_ENV: EDITOR_HASH}
    try:
        with streamlit_server(env, tmp_path / "streamlit.log", STARTUP_TIMEOUT_S) as url:
            yield url, store, passages
    except ServerError as exc:
        pytest.fail(str(exc))


def test_an_editor_sees_the_charts_changes_the_period_and_downloads_a_csv(chromium: str, seeded_server,  # noqa: F811
                                                                         tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    url, store, passages = seeded_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="fr-FR", accept_downloads=True)
            page.goto(url, timeout=STARTUP_TIMEOUT_S * 1000)
            page.get_by_role("tab", name=EDITORS_TAB).click(timeout=STARTUP_TIMEOUT_S * 1000)
            page.get_by_label("Mot de passe des éditeurs").fill(EDITOR_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            heading = page.get_by_text("Tableau de bord de la recherche")
            expect(heading).to_be_visible(timeout=60_000)

            metric = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text("Questions", exact=True))
            expect(metric).to_contain_text(str(15 * 30), timeout=30_000)
            charts = page.locator('[data-testid="stVegaLiteChart"]')
            expect(charts).to_have_count(4, timeout=30_000)
            # Drawn, not only declared: the per-day chart has its line, the others their bars.
            expect(charts.first.locator("canvas, svg").first).to_be_visible()
            assert charts.first.bounding_box()["height"] > 100

            page.get_by_text("7 derniers jours", exact=True).click()
            expect(metric).to_contain_text(str(15 * 7), timeout=30_000)
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=30_000)  # the rerun is over

            with page.expect_download(timeout=30_000) as info:
                page.get_by_role("button", name="Télécharger en CSV (questions les plus posées)").click()
            download = info.value
            week = Period.last(7)
            assert download.suggested_filename == f"questions-frequentes-{week.since}-{week.until}.csv"
            rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
        finally:
            browser.close()
    week = dashboard(store, passages, week)
    assert rows == [{"question": g.question, "visiteurs-jours": str(g.visitors), "dont répondues": str(g.confident)}
                    for g in week.top]
    assert rows, "the seeded week has questions"
