"""The editors' learning loop, measured honestly: ``python -m bench.learning FILE``.

On a private copy of the corpus: answer every question, take the in-scope misses (right passage
not first, or refused), attach the misses with an odd number in their id to their right passage
as an editor would in the editors' tab (``corpus/variants.csv``, then the incremental rebuild),
and answer again. The misses with an even number were never attached: how many of them are now
right says what the engine learnt beyond the exact questions an editor typed in. Question files
are in either format: the dev set's (a gold expression) or entry level (``qid, question,
gold_passage_id``, as in a help center's logs), measured by entry (hit@1/3/10, MRR@10).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from bench.options import encoder_for, run_on_question_set
from faqsearch.build.pipeline import build
from faqsearch.content.variants import VARIANTS_FILE, append_variant
from faqsearch.embedding.encoder import Encoder
from faqsearch.evaluation.metrics import (EntryMetrics, Metrics, answer_entries, first_correct_rank, is_gold, score,
                                          score_entries)
from faqsearch.evaluation.questions import (EntryQuestion, EvalQuestion, is_entry_file, read_entry_questions,
                                            read_questions)
from faqsearch.records.answer import Answer
from faqsearch.records.passage import Passage
from faqsearch.search.engine import Engine


@dataclass(frozen=True)
class LoopReport:
    """Metrics before and after attaching half of the misses."""

    attached: tuple[str, ...]
    held_out: tuple[str, ...]
    before: Metrics | EntryMetrics
    after: Metrics | EntryMetrics
    attached_fixed: int
    held_out_fixed: int
    held_out_broken: int

    def lines(self) -> list[str]:
        def row(name: str, m: Metrics | EntryMetrics) -> str:
            if isinstance(m, EntryMetrics):
                return m.line(name)
            return (f"{name:<8} hit@1 {m.hit1:.3f}  hit@3 {m.hit3:.3f}  MRR@5 {m.mrr5:.3f}  channel {m.channel:.3f}"
                    f"  refused {m.refused_in_scope}")
        return [
            f"misses attached (odd ids): {len(self.attached)} ({', '.join(self.attached) or '—'}); "
            f"now right: {self.attached_fixed}",
            f"misses held out (even ids): {len(self.held_out)} ({', '.join(self.held_out) or '—'}); "
            f"now right: {self.held_out_fixed}",
            f"questions right before and wrong after: {self.held_out_broken}",
            row("before", self.before), row("after", self.after),
        ]


def is_miss(question: EvalQuestion | EntryQuestion, answer: Answer) -> bool:
    if isinstance(question, EntryQuestion):
        entries = answer_entries(answer)
        return not entries or not is_gold(entries[0], question.gold) or not answer.confident
    return question.in_scope and (first_correct_rank(answer, question.gold) != 1 or not answer.confident)


def _right(question: EvalQuestion | EntryQuestion) -> Callable[[Passage], bool]:
    if isinstance(question, EntryQuestion):
        return lambda p: is_gold(p.entry, question.gold)
    pattern = re.compile(question.gold)
    return lambda p: bool(pattern.search(p.section + p.question + p.answer))


def _in_scope(question: EvalQuestion | EntryQuestion) -> bool:
    return isinstance(question, EntryQuestion) or question.in_scope


def _score(questions: Sequence[EvalQuestion | EntryQuestion], answers: Sequence[Answer]) -> Metrics | EntryMetrics:
    if questions and isinstance(questions[0], EntryQuestion):
        return score_entries(questions, [answer_entries(a) for a in answers])
    return score(questions, answers)


def odd(question_id: str) -> bool:
    """The fixed split: the last number in the id is odd."""
    numbers = re.findall(r"\d+", question_id)
    return bool(numbers) and int(numbers[-1]) % 2 == 1


def right_passage(question: EvalQuestion | EntryQuestion, answer: Answer, passages: Sequence[Passage]) -> Passage | None:
    """The passage an editor would pick: the best-ranked right one (gold pattern or gold entry),
    else the first one in the corpus."""
    right = _right(question)
    ranked = [h.passage for h in answer.hits] + list(passages)
    return next((p for p in ranked if right(p)), None)


def read_any(path: Path) -> list[EvalQuestion] | list[EntryQuestion]:
    """The questions of a file in either format."""
    return read_entry_questions(path) if is_entry_file(path) else read_questions(path)


def run(corpus_dir: Path, encoder: Encoder, questions: Sequence[EvalQuestion | EntryQuestion]) -> LoopReport:
    texts = [q.question for q in questions]
    depth = 10 if questions and isinstance(questions[0], EntryQuestion) else 5
    with tempfile.TemporaryDirectory(prefix="faqsearch-loop-") as tmp:
        corpus, root = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(corpus_dir, corpus)
        build(corpus, root, encoder)
        engine = Engine.open(root, encoder)
        before = engine.ask_batch(texts, None, depth)
        misses = [(q, a) for q, a in zip(questions, before) if is_miss(q, a)]
        attached = [(q, a) for q, a in misses if odd(q.id)]
        held_out = [q for q, _ in misses if not odd(q.id)]
        for q, a in attached:
            target = right_passage(q, a, engine.index.passages)
            if target is not None:
                append_variant(corpus / VARIANTS_FILE, target.id, q.question, "mesure")
        build(corpus, root, encoder)
        after = Engine.open(root, encoder).ask_batch(texts, None, depth)
    now = {q.id: not is_miss(q, a) for q, a in zip(questions, after)}
    was = {q.id: not is_miss(q, a) for q, a in zip(questions, before)}
    return LoopReport(
        tuple(q.id for q, _ in attached), tuple(q.id for q in held_out),
        _score(questions, before), _score(questions, after),
        sum(now[q.id] for q, _ in attached), sum(now[q.id] for q in held_out),
        sum(1 for q in questions if _in_scope(q) and was[q.id] and not now[q.id]),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.learning FILE [--corpus DIR] [--model NAME]``: the learning loop's report."""
    return run_on_question_set(
        "python -m bench.learning", "rattacher la moitié des questions manquées (identifiants impairs) sur une copie "
        "de --corpus, reconstruire, et mesurer l'autre moitié avant et après", argv,
        lambda args, settings: run(settings.corpus_dir, encoder_for(settings), read_any(args.file)).lines())


if __name__ == "__main__":
    sys.exit(main())
