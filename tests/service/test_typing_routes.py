"""``GET /v1/suggest`` and ``GET /v1/related``: completions of what is typed, entries near an opened one."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from faqsearch.build.pipeline import build
from faqsearch.ratelimit import RateLimiter
from faqsearch.service.app import create_app
from faqsearch.service.limits import typing_rate
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder
from tests.service.test_app import QUESTION, assert_french_error, client, settings  # noqa: F401 - the fixtures


def test_suggestions_complete_the_typed_words_with_typos(client: TestClient):  # noqa: F811
    response = client.get("/v1/suggest", params={"q": "configurr IM"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "configurr IM"
    assert body["suggestions"][0] == {"text": "Comment configurer IMAP ?", "entry_id": "guide/questions-courantes/configurer-imap",
                                      "passage_id": "guide/questions-courantes/configurer-imap",
                                      "section": "Questions courantes"}
    assert response.headers["Server-Timing"].startswith("suggest;dur=")
    assert client.get("/v1/suggest", params={"q": "zzzz qqqq"}).json()["suggestions"] == []


def test_bad_suggest_input_gets_a_french_422(client: TestClient):  # noqa: F811
    assert_french_error(client.get("/v1/suggest", params={"q": ""}), 422)
    assert_french_error(client.get("/v1/suggest", params={"q": "imap", "limit": 11}), 422)


def test_a_new_build_is_suggested_without_restart(client: TestClient, settings):  # noqa: F811
    assert client.get("/v1/suggest", params={"q": "Configurer IM"}).json()["suggestions"]
    write_corpus(settings.corpus_dir, generation=2, items=2)
    build(settings.corpus_dir, settings.index_dir, FakeEncoder())
    assert client.get("/v1/suggest", params={"q": "Configurer IM"}).json()["suggestions"] == []


def test_related_entries_of_an_opened_answer(client: TestClient):  # noqa: F811
    passage = "guide/questions-courantes/configurer-imap"
    body = client.get("/v1/related", params={"passage_id": passage}).json()
    assert body["passage_id"] == passage
    assert len(body["related"]) == 3 and passage not in [r["passage_id"] for r in body["related"]]
    assert set(body["related"][0]) == {"passage_id", "entry_id", "question", "section"}
    assert body["related"][0]["section"] == "Questions courantes"
    assert_french_error(client.get("/v1/related", params={"passage_id": "inconnu"}), 404, "passage_id")
    assert_french_error(client.get("/v1/related", params={"passage_id": passage, "count": 0}), 422)


def test_a_burst_of_suggestions_over_the_bucket_is_refused_in_french(settings):  # noqa: F811
    # 20 searches a minute: suggestions and related questions 80 a minute, bursts of 4, in a bucket of their own.
    with TestClient(create_app(replace(settings, rate_limit=20), FakeEncoder())) as client:
        passage = "guide/questions-courantes/configurer-imap"
        typed = [client.get("/v1/suggest", params={"q": "configurer"[:n]}).status_code for n in range(3, 6)]
        assert typed + [client.get("/v1/related", params={"passage_id": passage}).status_code] == [200] * 4
        refused = client.get("/v1/suggest", params={"q": "configurer I"})
        detail = assert_french_error(refused, 429, "Trop de requêtes", "réessayez dans")
        assert int(refused.headers["retry-after"]) >= 1 and refused.headers["retry-after"] in detail
        assert client.get("/v1/related", params={"passage_id": passage}).status_code == 429
        assert client.get("/v1/search", params={"q": QUESTION}).status_code == 200  # searches count apart


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_fast_typing_is_never_stopped_but_a_script_is():
    # The widget asks 60 ms after a keystroke: a fast typist's 200-character question, one request
    # each 60 ms, passes whole at the default limit (300 searches a minute).
    clock = Clock()
    limiter = RateLimiter(typing_rate(300), clock)
    for _ in range(200):
        assert limiter.wait("visitor") == 0.0
        clock.now += 0.060
    # A script asking every 10 ms for a minute gets about the refill (20 a second) plus the burst.
    allowed = 0
    for _ in range(6000):
        allowed += limiter.wait("script") == 0.0
        clock.now += 0.010
    assert 1200 <= allowed <= 1200 + 60 + 1
    assert typing_rate(0) is None
