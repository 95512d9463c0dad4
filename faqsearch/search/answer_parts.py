"""The parts of an answer that could answer a question alone: a line, a list item with its
sub-items, the numbered steps together, a sentence.

Each part is a span of the answer (character offsets), so that what is shown is always the
guide's own text; ``context`` holds the lines it hangs from (the item "Numéros :" above
"États-Unis : +1 888…"), which say what a short line is about without being shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A list marker: a bullet, or a number followed by "." or ")"; the part starts after it.
_MARKER = re.compile(r"[-•*–]\s+|(\d{1,2})[.)]\s+")
# A sentence ends with . ! ? or … before a space and a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?…]+\s+(?=[«\"“'A-ZÀ-ÖØ-Þ0-9])")
# Words whose final dot is an abbreviation, not the end of a sentence.
_ABBREVIATIONS = frozenset({"ex", "cf", "p", "pp", "etc", "art", "env", "av", "M", "Mme", "Dr", "St", "n°", "no"})
# A question about how to do something is answered by its steps together.
_HOW = re.compile(r"^\W*(comment|how)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """A span ``answer[start:end]`` and the text of the lines it hangs from."""

    start: int
    end: int
    kind: str  # "line", "item" (a line with its sub-lines), "steps", "sentence"
    context: str = ""

    def contains(self, other: "Part") -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Part") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class _Line:
    start: int  # after the indentation and the list marker
    end: int  # before trailing spaces
    indent: int
    number: bool  # a numbered step
    parent: int  # index of the line it hangs from, -1 for a top-level line


def is_how_to(question: str) -> bool:
    """True for a question asking how to do something ("Comment créer un ticket ?")."""
    return bool(_HOW.match(question))


def answer_parts(answer: str, how_to: bool = False) -> list[Part]:
    """The parts of ``answer``, each once, in reading order of their start. With ``how_to``,
    consecutive numbered steps are one part instead of one part each."""
    lines = _lines(answer)
    parts: list[Part] = []
    runs = _step_runs(lines) if how_to else []
    in_run = {i for run in runs for i in run}
    for i, line in enumerate(lines):
        context = _context(answer, lines, i)
        last = _last_descendant(lines, i)
        if last > i:
            parts.append(Part(line.start, lines[last].end, "item", context))
        label = answer[line.start:line.end].rstrip().endswith(":") and last > i
        if i not in in_run and not label:  # a label ("Processus :") says nothing without its items
            parts.append(Part(line.start, line.end, "line", context))
            parts.extend(Part(s, e, "sentence", context) for s, e in _sentences(answer, line.start, line.end))
    for run in runs:
        parts.append(Part(lines[run[0]].start, lines[_last_descendant(lines, run[-1])].end, "steps",
                          _context(answer, lines, run[0])))
    unique = {(p.start, p.end): p for p in parts}  # a one-sentence line is one part
    return sorted(unique.values(), key=lambda p: (p.start, -p.end))


def _lines(answer: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in answer.splitlines(keepends=True):
        body = raw.rstrip()
        if body.strip():
            indent = len(body) - len(body.lstrip())
            marker = _MARKER.match(body, indent)
            start = marker.end() if marker else indent
            parent = next((j for j in range(len(lines) - 1, -1, -1) if lines[j].indent < indent), -1)
            lines.append(_Line(offset + start, offset + len(body), indent, bool(marker and marker.group(1)), parent))
        offset += len(raw)
    return lines


def _last_descendant(lines: list[_Line], i: int) -> int:
    """The index of the last line under line ``i`` (``i`` itself when it has none)."""
    last = i
    for j in range(i + 1, len(lines)):
        if lines[j].indent <= lines[i].indent:
            break
        last = j
    return last


def _context(answer: str, lines: list[_Line], i: int) -> str:
    """The lines that line ``i`` hangs from, outermost first."""
    chain = []
    parent = lines[i].parent
    while parent >= 0:
        chain.append(answer[lines[parent].start:lines[parent].end])
        parent = lines[parent].parent
    return " ".join(reversed(chain))


def _step_runs(lines: list[_Line]) -> list[list[int]]:
    """Runs of two or more numbered lines under the same parent, one after the other."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        if current and line.indent > lines[current[0]].indent:
            continue  # a sub-line of a step stays in its run
        if line.number and current and line.parent == lines[current[0]].parent:
            current.append(i)
            continue
        runs.append(current)
        current = [i] if line.number else []
    runs.append(current)
    return [run for run in runs if len(run) > 1]


def _sentences(answer: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``answer[start:end]`` when there are two or more, else []."""
    spans, begin, depth_at = [], start, _paren_depths(answer, start, end)
    for match in _SENTENCE_END.finditer(answer, start, end):
        word = re.search(r"(\S+?)[.!?…]+$", answer[begin:match.start() + 1])
        if depth_at[match.start() - start] > 0 or (word and word.group(1).lstrip("(«\"“") in _ABBREVIATIONS):
            continue
        stop = match.start() + len(match.group().rstrip())
        spans.append((begin, stop))
        begin = match.end()
    if not spans:
        return []
    return spans + [(begin, end)] if begin < end else spans


def _paren_depths(answer: str, start: int, end: int) -> list[int]:
    """The parenthesis depth at each character of ``answer[start:end]`` (no split inside "(…)")."""
    depths, depth = [], 0
    for char in answer[start:end]:
        depth += char == "("
        depth = max(0, depth - (char == ")"))
        depths.append(depth)
    return depths
