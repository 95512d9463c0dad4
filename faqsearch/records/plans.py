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


_VOWELS = "aâàäeéèêëiîïoôöuùûüyœæ"


@dataclass(frozen=True)
class PlanNoun:
    """What a help center calls its plans (« un forfait », « un profil », « une formule »), with the
    gender and the plural the card's sentences agree with."""

    singular: str = "forfait"
    plural: str = "forfaits"
    feminine: bool = False

    def _article(self, masculine: str, feminine: str) -> str:
        if self.singular[:1].lower() in _VOWELS:
            return "l'" + self.singular
        return f"{feminine if self.feminine else masculine} {self.singular}"

    @property
    def the(self) -> str:
        """« le forfait », « la formule », « l'offre »."""
        return self._article("le", "la")

    @property
    def to_the(self) -> str:
        """« au forfait », « à la formule », « à l'offre »."""
        return "à " + self.the if self.feminine or self.the.startswith("l'") else "au " + self.singular

    @property
    def of_the(self) -> str:
        """« du forfait », « de la formule », « de l'offre »."""
        return "de " + self.the if self.feminine or self.the.startswith("l'") else "du " + self.singular

    @property
    def this(self) -> str:
        """« ce forfait », « cet abonnement », « cette formule »."""
        if self.feminine:
            return "cette " + self.singular
        return ("cet " if self.singular[:1].lower() in _VOWELS else "ce ") + self.singular

    @property
    def every(self) -> str:
        """« tous les forfaits », « toutes les formules »."""
        return ("toutes les " if self.feminine else "tous les ") + self.plural

    @property
    def title(self) -> str:
        """« Forfait », at the start of a sentence."""
        return self.singular[:1].upper() + self.singular[1:]

    @property
    def assumed(self) -> str:
        """« Forfait supposé », « Formule supposée »."""
        return f"{self.title} supposé{'e' if self.feminine else ''}"

    @property
    def unknown(self) -> str:
        """« Forfait inconnu », « Formule inconnue »."""
        return f"{self.title} inconnu{'e' if self.feminine else ''}"

    @property
    def heading(self) -> str:
        """« Forfaits », a title over a list of plans."""
        return self.plural[:1].upper() + self.plural[1:]


FORFAIT = PlanNoun()
"""A help center that does not say otherwise calls its plans « forfaits »."""


@dataclass(frozen=True)
class Plans:
    """The declared plans in their order (the page offers them so), the groups of plans, and what
    the help center calls them (``noun``)."""

    plans: tuple[Plan, ...] = ()
    groups: tuple[Plan, ...] = ()
    noun: PlanNoun = FORFAIT

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
