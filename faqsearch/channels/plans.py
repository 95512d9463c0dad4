"""The user's plan as the page, the service and the command line receive it, and plans in words."""

from __future__ import annotations

from typing import Sequence

from ..records.plans import PLAN_LABELS, PLANS
from ..text.normalize import fold


PLAN_ALIASES = {"gratuit": "gratuit", "free": "gratuit", "lite": "lite", "mail lite": "lite",
                "premium": "premium"}


def parse_plan(value: str | None) -> str | None:
    """Map a user's plan ("Gratuit", "Mail Lite", "free", "", None) to a plan id, or None if unknown."""
    if value is None or not value.strip() or fold(value).strip() in {"je ne sais pas", "inconnu", "any", "tous"}:
        return None
    plan = PLAN_ALIASES.get(fold(value).strip())
    if plan is None:
        raise ValueError(f"Forfait inconnu : {value!r}. Choisissez parmi : {', '.join(PLANS)}.")
    return plan


def plans_label(plans: Sequence[str]) -> str:
    """"Mail Lite et Premium" for ("lite", "premium"); "tous les forfaits" for every plan."""
    if set(plans) >= set(PLANS):
        return "tous les forfaits"
    labels = [PLAN_LABELS[p] for p in plans]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]
