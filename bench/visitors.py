"""Simulated visitors for the learning-from-clicks benchmark (:mod:`bench.clicks`).

A visitor asks one of the simulation's phrasings, sees the top five entries and, with the
examination curve :data:`EXAMINE` (the chance that a result at rank r is looked at, falling like
eye-tracking studies report, and deliberately *not* the 1/r curve that the evidence's correction
assumes), opens the right entry when it is shown; having opened it, rates it 👍 with
:data:`P_UP`. A share of visitors (the noise) opens a uniformly random shown result instead and,
having found nothing, uses a contact link right after with :data:`P_CONTACT_NOISE`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence

from faqsearch.feedback.evidence import CONTACT, OPEN, UP, RatingLike

SHOWN = 5
EXAMINE = (0.95, 0.7, 0.5, 0.4, 0.3)
P_UP = 0.3
P_CONTACT_NOISE = 0.2
START = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SimEvent:
    """A visitor event with the fields of the feedback store's ``Event``."""

    at: str
    session: str
    client_key: str | None
    kind: str
    question: str
    passage_id: str | None
    rank: int | None
    target: str | None = None


@dataclass
class Log:
    """What the simulated visitors did so far."""

    events: list[SimEvent] = field(default_factory=list)
    ratings: list[RatingLike] = field(default_factory=list)
    visitors: int = 0
    noisy: int = 0


# Shown results of a phrasing: (passage id, entry id) of the top entries, best first.
Shown = Callable[[str], Sequence[tuple[str, str]]]


def visit(log: Log, question: str, gold: frozenset[str], shown: Shown, noise: float, rng: random.Random) -> None:
    """One visitor asks ``question`` and acts on what ``shown`` gives (see the module docstring)."""
    number = log.visitors
    log.visitors += 1
    session, client = f"v{number}", f"{rng.getrandbits(64):016x}"
    at = START + timedelta(minutes=number)
    results = list(shown(question))[:SHOWN]
    if not results:
        return
    if rng.random() < noise:
        log.noisy += 1
        rank = rng.randrange(len(results)) + 1
        log.events.append(SimEvent(at.isoformat(), session, client, OPEN, question, results[rank - 1][0], rank))
        if rng.random() < P_CONTACT_NOISE:
            log.events.append(SimEvent((at + timedelta(seconds=40)).isoformat(), session, client, CONTACT,
                                       question, results[rank - 1][0], None, "url:aide"))
        return
    rank = next((r for r, (_, entry) in enumerate(results, 1) if entry in gold), None)
    if rank is None or rng.random() >= EXAMINE[rank - 1]:
        return
    passage_id = results[rank - 1][0]
    log.events.append(SimEvent(at.isoformat(), session, client, OPEN, question, passage_id, rank))
    if rng.random() < P_UP:
        log.ratings.append(RatingLike(session, question, passage_id, UP, client))


def split(questions: Sequence[str], gold: Sequence[frozenset[str]], seed: int) -> tuple[list[int], list[int]]:
    """(simulation, held-out) question numbers: within each right-entry set, shuffled with ``seed``,
    every other question, so that every entry has phrasings on both sides."""
    rng = random.Random(seed)
    by_gold: dict[frozenset[str], list[int]] = {}
    for i, right in enumerate(gold):
        by_gold.setdefault(right, []).append(i)
    sim, held = [], []
    for key in sorted(by_gold, key=lambda g: sorted(g)):
        members = by_gold[key]
        rng.shuffle(members)
        first = rng.randrange(2)  # which side gets the odd one out of an odd-sized group
        for j, i in enumerate(members):
            (sim if (j + first) % 2 == 0 else held).append(i)
    return sorted(sim), sorted(held)
