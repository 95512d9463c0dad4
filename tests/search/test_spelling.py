"""« Vouliez-vous dire » : unknown words of a question replaced by close words of the guides."""

from __future__ import annotations

from faqsearch.index.faq_index import FaqIndex
from faqsearch.records.passage import Passage
from faqsearch.search.engine import Engine
from faqsearch.search.spelling import Speller, Spelling
from faqsearch.text.analyzer import analyzer
from tests.fakes import FakeEncoder

TEXTS = ["Comment joindre le support téléphonique ?", "Appelez le numéro de téléphone du support.", "Créer un ticket."]


def _speller() -> Speller:
    return Speller(TEXTS, frozenset(s for text in TEXTS for s in analyzer().stems(text)))


def test_unknown_words_are_replaced_by_close_words_written_as_the_guides_write_them():
    assert _speller().correct("numro de telefone du suport") == "numéro de téléphone du support"
    assert _speller().correct("Tiket ouvert ?") == "Ticket ouvert ?"  # capital kept, the rest untouched


def test_no_correction_for_known_words_far_words_or_short_words():
    speller = _speller()
    assert speller.correct("Comment joindre le support ?") is None
    assert speller.correct("Quelle est la capitale de l'Australie ?") is None
    assert speller.correct("un tél 2024") is None


def test_the_engine_offers_the_correction_and_answers_the_question_as_typed():
    passages = [Passage(id=f"p{i}", guide="g", section="", title=t, question=t, answer=t) for i, t in enumerate(TEXTS)]
    engine = Engine(FaqIndex.build(passages, FakeEncoder()))
    answer = engine.ask("numro du suport")
    assert answer.question == "numro du suport"
    assert answer.to_dict()["did_you_mean"] == "numéro du support"
    assert engine.ask("numéro du support").did_you_mean is None


def test_the_speller_follows_the_index_in_service():
    holder = Spelling()
    index = FaqIndex.build([Passage(id="a", guide="g", section="", title="Tarifs", question="Tarifs", answer="Prix")],
                           FakeEncoder())
    assert holder.of(index) is holder.of(index)
    assert holder.of(index).correct("tarfis") == "tarifs"


def test_an_internal_entry_lends_no_word_to_the_corrections_offered():
    public = Passage(id="a", guide="g", section="", title="Tarifs", question="Tarifs", answer="Prix")
    internal = Passage(id="b", guide="g", section="", title="Remboursement", question="Remboursement",
                       answer="Avec le code manager de la caisse.", internal=True)
    speller = Spelling().of(FaqIndex.build([public, internal], FakeEncoder()))
    assert speller.correct("tarfis") == "tarifs"
    assert speller.correct("code managr") is None
