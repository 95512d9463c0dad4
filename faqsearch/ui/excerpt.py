"""Which part of a long answer a result card shows first.

A help-center page can run to thousands of words; a card that prints it whole buries the
sentence that answers, and the reader scrolls past five of them. A long answer is shown by the
run of lines that holds most of the question's words (a few lines, within a character budget),
with where it sits in the answer; the whole answer stays one click away. Pure logic over lines
and analyzer keys, unit-tested without a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..records.passage import Passage
from ..text.analyzer import analyzer
from ..text.normalize import fold

# An answer up to this size is shown whole: the seed guide's items all are. A chunk of a long
# entry (up to 400 tokens, about 1,700 characters of French) shows its part around the words asked.
SHORT_ANSWER_CHARS = 1200
SHORT_ANSWER_LINES = 14
# Characters of the excerpt of a long answer: about six lines of a card.
EXCERPT_CHARS = 480
# A list of short lines (an address, opening hours) stops earlier.
MAX_EXCERPT_LINES = 8


@dataclass(frozen=True)
class Excerpt:
    """Lines ``start`` to ``end`` (excluded) of an answer of ``total`` lines and ``chars``
    characters; ``offset`` is the number of characters before the excerpt."""

    start: int
    end: int
    total: int
    offset: int
    chars: int

    @property
    def whole(self) -> bool:
        """True when the excerpt is the whole answer (a short one)."""
        return self.start == 0 and self.end == self.total

    @property
    def where(self) -> str:
        """Which third of the answer the excerpt starts in: "Début", "Milieu" or "Fin" de la réponse."""
        if self.offset < self.chars / 3:
            return "Début de la réponse"
        return "Fin de la réponse" if self.offset >= 2 * self.chars / 3 else "Milieu de la réponse"


def answer_lines(answer: str) -> list[str]:
    """The non-blank lines of an answer, as the card prints them."""
    return [line for line in str(answer).splitlines() if line.strip()]


def _line_scores(lines: Sequence[str], keys: frozenset[str]) -> list[float]:
    """How much of the question each line holds: each query key it contains counts by its
    rarity in this answer (1 / lines that hold it). The words the whole page is about
    ("acte", "naissance") are everywhere; the one that makes the question precise ("étranger")
    is in a few lines, and those are the ones to show."""
    if not keys:
        return [0.0] * len(lines)
    found = [keys & {key for _, _, key in analyzer().spans(line)} for line in lines]
    spread = {key: sum(key in line for line in found) for key in keys}
    return [sum(1 / spread[key] for key in line) for line in found]


def is_subheading(line: str, following: str) -> bool:
    """True for a line that titles what follows it in a page imported as flat text ("Copie
    intégrale", "Délai d'obtention", "De quoi s'agit-il ?"): short, capitalised, not a sentence,
    and followed by a new sentence or, for a question, by anything that starts anew. An address
    line followed by another, or a line the next one continues ("Envoyer un mail à x" then "pour
    obtenir…"), is no heading."""
    text, after = line.strip(), following.strip()
    if not text or len(text) > 60 or not text[0].isupper() or text.endswith((".", ",", ";", ":", ")")):
        return False
    if not after or not (after[0].isupper() or after[0].isdigit()):
        return False
    return text.endswith("?") or len(after) > 60 or after.endswith((".", ":", "?", "!"))


def choose(lines: Sequence[str], keys: frozenset[str], budget: int = EXCERPT_CHARS) -> Excerpt:
    """The excerpt of ``lines`` to show for a question whose analyzer keys are ``keys``.

    Short answers are whole. Otherwise the excerpt grows from the best line (see
    :func:`_line_scores`; the earliest of equals) within ``budget`` characters and
    ``MAX_EXCERPT_LINES`` lines: first the lines after it, then the line just before it when the
    best line continues it (starts in lower case) or when it is a subheading that says what the
    best line is about. An answer whose best line sits within the budget from the top simply
    starts at the top.
    """
    sizes = [len(line) + 1 for line in lines]
    chars = sum(sizes)
    if chars <= SHORT_ANSWER_CHARS and len(lines) <= SHORT_ANSWER_LINES:
        return Excerpt(0, len(lines), len(lines), 0, chars)
    scores = _line_scores(lines, keys)
    best = max(range(len(lines)), key=lambda i: (scores[i], -i)) if lines else 0
    if sum(sizes[: best + 1]) <= budget:
        best = 0
    elif best > 0 and (lines[best].lstrip()[:1].islower() or is_subheading(lines[best - 1], lines[best])):
        best -= 1
    end, used = best, 0
    while end < len(lines) and (end == best or (used + sizes[end] <= budget and end - best < MAX_EXCERPT_LINES)):
        used += sizes[end]
        end += 1
    return Excerpt(best, end, len(lines), sum(sizes[:best]), chars)


def entry_answer(passages: Sequence[Passage], passage: Passage) -> str:
    """The whole answer of the entry ``passage`` was cut from (its chunks' answers in index
    order); "" when ``passage`` is a whole entry of its own."""
    if not passage.entry_id:
        return ""
    return "\n".join(p.answer for p in passages if p.entry == passage.entry)


def locate(part: str, whole: str) -> Excerpt:
    """Where ``part``, a chunk of a long entry shown as its excerpt, sits in ``whole``, the
    entry's answer. A chunk may start in the middle of a line: its place is found by its text."""
    lines, own = answer_lines(whole), answer_lines(part)
    joined = "\n".join(lines)
    offset = max(joined.find(own[0].strip()), 0) if own else 0
    start = joined.count("\n", 0, offset)
    return Excerpt(start, min(start + len(own), len(lines)), len(lines), offset, len(joined) + 1)


def without_title_line(answer: str, question: str) -> str:
    """``answer`` without a first line that only repeats the question ("Se pacser :" under the
    title "Se pacser", as pages saved as text often begin); any other answer unchanged."""
    head, _, rest = answer.lstrip("\n").partition("\n")
    same = fold(head.strip().rstrip(":").strip()) == fold(question.strip().rstrip(":?").strip())
    return rest.lstrip("\n") if same and rest.strip() else answer
