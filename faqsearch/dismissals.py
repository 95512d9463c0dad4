"""Questions an editor dismissed from the "to learn" list, kept beside the feedback.

A table of its own in the feedback SQLite file (one short connection per operation, like
:mod:`faqsearch.feedback`), so the list of questions to learn from stays short without deleting
what visitors asked.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from .feedback import BUSY_TIMEOUT_S, normalize_question

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dismissed_questions (
    normalized TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    dismissed_at TEXT NOT NULL
);
"""


class Dismissals:
    """The dismissed questions of one feedback database file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        # Created on every connection: the file may have been deleted while the page runs.
        con.executescript(_SCHEMA)
        return con

    def dismiss(self, question: str, by: str) -> None:
        """Keep ``question`` (and every question that normalises like it) off the list."""
        with closing(self._connect()) as con, con:
            con.execute(
                "INSERT INTO dismissed_questions (normalized, question, dismissed_by, dismissed_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (normalized) DO UPDATE SET dismissed_by = excluded.dismissed_by,"
                " dismissed_at = excluded.dismissed_at",
                (normalize_question(question), question, by,
                 datetime.now(timezone.utc).isoformat(timespec="seconds")),
            )

    def keys(self) -> set[str]:
        """The normalised forms of every dismissed question."""
        with closing(self._connect()) as con:
            return {r[0] for r in con.execute("SELECT normalized FROM dismissed_questions")}
