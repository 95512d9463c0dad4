"""Who sees what: the count of passages kept from an asker equals what ``Scope.sees`` refuses."""

from __future__ import annotations

import pytest

from faqsearch.records.passage import Passage
from faqsearch.records.scope import STAFF, VISITOR, Visibility


def _passage(pid: str, section: str, audience: tuple[str, ...] = (), internal: bool = False) -> Passage:
    return Passage(id=pid, guide="g", section=section, title=pid, question=pid, answer="…",
                   audience=audience, internal=internal)


PASSAGES = [
    _passage("a", "Nous joindre"), _passage("b", "nous JOINDRE ", ("pro",)), _passage("c", "Nous joindre", internal=True),
    _passage("d", "Tarifs"), _passage("e", "Tarifs", ("particulier", "pro")), _passage("f", "", internal=True),
]


@pytest.mark.parametrize("scope", [VISITOR, STAFF, VISITOR.within("Nous joindre"), STAFF.within("nous joindre"),
                                   VISITOR.within("Tarifs"), VISITOR.within("Ailleurs")])
@pytest.mark.parametrize("plan", [None, "pro", "particulier", "association"])
def test_hidden_counts_what_sees_refuses(scope, plan):
    expected = sum(not scope.sees(p, plan) for p in PASSAGES)
    assert Visibility(PASSAGES).hidden(scope, plan) == expected
