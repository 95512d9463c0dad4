"""Cut long entries into chunks the model can read whole. Pure logic: the token counter is given.

multilingual-e5-small reads at most 512 tokens and silently drops the rest, so a help-center page
of 80,000 characters embedded whole would be known by its first paragraphs only. An entry whose
answer is too long becomes several passages ("chunks") that share its ``entry_id``; each repeats
the entry's section and question, so every chunk says what it is about. Cuts fall on paragraph
boundaries first, then lines, then sentences, and only as a last resort between words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Callable, Iterable

from ..records.passage import Passage

# Tokens of a chunk's answer. Measured on the service-public pages (docs/benchmarks/external.md#chunk-size):
# smaller chunks match a detail better but split its context and multiply the chunks that can win
# by luck; with the heading field, 400 tokens beat 256 at entry level (hybrid hit@1 0.475 against
# 0.432), although dense alone lost (0.296 against 0.327).
DEFAULT_MAX_TOKENS = 400
PART_SEPARATOR = "#"

TokenCounter = Callable[[str], int]

# Within this many tokens of the limit, a chunk's pieces are re-counted together.
_SLACK = 16

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=\S)")


def _split_paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def _split_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _split_words(text: str, count: TokenCounter, budget: int) -> list[tuple[str, int]]:
    """The last resort for a "sentence" longer than the budget (a list of addresses): its words."""
    return [(word + " ", count(word)) for word in text.split()]


def _pieces(text: str, count: TokenCounter, budget: int) -> list[tuple[str, int]]:
    """``text`` as consecutive (piece, tokens), every piece within ``budget`` and as coarse as
    possible: whole paragraphs, else lines, else sentences, else words. Each line is counted
    once, whatever the level it ends at; a piece keeps the separator that follows it."""
    out: list[tuple[str, int]] = []
    paragraphs = _split_paragraphs(text)
    for i, paragraph in enumerate(paragraphs):
        after_paragraph = "\n\n" if i < len(paragraphs) - 1 else ""
        lines = [(line, count(line)) for line in _split_lines(paragraph)]
        total = sum(n for _, n in lines)
        if total <= budget:
            out.append(("\n".join(line for line, _ in lines) + after_paragraph, total))
            continue
        for j, (line, n) in enumerate(lines):
            after_line = "\n" if j < len(lines) - 1 else after_paragraph
            if n <= budget:
                out.append((line + after_line, n))
                continue
            sentences = _split_sentences(line)
            for k, sentence in enumerate(sentences):
                after = " " if k < len(sentences) - 1 else after_line
                m = count(sentence)
                if m <= budget:
                    out.append((sentence + after, m))
                else:
                    out.extend(_split_words(sentence, count, budget))
                    out[-1] = (out[-1][0].rstrip(" ") + after, out[-1][1])
    return out


def split_text(text: str, count: TokenCounter, max_tokens: int = DEFAULT_MAX_TOKENS) -> list[str]:
    """Cut ``text`` into consecutive chunks of at most ``max_tokens`` tokens (by ``count``).

    Pieces are packed greedily. Token counts add up across a boundary to within a token or so:
    a chunk near the limit is re-counted as a whole (re-counting every step made the packing
    quadratic). Text that fits comes back as one chunk, unchanged.
    """
    if max_tokens < 8:
        raise ValueError(f"max_tokens must be at least 8. Currently, max_tokens is {max_tokens}.")
    text = text.strip()
    if not text:
        return []
    pieces = _pieces(text, count, max_tokens)
    total = sum(n for _, n in pieces)
    if total <= max_tokens - _SLACK or (total <= max_tokens + _SLACK and count(text) <= max_tokens):
        return [text]
    chunks: list[str] = []
    current, used = "", 0
    for piece, tokens in pieces:
        near = used + tokens > max_tokens - _SLACK
        if current and (used + tokens > max_tokens or (near and count(current + piece) > max_tokens)):
            chunks.append(current.strip())
            current, used = "", 0
        current += piece
        used += tokens
    if current.strip():
        chunks.append(current.strip())
    return chunks


def chunk_passage(passage: Passage, count: TokenCounter, max_tokens: int = DEFAULT_MAX_TOKENS) -> list[Passage]:
    """``passage`` itself when its answer fits ``max_tokens``, else one passage per chunk.

    The chunks of entry ``E`` are ``E#1`` … ``E#n``, with ``entry_id`` ``E`` and ``part`` / ``parts``
    saying where each sits: ids stay stable as long as the text before a chunk is unchanged, and an
    entry short enough keeps its own id, so short guides are indexed exactly as before.
    """
    head = "\n".join(part for part in (passage.section, passage.question) if part)
    # The section and question are repeated in every chunk: they count against the model's limit.
    budget = max(max_tokens - (count(head) if head else 0), max_tokens // 2)
    chunks = split_text(passage.answer, count, budget)
    if len(chunks) <= 1:
        return [passage]
    return [
        replace(passage, id=f"{passage.id}{PART_SEPARATOR}{k}", answer=chunk, entry_id=passage.entry,
                part=k, parts=len(chunks))
        for k, chunk in enumerate(chunks, 1)
    ]


def chunk_passages(passages: Iterable[Passage], count: TokenCounter,
                   max_tokens: int = DEFAULT_MAX_TOKENS) -> tuple[Passage, ...]:
    """Every passage of ``passages``, long ones replaced by their chunks, in order."""
    # Help centers repeat lines from page to page (the service-public pages: 76,156 counts, 37,042
    # distinct texts): each text is counted once per call, 4.8 s → 3.7 s there.
    count = functools.lru_cache(maxsize=None)(count)
    return tuple(chunk for passage in passages for chunk in chunk_passage(passage, count, max_tokens))
