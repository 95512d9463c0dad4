"""The plans a help center's users are on, and how the page names them."""

from __future__ import annotations

PLANS = ("gratuit", "lite", "premium")
PLAN_LABELS = {"gratuit": "Gratuit", "lite": "Mail Lite", "premium": "Premium"}
