"""FaqIndex: build, search, save/load round trip and the manifest checks (fake encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from faqsearch.content.corpus import load_corpus
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.manifest import IndexLoadError
from faqsearch.search.hybrid import SearchConfig
from faqsearch.search.hybrid import search_batch
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
    assert m["vectors"] == index.dense.size > len(corpus.passages)  # several views per long item
    assert m["version"] and m["built_at"]


def test_each_passage_is_found_by_its_own_question(index):
    results = search_batch(index, [p.question for p in index.passages], top_k=3)
    for passage, found in zip(index.passages, results):
        assert passage.id in {h.passage.id for h in found.hits}, passage.question


def test_search_ranks_from_one(index):
    found = search_batch(index, ["numéro de téléphone du support"], top_k=4)[0]
    assert found.evidence >= 2  # "numéro", "téléphone", "support" are the guide's words
    single = found.hits
    assert [h.rank for h in single] == [1, 2, 3, 4]
    assert all(a.score >= b.score for a, b in zip(single, single[1:]))


def test_search_returns_the_evidence_its_lexical_side_computed(index):
    queries = ["numéro de téléphone du support", "recette de la tarte aux pommes"]
    _, evidence = index.lexical.match(queries)
    assert [r.evidence for r in search_batch(index, queries)] == [float(e) for e in evidence]
    assert evidence[0] > evidence[1]


def test_approximate_dense_path_finds_the_same_answers(index, monkeypatch):
    """Past the threshold the dense side goes through the HNSW graph and candidate re-scoring."""
    from faqsearch.index import dense as ann
    from faqsearch.index.faq_index import FaqIndex

    monkeypatch.setattr(ann, "HNSW_THRESHOLD", 1)
    texts_index = FaqIndex.build(index.passages, index.encoder, index.catalogue, synonyms=index.lexical.synonyms)
    assert texts_index.dense.kind == "hnsw"
    questions = [p.question for p in index.passages]
    exact = search_batch(index, questions, top_k=3)
    approximate = search_batch(texts_index, questions, top_k=3)
    same_top = sum(a.hits[0].passage.id == b.hits[0].passage.id for a, b in zip(exact, approximate))
    assert same_top == len(questions)
    for a, b in zip(exact, approximate):
        assert b.hits[0].dense == pytest.approx(a.hits[0].dense, rel=1e-5)


def test_arguments_are_validated_with_a_fix(index):
    with pytest.raises(ValueError, match="top_k must be greater than 0. Currently, top_k is 0"):
        search_batch(index, ["x"], top_k=0)
    with pytest.raises(ValueError, match="fusion must be one of blend, rrf"):
        SearchConfig(fusion="max")


def test_save_load_round_trip(index, tmp_path):
    index.save(tmp_path / "idx")
    loaded = FaqIndex.load(tmp_path / "idx", index.encoder)
    assert loaded.passages == index.passages
    np.testing.assert_array_equal(loaded.dense.vectors, index.dense.vectors)
    np.testing.assert_array_equal(loaded.dense.offsets, index.dense.offsets)
    assert not (tmp_path / "idx" / "dense.faiss").exists()  # an exact index has no graph to write
    query = "Comment créer un ticket ?"
    assert search_batch(loaded, [query]) == search_batch(index, [query])
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
