"""Ranking entries rather than passages: the chunks of a long entry compete as one. Pure numpy.

A help-center page cut into twenty chunks would otherwise fill the results with itself, and a
page would be judged by one chunk's lexical score and another's cosine separately. An entry takes
the best dense score (its opening chunk slightly favoured) and the best lexical score of its
chunks (what won on the service-public pages, docs/benchmarks/external.md#what-won), and is shown through its best
chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..records.passage import Passage


# A page's opening says what the page is about; a later chunk's cosine must beat it by this much.
# With many chunks, a long page otherwise wins the dense ranking by the luck of one of them: on
# the service-public set, dense hit@1 went 0.228 -> 0.327 and hybrid 0.346 -> 0.389 (0.01: 0.364,
# 0.03: 0.407 but hit@10 0.827; docs/benchmarks/external.md#opening-chunk).
LATER_CHUNK_PENALTY = 0.02


@dataclass(frozen=True)
class EntryTable:
    """Which entry each passage belongs to: ``owner[i]`` numbers passage ``i``'s entry."""

    owner: np.ndarray
    size: int
    later: np.ndarray  # True for a chunk after its entry's first

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> "EntryTable":
        numbers: dict[str, int] = {}
        owner = np.array([numbers.setdefault(p.entry, len(numbers)) for p in passages], dtype=np.int64)
        return cls(owner, len(numbers), np.array([p.part > 1 for p in passages], dtype=bool))

    def opening_first(self, dense: np.ndarray) -> np.ndarray:
        """``dense`` (by passage) with later chunks lowered by :data:`LATER_CHUNK_PENALTY`."""
        return dense - LATER_CHUNK_PENALTY * self.later if self.later.any() else dense

    @property
    def one_passage_each(self) -> bool:
        """True when no entry was cut into chunks: entries and passages are the same ranking."""
        return self.size == len(self.owner)

    def best(self, scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Positions in ``candidates`` of the best-scoring passage of each entry present
        (``scores`` is indexed like ``candidates``), one per entry."""
        if not len(candidates):
            return np.zeros(0, dtype=np.int64)
        owners = self.owner[candidates]
        order = np.lexsort((-np.asarray(scores), owners))
        first = np.ones(len(order), dtype=bool)
        first[1:] = owners[order][1:] != owners[order][:-1]
        return order[first]

    def entry_max(self, values: np.ndarray, candidates: np.ndarray, chosen: np.ndarray) -> np.ndarray:
        """For the entries of ``candidates[chosen]``: the largest of ``values`` (indexed by passage)
        over each entry's candidate passages."""
        out = np.full(self.size, -np.inf)
        np.maximum.at(out, self.owner[candidates], values[candidates])
        return out[self.owner[candidates[chosen]]]
