"""Which support channel each passage describes, and which plans may use it. Pure logic."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..records.passage import Passage
from ..records.plans import PLANS
from ..text.normalize import fold
from .catalogue import Catalogue


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
        plans = channel.plans if channel else _plans_from_section(passage.section)
        out.append(replace(passage, channel=channel_id, plans=plans))
    return out


def _plans_from_section(section: str) -> tuple[str, ...]:
    folded = fold(section)
    if "payant" in folded:
        return ("lite", "premium")
    found = tuple(p for p in PLANS if re.search(rf"\b{p}\b", folded))
    return found or PLANS
