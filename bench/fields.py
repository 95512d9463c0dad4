"""The ranking's fields on several help centers: each field alone, the weights fitted across
corpora, each corpus judged by a fit made without it, and the confidence decision.

    python -m bench.fields seed=corpus:../shared/eval/dev.tsv,bench/questions-extra.tsv \\
        quebec=CORPUS_DIR:../shared/external/quebec-covid/queries.tsv \\
        sp=CORPUS_DIR:../shared/external/service-public/queries.tsv [--confidence]

Each ``NAME=CORPUS:QUESTIONS[,QUESTIONS…]`` is built once into ``--work/NAME`` (vectors from the
embedding cache, so a second run embeds nothing) and searched through the product's own
:func:`faqsearch.search.hybrid.search_batch`, with the questions' vectors encoded once. Scores are
entry level (a result counts when it comes from a right entry; for the seed's question files, an
entry of a passage that the gold expression matches). A fit maximises the mean over corpora of
hit@1 + MRR@10, so that no corpus's size decides; the grid is small on purpose (four settings).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from faqsearch.build.pipeline import build
from faqsearch.evaluation.questions import is_entry_file, read_entry_questions, read_questions
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.published import current_build
from faqsearch.index.views import FIELDS
from faqsearch.search.confidence import Confidence
from faqsearch.search.engine import Engine
from faqsearch.search.hybrid import LEXICAL_FIELDS, SearchConfig, search_batch
from faqsearch.search.loader import load_encoder
from faqsearch.settings import Settings

DEPTH = 10
GRID = {"title_offset": (None, 0.05, 0.03, 0.0), "question_offset": (0.1, 0.07, 0.05),
        "alpha": (0.55, 0.6, 0.65, 0.7, 0.75), "heading_weight": (0.2, 0.35, 0.5)}
OFF_TOPIC = Path(__file__).parent / "questions" / "off-topic.txt"


@dataclass(frozen=True)
class Corpus:
    """One help center: its index, its answerable questions with their right entries, its vectors."""

    name: str
    index: FaqIndex
    questions: tuple[str, ...]
    gold: tuple[frozenset[str], ...]
    vectors: np.ndarray
    off_topic: tuple[str, ...] = ()


def parse_spec(spec: str) -> tuple[str, Path, list[Path]]:
    name, sep, rest = spec.partition("=")
    corpus, sep2, files = rest.partition(":")
    if not sep or not sep2 or not name or not files:
        raise ValueError(f"Corpus invalide : {spec!r}. Attendu NOM=DOSSIER:QUESTIONS[,QUESTIONS…].")
    return name, Path(corpus), [Path(f) for f in files.split(",")]


def gold_entries(index: FaqIndex, files: Sequence[Path]) -> tuple[list[str], list[frozenset[str]], list[str]]:
    """(answerable questions, their right entries, off-topic questions) of the question files."""
    questions, gold, off_topic = [], [], []
    for path in files:
        if is_entry_file(path):
            entries = {p.entry for p in index.passages}
            for q in read_entry_questions(path):
                right = {e for e in entries if any(e == g or e.endswith("/" + g) for g in q.gold)}
                questions.append(q.question), gold.append(frozenset(right))
            continue
        for q in read_questions(path):
            if not q.in_scope:
                off_topic.append(q.question)
                continue
            pattern = re.compile(q.gold)
            right = {p.entry for p in index.passages if pattern.search(p.section + p.question + p.answer)}
            questions.append(q.question), gold.append(frozenset(right))
    return questions, gold, off_topic


def load(spec: str, work: Path, settings: Settings, encoder) -> Corpus:
    name, corpus_dir, files = parse_spec(spec)
    root = work / name
    build(corpus_dir, root, encoder, cache_dir=settings.embed_cache, check=False)
    index = FaqIndex.load(current_build(root), encoder)
    questions, gold, off_topic = gold_entries(index, files)
    off_topic += [line.strip() for line in OFF_TOPIC.read_text(encoding="utf-8").splitlines() if line.strip()] \
        if name != "seed" else []
    vectors = np.asarray(encoder.encode_queries(questions), dtype=np.float32)
    return Corpus(name, index, tuple(questions), tuple(gold), vectors, tuple(off_topic))


def metrics(corpus: Corpus, config: SearchConfig) -> dict[str, float]:
    """hit@1, hit@3, hit@10 and MRR@10 of ``config`` on ``corpus``."""
    found = search_batch(corpus.index, list(corpus.questions), DEPTH, config, query_vectors=corpus.vectors)
    ranks = []
    for result, right in zip(found, corpus.gold):
        entries = list(dict.fromkeys(h.passage.entry for h in result.hits))
        ranks.append(next((i + 1 for i, e in enumerate(entries) if e in right), None))
    n = max(len(ranks), 1)
    return {"hit@1": sum(r == 1 for r in ranks if r) / n, "hit@3": sum(r <= 3 for r in ranks if r) / n,
            "hit@10": sum(r <= 10 for r in ranks if r) / n, "MRR@10": sum(1 / r for r in ranks if r) / n}


def field_configs(base: SearchConfig) -> dict[str, SearchConfig]:
    """Each field alone, each side alone, and the whole ranking."""
    out = {f"dense: {field}": replace(base, dense_fields=(field,), lexical_fields=()) for field in FIELDS}
    out |= {f"BM25: {field}": replace(base, dense_fields=(), lexical_fields=(field,)) for field in LEXICAL_FIELDS}
    out |= {"dense (all fields)": replace(base, lexical_fields=()), "BM25 (both fields)": replace(base, dense_fields=()),
            "hybrid": base}
    return out


def grid_configs(base: SearchConfig) -> list[SearchConfig]:
    out = []
    for title, question, alpha, heading in itertools.product(*GRID.values()):
        fields = base.dense_fields if title is not None else tuple(f for f in base.dense_fields if f != "title")
        out.append(replace(base, title_offset=title or 0.0, question_offset=question, alpha=alpha,
                           heading_weight=heading, dense_fields=fields))
    return out


def describe(config: SearchConfig) -> str:
    title = f"title −{config.title_offset:g}" if "title" in config.dense_fields else "no title"
    return (f"{title}, question −{config.question_offset:g}, α {config.alpha:g}, "
            f"heading ×{config.heading_weight:g}")


def objective(scores: dict[str, dict[str, float]], names: Sequence[str]) -> float:
    return float(np.mean([scores[n]["hit@1"] + scores[n]["MRR@10"] for n in names]))


def line(label: str, scores: dict[str, dict[str, float]]) -> str:
    cells = " | ".join(_cell(s) for s in scores.values())
    return f"| {label} | {cells} |"


def header(names: Sequence[str]) -> list[str]:
    return [f"| | {' | '.join(f'{n} hit@1 / @3 / @10' for n in names)} |", "|---" * (len(names) + 1) + "|"]


def fields_table(corpora: Sequence[Corpus], base: SearchConfig) -> list[str]:
    out = ["## Each field alone (hybrid: the defaults; — where a corpus has no view of the field)", "",
           *header([c.name for c in corpora])]
    for label, config in field_configs(base).items():
        cells = [_cell(metrics(c, config)) if _has(c, config) else "—" for c in corpora]
        out.append(f"| {label} | {' | '.join(cells)} |")
    return out


def _has(corpus: Corpus, config: SearchConfig) -> bool:
    """False for one dense field that no view of the corpus has (it would rank by the others)."""
    if len(config.dense_fields) != 1 or config.lexical_fields:
        return True
    return bool((corpus.index.dense.fields == FIELDS.index(config.dense_fields[0])).any())


def _cell(s: dict[str, float]) -> str:
    return f"{s['hit@1']:.3f} / {s['hit@3']:.3f} / {s['hit@10']:.3f}"


def fit_table(corpora: Sequence[Corpus], base: SearchConfig) -> list[str]:
    names = [c.name for c in corpora]
    configs = grid_configs(base)
    scores = [{c.name: metrics(c, config) for c in corpora} for config in configs]
    best = max(range(len(configs)), key=lambda i: objective(scores[i], names))
    out = ["", f"## Fitted on all ({len(configs)} settings tried), and each corpus left out", "", *header(names)]
    out.append(line(f"defaults ({describe(base)})", {n: metrics(c, base) for n, c in zip(names, corpora)}))
    out.append(line(f"fit on all ({describe(configs[best])})", scores[best]))
    out += ["", "| left out | fit on the others | hit@1 / @3 / @10 on the one left out |", "|---|---|---|"]
    for name in names:
        others = [n for n in names if n != name]
        chosen = max(range(len(configs)), key=lambda i: objective(scores[i], others))
        s = scores[chosen][name]
        out.append(f"| {name} | {describe(configs[chosen])} | {_cell(s)} |")
    return out


def confidence_table(corpora: Sequence[Corpus], config: SearchConfig, confidence: Confidence) -> list[str]:
    out = ["", f"## Confidence ({confidence})", "", "| corpus | real questions refused | off-topic refused |",
           "|---|---|---|"]
    for c in corpora:
        engine = Engine(c.index, config=config, confidence=confidence)
        real = engine.ask_batch(list(c.questions), None, 5)
        off = engine.ask_batch(list(c.off_topic), None, 5) if c.off_topic else []
        refused = sum(not a.confident for a in real)
        out.append(f"| {c.name} | {refused}/{len(real)} ({refused / max(len(real), 1):.1%}) | "
                   f"{sum(not a.confident for a in off)}/{len(off)} |")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fields", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", help="NOM=DOSSIER:QUESTIONS[,QUESTIONS…]")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "faqsearch-fields",
                        help="où construire les index (défaut : $TMPDIR/faqsearch-fields)")
    parser.add_argument("--confidence", action="store_true", help="mesurer aussi les refus (réels et hors sujet)")
    parser.add_argument("--no-fit", action="store_true", help="sans l'ajustement (plus rapide)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    encoder = load_encoder(settings)
    corpora = [load(spec, args.work, settings, encoder) for spec in args.corpora]
    base = SearchConfig()
    lines = fields_table(corpora, base)
    if not args.no_fit:
        lines += fit_table(corpora, base)
    if args.confidence:
        lines += confidence_table(corpora, base, Confidence())
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
