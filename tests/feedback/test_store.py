"""The store of questions and ratings, on SQLite and on PostgreSQL: round trip, statistics,
concurrent writers, a database deleted or emptied while the app runs."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from faqsearch.feedback.database import sqlite_url
from faqsearch.feedback.store import DB_NAME, DOWN, UP, FeedbackError, FeedbackStore, normalize_question
from faqsearch.settings import Settings


@pytest.fixture
def store(database_url: str) -> FeedbackStore:
    store = FeedbackStore.from_url(database_url)
    yield store
    store.close()


def test_sqlite_database_uses_wal(tmp_path: Path):
    store = FeedbackStore(tmp_path / "data" / DB_NAME)
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
    assert FeedbackStore.from_url(store.url).totals()["questions"] == 1


def test_statistics_for_editors(store: FeedbackStore):
    for i, (q, confident) in enumerate([("Numéro du support ?", True), ("numero du support", True), ("Crêpes ?", False),
                                        ("crepes", False), ("Crêpes !", False), ("Chat", True)]):
        store.log_question(q, None, confident, "p", 5, 10.0, f"visiteur-{i}")
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


def test_concurrent_writers_lose_nothing(database_url: str):
    threads, per_thread = 8, 40
    errors: list[BaseException] = []
    start = threading.Barrier(threads, timeout=120)  # a thread that fails early must not hang the others

    def work(n: int) -> None:
        try:
            store = FeedbackStore.from_url(database_url)  # as separate sessions would: each opens it itself
            start.wait()
            for i in range(per_thread):
                store.log_question(f"question {n}-{i}", None, i % 2 == 0, "p", 5, 1.0, f"s{n}")
                store.rate(f"question {n}-{i}", "p", i % 2, "lite", f"s{n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            start.abort()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not [e for e in errors if not isinstance(e, threading.BrokenBarrierError)], errors
    assert not errors
    totals = FeedbackStore.from_url(database_url).totals()
    assert totals["questions"] == threads * per_thread
    assert totals["up"] + totals["down"] == threads * per_thread


def test_deleting_the_sqlite_file_while_running_loses_no_later_feedback(tmp_path: Path):
    store = FeedbackStore(tmp_path / "data" / DB_NAME)
    store.rate("avant", "p", UP, None, "s")
    store.path.unlink()  # an operator removes the file while the page and the service run
    store.rate("après", "p", DOWN, "lite", "s")
    store.log_question("après ?", "lite", True, "p", 5, 1.0, "s")
    assert [r["question"] for r in store.ratings()] == ["après"]
    assert store.totals() == {"questions": 1, "unanswered": 0, "up": 0, "down": 1}
    # Another process (the service) opened on the same path sees the same, new file.
    assert [r["question"] for r in FeedbackStore(store.path).ratings()] == ["après"]
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_deleting_the_data_folder_while_running_loses_no_later_feedback(tmp_path: Path):
    import shutil

    store = FeedbackStore(tmp_path / "data" / DB_NAME)
    shutil.rmtree(tmp_path / "data")
    store.rate("après", "p", UP, None, "s")
    assert [r["question"] for r in FeedbackStore(tmp_path / "data" / DB_NAME).ratings()] == ["après"]


def test_dropped_tables_are_recreated(store: FeedbackStore):
    from faqsearch.feedback.database import METADATA

    store.rate("avant", "p", UP, None, "s")
    METADATA.drop_all(store._engine)
    store.rate("après", "p", UP, None, "s")
    assert [r["question"] for r in store.ratings()] == ["après"]


def test_a_rating_that_cannot_be_stored_raises(tmp_path: Path):
    store = FeedbackStore(tmp_path / "data" / DB_NAME)
    store.path.unlink()
    store.path.mkdir()  # the path is now a folder: no database can live there
    with pytest.raises(FeedbackError, match="base de retours"):
        store.rate("q", "p", UP, None, "s")


def test_configured_store_follows_the_database_url(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("FAQSEARCH_DATABASE_URL", raising=False)
    settings = Settings.from_env(tmp_path)
    assert FeedbackStore.configured(settings.data_dir, settings.database_url).path == (
        tmp_path / "data" / "feedback.sqlite3").resolve()
    other = tmp_path / "ailleurs" / "retours.sqlite3"
    monkeypatch.setenv("FAQSEARCH_DATABASE_URL", sqlite_url(other))
    settings = Settings.from_env(tmp_path)
    FeedbackStore.configured(settings.data_dir, settings.database_url).rate("q", "p", UP, None, "s")
    assert FeedbackStore(other).totals()["up"] == 1


def test_malformed_database_url_gets_a_french_message():
    with pytest.raises(FeedbackError, match="Adresse de base de données invalide"):
        FeedbackStore.from_url("pas une adresse")


KEY_A, KEY_B, KEY_C = "0123456789abcdef", "fedcba9876543210", "00000000000000aa"


def test_visitors_text_is_stored_without_invisible_controls(store: FeedbackStore):
    # ESC and NUL (which PostgreSQL refuses in text), a bidirectional override, a line separator.
    raw = "Comment\x1b[2J configurer\x00 IMAP\u202e ?\u2028"
    store.rate(raw, "guide/imap\x00", DOWN, "lite\x1b", session="s\x07")
    store.log_question(raw, None, False, "guide/imap", 5, 1.0, "s")
    [row] = store.ratings()
    assert (row["question"], row["passage_id"], row["plan"], row["session"]) == (
        "Comment [2J configurer IMAP ?", "guide/imap", "lite", "s")
    assert [q.question for q in store.top_questions()] == ["Comment [2J configurer IMAP ?"]
    store.rate(raw, "guide/imap", None, None, session="s")  # withdrawn under the same cleaned keys
    assert store.ratings() == []
    with pytest.raises(ValueError, match="visible text"):
        store.log_question("\x1b\x00\u202e", None, False)


def test_rows_stored_by_an_older_version_are_cleaned_when_read(store: FeedbackStore):
    from faqsearch.feedback.database import QUESTIONS, RATINGS

    with store._engine.begin() as con:  # as a version without the cleaning wrote them
        con.execute(QUESTIONS.insert().values(asked_at="2026-01-01T00:00:00+00:00", session="s", question="Q\x1b[31m rouge",
                                              normalized="q\x1b[31m rouge", confident=0, results=1))
        con.execute(RATINGS.insert().values(rated_at="2026-01-01T00:00:00+00:00", session="s", question="Q\x1b[31m rouge",
                                            passage_id="p\u202e", rating=DOWN))
    assert [q.question for q in store.unanswered()] == ["Q [31m rouge"]
    assert [(d.question, d.passage_id) for d in store.disliked()] == [("Q [31m rouge", "p")]


def test_one_client_repeating_a_question_counts_once_a_day(store: FeedbackStore, monkeypatch):
    import uuid

    import faqsearch.feedback.store as feedback

    phishing = "Appelez le 08 99 https://evil.example/rembourse"
    for _ in range(60):  # one client, a new session each time
        store.log_question(phishing, None, False, "p", 1, 1.0, f"api-{uuid.uuid4().hex}", client_key=KEY_A)
    for key in (KEY_A, KEY_B, KEY_C):
        store.log_question("Numéro du support ?", None, True, "p", 1, 1.0, f"api-{uuid.uuid4().hex}", client_key=key)
    for session in ("page-1", "page-1", "page-2"):  # the page's visitors: one session counts once
        store.log_question("Numéro du support ?", None, True, "p", 1, 1.0, session)
    top = store.top_questions()
    assert [(t.question, t.count, t.confident) for t in top] == [("Numéro du support ?", 5, 5), (phishing, 1, 0)]
    assert [(u.question, u.count) for u in store.unanswered()] == [(phishing, 1)]
    assert store.totals()["questions"] == 66  # every question is still recorded
    monkeypatch.setattr(feedback, "_now", lambda: "2099-01-02T10:00:00+00:00")
    store.log_question(phishing, None, False, "p", 1, 1.0, "api-x", client_key=KEY_A)  # another day
    assert store.unanswered()[0].count == 2


def test_one_client_repeating_a_rating_counts_once_a_day(store: FeedbackStore):
    for i in range(30):
        store.rate("Chat", "p1", DOWN, None, session=f"api-{i}", client_key=KEY_A)
    store.rate("Chat", "p1", DOWN, None, session="page-1")
    store.rate("Chat", "p1", UP, None, session="api-x", client_key=KEY_B)
    [d] = store.disliked()
    assert (d.down, d.up) == (2, 1)


def test_a_client_key_must_be_a_key_never_an_address(store: FeedbackStore):
    for wrong in ("203.0.113.7", "2001:db8::1", "0123456789ABCDEF"):
        with pytest.raises(ValueError, match="never an address"):
            store.log_question("q", None, True, client_key=wrong)
    assert store.totals()["questions"] == 0


def test_an_older_database_gains_the_client_key_column(database_url: str):
    from sqlalchemy import MetaData, Table, UniqueConstraint, create_engine, inspect, text

    from faqsearch.feedback.database import METADATA, sqlite_path

    old = MetaData()  # the tables as an older version created them, without client_key
    for table in METADATA.sorted_tables:
        unique = [UniqueConstraint(*c.columns.keys()) for c in table.constraints if isinstance(c, UniqueConstraint)]
        Table(table.name, old, *[c._copy() for c in table.columns if c.name != "client_key"], *unique)
    if sqlite_path(database_url):
        sqlite_path(database_url).parent.mkdir(parents=True)
    engine = create_engine(database_url)
    old.create_all(engine)
    with engine.begin() as con:
        con.execute(text("INSERT INTO questions (asked_at, session, question, normalized, confident, results) "
                         "VALUES ('2026-01-01T00:00:00+00:00', 's', 'Ancienne ?', 'ancienne', 1, 1)"))
    assert "client_key" not in {c["name"] for c in inspect(engine).get_columns("questions")}
    store = FeedbackStore.from_url(database_url, retention_days=0)  # the old row outlives any retention period
    for name in ("questions", "ratings"):
        assert "client_key" in {c["name"] for c in inspect(engine).get_columns(name)}
    store.log_question("Nouvelle ?", None, True, "p", 1, 1.0, "s2", client_key=KEY_A)
    store.rate("Nouvelle ?", "p", UP, None, "s2", client_key=KEY_A)
    assert {(q.question, q.count) for q in store.top_questions()} == {("Ancienne ?", 1), ("Nouvelle ?", 1)}
    FeedbackStore.from_url(database_url).close()  # a second start finds the column in place
    store.close()
    engine.dispose()


def test_a_store_waits_while_another_process_creates_the_tables(postgres):
    """Workers starting at once on a busy machine: the schema lock may be held longer than a write's
    lock bound; the later store waits for it again instead of failing."""
    import time

    from sqlalchemy import create_engine, text

    from faqsearch.feedback.database import SCHEMA_LOCK_KEY
    from faqsearch.feedback.deadline import DatabaseLimits

    url = postgres.new_database()
    holder = create_engine(url)
    errors: list[BaseException] = []
    stores: list[FeedbackStore] = []

    def start() -> None:
        try:
            stores.append(FeedbackStore.from_url(url, DatabaseLimits(lock_s=0.3, operation_s=2)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        with holder.connect() as con, con.begin():
            con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            worker = threading.Thread(target=start)
            worker.start()
            time.sleep(0.8)  # longer than the lock bound: the first attempt times out
        worker.join(30)
    finally:
        holder.dispose()
    assert not errors, errors
    stores[0].log_question("Une question", None, True, "p", 5, 1.0, "s")
    assert [t.question for t in stores[0].top_questions()] == ["Une question"]
