"""What is indexed for a passage: the texts embedded (its views) and the text BM25 sees.

Besides its passage views (:meth:`Passage.views`), each passage's question and variants are
embedded as queries, its question views: a visitor's question is then also compared question to
question (E5's symmetric use: the ``query: `` prefix on both sides), which is how an attached
phrasing ("je préfère parler à quelqu'un au téléphone") finds its passage. Pure layout: which
texts are embedded how, and where each vector goes; per passage, its passage views come first,
then its question views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..records.passage import Passage


@dataclass(frozen=True)
class Layout:
    """The texts to embed for some passages and where their vectors go.

    ``passage_texts`` are embedded as passages, ``question_texts`` as queries; ``offsets[i]:
    offsets[i + 1]`` are passage ``i``'s rows and ``is_question`` marks the question views.
    """

    passage_texts: list[str]
    question_texts: list[str]
    passage_counts: np.ndarray
    question_counts: np.ndarray

    @property
    def offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.passage_counts + self.question_counts)]).astype(np.int64)

    @property
    def is_question(self) -> np.ndarray:
        return np.concatenate([np.r_[np.zeros(p, bool), np.ones(q, bool)]
                               for p, q in zip(self.passage_counts, self.question_counts)]
                              or [np.zeros(0, bool)])

    def assemble(self, passage_vectors: np.ndarray, question_vectors: np.ndarray) -> np.ndarray:
        """One matrix in row order: each passage's passage views, then its question views."""
        passage_vectors = np.asarray(passage_vectors, dtype=np.float32)
        question_vectors = np.asarray(question_vectors, dtype=np.float32).reshape(-1, passage_vectors.shape[1])
        p_at = np.concatenate([[0], np.cumsum(self.passage_counts)])
        q_at = np.concatenate([[0], np.cumsum(self.question_counts)])
        blocks = []
        for i in range(len(self.passage_counts)):
            blocks += [passage_vectors[p_at[i]:p_at[i + 1]], question_vectors[q_at[i]:q_at[i + 1]]]
        return np.concatenate(blocks)


def layout(passages: Sequence[Passage], questions: bool = True, variant_views: bool = True) -> Layout:
    """The layout of ``passages``' views; ``questions`` False leaves the question views out,
    ``variant_views`` False the passage views of the variants (see :meth:`Passage.views`)."""
    views = [p.views(variant_views) for p in passages]
    # The chunks of a long entry share its question: asked once, on its first chunk.
    asked = [p.phrasings() if questions and p.part <= 1 else [] for p in passages]
    return Layout([t for group in views for t in group], [t for group in asked for t in group],
                  np.array([len(v) for v in views], dtype=np.int64), np.array([len(q) for q in asked], dtype=np.int64))


def lexical_text(passage: Passage, variants: bool = True) -> str:
    """What BM25 sees: the passage's text and, with ``variants``, the other phrasings of its
    question (on an entry's first chunk only, where its question views are too). With the variants
    also framing the answer on the dense side (:meth:`Passage.views`), appending them here gains on
    both seed sets and on held-out variants (docs/benchmarks/variants.md#variant-views); before those views, it
    cost dev MRR@5 (0.933 -> 0.928)."""
    if not variants or not passage.variants or passage.part > 1:
        return passage.text()
    return "\n".join([passage.text(), *passage.variants])
