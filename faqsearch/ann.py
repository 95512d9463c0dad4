"""Nearest-neighbour search over normalised vectors with FAISS (inner product = cosine).

Exact search is both fastest and perfect for a help center's few hundred passages; past
``HNSW_THRESHOLD`` vectors an HNSW graph keeps query time nearly flat (see BENCHMARKS.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Measured with ``python -m faqsearch bench --section ann`` (BENCHMARKS.md) on near-duplicate
# help-center vectors: M=32/efConstruction=80/efSearch=128 kept only 0.87 recall@10 at 20,000
# vectors, M=48/160/800 0.97 at 100,000; M=64, efConstruction=200, efSearch=800 keep ≥ 0.98 at
# 100,000 vectors in 4–6 ms a query, where the exact scan takes 11–21 ms; at 169,000 vectors
# efSearch=800 fell to 0.96, so efSearch grows with the size past 100,000 (see ef_search). The
# numpy scan FaqIndex uses below EXHAUSTIVE_VECTORS beats HNSW up to about 20,000 vectors, so the
# graph is built from there (only when the search uses it).
HNSW_THRESHOLD = 20_000
HNSW_M = 64
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 800


def ef_search(size: int) -> int:
    """HNSW search breadth for ``size`` vectors: HNSW_EF_SEARCH, growing linearly past 100,000."""
    return max(HNSW_EF_SEARCH, round(HNSW_EF_SEARCH * size / 100_000))


class DenseIndex:
    """A FAISS index plus the kind it is ("flat" or "hnsw")."""

    def __init__(self, index, kind: str):
        self.index, self.kind = index, kind

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> "DenseIndex":
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        kind = kind or ("hnsw" if n >= HNSW_THRESHOLD else "flat")
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = ef_search(n)
        else:
            raise ValueError(f"kind must be 'flat' or 'hnsw'. Currently, kind is {kind!r}.")
        if n:
            index.add(vectors)
        return cls(index, kind)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, ids) per query; ids are -1 where fewer than k passages exist."""
        k = max(1, min(k, self.size))
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        import faiss

        index = faiss.read_index(str(path))
        kind = "hnsw" if isinstance(index, faiss.IndexHNSW) or "HNSW" in type(index).__name__ else "flat"
        if kind == "hnsw":
            faiss.downcast_index(index).hnsw.efSearch = ef_search(int(index.ntotal))
        return cls(index, kind)
