"""A database that stops answering: writes fail fast with the French 503, searches keep answering.

The PostgreSQL server of the tests is frozen with SIGSTOP (and always thawed): its kernel still
accepts connections and queries, nothing answers, as with a hung or swapped-out machine.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.http_server import serve_in_thread
from faqsearch.build.pipeline import build
from faqsearch.feedback.database import postgres_arguments
from faqsearch.feedback.deadline import DatabaseLimits, Gate, _SocketTimer
from faqsearch.feedback.store import FeedbackError, FeedbackStore
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

QUESTION = "Comment configurer IMAP ?"


def request(url: str, body: dict | None = None, timeout: float = 10) -> tuple[int | str, float]:
    """(HTTP status, or "timeout"/the error's name, seconds spent)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            response.read()
            status: int | str = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (TimeoutError, socket.timeout):
        status = "timeout"
    except OSError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


def test_a_socket_timer_ends_a_read_that_would_wait_for_ever():
    class Driver:  # what the timer needs of a DBAPI connection: its socket's descriptor
        def __init__(self, sock):
            self.fileno = sock.fileno

    ours, peer = socket.socketpair()
    with ours, peer:
        timer = _SocketTimer(Driver(ours), 0.3)
        started = time.monotonic()
        assert ours.recv(10) == b""  # the peer never writes: only the shutdown ends this read
        assert timer.fired and 0.25 < time.monotonic() - started < 5
        timer.cancel()
    quiet, peer = socket.socketpair()
    with quiet, peer:
        timer = _SocketTimer(Driver(quiet), 0.2)
        timer.cancel()  # the operation ended in time: its socket is left alone
        time.sleep(0.4)
        peer.sendall(b"ok")
        assert quiet.recv(10) == b"ok" and not timer.fired


def test_a_full_gate_refuses_at_once():
    gate = Gate(2)
    assert gate.enter() and gate.enter() and gate.full
    assert not gate.enter()
    gate.leave()
    assert not gate.full and gate.enter()
    with pytest.raises(ValueError, match="size"):
        Gate(0)


def test_postgres_connections_get_every_bound_and_keep_the_url_s_own():
    limits = DatabaseLimits(connect_s=4, statement_s=3, lock_s=1.5)
    args = postgres_arguments(make_url("postgresql+psycopg://u@h/db"), limits)
    assert args["connect_timeout"] == 4 and args["keepalives"] == 1
    assert args["options"] == "-c statement_timeout=3000 -c lock_timeout=1500"
    url = make_url("postgresql+psycopg://u@h/db?connect_timeout=10&options=-c%20search_path%3Dfaq")
    args = postgres_arguments(url, limits)
    assert "connect_timeout" not in args  # the operator's own value, from the URL, is kept
    assert args["options"] == "-c search_path=faq -c statement_timeout=3000 -c lock_timeout=1500"


def test_writes_to_a_frozen_database_fail_within_their_limit(postgres):
    limits = DatabaseLimits(connect_s=2, pool_s=1, operation_s=1.5, concurrent=2)
    store = FeedbackStore.from_url(postgres.new_database(), limits)
    store.log_question("avant", None, True, "p", 1, 1.0, "s")  # a pooled connection, alive
    outcomes: list[tuple[str, float]] = []

    def write() -> None:
        started = time.monotonic()
        try:
            store.log_question("pendant", None, True, "p", 1, 1.0, "s")
            outcomes.append(("stored", time.monotonic() - started))
        except FeedbackError as exc:
            outcomes.append((str(exc), time.monotonic() - started))

    with postgres.frozen():
        writers = [threading.Thread(target=write) for _ in range(5)]
        for w in writers:
            w.start()
        for w in writers:
            w.join(timeout=30)
        opened = time.monotonic()
        with pytest.raises(FeedbackError, match="n'a pas répondu"):
            FeedbackStore.from_url(store.url, limits)
        opening = time.monotonic() - opened
    waited = [s for message, s in outcomes if "n'a pas répondu" in message]
    refused = [s for message, s in outcomes if "saturée" in message]
    assert len(outcomes) == 5 and len(waited) == 2 and len(refused) == 3, outcomes
    assert max(waited) < limits.operation_s + limits.connect_s + 1 and max(refused) < 0.5, outcomes
    assert opening < limits.connect_s + limits.operation_s + 1
    store.log_question("après", None, True, "p", 1, 1.0, "s")  # thawed: a new connection serves
    assert store.totals()["questions"] == 2


def test_a_restarted_server_is_reconnected_without_an_error(postgres):
    store = FeedbackStore.from_url(postgres.new_database())
    store.log_question("avant", None, True, "p", 1, 1.0, "s")  # leaves a connection in the pool
    postgres.restart()  # that connection is now closed by the server
    store.log_question("après", None, True, "p", 1, 1.0, "s")
    assert store.totals()["questions"] == 2


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = write_corpus(tmp_path / "corpus", generation=1)
    build(corpus, tmp_path / "index", FakeEncoder())
    return Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)


FREEZE_S, WRITERS, CLIENT_TIMEOUT_S = 10.0, 40, 8.0


def test_a_frozen_database_leaves_searches_answering(postgres, settings: Settings):
    """40 visitors keep posting questions (as many as the service has threads) while the database
    is frozen: every write gets the 503 within the store's limit, every search its answer."""
    store = FeedbackStore.from_url(postgres.new_database())  # the service's default limits
    writes: list[tuple[int | str, float]] = []
    searches: list[tuple[int | str, float]] = []
    stop = threading.Event()
    with serve_in_thread(create_app(settings, FakeEncoder(), store=store)) as url:
        assert request(f"{url}/v1/questions", {"question": QUESTION})[0] == 201

        def visitor() -> None:
            while not stop.is_set():
                writes.append(request(f"{url}/v1/questions", {"question": QUESTION}, CLIENT_TIMEOUT_S))
                time.sleep(0.1)

        writers = [threading.Thread(target=visitor, daemon=True) for _ in range(WRITERS)]
        with postgres.frozen():
            for w in writers:
                w.start()
            end = time.monotonic() + FREEZE_S
            while time.monotonic() < end:
                searches.append(request(f"{url}/v1/search?q=IMAP", timeout=5))
                time.sleep(0.2)
            stop.set()
            for w in writers:
                w.join(timeout=CLIENT_TIMEOUT_S + 5)
        thawed = time.monotonic()
        while request(f"{url}/v1/questions", {"question": QUESTION})[0] != 201 and time.monotonic() < thawed + 20:
            time.sleep(0.2)
        assert time.monotonic() < thawed + 20, "writes did not recover after the thaw"
    assert {status for status, _ in searches} == {200}, searches
    assert max(seconds for _, seconds in searches) < 2.0, searches
    assert {status for status, _ in writes} == {503}, writes
    assert max(seconds for _, seconds in writes) < store.limits.operation_s + 2, writes
