"""The learnt phrasings an editor turned down, kept in the feedback store so they stay down.

A rejection is one (phrasing key, passage) pair (:func:`faqsearch.feedback.evidence.phrasing_key`):
the same phrasing stays proposable for another passage, and the near-identical wordings of the
rejected one are not proposed again for this passage.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ..text.controls import clean_visitor_text
from .database import REJECTED_PAIRS
from .evidence import phrasing_key
from .store import FeedbackStore


def reject(store: FeedbackStore, question: str, passage_id: str, by: str) -> None:
    """Turn down ``question`` (and its near-identical wordings) as a variant of ``passage_id``."""
    question, passage_id = clean_visitor_text(question), clean_visitor_text(passage_id)
    key = phrasing_key(question)
    if not key or not passage_id:
        raise ValueError("Choisissez une formulation non vide et un passage.")
    row = dict(key=key, passage_id=passage_id, question=question, rejected_by=clean_visitor_text(by) or "éditeur",
               rejected_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    where = (REJECTED_PAIRS.c.key == key) & (REJECTED_PAIRS.c.passage_id == passage_id)

    def work(con: Connection) -> None:  # one transaction: replaced, never doubled
        con.execute(delete(REJECTED_PAIRS).where(where))
        con.execute(insert(REJECTED_PAIRS).values(**row))

    store._run(work)


def rejected(store: FeedbackStore) -> set[tuple[str, str]]:
    """Every (phrasing key, passage id) pair turned down."""
    query = select(REJECTED_PAIRS.c.key, REJECTED_PAIRS.c.passage_id)
    return store._run(lambda con: {(r[0], r[1]) for r in con.execute(query)})
