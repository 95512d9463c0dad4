"""An internal entry is never returned to a visitor (command line, service search and passages,
page), and is to the support team (``--internal``, an API key, a signed-in editor); an entry for
one plan is left out for another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from faqsearch.ui.app import TABS
from tests.corpora import INTERNAL_PASSAGE, INTERNAL_QUESTION, write_audience_corpus
from tests.editors import allow_editors, sign_in
from tests.fakes import FakeEncoder

KEY = "cle-de-test-des-outils-de-l-equipe"
DIRECT = "guide/equipe/ligne-directe-des-grands-comptes"
DIRECT_QUESTION = "Qui répond sur la ligne directe des grands comptes ?"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_audience_corpus(tmp_path / "corpus")


@pytest.fixture
def root(corpus: Path, tmp_path: Path) -> Path:
    build(corpus, tmp_path / "index", FakeEncoder())
    return tmp_path / "index"


def ids(answer) -> list[str]:
    return [h.passage.id for h in answer.hits]


def test_engine_keeps_internal_entries_and_other_plans_entries_from_visitors(root):
    from faqsearch.records.scope import STAFF

    engine = Engine.open(root, FakeEncoder())
    visitor = engine.ask(INTERNAL_QUESTION, top_k=50)
    assert INTERNAL_PASSAGE not in ids(visitor) and ids(visitor)
    assert [h.rank for h in visitor.hits] == list(range(1, len(visitor.hits) + 1))
    assert ids(engine.ask(INTERNAL_QUESTION, scope=STAFF))[0] == INTERNAL_PASSAGE
    assert ids(engine.ask(DIRECT_QUESTION))[0] == DIRECT  # an unknown plan sees every audience
    assert ids(engine.ask(DIRECT_QUESTION, "entreprise"))[0] == DIRECT
    assert DIRECT not in ids(engine.ask(DIRECT_QUESTION, "pro", top_k=50))


def test_cli_shows_internal_entries_only_with_internal(monkeypatch, corpus, root, capsys):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    common = ["--corpus", str(corpus), "--index", str(root), "--json", "--top-k", "50"]
    assert cli.main(["search", INTERNAL_QUESTION, *common]) == 0
    assert INTERNAL_PASSAGE not in capsys.readouterr().out
    assert cli.main(["search", INTERNAL_QUESTION, "--internal", *common]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["passage_id"] == INTERNAL_PASSAGE


@pytest.fixture
def client(corpus, root, tmp_path):
    settings = Settings(index_dir=root, corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0, api_keys=(KEY,))
    with TestClient(create_app(settings, FakeEncoder()), raise_server_exceptions=False) as c:
        yield c


def test_service_gives_internal_entries_only_to_a_client_with_an_api_key(client):
    params = {"q": INTERNAL_QUESTION, "top_k": 50}
    visitor = client.get("/v1/search", params=params).json()["results"]
    assert visitor and INTERNAL_PASSAGE not in [r["passage_id"] for r in visitor]
    staff = client.get("/v1/search", params=params, headers={"Authorization": f"Bearer {KEY}"})
    assert staff.json()["results"][0]["passage_id"] == INTERNAL_PASSAGE
    hidden = client.get(f"/v1/passages/{INTERNAL_PASSAGE}")
    assert hidden.status_code == 404 and "Aucun passage" in hidden.json()["detail"]
    shown = client.get(f"/v1/passages/{INTERNAL_PASSAGE}", headers={"Authorization": f"Bearer {KEY}"})
    assert shown.status_code == 200 and shown.json()["internal"] is True
    wrong = client.get("/v1/search", params=params, headers={"Authorization": "Bearer une-autre-cle-inconnue"})
    assert wrong.status_code == 401 and "Clé d'API refusée" in wrong.json()["detail"]
    plan = client.get("/v1/search", params={"q": DIRECT_QUESTION, "plan": "pro", "top_k": 50}).json()["results"]
    assert DIRECT not in [r["passage_id"] for r in plan]


def test_suggestions_and_related_questions_keep_internal_entries_from_visitors(client):
    typed = {"q": INTERNAL_QUESTION[: len(INTERNAL_QUESTION) // 2], "limit": 10}
    visitor = client.get("/v1/suggest", params=typed).json()["suggestions"]
    assert INTERNAL_PASSAGE not in [s["passage_id"] for s in visitor]
    staff = client.get("/v1/suggest", params=typed, headers={"Authorization": f"Bearer {KEY}"}).json()
    assert INTERNAL_PASSAGE in [s["passage_id"] for s in staff["suggestions"]]
    near = client.get("/v1/related", params={"passage_id": DIRECT, "count": 10}).json()["related"]
    assert near and INTERNAL_PASSAGE not in [r["passage_id"] for r in near]
    assert client.get("/v1/related", params={"passage_id": INTERNAL_PASSAGE}).status_code == 404
    opened = client.get("/v1/related", params={"passage_id": INTERNAL_PASSAGE},
                        headers={"Authorization": f"Bearer {KEY}"})
    assert opened.status_code == 200


def test_opening_an_internal_passage_is_an_unknown_passage_for_a_visitor(client):
    body = {"kind": "open", "question": INTERNAL_QUESTION, "passage_id": INTERNAL_PASSAGE, "rank": 1}
    hidden = client.post("/v1/events", json=body)
    assert hidden.status_code == 422 and hidden.json() == client.post(
        "/v1/events", json={**body, "passage_id": "guide/equipe/aucune-entree"}).json()
    assert client.post("/v1/events", json=body, headers={"Authorization": f"Bearer {KEY}"}).status_code == 201
    assert client.post("/v1/events", json={**body, "passage_id": DIRECT}).status_code == 201


def test_settings_refuse_a_short_api_key(tmp_path):
    with pytest.raises(ValueError, match="au moins 16 caractères"):
        Settings(index_dir=tmp_path, corpus_dir=tmp_path, data_dir=tmp_path, api_keys=("court",))


def _results(at) -> str:
    return "\n".join(h.value for h in at.get("html") if h.value.startswith('<div class="fs-result'))


def test_page_shows_internal_entries_to_signed_in_editors_only(fake_page, monkeypatch, corpus):
    allow_editors(monkeypatch)
    at = fake_page(corpus)
    at.sidebar.slider(key="top_k").set_value(10).run()
    at.text_input(key="question").input(INTERNAL_QUESTION).run()
    assert _results(at) and "onglet Avoirs" not in _results(at)
    sign_in(at)
    at.session_state["tab"] = TABS[0]
    at.run()
    assert "onglet Avoirs" in _results(at)


def test_rating_an_internal_passage_is_an_unknown_passage_for_a_visitor(client):
    from faqsearch.service.routes.feedback import UNKNOWN_PASSAGE

    body = {"question": INTERNAL_QUESTION, "passage_id": INTERNAL_PASSAGE, "rating": "up"}
    hidden = client.post("/v1/feedback", json=body)
    unknown = client.post("/v1/feedback", json={**body, "passage_id": "guide/equipe/aucune-entree"})
    assert hidden.status_code == unknown.status_code == 422
    assert hidden.json()["detail"] == unknown.json()["detail"] == UNKNOWN_PASSAGE
    assert client.post("/v1/feedback", json=body, headers={"Authorization": f"Bearer {KEY}"}).status_code == 201
    assert client.post("/v1/feedback", json={**body, "passage_id": DIRECT}).status_code == 201
