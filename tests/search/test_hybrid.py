"""The ranking's fields: each view has a field, each field its offset, and the recall guard."""

from __future__ import annotations

import numpy as np
import pytest

from faqsearch.index.dense import DenseIndex
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.views import FIELDS, QUESTION, TEXT, TITLE, layout, passage_views
from faqsearch.records.passage import Passage
from faqsearch.search.hybrid import GUARD_KEEPS, SearchConfig, _guard_recall, search_batch
from tests.fakes import FakeEncoder


def _passage(pid: str, question: str, answer: str, part: int = 1, parts: int = 1) -> Passage:
    return Passage(id=pid, guide="faq", section="", title=question, question=question, answer=answer,
                   entry_id="e-" + pid.split("#")[0] if parts > 1 else "", part=part, parts=parts)


def test_an_entry_is_embedded_as_text_title_and_question_each_in_its_field():
    entry = _passage("a", "Comment payer ?", "Par carte.")
    views = layout([entry])
    assert views.passage_texts == [entry.text(), "Comment payer ?"]
    assert views.question_texts == ["Comment payer ?"]
    assert [FIELDS[f] for f in views.fields] == ["text", "title", "question"]


def test_a_later_chunk_has_no_title_and_no_question_view():
    later = _passage("a#2", "Comment payer ?", "suite", part=2, parts=2)
    assert [FIELDS[f] for f, _ in passage_views(later)] == ["text"]
    assert layout([later]).question_texts == []
    assert passage_views(_passage("b", "Comment payer ?", "x"), titles=False) == [(TEXT, _passage("b", "Comment payer ?", "x").text())]


def test_each_field_adds_its_offset_and_a_known_question_keeps_its_cosine():
    vectors = np.eye(3, dtype=np.float32)
    index = DenseIndex(vectors, np.array([0, 3]), fields=np.array([TEXT, TITLE, QUESTION], dtype=np.int8))
    offsets = np.zeros(len(FIELDS), np.float32)
    offsets[TITLE], offsets[QUESTION] = -0.03, -0.1
    best, exact = index.best_views(np.array([0.0, 1.0, 0.0], np.float32), None, offsets, known=0.985)
    assert best[0] == pytest.approx(0.97) and not exact[0]  # the title, lowered by its offset
    best, exact = index.best_views(np.array([0.0, 0.0, 1.0], np.float32), None, offsets, known=0.985)
    assert best[0] == pytest.approx(1.0) and exact[0]  # the very question: its cosine, unlowered


def test_a_field_left_out_no_longer_decides():
    config = SearchConfig(dense_fields=("text", "question"))
    offsets = config.view_offsets()
    assert offsets[TITLE] < -2 and offsets[TEXT] == 0 and offsets[QUESTION] == -config.question_offset
    assert SearchConfig(dense_fields=("text",)).known() > 1  # no question views: nothing is "the same question"


def test_fields_are_validated_with_the_ones_to_use():
    with pytest.raises(ValueError, match="dense fields are text, line, variant, title, question"):
        SearchConfig(dense_fields=("titre",))
    with pytest.raises(ValueError, match="both empty"):
        SearchConfig(dense_fields=(), lexical_fields=())


def test_the_recall_guard_places_the_dense_side_s_best_after_the_first_eight():
    order = np.arange(20)
    dense = np.zeros(20)
    dense[[15, 0, 12]] = [0.9, 0.8, 0.7]  # entries 15 and 12 lie beyond the first ten
    guarded = _guard_recall(order, dense, guard=3)
    assert guarded[:GUARD_KEEPS].tolist() == list(range(GUARD_KEEPS))
    assert guarded[GUARD_KEEPS:GUARD_KEEPS + 2].tolist() == [15, 12]
    assert sorted(guarded.tolist()) == list(range(20))
    assert _guard_recall(order, dense, guard=0).tolist() == order.tolist()


def test_the_guard_changes_no_first_answer_and_applies_to_fusion_only():
    passages = [_passage(f"p{i}", f"Question {i} sur le sujet {i % 3}", f"Réponse numéro {i}") for i in range(14)]
    index = FaqIndex.build(passages, FakeEncoder())
    questions = ["sujet 1", "réponse numéro 4", "question 7"]
    with_guard = search_batch(index, questions, 10)
    without = search_batch(index, questions, 10, SearchConfig(dense_guard=0))
    for a, b in zip(with_guard, without):
        assert [h.passage.id for h in a.hits[:GUARD_KEEPS]] == [h.passage.id for h in b.hits[:GUARD_KEEPS]]
    lexical = SearchConfig(dense_fields=())
    assert [h.passage.id for h in search_batch(index, questions, 10, lexical)[0].hits] == \
        [h.passage.id for h in search_batch(index, questions, 10, SearchConfig(dense_fields=(), dense_guard=0))[0].hits]
