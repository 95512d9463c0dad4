"""Who asks, and so which entries a search, a passage or a listing may show them."""

from __future__ import annotations

from dataclasses import dataclass

from .passage import Passage


@dataclass(frozen=True)
class Scope:
    """What one asker may see: ``internal`` entries (for the support team: a signed-in editor, a
    client of the service holding an API key) or not."""

    internal: bool = False

    def sees(self, passage: Passage, plan: str | None = None) -> bool:
        """True when this asker, on ``plan`` (None: unknown, every plan), may see ``passage``: an
        internal entry only with ``internal``, an entry for some audiences only from one of them
        (an unknown plan sees every audience's entries)."""
        if passage.internal and not self.internal:
            return False
        return plan is None or not passage.audience or plan in passage.audience


VISITOR = Scope()
STAFF = Scope(internal=True)
