"""``GET /v1/suggest`` and ``GET /v1/related``: completions of what is typed, entries near an opened one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from faqsearch.build.pipeline import build
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder
from tests.service.test_app import assert_french_error, client, settings  # noqa: F401 - the fixtures


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
