"""Which visitors' questions the engine should learn: refused, answered without assurance, or rated 👎.

Pure selection logic over what the feedback store recorded and what the engine answers *now*: a
question attached as a variant (or answered well since a rebuild) leaves the list by itself.
Alike questions are grouped so an editor attaches them with one click.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..records.answer import Answer
from ..records.passage import Passage
from ..search.engine import Engine
from .store import normalize_question

REFUSED, UNSURE, DISLIKED = "refusée", "réponse peu sûre", "jugée 👎"
# Confident, but only thanks to the lexical evidence and with a runner-up this close: a coin toss.
UNSURE_RATIO = 0.9
# Two questions this close (query-to-query cosine) with the same best passage are one need; unrelated
# questions about the guide reach 0.85–0.9 with multilingual-e5-small, so the bar is above that.
ALIKE_COSINE = 0.94
CANDIDATES = 3


@dataclass(frozen=True)
class Asked:
    """A question as the feedback store groups it: how often it was asked, and how often rated 👎."""

    question: str
    count: int = 1
    disliked: int = 0


@dataclass(frozen=True)
class MissGroup:
    """Alike questions the engine failed on, with the passages most likely to answer them."""

    key: str
    questions: tuple[str, ...]
    count: int
    reasons: tuple[str, ...]
    candidates: tuple[Passage, ...]

    @property
    def question(self) -> str:
        return self.questions[0]


def reasons_for(answer: Answer, disliked: int, sure_dense: float) -> tuple[str, ...]:
    """Why ``answer`` needs an editor: refused, unsure (see :data:`UNSURE_RATIO`), rated 👎."""
    out = []
    if not answer.confident:
        out.append(REFUSED)
    elif (answer.hits and max(h.dense for h in answer.hits) < sure_dense and len(answer.hits) > 1
          and answer.hits[1].score >= UNSURE_RATIO * answer.hits[0].score):
        out.append(UNSURE)
    if disliked:
        out.append(DISLIKED)
    return tuple(out)


def known_questions(passages: Sequence[Passage]) -> set[str]:
    """The normalised questions and variants of ``passages``: already learnt."""
    return {normalize_question(q) for p in passages for q in (p.question, *p.variants)}


def collect(engine: Engine, asked: Sequence[Asked], dismissed: set[str] = frozenset(),
            limit: int = 20) -> list[MissGroup]:
    """The groups of questions to learn from, most asked first.

    ``asked`` comes from the feedback store (one entry per normalised question); ``dismissed``
    holds normalised questions an editor chose to ignore.
    """
    index = engine.current()
    known = known_questions(index.passages) | set(dismissed)
    merged: dict[str, Asked] = {}
    for a in asked:
        key = normalize_question(a.question)
        if not key or key in known:
            continue
        seen = merged.get(key)
        merged[key] = Asked(a.question, (seen.count if seen else 0) + a.count, (seen.disliked if seen else 0) + a.disliked)
    if not merged:
        return []
    items = list(merged.items())
    answers = engine.ask_batch([a.question for _, a in items], None, CANDIDATES)
    sure = engine.confidence.sure_dense
    misses = [(key, a, answer, reasons_for(answer, a.disliked, sure)) for (key, a), answer in zip(items, answers)]
    misses = [m for m in misses if m[3]]
    misses.sort(key=lambda m: -m[1].count)
    if not misses:
        return []
    vectors = np.asarray(index.encoder.encode_queries([a.question for _, a, _, _ in misses]), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    groups: list[list[int]] = []
    for i, (_, _, answer, _) in enumerate(misses):
        top = answer.hits[0].passage.id if answer.hits else ""
        for group in groups:
            lead = misses[group[0]][2]
            if (lead.hits[0].passage.id if lead.hits else "") == top and float(vectors[group[0]] @ vectors[i]) >= ALIKE_COSINE:
                group.append(i)
                break
        else:
            groups.append([i])
    out = []
    for group in groups[:limit]:
        members = [misses[i] for i in group]
        reasons = tuple(r for r in (REFUSED, UNSURE, DISLIKED) if any(r in m[3] for m in members))
        out.append(MissGroup(members[0][0], tuple(m[1].question for m in members), sum(m[1].count for m in members),
                             reasons, tuple(h.passage for h in members[0][2].hits[:CANDIDATES])))
    return out
