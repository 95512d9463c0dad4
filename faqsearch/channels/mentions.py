"""The support channels and plans a question names, and the ranking that follows from them.

Pure logic over the catalogue: "Le support par e-mail est-il inclus dans l'offre gratuite ?"
names the e-mail channel and the free plan; :mod:`faqsearch.channels.advice` then makes the card
speak about e-mail for the free plan. The best passage alone would often point elsewhere (the
chat passage also mentions e-mail), which is why the question is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from ..records.answer import Hit
from ..records.plans import PLAN_LABELS, PLANS
from ..text.normalize import fold
from .catalogue import Catalogue

PAID = "payant"
# Plan words, matched on the folded question with non-alphanumerics turned into spaces.
_PLAN_PATTERNS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = tuple((re.compile(p), plans) for p, plans in (
    (r"\bmail lite\b|\blite\b", ("lite",)),
    (r"\bpremium\b", ("premium",)),
    (r"\b(?:plans?|forfaits?|offres?|abonnements?|versions?|comptes?) (?:payants?|premium)\b|\bpayants?\b"
     r"|\bpaid\b|\ben payant\b", ("lite", "premium")),
    (r"\bgratuite?s?\b|\bfree\b|\bsans payer\b", ("gratuit",)),
))
_PRODUCT_NAMES = re.compile(r"\bmail lite\b|\bzoho mail\b")
# "numéro gratuit" is a toll-free number, not the free plan.
_NOT_A_PLAN = re.compile(r"\b(?:numeros?|appels?|lignes?) (?:gratuite?s?|free)\b|\btoll free\b")
# "mail" alone means e-mail, except in the product's and the plan's names.
_BARE_MAIL = re.compile(r"(?<!\bzoho )\b(?:mails?|emails|courriels|e mails)\b(?! lite\b)")


@dataclass(frozen=True)
class Mentions:
    """What a question names: channel ids in order of appearance, and the plans it speaks of.

    ``plans`` is empty when no plan is named, or when the question names both the free and a paid
    plan (a comparison, not a statement about the user's plan).
    """

    channels: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()

    @property
    def plan_label(self) -> str:
        """"Gratuit", "Mail Lite", "Premium" or "payant (Mail Lite ou Premium)"."""
        if len(self.plans) == 1:
            return PLAN_LABELS[self.plans[0]]
        return f"payant ({' ou '.join(PLAN_LABELS[p] for p in self.plans)})" if self.plans else ""

    @property
    def plan_id(self) -> str:
        """The plan id for the JSON contract: a plan id, "payant" for several paid plans, or ""."""
        if len(self.plans) == 1:
            return self.plans[0]
        return PAID if self.plans else ""


def _flat(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9/]+", " ", fold(text)).strip() + " "


def find_mentions(question: str, catalogue: Catalogue) -> Mentions:
    """The channels (catalogue keywords, accents and case ignored) and plans named in ``question``."""
    flat = _flat(question)
    plans: list[str] = []
    plan_free = _NOT_A_PLAN.sub(" ", flat)
    for pattern, named in _PLAN_PATTERNS:
        if pattern.search(plan_free):
            plans.extend(p for p in named if p not in plans)
        plan_free = pattern.sub(" ", plan_free)  # "Mail Lite" must not also count as mail
    if "gratuit" in plans and len(plans) > 1:
        plans = []
    text = _BARE_MAIL.sub(" e mail ", _PRODUCT_NAMES.sub(" ", flat))
    found: list[tuple[int, int, str]] = []
    for order, (channel_id, pattern) in enumerate(_keyword_patterns(catalogue)):
        first = pattern.search(text) if pattern else None
        if first:
            found.append((first.start(), order, channel_id))
    return Mentions(tuple(cid for _, _, cid in sorted(found)), tuple(p for p in PLANS if p in plans))


@lru_cache(maxsize=8)
def _keyword_patterns(catalogue: Catalogue) -> tuple[tuple[str, re.Pattern | None], ...]:
    """One pattern per channel, any of its keywords at the start of a word (compiled once per catalogue)."""
    out = []
    for channel in catalogue.channels:
        keys = [re.escape(key) for k in channel.keywords if (key := _flat(k).strip())]
        out.append((channel.id, re.compile(" (?:" + "|".join(keys) + ")") if keys else None))
    return tuple(out)


def rerank(question: str, hits: Sequence[Hit], catalogue: Catalogue, bonus: float, top_k: int,
           mentions: Mentions | None = None) -> tuple[Hit, ...]:
    """The ``top_k`` best of ``hits`` after adding ``bonus`` to the fused score of passages about a
    channel the question names ("par courriel" lifts the e-mail passage over one that merely
    shares "contacter" and "Zoho")."""
    named = set((mentions or find_mentions(question, catalogue)).channels) if bonus else set()
    if not named or not any(h.passage.channel in named for h in hits):
        return tuple(hits[:top_k])
    scored = sorted(hits, key=lambda h: -(h.score + (bonus if h.passage.channel in named else 0.0)))
    return tuple(replace(h, rank=i + 1, score=h.score + (bonus if h.passage.channel in named else 0.0))
                 for i, h in enumerate(scored[:top_k]))
