"""Strip the courtesy around a question written as a message: greetings, thanks, sign-offs.

People write to a help center as they would to a person ("Bonjour, … ? Merci d'avance.
Cordialement, Jean"). Those words carry no topic; a research variant of the query side in
``bench.external``. On the service-public citizen questions it changed hybrid hit@1 by one
question (0.346 -> 0.352, docs/benchmarks/external.md#what-won), so the engine does not use it. Only generic French
formulas are removed, at the start or at the end of the message, never the whole message.
"""

from __future__ import annotations

import re

_OPENING = re.compile(
    r"^\s*(?:(?:bonjour|bonsoir|salut|hello|coucou|allo|madame|monsieur|mesdames|messieurs|mme|mr|m\.)"
    r"(?:\s+(?:madame|monsieur|mesdames|messieurs|a\s+tous|à\s+tous|à\s+vous))*"
    r"|(?:chers?|ch[eè]res?)\s+(?:madame|monsieur|mesdames|messieurs|amis?))\s*(?:[,.!;:\-–]+\s*|\s+(?=[A-ZÀ-Ý]))",
    re.IGNORECASE,
)

# A closing starts one of the last sentences and runs to the end of the message.
_CLOSING = re.compile(
    r"(?:^|(?<=[.!?,;\n])|(?<=\s))\s*(?:"
    r"(?:bien\s+|très\s+|tres\s+)?cordialement|bien\s+à\s+vous|salutations|sinc[eè]res\s+salutations"
    r"|(?:je\s+vous\s+)?remerci(?:e|ant)\b|en\s+vous\s+remerciant|merci\s+(?:d'avance|par\s+avance|beaucoup|bien|"
    r"pour\s+votre|de\s+votre|à\s+vous|infiniment|d'avance|de\s+me\s+répondre|pour\s+vos)|merci\s*[.!]*\s*$"
    r"|dans\s+l'attente|bonne\s+(?:journée|soirée|fin\s+de\s+journée)|veuillez\s+agréer|je\s+vous\s+prie\s+d'agréer"
    r")",
    re.IGNORECASE,
)


def strip_courtesy(text: str) -> str:
    """``text`` without its opening greeting and its closing formulas; ``text`` itself when
    nothing else would be left."""
    stripped = text.strip()
    for _ in range(3):  # "Bonjour Madame, Monsieur," is several openings in a row
        match = _OPENING.match(stripped)
        if not match or not stripped[match.end():].strip():
            break
        stripped = stripped[match.end():].lstrip()
    for match in _CLOSING.finditer(stripped):
        head = stripped[: match.start()].rstrip(" ,;-–")
        # A closing comes after the question: never cut before its last question mark, and keep
        # at least a few words.
        if "?" in stripped[match.start():] or len(head.split()) < 3:
            continue
        stripped = head
        break
    return stripped or text.strip()
