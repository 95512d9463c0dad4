"""JSON tables decoded safely. Nesting is bounded: a table nested 10,000 levels deep exhausted
Python's recursion in the decoder, and the build stopped on an English message without a file or
line. A ``\ud800`` escape decodes to half a character, which no file can store: refused too."""

from __future__ import annotations

import json
import re

from ..errors import ContentError

# Lists and objects nested this deep in a JSON table: no help-center export needs a tenth of it.
MAX_JSON_DEPTH = 100
# Half of a UTF-16 pair, alone: only a JSON escape can produce one.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A string (skipped whole, brackets inside it included) or a bracket.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def deep_line(text: str) -> int:
    """The line (from 1) where JSON ``text`` first nests deeper than MAX_JSON_DEPTH, else 1."""
    depth = 0
    for token in _TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return text.count("\n", 0, token.start()) + 1
        elif bracket in "]}":
            depth -= 1
    return 1


def loads_checked(text: str, source: str, line: int) -> object:
    """``json.loads(text)``, a nesting too deep for the decoder reported as a :class:`ContentError`
    at its line (``text`` starts on ``line`` of ``source``); other errors are the caller's."""
    try:
        return json.loads(text)
    except RecursionError:
        pass  # raised outside the handler: the message needs no chained traceback of the decoder
    raise ContentError.at(source, line + deep_line(text) - 1, f"le JSON est imbriqué sur plus de {MAX_JSON_DEPTH} "
                          "niveaux (des listes ou des objets les uns dans les autres) à partir de cette ligne : une "
                          'entrée est un objet de textes {"question": "…", "answer": "…"} ; corrigez l\'export.')


def whole_characters(value: str, key: str, source: str, line: int) -> str:
    """``value``, refused when a JSON escape left half a character in it."""
    found = _SURROGATE.search(value)
    if found:
        raise ContentError.at(source, line, f"la valeur de « {key} » contient \\u{ord(found.group()):04x}, une moitié "
                              "de caractère que rien ne peut afficher : corrigez l'export (une paire \\ud83d\\ude00 "
                              "forme un seul caractère, une moitié seule n'en est pas un).")
    return value
