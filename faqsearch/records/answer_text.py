"""The French plain-text rendering of an answer, as the command line prints it."""
from __future__ import annotations

from .answer import Answer
from .plans import FORFAIT, PlanNoun


def format_answer(answer: Answer, channels: bool = True, noun: PlanNoun = FORFAIT) -> str:
    """Human-readable French rendering of an answer; ``channels`` False for a corpus without a
    channel catalogue, which then never speaks of channels; ``noun``: what the help center calls
    its plans."""
    lines = [f"Question : {answer.question}"]
    if answer.did_you_mean:
        lines.append(f"Vouliez-vous dire : « {answer.did_you_mean} » ?")
    if answer.notice:
        lines.append(f"⚠ {answer.notice}")
    if answer.hits and not answer.confident:
        lines.append("Le guide ne semble pas couvrir cette question ; reformulez-la"
                     + (" ou contactez un canal général." if channels else "."))
    if answer.advice:
        a, c = answer.advice, answer.advice.channel
        lines.append(f"\nCanal recommandé : {c.name}" + ("" if a.available else f" (non inclus dans votre {noun.singular})"))
        lines.append(f"  {a.reason}")
        for key, value in c.contact().items():
            if key == "phones":
                value = ", ".join(f"{p['country']} : {p['number']}" for p in value)
            lines.append(f"  {key} : {value}")
        for alt in a.alternatives:
            lines.append(f"  → {alt.name} {alt.url or alt.email or ''}".rstrip())
    if answer.short:
        lines.append("\nRéponse courte : " + answer.short.text.replace("\n", "\n  "))
    if answer.confident:
        for hit in answer.hits:
            p = hit.passage
            where = f", extrait {p.part} sur {p.parts}" if p.parts > 1 else ""
            lines.append(f"\n{hit.rank}. {p.question}  [{p.section or p.guide}{where}]  (score {hit.score:.2f})")
            lines.extend("   " + line for line in p.answer.splitlines())
    return "\n".join(lines)
