"""Ranking entries rather than passages: the chunks of a long entry compete as one. Pure numpy.

A help-center page cut into twenty chunks would otherwise fill the results with itself, and a
page would be judged by one chunk's lexical score and another's cosine separately. An entry takes
the best dense score and the best lexical score of its chunks (what won on the service-public
pages, see BENCHMARKS.md), and is shown through its best chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .documents import Passage


@dataclass(frozen=True)
class EntryTable:
    """Which entry each passage belongs to: ``owner[i]`` numbers passage ``i``'s entry."""

    owner: np.ndarray
    size: int

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> "EntryTable":
        numbers: dict[str, int] = {}
        owner = np.array([numbers.setdefault(p.entry, len(numbers)) for p in passages], dtype=np.int64)
        return cls(owner, len(numbers))

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
