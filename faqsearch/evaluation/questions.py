"""Question sets to measure quality on, in their two formats.

The dev-set format (``shared/eval``: id, question, gold, channel, style): ``gold`` is a regular
expression that a right passage's section, question and answer match; an out-of-scope question
has an empty gold. The entry format (header qid, question, gold_passage_id, as a help center's logs
give): the gold is one or more entry ids joined with ``|``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    gold: str
    channel: str
    style: str

    @property
    def in_scope(self) -> bool:
        return bool(self.gold)


def read_questions(path: Path) -> list[EvalQuestion]:
    """Read a TSV with columns id, question, gold, channel, style."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    missing = {"id", "question", "gold", "channel", "style"} - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{path}: colonnes manquantes {sorted(missing)} (attendu : id, question, gold, channel, style).")
    return [EvalQuestion(r["id"], r["question"], r["gold"] or "", r["channel"] or "", r["style"] or "") for r in rows]


ENTRY_COLUMNS = ("qid", "question", "gold_passage_id")


@dataclass(frozen=True)
class EntryQuestion:
    """A question whose right answers are whole entries (any chunk of them counts)."""

    id: str
    question: str
    gold: tuple[str, ...]


def is_entry_file(path: Path) -> bool:
    """True when ``path``'s header is the entry format (qid, question, gold_passage_id)."""
    with open(path, encoding="utf-8-sig") as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
    return set(ENTRY_COLUMNS) <= set(header)


def read_entry_questions(path: Path) -> list[EntryQuestion]:
    """Read a TSV with columns qid, question, gold_passage_id (several ids separated by ``|``)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    missing = set(ENTRY_COLUMNS) - set(rows[0] if rows else {})
    if missing:
        raise ValueError(f"{path}: colonnes manquantes {sorted(missing)} (attendu : {', '.join(ENTRY_COLUMNS)}).")
    out = []
    for number, r in enumerate(rows, 2):
        gold = tuple(g.strip() for g in (r["gold_passage_id"] or "").split("|") if g.strip())
        if not gold or not (r["question"] or "").strip():
            raise ValueError(f"{path}:{number}: question ou identifiant d'entrée attendu (gold_passage_id) manquant.")
        out.append(EntryQuestion(r["qid"] or str(number), r["question"], gold))
    return out
