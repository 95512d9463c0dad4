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
from ..index.views import FIELDS
from ..index.headings import HEADING_WEIGHT, with_headings
from ..records.answer import Hit
from ..records.passage import Passage
from .fusion import blend, rrf

FUSIONS = ("blend", "rrf")
LEXICAL_FIELDS = ("text", "heading")
# Added to the views of a field left out: no cosine (at least -1) gets it back above a counted view.
_LEFT_OUT = -3.0
_NEVER = 3.0  # above any cosine
# The recall guard works within the first ten results and never moves the first eight.
GUARD_DEPTH, GUARD_KEEPS = 10, 8


@dataclass(frozen=True)
class SearchConfig:
    """How the fields of an entry are combined into one score: the ranking's one small function.

    Each field is scored apart (:mod:`faqsearch.index.views`): on the dense side, the cosine of the
    question with the entry's text (best chunk), its lines, its variants framing the answer, its
    title embedded as a passage, and its question and variants embedded as queries; on the lexical
    side, BM25 over the text (variants included) and over the entry's heading
    (:mod:`faqsearch.index.headings`). The dense score of an entry is its best view after adding its
    field's offset (a title or a question is always a little closer to a question than an answer
    is, so they count ``title_offset`` and ``question_offset`` less); the lexical score is the text's
    BM25 plus ``heading_weight`` × the heading's, each divided by its best score for the question.
    ``fusion`` "blend" then mixes them, each normalised over the candidates, with ``alpha`` for the
    dense side ("rrf": reciprocal ranks, ``lexical_weight`` scaling the BM25 share).

    The offsets, ``alpha`` and ``heading_weight`` are fitted together on the seed guide, the
    service-public pages and the Québec FAQ, and checked on each corpus left out of the fit
    (``python -m bench.fields``, docs/benchmarks/ranking.md#fields). A question view at
    ``known_question`` or above is the same question (up to case, punctuation or a typo): it keeps
    its cosine and its entry comes first. ``named_channel_bonus`` is added to the fused score of
    passages about a channel the question names (see :func:`faqsearch.channels.mentions.rerank`).
    ``dense_guard``: the dense side's best entries that always find a place among the first
    :data:`GUARD_DEPTH` results (see :func:`_guard_recall`). ``dense_fields`` and
    ``lexical_fields`` name the fields that count (measurements: one field
    alone, one left out); ``candidates`` passages are taken from each retriever before fusion when
    the dense index is approximate.
    """

    fusion: str = "blend"
    alpha: float = 0.6
    rrf_k: int = 60
    lexical_weight: float = 1.0
    candidates: int = 100
    dense_fields: tuple[str, ...] = FIELDS
    lexical_fields: tuple[str, ...] = LEXICAL_FIELDS
    title_offset: float = 0.03
    question_offset: float = 0.1
    known_question: float = 0.985
    named_channel_bonus: float = 0.2
    heading_weight: float = HEADING_WEIGHT
    dense_guard: int = 5
    fuse: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {', '.join(FUSIONS)}. Currently, fusion is {self.fusion!r}.")
        if self.candidates < 1:
            raise ValueError(f"candidates must be greater than 0. Currently, candidates is {self.candidates}.")
        if min(self.title_offset, self.question_offset, self.named_channel_bonus, self.heading_weight) < 0:
            raise ValueError("title_offset, question_offset, named_channel_bonus and heading_weight must be 0 or more. "
                             f"Currently, they are {self.title_offset}, {self.question_offset}, "
                             f"{self.named_channel_bonus} and {self.heading_weight}.")
        unknown = set(self.dense_fields) - set(FIELDS) | set(self.lexical_fields) - set(LEXICAL_FIELDS)
        if unknown:
            raise ValueError(f"Unknown fields {sorted(unknown)}: dense fields are {', '.join(FIELDS)}, lexical "
                             f"fields {', '.join(LEXICAL_FIELDS)}.")
        if not (self.use_lexical or self.use_dense):
            raise ValueError("At least one dense or lexical field must count. Currently, dense_fields and "
                             "lexical_fields are both empty.")
        # Resolved once here rather than compared per query.
        object.__setattr__(self, "fuse", self._resolve())

    @property
    def use_dense(self) -> bool:
        return bool(self.dense_fields)

    @property
    def use_lexical(self) -> bool:
        return bool(self.lexical_fields)

    def view_offsets(self) -> np.ndarray:
        """What each field adds to a view's cosine (by field number); a field that does not count
        is lowered below any cosine."""
        offsets = {"title": -self.title_offset, "question": -self.question_offset}
        return np.array([offsets.get(name, 0.0) if name in self.dense_fields else _LEFT_OUT for name in FIELDS],
                        dtype=np.float32)

    def known(self) -> float:
        """The cosine from which a question view is the question asked (never, without question views)."""
        return self.known_question if "question" in self.dense_fields else _NEVER

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
    offsets, known = config.view_offsets(), config.known()
    results = []
    for qi in range(len(queries)):
        lex = lexical_scores[qi]
        if not approximate:
            candidates = np.arange(n)
            dense_scores, exact = dense.best_views(query_vectors[qi], None, offsets, known)
        else:
            lex_top = np.argpartition(-lex, pool - 1)[:pool] if pool < n else np.arange(n)
            candidates = np.union1d(from_dense[qi], lex_top[lex[lex_top] > 0])
            dense_scores = np.zeros(n, dtype=np.float32)
            dense_scores[candidates], exact = dense.best_views(query_vectors[qi], candidates, offsets, known)
        hits = _rank_entries(passages, entries, dense_scores, lex, candidates, exact, top_k, config)
        results.append(Results(hits, float(evidence[qi])))
    return results


def _lexical(index: FaqIndex, queries: Sequence[str], config: SearchConfig) -> tuple[np.ndarray, np.ndarray]:
    """BM25 of every passage for every query (with its entry's heading), and the lexical evidence."""
    if not config.use_lexical:
        return np.zeros((len(queries), len(index.passages)), np.float32), np.zeros(len(queries), np.float32)
    lexical_scores, evidence = index.lexical.match(queries)
    if "text" not in config.lexical_fields:
        lexical_scores = np.zeros_like(lexical_scores)
    heading = config.heading_weight if "text" in config.lexical_fields else 1.0
    if "heading" in config.lexical_fields and heading > 0:
        lexical_scores = with_headings(lexical_scores, index.headings.scores(queries), index.entries.owner, heading)
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
    guard = config.dense_guard if config.use_dense and config.use_lexical else 0  # only a fusion can lose recall
    order = _guard_recall(np.argsort(-fused, kind="stable"), entry_dense, guard)[:top_k]
    return tuple(Hit(rank + 1, passages[int(shown[i])], float(fused[i]), float(entry_dense[i]), float(entry_lex[i]))
                 for rank, i in enumerate(order))


def _guard_recall(order: np.ndarray, dense: np.ndarray, guard: int) -> np.ndarray:
    """``order`` (entries, best fused first) with the ``guard`` best entries of the dense side among
    its first :data:`GUARD_DEPTH`: any of them that fusion left out takes a place after the first
    :data:`GUARD_KEEPS`, which never move.

    On FAQs of short look-alike entries, BM25 on common words ("travail", "enfant") pushed entries
    that the dense side ranked high out of the first ten: on the Québec FAQ, hybrid hit@10 was
    0.796 against 0.843 for the dense side alone, 0.825 with the guard; no corpus loses by it
    (docs/benchmarks/ranking.md#recall-guard).
    """
    if guard <= 0 or len(order) <= GUARD_KEEPS:
        return order
    shown = set(order[:GUARD_DEPTH].tolist())
    missing = [int(i) for i in np.argsort(-dense, kind="stable")[:guard] if int(i) not in shown]
    if not missing:
        return order
    head = [int(i) for i in order[:GUARD_KEEPS]] + missing
    taken = set(head)
    return np.array(head + [int(i) for i in order[GUARD_KEEPS:] if int(i) not in taken], dtype=np.int64)
