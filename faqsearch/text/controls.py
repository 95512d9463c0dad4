"""Invisible characters that no stored or published text may hold, and the one rule for each use.

Two kinds: control characters (ESC, NUL…: a NUL cuts an item header in two, PostgreSQL refuses it
in text, a terminal obeys an ESC sequence) and bidirectional controls, which reorder what follows
them on screen (« gpj.exe » shown as « exe.jpg »). Content files refuse the first kind with the
file and line (:func:`control_problem`, the rule of every content reader, ``variants.csv``
included) and lose the second with a build warning (:func:`strip_bidi`); what visitors type is
cleaned of both at every entry (:func:`clean_visitor_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and
# the marks (U+200E, U+200F, U+061C). A right-to-left override makes "facture\u202egpj.exe" show as
# "facturexe.jpg", and reverses whatever follows it on the screen.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# C0 controls but tab, line feed and carriage return, then DEL and the C1 controls: no editor
# types them, and a served answer should never carry one.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a visitor's text loses: every control (tab and line ends too: a question is one line),
# bidirectional controls, line and paragraph separators, and lone surrogates (undecodable bytes),
# which no database can store as UTF-8.
_VISITOR_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                             "\u2028\u2029\ud800-\udfff]")


def control_problem(text: str) -> tuple[int, str]:
    """Where the first forbidden control character of ``text`` is and why, in French; ``(-1, "")`` when none."""
    found = CONTROL.search(text)
    if found is None:
        return -1, ""
    return found.start(), (f"caractère de contrôle interdit (U+{ord(found.group()):04X}) : supprimez-le "
                           "(seuls la tabulation et les fins de ligne sont acceptés).")


def bidi_problem(text: str) -> str:
    """Why ``text`` may not be published as is, in French, when it holds a bidirectional control; else ""."""
    found = BIDI_CONTROLS.search(text)
    if found is None:
        return ""
    return (f"caractère de contrôle de direction interdit (U+{ord(found.group()):04X}), qui retourne le texte "
            "affiché : supprimez-le.")


def clean_visitor_text(text: str) -> str:
    """``text`` with every unsafe character (see :data:`_VISITOR_UNSAFE`) made a space, spaces collapsed."""
    return " ".join(_VISITOR_UNSAFE.sub(" ", str(text)).split())


@dataclass(frozen=True)
class Stripped:
    """A text without its bidirectional controls: which were removed, and on which lines (from 1)."""

    text: str
    lines: tuple[int, ...] = ()
    characters: tuple[str, ...] = ()


def strip_bidi(text: str) -> Stripped:
    """``text`` without bidirectional controls (see :data:`BIDI_CONTROLS`)."""
    if not BIDI_CONTROLS.search(text):
        return Stripped(text)
    lines = tuple(number for number, line in enumerate(text.split("\n"), 1) if BIDI_CONTROLS.search(line))
    characters = tuple(sorted(set(BIDI_CONTROLS.findall(text))))
    return Stripped(BIDI_CONTROLS.sub("", text), lines, characters)
