"""The dashboard's aggregate queries: each figure is counted by the database (SQLite or
PostgreSQL), over one period, with the indexes on the stamps; no row is brought back to Python
except the few a table shows.

"Questions" are the rows of the questions table (a question a visitor settled on); a question
"opened" is one after which the same session opened an answer to the same (normalised) question;
a session "served itself" when it opened an answer and used no contact within the period.
"""

from __future__ import annotations

from sqlalchemy import distinct, func, literal, select, union_all
from sqlalchemy.engine import Connection

from ..feedback.database import EVENTS, QUESTIONS, RATINGS
from ..feedback.events import CONTACT, OPEN, in_period
from ..feedback.store import DOWN, UP
from ..feedback.visitors import count_if, visitors
from ..text.controls import clean_visitor_text
from .period import Period

Q, E, R = QUESTIONS.c, EVENTS.c, RATINGS.c


def _questions(period: Period):
    return in_period(Q.asked_at, period.since, period.until)


def _events(period: Period):
    return in_period(E.at, period.since, period.until)


def per_day(con: Connection, period: Period) -> list[tuple[str, int, int]]:
    """(day, questions, confident) for each day that had questions, oldest first."""
    day = func.substr(Q.asked_at, 1, 10)
    query = (select(day, func.count(), count_if(Q.confident == 1)).where(_questions(period))
             .group_by(day).order_by(day))
    return [(str(d), int(n), int(c)) for d, n, c in con.execute(query)]


def ratings(con: Connection, period: Period) -> tuple[int, int]:
    """(👍, 👎) given within the period."""
    query = select(count_if(R.rating == UP), count_if(R.rating == DOWN)).where(
        in_period(R.rated_at, period.since, period.until))
    up, down = con.execute(query).one()
    return int(up), int(down)


def opened_questions(con: Connection, period: Period) -> int:
    """Questions of the period after which the same session opened an answer to the same question."""
    # The period's questions and "open" events in one list, grouped by (session, question): each
    # table is read once through its date index, with no join for a planner to get wrong.
    both = union_all(
        select(Q.session, Q.normalized, literal(1).label("asked"), literal(0).label("opened")).where(_questions(period)),
        select(E.session, E.normalized, literal(0), literal(1)).where(_events(period), E.kind == OPEN)).subquery()
    pairs = (select(func.sum(both.c.asked).label("asked"), func.max(both.c.opened).label("opened"))
             .group_by(both.c.session, both.c.normalized).subquery())
    query = select(func.coalesce(func.sum(pairs.c.asked), 0)).where(pairs.c.opened == 1)
    return int(con.execute(query).scalar_one())


def sessions(con: Connection, period: Period) -> tuple[int, int, int]:
    """(sessions that asked a question, sessions that served themselves, sessions that used a contact)."""
    asked = con.execute(select(func.count(distinct(Q.session))).where(_questions(period))).scalar_one()
    per_session = (select(count_if(E.kind == OPEN).label("opened"), count_if(E.kind == CONTACT).label("contacted"))
                   .where(_events(period)).group_by(E.session).subquery())
    served = con.execute(select(count_if((per_session.c.opened > 0) & (per_session.c.contacted == 0)),
                                count_if(per_session.c.contacted > 0))).one()
    return int(asked), int(served[0]), int(served[1])


def contacts(con: Connection, period: Period) -> list[tuple[str, int]]:
    """(target, contacts) for each link used ("tel:telephone"…), most used first."""
    query = (select(E.target, func.count()).where(_events(period), E.kind == CONTACT)
             .group_by(E.target).order_by(func.count().desc(), E.target))
    return [(str(t), int(n)) for t, n in con.execute(query)]


def asked(con: Connection, period: Period, unanswered_only: bool) -> list[tuple[str, int, int, int]]:
    """(normalised question, id of its latest row, visitor-days, visitor-days answered with
    confidence) of every question asked within the period (only the unanswered ones when asked)."""
    counted = visitors(QUESTIONS, Q.asked_at)
    condition = _questions(period) & (Q.confident == 0) if unanswered_only else _questions(period)
    query = (select(Q.normalized, func.max(Q.id), counted, visitors(QUESTIONS, Q.asked_at, Q.confident == 1))
             .where(condition).group_by(Q.normalized))
    return [(str(k), int(i), int(n), int(c or 0)) for k, i, n, c in con.execute(query)]


def wordings(con: Connection, ids: list[int]) -> dict[int, str]:
    """The question of each row id, cleaned, as the editors read it."""
    if not ids:
        return {}
    return {i: clean_visitor_text(text) for i, text in con.execute(select(Q.id, Q.question).where(Q.id.in_(ids)))}


def per_passage(con: Connection, period: Period) -> dict[str, dict[str, int]]:
    """For each passage seen in the period: how often it was the first answer ("first", "confident"),
    opened ("opened"), the card of a contact ("contacts"), rated 👍 ("up") or 👎 ("down")."""
    found: dict[str, dict[str, int]] = {}

    def add(rows, *names: str) -> None:
        for passage, *values in rows:
            if passage:
                counts = found.setdefault(clean_visitor_text(passage), {})
                for name, value in zip(names, values):
                    counts[name] = counts.get(name, 0) + int(value or 0)

    add(con.execute(select(Q.top_passage, func.count(), count_if(Q.confident == 1))
                    .where(_questions(period)).group_by(Q.top_passage)), "first", "confident")
    add(con.execute(select(E.passage_id, count_if(E.kind == OPEN), count_if(E.kind == CONTACT))
                    .where(_events(period)).group_by(E.passage_id)), "opened", "contacts")
    add(con.execute(select(R.passage_id, count_if(R.rating == UP), count_if(R.rating == DOWN))
                    .where(in_period(R.rated_at, period.since, period.until)).group_by(R.passage_id)), "up", "down")
    return found
