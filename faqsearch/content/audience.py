"""Who an entry is for: the declared plans or audiences it names (a guide's ``Public :`` or
``Forfaits :`` line, a table's ``public`` column, a page's ``<meta name="public">``), and the
entries marked ``interne``, for the support team only. Checked once every reader has run.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..errors import ContentError
from ..records.passage import Passage
from ..records.plans import Plans
from ..text.normalize import fold

# The words of a guide's line, folded, that say who an entry is for.
GUIDE_KEYS = ("public", "forfaits", "forfait", "audience")
# The value that marks an entry for the support team rather than for visitors.
INTERNAL = "interne"
_INTERNAL_WORDS = {INTERNAL, "internal", "agents", "equipe"}
# Values that restrict nothing (« Forfaits : tous » in a guide written before audiences existed).
_EVERYONE = {"tous", "toutes", "tout le monde", "all", "everyone"}
_META = re.compile(r"<meta\b[^>]*\bname\s*=\s*[\"']?(?:public|audience)[\"'\s>][^>]*>", re.IGNORECASE)
_CONTENT = re.compile(r"\bcontent\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)


def split_values(text: str) -> tuple[str, ...]:
    """« particulier; professionnel » or « pro, entreprise »: each value once, blanks left out."""
    return tuple(dict.fromkeys(v.strip() for v in re.split(r"[;,]", text) if v.strip()))


def page_audience(html: str) -> tuple[str, ...]:
    """The values of a saved page's ``<meta name="public" content="…">`` (the whole page's entries)."""
    tag = _META.search(html)
    found = _CONTENT.search(tag.group(0)) if tag else None
    return split_values(found.group(1) or found.group(2) or "") if found else ()


def resolve_audiences(passages: Sequence[Passage], plans: Plans) -> list[Passage]:
    """Each passage with its audience as declared plan ids, and ``internal`` for « interne »;
    :class:`ContentError` at the entry's file and line for a value that is neither."""
    return [_resolved(p, plans) if p.audience else p for p in passages]


def _resolved(passage: Passage, plans: Plans) -> Passage:
    ids: list[str] = []
    internal = False
    for value in passage.audience:
        folded = fold(value).strip()
        if folded in _INTERNAL_WORDS:
            internal = True
            continue
        if folded in _EVERYONE:
            continue
        found = next((p for p in plans.plans + plans.groups if folded in {p.id, fold(p.label).strip()}), None)
        if found is None:
            declared = ", ".join(plans.ids() + tuple(g.id for g in plans.groups))
            raise _unknown(passage, value, plans)
        ids.extend(found.includes or (found.id,))
    return replace(passage, audience=plans.ordered(ids), internal=internal)


def _unknown(passage: Passage, value: str, plans: Plans) -> ContentError:
    declared = ", ".join(plans.ids() + tuple(g.id for g in plans.groups))
    fix = f" ou {declared} (déclarés dans plans.csv)" if declared else " ; pour viser des publics, déclarez-les dans plans.csv"
    message = f"public « {value} » inconnu pour « {passage.title} » : utilisez {INTERNAL} (réservé à l'équipe){fix}."
    source, _, line = passage.source.rpartition(":")
    return ContentError.at(source, int(line), message) if line.isdigit() else ContentError(message, passage.source)


def with_page_audience(passages: Sequence[Passage], html: str) -> list[Passage]:
    """The passages of one page, each for the audience its ``<meta name="public">`` names."""
    values = page_audience(html)
    return [replace(p, audience=values) for p in passages] if values else list(passages)
