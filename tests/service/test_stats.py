"""``GET /v1/stats``: closed without a token, the dashboard's figures with it, French errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient

from faqsearch.analytics.figures import dashboard
from faqsearch.analytics.period import Period
from faqsearch.feedback.store import FeedbackStore
from faqsearch.search.engine import Engine
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from bench.visits import seed
from tests.fakes import FakeEncoder
from tests.service.test_app import assert_french_error, settings  # noqa: F401

TOKEN = "un-jeton-long-et-aleatoire-0123456789"


@pytest.fixture
def open_client(settings: Settings):  # noqa: F811
    with TestClient(create_app(replace(settings, api_token=TOKEN), FakeEncoder()), raise_server_exceptions=False) as c:
        yield c


def test_the_figures_equal_the_dashboards(open_client: TestClient, settings: Settings):  # noqa: F811
    passages = Engine.open(settings.index_dir, FakeEncoder()).index.passages
    store = FeedbackStore.configured(settings.data_dir, "")
    seed(store, passages, per_day=30, until=date(2026, 11, 30), days=10)
    response = open_client.get("/v1/stats", params={"since": "2026-11-25", "until": "2026-11-30"},
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    expected = dashboard(store, passages, Period(date(2026, 11, 25), date(2026, 11, 30))).to_dict()
    assert response.json() == expected
    assert response.json()["questions"] == 180 and len(response.json()["per_day"]) == 6


def test_without_a_configured_token_the_figures_are_closed(settings: Settings):  # noqa: F811
    with TestClient(create_app(settings, FakeEncoder())) as client:
        assert_french_error(client.get("/v1/stats", headers={"Authorization": "Bearer "}), 403, "FAQSEARCH_API_TOKEN")


@pytest.mark.parametrize("header", [None, "Bearer mauvais", f"Basic {TOKEN}", TOKEN])
def test_a_missing_or_wrong_token_is_refused(open_client: TestClient, header: str | None):
    response = open_client.get("/v1/stats", headers={"Authorization": header} if header else {})
    assert_french_error(response, 401, "Authorization: Bearer")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("params, words", [
    ({"since": "30/11/2026"}, ["AAAA-MM-JJ"]),
    ({"since": "2026-11-30", "until": "2026-11-01"}, ["avant la fin"]),
])
def test_a_bad_period_gets_a_french_422(open_client: TestClient, params: dict, words: list[str]):
    response = open_client.get("/v1/stats", params=params, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_french_error(response, 422, *words)
