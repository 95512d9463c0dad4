"""Questions asked and 👍/👎 ratings, kept in a local SQLite file for the editors' page.

One short connection per operation and WAL journaling: Streamlit serves each browser session on
its own thread (and several server processes may share the folder), so writers never share a
connection, readers never block writers, and a busy database is waited for instead of failing.
The folder is ``$FAQSEARCH_DATA`` or ``data/`` beside the app (git-ignored).
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .text import fold

DB_NAME = "feedback.sqlite3"
BUSY_TIMEOUT_S = 30.0
UP, DOWN = 1, 0  # the values of st.feedback("thumbs")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,
    session TEXT NOT NULL,
    question TEXT NOT NULL,
    normalized TEXT NOT NULL,
    plan TEXT,
    confident INTEGER NOT NULL,
    top_passage TEXT,
    results INTEGER NOT NULL,
    latency_ms REAL
);
CREATE INDEX IF NOT EXISTS questions_normalized ON questions (normalized);
CREATE TABLE IF NOT EXISTS ratings (
    id INTEGER PRIMARY KEY,
    rated_at TEXT NOT NULL,
    session TEXT NOT NULL,
    question TEXT NOT NULL,
    passage_id TEXT NOT NULL,
    plan TEXT,
    rating INTEGER NOT NULL CHECK (rating IN (0, 1)),
    UNIQUE (session, question, passage_id)
);
CREATE INDEX IF NOT EXISTS ratings_rating ON ratings (rating);
"""


def normalize_question(question: str) -> str:
    """The grouping key of a question: folded, single spaces, no trailing punctuation.

    "Numéro du support ?" and "numero du support" count as the same question.
    """
    return re.sub(r"[\s?!.…]+$", "", " ".join(fold(question).split()))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
    """The SQLite file of questions and ratings; safe to share between threads and processes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            # WAL is a property of the file: set once, every later connection uses it.
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection whose ``with`` block is one transaction (committed, or rolled back)."""
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as con:
            con.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL, much faster
            with con:
                yield con

    # ------------------------------------------------------------------------------ writes
    def log_question(self, question: str, plan: str | None, confident: bool, top_passage: str = "",
                     results: int = 0, latency_ms: float | None = None, session: str = "") -> None:
        """Record one question asked on the page."""
        with self._connect() as con:
            con.execute(
                "INSERT INTO questions (asked_at, session, question, normalized, plan, confident, top_passage,"
                " results, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), session, question, normalize_question(question), plan, int(confident),
                 top_passage or None, results, latency_ms),
            )

    def rate(self, question: str, passage_id: str, rating: int | None, plan: str | None,
             session: str = "") -> None:
        """Record a session's 👍 (1) or 👎 (0) on a passage for a question; ``None`` withdraws it.

        A session changing its mind replaces its rating, so one person counts once per answer.
        """
        with self._connect() as con:
            if rating is None:
                con.execute("DELETE FROM ratings WHERE session = ? AND question = ? AND passage_id = ?",
                            (session, question, passage_id))
                return
            if rating not in (UP, DOWN):
                raise ValueError(f"rating must be 0 (👎), 1 (👍) or None. Currently, rating is {rating!r}.")
            con.execute(
                "INSERT INTO ratings (rated_at, session, question, passage_id, plan, rating)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session, question, passage_id) DO UPDATE SET"
                " rated_at = excluded.rated_at, plan = excluded.plan, rating = excluded.rating",
                (_now(), session, question, passage_id, plan, rating),
            )

    # ------------------------------------------------------------------------------- reads
    def ratings(self) -> list[dict]:
        """Every rating, oldest first (for tests and exports)."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT rated_at, session, question, passage_id, plan, rating FROM ratings ORDER BY id")
            return [dict(r) for r in rows]

    def totals(self) -> dict[str, int]:
        """Counts for the editors: questions asked, those without a confident answer, 👍 and 👎."""
        with self._connect() as con:
            asked, unanswered = con.execute("SELECT COUNT(*), COALESCE(SUM(confident = 0), 0) FROM questions").fetchone()
            up, down = con.execute("SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = 0), 0) FROM ratings").fetchone()
        return {"questions": int(asked), "unanswered": int(unanswered), "up": int(up), "down": int(down)}

    def top_questions(self, limit: int = 20) -> list[QuestionStat]:
        """The questions asked most, grouped by :func:`normalize_question` (latest wording shown)."""
        return self._grouped("", limit)

    def unanswered(self, limit: int = 20) -> list[QuestionStat]:
        """The questions the engine had no confident answer for, most frequent first."""
        return self._grouped("WHERE confident = 0", limit)

    def _grouped(self, where: str, limit: int) -> list[QuestionStat]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT (SELECT q2.question FROM questions q2 WHERE q2.normalized = q.normalized ORDER BY q2.id DESC LIMIT 1),"
                f" COUNT(*), SUM(confident), MAX(asked_at) FROM questions q {where}"
                " GROUP BY normalized ORDER BY COUNT(*) DESC, MAX(id) DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [QuestionStat(r[0], int(r[1]), int(r[2] or 0), r[3]) for r in rows]

    def disliked(self, limit: int = 20) -> list[DislikedAnswer]:
        """Passages rated 👎 for a question, most 👎 first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT question, passage_id, SUM(rating = 0), SUM(rating = 1), MAX(rated_at) FROM ratings"
                " GROUP BY question, passage_id HAVING SUM(rating = 0) > 0"
                " ORDER BY SUM(rating = 0) DESC, MAX(rated_at) DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [DislikedAnswer(r[0], r[1], int(r[2]), int(r[3]), r[4]) for r in rows]
