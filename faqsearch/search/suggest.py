"""Suggestions while typing: the entries' questions and variants that complete what is typed.

What is typed is read as folded words (case and accents ignored): every word but the last must be
in the suggestion, or a word one or two typos from it (:mod:`faqsearch.search.vocabulary`); the
last one, still being typed, must start a word of it (or start one typo away). Stop words
constrain nothing ("comment", "le"), but count in the order. Each word's suggestions are kept as a
sorted array of phrase numbers, phrases numbered shortest first, so the intersection of a few
arrays gives the candidates already in order; a few hundred are then ranked by how much of what
is typed they hold, and one suggestion is kept per entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..records.passage import Passage
from ..records.scope import VISITOR, Scope
from ..text.analyzer import STOP_WORDS
from ..text.normalize import fold, words
from .vocabulary import Vocabulary
from .per_index import PerIndex

MAX_LIMIT = 10
RANKED = 100  # candidates ranked in full, in phrase order
PREFIX_WORDS = 64  # the most frequent words a short prefix stands for


@dataclass(frozen=True)
class Suggestion:
    """A question or variant of an entry, offered as the question being typed."""

    text: str
    entry_id: str
    passage_id: str
    section: str

    def to_dict(self) -> dict:
        return {"text": self.text, "entry_id": self.entry_id, "passage_id": self.passage_id, "section": self.section}


class Suggester:
    """The questions and variants of a set of passages, looked up while typing."""

    def __init__(self, passages: Sequence[Passage]):
        phrases: dict[str, tuple[Suggestion, Passage]] = {}
        for p in passages:
            if p.part > 1:
                continue  # a later chunk repeats its entry's question
            for text in p.phrasings():
                phrases.setdefault(" ".join(words(text)), (Suggestion(text.strip(), p.entry, p.id, p.section), p))
        # Numbered shortest first: among equal matches, the plainer question is offered first.
        ordered = sorted(phrases.items(), key=lambda item: (len(item[0]), item[0]))
        self.suggestions = tuple(s for _, (s, _) in ordered)
        self._passages = tuple(p for _, (_, p) in ordered)
        self._folded = tuple(key for key, _ in ordered)
        self._words = tuple(tuple(key.split()) for key in self._folded)
        self._sets = tuple(frozenset(w) for w in self._words)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self._folded):
            for word in dict.fromkeys(key.split()):
                postings[word].append(i)
        self._postings = {w: np.asarray(ids, dtype=np.int32) for w, ids in postings.items()}
        self.vocabulary = Vocabulary(w for key in self._folded for w in key.split())

    def suggest(self, typed: str, limit: int = 5, scope: Scope = VISITOR, plan: str | None = None) -> list[Suggestion]:
        """Up to ``limit`` suggestions for ``typed``, best first, one per entry, among the entries
        ``scope`` may see on ``plan`` (a visitor is never offered an internal entry's question)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit doit être entre 1 et {MAX_LIMIT} (valeur reçue : {limit}).")
        folded = words(typed)
        if not folded:
            return []
        finished = not fold(typed)[-1:].isalnum()  # "support " : the last word is complete
        complete, last = (folded, "") if finished else (folded[:-1], folded[-1])
        masks = [self._mask(self.vocabulary.near(w)) for w in complete if w not in STOP_WORDS]
        prefixed: frozenset[str] = frozenset()
        if len(last) >= 2:  # one letter tells too little, and stands for most of the vocabulary
            prefixed = frozenset(self.vocabulary.near_prefix(last))
            masks.append(self._mask(sorted(prefixed, key=lambda w: -self.vocabulary.counts[w])[:PREFIX_WORDS]))
        masks = [m for m in masks if m is not None]  # a word the guides do not have constrains nothing
        if not masks:
            return []
        weights = [(w, 0.2 if w in STOP_WORDS else 1.0) for w in complete]
        if last:
            weights.append(("", 0.2 if last in STOP_WORDS else 1.0))
        ranked = sorted(_first(masks, RANKED), key=lambda i: -self._overlap(i, folded, weights, last, prefixed))
        chosen: dict[str, Suggestion] = {}
        for i in ranked:
            if not scope.sees(self._passages[i], plan):
                continue
            chosen.setdefault(self.suggestions[i].entry_id, self.suggestions[i])
            if len(chosen) == limit:
                break
        return list(chosen.values())

    def _mask(self, matches: Sequence[str]) -> np.ndarray | None:
        """The phrases holding any of ``matches`` (None when none does)."""
        arrays = [self._postings[w] for w in matches if w in self._postings]
        if not arrays:
            return None
        mask = np.zeros(len(self.suggestions), dtype=np.bool_)
        for ids in arrays:
            mask[ids] = True
        return mask

    def _overlap(self, i: int, typed: list[str], weights: list[tuple[str, float]], last: str,
                 prefixed: frozenset[str]) -> float:
        """How much of what is typed phrase ``i`` holds: its words (a stop word counts a fifth),
        the word being typed ("" in ``weights``: ``last``, or one of the ``prefixed`` words that
        stand for it), and a tenth for each word in place from the start."""
        phrase, held = self._words[i], self._sets[i]
        # ``prefixed`` holds every word starting with a last word of two letters or more.
        typing = bool(last) and (not held.isdisjoint(prefixed) if prefixed else any(w.startswith(last) for w in phrase))
        score = sum(weight for w, weight in weights if (w in held if w else typing))
        start = 0
        for a, b in zip(typed, phrase):
            if a != b and not (a == last and (b.startswith(last) or b in prefixed)):
                break
            start += 1
        return score + 0.1 * start


def _first(masks: list[np.ndarray], count: int) -> list[int]:
    """The first ``count`` phrases held by every mask, in phrase order; when none is, those held
    by the most masks."""
    if len(masks) == 1:
        return np.flatnonzero(masks[0])[:count].tolist()
    held = np.sum(masks, axis=0, dtype=np.int8)
    found: list[int] = []
    for times in range(len(masks), 0, -1):
        found += np.flatnonzero(held == times)[: count - len(found)].tolist()
        if found:
            break  # phrases holding fewer of the words are not offered
    return found


class Suggestions(PerIndex[Suggester]):
    """The suggester of the index in service, made again when a new build is published."""

    def __init__(self):
        super().__init__(lambda index: Suggester(index.passages))
