"""A support channel from the catalogue, and the channel recommended for a question."""

from __future__ import annotations

from dataclasses import dataclass

from .plans import PLANS


@dataclass(frozen=True)
class Channel:
    """A support channel from the catalogue, with how to reach it and who may use it."""

    id: str
    name: str
    keywords: tuple[str, ...] = ()
    url: str = ""
    email: str = ""
    phones: tuple[tuple[str, str], ...] = ()
    console_path: str = ""
    availability: str = ""
    plans: tuple[str, ...] = PLANS
    response_time: str = ""
    best_for: str = ""
    general: bool = False

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
        """True when ``plan`` (or an unknown plan, ``None``) may use this channel."""
        return plan is None or plan in self.plans


@dataclass(frozen=True)
class ChannelAdvice:
    """The channel recommended for a question, and why; ``alternatives`` when the plan forbids it.

    ``named_in_question`` when the question itself names the channel; ``assumed_plan`` is the plan
    the question names ("gratuit", "lite", "premium", or "payant") when the user chose none.
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
