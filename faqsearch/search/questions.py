"""A visitor's question made fit to search: control characters out, cut to what the model reads."""

from __future__ import annotations

import re
import unicodedata

from ..embedding.tokenizer import MAX_QUERY_TOKENS, ModelTokenizer

# A first, coarse cut that bounds the work of cleaning and tokenizing; the model's own limit is
# in tokens (MAX_QUERY_TOKENS), applied by fit_to_model.
MAX_QUESTION_CHARS = 2000
ZWJ = "\u200d"


def clean_question(text: str) -> tuple[str, str]:
    """Strip control characters and extra spaces, cut an over-long question; return (text, notice)."""
    # Cs: lone surrogates (undecodable bytes from a terminal) cannot be encoded for the model.
    # The zero-width joiner (Cf) is kept: it glues multi-part emoji ("👩‍💻"), which would split
    # into unrelated symbols without it.
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != ZWJ else ch
                   for ch in str(text))
    text = re.sub(r"\s+", " ", text).strip()
    notice = ""
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rstrip()
        notice = f"Votre question dépassait {MAX_QUESTION_CHARS} caractères : seul le début a été pris en compte."
    return text, notice


def fit_to_model(text: str, notice: str, tokenizer: ModelTokenizer | None,
                 max_tokens: int = MAX_QUERY_TOKENS) -> tuple[str, str]:
    """Cut a cleaned question to ``max_tokens`` of the model's tokens; say so in the notice."""
    if tokenizer is None:
        return text, notice
    cut = tokenizer.cut(text, max_tokens)
    if cut == text:
        return text, notice
    end = cut if len(cut) <= 40 else "…" + cut[-40:].split(" ", 1)[-1]
    return cut, ("Votre question dépassait la longueur que le moteur lit d'une question : seul le début, "
                 f"jusqu'à « {end} », a été pris en compte. Posez une question plus courte pour une réponse plus sûre.")
