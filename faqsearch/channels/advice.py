"""The channel card of a question: which channel to use, and what to use instead when the plan
cannot use it. Pure logic over the catalogue.

The question is read as well as the answer: "Le support par e-mail est-il inclus dans l'offre
Essentiel ?" names the e-mail channel and a declared plan, so the card speaks about e-mail, assumes
that plan when the user chose none, and says whether e-mail is in it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..records.answer import Hit
from ..records.channel import Channel, ChannelAdvice
from .catalogue import Catalogue
from .mentions import Mentions, find_mentions
from .plans import describe, plans_label


def open_to(channel: Channel, plans: Sequence[str]) -> bool:
    """True when one of ``plans`` may use ``channel``; no plan (unknown) may use every channel."""
    return not plans or any(channel.open_to(p) for p in plans)


def general_channels(catalogue: Catalogue, plans: Sequence[str]) -> tuple[Channel, ...]:
    """The general-purpose channels ``plans`` may use (the fallbacks the guide recommends)."""
    return tuple(c for c in catalogue.channels if c.general and open_to(c, plans))


def _ideal_for(channel: Channel) -> str:
    return f" Idéal pour : {channel.best_for[:1].lower()}{channel.best_for[1:]}." if channel.best_for else ""


def _not_open(channel: Channel, catalogue: Catalogue, plans: Sequence[str], named: bool) -> ChannelAdvice:
    """The card of a channel that ``plans`` may not use: why, and the general channels they may
    use instead. ``named``: the question itself names the channel (the plan is "ce forfait",
    the one just spoken of, rather than "votre forfait"; in the help center's own word for plans)."""
    alternatives = tuple(c for c in general_channels(catalogue, plans) if c.id != channel.id)
    names = " et ".join(c.name.lower() if i else c.name for i, c in enumerate(alternatives[:2]))
    noun = catalogue.plans.noun
    instead = f" Avec {noun.this if named else 'votre ' + noun.singular}, utilisez plutôt : {names}." if names else ""
    return ChannelAdvice(
        channel,
        f"{channel.name} est réservé aux {noun.plural} {plans_label(channel.plans, catalogue.plans)} ; il n'est pas "
        f"ouvert {noun.to_the} {describe(plans, catalogue.plans)}." + instead,
        False, alternatives, named_in_question=named,
    )


def recommend(hits: Sequence[Hit], catalogue: Catalogue, plan: str | None, confident: bool) -> ChannelAdvice | None:
    """The channel for a question: the one of its best passage, or the general channels when that
    passage has none.

    When the user's plan cannot use it, the advice says so and lists the general channels that
    plan can use, as the guide does for the free plan. Without a confident answer, the general
    channels for the plan are offered instead.
    """
    plans = (plan,) if plan else ()
    general = general_channels(catalogue, plans)
    if not confident or not hits:
        if not general:
            return None
        return ChannelAdvice(
            general[0],
            "Le guide ne semble pas couvrir cette question : commencez par ces canaux généraux"
            + (f" ouverts {catalogue.plans.noun.to_the} {catalogue.plans.label(plan)}." if plan else "."),
            True, general[1:],
        )
    # The card follows the best answer: an overview (a passage of no channel of its own, such as
    # the guide's introduction or a plan's summary) gets the general channels, not the channel of
    # whichever lower passage happens to name one ("de l'aide sans payer" is not a paid partner).
    channel = catalogue.get(hits[0].passage.channel)
    if channel is None:
        if not general:
            return None
        return ChannelAdvice(general[0], f"Aucun canal précis n'est associé à « {hits[0].passage.question} » : "
                             "ce canal général est le meilleur point de départ.", True, general[1:])
    if not open_to(channel, plans):
        return _not_open(channel, catalogue, plans, named=False)
    return ChannelAdvice(channel, f"Ce canal correspond au passage « {hits[0].passage.question} »."
                         + _ideal_for(channel), True)


def advise(question: str, hits: Sequence[Hit], catalogue: Catalogue, plan: str | None,
           confident: bool, mentions: Mentions | None = None) -> ChannelAdvice | None:
    """The channel card for a question, reading what the question names (see :func:`recommend`).

    A named channel is the one the card speaks about, when the answer is confident or one of the
    best passages is about that channel (so an off-topic "numéro de la mairie" keeps the general
    card). Among several named channels, the one the best passages speak of wins. The user's chosen
    ``plan`` comes first; a plan named in the question is assumed only when the user chose none.
    """
    mentions = mentions or find_mentions(question, catalogue)
    assumed = mentions if plan is None and mentions.plans else None
    plans: tuple[str, ...] = (plan,) if plan else (assumed.plans if assumed else ())
    top_channels = [h.passage.channel for h in hits[:3]]
    named = [channel for cid in mentions.channels if (channel := catalogue.get(cid))]
    if named and (confident or any(c.id in top_channels for c in named)):
        channel = next((c for cid in top_channels for c in named if c.id == cid), named[0])
        advice = _named(channel, catalogue, plans)
    else:
        # Several assumed plans ("plan payant"): the one with the widest access speaks for them.
        widest = max(plans, key=lambda p: sum(c.open_to(p) for c in catalogue.channels)) if plans else None
        advice = recommend(hits, catalogue, widest, confident)
        if advice is not None and assumed is not None and len(assumed.plans) > 1:
            noun = catalogue.plans.noun.singular
            advice = replace(advice, reason=advice.reason.replace(f"{noun} {catalogue.plans.label(widest)}",
                                                                  f"{noun} {assumed.plan_label}"))
    if advice is None or assumed is None:
        return advice
    return replace(advice, assumed_plan=assumed.plan_id, reason=advice.reason
                   + f" {catalogue.plans.noun.assumed} d'après votre question : {assumed.plan_label}.")


def _named(channel: Channel, catalogue: Catalogue, plans: Sequence[str]) -> ChannelAdvice:
    """The card of the channel the question names."""
    if not open_to(channel, plans):
        return _not_open(channel, catalogue, plans, named=True)
    return ChannelAdvice(channel, f"Votre question porte sur ce canal : {channel.name}." + _ideal_for(channel),
                         True, named_in_question=True)
