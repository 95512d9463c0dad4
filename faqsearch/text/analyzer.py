"""The one French analyzer: the same words and stems for indexing, querying and highlighting.

Case and accents are folded, stop words dropped, Snowball French stems kept, plus each word's
character 4-grams (marked "#") for BM25. Stems alone miss French derivations ("communauté" /
"communautaires" stem apart) and typos; the shared 4-grams still meet, while whole stems keep
exact words on top.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from .normalize import fold, words

STOP_WORDS = frozenset(fold(w) for w in """
a à ai au aux avec ce ces cet cette comment dans de des du elle en est et être il ils je la le les leur
leurs lui ma mais me mes moi mon ne nos notre nous on ou où par pas pour qu que quel quelle quelles quels
qui quoi sa se ses si son sur ta te tes toi ton tu un une vos votre vous y d l j m n s t c qu faut faire
peut puis peux doit dois existe t il elle y a-t-il est-ce ça cela sont sous depuis avant après plus moins
très bien aussi avoir ont suis es sommes êtes était été sera fait fais veux voudrais comme donc alors
the a an of to is how do i my what where which can for in on and are does there it
""".split())

GRAM = 4
GRAM_MARK = "#"
# A word as the page shows it: letters and digits of any script, so spans map back to the raw text.
_WORD = re.compile(r"[^\W_]+")


class FrenchAnalyzer:
    """Stems for matching, 4-grams for BM25 (see the module docstring)."""

    def __init__(self):
        import Stemmer  # PyStemmer

        self._stemmer = Stemmer.Stemmer("french")
        self._cache: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, ...]] = {}

    def stem(self, word: str) -> str | None:
        """The key of one folded word; None for stop words and single letters."""
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            return None
        stem = self._cache.get(word)
        if stem is None:
            if len(self._cache) > 200_000:  # bounded: questions bring endless new words
                self._cache.clear()
            stem = self._cache[word] = fold(self._stemmer.stemWord(word))
        return stem

    def stems(self, text: str) -> list[str]:
        """The keys of ``text``'s words, in order (duplicates kept)."""
        return [s for s in (self.stem(w) for w in words(text)) if s]

    def word_tokens(self, word: str) -> tuple[str, ...]:
        """BM25 tokens of one folded word: its stem, then its character 4-grams; () for a stop word."""
        tokens = self._tokens.get(word)
        if tokens is None:
            stem = self.stem(word)
            padded = f"<{word}>"
            tokens = () if stem is None else (stem, *(
                GRAM_MARK + padded[i : i + GRAM] for i in range(max(1, len(padded) - GRAM + 1))))
            if len(self._tokens) > 200_000:  # bounded, like the stems
                self._tokens.clear()
            self._tokens[word] = tokens
        return tokens

    def __call__(self, text: str) -> list[str]:
        """BM25 tokens: each word's stem followed by its character 4-grams."""
        out: list[str] = []
        # A help center repeats its words: each word's tokens are made once, then looked up.
        for word in words(text):
            out.extend(self.word_tokens(word))
        return out

    def spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, key) of every word of the raw ``text`` that has a key (for highlighting)."""
        for match in _WORD.finditer(text):
            for word in words(match.group()):
                key = self.stem(word)
                if key:
                    yield match.start(), match.end(), key
                    break


@lru_cache(maxsize=1)
def analyzer() -> FrenchAnalyzer:
    """The process-wide analyzer (its stem cache is shared by every index and the page)."""
    return FrenchAnalyzer()
