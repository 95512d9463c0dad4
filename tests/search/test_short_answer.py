"""The short answer: a part of the best entry's own text, chosen only when it stands out."""

from __future__ import annotations

import numpy as np
import pytest

from faqsearch.embedding.default import FEW_PASSAGES
from faqsearch.records.answer import ShortAnswer
from faqsearch.records.passage import Passage
from faqsearch.search.answer_parts import Part
from faqsearch.search.short_answer import ShortAnswerConfig, ShortAnswers, lexical_shares, pick
from tests.fakes import FakeEncoder

ANSWER = """- Accès : ouvrez la console puis le menu support.
- Numéros de téléphone :
  - Canada : +1 888 900 9646
  - Espagne : +34 900 868 318
- Horaires : ouvert jour et nuit, sept jours sur sept."""


def _passage(answer: str = ANSWER) -> Passage:
    return Passage(id="guide/telephone", guide="guide", section="Support", title="Support téléphonique",
                   question="Comment joindre le support téléphonique ?", answer=answer)


def _choose(question: str, passage: Passage | None = None, encoder: FakeEncoder | None = None,
            shorts: ShortAnswers | None = None) -> ShortAnswer | None:
    encoder = encoder or FakeEncoder()
    vector = encoder.encode_queries([question])[0]
    return (shorts or ShortAnswers()).choose(encoder, question, vector, passage or _passage())


def test_the_part_that_answers_is_given_as_a_span_of_the_answer():
    # The fake model hashes words: the analyzer's share, weighted up, makes the choice readable.
    shorts = ShortAnswers(ShortAnswerConfig(lexical_weight=1.0))
    short = _choose("numéro de téléphone au Canada", shorts=shorts)
    assert short is not None and short.passage_id == "guide/telephone"
    assert short.text == ANSWER[short.start:short.end] == "Canada : +1 888 900 9646"
    horaires = _choose("le support est ouvert la nuit ? horaires", shorts=shorts)
    assert horaires.text == "Horaires : ouvert jour et nuit, sept jours sur sept."


def test_no_short_answer_when_no_part_stands_out():
    twins = "- Le support répond vite.\n- Le support répond vite."
    assert _choose("le support répond-il vite ?", _passage(twins)) is None


def test_a_part_longer_than_the_limit_is_never_given():
    long_line = "Horaires : " + "ouvert " * 60
    passage = _passage(f"- {long_line.strip()}\n- Accès : la console.")
    short = _choose("horaires ouvert", passage, shorts=ShortAnswers(ShortAnswerConfig(max_chars=40)))
    assert short is None or len(short.text) <= 40
    assert _choose("horaires", _passage("Horaires : " + "ouvert " * 60),
                   shorts=ShortAnswers(ShortAnswerConfig(max_chars=40))) is None


def test_parts_are_embedded_a_few_at_a_time_and_once():
    many = "\n".join(f"- Ligne {i} : sujet numéro {i} du guide." for i in range(3 * FEW_PASSAGES))

    class Counting(FakeEncoder):
        batches: list[int] = []

        def encode_passages(self, texts, progress=False):
            self.batches.append(len(texts))
            return super().encode_passages(texts, progress)

    encoder, shorts = Counting(), ShortAnswers(ShortAnswerConfig(max_parts=2 * FEW_PASSAGES))
    _choose("sujet numéro 7", _passage(many), encoder, shorts)
    assert sum(encoder.batches) == 2 * FEW_PASSAGES and max(encoder.batches) <= FEW_PASSAGES
    _choose("sujet numéro 7", _passage(many), encoder, shorts)
    assert sum(encoder.batches) == 2 * FEW_PASSAGES  # the parts' vectors were kept
    few = Counting()
    few.batches = []
    _choose("sujet numéro 7", _passage(many), few, ShortAnswers(ShortAnswerConfig(max_parts=3)))
    assert few.batches == [3]  # only the parts sharing the most with the question


def test_the_smallest_part_inside_the_best_is_preferred_when_it_scores_almost_as_well():
    item, line, other = Part(0, 50, "item"), Part(10, 30, "line"), Part(60, 90, "line")
    config = ShortAnswerConfig(margin=0.02, nested=0.01)
    assert pick([item, line, other], np.array([0.90, 0.895, 0.80]), config) == line
    assert pick([item, line, other], np.array([0.90, 0.85, 0.80]), config) == item
    assert pick([item, line, other], np.array([0.90, 0.85, 0.89]), config) is None


def test_the_analyzer_weighs_the_words_that_tell_parts_apart():
    shares = lexical_shares("support par tchat", ["Le support par chat.", "Le support par téléphone."])
    assert shares[0] > shares[1] > 0


def test_a_short_answer_frames_its_text():
    with pytest.raises(ValueError):
        ShortAnswer("p", "abc", 2, 3)
    with pytest.raises(ValueError):
        ShortAnswerConfig(max_chars=0)
    assert ShortAnswer("p", "abc", 4, 7).to_dict() == {"passage_id": "p", "text": "abc", "start": 4, "end": 7}


def test_a_lone_part_is_given_without_embedding_anything():
    class Refusing(FakeEncoder):
        def encode_passages(self, texts, progress=False):
            raise AssertionError("a lone part needs no vector")

    one = "Ouvrez la console puis le menu support."
    short = _choose("où est le menu support ?", _passage(one), Refusing())
    assert short == ShortAnswer("guide/telephone", one, 0, len(one))
    # The same as when it is compared: alone, it always stands out.
    assert _choose("où est le menu support ?", _passage(one)) == short
