"""Dense retrieval over passage views: an exact scan for a help center's size, HNSW past it.

Every passage has one or more vectors (its "views", see :meth:`Passage.views`), stored
contiguously: the views of passage ``i`` are rows ``offsets[i]:offsets[i + 1]`` of ``vectors``,
and a passage's dense score is the best score of its views. Vectors are L2-normalised, so an
inner product is a cosine. This module alone decides between exact and approximate search, and
writes the FAISS graph only when it searches with it. Parameters: docs/benchmarks/settings.md#dense-index
and docs/benchmarks/scale.md#flat-vs-hnsw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .views import QUESTION

# Up to this many vectors the numpy scan beats an HNSW lookup and is exact.
HNSW_THRESHOLD = 20_000
HNSW_M = 64
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 800
# Several views may belong to one passage: the graph is asked for this many views per passage wanted.
VIEWS_PER_PASSAGE = 4
KINDS = ("exact", "hnsw")
VECTORS_FILE, OFFSETS_FILE, GRAPH_FILE = "embeddings.npy", "offsets.npy", "dense.faiss"
# The field of each view (faqsearch.index.views.FIELDS), a number per row.
FIELDS_FILE = "view_fields.npy"
# Rows normalised at once (a few MB of temporaries at 384 dimensions).
NORMALISE_BLOCK = 8192


def ef_search(size: int) -> int:
    """HNSW search breadth for ``size`` vectors: HNSW_EF_SEARCH, growing linearly past 100,000
    (at 169,000 vectors a fixed 800 let recall@10 fall to 0.96)."""
    return max(HNSW_EF_SEARCH, round(HNSW_EF_SEARCH * size / 100_000))


def _graph(vectors: np.ndarray):
    import faiss

    graph = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    graph.hnsw.efSearch = ef_search(len(vectors))
    if len(vectors):
        graph.add(vectors)
    return graph


class _GraphVectors:
    """The vectors an HNSW graph stores, seen as a read-only array that keeps the graph alive.

    The graph holds its own copy of every vector; searching also needs them (exact re-scoring),
    and a second copy beside the graph was 412 MB at 100,000 synthetic passages (bench.memory).
    """

    def __init__(self, graph):
        import faiss

        self.graph = graph  # the array's base: the graph lives as long as any view of its vectors
        flat = faiss.rev_swig_ptr(faiss.downcast_index(graph.storage).get_xb(), graph.ntotal * graph.d)
        self.__array_interface__ = flat.reshape(graph.ntotal, graph.d).__array_interface__


def graph_vectors(graph) -> np.ndarray:
    """The vectors stored in ``graph``, in insertion order, without a copy."""
    if not graph.ntotal:
        return np.zeros((0, graph.d), dtype=np.float32)
    vectors = np.asarray(_GraphVectors(graph))
    vectors.flags.writeable = False
    return vectors


class DenseIndex:
    """Passage views' vectors, searched exactly or through an HNSW graph (``kind``)."""

    def __init__(self, vectors: np.ndarray, offsets: np.ndarray, graph=None, fields: np.ndarray | None = None):
        self.vectors = vectors
        self.offsets = offsets.astype(np.int64)
        self.graph = graph
        # owner[v]: the passage of view v, to map graph hits back to passages.
        self.owner = np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets))
        # The field of each view (see faqsearch.index.views); all "text" (0) when not given.
        self.fields = np.zeros(len(vectors), dtype=np.int8) if fields is None else np.asarray(fields, dtype=np.int8)

    @property
    def is_question(self) -> np.ndarray:
        """True for the views that are questions embedded as queries."""
        return self.fields == QUESTION

    @classmethod
    def build(cls, vectors: np.ndarray, offsets: np.ndarray | None = None, kind: str | None = None,
              fields: np.ndarray | None = None) -> "DenseIndex":
        """Index ``vectors`` (one view per passage unless ``offsets`` says otherwise); ``kind``
        forces "exact" or "hnsw" (measurements), else the size decides; ``fields`` numbers the
        field of each view."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if offsets is None:
            offsets = np.arange(len(vectors) + 1, dtype=np.int64)
        kind = kind or ("hnsw" if len(vectors) >= HNSW_THRESHOLD else "exact")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}. Currently, kind is {kind!r}.")
        if kind == "exact":
            return cls(vectors, offsets, None, fields)
        graph = _graph(vectors)
        return cls(graph_vectors(graph), offsets, graph, fields)

    @property
    def kind(self) -> str:
        return "exact" if self.graph is None else "hnsw"

    @property
    def size(self) -> int:
        """Number of vectors (views)."""
        return int(self.vectors.shape[0])

    @property
    def passages(self) -> int:
        return len(self.offsets) - 1

    def candidates(self, queries: np.ndarray, pool: int) -> list[np.ndarray]:
        """For each query, the passages whose views the graph finds among the nearest
        ``VIEWS_PER_PASSAGE * pool`` (the approximate path)."""
        k = max(1, min(self.size, VIEWS_PER_PASSAGE * pool))
        _, views = self.graph.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return [np.unique(self.owner[row[row >= 0]]) for row in views]

    def best_views(self, query: np.ndarray, passages: np.ndarray | None = None, offsets: np.ndarray | None = None,
                   known: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
        """Best-view score of every passage (or of ``passages`` only), each view's cosine plus the
        offset of its field (``offsets[field]``, none when not given), except a question view whose cosine reaches
        ``known``, which keeps it; and, per passage, whether one of its question views reached
        ``known`` (the visitor asked that very question)."""
        if passages is None:
            # Every view: the stored matrix itself. Gathering it by row numbers copied all of it
            # for every question (7 ms a question at 5,400 views).
            block, fields, first = self.vectors, self.fields, self.offsets[:-1]
        else:
            starts, lengths = self.offsets[passages], self.offsets[passages + 1] - self.offsets[passages]
            first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            rows = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
            block, fields = self.vectors[rows], self.fields[rows]
        cosines = block @ query
        exact = (fields == QUESTION) & (cosines >= known)
        scores = cosines if offsets is None else np.where(exact, cosines, cosines + np.asarray(offsets, np.float32)[fields])
        return (np.maximum.reduceat(scores, first).astype(np.float32),
                np.maximum.reduceat(exact.astype(np.int8), first) > 0)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, view ids) per query, exact or approximate by ``kind``; ids are -1
        where fewer than k views exist."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        k = max(1, min(k, self.size))
        if self.graph is not None:
            return self.graph.search(queries, k)
        scores = queries @ self.vectors.T
        ids = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(scores, ids, axis=1), ids

    def files(self) -> tuple[str, ...]:
        """The files :meth:`save` writes (the graph only when it is searched)."""
        return (VECTORS_FILE, OFFSETS_FILE, FIELDS_FILE) + ((GRAPH_FILE,) if self.graph is not None else ())

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        for name, array in ((VECTORS_FILE, self.vectors), (OFFSETS_FILE, self.offsets), (FIELDS_FILE, self.fields)):
            with open(folder / name, "wb") as fh:
                np.save(fh, array, allow_pickle=False)
        if self.graph is not None:
            import faiss

            faiss.write_index(self.graph, str(folder / GRAPH_FILE))

    @classmethod
    def load(cls, folder: Path, kind: str) -> "DenseIndex":
        folder = Path(folder)
        # Mapped, not read: with a graph, only its shape is needed (the graph holds the vectors).
        vectors = np.load(folder / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
        with open(folder / OFFSETS_FILE, "rb") as fh:
            offsets = np.load(fh, allow_pickle=False)
        with open(folder / FIELDS_FILE, "rb") as fh:
            fields = np.load(fh, allow_pickle=False)
        if fields.shape != (len(vectors),):
            raise ValueError(f"{FIELDS_FILE} marks {fields.shape} views, {VECTORS_FILE} holds {len(vectors)}")
        graph = None
        if kind == "hnsw":
            import faiss

            graph = faiss.read_index(str(folder / GRAPH_FILE))  # already the HNSW class
            graph.hnsw.efSearch = ef_search(int(graph.ntotal))
            if int(graph.ntotal) != len(vectors) or vectors.ndim != 2 or graph.d != vectors.shape[1]:
                raise ValueError(f"{GRAPH_FILE} holds {graph.ntotal} vectors of dimension {graph.d}, "
                                 f"{VECTORS_FILE} {vectors.shape}")
            vectors = graph_vectors(graph)
        elif kind == "exact":
            vectors = np.array(vectors)  # read into memory: searched on every query
        else:
            raise ValueError(f"unknown dense index kind {kind!r}")
        return cls(vectors, offsets, graph, fields)


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
