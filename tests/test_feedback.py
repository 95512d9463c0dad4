"""The SQLite store of questions and ratings: round trip, statistics, concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from faqsearch.feedback import DOWN, UP, DB_NAME, FeedbackStore, normalize_question


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / DB_NAME)


def test_database_uses_wal(store: FeedbackStore):
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rating_round_trip(store: FeedbackStore):
    store.rate("Numéro du support ?", "guide/tel", UP, "premium", session="s1")
    [row] = store.ratings()
    assert row["question"] == "Numéro du support ?" and row["passage_id"] == "guide/tel"
    assert row["plan"] == "premium" and row["rating"] == UP and row["session"] == "s1"
    assert row["rated_at"].endswith("+00:00")


def test_a_session_changing_its_mind_counts_once(store: FeedbackStore):
    store.rate("q", "p", UP, None, session="s1")
    store.rate("q", "p", DOWN, None, session="s1")
    store.rate("q", "p", DOWN, None, session="s2")
    assert [r["rating"] for r in store.ratings()] == [DOWN, DOWN]
    store.rate("q", "p", None, None, session="s1")
    assert len(store.ratings()) == 1


def test_invalid_rating_is_refused(store: FeedbackStore):
    with pytest.raises(ValueError):
        store.rate("q", "p", 3, None)


def test_data_survives_a_new_store_on_the_same_file(store: FeedbackStore):
    store.log_question("Q", "gratuit", True, "p", 5, 12.0, "s")
    assert FeedbackStore(store.path).totals()["questions"] == 1


def test_statistics_for_editors(store: FeedbackStore):
    for q, confident in [("Numéro du support ?", True), ("numero du support", True), ("Crêpes ?", False),
                         ("crepes", False), ("Crêpes !", False), ("Chat", True)]:
        store.log_question(q, None, confident, "p", 5, 10.0, "s")
    top = store.top_questions()
    assert [(t.count, t.confident) for t in top] == [(3, 0), (2, 2), (1, 1)]
    assert top[0].question == "Crêpes !"  # the latest wording of the group
    assert [(u.question, u.count) for u in store.unanswered()] == [("Crêpes !", 3)]
    store.rate("Chat", "p1", DOWN, None, "a")
    store.rate("Chat", "p1", DOWN, None, "b")
    store.rate("Chat", "p1", UP, None, "c")
    store.rate("Chat", "p2", UP, None, "a")
    [d] = store.disliked()
    assert (d.question, d.passage_id, d.down, d.up) == ("Chat", "p1", 2, 1)
    assert store.totals() == {"questions": 6, "unanswered": 3, "up": 2, "down": 2}


def test_normalize_question():
    assert normalize_question("  Numéro  du SUPPORT ?! ") == "numero du support"


def test_concurrent_writers_lose_nothing(tmp_path: Path):
    path = tmp_path / "data" / "feedback.sqlite3"
    threads, per_thread = 8, 40
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            store = FeedbackStore(path)  # as separate sessions would: each opens the file itself
            start.wait()
            for i in range(per_thread):
                store.log_question(f"question {n}-{i}", None, i % 2 == 0, "p", 5, 1.0, f"s{n}")
                store.rate(f"question {n}-{i}", "p", i % 2, "lite", f"s{n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    totals = FeedbackStore(path).totals()
    assert totals["questions"] == threads * per_thread
    assert totals["up"] + totals["down"] == threads * per_thread
