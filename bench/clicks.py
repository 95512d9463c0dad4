"""Learning from clicks, measured with simulated visitors: ``python -m bench.clicks --corpus DIR FILE…``.

The answerable questions of the files are split in two fixed halves (:func:`bench.visitors.split`).
Simulated visitors ask the simulation half in random order and act on the top five results
(:mod:`bench.visitors`); after each checkpoint (100, 300 and 1,000 visitors by default) the
evidence of every event so far is turned into proposals (:mod:`faqsearch.feedback.proposals`) and
either all of them are accepted, as an editor accepting the list would (mode ``proposals``), or
only those above the automatic thresholds (mode ``auto``); the accepted phrasings are written to
the copy's ``variants.csv`` and the index is rebuilt (the embedding cache embeds only the new
variants), and later visitors see the new index. The other half, never asked by the simulation,
is measured at every checkpoint: hit@1, hit@10, and the questions right (at rank 1) before any
learning and wrong after. Question files are in either format (``shared/eval`` or entry level).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from bench.fields import gold_entries
from bench.options import encoder_for
from bench.visitors import Log, split, visit
from faqsearch.build.pipeline import build
from faqsearch.content.variants import VARIANTS_FILE, append_variant
from faqsearch.errors import ContentError
from faqsearch.evaluation.metrics import answer_entries
from faqsearch.feedback.evidence import EvidenceRules, collect_evidence
from faqsearch.feedback.proposals import automatic, propose, variant_target, variant_targets
from faqsearch.search.engine import Engine
from faqsearch.settings import Settings

DEPTH = 10
MODES = ("proposals", "auto")


@dataclass(frozen=True)
class Checkpoint:
    """The held-out half after ``visitors`` simulated visitors (0: before any learning)."""

    visitors: int
    attached: int
    wrong: int  # attached phrasings whose entry is not the right one
    hit1: float
    hit10: float
    broken: int  # held-out questions right at rank 1 before any learning, wrong after
    fixed: int  # and the other way round

    def line(self, held: int) -> str:
        return (f"  {self.visitors:>5} visitors  hit@1 {self.hit1:.3f}  hit@10 {self.hit10:.3f}  "
                f"variants attached {self.attached} ({self.wrong} to a wrong entry)  "
                f"right→wrong {self.broken}/{held}  wrong→right {self.fixed}/{held}")


class Simulation:
    """One trajectory: a private copy of the corpus, its index, the visitors' log."""

    def __init__(self, corpus_dir: Path, files: Sequence[Path], encoder, cache: Path | None, work: Path,
                 rules: EvidenceRules = EvidenceRules()):
        self.corpus, self.root, self.encoder, self.cache = work / "corpus", work / "index", encoder, cache
        self.rules = rules
        shutil.copytree(corpus_dir, self.corpus)
        self._rebuild()
        self.questions, self.gold, _ = gold_entries(self.engine.current(), files)
        self.answerable = [i for i, right in enumerate(self.gold) if right]

    def _rebuild(self) -> None:
        build(self.corpus, self.root, self.encoder, cache_dir=self.cache, check=False)
        self.engine = Engine.open(self.root, self.encoder)
        self._shown: dict[str, list[tuple[str, str]]] = {}

    def ranked(self, numbers: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """(passage id, entry) of the top entries of each question, best first."""
        missing = [i for i in numbers if self.questions[i] not in self._shown]
        answers = self.engine.ask_batch([self.questions[i] for i in missing], None, DEPTH)
        for i, answer in zip(missing, answers):
            first = {}
            for hit in answer.hits:
                first.setdefault(hit.passage.entry, hit.passage.id)
            self._shown[self.questions[i]] = [(pid, entry) for entry, pid in first.items()]
        return {i: self._shown[self.questions[i]] for i in numbers}

    def ranks(self, numbers: Sequence[int]) -> dict[int, int | None]:
        ranked = self.ranked(numbers)
        return {i: next((r for r, (_, e) in enumerate(ranked[i], 1) if e in self.gold[i]), None) for i in numbers}

    def attach(self, log: Log, mode: str) -> tuple[int, int]:
        """Accept the proposals of ``log`` (all, or the automatic ones); (attached, wrong)."""
        index = self.engine.current()
        evidence = collect_evidence(log.events, log.ratings, self.rules, variant_targets(index.passages))
        groups = propose(evidence, index.passages, rules=self.rules)
        chosen = automatic(groups) if mode == "auto" else [p for g in groups for p in g.proposals]
        entry_of = {variant_target(p): p.entry for p in index.passages}
        gold_of = {q: self.gold[i] for i, q in enumerate(self.questions)}
        attached = wrong = 0
        for proposal in chosen:
            added = append_variant(self.corpus / VARIANTS_FILE, proposal.passage_id, proposal.question,
                                   "auto" if mode == "auto" else "mesure")
            attached += added
            right = set().union(*(gold_of.get(q, frozenset()) for q in proposal.evidence.phrasings))
            wrong += added and entry_of[proposal.passage_id] not in right
        if attached:
            self._rebuild()
        return attached, wrong


def trajectory(sim: Simulation, mode: str, noise: float, checkpoints: Sequence[int], seed: int) -> list[Checkpoint]:
    """Run visitors up to each checkpoint, learn, measure the held-out half (see the module docstring)."""
    sim_half, held = split([sim.questions[i] for i in sim.answerable], [sim.gold[i] for i in sim.answerable], seed)
    sim_half, held = [sim.answerable[i] for i in sim_half], [sim.answerable[i] for i in held]
    rng, log = random.Random(seed), Log()
    before = sim.ranks(held)
    out = [_measure(0, 0, 0, before, before)]
    attached = wrong = 0
    for checkpoint in checkpoints:
        while log.visitors < checkpoint:
            i = sim_half[rng.randrange(len(sim_half))]
            visit(log, sim.questions[i], sim.gold[i], lambda q, i=i: sim.ranked([i])[i], noise, rng)
        added, bad = sim.attach(log, mode)
        attached, wrong = attached + added, wrong + bad
        out.append(_measure(checkpoint, attached, wrong, before, sim.ranks(held)))
    return out


def _measure(visitors: int, attached: int, wrong: int, before: dict, after: dict) -> Checkpoint:
    n = max(len(after), 1)
    return Checkpoint(visitors, attached, wrong, sum(r == 1 for r in after.values()) / n,
                      sum(r is not None and r <= DEPTH for r in after.values()) / n,
                      sum(before[i] == 1 and after[i] != 1 for i in after),
                      sum(before[i] != 1 and after[i] == 1 for i in after))


def run(corpus_dir: Path, files: Sequence[Path], encoder, cache: Path | None, modes: Sequence[str],
        noises: Sequence[float], checkpoints: Sequence[int], seed: int,
        rules: EvidenceRules = EvidenceRules()) -> list[str]:
    lines = []
    for noise in noises:
        for mode in modes:
            with tempfile.TemporaryDirectory(prefix="faqsearch-clicks-") as tmp:
                sim = Simulation(corpus_dir, files, encoder, cache, Path(tmp), rules)
                points = trajectory(sim, mode, noise, checkpoints, seed)
                held = len(sim.answerable) - len(split([sim.questions[i] for i in sim.answerable],
                                                       [sim.gold[i] for i in sim.answerable], seed)[0])
            lines.append(f"noise {noise:.0%}, mode {mode}: {len(sim.answerable) - held} phrasings simulated, "
                         f"{held} held out")
            lines += [p.line(held) for p in points]
            print("\n".join(lines[-len(points) - 1:]), file=sys.stderr, flush=True)
    return lines


def rules_from(overrides: Sequence[str]) -> EvidenceRules:
    """:class:`EvidenceRules` with ``name=value`` overrides (``--rule min_clients=3``)."""
    rules = EvidenceRules()
    for item in overrides:
        name, _, value = item.partition("=")
        if name not in EvidenceRules.__dataclass_fields__ or not value:
            raise ValueError(f"Règle inconnue ou sans valeur : {item!r} (attendu NOM=VALEUR, NOM parmi "
                             f"{', '.join(EvidenceRules.__dataclass_fields__)}).")
        kind = type(getattr(rules, name))
        rules = replace(rules, **{name: kind(float(value)) if kind is int else kind(value)})
    return rules


def _numbers(text: str, kind=int) -> list:
    return [kind(x) for x in text.split(",") if x.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.clicks", description=__doc__.split("\n")[0])
    parser.add_argument("files", type=Path, nargs="+", help="fichiers de questions (format dev ou par entrée)")
    parser.add_argument("--corpus", type=Path, default=None, help="dossier du corpus (défaut : corpus/)")
    parser.add_argument("--visitors", default="100,300,1000", help="points d'apprentissage (visiteurs cumulés)")
    parser.add_argument("--noise", default="0.1,0.3", help="part des visiteurs qui ouvrent un résultat au hasard")
    parser.add_argument("--modes", default=",".join(MODES), help="proposals (tout accepter), auto, ou les deux")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--rule", action="append", default=[], help="remplacer une règle : NOM=VALEUR (EvidenceRules)")
    args = parser.parse_args(argv)
    try:
        base = Settings.from_env()
        settings = replace(base, corpus_dir=args.corpus or base.corpus_dir)
        modes = [m for m in args.modes.split(",") if m]
        if not set(modes) <= set(MODES) or not all(f.is_file() for f in args.files):
            raise ValueError(f"Modes possibles : {', '.join(MODES)} ; vérifiez aussi les fichiers de questions.")
        print("\n".join(run(settings.corpus_dir, args.files, encoder_for(settings), settings.embed_cache, modes,
                            _numbers(args.noise, float), sorted(_numbers(args.visitors)), args.seed,
                            rules_from(args.rule))))
    except (ContentError, ValueError, OSError, RuntimeError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
