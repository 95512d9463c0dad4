"""« Vouliez-vous dire … » : the question with its unknown words replaced by close known ones.

A word of the question is unknown when the analyzer's key for it (its stem) is not in the index's
BM25 vocabulary; it is replaced by the closest word of the guides' text within one or two typos
(:mod:`faqsearch.search.vocabulary`), written as the guides write it (accents included). The
corrected question is only offered: the question asked is answered as typed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..index.faq_index import FaqIndex
from ..text.analyzer import analyzer
from ..text.normalize import fold, words
from .vocabulary import Vocabulary
from .per_index import PerIndex

_WORD = re.compile(r"[^\W_]+")


class Speller:
    """The words of a set of passages, and the corrections of a question against them."""

    def __init__(self, texts: list[str], known_keys: set[str] | frozenset[str]):
        forms: dict[str, Counter] = defaultdict(Counter)
        for text in texts:
            for match in _WORD.finditer(text):
                raw = match.group()
                for word in words(raw):
                    forms[word][raw.lower() if fold(raw) == word else word] += 1
        self.vocabulary = Vocabulary(counts=Counter({w: sum(c.values()) for w, c in forms.items()}))
        self._written = {w: c.most_common(1)[0][0] for w, c in forms.items()}
        self._known = known_keys

    def known(self, word: str) -> bool:
        """True for a word the guides' vocabulary knows (by its key), a stop word or a number."""
        key = analyzer().stem(word)
        return key is None or key in self._known or word.isdigit()

    def correct(self, question: str) -> str | None:
        """The question with each unknown word replaced by its closest known word; None when no
        word is both unknown and close to a known one."""
        changed = False
        out, last = [], 0
        for match in _WORD.finditer(question):
            folded = words(match.group())
            if len(folded) != 1 or self.known(folded[0]):
                continue
            close = [w for w in self.vocabulary.near(folded[0]) if self.known(w)]
            if not close:
                continue
            written = self._written.get(close[0], close[0])
            if match.group()[:1].isupper():
                written = written[:1].upper() + written[1:]
            out += [question[last:match.start()], written]
            last, changed = match.end(), True
        return "".join(out) + question[last:] if changed else None


class Spelling(PerIndex[Speller]):
    """The speller of the index in service, made again when a new build is published."""

    def __init__(self):
        super().__init__(_speller)


def _speller(index: FaqIndex) -> Speller:
    # Corrections are offered to visitors: an internal entry's words must not surface in them.
    texts = [text for p in index.passages if not p.internal for text in (p.text(), *p.variants)]
    return Speller(texts, frozenset(index.lexical.vocabulary))
