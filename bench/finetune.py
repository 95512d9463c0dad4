"""Fine-tuning multilingual-e5-small on a corpus's own pairs, measured: ``python -m bench.finetune``.

The training is :mod:`bench.training`; the comparisons with the untuned model, :mod:`bench.tuned`.

    python -m bench.finetune train [--no-variants]          # train (or find) the corpus's model
    python -m bench.finetune eval [FILE ...]                 # untuned vs tuned on question sets
    python -m bench.finetune heldout                         # variants of unseen entries, two folds
    python -m bench.finetune external                        # service-public: title -> opening chunk
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from bench import tuned
from bench.training import TuneSettings, training_pairs, tuned_model
from faqsearch.content.corpus import load_corpus
from faqsearch.errors import ContentError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.finetune", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("train", "eval", "heldout", "external"),
                        help="train: the corpus's tuned model; eval: untuned vs tuned (torch queries) and the "
                             "product's default on question sets, with and without variants; heldout: variants "
                             "of entries whose variants were not trained on; external: service-public pages")
    parser.add_argument("files", nargs="*", type=Path, help="question sets (shared/eval format) for eval")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--no-variants", action="store_true", help="train: on the questions alone")
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"passes over the pairs (default {TuneSettings.epochs}; external: 1, for the CPU budget)")
    parser.add_argument("--lr", type=float, default=TuneSettings.learning_rate)
    parser.add_argument("--data", type=Path, default=None, help="external: folder of passages.jsonl and queries.tsv")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs doit valoir au moins 1 (reçu : {args.epochs}).")
    if not 0 < args.lr < 1:
        parser.error(f"--lr doit être compris entre 0 et 1, par exemple 2e-5 (reçu : {args.lr}).")
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        parser.error(f"fichier de questions introuvable : {', '.join(missing)}.")
    if args.data is not None and not ((args.data / "passages.jsonl").is_file() and (args.data / "queries.tsv").is_file()):
        parser.error(f"--data {args.data} doit contenir passages.jsonl et queries.tsv.")
    epochs = args.epochs or (1 if args.action == "external" else TuneSettings.epochs)
    try:
        print("\n".join(_run(args, replace(TuneSettings(), epochs=epochs, learning_rate=args.lr))))
    except (ContentError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _run(args, tune: TuneSettings) -> list[str]:

    if args.action == "train":
        found = tuned_model(training_pairs(load_corpus(args.corpus, variants=not args.no_variants).passages), tune)
        return [f"{found.path} ({found.pairs} pairs; "
                + (f"trained in {found.minutes:.1f} min)" if found.minutes is not None else "already in the cache)")]
    if args.action == "eval":
        return tuned.compare_sets(args.corpus, args.files or tuned.default_sets(), tune)
    if args.action == "heldout":
        return tuned.held_out(args.corpus, tune)
    return tuned.external(args.data or tuned.EXTERNAL_DATA, tune)


if __name__ == "__main__":
    sys.exit(main())
