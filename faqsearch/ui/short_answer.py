"""The short answer on the page: the guide's own words that answer, first, with the entry they
come from, and the whole entry a click away with those words marked where they stand."""

from __future__ import annotations

from typing import Sequence

from ..records.answer import Hit, ShortAnswer
from ..records.passage import Passage
from .presentation import escape, isolate


def short_answer_passage(short: ShortAnswer | None, hits: Sequence[Hit]) -> Passage | None:
    """The passage the short answer was taken from, when its text is that passage's own there
    (None otherwise: nothing is shown as an answer that the guide does not hold)."""
    if short is None:
        return None
    passage = next((h.passage for h in hits if h.passage.id == short.passage_id), None)
    if passage is None or passage.answer[short.start:short.end] != short.text:
        return None
    return passage


def short_answer_html(short: ShortAnswer, passage: Passage) -> str:
    """The short answer block: its text, the entry it comes from (question and section), and
    under "Lire toute la réponse" the entry's answer with the short answer marked in place."""
    answer = passage.answer
    where = f" · {isolate(passage.section)}" if passage.section else ""
    whole = (f"{escape(answer[:short.start])}<mark class=\"fs-short-mark\">{escape(short.text)}</mark>"
             f"{escape(answer[short.end:])}")
    return (
        '<section class="fs-short" aria-label="Réponse courte">'
        '<div class="fs-short-label">Réponse courte</div>'
        f'<div class="fs-short-text" dir="auto">{escape(short.text)}</div>'
        f'<div class="fs-short-source">Extrait de la réponse à : {isolate(passage.question)}{where}</div>'
        '<details class="fs-short-more"><summary>Lire toute la réponse</summary>'
        f'<div class="fs-short-whole" dir="auto">{whole}</div></details>'
        "</section>"
    )
