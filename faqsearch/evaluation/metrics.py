"""Quality on a question set: hit@k, MRR, channel and out-of-scope accuracy.

For the dev-set format (see :mod:`faqsearch.evaluation.questions`), a passage is correct when
``re.search(gold, section + question + answer)`` matches, and an out-of-scope question (empty gold)
is answered correctly when the engine says it has no confident answer. For the entry format, a
result is correct when it comes from one of the gold entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from ..records.answer import Answer
from ..search.engine import Engine
from ..search.hybrid import SearchConfig
from .questions import EntryQuestion, EvalQuestion


@dataclass(frozen=True)
class Miss:
    id: str
    question: str
    style: str
    what: str


@dataclass(frozen=True)
class Metrics:
    questions: int
    in_scope: int
    hit1: float
    hit3: float
    mrr5: float
    channel: float
    out_of_scope: float
    out_of_scope_total: int
    refused_in_scope: int
    misses: tuple[Miss, ...] = field(default_factory=tuple)
    by_style: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        oos = round(self.out_of_scope * self.out_of_scope_total)
        return [
            f"questions           {self.questions} ({self.in_scope} in scope)",
            f"hit@1               {self.hit1:.3f}",
            f"hit@3               {self.hit3:.3f}",
            f"MRR@5               {self.mrr5:.3f}",
            f"channel accuracy    {self.channel:.3f}",
            f"out-of-scope        {self.out_of_scope:.3f} ({oos}/{self.out_of_scope_total})",
            f"in-scope refused    {self.refused_in_scope}",
        ]


ENTRY_DEPTH = 10


@dataclass(frozen=True)
class EntryMetrics:
    """Entry-level quality of one ranking method."""

    questions: int
    hit1: float
    hit3: float
    hit10: float
    mrr10: float

    def line(self, name: str) -> str:
        return (f"{name:<10} hit@1 {self.hit1:.3f}   hit@3 {self.hit3:.3f}   hit@10 {self.hit10:.3f}   "
                f"MRR@10 {self.mrr10:.3f}")


def entry_ranking(entries: Sequence[str]) -> list[str]:
    """Entries in order of first appearance: several chunks of one entry count once."""
    return list(dict.fromkeys(entries))


def is_gold(entry: str, gold: Sequence[str]) -> bool:
    """True when ``entry`` is one of ``gold``: the same id, or that id inside a file's entries (a
    FAQ table ``passages.jsonl`` row ``F1050`` is indexed as ``passages/F1050``)."""
    return any(entry == g or entry.endswith("/" + g) for g in gold)


def score_entries(questions: Sequence[EntryQuestion], rankings: Sequence[Sequence[str]]) -> EntryMetrics:
    """hit@1/3/10 and MRR@10 of ``rankings`` (entry ids best first, one list per question)."""
    hit1 = hit3 = hit10 = mrr = 0.0
    for q, ranking in zip(questions, rankings, strict=True):
        rank = next((r for r, entry in enumerate(entry_ranking(ranking)[:ENTRY_DEPTH], 1) if is_gold(entry, q.gold)),
                    None)
        if rank is None:
            continue
        hit1 += rank == 1
        hit3 += rank <= 3
        hit10 += 1
        mrr += 1.0 / rank
    n = max(len(questions), 1)
    return EntryMetrics(len(questions), hit1 / n, hit3 / n, hit10 / n, mrr / n)


def answer_entries(answer: Answer) -> list[str]:
    """The entries of an answer's results, best first, each once."""
    return entry_ranking([hit.passage.entry for hit in answer.hits])


def evaluate_entries(engine: Engine, questions: Sequence[EntryQuestion]) -> dict[str, EntryMetrics]:
    """Entry-level metrics of ``engine`` with lexical evidence only, dense only, and its own hybrid
    settings, through the whole answering path."""
    methods = {"lexical": SearchConfig(dense_fields=()), "dense": SearchConfig(lexical_fields=()),
               "hybrid": engine.config}
    out = {}
    for name, config in methods.items():
        asker = Engine(engine.index, config=config, confidence=engine.confidence)
        answers = asker.ask_batch([q.question for q in questions], None, ENTRY_DEPTH)
        out[name] = score_entries(questions, [answer_entries(a) for a in answers])
    return out


def first_correct_rank(answer: Answer, gold: str) -> int | None:
    pattern = re.compile(gold)
    for hit in answer.hits:
        p = hit.passage
        if pattern.search(p.section + p.question + p.answer):
            return hit.rank
    return None


def channel_ok(answer: Answer, expected: str) -> bool:
    if not answer.advice:
        return False
    pattern = re.compile(expected or ".", re.IGNORECASE)
    c = answer.advice.channel
    return bool(pattern.search(c.name) or pattern.search(c.id))


def score(questions: Sequence[EvalQuestion], answers: Sequence[Answer]) -> Metrics:
    """Aggregate the metrics of ``answers`` (one per question, same order)."""
    in_scope = [(q, a) for q, a in zip(questions, answers) if q.in_scope]
    out_scope = [(q, a) for q, a in zip(questions, answers) if not q.in_scope]
    misses: list[Miss] = []
    hit1 = hit3 = mrr = chan = 0.0
    refused = 0
    for q, a in in_scope:
        rank = first_correct_rank(a, q.gold)
        hit1 += rank == 1
        hit3 += rank is not None and rank <= 3
        mrr += 1.0 / rank if rank is not None and rank <= 5 else 0.0
        ok_channel = channel_ok(a, q.channel)
        chan += ok_channel
        refused += not a.confident
        top = a.hits[0].passage.question if a.hits else "—"
        if rank != 1:
            misses.append(Miss(q.id, q.question, q.style, f"bon passage au rang {rank or '>5'} ; 1er : « {top} »"))
        if not ok_channel:
            got = a.advice.channel.id if a.advice else "aucun"
            misses.append(Miss(q.id, q.question, q.style, f"canal « {got} » ≠ /{q.channel}/"))
        if not a.confident:
            misses.append(Miss(q.id, q.question, q.style, "refusée (pas de réponse sûre)"))
    oos_ok = 0
    for q, a in out_scope:
        oos_ok += not a.confident
        if a.confident:
            top = a.hits[0].passage.question if a.hits else "—"
            misses.append(Miss(q.id, q.question, q.style, f"hors sujet mais jugée sûre ; 1er : « {top} »"))
    n = max(len(in_scope), 1)
    by_style: dict[str, dict] = {}
    for q, a in zip(questions, answers):
        s = by_style.setdefault(q.style, {"n": 0, "ok": 0})
        s["n"] += 1
        s["ok"] += (not a.confident) if not q.in_scope else first_correct_rank(a, q.gold) == 1
    return Metrics(len(questions), len(in_scope), hit1 / n, hit3 / n, mrr / n, chan / n,
                   oos_ok / max(len(out_scope), 1), len(out_scope), refused, tuple(misses), by_style)
