"""What the engine says about a question: the passages found (hits) and the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from .channel import ChannelAdvice
from .passage import Passage


@dataclass(frozen=True)
class Hit:
    """A passage returned for a query, with its fused score and the signals behind it."""

    rank: int
    passage: Passage
    score: float
    dense: float = 0.0
    lexical: float = 0.0


@dataclass(frozen=True)
class ShortAnswer:
    """The part of a passage's answer that answers the question: ``text`` is always
    ``answer[start:end]`` of passage ``passage_id`` (character offsets), never new text."""

    passage_id: str
    text: str
    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start < self.end or len(self.text) != self.end - self.start:
            raise ValueError(f"start and end must frame the text. Currently, they are {self.start} and {self.end} "
                             f"for {len(self.text)} characters.")

    def to_dict(self) -> dict:
        return {"passage_id": self.passage_id, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Answer:
    """What the engine says about one question."""

    question: str
    confident: bool
    advice: ChannelAdvice | None
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    notice: str = ""
    plan: str | None = None  # the plan the answer was given for (None: unknown, every plan)
    short: ShortAnswer | None = None  # drawn from the best entry when the engine is confident
    did_you_mean: str | None = None  # the question with its unknown words corrected, offered only

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "confident": self.confident,
            "notice": self.notice,
            "channel": self.advice.to_dict() if self.advice else None,
            "short_answer": self.short.to_dict() if self.short else None,
            "did_you_mean": self.did_you_mean,
            "results": [
                {
                    "rank": h.rank, "score": round(h.score, 4), "passage_id": h.passage.id,
                    "section": h.passage.section, "question": h.passage.question,
                    "answer": h.passage.answer, "channel": h.passage.channel,
                    "entry_id": h.passage.entry, "part": h.passage.part, "parts": h.passage.parts,
                }
                for h in self.hits
            ],
        }
