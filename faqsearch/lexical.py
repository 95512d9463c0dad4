"""BM25 over French text: case and accents folded, stop words dropped, Snowball stems.

A small, dependency-light implementation on a sparse matrix, so that every passage's score is
available for fusion and the index saves as plain arrays (no pickle).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse

from .text import fold, words

STOP_WORDS = frozenset(fold(w) for w in """
a à ai au aux avec ce ces cet cette comment dans de des du elle en est et être il ils je la le les leur
leurs lui ma mais me mes moi mon ne nos notre nous on ou où par pas pour qu que quel quelle quelles quels
qui quoi sa se ses si son sur ta te tes toi ton tu un une vos votre vous y d l j m n s t c qu faut faire
peut puis peux doit dois existe t il elle y a-t-il est-ce ça cela the a an of to is how do i my what where
which can for in on and are does there it
""".split())


class FrenchAnalyzer:
    """Tokens for BM25: words folded, stop words removed, Snowball French stems (folded)."""

    def __init__(self):
        import Stemmer  # PyStemmer

        self._stemmer = Stemmer.Stemmer("french")
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        out = []
        for word in words(text):
            if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
                continue
            stem = self._cache.get(word)
            if stem is None:
                stem = self._cache[word] = fold(self._stemmer.stemWord(word))
            out.append(stem)
        return out


class LexicalIndex:
    """Okapi BM25 (k1, b) with a typo-tolerant query side: an unknown query term is mapped to the
    closest indexed term (difflib ratio ≥ 0.8), so "suport" still meets "support".
    """

    def __init__(self, vocabulary: dict[str, int], weights: sparse.csc_matrix, k1: float = 1.2, b: float = 0.75):
        self.vocabulary = vocabulary
        self.weights = weights  # passages × terms, BM25 weight of each term in each passage
        self.k1, self.b = k1, b
        self.analyzer = FrenchAnalyzer()
        self._terms = sorted(vocabulary)

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        analyzer = FrenchAnalyzer()
        docs = [analyzer(t) for t in texts]
        vocabulary: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        for i, doc in enumerate(docs):
            counts: dict[int, int] = {}
            for token in doc:
                j = vocabulary.setdefault(token, len(vocabulary))
                counts[j] = counts.get(j, 0) + 1
            rows += [i] * len(counts)
            cols += list(counts)
            tfs += list(counts.values())
        n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        tf = np.array(tfs, dtype=np.float32)
        rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
        df = np.bincount(cols_a, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = k1 * (1.0 - b + b * lengths[rows_a] / avg)
        values = idf[cols_a] * tf * (k1 + 1.0) / (tf + norm)
        weights = sparse.csc_matrix((values, (rows_a, cols_a)), shape=(n, max(len(vocabulary), 1)), dtype=np.float32)
        return cls(vocabulary, weights, k1, b)

    def query_terms(self, text: str) -> list[int]:
        """Vocabulary ids of a query's terms, typos mapped to the nearest known term."""
        ids = []
        for token in self.analyzer(text):
            j = self.vocabulary.get(token)
            if j is None and len(token) >= 4:
                close = difflib.get_close_matches(token, self._terms, n=1, cutoff=0.8)
                j = self.vocabulary[close[0]] if close else None
            if j is not None and j not in ids:
                ids.append(j)
        return ids

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for every query: shape (queries, passages)."""
        out = np.zeros((len(queries), self.weights.shape[0]), dtype=np.float32)
        for qi, query in enumerate(queries):
            terms = self.query_terms(query)
            if terms:
                out[qi] = np.asarray(self.weights[:, terms].sum(axis=1)).ravel()
        return out

    def save(self, path: Path) -> None:
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.get), dtype=np.str_)
        w = self.weights.tocsc()
        with open(path, "wb") as fh:
            np.savez(fh, terms=terms, data=w.data, indices=w.indices, indptr=w.indptr,
                     shape=np.array(w.shape), params=np.array([self.k1, self.b]))

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        with np.load(path, allow_pickle=False) as z:
            terms = [str(t) for t in z["terms"]]
            weights = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            k1, b = (float(x) for x in z["params"])
        return cls({t: i for i, t in enumerate(terms)}, weights, k1, b)
