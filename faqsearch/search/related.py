"""Questions liées: the entries nearest to an opened one, by the entries' vectors.

An entry's vector is the one its text was indexed with (the first view of its first passage,
:mod:`faqsearch.index.views`): no model runs, one product of the index's vectors with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..index.faq_index import FaqIndex
from ..records.scope import VISITOR, Scope
from .per_index import PerIndex

MAX_RELATED = 10


@dataclass(frozen=True)
class Related:
    """An entry near the one opened: the passage that opens it, its question and its section."""

    passage_id: str
    entry_id: str
    question: str
    section: str

    def to_dict(self) -> dict:
        return {"passage_id": self.passage_id, "entry_id": self.entry_id, "question": self.question,
                "section": self.section}


class RelatedEntries:
    """The entries of one index and the row of each one's vector."""

    def __init__(self, index: FaqIndex):
        first: dict[str, int] = {}
        for i, passage in enumerate(index.passages):
            first.setdefault(passage.entry, i)
        self._index = index
        self._firsts = np.fromiter(first.values(), dtype=np.int64, count=len(first))
        self._rows = index.dense.offsets[self._firsts]
        self._entry_of = {p.id: first[p.entry] for p in index.passages}
        self._position = {int(passage): n for n, passage in enumerate(self._firsts)}
        self._row_of = {p.id: i for i, p in enumerate(index.passages)}
        self._restricted = [n for n, row in enumerate(self._firsts)
                            if index.passages[int(row)].internal or index.passages[int(row)].audience]

    def near(self, passage_id: str, count: int = 3, scope: Scope = VISITOR,
             plan: str | None = None) -> list[Related] | None:
        """The ``count`` entries nearest to the entry of ``passage_id`` that ``scope`` may see on
        ``plan``, nearest first (None for a passage the index does not have or ``scope`` may not see:
        an internal entry is unknown to a visitor)."""
        if not 1 <= count <= MAX_RELATED:
            raise ValueError(f"count doit être entre 1 et {MAX_RELATED} (valeur reçue : {count}).")
        own = self._entry_of.get(passage_id)
        passages = self._index.passages
        # The entry opened may lie outside the section the asker narrowed to; never outside what they may see.
        if own is None or not scope.within("").sees(passages[self._row_of[passage_id]], plan):
            return None
        vectors = self._index.dense.vectors
        scores = (vectors @ vectors[self._index.dense.offsets[own]])[self._rows]
        scores[self._position[own]] = -np.inf
        # Only entries kept for some askers can be hidden, unless a section narrows the search.
        checked = range(len(self._firsts)) if scope.section else self._restricted
        scores[[n for n in checked if not scope.sees(passages[int(self._firsts[n])], plan)]] = -np.inf
        count = min(count, int(np.isfinite(scores).sum()))
        if count < 1:
            return []
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Related(passages[i].id, passages[i].entry, passages[i].question, passages[i].section)
                for i in (int(self._firsts[t]) for t in top)]


class RelatedIndex(PerIndex[RelatedEntries]):
    """The related entries of the index in service, made again when a new build is published."""

    def __init__(self):
        super().__init__(RelatedEntries)
