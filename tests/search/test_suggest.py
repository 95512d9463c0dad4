"""Suggestions while typing: questions and variants completing what is typed, typos and accents
forgiven, one per entry."""

from __future__ import annotations

import pytest

from faqsearch.index.faq_index import FaqIndex
from faqsearch.records.passage import Passage
from faqsearch.search.suggest import Suggester, Suggestions
from tests.fakes import FakeEncoder


def _entry(pid: str, question: str, variants: tuple[str, ...] = (), part: int = 1, parts: int = 1) -> Passage:
    return Passage(id=pid, guide="g", section="Contact", title=question, question=question, answer="…",
                   variants=variants, entry_id="e-" + pid.split("#")[0] if parts > 1 else "", part=part, parts=parts)


PASSAGES = [
    _entry("telephone", "Comment contacter le support téléphonique ?", ("numéro de téléphone du support",)),
    _entry("email", "Comment contacter le support par e-mail ?"),
    _entry("ticket", "Comment créer un ticket ?", ("ouvrir une demande d'assistance",)),
    _entry("long#1", "Quels sont les tarifs ?", parts=2),
    _entry("long#2", "Quels sont les tarifs ?", part=2, parts=2),
]


def _texts(typed: str, limit: int = 5) -> list[str]:
    return [s.text for s in Suggester(PASSAGES).suggest(typed, limit)]


def test_what_is_typed_is_completed_from_questions_and_variants():
    assert _texts("Comment contacter le support t")[0] == "Comment contacter le support téléphonique ?"
    assert _texts("Comment contacter le support té") == ["Comment contacter le support téléphonique ?"]
    assert _texts("ouvrir une dem") == ["ouvrir une demande d'assistance"]
    assert set(_texts("Comment contacter le s")) == {"Comment contacter le support téléphonique ?",
                                                     "Comment contacter le support par e-mail ?"}


def test_typos_and_accents_are_forgiven():
    assert _texts("numro de telefone") == ["numéro de téléphone du support"]
    assert _texts("comment creer un tiket") == ["Comment créer un ticket ?"]
    assert _texts("TÉLÉPHONIQ") == ["Comment contacter le support téléphonique ?"]


def test_one_suggestion_per_entry_and_a_chunk_repeats_nothing():
    suggestions = Suggester(PASSAGES).suggest("support", 10)
    assert len({s.entry_id for s in suggestions}) == len(suggestions) == 2
    tarifs = Suggester(PASSAGES).suggest("tarifs")
    assert [(s.text, s.entry_id, s.section) for s in tarifs] == [("Quels sont les tarifs ?", "e-long", "Contact")]


def test_nothing_to_complete():
    assert _texts("") == [] and _texts("?!") == [] and _texts("comment ") == []
    assert _texts("météo à Paris ?") == []
    with pytest.raises(ValueError):
        Suggester(PASSAGES).suggest("support", 0)


def test_the_suggester_follows_the_index_in_service():
    holder = Suggestions()
    first = FaqIndex.build(PASSAGES[:2], FakeEncoder())
    assert holder.of(first) is holder.of(first)
    second = FaqIndex.build(PASSAGES[2:3], FakeEncoder())
    assert [s.text for s in holder.of(second).suggest("ticket")] == ["Comment créer un ticket ?"]


def test_a_visitor_is_never_offered_an_entry_kept_from_them():
    from dataclasses import replace

    from faqsearch.records.scope import STAFF, VISITOR

    hidden = [replace(_entry("procedure", "Comment contacter le support niveau deux ?"), internal=True),
              replace(_entry("pro", "Comment contacter le support des professionnels ?"), audience=("pro",))]
    suggester = Suggester(PASSAGES + hidden)
    visitor = [s.passage_id for s in suggester.suggest("contacter le sup", 10, VISITOR, "particulier")]
    assert visitor and "procedure" not in visitor and "pro" not in visitor
    assert "pro" in [s.passage_id for s in suggester.suggest("contacter le sup", 10, VISITOR, "pro")]
    assert "procedure" in [s.passage_id for s in suggester.suggest("contacter le sup", 10, STAFF)]
    narrowed = suggester.suggest("contacter le sup", 10, VISITOR.within("Ailleurs"))
    assert narrowed == []
