"""Who asks, and so which entries a search, a passage or a listing may show them."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
