"""Who asks, and so which entries a search, a passage or a listing may show them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from ..text.normalize import fold
from .passage import Passage


@dataclass(frozen=True)
class Scope:
    """What one asker may see: ``internal`` entries (for the support team: a signed-in editor, a
    client of the service holding an API key) or not; and the ``section`` they narrow the search
    to ("" for every section; accents and case ignored)."""

    internal: bool = False
    section: str = ""

    def within(self, section: str) -> "Scope":
        """This scope narrowed to ``section``."""
        return replace(self, section=section.strip())

    def sees(self, passage: Passage, plan: str | None = None) -> bool:
        """True when this asker, on ``plan`` (None: unknown, every plan), may see ``passage``: an
        internal entry only with ``internal``, an entry for some audiences only from one of them
        (an unknown plan sees every audience's entries)."""
        if passage.internal and not self.internal:
            return False
        if self.section and fold(passage.section).strip() != fold(self.section):
            return False
        return plan is None or not passage.audience or plan in passage.audience


VISITOR = Scope()
STAFF = Scope(internal=True)


class Visibility:
    """How many passages of a set an asker may not see, without a pass over every passage per
    question: only passages kept for some askers (internal, for some audiences) are checked one by
    one; a section's size is counted once."""

    def __init__(self, passages: Sequence[Passage]):
        self._total = len(passages)
        self._restricted = tuple(p for p in passages if p.internal or p.audience)
        self._sizes = Counter(fold(p.section).strip() for p in passages)

    def hidden(self, scope: Scope, plan: str | None = None) -> int:
        """The number of passages ``scope`` may not see on ``plan`` (what :meth:`Scope.sees` refuses)."""
        section = fold(scope.section) if scope.section else None
        outside = self._total - self._sizes.get(section, 0) if section is not None else 0
        inside = (p for p in self._restricted if section is None or fold(p.section).strip() == section)
        return outside + sum(not scope.sees(p, plan) for p in inside)
