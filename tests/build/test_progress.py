"""Embedding progress: blocks in length order, results in the caller's order, a time left."""

from __future__ import annotations

import numpy as np

from faqsearch.build.progress import Progress, duration, encode_in_blocks


def test_blocks_report_each_step_and_keep_the_order():
    texts = [f"t{'x' * (i % 7)}-{i}" for i in range(10)]
    seen, calls = [], []

    def encode(batch):
        calls.append(list(batch))
        return np.array([[float(t.rsplit("-", 1)[1])] for t in batch], dtype=np.float32)

    out = encode_in_blocks(texts, encode, seen.append, block=4)
    assert out[:, 0].tolist() == list(range(10))  # whatever order the blocks were encoded in
    assert [p.done for p in seen] == [4, 8, 10] and all(p.total == 10 for p in seen)
    assert all(len(a) >= len(b) for a, b in zip(calls[0], calls[0][1:]))  # longest first
    assert encode_in_blocks(texts, encode, None, block=4).shape == (10, 1) and len(calls) == 4  # one call


def test_time_left_and_label():
    assert Progress(0, 100, 0.0).remaining is None
    assert Progress(25, 100, 60.0).remaining == 180.0
    assert Progress(25, 100, 60.0).label() == "Encodage : 25/100 textes (25 %), encore environ 3 min"
    assert Progress(100, 100, 60.0).label() == "Encodage : 100/100 textes (100 %)"
    assert (duration(12.2), duration(750), duration(3900)) == ("12 s", "12 min", "1 h 05")


def test_the_build_reports_its_progress(tmp_path):
    from faqsearch.build.pipeline import build
    from tests.corpora import write_corpus
    from tests.fakes import FakeEncoder

    corpus = write_corpus(tmp_path / "corpus")
    seen = []
    build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache", on_progress=seen.append)
    assert seen and seen[-1].done == seen[-1].total > 0
