"""The dashboard's counts, one row per day and key, so that a long period costs a sum over days.

A day is rolled up (:func:`roll_up`) once it is :data:`CLOSED_AFTER_DAYS` days old, by the first
dashboard that covers it, in a transaction of its own: its figures are counted once from the
questions, ratings and events (:mod:`faqsearch.analytics.queries`) and kept in ``daily_figures``.
The days still open are counted live, day by day, so both kinds add up the same way: a session
or a visitor counts once a day, and an answer opened counts for the questions of its day. Two
processes rolling the same day up at once: the second finds it done and leaves it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from ..feedback.database import DAILY, DAYS_ROLLED
from ..feedback.store import FeedbackStore
from . import queries
from .period import Period, today

# Rows are stamped by each writer's clock: a day is closed once the next one is over too.
CLOSED_AFTER_DAYS = 2

Row = tuple[str, str, int, int, int]  # figure, key, n, m, last
Counts = dict[str, dict[str, list[int]]]


def day_rows(con: Connection, day: date) -> list[Row]:
    """Every count of one day, as (figure, key, n, m, last) rows."""
    period = Period(day, day)
    up, down = queries.ratings(con, period)
    sessions, served, contacted = queries.sessions(con, period)
    rows: list[Row] = [("day", d, n, c, 0) for d, n, c in queries.per_day(con, period)]
    rows += [("ratings", "", up, down, 0), ("opened", "", queries.opened_questions(con, period), 0, 0),
             ("sessions", "", sessions, served, 0), ("contacted", "", contacted, 0, 0)]
    rows += [("target", target, n, 0, 0) for target, n in queries.contacts(con, period)]
    for figure, unanswered in (("asked", False), ("unanswered", True)):
        rows += [(figure, key, n, c, last) for key, last, n, c in queries.asked(con, period, unanswered)]
    for passage, c in queries.per_passage(con, period).items():
        rows += [("first", passage, c.get("first", 0), c.get("confident", 0), 0),
                 ("events", passage, c.get("opened", 0), c.get("contacts", 0), 0),
                 ("rated", passage, c.get("up", 0), c.get("down", 0), 0)]
    return rows


def last_closed(now: date | None = None) -> date:
    return (now or today()) - timedelta(days=CLOSED_AFTER_DAYS)


def _roll(con: Connection, day: date) -> None:
    name = day.isoformat()
    if con.execute(select(DAYS_ROLLED.c.day).where(DAYS_ROLLED.c.day == name)).first():
        return  # another process was first
    rows = day_rows(con, day)
    if rows:
        con.execute(insert(DAILY), [dict(day=name, figure=f, key=k, n=n, m=m, last=last) for f, k, n, m, last in rows])
    con.execute(insert(DAYS_ROLLED).values(day=name, rolled_at=datetime.now(timezone.utc).isoformat(timespec="seconds")))


def roll_up(store: FeedbackStore, period: Period, now: date | None = None) -> int:
    """Roll up the closed days of ``period`` that are not yet, one transaction each; how many were."""
    end = min(period.until, last_closed(now))
    if end < period.since:
        return 0
    known = select(DAYS_ROLLED.c.day).where(DAYS_ROLLED.c.day.between(period.since.isoformat(), end.isoformat()))
    done = store.read(lambda con: {row[0] for row in con.execute(known)})
    todo = [day for day in Period(period.since, end).days if day.isoformat() not in done]
    for day in todo:
        # A failed first attempt (another process inserted the same day) is retried by the store,
        # and the retry finds the day done.
        store.read(lambda con, day=day: _roll(con, day))
    return len(todo)


def _add(counts: Counts, row: Row) -> None:
    figure, key, n, m, last = row
    found = counts.setdefault(figure, {}).setdefault(key, [0, 0, 0])
    found[0] += int(n)
    found[1] += int(m)
    found[2] = max(found[2], int(last or 0))


def counts(con: Connection, period: Period, now: date | None = None) -> Counts:
    """The counts of ``period``: summed from the rolled-up days, counted live for the days still open."""
    merged: Counts = {}
    end = min(period.until, last_closed(now))
    if end >= period.since:
        c = DAILY.c
        query = (select(c.figure, c.key, func.sum(c.n), func.sum(c.m), func.max(c.last))
                 .where(c.day.between(period.since.isoformat(), end.isoformat())).group_by(c.figure, c.key))
        for row in con.execute(query):
            _add(merged, tuple(row))
    start = max(period.since, end + timedelta(days=1))
    for day in (Period(start, period.until).days if start <= period.until else ()):
        for row in day_rows(con, day):
            _add(merged, row)
    return merged
