"""Questions liées: the entries nearest to an opened one by their vectors, itself left out."""

from __future__ import annotations

import pytest

from faqsearch.index.faq_index import FaqIndex
from faqsearch.records.passage import Passage
from faqsearch.search.related import RelatedIndex
from tests.fakes import FakeEncoder


def _entry(pid: str, text: str, section: str = "S", part: int = 1, parts: int = 1) -> Passage:
    return Passage(id=pid, guide="g", section=section, title=text, question=text, answer=text,
                   entry_id="long" if parts > 1 else "", part=part, parts=parts)


PASSAGES = [
    _entry("tel", "appeler le support par téléphone numéro"),
    _entry("tel2", "appeler le support par téléphone numéro du pays", "Téléphone"),
    _entry("mail", "écrire au support par e-mail adresse"),
    _entry("long#1", "tarifs des forfaits prix", part=1, parts=2),
    _entry("long#2", "tarifs prix par mois", part=2, parts=2),
    _entry("alias", "ajouter un alias de messagerie"),
]


def test_the_nearest_entries_come_first_without_the_entry_itself_and_once_each():
    related = RelatedIndex().of(FaqIndex.build(PASSAGES, FakeEncoder()))
    near = related.near("tel", 3)
    assert [r.passage_id for r in near][0] == "tel2" and near[0].section == "Téléphone"
    assert "tel" not in [r.passage_id for r in near]
    everything = related.near("alias", 10)
    assert sorted(r.entry_id for r in everything) == ["long", "mail", "tel", "tel2"]
    assert [r.passage_id for r in related.near("long#2", 10) if r.entry_id == "tel"] == ["tel"]


def test_unknown_passage_and_bad_count():
    related = RelatedIndex().of(FaqIndex.build(PASSAGES, FakeEncoder()))
    assert related.near("nope") is None
    with pytest.raises(ValueError):
        related.near("tel", 0)
    alone = RelatedIndex().of(FaqIndex.build(PASSAGES[:1], FakeEncoder()))
    assert alone.near("tel") == []


def test_entries_kept_from_an_asker_are_neither_offered_nor_a_way_in():
    from dataclasses import replace

    from faqsearch.records.scope import STAFF, VISITOR

    secret = replace(_entry("secret", "appeler le support par téléphone numéro interne"), internal=True)
    related = RelatedIndex().of(FaqIndex.build(PASSAGES + [secret], FakeEncoder()))
    assert "secret" not in [r.passage_id for r in related.near("tel", 10, VISITOR)]
    assert "secret" in [r.passage_id for r in related.near("tel", 10, STAFF)]
    assert related.near("secret", 3, VISITOR) is None  # an internal entry is unknown to a visitor
    assert related.near("secret", 3, STAFF)
    assert {r.section for r in related.near("tel", 10, VISITOR.within("Téléphone"))} == {"Téléphone"}
