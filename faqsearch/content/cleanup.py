"""Two rules every reader's passages obey, applied in one place after any reader: no bidirectional
control character in the text, and an entry's address is a complete web address or nothing.

Files are cleaned of bidirectional controls as they are read
(:func:`faqsearch.content.files.decode_content`); what a reader decodes afterwards (a JSON
``\\u202e`` escape, an HTML ``&#x202E;`` or ``&rlm;`` entity) is cleaned here. Neither stops a
build: each is a warning naming the file and the line, one warning per file and rule, so a large
export with the same slip everywhere stays readable.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..records.passage import Passage
from ..text.controls import strip_bidi
from ..text.urls import web_url
from .lookalikes import BuildWarning

# Text fields of a passage that readers fill from the file (channel and ids are checked elsewhere).
TEXT_FIELDS = ("guide", "section", "title", "question", "answer")
# Lines listed in one warning; the first one is the warning's own line.
SHOWN_LINES = 10


def _lines_note(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
    more = f" et {len(lines) - SHOWN_LINES} autres" if len(lines) > SHOWN_LINES else ""
    return f"ligne{'s' if len(lines) > 1 else ''} {shown}{more}"


def bidi_warning(file: str, lines: Sequence[int], characters: Sequence[str]) -> BuildWarning:
    """The warning for bidirectional controls removed from ``file`` at ``lines``."""
    names = ", ".join(f"U+{ord(ch):04X}" for ch in characters)
    return BuildWarning(file, lines[0] if lines else 0,
                        f"caractères de contrôle bidirectionnels retirés ({names} ; {_lines_note(lines)}) : ils "
                        "inversent l'affichage du texte (« gpj.exe » se lirait « exe.jpg ») et n'ont pas leur place "
                        "dans le contenu. Supprimez-les du fichier pour faire taire cet avertissement.")


def url_warning(file: str, lines: Sequence[int], example: str) -> BuildWarning:
    """The warning for entry addresses of ``file`` dropped at ``lines`` (``example``: the first)."""
    shown = example if len(example) <= 80 else example[:79] + "…"
    return BuildWarning(file, lines[0] if lines else 0,
                        f"adresse de page « {shown} » ignorée ({_lines_note(lines)}) : seule une adresse web "
                        "complète (https://… ou http://…) est gardée comme lien de l'entrée. Corrigez-la ou videz "
                        "la colonne.")


def _where(passage: Passage) -> tuple[str, int]:
    """(file, line) of a passage's ``source`` ("corpus/faq.json:12")."""
    file, _, line = passage.source.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (passage.source, 0)


def _clean(passage: Passage) -> tuple[Passage, tuple[str, ...], str]:
    """The passage with the two rules applied; the controls removed and the address dropped."""
    changes: dict = {}
    found: set[str] = set()
    for name in TEXT_FIELDS:
        stripped = strip_bidi(getattr(passage, name))
        if stripped.characters:
            changes[name] = stripped.text
            found.update(stripped.characters)
    variants = [strip_bidi(v) for v in passage.variants]
    if any(v.characters for v in variants):
        changes["variants"] = tuple(v.text for v in variants if v.text.strip())
        found.update(ch for v in variants for ch in v.characters)
    url = strip_bidi(passage.url)
    found.update(url.characters)
    kept = web_url(url.text)
    if kept != passage.url:
        changes["url"] = kept
    dropped = url.text if url.text and not kept else ""
    return (replace(passage, **changes) if changes else passage), tuple(sorted(found)), dropped


def clean_passages(passages: Sequence[Passage]) -> tuple[list[Passage], list[BuildWarning]]:
    """``passages`` without bidirectional controls and with web addresses only, and the warnings
    that say where something was removed."""
    out: list[Passage] = []
    bidi: dict[str, tuple[list[int], set[str]]] = {}
    urls: dict[str, tuple[list[int], str]] = {}
    for passage in passages:
        cleaned, characters, dropped = _clean(passage)
        out.append(cleaned)
        file, line = _where(passage)
        if characters:
            lines, found = bidi.setdefault(file, ([], set()))
            lines.append(line)
            found.update(characters)
        if dropped:
            urls.setdefault(file, ([], dropped))[0].append(line)
    warnings = [bidi_warning(file, sorted(set(lines)), sorted(found)) for file, (lines, found) in bidi.items()]
    warnings += [url_warning(file, sorted(set(lines)), example) for file, (lines, example) in urls.items()]
    return out, warnings
