"""The support channels and plans a question names, and the ranking that follows from them.

Pure logic over the catalogue and its declared plans: "Le support par e-mail est-il inclus dans
l'offre Essentiel ?" names the e-mail channel and the "essentiel" plan;
:mod:`faqsearch.channels.advice` then makes the card speak about e-mail for that plan. The best
passage alone would often point elsewhere (the chat passage also mentions e-mail), which is why
the question is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from ..records.answer import Hit
from .catalogue import Catalogue
from .plans import describe, flat, named_plans, phrase_pattern, plan_id, without_plan_words

# "mail" alone means e-mail (product names that hold it are a channel's ``not_keywords``).
_BARE_MAIL = re.compile(r"\b(?:mails?|emails|courriels|e mails)\b")


@dataclass(frozen=True)
class Mentions:
    """What a question names: channel ids in order of appearance, and the plans it speaks of.

    ``plans`` is empty when no plan is named, or when the question names plans that no declared
    group holds together (« Essentiel ou Pro ? » is a comparison, not a statement about the user's
    plan). ``plan_label`` and ``plan_id`` speak for them ("payant (Pro ou Entreprise)", "payant").
    """

    channels: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    plan_label: str = ""
    plan_id: str = ""


def find_mentions(question: str, catalogue: Catalogue) -> Mentions:
    """The channels (catalogue keywords, accents and case ignored) and plans named in ``question``."""
    declared = catalogue.plans
    plans = named_plans(question, declared)
    if len(plans) > 1 and declared.group_of(plans) is None:
        plans = ()
    text = without_plan_words(flat(question), declared)
    refused = _not_keywords(catalogue)
    if refused is not None:
        text = refused.sub(" ", text)
    text = _BARE_MAIL.sub(" e mail ", text)
    found: list[tuple[int, int, str]] = []
    for order, (channel_id, pattern) in enumerate(_keyword_patterns(catalogue)):
        first = pattern.search(text) if pattern else None
        if first:
            found.append((first.start(), order, channel_id))
    return Mentions(tuple(cid for _, _, cid in sorted(found)), plans, describe(plans, declared),
                    plan_id(plans, declared))


@lru_cache(maxsize=8)
def _not_keywords(catalogue: Catalogue) -> re.Pattern | None:
    """Words of a question that name no channel (a product's name: « Acme Mail » is not e-mail)."""
    return phrase_pattern([w for channel in catalogue.channels for w in channel.not_keywords])


@lru_cache(maxsize=8)
def _keyword_patterns(catalogue: Catalogue) -> tuple[tuple[str, re.Pattern | None], ...]:
    """One pattern per channel, any of its keywords at the start of a word (compiled once per catalogue)."""
    out = []
    for channel in catalogue.channels:
        keys = [re.escape(key) for k in channel.keywords if (key := flat(k).strip())]
        out.append((channel.id, re.compile(" (?:" + "|".join(keys) + ")") if keys else None))
    return tuple(out)


def rerank(question: str, hits: Sequence[Hit], catalogue: Catalogue, bonus: float, top_k: int,
           mentions: Mentions | None = None) -> tuple[Hit, ...]:
    """The ``top_k`` best of ``hits`` after adding ``bonus`` to the fused score of passages about a
    channel the question names ("par courriel" lifts the e-mail passage over one that merely
    shares "contacter" and the product's name)."""
    named = set((mentions or find_mentions(question, catalogue)).channels) if bonus else set()
    if not named or not any(h.passage.channel in named for h in hits):
        return tuple(hits[:top_k])
    scored = sorted(hits, key=lambda h: -(h.score + (bonus if h.passage.channel in named else 0.0)))
    return tuple(replace(h, rank=i + 1, score=h.score + (bonus if h.passage.channel in named else 0.0))
                 for i, h in enumerate(scored[:top_k]))
