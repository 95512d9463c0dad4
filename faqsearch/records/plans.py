"""The plans (or audiences) a help center declares for its users, as every layer sees them.

Nothing here names a plan: the corpus declares them (``corpus/plans.csv``, read by
:mod:`faqsearch.content.plans` and checked by :mod:`faqsearch.channels.plans`). A help center
without a declaration has :data:`NO_PLANS`, and then nothing speaks of plans.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """A plan users are on ("Essentiel"), or a group that names several plans at once (« offres
    payantes » for "Pro" and "Entreprise").

    ``words`` name it in a question (« offre Pro », « pro »); ``not_words`` are expressions that
    hold one of its words without naming it (« utilisation pro » is not the plan).
    ``includes`` is empty for a plan, and lists the plans of a group.
    """

    id: str
    label: str
    words: tuple[str, ...] = ()
    not_words: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plans:
    """The declared plans in their order (the page offers them so), and the groups of plans."""

    plans: tuple[Plan, ...] = ()
    groups: tuple[Plan, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.plans)

    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.plans)

    def get(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans + self.groups if p.id == plan_id), None)

    def label(self, plan_id: str) -> str:
        """The label of a plan or group; the id itself when it is not declared."""
        found = self.get(plan_id)
        return found.label if found else plan_id

    def ordered(self, ids) -> tuple[str, ...]:
        """The plans of ``ids`` in their declared order, each once."""
        wanted = set(ids)
        return tuple(p for p in self.ids() if p in wanted)

    def group_of(self, ids) -> Plan | None:
        """The first group that holds every plan of ``ids``."""
        wanted = set(ids)
        return next((g for g in self.groups if wanted <= set(g.includes)), None)


NO_PLANS = Plans()
