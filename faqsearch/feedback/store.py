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
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from ..text.normalize import fold
from .database import DISMISSED, QUESTIONS, RATINGS, connect, create_schema, sqlite_path, sqlite_url

DB_NAME = "feedback.sqlite3"
UP, DOWN = 1, 0  # the values of st.feedback("thumbs")

T = TypeVar("T")


# Concurrent first starts on one new SQLite file: each retry finds more of the schema in place.
SCHEMA_ATTEMPTS = 5


class FeedbackError(RuntimeError):
    """The feedback database cannot be reached or written; the message is in French."""


def normalize_question(question: str) -> str:
    """The grouping key of a question: folded, single spaces, no trailing punctuation.

    "Numéro du support ?" and "numero du support" count as the same question.
    """
    return re.sub(r"[\s?!.…]+$", "", " ".join(fold(question).split()))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _reason(exc: BaseException) -> str:
    """The database's own words, without SQLAlchemy's statement dump and documentation link."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def _count_if(condition):
    """``SUM(condition)`` written so that SQLite and PostgreSQL both accept it."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


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
    """

    def __init__(self, path: Path):
        self._open(sqlite_url(path))

    @classmethod
    def from_url(cls, url: str) -> "FeedbackStore":
        """The store at a database URL (``sqlite:///…`` or ``postgresql+psycopg://…``)."""
        store = cls.__new__(cls)
        store._open(url)
        return store

    @classmethod
    def configured(cls, data_dir: Path, database_url: str) -> "FeedbackStore":
        """The store at ``database_url`` (the settings' ``$FAQSEARCH_DATABASE_URL``), or the SQLite
        file ``feedback.sqlite3`` in ``data_dir`` when it is empty."""
        url = database_url.strip()
        return cls.from_url(url) if url else cls(Path(data_dir) / DB_NAME)

    def _open(self, url: str) -> None:
        self.url = url
        try:
            self._engine = connect(url)
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

    def _prepare(self) -> None:
        """Create the folder and the tables that are missing."""
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            for attempt in range(SCHEMA_ATTEMPTS):
                try:
                    create_schema(self._engine)
                    break
                except SQLAlchemyError:
                    # Another process created a table or index between the check and the CREATE.
                    if attempt == SCHEMA_ATTEMPTS - 1:
                        raise
                    time.sleep(0.05 * (attempt + 1))
        except (SQLAlchemyError, OSError) as exc:
            raise FeedbackError(f"La base de retours {self.describe()} est inutilisable : {_reason(exc)}") from exc

    def _run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction; if the schema vanished, recreate it and run it again.

        A failed transaction is rolled back, so the second attempt cannot write anything twice.
        """
        try:
            with self._engine.begin() as con:
                return work(con)
        except (SQLAlchemyError, OSError):
            self._prepare()
        try:
            with self._engine.begin() as con:
                return work(con)
        except (SQLAlchemyError, OSError) as exc:
            raise FeedbackError(f"La base de retours {self.describe()} n'a pas pu être écrite ni lue : {_reason(exc)}") from exc

    # ------------------------------------------------------------------------------ writes
    def log_question(self, question: str, plan: str | None, confident: bool, top_passage: str = "",
                     results: int = 0, latency_ms: float | None = None, session: str = "") -> None:
        """Record one question asked on the page or settled on through the HTTP service."""
        row = dict(asked_at=_now(), session=session, question=question, normalized=normalize_question(question),
                   plan=plan, confident=int(confident), top_passage=top_passage or None, results=results,
                   latency_ms=latency_ms)
        self._run(lambda con: con.execute(QUESTIONS.insert().values(**row)))

    def rate(self, question: str, passage_id: str, rating: int | None, plan: str | None,
             session: str = "") -> None:
        """Record a session's 👍 (1) or 👎 (0) on a passage for a question; ``None`` withdraws it.

        A session changing its mind replaces its rating, so one person counts once per answer.
        """
        if rating is None:
            where = (RATINGS.c.session == session) & (RATINGS.c.question == question) & (RATINGS.c.passage_id == passage_id)
            self._run(lambda con: con.execute(RATINGS.delete().where(where)))
            return
        if rating not in (UP, DOWN):
            raise ValueError(f"rating must be 0 (👎), 1 (👍) or None. Currently, rating is {rating!r}.")
        insert = (postgresql if self._engine.dialect.name == "postgresql" else sqlite).insert
        statement = insert(RATINGS).values(rated_at=_now(), session=session, question=question,
                                           passage_id=passage_id, plan=plan, rating=rating)
        statement = statement.on_conflict_do_update(
            index_elements=["session", "question", "passage_id"],
            set_={"rated_at": statement.excluded.rated_at, "plan": statement.excluded.plan,
                  "rating": statement.excluded.rating})
        self._run(lambda con: con.execute(statement))

    # ------------------------------------------------------------------------------- reads
    def ratings(self) -> list[dict]:
        """Every rating, oldest first (for tests and exports)."""
        c = RATINGS.c
        query = select(c.rated_at, c.session, c.question, c.passage_id, c.plan, c.rating).order_by(c.id)
        return self._run(lambda con: [dict(row._mapping) for row in con.execute(query)])

    def totals(self) -> dict[str, int]:
        """Counts for the editors: questions asked, those without a confident answer, 👍 and 👎."""
        asked = select(func.count(), _count_if(QUESTIONS.c.confident == 0)).select_from(QUESTIONS)
        rated = select(_count_if(RATINGS.c.rating == UP), _count_if(RATINGS.c.rating == DOWN))

        def work(con: Connection) -> dict[str, int]:
            (n, unanswered), (up, down) = con.execute(asked).one(), con.execute(rated).one()
            return {"questions": int(n), "unanswered": int(unanswered), "up": int(up), "down": int(down)}

        return self._run(work)

    def top_questions(self, limit: int = 20) -> list[QuestionStat]:
        """The questions asked most, grouped by :func:`normalize_question` (latest wording shown)."""
        return self._grouped(False, limit)

    def unanswered(self, limit: int = 20) -> list[QuestionStat]:
        """The questions the engine had no confident answer for, most frequent first."""
        return self._grouped(True, limit)

    def _grouped(self, unanswered_only: bool, limit: int) -> list[QuestionStat]:
        q, q2 = QUESTIONS.alias("q"), QUESTIONS.alias("q2")
        latest = (select(q2.c.question).where(q2.c.normalized == q.c.normalized)
                  .order_by(q2.c.id.desc()).limit(1).scalar_subquery())
        query = (select(latest, func.count(), func.sum(q.c.confident), func.max(q.c.asked_at))
                 .group_by(q.c.normalized).order_by(func.count().desc(), func.max(q.c.id).desc()).limit(limit))
        if unanswered_only:
            query = query.where(q.c.confident == 0)
        rows = self._run(lambda con: con.execute(query).all())
        return [QuestionStat(r[0], int(r[1]), int(r[2] or 0), r[3]) for r in rows]

    def disliked(self, limit: int = 20) -> list[DislikedAnswer]:
        """Passages rated 👎 for a question, most 👎 first."""
        c = RATINGS.c
        down = _count_if(c.rating == DOWN)
        query = (select(c.question, c.passage_id, down, _count_if(c.rating == UP), func.max(c.rated_at))
                 .group_by(c.question, c.passage_id).having(down > 0)
                 .order_by(down.desc(), func.max(c.rated_at).desc()).limit(limit))
        rows = self._run(lambda con: con.execute(query).all())
        return [DislikedAnswer(r[0], r[1], int(r[2]), int(r[3]), r[4]) for r in rows]

    # ------------------------------------------------------------------------- dismissals
    def dismiss(self, question: str, by: str) -> None:
        """Keep ``question`` (and every question that normalises like it) off the questions to
        learn, without deleting what visitors asked."""
        key = normalize_question(question)

        def work(con: Connection) -> None:  # one transaction: replaced, never doubled
            con.execute(delete(DISMISSED).where(DISMISSED.c.normalized == key))
            con.execute(insert(DISMISSED).values(normalized=key, question=question, dismissed_by=by,
                                                 dismissed_at=_now()))

        self._run(work)

    def dismissed(self) -> set[str]:
        """The normalised forms of every dismissed question."""
        return self._run(lambda con: {r[0] for r in con.execute(select(DISMISSED.c.normalized))})
