"""The editors' learning loop, measured honestly: ``python -m bench.learning FILE``.

On a private copy of the corpus: answer every question, take the in-scope misses (right passage
not first, or refused), attach the misses with an odd number in their id to their right passage
as an editor would in the editors' tab (``corpus/variants.csv``, then the incremental rebuild),
and answer again. The misses with an even number were never attached: how many of them are now
right says what the engine learnt beyond the exact questions an editor typed in.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bench.options import encoder_for, run_on_question_set
from faqsearch.build.pipeline import build
from faqsearch.content.variants import VARIANTS_FILE, append_variant
from faqsearch.embedding.encoder import Encoder
from faqsearch.evaluation.metrics import Metrics, first_correct_rank, score
from faqsearch.evaluation.questions import EvalQuestion, read_questions
from faqsearch.records.answer import Answer
from faqsearch.records.passage import Passage
from faqsearch.search.engine import Engine


@dataclass(frozen=True)
class LoopReport:
    """Metrics before and after attaching half of the misses."""

    attached: tuple[str, ...]
    held_out: tuple[str, ...]
    before: Metrics
    after: Metrics
    attached_fixed: int
    held_out_fixed: int
    held_out_broken: int

    def lines(self) -> list[str]:
        def row(name: str, m: Metrics) -> str:
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


def is_miss(question: EvalQuestion, answer: Answer) -> bool:
    return question.in_scope and (first_correct_rank(answer, question.gold) != 1 or not answer.confident)


def odd(question_id: str) -> bool:
    """The fixed split: the last number in the id is odd."""
    numbers = re.findall(r"\d+", question_id)
    return bool(numbers) and int(numbers[-1]) % 2 == 1


def right_passage(question: EvalQuestion, answer: Answer, passages: Sequence[Passage]) -> Passage | None:
    """The passage an editor would pick: the best-ranked one matching the gold pattern, else the
    first one in the corpus that does."""
    pattern = re.compile(question.gold)
    ranked = [h.passage for h in answer.hits] + list(passages)
    return next((p for p in ranked if pattern.search(p.section + p.question + p.answer)), None)


def run(corpus_dir: Path, encoder: Encoder, questions: Sequence[EvalQuestion]) -> LoopReport:
    texts = [q.question for q in questions]
    with tempfile.TemporaryDirectory(prefix="faqsearch-loop-") as tmp:
        corpus, root = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(corpus_dir, corpus)
        build(corpus, root, encoder)
        engine = Engine.open(root, encoder)
        before = engine.ask_batch(texts)
        misses = [(q, a) for q, a in zip(questions, before) if is_miss(q, a)]
        attached = [(q, a) for q, a in misses if odd(q.id)]
        held_out = [q for q, _ in misses if not odd(q.id)]
        for q, a in attached:
            target = right_passage(q, a, engine.index.passages)
            if target is not None:
                append_variant(corpus / VARIANTS_FILE, target.id, q.question, "mesure")
        build(corpus, root, encoder)
        after = Engine.open(root, encoder).ask_batch(texts)
    now = {q.id: not is_miss(q, a) for q, a in zip(questions, after)}
    was = {q.id: not is_miss(q, a) for q, a in zip(questions, before)}
    return LoopReport(
        tuple(q.id for q, _ in attached), tuple(q.id for q in held_out),
        score(questions, before), score(questions, after),
        sum(now[q.id] for q, _ in attached), sum(now[q.id] for q in held_out),
        sum(1 for q in questions if q.in_scope and was[q.id] and not now[q.id]),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.learning FILE [--corpus DIR] [--model NAME]``: the learning loop's report."""
    return run_on_question_set(
        "python -m bench.learning", "rattacher la moitié des questions manquées (identifiants impairs) sur une copie "
        "de --corpus, reconstruire, et mesurer l'autre moitié avant et après", argv,
        lambda args, settings: run(settings.corpus_dir, encoder_for(settings), read_questions(args.file)).lines())


if __name__ == "__main__":
    sys.exit(main())
