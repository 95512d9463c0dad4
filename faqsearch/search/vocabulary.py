"""A vocabulary of folded words, looked up by prefix and by closeness (typos).

Words are folded (case and accents, :func:`faqsearch.text.normalize.words`), so "telephone"
finds "téléphone". A word's close words are found through the character trigrams they share,
then checked by edit distance (an insertion, a deletion, a substitution or two letters swapped
count one), so that a lookup reads a few hundred words, not the whole vocabulary.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from typing import Iterable, Sequence


CANDIDATES = 200


def allowed_typos(word: str) -> int:
    """How many typos a word of this length may hold and still be recognised: none under four
    letters ("mal" is not "mail"), one up to seven, two from eight."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """The edit distance of ``a`` and ``b`` (a swap of two neighbours counts one), or
    ``limit`` + 1 as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if before is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def _trigrams(word: str) -> set[str]:
    padded = f"<{word}>"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class Vocabulary:
    """Sorted distinct words with their counts, a trigram index, prefix and typo lookups."""

    def __init__(self, words: Iterable[str] = (), counts: Counter | None = None):
        """``words`` (each as often as it occurs), or their ``counts``."""
        self.counts = Counter(w for w in words if w) if counts is None else +counts
        self.words: list[str] = sorted(self.counts)
        grams: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(self.words):
            for gram in _trigrams(word):
                grams[gram].append(i)
        self._grams = dict(grams)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def with_prefix(self, prefix: str) -> Sequence[str]:
        """The words that start with ``prefix``, in alphabetical order."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\uffff", lo)
        return self.words[lo:hi]

    def near(self, word: str, limit: int | None = None) -> list[str]:
        """The words within ``limit`` typos of ``word`` (:func:`allowed_typos` by default),
        closest first, then most frequent; ``word`` itself when known."""
        limit = allowed_typos(word) if limit is None else limit
        if word in self.counts or limit == 0:
            return [word] if word in self.counts else []
        found = [(distance(word, w, limit), -self.counts[w], w) for w in self._candidates(word, limit)]
        return [w for d, _, w in sorted(found) if d <= limit]

    def near_prefix(self, prefix: str) -> list[str]:
        """The words that start with ``prefix`` or with a string one typo from it (a prefix of
        four letters or more)."""
        exact = list(self.with_prefix(prefix))
        if exact or allowed_typos(prefix) == 0:
            return exact
        found = set()
        for word in self._candidates(prefix, 1, prefix=True):
            for size in (len(prefix) - 1, len(prefix), len(prefix) + 1):
                if distance(prefix, word[:size], 1) <= 1:
                    found.add(word)
                    break
        return sorted(found)

    def _candidates(self, word: str, limit: int, prefix: bool = False) -> list[str]:
        """Words sharing enough trigrams with ``word`` to be within ``limit`` typos of it (each typo
        changes at most three trigrams, a swap four); a ``prefix`` has no end mark."""
        grams = _trigrams(word) - ({f"{word[-2:]}>"} if prefix else set())
        shared = Counter(i for gram in grams for i in self._grams.get(gram, ()))
        need = max(1, len(grams) - 4 * limit)
        # The closest by shared trigrams are checked first, and no more than CANDIDATES of them.
        return [self.words[i] for i, n in shared.most_common(CANDIDATES) if n >= need]
