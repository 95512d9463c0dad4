"""The HTTP service in process (fake encoder): each endpoint, bad input in French, reload, CORS, widget."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsearch.build.pipeline import build
from faqsearch.feedback.store import DOWN, UP, FeedbackStore
from faqsearch.search.engine import Engine
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

QUESTION = "Comment configurer IMAP ?"
PASSAGE = "guide/questions-courantes/configurer-imap"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = write_corpus(tmp_path / "corpus", generation=1)
    build(corpus, tmp_path / "index", FakeEncoder())
    return Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings, FakeEncoder()), raise_server_exceptions=False) as c:
        yield c


def assert_french_error(response, status: int, *words: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    for english in ("Traceback", "Field required", "Not Found", "Input should", "Method Not Allowed"):
        assert english not in response.text
    for word in words:
        assert word in detail, detail
    return detail


def test_search_returns_the_command_line_json(client: TestClient, settings: Settings):
    response = client.get("/v1/search", params={"q": QUESTION, "plan": "lite", "top_k": 3})
    assert response.status_code == 200
    expected = Engine.open(settings.index_dir, FakeEncoder()).ask(QUESTION, "lite", 3).to_dict()
    assert response.json() == json.loads(json.dumps(expected))
    assert response.json()["results"][0]["question"] == "Comment configurer IMAP ?"
    assert len(response.json()["results"]) == 3
    assert float(response.headers["server-timing"].removeprefix("engine;dur=")) > 0


@pytest.mark.parametrize("params, words", [
    ({}, ["paramètre « q »", "obligatoire"]),
    ({"q": ""}, ["paramètre « q »", "vide"]),
    ({"q": "x" * 501}, ["500 caractères"]),
    ({"q": QUESTION, "top_k": 0}, ["top_k", "au moins 1"]),
    ({"q": QUESTION, "top_k": 51}, ["top_k", "au plus 50"]),
    ({"q": QUESTION, "top_k": "beaucoup"}, ["top_k", "nombre entier"]),
    ({"q": QUESTION, "plan": "or"}, ["« plan »", "gratuit, lite, premium"]),
    ({"q": QUESTION, "plan": "Pro!"}, ["plan"]),
])
def test_bad_search_input_gets_a_french_422(client: TestClient, params: dict, words: list[str]):
    assert_french_error(client.get("/v1/search", params=params), 422, *words)


def test_unknown_address_and_method_get_french_errors(client: TestClient):
    assert_french_error(client.get("/v2/nulle-part"), 404, "Adresse inconnue")
    assert_french_error(client.delete("/v1/search"), 405, "Méthode non autorisée")


def test_unexpected_failure_is_a_french_500_without_traceback(client: TestClient, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom in the engine")

    monkeypatch.setattr(client.app.state.engine, "ask", broken)
    detail = assert_french_error(client.get("/v1/search", params={"q": QUESTION}), 500, "Erreur interne")
    assert "boom" not in detail


def test_feedback_goes_to_the_store_the_page_reads(client: TestClient, settings: Settings):
    body = {"question": QUESTION, "passage_id": "guide/questions-courantes/configurer-imap", "rating": "down",
            "plan": "premium", "session": "visiteur-1"}
    assert client.post("/v1/feedback", json=body).status_code == 201
    assert client.post("/v1/feedback", json={**body, "rating": "up"}).status_code == 201  # changed their mind
    assert client.post("/v1/feedback", json={**body, "session": None}).status_code == 201
    ratings = FeedbackStore.configured(settings.data_dir, "").ratings()  # the page's own store
    assert [(r["passage_id"], r["rating"], r["plan"]) for r in ratings] == [
        (body["passage_id"], UP, "premium"), (body["passage_id"], DOWN, "premium")]


@pytest.mark.parametrize("body, words", [
    ({"question": QUESTION, "passage_id": "p"}, ["« rating »", "obligatoire"]),
    ({"question": QUESTION, "passage_id": "p", "rating": "bof"}, ["« rating »", "'up'"]),
    ({"question": "", "passage_id": "p", "rating": "up"}, ["« question »", "vide"]),
    ({"question": QUESTION, "passage_id": "p", "rating": "up", "session": "<script>"}, ["« session »", "caractères"]),
    ({"question": QUESTION, "passage_id": "p", "rating": "up", "admin": True}, ["« admin »", "pas un champ connu"]),
    ([1, 2], ["corps", "objet JSON"]),
])
def test_bad_feedback_gets_a_french_422(client: TestClient, body, words):
    assert_french_error(client.post("/v1/feedback", json=body), 422, *words)


def test_malformed_json_and_oversized_bodies_are_refused(client: TestClient):
    assert_french_error(client.post("/v1/feedback", content=b"{pas du json", headers={"content-type": "application/json"}),
                        422, "JSON valide")
    big = json.dumps({"question": "x" * 20_000, "passage_id": "p", "rating": "up"})
    assert_french_error(client.post("/v1/feedback", content=big, headers={"content-type": "application/json"}),
                        413, "trop volumineuse")

    def chunks():  # no Content-Length: counted while it arrives
        for _ in range(20):
            yield b" " * 1024

    assert_french_error(client.post("/v1/feedback", content=chunks(), headers={"content-type": "application/json"}),
                        413, "trop volumineuse")


def test_a_body_not_in_utf8_or_not_announced_as_json_says_what_to_send(client: TestClient):
    latin1 = json.dumps({"question": "café", "passage_id": "p", "rating": "up"}, ensure_ascii=False).encode("latin-1")
    assert_french_error(client.post("/v1/feedback", content=latin1, headers={"content-type": "application/json"}),
                        400, "UTF-8", "Content-Type: application/json")
    body = json.dumps({"question": QUESTION}).encode()
    for headers in ({"content-type": "text/plain"}, {}):
        assert_french_error(client.post("/v1/questions", content=body, headers=headers), 422,
                            "objet JSON", "Content-Type: application/json")
    # Announced as JSON, a list is refused for what it is, with no word of the header.
    assert "Content-Type" not in assert_french_error(client.post("/v1/feedback", json=[1, 2]), 422, "objet JSON")


def test_feedback_that_cannot_be_stored_is_a_503(client: TestClient, settings: Settings):
    path = settings.data_dir / "feedback.sqlite3"
    path.unlink()
    path.mkdir()  # no database can be written there any more
    response = client.post("/v1/feedback", json={"question": QUESTION, "passage_id": PASSAGE, "rating": "up"})
    assert_french_error(response, 503, "n'a pas pu être enregistré")


def test_passage_by_id(client: TestClient):
    found = client.get("/v1/search", params={"q": QUESTION}).json()["results"][0]
    response = client.get(f"/v1/passages/{found['passage_id']}")
    assert response.status_code == 200
    assert response.json()["id"] == found["passage_id"] and response.json()["answer"] == found["answer"]
    assert_french_error(client.get("/v1/passages/guide/inconnu"), 404, "Aucun passage")


def test_healthz_and_a_rebuild_served_without_restart(client: TestClient, settings: Settings):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["passages"] == 8 and health["model"] == "fake-hash-64"
    assert health["stale"] is False and health["build"]
    first = client.get("/v1/search", params={"q": QUESTION}).json()
    assert "(édition 1)" in first["results"][0]["answer"]

    write_corpus(settings.corpus_dir, generation=2, items=6)
    assert client.get("/healthz").json()["stale"] is True
    build(settings.corpus_dir, settings.index_dir, FakeEncoder())

    after = client.get("/v1/search", params={"q": QUESTION}).json()
    assert "(édition 2)" in after["results"][0]["answer"]
    health2 = client.get("/healthz").json()
    assert health2["build"] != health["build"] and health2["passages"] == 6 and health2["stale"] is False
    assert "(édition 2)" in client.get(f"/v1/passages/{after['results'][0]['passage_id']}").json()["answer"]


def test_cors_is_off_by_default_and_follows_the_setting(settings: Settings):
    with TestClient(create_app(settings, FakeEncoder())) as closed:
        response = closed.get("/v1/search", params={"q": QUESTION}, headers={"Origin": "https://aide.exemple.fr"})
        assert "access-control-allow-origin" not in response.headers
    open_settings = replace(settings, cors_origins=("https://aide.exemple.fr",))
    with TestClient(create_app(open_settings, FakeEncoder())) as opened:
        allowed = opened.get("/v1/search", params={"q": QUESTION}, headers={"Origin": "https://aide.exemple.fr"})
        assert allowed.headers["access-control-allow-origin"] == "https://aide.exemple.fr"
        other = opened.get("/v1/search", params={"q": QUESTION}, headers={"Origin": "https://autre.exemple"})
        assert "access-control-allow-origin" not in other.headers


def test_bad_cors_setting_says_how_to_fix_it(settings: Settings):
    with pytest.raises(ValueError, match="Origine CORS invalide"):
        replace(settings, cors_origins=("aide.exemple.fr",))


def test_widget_page_has_a_strict_content_security_policy(client: TestClient):
    page = client.get("/widget")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert '<script src="/static/widget.js"' in page.text
    assert client.get("/static/widget.js").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn." not in docs.text  # works offline
    script = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', docs.text).group(1)
    assert client.get(script).status_code == 200
    assert "/v1/search" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("extra, words", [
    (["--port", "0"], "Port invalide"),
    (["--workers", "0"], "Nombre de processus invalide"),
    (["--index", "nulle-part"], "Aucun index dans nulle-part"),
    (["--rate-limit", "-1"], "Limite invalide"),
])
def test_serve_refuses_bad_options_in_french(settings: Settings, capsys, extra: list[str], words: str):
    from faqsearch.cli import main

    assert main(["serve", "--index", str(settings.index_dir), *extra]) == 2
    assert words in capsys.readouterr().err


def test_every_response_names_its_worker(client: TestClient):
    import os

    assert client.get("/healthz").headers["x-faqsearch-worker"] == str(os.getpid())
    assert client.get("/v2/nulle-part").headers["x-faqsearch-worker"] == str(os.getpid())


def test_searches_are_not_logged_a_final_question_is(client: TestClient, settings: Settings):
    for prefix in ("Comment", "Comment configurer", QUESTION):  # keystrokes of the widget
        assert client.get("/v1/search", params={"q": prefix}).status_code == 200
    store = FeedbackStore.configured(settings.data_dir, "")  # the page's own store
    assert store.totals()["questions"] == 0

    response = client.post("/v1/questions", json={"question": f"  {QUESTION} ", "plan": "lite", "session": "visiteur-1"})
    assert response.status_code == 201 and response.json()["logged"] is True
    assert client.post("/v1/questions", json={"question": "comment configurer imap"}).status_code == 201
    [top] = store.top_questions()
    # One client asked it twice: both are recorded, the editors' list counts that client once.
    assert top.count == 1 and top.question == "comment configurer imap"
    assert store.totals()["questions"] == 2


def test_no_address_of_the_visitor_is_stored(client: TestClient, settings: Settings):
    from sqlalchemy import select

    from faqsearch.feedback.database import QUESTIONS, RATINGS

    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "198.51.100.9", "User-Agent": "Navigateur/1.0"}
    assert client.post("/v1/questions", json={"question": QUESTION}, headers=forwarded).status_code == 201
    assert client.post("/v1/feedback", json={"question": QUESTION, "passage_id": PASSAGE, "rating": "up"},
                       headers=forwarded).status_code == 201
    store = FeedbackStore.configured(settings.data_dir, "")
    with store._engine.connect() as con:
        rows = [*con.execute(select(QUESTIONS)), *con.execute(select(RATINGS))]
    assert len(rows) == 2
    stored = " ".join(str(value) for row in rows for value in row)
    for trace in ("203.0.113", "198.51.100", "testclient", "127.0.0.1", "Navigateur"):
        assert trace not in stored


@pytest.mark.parametrize("body, status, words", [
    ({"question": "x" * 501}, 422, ["Question trop longue", "500 caractères au plus", "elle en fait 501", "une ou deux phrases"]),
    ({"question": ""}, 422, ["« question »", "vide"]),
    ({"question": "?? !!"}, 422, ["Question vide"]),
    ({"question": QUESTION, "plan": "or"}, 422, ["« plan »"]),
    ({"question": QUESTION, "ip": "1.2.3.4"}, 422, ["« ip »", "pas un champ connu"]),
])
def test_bad_question_gets_a_french_error_and_logs_nothing(client: TestClient, settings: Settings,
                                                           body, status, words):
    assert_french_error(client.post("/v1/questions", json=body), status, *words)
    assert FeedbackStore.configured(settings.data_dir, "").totals()["questions"] == 0


def test_too_long_search_says_so_without_echoing_it(client: TestClient):
    detail = assert_french_error(client.get("/v1/search", params={"q": "é" * 600}), 422,
                                 "Question trop longue", "paramètre « q »", "500 caractères au plus", "elle en fait 600")
    assert "éé" not in detail


def test_question_that_cannot_be_stored_is_a_503(client: TestClient, settings: Settings):
    path = settings.data_dir / "feedback.sqlite3"
    path.unlink()
    path.mkdir()
    assert_french_error(client.post("/v1/questions", json={"question": QUESTION}), 503, "n'a pas pu être enregistrée")


def test_healthz_does_not_read_the_corpus_again_while_it_is_unchanged(client: TestClient, settings: Settings,
                                                                      monkeypatch):
    import faqsearch.content.files

    reads = []
    real = faqsearch.content.files.corpus_digest
    monkeypatch.setattr(faqsearch.content.files, "corpus_digest", lambda folder: reads.append(folder) or real(folder))
    faqsearch.content.files._digest.cache_clear()
    for _ in range(5):
        assert client.get("/healthz").json()["stale"] is False
    assert len(reads) == 1
    guide = next(settings.corpus_dir.glob("*.md"))
    guide.write_text(guide.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert client.get("/healthz").json()["stale"] is True
    assert client.get("/healthz").json()["stale"] is True
    assert len(reads) == 2


def limited(settings: Settings, searches_per_minute: int, **extra) -> Settings:
    return replace(settings, rate_limit=searches_per_minute, **extra)


def test_a_client_over_its_limit_is_told_in_french_when_to_come_back(settings: Settings):
    # 20 searches a minute: bursts of 2; writes 2 a minute, bursts of 1.
    with TestClient(create_app(limited(settings, 20), FakeEncoder())) as client:
        assert [client.get("/v1/search", params={"q": QUESTION}).status_code for _ in range(2)] == [200, 200]
        refused = client.get("/v1/passages/x")  # reading passages shares the searches' bucket
        detail = assert_french_error(refused, 429, "Trop de requêtes", "réessayez dans")
        assert int(refused.headers["retry-after"]) >= 1 and refused.headers["retry-after"] in detail
        # Writes count apart; the health check, the widget and CORS preflights never count.
        assert client.post("/v1/questions", json={"question": QUESTION}).status_code == 201
        assert client.post("/v1/questions", json={"question": QUESTION}).status_code == 429
        assert client.get("/healthz").status_code == 200 and client.get("/widget").status_code == 200
        assert client.options("/v1/search").status_code != 429


def test_a_refusal_still_carries_the_cors_headers(settings: Settings):
    origin = {"Origin": "https://aide.exemple.fr"}
    with TestClient(create_app(limited(settings, 10, cors_origins=("https://aide.exemple.fr",)), FakeEncoder())) as c:
        assert c.get("/v1/search", params={"q": QUESTION}, headers=origin).status_code == 200
        refused = c.get("/v1/search", params={"q": QUESTION}, headers=origin)
        assert refused.status_code == 429
        assert refused.headers["access-control-allow-origin"] == "https://aide.exemple.fr"


def test_the_limit_comes_from_the_environment(settings: Settings, monkeypatch):
    from faqsearch import settings as env
    from faqsearch.ratelimit import Rate

    from faqsearch.service.limits import rates

    monkeypatch.setenv(env.RATE_LIMIT_ENV, "0")
    assert rates(Settings.from_env().rate_limit) == (None, None)
    monkeypatch.delenv(env.RATE_LIMIT_ENV)
    assert rates(Settings.from_env().rate_limit) == (Rate(300, 30), Rate(30, 10))
    monkeypatch.setenv(env.RATE_LIMIT_ENV, "beaucoup")
    with pytest.raises(ValueError, match="FAQSEARCH_RATE_LIMIT doit être un nombre entier"):
        Settings.from_env()


def test_a_rating_must_name_a_passage_of_the_index_in_service(client: TestClient, settings: Settings):
    for passage_id in ("p", "guide/inconnu", PASSAGE + "\x1b"):
        response = client.post("/v1/feedback", json={"question": QUESTION, "passage_id": passage_id, "rating": "down"})
        detail = assert_french_error(response, 422, "« passage_id »", "aucun passage", "/v1/search")
        assert "inconnu" not in detail and "\x1b" not in detail  # what the client sent is not echoed
    assert_french_error(client.post("/v1/feedback", json={"question": "\x1b\x00\u202e", "passage_id": PASSAGE,
                                                          "rating": "down"}), 422, "Question vide")
    assert FeedbackStore.configured(settings.data_dir, "").ratings() == []


def test_a_visitor_s_control_characters_never_reach_the_variants_file(settings: Settings, database_url: str):
    from faqsearch.content.corpus import load_corpus
    from faqsearch.content.variants import VARIANTS_FILE, append_variant

    store = FeedbackStore.from_url(database_url)
    with TestClient(create_app(settings, FakeEncoder(), store=store)) as client:
        body = {"question": "Rembourser\x1b[31m\x00 ma\u202e facture ?", "passage_id": PASSAGE, "rating": "down"}
        assert client.post("/v1/feedback", json=body).status_code == 201  # NUL included, on PostgreSQL too
        assert client.post("/v1/questions", json={"question": body["question"]}).status_code == 201
    [disliked] = store.disliked()
    [asked] = store.top_questions()
    assert disliked.question == asked.question == "Rembourser [31m ma facture ?"
    assert append_variant(settings.corpus_dir / VARIANTS_FILE, PASSAGE, disliked.question, "Alice")  # « Rattacher »
    load_corpus(settings.corpus_dir)  # and the next build reads it
    store.close()


def test_one_client_cannot_push_a_question_to_the_top(settings: Settings):
    import uuid

    app = create_app(settings, FakeEncoder())
    phishing = "Appelez le 08 99 https://evil.example/rembourse"
    attacker = TestClient(app, client=("203.0.113.66", 40000))
    for _ in range(60):
        body = {"question": phishing, "session": uuid.uuid4().hex}
        assert attacker.post("/v1/questions", json=body).status_code == 201
    for n in range(3):
        visitor = TestClient(app, client=(f"198.51.100.{n + 1}", 40000))
        assert visitor.post("/v1/questions", json={"question": QUESTION}).status_code == 201
    for _ in range(40):
        attacker.post("/v1/feedback", json={"question": QUESTION, "passage_id": PASSAGE, "rating": "down",
                                            "session": uuid.uuid4().hex})
    store = FeedbackStore.configured(settings.data_dir, "")
    assert [(t.question, t.count) for t in store.top_questions()] == [(QUESTION, 3), (phishing, 1)]
    assert [d.down for d in store.disliked()] == [1]
