"""The short answer: the smallest part of the best entry that answers the question.

Every part of the best passage's answer (:mod:`faqsearch.search.answer_parts`) is compared with
the question twice, as the ranking compares passages: by the model (the question's vector against
the part's, embedded with the lines it hangs from and the entry's question, so that
"États-Unis : +1 888…" is known to be a phone number) and by the analyzer (the question's stems
that the part holds, each weighted by how few parts of the answer hold it). A part is given only
when it stands out: ahead of every part it does not overlap by ``margin``. The text given is
always a span of the passage's answer: nothing is written, only chosen.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..embedding.default import FEW_PASSAGES
from ..embedding.encoder import Encoder
from ..records.answer import ShortAnswer
from ..records.passage import Passage
from ..text.analyzer import analyzer
from .answer_parts import Part, answer_parts, is_how_to


@dataclass(frozen=True)
class ShortAnswerConfig:
    """How a part is chosen: ``max_chars`` the longest part shown as a short answer; ``margin``
    how far ahead of any part it does not overlap the chosen part must score; ``lexical_weight``
    what the analyzer's share adds to the cosine; ``nested`` how much lower a smaller part inside
    the best one may score and still be preferred (the smallest part that answers);
    ``max_parts`` the most parts embedded for one answer (those sharing the most with the
    question: each costs an encoding, and a long chunk has dozens).

    ``margin`` and ``lexical_weight`` were chosen on the seed guide's questions among 0–0.02 and
    0–0.2 (``python -m bench.short_answers --margin M --lexical-weight W``, BENCHMARKS.md): no
    margin gave one more right answer but never declines; the analyzer's share, weighted more,
    let a part sharing a word of the question beat the part that answers it."""

    max_chars: int = 300
    margin: float = 0.005
    lexical_weight: float = 0.05
    nested: float = 0.01
    max_parts: int = 6

    def __post_init__(self):
        if self.max_chars < 1 or self.max_parts < 1:
            raise ValueError(f"max_chars and max_parts must be greater than 0. Currently, they are "
                             f"{self.max_chars} and {self.max_parts}.")
        if min(self.margin, self.lexical_weight, self.nested) < 0:
            raise ValueError(f"margin, lexical_weight and nested must be 0 or more. Currently, they are "
                             f"{self.margin}, {self.lexical_weight} and {self.nested}.")


class ShortAnswers:
    """Chooses short answers, keeping the vectors of the parts it embedded (the same entries come
    back question after question, and their parts need not be embedded again)."""

    def __init__(self, config: ShortAnswerConfig = ShortAnswerConfig(), cache_size: int = 4096):
        if cache_size < 0:
            raise ValueError(f"cache_size must be 0 or more. Currently, cache_size is {cache_size}.")
        self.config = config
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def choose(self, encoder: Encoder, question: str, question_vector: np.ndarray,
               passage: Passage) -> ShortAnswer | None:
        """The short answer to ``question`` from ``passage``, or None when no part stands out."""
        parts = [p for p in answer_parts(passage.answer, is_how_to(question))
                 if p.end - p.start <= self.config.max_chars]
        if not parts:
            return None
        if len(parts) == 1:
            # Alone, it stands out whatever its score (see :func:`pick`): embedding it would cost
            # a passage encoding for nothing, and one-line entries are common.
            return ShortAnswer(passage.id, passage.answer[parts[0].start:parts[0].end], parts[0].start, parts[0].end)
        # The analyzer reads the lines a part hangs from too: "Numéros :" says what "+1 888…" is.
        lexical = np.array(lexical_shares(question, [f"{p.context} {passage.answer[p.start:p.end]}" for p in parts]))
        # Only the parts the analyzer ranks first are embedded: a long chunk has dozens of sentences.
        kept = np.sort(np.argsort(-lexical, kind="stable")[: self.config.max_parts])
        parts, lexical = [parts[i] for i in kept], lexical[kept]
        texts = [_embedded_text(passage, p) for p in parts]
        cosines = self._vectors(encoder, texts) @ np.asarray(question_vector, dtype=np.float32)
        scores = cosines + self.config.lexical_weight * lexical
        best = pick(parts, scores, self.config)
        if best is None:
            return None
        return ShortAnswer(passage.id, passage.answer[best.start:best.end], best.start, best.end)

    def _vectors(self, encoder: Encoder, texts: list[str]) -> np.ndarray:
        keys = [(encoder.name, t) for t in texts]
        with self._lock:
            known = {k: self._cache[k] for k in keys if k in self._cache}
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        # A few at a time: the default encoder embeds a handful in this process, without
        # starting its process for passages.
        for i in range(0, len(missing), FEW_PASSAGES):
            batch = missing[i:i + FEW_PASSAGES]
            known.update(zip(batch, encoder.encode_passages([t for _, t in batch])))
        with self._lock:
            for key in missing:
                self._cache[key] = known[key]
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return np.stack([known[k] for k in keys]).astype(np.float32)


def _embedded_text(passage: Passage, part: Part) -> str:
    """The part under its entry's question and the lines it hangs from: without them, a line such
    as "Disponibilité : 24/7" is about nothing (right short answers on the seed guide fell from
    46 to 42 of 55 when parts of 100 characters or more were embedded alone)."""
    text = passage.answer[part.start:part.end]
    return " : ".join(t for t in (passage.title or passage.question, part.context, text) if t)


def lexical_shares(question: str, parts: Sequence[str]) -> list[float]:
    """For each part, the share of the question's tokens (the analyzer's stems and 4-grams, which
    meet across derivations and typos: "disponible" / "Disponibilité", "tchat" / "chat") that it
    holds, each weighted by how few of ``parts`` hold it (a word every part has tells none apart)."""
    stems = set(analyzer()(question))
    held = [set(analyzer()(text)) & stems for text in parts]
    weights = {s: math.log(1 + len(parts) / (1 + sum(s in h for h in held))) for s in stems}
    total = sum(weights.values())
    return [sum(weights[s] for s in h) / total if total else 0.0 for h in held]


def pick(parts: Sequence[Part], scores: np.ndarray, config: ShortAnswerConfig) -> Part | None:
    """The best part if it stands out, or the smallest part inside it that scores almost as well;
    None when a part it does not overlap comes within ``margin``."""
    order = np.argsort(-scores, kind="stable")
    best = parts[int(order[0])]
    rivals = [float(scores[i]) for i in order[1:] if not parts[int(i)].overlaps(best)]
    if rivals and float(scores[order[0]]) - rivals[0] < config.margin:
        return None
    floor = float(scores[order[0]]) - config.nested
    inside = [parts[int(i)] for i in order if best.contains(parts[int(i)]) and float(scores[i]) >= floor]
    return min(inside, key=lambda p: (p.end - p.start, p.start))
