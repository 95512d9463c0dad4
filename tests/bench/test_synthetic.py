"""Synthetic corpora for scale runs: deterministic, valid passages, vectors near their originals."""

from __future__ import annotations

import numpy as np
import pytest

from bench.synthetic import SyntheticEncoder, generate, synthetic_vectors, write_tables
from faqsearch.content.corpus import load_corpus
from faqsearch.index.faq_index import FaqIndex
from faqsearch.search.hybrid import search_batch
from tests.conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def seed():
    return load_corpus(SEED_CORPUS)


def test_deterministic(seed):
    a, b = generate(seed.passages, 120, seed=7), generate(seed.passages, 120, seed=7)
    assert a.passages == b.passages and np.array_equal(a.origins, b.origins)
    assert generate(seed.passages, 120, seed=8).passages != a.passages


def test_valid_passages(seed):
    synth = generate(seed.passages, 250, seed=1, per_guide=40)
    assert len(synth) == 250 and len(synth.origins) == 250
    assert len({p.id for p in synth.passages}) == 250
    assert len({p.guide for p in synth.passages}) == 7  # 250 / 40, rounded up
    ids = seed.catalogue.ids()
    for p, origin in zip(synth.passages, synth.origins):
        real = seed.passages[origin]
        assert p.question.strip() and p.answer.strip() and p.id.startswith(p.guide + "/")
        assert p.channel == real.channel and (not p.channel or p.channel in ids)
        assert p.plans == real.plans
        assert "Référence : KB-" in p.answer
    assert len({p.answer for p in synth.passages}) == 250  # varied, not verbatim copies


def test_rejects_bad_arguments(seed):
    with pytest.raises(ValueError):
        generate((), 10)
    with pytest.raises(ValueError):
        generate(seed.passages, 10, per_guide=0)


def test_vectors_are_normalised_and_near_their_origin():
    base = np.eye(4, 32, dtype=np.float32)
    origins = np.array([0, 1, 2, 3] * 50)
    v = synthetic_vectors(base, origins, noise=0.5, seed=3)
    assert v.shape == (200, 32) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    cos = (v * base[origins]).sum(axis=1)
    assert cos.min() > 0.75 and 0.85 < np.median(cos) < 0.95
    assert np.array_equal(v, synthetic_vectors(base, origins, noise=0.5, seed=3))


def test_synthetic_corpus_indexes_and_searches(seed, fake_encoder):
    synth = generate(seed.passages, 300, seed=2)
    index = FaqIndex.build(synth.passages, fake_encoder, seed.catalogue)
    hits = search_batch(index, [synth.passages[10].question], top_k=3)[0].hits
    assert synth.passages[10].id in {h.passage.id for h in hits}


def test_synthetic_encoder_gives_a_text_its_vector_whatever_the_batch():
    base = np.eye(4, 32, dtype=np.float32)
    encoder = SyntheticEncoder(base)
    texts = ["un", "deux", "trois", "un"]
    v = encoder.encode_passages(texts)
    assert v.shape == (4, 32) and v.dtype == np.float32 and encoder.dim == 32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v[0], v[3]) and not np.array_equal(v[0], v[1])
    assert np.array_equal(encoder.encode_queries(["trois"])[0], v[2])
    assert np.max(v @ base.T, axis=1).min() > 0.75  # near one of the seed vectors
    with pytest.raises(ValueError, match="non-empty"):
        SyntheticEncoder(np.zeros((0, 8)))


def test_tables_read_back_as_the_passages(seed, tmp_path):
    synth = generate(seed.passages, 90, seed=4, per_guide=40)
    assert write_tables(synth.passages, tmp_path) == 3
    for name in ("channels.csv", "plans.csv"):
        (tmp_path / name).write_text((SEED_CORPUS / name).read_text(encoding="utf-8"), encoding="utf-8")
    read = load_corpus(tmp_path).passages
    assert len(read) == 90
    for p, original in zip(read, synth.passages):  # files and rows in order
        assert p.id.startswith(original.guide + "/")
        assert (p.question, p.answer, p.section, p.variants) == (
            original.question, original.answer, original.section, original.variants)
        assert p.channel == original.channel or not original.channel  # the catalogue may name one
