"""``python -m faqsearch serve --workers 2`` as a real command: both workers answer, their feedback
lands in one store (SQLite file or PostgreSQL), a rebuild is served by the next requests, and
neither believes a forwarded address from a proxy nobody named."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.http_server import service_process
from faqsearch.build.pipeline import build
from faqsearch.feedback.store import FeedbackStore
from faqsearch.settings import FORWARDED_ALLOW_IPS_ENV, RATE_LIMIT_ENV
from tests.conftest import SEED_CORPUS
from tests.corpora import write_corpus
from tests.service.test_uvicorn import ROTATING, search_as

QUESTION = "Comment configurer IMAP ?"


def ask(url: str, path: str, body: dict | None = None) -> tuple[str, dict]:
    """One request on a fresh connection; (worker id, JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["X-Faqsearch-Worker"], json.loads(response.read())


def test_two_workers_share_the_store_and_follow_a_rebuild(real_encoder, database_url: str, tmp_path: Path):
    corpus = write_corpus(tmp_path / "corpus", generation=1)
    index = tmp_path / "index"
    build(corpus, index, real_encoder)
    env = {"FAQSEARCH_DATA": str(tmp_path / "data"), "FAQSEARCH_DATABASE_URL": database_url}
    with service_process(index, corpus, tmp_path / "serve.log", workers=2, env=env) as (url, _):
        def search(edition: int, visitor: int) -> tuple[str, str]:
            # A different wording per visitor: the encoder's cache of recent questions would answer
            # a repeated one so fast that a single worker could take every request.
            worker, answer = ask(url, "/v1/search?q=" + urllib.request.quote(f"{QUESTION} (visiteur {visitor})"))
            assert f"(édition {edition})" in answer["results"][0]["answer"], f"worker {worker} is not on edition {edition}"
            return worker, answer["results"][0]["passage_id"]

        def rate(i: int) -> str:
            _, passage_id = search(1, i)
            worker, reply = ask(url, "/v1/feedback", {"question": QUESTION, "passage_id": passage_id, "rating": "up",
                                                      "session": f"visiteur-{i}"})
            assert reply == {"stored": True}
            return worker

        # Concurrent visitors: while one worker encodes, the other accepts the next connection.
        with ThreadPoolExecutor(4) as pool:
            raters = set(pool.map(rate, range(40)))
        assert len(raters) == 2, "one worker stored every rating"
        assert FeedbackStore.from_url(database_url).totals()["up"] == 40

        write_corpus(corpus, generation=2)
        build(corpus, index, real_encoder)
        with ThreadPoolExecutor(4) as pool:
            after = {worker for worker, _ in pool.map(search, [2] * 40, range(40))}
        assert after == raters
        builds = {ask(url, "/healthz")[1]["build"] for _ in range(10)}
        assert len(builds) == 1 and builds.pop() in (index / "CURRENT").read_text()
    # The supervisor logs a worker it replaced (killed while busy, or crashed): none may be.
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Started parent process" in log and "died" not in log, log


@pytest.mark.parametrize("named, escapes", [("", False), ("127.0.0.1", True)])
def test_two_workers_believe_a_forwarded_address_only_from_a_named_proxy(real_index_root: Path, tmp_path: Path,
                                                                         named: str, escapes: bool):
    # One search a minute per client and worker (bursts of 1): a forwarded address believed by
    # either worker would make each request a new client.
    env = {RATE_LIMIT_ENV: "10", FORWARDED_ALLOW_IPS_ENV: named, "FAQSEARCH_DATA": str(tmp_path / "data")}
    with service_process(real_index_root, SEED_CORPUS, tmp_path / "serve.log", workers=2, env=env) as (url, _):
        codes = [search_as(url, address) for address in ROTATING]
    if escapes:
        assert codes == [200] * len(ROTATING)
    else:  # at most one per worker, and a refill if the requests took over six seconds
        assert codes.count(200) <= 4 and codes.count(429) >= len(ROTATING) - 4, codes
