"""Questions asked, 👍/👎 ratings and the questions editors dismissed, for the editors' page;
SQLite by default, PostgreSQL by URL.

The page and the HTTP service write to the same store: ``data/feedback.sqlite3`` (the folder is
``$FAQSEARCH_DATA`` or ``data/`` beside the app, git-ignored; see :mod:`faqsearch.settings`), or the database named by
``$FAQSEARCH_DATABASE_URL`` (``postgresql+psycopg://…``) when replicas run on several machines.
SQLite uses one short connection per operation and WAL journaling, so threads and processes
sharing the file never share a connection, readers never block writers, and a busy database is
waited for. If the database loses its tables (the file was deleted while the app runs), they are
created again and the operation is retried; an operation that still fails raises
:class:`FeedbackError`, so a rating is never dropped without the caller knowing.

Every wait on the database is bounded (:class:`faqsearch.feedback.deadline.DatabaseLimits`): a
server that stops answering costs an operation a few seconds, and when too many threads already
wait for it the next operation fails at once, so the threads that answer searches are never all
tied up. Visitors' text is cleaned of invisible controls on the way in and on the way out (rows
stored by older versions included), and the editors' lists count each visitor once a day per
question (:mod:`faqsearch.feedback.visitors`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..text.controls import clean_visitor_text
from .database import DISMISSED, QUESTIONS, RATINGS, connect, create_schema, sqlite_path, sqlite_url
from .deadline import DatabaseLimits, DatabaseTimeout, Gate, lock_busy, transaction
from . import events as visits
from .events import DEFAULT_RETENTION_DAYS, Event, Moment
from .visitors import checked_client_key, count_if, normalize_question, visible, visitors

DB_NAME = "feedback.sqlite3"
UP, DOWN = 1, 0  # the values of st.feedback("thumbs")

T = TypeVar("T")

# Concurrent first starts on one new SQLite file: each retry finds more of the schema in place.
SCHEMA_ATTEMPTS = 5
# How often a process purges the rows past the retention period: the writes that follow do it.
PURGE_EVERY_S = 3600.0


class FeedbackError(RuntimeError):
    """The feedback database cannot be reached or written; the message is in French."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _reason(exc: BaseException) -> str:
    """The database's own words, without SQLAlchemy's statement dump and documentation link."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


@dataclass(frozen=True)
class QuestionStat:
    """A question as editors see it: how often it was asked and how often it was answered."""

    question: str
    count: int
    confident: int
    last_asked: str


@dataclass(frozen=True)
class DislikedAnswer:
    """A passage rated 👎 for a question, with how many 👎 and 👍 it received for it."""

    question: str
    passage_id: str
    down: int
    up: int
    last_rated: str


class FeedbackStore:
    """The database of questions and ratings; safe to share between threads and processes.

    ``FeedbackStore(path)`` opens a SQLite file; :meth:`from_url` any SQLAlchemy URL;
    :meth:`configured` what the page and the service use (the URL setting, else the file).
    ``limits`` bound every wait on the database (see :class:`DatabaseLimits`). Questions, ratings
    and events older than ``retention_days`` (0: kept for ever) are purged by the writes, at most
    once every :data:`PURGE_EVERY_S` per process.
    """

    def __init__(self, path: Path, limits: DatabaseLimits = DatabaseLimits(),
                 retention_days: int = DEFAULT_RETENTION_DAYS):
        self._open(sqlite_url(path), limits, retention_days)

    @classmethod
    def from_url(cls, url: str, limits: DatabaseLimits = DatabaseLimits(),
                 retention_days: int = DEFAULT_RETENTION_DAYS) -> "FeedbackStore":
        """The store at a database URL (``sqlite:///…`` or ``postgresql+psycopg://…``)."""
        store = cls.__new__(cls)
        store._open(url, limits, retention_days)
        return store

    @classmethod
    def configured(cls, data_dir: Path, database_url: str, limits: DatabaseLimits = DatabaseLimits(),
                   retention_days: int = DEFAULT_RETENTION_DAYS) -> "FeedbackStore":
        """The store at ``database_url`` (the settings' ``$FAQSEARCH_DATABASE_URL``), or the SQLite
        file ``feedback.sqlite3`` in ``data_dir`` when it is empty."""
        url = database_url.strip()
        return (cls.from_url(url, limits, retention_days) if url
                else cls(Path(data_dir) / DB_NAME, limits, retention_days))

    def _open(self, url: str, limits: DatabaseLimits, retention_days: int) -> None:
        if retention_days < 0:
            raise ValueError(f"retention_days must be 0 (kept for ever) or more. Currently, it is {retention_days}.")
        self.url, self.limits, self.retention_days = url, limits, retention_days
        self._purged_at: float | None = None
        self._gate = Gate(limits.concurrent)
        try:
            self._engine = connect(url, limits)
        except ValueError as exc:  # a bad setting, reported like an unreachable database
            raise FeedbackError(str(exc)) from exc
        self.path = sqlite_path(url)  # None for PostgreSQL
        self._prepare()

    def describe(self) -> str:
        """Where the store is, for messages (the password of a URL is hidden)."""
        return str(self.path) if self.path else self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close pooled connections (PostgreSQL); the store reconnects if used again."""
        self._engine.dispose()

    @property
    def saturated(self) -> bool:
        """True while as many operations as ``limits.concurrent`` wait on the database: the next one
        would be refused at once, so a caller can skip the work that would precede it."""
        return self._gate.full

    def _prepare(self) -> None:
        """Create the folder and the tables that are missing."""
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            for attempt in range(SCHEMA_ATTEMPTS):
                try:
                    create_schema(self._engine, self.limits.operation_s)
                    break
                except DatabaseTimeout as exc:
                    # Another process holds the schema lock while it creates the tables (many
                    # workers starting at once on a busy machine): wait for it again.
                    if not lock_busy(exc) or attempt == SCHEMA_ATTEMPTS - 1:
                        raise
                except SQLAlchemyError:
                    # Another process created a table or index between the check and the CREATE.
                    if attempt == SCHEMA_ATTEMPTS - 1:
                        raise
                    time.sleep(0.05 * (attempt + 1))
        except DatabaseTimeout as exc:
            raise self._unanswered(exc) from exc
        except (SQLAlchemyError, OSError) as exc:
            raise FeedbackError(f"La base de retours {self.describe()} est inutilisable : {_reason(exc)}") from exc

    def _unanswered(self, exc: DatabaseTimeout) -> FeedbackError:
        return FeedbackError(f"La base de retours {self.describe()} n'a pas répondu dans les délais "
                             f"({self.limits.operation_s:g} s au plus) : vérifiez que son serveur fonctionne. "
                             f"Détail : {_reason(exc)}")

    def _run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction within ``limits``; raise :class:`FeedbackError` at once when
        too many operations already wait on the database."""
        if not self._gate.enter():
            raise FeedbackError(f"La base de retours {self.describe()} est saturée : {self._gate.size} opérations "
                                "attendent déjà sa réponse. Réessayez dans un instant.")
        try:
            return self._attempts(work)
        finally:
            self._gate.leave()

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (aggregate queries, say) in one transaction, within the store's limits and retries."""
        return self._run(work)

    def _attempts(self, work: Callable[[Connection], T]) -> T:
        """``work`` once; if it failed at once (schema vanished, a connection closed by a restarted
        server), recreate the schema and run it again. A server that let a deadline pass is not
        asked twice. A failed transaction is rolled back, so nothing is written twice."""
        for second in (False, True):
            try:
                with transaction(self._engine, self.limits.operation_s) as con:
                    return work(con)
            except DatabaseTimeout as exc:
                raise self._unanswered(exc) from exc
            except (SQLAlchemyError, OSError) as exc:
                if second:
                    raise FeedbackError(f"La base de retours {self.describe()} n'a pas pu être écrite ni lue : "
                                        f"{_reason(exc)}") from exc
            self._prepare()
        raise AssertionError("unreachable: the second attempt returns or raises")

    # ------------------------------------------------------------------------------ writes
    def log_question(self, question: str, plan: str | None, confident: bool, top_passage: str = "",
                     results: int = 0, latency_ms: float | None = None, session: str = "",
                     client_key: str | None = None) -> None:
        """Record one question asked on the page or settled on through the HTTP service.

        ``client_key`` is the service's keyed hash of the visitor's address (never the address).
        """
        question = visible(question, "question")
        row = dict(asked_at=_now(), session=clean_visitor_text(session), question=question,
                   normalized=normalize_question(question), plan=clean_visitor_text(plan or "") or None,
                   confident=int(confident), top_passage=clean_visitor_text(top_passage) or None, results=results,
                   latency_ms=latency_ms, client_key=checked_client_key(client_key))
        self._run(lambda con: con.execute(QUESTIONS.insert().values(**row)))
        self._purge_when_due()

    def log_event(self, kind: str, session: str, question: str, passage_id: str | None = None,
                  rank: int | None = None, target: str | None = None, plan: str | None = None,
                  client_key: str | None = None) -> None:
        """Record an answer opened or a card's link used (:mod:`faqsearch.feedback.events`); ``ValueError``
        for an event that does not say what it should."""
        question = visible(question, "question")
        row = visits.event_row(_now(), kind, session, question, normalize_question(question), passage_id, rank,
                               target, plan, client_key)
        self._run(lambda con: con.execute(visits.EVENTS.insert().values(**row)))
        self._purge_when_due()

    def purge(self, now: datetime | None = None) -> int:
        """Delete the questions, ratings and events older than the retention period; how many went."""
        self._purged_at = time.monotonic()
        if not self.retention_days:
            return 0
        before = visits.cutoff(self.retention_days, now or datetime.now(timezone.utc))
        return self._run(lambda con: visits.purge(con, before))

    def _purge_when_due(self) -> None:
        """Purge once an hour; a failed purge never fails the write that preceded it (next hour again)."""
        if self._purged_at is None or time.monotonic() - self._purged_at >= PURGE_EVERY_S:
            try:
                self.purge()
            except FeedbackError:
                logging.getLogger(__name__).exception("purge of old feedback rows failed")

    def rate(self, question: str, passage_id: str, rating: int | None, plan: str | None,
             session: str = "", client_key: str | None = None) -> None:
        """Record a session's 👍 (1) or 👎 (0) on a passage for a question; ``None`` withdraws it.

        A session changing its mind replaces its rating, so one person counts once per answer.
        """
        question, passage_id = visible(question, "question"), visible(passage_id, "passage_id")
        session, plan, client_key = clean_visitor_text(session), clean_visitor_text(plan or "") or None, checked_client_key(client_key)
        if rating is None:
            where = (RATINGS.c.session == session) & (RATINGS.c.question == question) & (RATINGS.c.passage_id == passage_id)
            self._run(lambda con: con.execute(RATINGS.delete().where(where)))
            return
        if rating not in (UP, DOWN):
            raise ValueError(f"rating must be 0 (👎), 1 (👍) or None. Currently, rating is {rating!r}.")
        insert = (postgresql if self._engine.dialect.name == "postgresql" else sqlite).insert
        statement = insert(RATINGS).values(rated_at=_now(), session=session, question=question,
                                           passage_id=passage_id, plan=plan, rating=rating, client_key=client_key)
        statement = statement.on_conflict_do_update(
            index_elements=["session", "question", "passage_id"],
            set_={"rated_at": statement.excluded.rated_at, "plan": statement.excluded.plan,
                  "rating": statement.excluded.rating, "client_key": statement.excluded.client_key})
        self._run(lambda con: con.execute(statement))
        self._purge_when_due()

    # ------------------------------------------------------------------------------- reads
    def events(self, since: Moment = None, until: Moment = None) -> list[Event]:
        """The events of a period, oldest first (bounds: :func:`faqsearch.feedback.events.stamp`)."""
        return self._run(lambda con: visits.read(con, since, until))

    def ratings(self) -> list[dict]:
        """Every rating, oldest first (for tests and exports)."""
        c = RATINGS.c
        query = select(c.rated_at, c.session, c.question, c.passage_id, c.plan, c.rating).order_by(c.id)
        rows = self._run(lambda con: [dict(row._mapping) for row in con.execute(query)])
        return [{**row, "question": clean_visitor_text(row["question"]),
                 "passage_id": clean_visitor_text(row["passage_id"])} for row in rows]

    def totals(self) -> dict[str, int]:
        """Counts for the editors: questions asked, those without a confident answer, 👍 and 👎."""
        asked = select(func.count(), count_if(QUESTIONS.c.confident == 0)).select_from(QUESTIONS)
        rated = select(count_if(RATINGS.c.rating == UP), count_if(RATINGS.c.rating == DOWN))

        def work(con: Connection) -> dict[str, int]:
            (n, unanswered), (up, down) = con.execute(asked).one(), con.execute(rated).one()
            return {"questions": int(n), "unanswered": int(unanswered), "up": int(up), "down": int(down)}

        return self._run(work)

    def top_questions(self, limit: int = 20) -> list[QuestionStat]:
        """The questions asked by the most visitors, grouped by :func:`normalize_question` (latest
        wording shown). ``count`` is visitor-days: one client or session counts once a day."""
        return self._grouped(False, limit)

    def unanswered(self, limit: int = 20) -> list[QuestionStat]:
        """The questions the engine had no confident answer for, asked by the most visitors first."""
        return self._grouped(True, limit)

    def _grouped(self, unanswered_only: bool, limit: int) -> list[QuestionStat]:
        q, q2 = QUESTIONS.alias("q"), QUESTIONS.alias("q2")
        latest = (select(q2.c.question).where(q2.c.normalized == q.c.normalized)
                  .order_by(q2.c.id.desc()).limit(1).scalar_subquery())
        counted = visitors(q, q.c.asked_at)
        query = (select(latest, counted, visitors(q, q.c.asked_at, q.c.confident == 1), func.max(q.c.asked_at))
                 .group_by(q.c.normalized).order_by(counted.desc(), func.max(q.c.id).desc()).limit(limit))
        if unanswered_only:
            query = query.where(q.c.confident == 0)
        rows = self._run(lambda con: con.execute(query).all())
        return [QuestionStat(clean_visitor_text(r[0]), int(r[1]), int(r[2] or 0), r[3]) for r in rows]

    def disliked(self, limit: int = 20) -> list[DislikedAnswer]:
        """Passages rated 👎 for a question, most 👎 first; like the questions, each 👎 and 👍 counts
        visitor-days (one client or session once a day)."""
        c = RATINGS.c
        down = visitors(RATINGS, c.rated_at, c.rating == DOWN)
        query = (select(c.question, c.passage_id, down, visitors(RATINGS, c.rated_at, c.rating == UP),
                        func.max(c.rated_at))
                 .group_by(c.question, c.passage_id).having(down > 0)
                 .order_by(down.desc(), func.max(c.rated_at).desc()).limit(limit))
        rows = self._run(lambda con: con.execute(query).all())
        return [DislikedAnswer(clean_visitor_text(r[0]), clean_visitor_text(r[1]), int(r[2]), int(r[3]), r[4])
                for r in rows]

    # ------------------------------------------------------------------------- dismissals
    def dismiss(self, question: str, by: str) -> None:
        """Keep ``question`` (and every question that normalises like it) off the questions to
        learn, without deleting what visitors asked."""
        question = clean_visitor_text(question)
        key = normalize_question(question)
        row = dict(normalized=key, question=question, dismissed_by=clean_visitor_text(by), dismissed_at=_now())

        def work(con: Connection) -> None:  # one transaction: replaced, never doubled
            con.execute(delete(DISMISSED).where(DISMISSED.c.normalized == key))
            con.execute(insert(DISMISSED).values(**row))

        self._run(work)

    def dismissed(self) -> set[str]:
        """The normalised forms of every dismissed question."""
        return self._run(lambda con: {r[0] for r in con.execute(select(DISMISSED.c.normalized))})
