"""Questions an editor dismissed from the "to learn" list, kept beside the feedback.

A table of its own in the feedback database (SQLite or PostgreSQL), read and written through the
:class:`faqsearch.feedback.FeedbackStore` (same connections, same time limits), so the list of
questions to learn from stays short without deleting what visitors asked.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, insert, select

from .controls import clean_visitor_text
from .database import DISMISSED
from .feedback import FeedbackStore, normalize_question


class Dismissals:
    """The dismissed questions of the feedback database of ``store``; failures raise
    :class:`faqsearch.feedback.FeedbackError`, as the store's own operations do."""

    def __init__(self, store: FeedbackStore):
        self._store = store

    def dismiss(self, question: str, by: str) -> None:
        """Keep ``question`` (and every question that normalises like it) off the list."""
        question = clean_visitor_text(question)
        key = normalize_question(question)
        row = dict(normalized=key, question=question, dismissed_by=clean_visitor_text(by),
                   dismissed_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

        def work(con) -> None:  # one transaction: replaced, never doubled
            con.execute(delete(DISMISSED).where(DISMISSED.c.normalized == key))
            con.execute(insert(DISMISSED).values(**row))

        self._store.run(work)

    def keys(self) -> set[str]:
        """The normalised forms of every dismissed question."""
        return self._store.run(lambda con: {r[0] for r in con.execute(select(DISMISSED.c.normalized))})
