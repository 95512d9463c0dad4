"""The hybrid passage index: dense views + BM25 + the passage table, saved with a manifest.

``FaqIndex`` is the central object: ``build`` it from passages and an encoder, ``search`` it
(the single query wraps ``search_batch``), ``save`` it to a folder and ``load`` it back; search
lives in :mod:`faqsearch.search.hybrid`, files and their checks in :mod:`faqsearch.index.storage`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import numpy as np

from .. import __version__
from . import storage as persist
from .dense import DenseIndex
from ..channels.catalogue import Catalogue
from ..records.passage import Passage
from ..embedding.encoder import Encoder
from .headings import entry_headings
from .lexical import LexicalIndex
from .storage import FORMAT, IndexLoadError
from .entries import EntryTable
from .views import layout
from ..search.hybrid import Results, SearchConfig, search_batch

# Rows normalised at once (a few MB of temporaries at 384 dimensions).
NORMALISE_BLOCK = 8192

__all__ = ["FaqIndex", "IndexLoadError", "SearchConfig", "Results", "views_of", "FORMAT"]


def views_of(passages: Sequence[Passage]) -> tuple[list[str], np.ndarray]:
    """The texts embedded for ``passages``, flat, and the offsets of each passage's views in it."""
    views = [p.views() for p in passages]
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in views])]).astype(np.int64)
    return [text for group in views for text in group], offsets


def lexical_text(passage: Passage, variants: bool = True) -> str:
    """What BM25 sees: the passage's text and, with ``variants``, the other phrasings of its
    question (on an entry's first chunk only, where its question views are too). With the variants
    also framing the answer on the dense side (:meth:`Passage.views`), appending them here gains on
    both seed sets and on held-out variants (BENCHMARKS.md, section 1c); before those views, it
    cost dev MRR@5 (0.933 -> 0.928)."""
    if not variants or not passage.variants or passage.part > 1:
        return passage.text()
    return "\n".join([passage.text(), *passage.variants])


def normalised(vectors: np.ndarray, block: int = NORMALISE_BLOCK, in_place: bool = False) -> np.ndarray:
    """Float32 rows of unit length, so inner product equals cosine whatever the encoder returned.

    Rows are normalised ``block`` at a time into the result: the whole matrix at once made a
    temporary of its squares beside the input and the result. Each row's norm is the same either
    way. ``in_place`` writes into ``vectors`` when they already are contiguous float32.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    out = vectors if in_place and vectors.flags.writeable else np.empty_like(vectors)
    for start in range(0, len(vectors), block):
        rows = vectors[start:start + block]
        out[start:start + block] = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return out


class FaqIndex:
    """Passages, their vectors and BM25 weights, searchable together."""

    def __init__(self, passages: Sequence[Passage], dense: DenseIndex, lexical: LexicalIndex, encoder: Encoder,
                 manifest: dict, catalogue: Catalogue | None = None, headings: LexicalIndex | None = None):
        self.passages = tuple(passages)
        self.dense = dense
        self.lexical = lexical
        self.headings = headings
        self.encoder = encoder
        self.manifest = manifest
        self.catalogue = catalogue
        self.entries = EntryTable.of(self.passages)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, passages: Sequence[Passage], encoder: Encoder, catalogue: Catalogue | None = None,
              corpus_hash: str = "", synonyms: Sequence[Sequence[str]] = (), lexical_variants: bool = True,
              variant_views: bool = True) -> "FaqIndex":
        """Embed and index ``passages`` with their question views (see :mod:`faqsearch.index.views`);
        ``synonyms`` are groups of equivalent terms that widen lexical queries; ``variant_views``
        False embeds the variants as question views only, ``lexical_variants`` False keeps them out
        of BM25 (measurements)."""
        views = layout(passages, variant_views=variant_views)
        vectors = views.assemble(encoder.encode_passages(views.passage_texts), encoder.encode_queries(views.question_texts))
        return cls.from_vectors(passages, vectors, views.offsets, encoder, catalogue, corpus_hash, synonyms,
                                views.is_question, lexical_variants, owned=True)

    @classmethod
    def from_vectors(cls, passages: Sequence[Passage], vectors: np.ndarray, offsets: np.ndarray, encoder: Encoder,
                     catalogue: Catalogue | None = None, corpus_hash: str = "",
                     synonyms: Sequence[Sequence[str]] = (), is_question: np.ndarray | None = None,
                     lexical_variants: bool = True, owned: bool = False) -> "FaqIndex":
        """Index ``passages`` whose views (see :func:`views_of`, or a :class:`faqsearch.index.views.Layout`
        with ``is_question``) are already embedded. ``owned`` says the caller hands ``vectors``
        over: they are normalised where they are, sparing a copy of a build's largest array."""
        if not passages:
            raise ValueError("passages must not be empty: add at least one guide to the corpus.")
        started = time.perf_counter()
        # BM25 first, while the vectors exist once; past HNSW_THRESHOLD the dense index then
        # keeps only the graph's own copy of them.
        lexical = LexicalIndex.build((lexical_text(p, lexical_variants) for p in passages), synonyms=synonyms)
        headings = LexicalIndex.build(entry_headings(passages), synonyms=synonyms)
        dense = DenseIndex.build(normalised(vectors, in_place=owned), offsets, is_question=is_question)
        manifest = {
            "format": FORMAT, "version": __version__, "model": encoder.name, "dimension": int(dense.vectors.shape[1]),
            "passages": len(passages), "vectors": dense.size, "corpus_hash": corpus_hash,
            "dense_index": dense.kind, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 3),
            "variants": sum(len(p.variants) for p in passages),
        }
        return cls(passages, dense, lexical, encoder, manifest, catalogue, headings)

    # ----------------------------------------------------------------- search
    def search(self, query: str, top_k: int = 5, config: SearchConfig = SearchConfig()) -> Results:
        """The ``top_k`` passages for one query, and the evidence behind them."""
        return self.search_batch([query], top_k, config)[0]

    def search_batch(self, queries: Sequence[str], top_k: int = 5, config: SearchConfig = SearchConfig(),
                     query_vectors: np.ndarray | None = None) -> list[Results]:
        """The ``top_k`` entries for each query, best first, each through its best passage.
        ``query_vectors``, when the caller already has them (the build's check, from its cache),
        spare encoding the queries again."""
        if top_k < 1:
            raise ValueError(f"top_k must be greater than 0. Currently, top_k is {top_k}.")
        if not queries:
            return []
        vectors = self.encoder.encode_queries(list(queries)) if query_vectors is None else query_vectors
        return search_batch(self.passages, self.dense, self.lexical, vectors, queries, top_k, config, self.entries,
                            self.headings)

    # ------------------------------------------------------------- save/load
    def save(self, folder: Path) -> Path:
        """Write every file of the index into ``folder`` (created; an existing one is overwritten)."""
        self.manifest = persist.save(folder, self.passages, self.dense, self.lexical, self.catalogue, self.manifest,
                                     self.headings)
        return Path(folder)

    @staticmethod
    def read_manifest(folder: Path) -> dict:
        return persist.read_manifest(folder)

    @staticmethod
    def read_passages(folder: Path) -> tuple[Passage, ...]:
        return persist.read_passages(folder)

    @classmethod
    def load(cls, folder: Path, encoder: Encoder) -> "FaqIndex":
        """Load an index saved by :meth:`save`, checking it was built with ``encoder``'s model."""
        passages, dense, lexical, catalogue, manifest, headings = persist.load(folder, encoder.name, encoder.dim)
        return cls(passages, dense, lexical, encoder, manifest, catalogue, headings)
