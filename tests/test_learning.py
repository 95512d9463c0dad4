"""Which visitors' questions are offered to editors to learn from (seed corpus, fake encoder)."""

from __future__ import annotations

import pytest

from faqsearch.corpus import load_corpus
from faqsearch.dismissals import Dismissals
from faqsearch.engine import Confidence, Engine
from faqsearch.feedback import FeedbackStore, normalize_question
from faqsearch.index import FaqIndex
from faqsearch.learning import DISLIKED, REFUSED, UNSURE, Asked, collect, reasons_for
from faqsearch.documents import Answer, Hit
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEED_CORPUS)


def engine_with(corpus, confidence: Confidence) -> Engine:
    index = FaqIndex.build(corpus.passages, FakeEncoder(), corpus.catalogue, synonyms=corpus.synonyms)
    return Engine(index, confidence=confidence)


REFUSE_ALL = Confidence(min_dense=2.0, sure_dense=2.0)
ACCEPT_ALL = Confidence(min_dense=-1.0, min_evidence=0.0, sure_dense=2.0)


def test_refused_questions_are_listed_with_candidates_most_asked_first(corpus):
    groups = collect(engine_with(corpus, REFUSE_ALL), [Asked("comment causer à un humain", 1),
                                                       Asked("numéro pour appeler le support", 3)])
    assert [g.question for g in groups] == ["numéro pour appeler le support", "comment causer à un humain"]
    assert groups[0].reasons == (REFUSED,) and groups[0].count == 3
    assert len(groups[0].candidates) == 3 and groups[0].candidates[0].channel == "telephone"


def test_alike_questions_form_one_group(corpus):
    groups = collect(engine_with(corpus, REFUSE_ALL), [
        Asked("appeler le support par téléphone", 2), Asked("le support par téléphone : appeler", 1),
        Asked("APPELER le support par téléphone ?", 1), Asked("forums de la communauté", 1)])
    assert len(groups) == 2
    phone = groups[0]
    assert phone.count == 4 and len(phone.questions) == 2  # two spellings merged by the store's key


def test_known_and_dismissed_questions_are_left_out(corpus, tmp_path):
    engine = engine_with(corpus, REFUSE_ALL)
    variant = next(v for p in corpus.passages for v in p.variants)
    dismissals = Dismissals(FeedbackStore(tmp_path / "feedback.sqlite3"))
    dismissals.dismiss("Question gênante ?", "Alice")
    assert normalize_question("question gênante") in dismissals.keys()
    groups = collect(engine, [Asked(variant, 5), Asked("question gênante", 2), Asked("autre chose", 1)],
                     dismissals.keys())
    assert [g.question for g in groups] == ["autre chose"]


def test_disliked_answers_are_listed_even_when_confident(corpus):
    engine = engine_with(corpus, ACCEPT_ALL)
    groups = collect(engine, [Asked("numéro pour appeler le support", 1, disliked=1), Asked("forums", 2)])
    assert [(g.question, DISLIKED in g.reasons) for g in groups] == [("numéro pour appeler le support", True)]


def test_unsure_means_accepted_without_a_clear_winner(corpus):
    p, q = corpus.passages[:2]
    close = Answer("x", True, None, (Hit(1, p, 1.0, 0.84), Hit(2, q, 0.95, 0.83)))
    clear = Answer("x", True, None, (Hit(1, p, 1.0, 0.84), Hit(2, q, 0.5, 0.70)))
    sure = Answer("x", True, None, (Hit(1, p, 1.0, 0.90), Hit(2, q, 0.99, 0.89)))
    assert reasons_for(close, 0, 0.885) == (UNSURE,)
    assert reasons_for(clear, 0, 0.885) == () and reasons_for(sure, 0, 0.885) == ()
