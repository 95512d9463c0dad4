"""What is indexed for a passage: the texts embedded (its views, each of a field) and the text BM25 sees.

The fields of the dense side, each scored apart until the ranking combines them
(:class:`faqsearch.search.hybrid.SearchConfig`):

- ``text``: the passage itself (section, question, answer or chunk), embedded as a passage;
- ``line``: each line of a listed answer, under its item's title (:meth:`Passage.field_views`);
- ``variant``: the answer under another phrasing of its question;
- ``title``: the entry's question alone, embedded as a passage. On FAQs of short look-alike
  entries the title says what an entry is about better than its answer does;
- ``question``: the entry's question and variants embedded as queries, so that a visitor's
  question is also compared question to question (E5's symmetric use: the ``query: `` prefix on
  both sides), which is how an attached phrasing ("je préfère parler à quelqu'un au téléphone")
  finds its entry.

Title and question views belong to an entry's first chunk only. Pure layout: which texts are
embedded how, and where each vector goes; per passage, its passage views (text, lines, variants,
title) come first, then its question views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..records.passage import Passage

FIELDS = ("text", "line", "variant", "title", "question")
TEXT, LINE, VARIANT, TITLE, QUESTION = range(len(FIELDS))
_FIELD = {name: number for number, name in enumerate(FIELDS)}


@dataclass(frozen=True)
class Layout:
    """The texts to embed for some passages and where their vectors go.

    ``passage_texts`` are embedded as passages, ``question_texts`` as queries; ``offsets[i]:
    offsets[i + 1]`` are passage ``i``'s rows and ``fields`` numbers the field of each row
    (:data:`FIELDS`).
    """

    passage_texts: list[str]
    question_texts: list[str]
    passage_counts: np.ndarray
    question_counts: np.ndarray
    passage_fields: np.ndarray  # the field of each passage text, in passage_texts' order

    @property
    def offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.passage_counts + self.question_counts)]).astype(np.int64)

    @property
    def fields(self) -> np.ndarray:
        """The field of every row, in :meth:`assemble`'s order."""
        p_at = np.concatenate([[0], np.cumsum(self.passage_counts)])
        return np.concatenate([np.r_[self.passage_fields[p_at[i]:p_at[i + 1]], np.full(q, QUESTION, np.int8)]
                               for i, q in enumerate(self.question_counts)] or [np.zeros(0, np.int8)]).astype(np.int8)

    @property
    def is_question(self) -> np.ndarray:
        return self.fields == QUESTION

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


def passage_views(passage: Passage, variant_views: bool = True, titles: bool = True) -> list[tuple[int, str]]:
    """The texts ``passage`` is embedded as, as passages, each with its field number: its own views
    (:meth:`Passage.field_views`), then, on an entry's first chunk, its title."""
    views = [(_FIELD[field], text) for field, text in passage.field_views(variant_views)]
    if titles and passage.part <= 1 and passage.question.strip():
        views.append((TITLE, passage.question))
    return views


def layout(passages: Sequence[Passage], questions: bool = True, variant_views: bool = True,
           titles: bool = True) -> Layout:
    """The layout of ``passages``' views; ``questions`` False leaves the question views out,
    ``variant_views`` False the passage views of the variants (see :meth:`Passage.field_views`),
    ``titles`` False the title views."""
    views = [passage_views(p, variant_views, titles) for p in passages]
    # The chunks of a long entry share its question: asked once, on its first chunk.
    asked = [p.phrasings() if questions and p.part <= 1 else [] for p in passages]
    return Layout([text for group in views for _, text in group], [t for group in asked for t in group],
                  np.array([len(v) for v in views], dtype=np.int64), np.array([len(q) for q in asked], dtype=np.int64),
                  np.array([field for group in views for field, _ in group], dtype=np.int8))


def lexical_text(passage: Passage, variants: bool = True) -> str:
    """What BM25 sees: the passage's text and, with ``variants``, the other phrasings of its
    question (on an entry's first chunk only, where its question views are too). With the variants
    also framing the answer on the dense side (:meth:`Passage.views`), appending them here gains on
    both seed sets and on held-out variants (docs/benchmarks/variants.md#variant-views); before those views, it
    cost dev MRR@5 (0.933 -> 0.928)."""
    if not variants or not passage.variants or passage.part > 1:
        return passage.text()
    return "\n".join([passage.text(), *passage.variants])
