"""Visitors' events in the feedback store, on SQLite and PostgreSQL: round trip, checks, periods,
retention purge run by the writes themselves."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from faqsearch.feedback.database import EVENTS, QUESTIONS
from faqsearch.feedback.events import Event, stamp
from faqsearch.feedback.store import UP, FeedbackStore


@pytest.fixture
def store(database_url: str) -> FeedbackStore:
    store = FeedbackStore.from_url(database_url)
    yield store
    store.close()


def test_events_round_trip(store: FeedbackStore):
    store.log_event("open", "s1", "Numéro du support ?", "guide/tel", rank=2, plan="premium")
    store.log_event("contact", "s1", "Numéro du support ?", "guide/tel", target="tel:telephone",
                    client_key="0123456789abcdef")
    store.log_event("contact", "s2", "Crêpes\u202e ?", None, target="url:forums")
    opened, called, general = store.events()
    assert isinstance(opened, Event) and dataclasses.is_dataclass(opened)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opened.rank = 3
    assert (opened.kind, opened.session, opened.question, opened.normalized, opened.passage_id, opened.rank,
            opened.target, opened.plan, opened.client_key) == (
        "open", "s1", "Numéro du support ?", "numero du support", "guide/tel", 2, None, "premium", None)
    assert (called.kind, called.target, called.rank, called.client_key) == ("contact", "tel:telephone", None,
                                                                            "0123456789abcdef")
    assert general.passage_id is None and general.question == "Crêpes ?"  # direction control removed
    assert opened.at.endswith("+00:00") and opened.id < called.id < general.id


@pytest.mark.parametrize("kwargs", [
    dict(kind="click", passage_id="p", rank=1),
    dict(kind="open", passage_id=None, rank=1),
    dict(kind="open", passage_id="p", rank=None),
    dict(kind="open", passage_id="p", rank=0),
    dict(kind="open", passage_id="p", rank=1, target="tel:telephone"),
    dict(kind="contact", passage_id="p", target=None),
    dict(kind="contact", passage_id="p", target="javascript:alert(1)"),
    dict(kind="contact", passage_id="p", target="tel:telephone", rank=1),
    dict(kind="open", passage_id="p", rank=1, client_key="192.168.1.20"),
])
def test_incomplete_or_odd_events_are_refused(store: FeedbackStore, kwargs: dict):
    kwargs = dict(kwargs)
    kind = kwargs.pop("kind")
    with pytest.raises(ValueError):
        store.log_event(kind, "s", "question", **kwargs)
    assert store.events() == []


def _insert_event(store: FeedbackStore, at: str, session: str = "old") -> None:
    row = dict(at=at, session=session, kind="open", question="q", normalized="q", passage_id="p", rank=1)
    store._run(lambda con: con.execute(insert(EVENTS).values(**row)))


def test_events_of_a_period(store: FeedbackStore):
    for day in ("2026-11-01T10:00:00+00:00", "2026-11-02T23:59:59+00:00", "2026-11-03T00:00:00+00:00"):
        _insert_event(store, day, session=day[:10])
    assert [e.session for e in store.events(since=date(2026, 11, 2))] == ["2026-11-02", "2026-11-03"]
    assert [e.session for e in store.events(until=date(2026, 11, 2))] == ["2026-11-01", "2026-11-02"]
    assert [e.session for e in store.events("2026-11-02", "2026-11-02")] == ["2026-11-02"]
    moment = datetime(2026, 11, 3, tzinfo=timezone.utc)
    assert [e.session for e in store.events(until=moment)] == ["2026-11-01", "2026-11-02"]


def test_stamp_of_naive_and_aware_moments():
    assert stamp(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05+00:00"
    paris = timezone(timedelta(hours=1))
    assert stamp(datetime(2026, 1, 2, 3, 0, 0, tzinfo=paris)) == "2026-01-02T02:00:00+00:00"
    assert stamp(date(2026, 1, 31), end=True) == "2026-02-01T00:00:00+00:00"


def test_the_writes_purge_rows_past_the_retention_period(database_url: str):
    store = FeedbackStore.from_url(database_url, retention_days=30)
    old = (datetime.now(timezone.utc) - timedelta(days=31)).isoformat(timespec="seconds")
    recent = (datetime.now(timezone.utc) - timedelta(days=29)).isoformat(timespec="seconds")
    _insert_event(store, old, "old")
    _insert_event(store, recent, "recent")
    store._run(lambda con: con.execute(insert(QUESTIONS).values(
        asked_at=old, session="old", question="q", normalized="q", confident=1, results=1)))
    store.rate("q", "p", UP, None, session="new")  # the first write of the process purges
    assert [e.session for e in store.events()] == ["recent"]
    assert store.totals()["questions"] == 0 and len(store.ratings()) == 1
    _insert_event(store, old, "old-again")
    store.log_event("open", "s", "q", "p", rank=1)  # within the hour: not purged again yet
    assert "old-again" in [e.session for e in store.events()]
    store.close()


def test_retention_zero_keeps_everything(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3", retention_days=0)
    _insert_event(store, "2001-01-01T00:00:00+00:00")
    assert store.purge() == 0 and len(store.events()) == 1
    with pytest.raises(ValueError):
        FeedbackStore(tmp_path / "g.sqlite3", retention_days=-1)


def test_an_older_database_gains_the_period_indexes(database_url: str):
    from sqlalchemy import MetaData, Table, create_engine, inspect

    from faqsearch.feedback.database import METADATA, sqlite_path

    old = MetaData()  # the questions table as an older version created it, without the index on asked_at
    Table("questions", old, *[c._copy() for c in METADATA.tables["questions"].columns])
    if sqlite_path(database_url):
        sqlite_path(database_url).parent.mkdir(parents=True)
    engine = create_engine(database_url)
    old.create_all(engine)
    FeedbackStore.from_url(database_url).close()
    assert "questions_asked_at" in {i["name"] for i in inspect(engine).get_indexes("questions")}
    engine.dispose()
