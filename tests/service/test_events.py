"""``POST /v1/events``: stored with a client key (never the address), checked, refused in French, rate-limited."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from faqsearch.feedback.store import FeedbackStore
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.fakes import FakeEncoder
from tests.service.test_app import PASSAGE, QUESTION, assert_french_error, client, settings  # noqa: F401


def test_an_open_and_a_contact_are_stored(client: TestClient, settings: Settings):
    assert client.post("/v1/events", json={"kind": "open", "question": QUESTION, "passage_id": PASSAGE, "rank": 1,
                                           "session": "abc", "plan": "lite"}).status_code == 201
    assert client.post("/v1/events", json={"kind": "contact", "question": QUESTION,
                                           "target": "mailto:email"}).status_code == 201
    opened, contact = FeedbackStore.configured(settings.data_dir, "").events()
    assert (opened.kind, opened.passage_id, opened.rank, opened.session, opened.plan) == ("open", PASSAGE, 1, "abc", "lite")
    assert (contact.kind, contact.target, contact.passage_id) == ("contact", "mailto:email", None)
    assert contact.session.startswith("api-")
    for event in (opened, contact):  # the test client's address is never stored, only its keyed hash
        assert event.client_key and len(event.client_key) == 16 and "testclient" not in repr(event)


@pytest.mark.parametrize("body, status, words", [
    ({"kind": "open", "question": QUESTION, "passage_id": "nulle/part", "rank": 1}, 422, ["passage_id", "index en service"]),
    ({"kind": "open", "question": QUESTION, "passage_id": PASSAGE}, 422, ["rank", "open"]),
    ({"kind": "contact", "question": QUESTION}, 422, ["target", "tel:telephone"]),
    ({"kind": "contact", "question": QUESTION, "target": "javascript:alert(1)"}, 422, ["target", "non autorisés"]),
    ({"kind": "clic", "question": QUESTION}, 422, ["kind", "'open' ou 'contact'"]),
    ({"kind": "open", "question": "\u200e", "passage_id": PASSAGE, "rank": 1}, 422, ["Question vide"]),
    ({"kind": "open", "question": QUESTION, "passage_id": PASSAGE, "rank": 1, "ip": "1.2.3.4"}, 422, ["ip", "connu"]),
])
def test_bad_events_get_a_french_422(client: TestClient, settings: Settings, body: dict, status: int, words: list[str]):
    response = client.post("/v1/events", json=body)
    detail = assert_french_error(response, status)
    text = detail + " ".join(e.get("message", "") for e in response.json().get("errors", []))
    for word in words:
        assert word in text or word in response.text, response.text
    assert FeedbackStore.configured(settings.data_dir, "").events() == []


def test_events_share_the_limit_of_the_writes(settings: Settings):
    with TestClient(create_app(replace(settings, rate_limit=30), FakeEncoder())) as limited:
        body = {"kind": "contact", "question": QUESTION, "target": "tel:telephone"}
        codes = [limited.post("/v1/events", json=body).status_code for _ in range(3)]
        assert codes[0] == 201 and 429 in codes
        assert_french_error(limited.post("/v1/events", json=body), 429, "Trop de requêtes")
