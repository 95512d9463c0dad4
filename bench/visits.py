"""Synthetic visitor activity for the dashboard's tests and its scale benchmark.

Each visit asks one question (a passage's question, some asked much more than others, or an
off-topic one the guide does not answer), then may open one of the answers, use a contact of the
card, or rate the answer. Rows are written straight into the feedback store's tables, stamped
over the days asked for, in chunks of one transaction each. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator, Sequence

from faqsearch.feedback.database import EVENTS, QUESTIONS, RATINGS
from faqsearch.feedback.store import FeedbackStore, normalize_question
from faqsearch.records.passage import Passage

OFF_TOPIC = ("Comment faire une pâte à crêpes ?", "Quel temps fera-t-il demain ?", "Recette du gâteau au chocolat",
             "Horaires du train pour Lyon", "Comment tricoter une écharpe ?")
TARGETS = ("tel:telephone", "mailto:email", "url:tickets", "url:chat", "url:forums")
CHUNK = 5000


@dataclass(frozen=True)
class Mix:
    """The share of visits that open an answer, use a contact, rate, or ask off topic."""

    opened: float = 0.6
    contact: float = 0.15
    rated: float = 0.1
    off_topic: float = 0.1


def _stamp(day: date, second: int) -> str:
    return (datetime.combine(day, time(), tzinfo=timezone.utc) + timedelta(seconds=second)).isoformat(timespec="seconds")


def _visit(rng: random.Random, passages: Sequence[Passage], mix: Mix, day: date, n: int) -> tuple[list, list, list]:
    """The rows of visit ``n`` of ``day``: one question, then its events and rating."""
    at, session = _stamp(day, rng.randrange(86_400)), f"v{day:%Y%m%d}-{n}"
    off = rng.random() < mix.off_topic
    passage = passages[min(int(rng.paretovariate(1.2)) - 1, len(passages) - 1)]
    question = rng.choice(OFF_TOPIC) if off else passage.question
    normalized = normalize_question(question)
    questions = [dict(asked_at=at, session=session, question=question, normalized=normalized, confident=int(not off),
                      top_passage=passage.id, results=5, latency_ms=20.0)]
    events, ratings = [], []
    base = dict(at=at, session=session, question=question, normalized=normalized)
    if not off and rng.random() < mix.opened:
        events.append({**base, "kind": "open", "passage_id": passage.id, "rank": 1 + int(rng.random() < 0.2),
                       "target": None})
    if rng.random() < mix.contact:
        events.append({**base, "kind": "contact", "passage_id": None if off else passage.id, "rank": None,
                       "target": rng.choice(TARGETS)})
    if not off and rng.random() < mix.rated:
        ratings.append(dict(rated_at=at, session=session, question=question, passage_id=passage.id,
                            rating=int(rng.random() < 0.8)))
    return questions, events, ratings


def visits(passages: Sequence[Passage], per_day: int, until: date, days: int, seed: int = 0,
           mix: Mix = Mix()) -> Iterator[tuple[list, list, list]]:
    """Chunks of (questions, events, ratings) rows: ``per_day`` visits on each of the ``days`` days
    ending with ``until``."""
    if not passages or per_day < 1 or days < 1:
        raise ValueError("visits need passages, and per_day and days of at least 1.")
    rng = random.Random(seed)
    chunk: tuple[list, list, list] = ([], [], [])
    for offset in range(days - 1, -1, -1):
        day = until - timedelta(days=offset)
        for n in range(per_day):
            for rows, more in zip(chunk, _visit(rng, passages, mix, day, n)):
                rows.extend(more)
            if len(chunk[0]) >= CHUNK:
                yield chunk
                chunk = ([], [], [])
    if chunk[0]:
        yield chunk


def seed(store: FeedbackStore, passages: Sequence[Passage], per_day: int, until: date, days: int,
         seed: int = 0, mix: Mix = Mix()) -> dict[str, int]:
    """Write the visits into ``store``; how many rows of each table were written."""
    written = {"questions": 0, "events": 0, "ratings": 0}
    for questions, events, ratings in visits(passages, per_day, until, days, seed, mix):
        def work(con, rows=(questions, events, ratings)) -> None:
            for table, batch in zip((QUESTIONS, EVENTS, RATINGS), rows):
                if batch:
                    con.execute(table.insert(), batch)
        store.read(work)
        for name, batch in zip(written, (questions, events, ratings)):
            written[name] += len(batch)
    return written
