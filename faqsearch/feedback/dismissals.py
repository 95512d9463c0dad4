"""Questions an editor dismissed from the "to learn" list, kept beside the feedback.

A table of its own in the feedback database (SQLite or PostgreSQL, the same URL as
:class:`faqsearch.feedback.store.FeedbackStore`), so the list of questions to learn from stays short
without deleting what visitors asked.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from .database import DISMISSED, connect, create_schema
from .store import FeedbackError, normalize_question

class Dismissals:
    """The dismissed questions of the feedback database at ``url``."""

    def __init__(self, url: str):
        try:
            self._engine = connect(url)
        except ValueError as exc:  # a bad setting, reported like an unreachable database
            raise FeedbackError(str(exc)) from exc
        with _reported():
            create_schema(self._engine)  # the file may be new, or have been deleted while the page runs

    def dismiss(self, question: str, by: str) -> None:
        """Keep ``question`` (and every question that normalises like it) off the list."""
        key = normalize_question(question)
        with _reported(), self._engine.begin() as con:  # one transaction: replaced, never doubled
            con.execute(delete(DISMISSED).where(DISMISSED.c.normalized == key))
            con.execute(insert(DISMISSED).values(
                normalized=key, question=question, dismissed_by=by,
                dismissed_at=datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def keys(self) -> set[str]:
        """The normalised forms of every dismissed question."""
        with _reported(), self._engine.connect() as con:
            return {r[0] for r in con.execute(select(DISMISSED.c.normalized))}


@contextmanager
def _reported() -> Iterator[None]:
    """Database failures as :class:`FeedbackError`, the error the page reports for the feedback."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise FeedbackError(f"La base des retours est inaccessible ({type(exc).__name__}) : vérifiez le fichier ou "
                            "l'adresse de la base.") from exc
