"""Which support channel each passage describes, and which plans may use it. Pure logic."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..records.passage import Passage
from ..records.plans import Plans
from .catalogue import Catalogue
from .plans import named_plans


def assign_channels(passages: Sequence[Passage], catalogue: Catalogue) -> list[Passage]:
    """Give each passage the channel it describes or points to, and the plans that may use it.

    The item's title names the channel most reliably ("Support téléphonique"); failing that, the
    first channel its answer mentions ("Consultez d'abord le Centre d'aide…"). An editor's
    explicit ``Canal :`` is kept as written (it is validated elsewhere).
    """
    out = []
    for passage in passages:
        channel_id = passage.channel
        if not channel_id:
            found = catalogue.match(passage.title) or catalogue.match(passage.answer)
            channel_id = found.id if found else ""
        channel = catalogue.get(channel_id)
        plans = channel.plans if channel else _plans_from_section(passage.section, catalogue.plans)
        out.append(replace(passage, channel=channel_id, plans=plans))
    return out


def _plans_from_section(section: str, plans: Plans) -> tuple[str, ...]:
    """The plans a section's title names (« plans payants »), else every declared plan."""
    return named_plans(section, plans) or plans.ids()
