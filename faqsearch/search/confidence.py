"""When the best passage is trusted as an answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..records.answer import Hit


@dataclass(frozen=True)
class Confidence:
    """When the best passage is trusted as an answer.

    Two independent signals must agree: the best passage's cosine (dense) and the guides'
    vocabulary covering the question (lexical evidence, see :meth:`LexicalIndex.match`);
    off-topic questions share at most a stray word with the guides. A very high cosine alone is
    trusted too, for questions phrased with none of the guides' words.

    Calibrated on three help centers at once, each with its real questions (all answerable) and
    off-topic questions written from general knowledge (weather, sport, cooking): a large one
    (service-public, whose vocabulary knows almost any French word, so that the lexical signal
    alone lets everything through) needs the cosine floor at 0.845, where 0.80 let six off-topic
    questions of ten through; at most 5 % of real questions refused on each
    (``python -m bench.fields --confidence``, docs/benchmarks/ranking.md#confidence).
    """

    min_dense: float = 0.845
    min_evidence: float = 1.5
    sure_dense: float = 0.87

    def __call__(self, hits: Sequence[Hit], evidence: float) -> bool:
        if not hits:
            return False
        best = max(h.dense for h in hits)
        return best >= self.sure_dense or (best >= self.min_dense and evidence >= self.min_evidence)
