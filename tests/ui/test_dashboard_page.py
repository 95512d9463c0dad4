"""The editors' dashboard (AppTest, fake encoder): charts and tables filled from seeded visits,
a CSV button per table, another period, and the same figures as ``GET /v1/stats``."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from bench.visits import seed
from faqsearch.analytics.export import csv_bytes
from faqsearch.analytics.period import today
from faqsearch.feedback.store import FeedbackStore
from faqsearch.search.engine import Engine
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from faqsearch.ui.dashboard_page import CUSTOM, PERIOD_KEY, PRESET_KEY, TITLES
from tests.corpora import write_corpus
from tests.editors import allow_editors, sign_in
from tests.fakes import FakeEncoder
from tests.ui.test_app import healthy

TOKEN = "jeton-de-test-0123456789abcdef"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _start(fake_page, monkeypatch, tmp_path: Path):
    allow_editors(monkeypatch)
    corpus = write_corpus(tmp_path / "corpus")
    at = fake_page(corpus)
    index = tmp_path / f"index-{corpus.name}"
    passages = Engine.open(index, FakeEncoder()).index.passages
    seed(FeedbackStore.configured(tmp_path / "data", ""), passages, per_day=20, until=today(), days=40)
    settings = Settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "data", rate_limit=0)
    return healthy(sign_in(at)), settings


def _api(settings: Settings, since, until) -> dict:
    with TestClient(create_app(replace(settings, api_token=TOKEN), FakeEncoder())) as client:
        response = client.get("/v1/stats", params={"since": since.isoformat(), "until": until.isoformat()},
                              headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_dashboard_shows_the_apis_figures_for_the_period_chosen(fake_page, monkeypatch, tmp_path: Path):
    at, settings = _start(fake_page, monkeypatch, tmp_path)
    end = today()
    api = _api(settings, end - timedelta(days=29), end)
    metrics = _metrics(at)
    assert metrics["Questions"] == str(api["questions"]) == str(20 * 30)
    assert metrics["Réponse sûre"] == f"{round(100 * api['confident_share'])} %"
    assert metrics["Réponse ouverte"] == f"{round(100 * api['opened_share'])} %"
    assert metrics["Libre-service"] == f"{round(100 * api['self_service_rate'])} %"
    assert metrics["Avis 👍 / 👎"] == f"{api['up']} / {api['down']}"
    assert len(at.get("vega_lite_chart")) == 4  # per day, outcomes, ratings, sections
    top = next(df for df in at.dataframe if list(df.value.columns) == ["question", "visiteurs-jours", "dont répondues"])
    assert top.value.to_dict("records") == [{"question": g["question"], "visiteurs-jours": g["visitors"],
                                             "dont répondues": g["confident"]} for g in api["top"]]
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == len(TITLES) and all(label.startswith("Télécharger en CSV") for label in labels)

    healthy(at.radio(key=PRESET_KEY).set_value("7 derniers jours").run())
    week = _api(settings, end - timedelta(days=6), end)
    assert _metrics(at)["Questions"] == str(week["questions"]) == str(20 * 7)
    healthy(at.radio(key=PRESET_KEY).set_value(CUSTOM).run())
    since, until = end - timedelta(days=35), end - timedelta(days=31)
    healthy(at.date_input(key=PERIOD_KEY).set_value((since, until)).run())
    assert _metrics(at)["Questions"] == str(_api(settings, since, until)["questions"]) == str(20 * 5)


def test_an_unfinished_period_asks_for_its_end(fake_page, monkeypatch, tmp_path: Path):
    at, _ = _start(fake_page, monkeypatch, tmp_path)
    healthy(at.radio(key=PRESET_KEY).set_value(CUSTOM).run())
    healthy(at.date_input(key=PERIOD_KEY).set_value((today(),)).run())
    assert any("dernier jour" in c.value for c in at.caption)
    assert not at.get("download_button")


def test_a_csv_neutralises_formulas_and_keeps_accents():
    data = csv_bytes([{"question": "=HYPERLINK(\"http://x\")", "n": 2}, {"question": "Crêpes ?", "n": 1}],
                     ["question", "n"])
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["question,n", "\"'=HYPERLINK(\"\"http://x\"\")\",2", "Crêpes ?,1"]
