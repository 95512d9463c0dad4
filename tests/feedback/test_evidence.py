"""Learning from clicks: evidence per (phrasing, passage) pair and the proposals, from hand-made events."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from faqsearch.feedback.evidence import (CONTACT, DOWN, OPEN, UP, EvidenceRules, RatingLike, collect_evidence,
                                         phrasing_key)
from faqsearch.feedback.proposals import automatic, propose
from faqsearch.records.passage import Passage
from faqsearch.text.personal import personal_data


@dataclass(frozen=True)
class Ev:
    """A visitor event with the fields of the store's ``Event``."""

    session: str
    kind: str
    question: str
    passage_id: str | None = None
    rank: int | None = None
    at: str = "2026-12-01T10:00:00+00:00"
    client_key: str | None = None
    target: str | None = None


def opened(session: str, question: str, passage: str, rank: int = 1, at: str = "2026-12-01T10:00:00+00:00",
           client: str | None = None) -> Ev:
    return Ev(session, OPEN, question, passage, rank, at, client)


def _passage(pid: str, question: str, entry: str = "") -> Passage:
    return Passage(id=pid, guide="guide", section="Canaux", title=question, question=question, answer="…",
                   entry_id=entry)


PASSAGES = [_passage("mail", "Comment écrire au support ?"), _passage("tel", "Quel est le numéro du support ?"),
            _passage("guide/long#2", "Le long guide", "guide/long")]


def evidence_of(events, ratings=(), rules=EvidenceRules()):
    return {(e.key, e.passage_id): e for e in collect_evidence(events, ratings, rules)}


def test_an_open_far_down_the_list_counts_more_than_the_first_result():
    found = evidence_of([opened("s1", "mon patron veut une trace écrite", "mail", rank=1),
                         opened("s2", "ma boîte veut un écrit", "mail", rank=4)])
    assert found[(phrasing_key("mon patron veut une trace écrite"), "mail")].positive == 1.0
    assert found[(phrasing_key("ma boîte veut un écrit"), "mail")].positive == 4.0


def test_the_propensity_weight_is_clipped():
    rules = EvidenceRules(max_weight=3.0)
    assert rules.open_weight(1) == 1.0 and rules.open_weight(2) == 2.0 and rules.open_weight(9) == 3.0
    assert EvidenceRules(propensity_power=0.5).open_weight(4) == 2.0


def test_a_contact_right_after_opening_and_a_thumbs_down_are_negative():
    q = "joindre quelqu'un"
    found = evidence_of([
        opened("s1", q, "tel", at="2026-12-01T10:00:00+00:00"),
        Ev("s1", CONTACT, q, "tel", at="2026-12-01T10:01:00+00:00"),
        opened("s2", q, "tel"),
        opened("s3", q, "tel", at="2026-12-01T10:00:00+00:00"),
        Ev("s3", CONTACT, q, None, at="2026-12-01T11:00:00+00:00"),  # an hour later: not "right after"
    ], [RatingLike("s2", q, "tel", DOWN)])
    pair = found[(phrasing_key(q), "tel")]
    assert pair.negative == 2.0 and pair.positive == 1.0  # s1 contacted, s2 said 👎; s3 stays positive
    assert (pair.contacts, pair.downs, pair.opens) == (1, 1, 3)


def test_a_contact_after_opening_another_answer_does_not_count_against_the_first():
    q = "joindre quelqu'un"
    found = evidence_of([opened("s1", q, "mail", at="2026-12-01T10:00:00+00:00"),
                         opened("s1", q, "tel", at="2026-12-01T10:00:30+00:00", rank=2),
                         Ev("s1", CONTACT, q, "tel", at="2026-12-01T10:01:00+00:00")])
    assert found[(phrasing_key(q), "mail")].negative == 0 and found[(phrasing_key(q), "mail")].positive == 1.0
    assert found[(phrasing_key(q), "tel")].negative == 1.0 and found[(phrasing_key(q), "tel")].positive == 0


def test_thumbs_up_adds_to_an_open():
    q = "écrire au support"
    found = evidence_of([opened("s1", q, "mail", rank=2)], [RatingLike("s1", q, "mail", UP)])
    assert found[(phrasing_key(q), "mail")].positive == 3.0 and found[(phrasing_key(q), "mail")].ups == 1


def test_near_identical_phrasings_pool_their_evidence_but_a_negation_does_not():
    assert phrasing_key("Comment écrire au support ?") == phrasing_key("comment ecrire  au Support")
    assert phrasing_key("Je peux appeler") != phrasing_key("je ne peux pas appeler")
    found = evidence_of([opened("s1", "Comment écrire au support ?", "mail", rank=2),
                         opened("s2", "comment ecrire au support", "mail", rank=2),
                         opened("s3", "comment ecrire au support", "mail", rank=2)])
    pair = found[(phrasing_key("comment ecrire au support"), "mail")]
    assert pair.positive == 6.0 and pair.clients == 3
    assert pair.question == "comment ecrire au support"  # the wording most visitors used


def test_one_session_counts_once_and_one_client_is_capped():
    q = "mon patron veut une trace écrite"
    repeated = [opened("s1", q, "mail", rank=4, at=f"2026-12-01T10:0{i}:00+00:00") for i in range(5)]
    assert evidence_of(repeated)[(phrasing_key(q), "mail")].positive == 4.0
    # One client key over a hundred sessions (new tabs, days): still one client, capped.
    flood = [opened(f"s{i}", q, "mail", rank=4, client="a" * 16) for i in range(100)]
    pair = evidence_of(flood)[(phrasing_key(q), "mail")]
    assert pair.positive == EvidenceRules().client_cap and pair.clients == 1
    assert propose(collect_evidence(flood), PASSAGES) == []  # one client never makes a pair


def _support(question: str, passage: str, visitors: int, rank: int = 2):
    return [opened(f"{question}-{passage}-{i}", question, passage, rank, client=f"{i:016x}") for i in range(visitors)]


def test_proposals_need_consistent_evidence_and_are_grouped_by_entry():
    events = (_support("mon patron veut une trace écrite", "mail", 3)
              + _support("ma boîte exige un écrit", "mail", 5, rank=3)
              + _support("appeler ou écrire", "mail", 3) + _support("appeler ou écrire", "tel", 3)
              + _support("le guide détaillé", "guide/long#2", 3))
    groups = propose(collect_evidence(events), PASSAGES)
    assert [g.entry for g in groups] == ["mail", "guide/long"]
    mail = groups[0]
    assert [p.question for p in mail.proposals] == ["ma boîte exige un écrit", "mon patron veut une trace écrite"]
    assert mail.title == "Comment écrire au support ?"
    assert mail.proposals[1].evidence.clients == 3 and mail.proposals[1].evidence.positive == 6.0
    # Split between two passages: not consistent, not proposed.
    assert all(p.question != "appeler ou écrire" for g in groups for p in g.proposals)
    assert [p.question for p in automatic(groups)] == ["ma boîte exige un écrit"]  # 15 from 5 clients


def test_known_rejected_and_unknown_pairs_are_not_proposed():
    events = (_support("Comment écrire au support", "mail", 3) + _support("une trace écrite", "mail", 3)
              + _support("une trace écrite", "gone", 3))
    assert propose(collect_evidence(events), PASSAGES, rejected={(phrasing_key("une trace écrite"), "mail")}) == []


@pytest.mark.parametrize("question", ["mon adresse jean.dupont@example.fr ne reçoit rien",
                                      "rappelez-moi au 06 12 34 56 78", "appeler le +1 (514) 644-4545",
                                      "commande 4821337 perdue"])
def test_phrasings_with_personal_data_are_never_proposed(question):
    assert personal_data(question)
    assert propose(collect_evidence(_support(question, "mail", 6)), PASSAGES) == []


def test_ordinary_numbers_are_not_personal_data():
    assert not personal_data("le support est-il ouvert 24/7 en 2026 ?")
    assert not personal_data("bureau de Paris 75001, forfait à 4 euros")


def test_control_and_direction_characters_never_reach_a_proposal():
    events = _support("trace\u202e écrite\x07 exigée", "mail", 3)
    groups = propose(collect_evidence(events), PASSAGES)
    assert [p.question for g in groups for p in g.proposals] == ["trace écrite exigée"]


def test_rules_are_validated():
    with pytest.raises(ValueError):
        EvidenceRules(min_share=0)
    with pytest.raises(ValueError):
        EvidenceRules(max_weight=0.5)


def test_opening_any_part_of_a_long_entry_is_evidence_for_the_entry_as_the_variants_file_names_it():
    from faqsearch.feedback.proposals import variant_targets

    parts = [Passage(id=f"guide/long#{k}", guide="guide", section="Guide", title="Le long guide",
                     question="Le long guide", answer=f"extrait {k}", entry_id="guide/long", part=k, parts=3)
             for k in (1, 2, 3)]
    assert variant_targets(parts) == {f"guide/long#{k}": "guide/long" for k in (1, 2, 3)}
    events = [opened(f"s{k}", "le guide en détail", f"guide/long#{k}", rank=2, client=str(k) * 16) for k in (1, 2, 3)]
    [group] = propose(collect_evidence(events, targets=variant_targets(parts)), parts)
    [proposal] = group.proposals
    assert proposal.passage_id == "guide/long" and proposal.evidence.clients == 3 and group.entry == "guide/long"


def test_a_majority_of_the_visitors_must_agree():
    q = "une trace écrite"
    events = _support(q, "mail", 3, rank=4) + [opened(f"other{i}", q, "tel", rank=1, client=f"{i}" * 16)
                                               for i in "abc"]
    assert not propose(collect_evidence(events), PASSAGES)  # 12 of 15 points go to "mail", but 3 of 6 visitors
    loose = EvidenceRules(min_client_share=0.0)
    assert propose(collect_evidence(events, rules=loose), PASSAGES, rules=loose)
