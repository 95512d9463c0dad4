"""Hybrid search: dense and BM25 candidates, fused into one ranking of entries per query.

Over a :class:`FaqIndex`: its encoder turns the questions into vectors, unless the caller
already has them (the build's check, from its cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ..index.entries import EntryTable
from ..index.faq_index import FaqIndex
from ..index.headings import HEADING_WEIGHT, with_headings
from ..records.answer import Hit
from ..records.passage import Passage
from .fusion import blend, rrf

FUSIONS = ("blend", "rrf")


@dataclass(frozen=True)
class SearchConfig:
    """How dense and lexical evidence are combined (defaults measured with ``faqsearch eval``: α in
    docs/benchmarks/ranking.md#dev-ablation, the question views' offsets in
    docs/benchmarks/ranking.md#question-read, every field in docs/benchmarks/settings.md#search-config).

    ``fusion`` is "blend" (normalised mix, ``alpha`` for dense) or "rrf" (reciprocal ranks,
    ``lexical_weight`` scaling the BM25 share); ``candidates`` passages are taken from each
    retriever before fusion when the dense index is approximate.

    Question views (:mod:`faqsearch.index.views`) count ``question_offset`` less than passage views: a
    visitor's question is always closer to another question than to a passage (off-topic ones
    reach 0.86–0.89 against the generated questions), so only a near-identical phrasing should win
    through one; from 0.1 they no longer displace a right passage on the dev sets. A question view
    at ``known_question`` or above is the same question (up to case, punctuation or a typo): it keeps
    its cosine and its passage comes first. ``named_channel_bonus`` is added to the fused score of
    passages about a channel the question names (see :func:`faqsearch.channels.mentions.rerank`).
    ``heading_weight`` is the share of the entry's heading on the lexical side (see
    :mod:`faqsearch.index.headings`).
    """

    fusion: str = "blend"
    alpha: float = 0.55
    rrf_k: int = 60
    lexical_weight: float = 1.0
    candidates: int = 100
    use_lexical: bool = True
    use_dense: bool = True
    use_question_views: bool = True
    question_offset: float = 0.1
    known_question: float = 0.985
    named_channel_bonus: float = 0.2
    heading_weight: float = HEADING_WEIGHT
    fuse: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}. Currently, fusion is {self.fusion!r}.")
        if self.candidates < 1:
            raise ValueError(f"candidates must be greater than 0. Currently, candidates is {self.candidates}.")
        if self.question_offset < 0 or self.named_channel_bonus < 0 or self.heading_weight < 0:
            raise ValueError("question_offset, named_channel_bonus and heading_weight must be 0 or more. Currently, "
                             f"they are {self.question_offset}, {self.named_channel_bonus} and {self.heading_weight}.")
        if not (self.use_lexical or self.use_dense):
            raise ValueError("At least one of use_lexical and use_dense must be True.")
        # Resolved once here rather than compared per query.
        object.__setattr__(self, "fuse", self._resolve())

    def _resolve(self) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
        if not self.use_lexical:
            return lambda dense, lexical, candidates: dense[candidates].astype(np.float64)
        if not self.use_dense:
            return lambda dense, lexical, candidates: lexical[candidates].astype(np.float64)
        if self.fusion == "rrf":
            return lambda dense, lexical, candidates: rrf(dense, lexical, candidates, self.rrf_k, self.lexical_weight)
        return lambda dense, lexical, candidates: blend(dense, lexical, candidates, self.alpha)


@dataclass(frozen=True)
class Results:
    """What one query found: its hits, best first, and the lexical evidence that the guides'
    vocabulary covers the query (see :meth:`LexicalIndex.match`), for the confidence decision."""

    hits: tuple[Hit, ...]
    evidence: float = 0.0


def search_batch(index: FaqIndex, queries: Sequence[str], top_k: int = 5, config: SearchConfig = SearchConfig(),
                 query_vectors: np.ndarray | None = None) -> list[Results]:
    """The ``top_k`` entries for each query, best first, each through its best passage, with the
    evidence behind them. ``query_vectors``, when the caller already has them, spare encoding the
    queries again."""
    if top_k < 1:
        raise ValueError(f"top_k must be greater than 0. Currently, top_k is {top_k}.")
    if not queries:
        return []
    query_vectors = index.encoder.encode_queries(list(queries)) if query_vectors is None else query_vectors
    passages, dense, entries = index.passages, index.dense, index.entries
    n = len(passages)
    lexical_scores, evidence = _lexical(index, queries, config)
    pool = min(n, max(config.candidates, top_k))
    approximate = dense.kind != "exact"
    from_dense = dense.candidates(query_vectors, pool) if approximate else None
    results = []
    for qi in range(len(queries)):
        lex = lexical_scores[qi]
        # Dropping the question views is lowering them below any cosine.
        lower, known = (config.question_offset, config.known_question) if config.use_question_views else (3.0, 3.0)
        if not approximate:
            candidates = np.arange(n)
            dense_scores, exact = dense.best_views(query_vectors[qi], None, lower, known)
        else:
            lex_top = np.argpartition(-lex, pool - 1)[:pool] if pool < n else np.arange(n)
            candidates = np.union1d(from_dense[qi], lex_top[lex[lex_top] > 0])
            dense_scores = np.zeros(n, dtype=np.float32)
            dense_scores[candidates], exact = dense.best_views(query_vectors[qi], candidates, lower, known)
        hits = _rank_entries(passages, entries, dense_scores, lex, candidates, exact, top_k, config)
        results.append(Results(hits, float(evidence[qi])))
    return results


def _lexical(index: FaqIndex, queries: Sequence[str], config: SearchConfig) -> tuple[np.ndarray, np.ndarray]:
    """BM25 of every passage for every query (with its entry's heading), and the lexical evidence."""
    if not config.use_lexical:
        return np.zeros((len(queries), len(index.passages)), np.float32), np.zeros(len(queries), np.float32)
    lexical_scores, evidence = index.lexical.match(queries)
    if config.heading_weight > 0:
        lexical_scores = with_headings(lexical_scores, index.headings.scores(queries), index.entries.owner,
                                       config.heading_weight)
    return lexical_scores, evidence


def _rank_entries(passages: Sequence[Passage], entries: EntryTable, dense_scores: np.ndarray, lex: np.ndarray,
                  candidates: np.ndarray, exact: np.ndarray, top_k: int, config: SearchConfig) -> tuple[Hit, ...]:
    """Fuse, then rank entries: an entry cut into chunks takes its best cosine and its best BM25
    over its chunks (fused again at entry level) and is shown through its best fused chunk.
    ``exact`` (by candidate) marks passages one of whose questions is the very question asked."""
    # Fused scores are at most 1 (blend) or 2 (rrf): a known question goes first.
    fused = config.fuse(dense_scores, lex, candidates) + 2.0 * exact
    if entries.one_passage_each:
        shown, entry_dense, entry_lex = candidates, dense_scores[candidates], lex[candidates]
    else:
        chosen = entries.best(fused, candidates)
        shown = candidates[chosen]
        entry_dense = entries.entry_max(entries.opening_first(dense_scores), candidates, chosen)
        entry_lex = entries.entry_max(lex, candidates, chosen)
        known = np.zeros(len(passages))
        known[candidates] = exact
        fused = config.fuse(entry_dense, entry_lex, np.arange(len(shown))) + 2.0 * entries.entry_max(
            known, candidates, chosen)
    order = np.argsort(-fused, kind="stable")[:top_k]
    return tuple(Hit(rank + 1, passages[int(shown[i])], float(fused[i]), float(entry_dense[i]), float(entry_lex[i]))
                 for rank, i in enumerate(order))
