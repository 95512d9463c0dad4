"""A support channel from the catalogue, and the channel recommended for a question."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    """A support channel from the catalogue, with how to reach it and who may use it (``plans``:
    declared plan ids; empty when the help center declares none). ``not_keywords`` are words of a
    question that hold a keyword of a channel without naming one (a product's name)."""

    id: str
    name: str
    keywords: tuple[str, ...] = ()
    url: str = ""
    email: str = ""
    phones: tuple[tuple[str, str], ...] = ()
    console_path: str = ""
    availability: str = ""
    plans: tuple[str, ...] = ()
    response_time: str = ""
    best_for: str = ""
    general: bool = False
    not_keywords: tuple[str, ...] = ()

    def contact(self) -> dict:
        """How to reach the channel, only the fields that are set."""
        out: dict = {}
        if self.url:
            out["url"] = self.url
        if self.email:
            out["email"] = self.email
        if self.phones:
            out["phones"] = [{"country": c, "number": n} for c, n in self.phones]
        if self.console_path:
            out["console_path"] = self.console_path
        return out

    def open_to(self, plan: str | None) -> bool:
        """True when ``plan`` (or an unknown plan, ``None``) may use this channel; a channel of a
        help center without plans is open to all."""
        return plan is None or not self.plans or plan in self.plans


@dataclass(frozen=True)
class ChannelAdvice:
    """The channel recommended for a question, and why; ``alternatives`` when the plan forbids it.

    ``named_in_question`` when the question itself names the channel; ``assumed_plan`` is the plan
    the question names (a declared plan's id, or a group's for several) when the user chose none.
    """

    channel: Channel
    reason: str
    available: bool = True
    alternatives: tuple[Channel, ...] = ()
    named_in_question: bool = False
    assumed_plan: str = ""

    def to_dict(self) -> dict:
        c = self.channel
        return {
            "id": c.id, "name": c.name, "contact": c.contact(), "plans": list(c.plans),
            "reason": self.reason, "available": self.available,
            "availability": c.availability, "response_time": c.response_time,
            "alternatives": [{"id": a.id, "name": a.name, "contact": a.contact(), "plans": list(a.plans)}
                             for a in self.alternatives],
            "named_in_question": self.named_in_question, "assumed_plan": self.assumed_plan or None,
        }
