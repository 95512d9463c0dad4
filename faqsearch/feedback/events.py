"""What visitors did with the answers: an answer opened, a link or contact of a card used.

One row per event in the ``events`` table of the feedback store (:data:`EVENTS`), written by the
page and the HTTP service through :meth:`FeedbackStore.log_event`. No address and no user agent
is kept: a random session chosen by the browser and, through the service, the day's keyed hash of
the address (:mod:`faqsearch.service.clientkey`). Rows older than the retention period are purged
by the store itself (:func:`purge`), with the questions and ratings of the same age.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from ..settings import DEFAULT_RETENTION_DAYS
from ..text.controls import clean_visitor_text
from .database import DAILY, DAYS_ROLLED, EVENTS, QUESTIONS, RATINGS
from .visitors import checked_client_key, visible

OPEN, CONTACT = "open", "contact"
KINDS = (OPEN, CONTACT)
# The kind of link used, then the channel's id: "tel:telephone", "mailto:email", "url:forums".
TARGET = re.compile(r"(tel|mailto|url):[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_RANK = 1000

Moment = datetime | date | str | None


@dataclass(frozen=True)
class Event:
    """One recorded event. ``at`` is UTC ISO text; ``passage_id`` is None for a contact of the
    general card; ``rank`` (1-based position in the list shown) only for "open"; ``target`` only
    for "contact"."""

    id: int
    at: str
    session: str
    client_key: str | None
    kind: str
    question: str
    normalized: str
    passage_id: str | None
    rank: int | None
    target: str | None
    plan: str | None


def checked(kind: str, passage_id: str | None, rank: int | None, target: str | None) -> None:
    """Refuse an event that does not say what it should: an "open" names its passage and rank, a
    "contact" its target; raises ``ValueError``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}. Currently, kind is {kind!r}.")
    if kind == OPEN:
        if not passage_id or rank is None:
            raise ValueError("an 'open' event needs passage_id and rank (the position of the answer opened).")
        if target is not None:
            raise ValueError("an 'open' event has no target: target is for 'contact' events.")
    if kind == CONTACT:
        if rank is not None:
            raise ValueError("a 'contact' event has no rank: rank is for 'open' events.")
        if target is None or not TARGET.fullmatch(target):
            raise ValueError(f"a 'contact' event needs a target such as 'tel:telephone' (tel, mailto or url, a colon, "
                             f"the channel's id). Currently, target is {target!r}.")
    if rank is not None and not 1 <= rank <= MAX_RANK:
        raise ValueError(f"rank must be between 1 and {MAX_RANK}. Currently, rank is {rank!r}.")


def event_row(at: str, kind: str, session: str, question: str, normalized: str, passage_id: str | None,
              rank: int | None, target: str | None, plan: str | None, client_key: str | None) -> dict:
    """The row to insert, checked and cleaned of invisible controls."""
    checked(kind, passage_id, rank, target)
    return dict(at=at, session=clean_visitor_text(session), client_key=checked_client_key(client_key), kind=kind,
                question=question, normalized=normalized,
                passage_id=visible(passage_id, "passage_id") if passage_id else None, rank=rank, target=target,
                plan=clean_visitor_text(plan or "") or None)


def stamp(moment: Moment, end: bool = False) -> str | None:
    """The ISO text a period bound compares with: a datetime as is (UTC when naive), a date as its
    first second, or the first second of the next day for the end of a period (a day is inclusive)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment) if "T" in moment or " " in moment else date.fromisoformat(moment)
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment + timedelta(days=1 if end else 0), time(), tzinfo=timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def in_period(column, since: Moment, until: Moment):
    """The SQL condition "``column`` within [since, until)"; dates cover whole days."""
    start, end = stamp(since), stamp(until, end=True)
    condition = column.is_not(None)
    if start is not None:
        condition = condition & (column >= start)
    if end is not None:
        condition = condition & (column < end)
    return condition


def read(con: Connection, since: Moment, until: Moment) -> list[Event]:
    """The events of the period, oldest first, visitors' text cleaned on the way out too."""
    query = select(EVENTS).where(in_period(EVENTS.c.at, since, until)).order_by(EVENTS.c.at, EVENTS.c.id)
    events = []
    for row in con.execute(query):
        values = dict(row._mapping)
        values["question"] = clean_visitor_text(values["question"])
        values["passage_id"] = clean_visitor_text(values["passage_id"] or "") or None
        events.append(Event(**values))
    return events


def cutoff(retention_days: int, now: datetime) -> str:
    """The stamp before which rows are older than ``retention_days``."""
    return (now - timedelta(days=retention_days)).astimezone(timezone.utc).isoformat(timespec="seconds")


def purge(con: Connection, before: str) -> int:
    """Delete the events, questions and ratings stamped before ``before``, and the dashboard's
    counts of those days; how many rows of visitors went."""
    gone = 0
    for table, column in ((EVENTS, EVENTS.c.at), (QUESTIONS, QUESTIONS.c.asked_at), (RATINGS, RATINGS.c.rated_at)):
        gone += con.execute(delete(table).where(column < before)).rowcount or 0
    # The dashboard's daily counts go with the days they count (whole days: the cutoff's own day stays).
    for table in (DAILY, DAYS_ROLLED):
        con.execute(delete(table).where(table.c.day < before[:10]))
    return gone
