"""The dense index: exact below the threshold, HNSW above it, with recall close to exact search."""

from __future__ import annotations

import numpy as np
import pytest

from faqsearch import ann
from faqsearch.ann import DenseIndex


def normalised(n: int, dim: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_kind_follows_the_size(monkeypatch):
    vectors = normalised(50, 16)
    assert DenseIndex.build(vectors).kind == "flat"
    monkeypatch.setattr(ann, "HNSW_THRESHOLD", 40)
    assert DenseIndex.build(vectors).kind == "hnsw"
    with pytest.raises(ValueError, match="kind must be"):
        DenseIndex.build(vectors, "ivf")


def test_hnsw_recall_at_10_against_flat():
    vectors, queries = normalised(3000, 64, seed=1), normalised(50, 64, seed=2)
    _, exact = DenseIndex.build(vectors, "flat").search(queries, 10)
    _, approx = DenseIndex.build(vectors, "hnsw").search(queries, 10)
    recall = np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact, approx)])
    assert recall >= 0.98


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_and_load_keep_kind_and_results(tmp_path, kind):
    vectors, queries = normalised(400, 32, seed=3), normalised(5, 32, seed=4)
    index = DenseIndex.build(vectors, kind)
    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss")
    assert loaded.kind == kind and loaded.size == 400
    if kind == "hnsw":
        import faiss

        assert faiss.downcast_index(loaded.index).hnsw.efSearch == ann.ef_search(400) == ann.HNSW_EF_SEARCH
    scores, ids = index.search(queries, 5)
    scores2, ids2 = loaded.search(queries, 5)
    assert np.array_equal(ids, ids2) and np.allclose(scores, scores2)


def test_search_breadth_grows_past_100k():
    assert ann.ef_search(1000) == ann.ef_search(100_000) == ann.HNSW_EF_SEARCH
    assert ann.ef_search(200_000) == 2 * ann.HNSW_EF_SEARCH


def test_search_clamps_k_to_the_size():
    index = DenseIndex.build(normalised(3, 8), "flat")
    scores, ids = index.search(normalised(2, 8, seed=5), 10)
    assert ids.shape == (2, 3) and set(ids[0]) == {0, 1, 2}
