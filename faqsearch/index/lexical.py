"""BM25 over French text, tokenised by :mod:`faqsearch.text.analyzer`.

A small, dependency-light implementation on a sparse matrix, so that every passage's score is
available for fusion and the index saves as plain arrays (no pickle).
"""

from __future__ import annotations

import difflib
from array import array
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from ..text.analyzer import GRAM_MARK, analyzer
from ..text.normalize import words

SYNONYM_WEIGHT = 0.5
# Bounds on the work one question costs the lexical side, however it is written: its first 100
# content words, a few typo lookups (each scans the terms that share its first letter, in Python,
# holding the interpreter for other sessions), none for a "word" longer than any French one.
MAX_QUERY_WORDS = 100
MAX_TYPO_LOOKUPS = 12
MAX_TYPO_CHARS = 25


class LexicalIndex:
    """Okapi BM25 (k1, b) with a typo-tolerant query side: an unknown query term is mapped to the
    closest indexed term (difflib ratio ≥ 0.8), so "suport" still meets "support".
    """

    def __init__(self, vocabulary: dict[str, int], weights: sparse.csc_matrix, k1: float = 1.2, b: float = 0.75,
                 synonyms: Sequence[Sequence[str]] = ()):
        self.vocabulary = vocabulary
        self.synonyms = tuple(tuple(group) for group in synonyms)
        self._synonym_keys = [[" " + " ".join(words(term)) + " " for term in group] for group in self.synonyms]
        self.weights = weights  # passages × terms, BM25 weight of each term in each passage
        self.k1, self.b = k1, b
        self.analyzer = analyzer()
        self._terms = sorted(t for t in vocabulary if not t.startswith(GRAM_MARK))
        # Typo candidates share the token's first letter (see _ids): grouped once here, because
        # filtering the whole vocabulary per unknown token was 90% of a query at 30,000 passages.
        self._by_initial: dict[str, list[str]] = {}
        for term in self._terms:
            self._by_initial.setdefault(term[0], []).append(term)
        self._is_gram = np.zeros(max(len(vocabulary), 1), dtype=bool)
        self._is_gram[[j for t, j in vocabulary.items() if t.startswith(GRAM_MARK)]] = True

    @classmethod
    def build(cls, texts: Iterable[str], k1: float = 1.2, b: float = 0.75,
              synonyms: Sequence[Sequence[str]] = ()) -> "LexicalIndex":
        """BM25 weights of ``texts`` (read once, in order: a generator spares holding them all)."""
        # One text's tokens at a time, its terms and counts appended to two flat C arrays, which
        # are the rows of the matrix: every token (stems and 4-grams) and the counts held in
        # Python lists made this the peak of a large build (``python -m bench.memory``).
        analyze = analyzer()
        vocabulary: dict[str, int] = {}
        cols, tfs, terms, lengths = array("i"), array("f"), [0], []
        for text in texts:
            doc = analyze(text)
            counts = Counter(doc)  # counted in C: a Python step per token was a third of the build
            lengths.append(len(doc))
            terms.append(terms[-1] + len(counts))
            cols.extend(vocabulary.setdefault(token, len(vocabulary)) for token in counts)
            tfs.extend(counts.values())
        n = len(lengths)
        indptr = np.array(terms, dtype=np.int64)
        cols, tf = np.frombuffer(cols, dtype=np.int32), np.frombuffer(tfs, dtype=np.float32)
        doc_lengths = np.array(lengths, dtype=np.float32)
        avg = float(doc_lengths.mean()) if n and doc_lengths.mean() > 0 else 1.0
        df = np.bincount(cols, minlength=len(vocabulary)).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = k1 * (1.0 - b + b * np.repeat(doc_lengths, np.diff(indptr)) / avg)
        values = idf[cols] * tf * (k1 + 1.0) / (tf + norm)
        del tf, tfs, norm
        # Row by row is CSR; converted, each column lists its rows in order, as from (row, col) triples.
        rows = sparse.csr_matrix((values, cols, indptr), shape=(n, max(len(vocabulary), 1)))
        weights = rows.tocsc()
        return cls(vocabulary, weights, k1, b, synonyms)

    def expansions(self, text: str) -> list[str]:
        """Synonyms of the terms found in ``text`` (whole words, accents and case ignored)."""
        padded = " " + " ".join(words(text)) + " "
        out: list[str] = []
        for group, keys in zip(self.synonyms, self._synonym_keys):
            if any(key.strip() and key in padded for key in keys):
                out.extend(term for term, key in zip(group, keys) if key not in padded)
        return out

    def _ids(self, text: str) -> list[int]:
        ids: list[int] = []
        seen = 0  # whole-word tokens looked at
        lookups = 0  # typo lookups made
        for token in self.analyzer(text):
            whole = not token.startswith(GRAM_MARK)
            if whole:
                seen += 1
                if seen > MAX_QUERY_WORDS:  # the rest of a very long question adds no terms
                    break
            j = self.vocabulary.get(token)
            if j is None and whole and 5 <= len(token) <= MAX_TYPO_CHARS and lookups < MAX_TYPO_LOOKUPS:
                # A typo keeps the first letter and most of the word; looser matching turned
                # "réparer" into "préparer" and "demain" into "demande".
                lookups += 1
                close = difflib.get_close_matches(token, self._by_initial.get(token[0], []), n=1, cutoff=0.85)
                j = self.vocabulary[close[0]] if close else None
            if j is not None and j not in ids:
                ids.append(j)
        return ids

    def query_weights(self, text: str) -> dict[int, float]:
        """Weighted vocabulary ids of a query: its own terms (typos mapped to the nearest known
        term) count fully, terms brought in by synonyms count half, so they help without
        outweighing the user's own words."""
        terms = {j: 1.0 for j in self._ids(text)}
        for j in self._ids(" ".join(self.expansions(text))):
            terms.setdefault(j, SYNONYM_WEIGHT)
        return terms

    def match(self, queries: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """For every query, analysed once: the BM25 score of every passage, shape (queries,
        passages), and the evidence — the weights of its whole-word terms that the index knows
        (a synonym counts half). Off-topic questions share almost no words with the guides."""
        scores = np.zeros((len(queries), self.weights.shape[0]), dtype=np.float32)
        evidence = np.zeros(len(queries), dtype=np.float32)
        for qi, query in enumerate(queries):
            terms = self.query_weights(query)
            if terms:
                ids = list(terms)
                weights = np.array([terms[j] for j in ids], dtype=np.float32)
                scores[qi] = self.weights[:, ids] @ weights
                evidence[qi] = float(weights[~self._is_gram[ids]].sum())
        return scores, evidence

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """BM25 score of every passage for every query: shape (queries, passages)."""
        return self.match(queries)[0]

    def evidence(self, text: str) -> float:
        """How much of ``text`` the guides' vocabulary knows (see :meth:`match`)."""
        return float(self.match([text])[1][0])

    def save(self, path: Path) -> None:
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.get), dtype=np.str_)
        w = self.weights.tocsc()
        with open(path, "wb") as fh:
            np.savez(fh, terms=terms, data=w.data, indices=w.indices, indptr=w.indptr,
                     shape=np.array(w.shape), params=np.array([self.k1, self.b]),
                     synonyms=np.array(["\t".join(g) for g in self.synonyms], dtype=np.str_))

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        with np.load(path, allow_pickle=False) as z:
            terms = [str(t) for t in z["terms"]]
            weights = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            k1, b = (float(x) for x in z["params"])
            synonyms = [str(g).split("\t") for g in z["synonyms"]] if "synonyms" in z.files else []
        return cls({t: i for i, t in enumerate(terms)}, weights, k1, b, synonyms)
