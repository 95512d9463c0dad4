"""The hybrid passage index: dense views + BM25 + the passage table, saved with a manifest.

``FaqIndex`` is the central object: ``build`` it from passages and an encoder, ``save`` it to a
folder and ``load`` it back. It owns its parts (:class:`~faqsearch.index.storage.IndexParts`)
and the encoder that reads its questions; :func:`faqsearch.search.hybrid.search_batch` searches
it, :mod:`faqsearch.index.storage` writes and checks its files.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import numpy as np

from ..channels.catalogue import Catalogue
from ..embedding.encoder import Encoder
from ..records.passage import Passage
from . import storage
from .dense import DenseIndex, normalised
from .entries import EntryTable
from .headings import entry_headings
from .lexical import LexicalIndex
from .manifest import new_manifest
from .storage import IndexParts
from .views import layout, lexical_text


class FaqIndex:
    """Passages, their vectors and BM25 weights, searchable together, with the encoder of their model."""

    def __init__(self, parts: IndexParts, encoder: Encoder):
        self.parts = parts
        self.encoder = encoder
        self.entries = EntryTable.of(parts.passages)

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.parts.passages

    @property
    def dense(self) -> DenseIndex:
        return self.parts.dense

    @property
    def lexical(self) -> LexicalIndex:
        return self.parts.lexical

    @property
    def headings(self) -> LexicalIndex:
        """The BM25 of the entries' headings (see :mod:`faqsearch.index.headings`)."""
        return self.parts.headings

    @property
    def catalogue(self) -> Catalogue | None:
        return self.parts.catalogue

    @property
    def manifest(self) -> dict:
        return self.parts.manifest

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, passages: Sequence[Passage], encoder: Encoder, catalogue: Catalogue | None = None,
              corpus_hash: str = "", synonyms: Sequence[Sequence[str]] = (), lexical_variants: bool = True,
              variant_views: bool = True, titles: bool = True) -> "FaqIndex":
        """Embed and index ``passages`` with their views of every field (see :mod:`faqsearch.index.views`);
        ``synonyms`` are groups of equivalent terms that widen lexical queries; ``variant_views``
        False embeds the variants as question views only, ``titles`` False leaves the title views
        out, ``lexical_variants`` False keeps the variants out of BM25 (measurements)."""
        views = layout(passages, variant_views=variant_views, titles=titles)
        vectors = views.assemble(encoder.encode_passages(views.passage_texts), encoder.encode_queries(views.question_texts))
        return cls.from_vectors(passages, vectors, views.offsets, encoder, catalogue, corpus_hash, synonyms,
                                views.fields, lexical_variants, owned=True)

    @classmethod
    def from_vectors(cls, passages: Sequence[Passage], vectors: np.ndarray, offsets: np.ndarray, encoder: Encoder,
                     catalogue: Catalogue | None = None, corpus_hash: str = "",
                     synonyms: Sequence[Sequence[str]] = (), fields: np.ndarray | None = None,
                     lexical_variants: bool = True, owned: bool = False) -> "FaqIndex":
        """Index ``passages`` whose views are already embedded: rows ``offsets[i]:offsets[i + 1]``
        for passage ``i``, as a :class:`faqsearch.index.views.Layout` lays them out, with the
        ``fields`` of its rows. ``owned`` says the caller hands ``vectors`` over: they are normalised where
        they are, sparing a copy of a build's largest array."""
        if not passages:
            raise ValueError("passages must not be empty: add at least one guide to the corpus.")
        started = time.perf_counter()
        # BM25 first, while the vectors exist once; past HNSW_THRESHOLD the dense index then
        # keeps only the graph's own copy of them.
        lexical = LexicalIndex.build((lexical_text(p, lexical_variants) for p in passages), synonyms=synonyms)
        headings = LexicalIndex.build(entry_headings(passages), synonyms=synonyms)
        dense = DenseIndex.build(normalised(vectors, in_place=owned), offsets, fields=fields)
        manifest = new_manifest(encoder.name, int(dense.vectors.shape[1]), len(passages), dense.size,
                                sum(len(p.variants) for p in passages), corpus_hash, dense.kind, started)
        return cls(IndexParts(tuple(passages), dense, lexical, headings, catalogue, manifest), encoder)

    # ------------------------------------------------------------- save/load
    def save(self, folder: Path) -> Path:
        """Write every file of the index into ``folder`` (created; an existing one is overwritten)."""
        self.parts = replace(self.parts, manifest=storage.save(folder, self.parts))
        return Path(folder)

    @classmethod
    def load(cls, folder: Path, encoder: Encoder, manifest: dict | None = None) -> "FaqIndex":
        """Load an index saved by :meth:`save`, checking it was built with ``encoder``'s model
        (``manifest``: see :func:`faqsearch.index.storage.load`)."""
        return cls(storage.load(folder, encoder.name, encoder.dim, manifest), encoder)
