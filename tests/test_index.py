"""FaqIndex: build, search, save/load round trip and the manifest checks (fake encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from faqsearch.corpus import load_corpus
from faqsearch.index import FaqIndex, IndexLoadError, SearchConfig
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEED_CORPUS)


@pytest.fixture(scope="module")
def index(corpus):
    return FaqIndex.build(corpus.passages, FakeEncoder(), corpus.catalogue, corpus.digest, synonyms=corpus.synonyms)


def test_manifest_describes_the_build(index, corpus):
    m = index.manifest
    assert m["model"] == "fake-hash-64" and m["dimension"] == 64
    assert m["passages"] == len(corpus.passages) and m["corpus_hash"] == corpus.digest
    assert m["vectors"] == index.embeddings.shape[0] > len(corpus.passages)  # several views per long item
    assert m["version"] and m["built_at"]


def test_each_passage_is_found_by_its_own_question(index):
    results = index.search_batch([p.question for p in index.passages], top_k=3)
    for passage, hits in zip(index.passages, results):
        assert passage.id in {h.passage.id for h in hits}, passage.question


def test_single_search_wraps_the_batch_and_ranks_from_one(index):
    single = index.search("numéro de téléphone du support", top_k=4)
    batch = index.search_batch(["numéro de téléphone du support"], top_k=4)[0]
    assert [h.passage.id for h in single] == [h.passage.id for h in batch]
    assert [h.rank for h in single] == [1, 2, 3, 4]
    assert all(a.score >= b.score for a, b in zip(single, single[1:]))


def test_passage_dense_score_is_its_best_view(index):
    query = index.encoder.encode_queries(["attendez une réponse sous 24 heures"])[0]
    by_view = index.embeddings @ query
    scores = index.passage_scores(by_view)
    for i in range(len(index.passages)):
        assert scores[i] == pytest.approx(by_view[index.offsets[i]:index.offsets[i + 1]].max())
    some = np.array([0, 5, 6])
    np.testing.assert_allclose(index.candidate_scores(some, query), scores[some], rtol=1e-6)


def test_arguments_are_validated_with_a_fix(index):
    with pytest.raises(ValueError, match="top_k must be greater than 0. Currently, top_k is 0"):
        index.search("x", top_k=0)
    with pytest.raises(ValueError, match="fusion must be 'rrf' or 'blend'"):
        SearchConfig(fusion="max")


def test_save_load_round_trip(index, tmp_path):
    index.save(tmp_path / "idx")
    loaded = FaqIndex.load(tmp_path / "idx", index.encoder)
    assert loaded.passages == index.passages
    np.testing.assert_array_equal(loaded.embeddings, index.embeddings)
    np.testing.assert_array_equal(loaded.offsets, index.offsets)
    query = "Comment créer un ticket ?"
    assert [h.passage.id for h in loaded.search(query)] == [h.passage.id for h in index.search(query)]
    assert loaded.catalogue.get("telephone").phones == index.catalogue.get("telephone").phones
    assert not list(tmp_path.glob("idx/*.pkl"))


def test_loading_with_another_model_says_to_rebuild(index, tmp_path):
    index.save(tmp_path / "idx")
    with pytest.raises(IndexLoadError, match=r"reconstruisez l'index avec `python build_index.py --model other`"):
        FaqIndex.load(tmp_path / "idx", FakeEncoder(name="other"))


def test_loading_a_damaged_index_says_to_rebuild(index, tmp_path):
    folder = index.save(tmp_path / "idx")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["passages"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexLoadError, match="reconstruisez"):
        FaqIndex.load(folder, index.encoder)
    with pytest.raises(IndexLoadError, match="build_index.py"):
        FaqIndex.load(tmp_path / "nothing-here", index.encoder)
