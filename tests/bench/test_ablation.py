"""The ablation table runs every variant on a tiny question set, encoding each text once."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from bench.ablation import (TEXTS, VectorCache, default_variants, original_answers, refusal_stats, run, sweep,
                                threshold_grid, variant_index)
from faqsearch.content.corpus import load_corpus
from faqsearch.evaluation.questions import EvalQuestion
from faqsearch.records.answer import Answer
from faqsearch.search.confidence import Confidence
from faqsearch.search.hybrid import search_batch
from tests.conftest import SEED_CORPUS

QUESTIONS = [
    EvalQuestion("a", "Comment contacter le support par chat en direct ?", "[Cc]hat", "chat", "direct"),
    EvalQuestion("b", "numero du support telephonique", "[Tt][ée]l[ée]phon", ".", "typo"),
    EvalQuestion("c", "Comment faire une pâte à crêpes ?", "", "", "out_of_scope"),
]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEED_CORPUS)


def test_vector_cache_encodes_each_text_once(fake_encoder):
    cache = VectorCache(fake_encoder)
    first = cache.encode_queries(["un", "deux", "un"])
    again = cache.encode_queries(["deux", "un"])
    assert fake_encoder.encoded == 2 and cache.encoded == 2
    assert (first[1] == again[0]).all()
    cache.encode_passages(["un"])  # passages are cached apart from queries (other prompt)
    assert fake_encoder.encoded == 3


def test_text_variants_blank_fields_but_answers_keep_the_real_passages(corpus, fake_encoder):
    p = next(p for p in corpus.passages if p.section and p.question)
    assert TEXTS["full"](p) == p
    assert TEXTS["no section"](p).section == "" and TEXTS["no section"](p).question == p.question
    only = TEXTS["answer only"](p)
    assert (only.section, only.question, only.title, only.answer, only.id) == ("", "", "", p.answer, p.id)
    index = variant_index(corpus, fake_encoder, "answer only")
    assert all(not q.section for q in index.passages)
    hits = search_batch(index, [p.answer], top_k=3)[0].hits
    answers = original_answers([Answer("q", True, None, tuple(hits))], corpus.passages)
    assert answers[0].hits[0].passage in corpus.passages and answers[0].hits[0].passage.section


def test_run_reports_every_variant(corpus, fake_encoder):
    variants = default_variants()
    queried = []
    encode_queries = fake_encoder.encode_queries
    fake_encoder.encode_queries = lambda texts: queried.extend(texts) or encode_queries(texts)
    report = run(corpus, fake_encoder, QUESTIONS, variants)
    assert [r.variant.name for r in report.rows] == [v.name for v in variants]
    assert {"lexical only", "dense only"} <= {r.variant.name for r in report.rows}
    for row in report.rows:
        assert row.metrics.questions == 3 and row.metrics.in_scope == 2
    # Every distinct text reaches the model once: the questions once for all variants.
    assert fake_encoder.encoded == report.encoded
    # Queries: the questions asked, and the passages' questions and variants (question views).
    assert len(queried) == len(set(queried)) and {q.question for q in QUESTIONS} <= set(queried)
    assert report.thresholds and report.best() in report.rows
    text = "\n".join(report.lines())
    assert "best:" in text and "best threshold:" in text and "out_of_scope" in text


def test_threshold_sweep_counts_refusals(corpus, fake_encoder):
    never = replace(Confidence(), **{f.name: 99.0 for f in fields(Confidence)})
    report = run(corpus, fake_encoder, QUESTIONS, default_variants()[:2], grid=[never])
    (t,) = report.thresholds
    assert t.recall == 1.0 and t.refused_in_scope == 2 and t.precision == pytest.approx(1 / 3)
    grid = threshold_grid()
    assert len(grid) > 10 and Confidence() in grid
    always = replace(Confidence(), **{f.name: -99.0 for f in fields(Confidence)})
    index = variant_index(corpus, fake_encoder)
    assert sweep(QUESTIONS, report.rows[0].answers, [always], index)[0].recall == 0.0


def test_refusal_stats():
    assert refusal_stats(QUESTIONS, [True, False, False]) == (0.5, 1.0, 1)
    assert refusal_stats(QUESTIONS, [True, True, True]) == (0.0, 0.0, 0)


def write_questions(path, questions) -> None:
    rows = ["id\tquestion\tgold\tchannel\tstyle"] + [f"{q.id}\t{q.question}\t{q.gold}\t{q.channel}\t{q.style}"
                                                     for q in questions]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_python_m_bench_ablation_prints_the_table(tmp_path, monkeypatch, capsys):
    """The ablation is a tool of its own, with the options ``eval`` takes (the product has no such command)."""
    from bench import ablation
    from faqsearch.search import loader
    from tests.fakes import FakeEncoder

    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    write_questions(tmp_path / "q.tsv", QUESTIONS)
    assert ablation.main([str(tmp_path / "q.tsv"), "--corpus", str(SEED_CORPUS)]) == 0
    assert "32 variants" in capsys.readouterr().out
    assert ablation.main([str(tmp_path / "absent.tsv")]) == 1
    assert "Fichier de questions introuvable" in capsys.readouterr().err
