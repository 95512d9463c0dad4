"""What a rebuild would change for the questions visitors actually ask, before it is published.

The corpus is built into a temporary folder (the candidate: the index in service is left alone,
and the embedding cache makes it as fast as the rebuild that would follow); the most asked
distinct questions of the feedback store, and those whose answer visitors rated 👍, are asked to
both indexes; the report lists the first answers that change, the questions that become refused
or answered, and the 👍-rated answers that are no longer first. Answers are compared by entry: a
long entry answering from another of its chunks is the same answer.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from sqlalchemy import func, select

from ..build.pipeline import build
from ..embedding.encoder import Encoder
from ..feedback.database import RATINGS
from ..feedback.store import UP, FeedbackStore
from ..records.answer import Answer
from ..search.engine import Engine
from ..settings import Settings
from ..text.controls import clean_visitor_text

DEFAULT_QUESTIONS = 200


@dataclass(frozen=True)
class Change:
    """One question whose answer differs: entries and their titles before (in service) and after
    (candidate); ``asked`` counts visitor-days (or 👍 for a rated answer)."""

    question: str
    asked: int
    before: str
    before_title: str
    before_confident: bool
    after: str
    after_title: str
    after_confident: bool


@dataclass(frozen=True)
class Preview:
    questions: int
    changed: tuple[Change, ...]
    refused: tuple[Change, ...]
    answered: tuple[Change, ...]
    liked_lost: tuple[Change, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.changed or self.refused or self.answered or self.liked_lost)

    def to_dict(self) -> dict:
        return {"questions": self.questions, "unchanged": self.unchanged,
                **{name: [asdict(c) for c in getattr(self, name)]
                   for name in ("changed", "refused", "answered", "liked_lost")}}

    def summary(self) -> str:
        """The report in French, one line per kind of change."""
        if self.unchanged:
            return f"Aucun changement pour les {self.questions} questions rejouées."
        return (f"{self.questions} questions rejouées : {len(self.changed)} premières réponses changent, "
                f"{len(self.refused)} deviennent refusées, {len(self.answered)} deviennent répondues, "
                f"{len(self.liked_lost)} réponses jugées 👍 ne sont plus en tête.")

    def lines(self) -> list[str]:
        """One French line per question that changes, under its kind."""
        kinds = (("Première réponse changée", self.changed), ("Devient refusée", self.refused),
                 ("Devient répondue", self.answered), ("Réponse jugée 👍 plus en tête", self.liked_lost))
        return [f"{label} : « {c.question} » : {c.before_title or '—'} → {c.after_title or '—'}"
                for label, changes in kinds for c in changes]



def liked(store: FeedbackStore, limit: int) -> list[tuple[str, str, int]]:
    """(question, passage, 👍) of the answers rated 👍 most often."""
    c = RATINGS.c
    ups = func.count()
    query = (select(c.question, c.passage_id, ups).where(c.rating == UP).group_by(c.question, c.passage_id)
             .order_by(ups.desc(), c.question).limit(limit))
    rows = store.read(lambda con: con.execute(query).all())
    return [(clean_visitor_text(q), clean_visitor_text(p), int(n)) for q, p, n in rows]


def _change(question: str, asked: int, before: Answer, after: Answer) -> Change:
    def first(answer: Answer) -> tuple[str, str]:
        return (answer.hits[0].passage.entry, answer.hits[0].passage.question) if answer.hits else ("", "")

    return Change(question, asked, *first(before), before.confident, *first(after), after.confident)


def compare(current: Engine, candidate: Engine, asked: Sequence[tuple[str, int]],
            rated: Sequence[tuple[str, str, int]]) -> Preview:
    """The report for ``asked`` (question, visitor-days) and ``rated`` (question, passage, 👍)."""
    questions = [q for q, _ in asked]
    changes = [_change(q, n, b, a) for (q, n), b, a in
               zip(asked, current.ask_batch(questions), candidate.ask_batch(questions))]
    changed = tuple(c for c in changes if c.before != c.after and (c.before_confident or c.after_confident))
    refused = tuple(c for c in changes if c.before_confident and not c.after_confident)
    answered = tuple(c for c in changes if c.after_confident and not c.before_confident)
    entries = {p.id: p.entry for p in current.index.passages}
    lost = []
    rated_questions = [q for q, _, _ in rated]
    for (q, passage, ups), b, a in zip(rated, current.ask_batch(rated_questions), candidate.ask_batch(rated_questions)):
        liked_entry = entries.get(passage, passage)
        if b.hits and b.hits[0].passage.entry == liked_entry and (not a.hits or a.hits[0].passage.entry != liked_entry):
            lost.append(_change(q, ups, b, a))
    return Preview(len(questions), changed, refused, answered, tuple(lost))


def preview(settings: Settings, encoder: Encoder, store: FeedbackStore, top: int = DEFAULT_QUESTIONS,
            candidate_root: Path | None = None) -> Preview:
    """Build the corpus of ``settings`` as a candidate (in ``candidate_root``, else a temporary
    folder removed afterwards) and compare it with the index in service. Raises what
    :func:`faqsearch.build.pipeline.build` raises for a corpus to fix, ``IndexLoadError`` without
    an index in service, :class:`FeedbackError` when the store cannot be read."""
    if top < 1:
        raise ValueError(f"top must be 1 or more. Currently, top is {top}.")
    current = Engine.open(settings.index_dir, encoder)
    asked = [(q.question, q.count) for q in store.top_questions(top)]
    rated = liked(store, top)
    with tempfile.TemporaryDirectory(prefix="faqsearch-preview-") as folder:
        root = Path(candidate_root or folder)
        build(settings.corpus_dir, root, encoder, cache_dir=settings.embed_cache, variants=settings.variants)
        return compare(current, Engine.open(root, encoder), asked, rated)
