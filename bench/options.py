"""What the quality tools that answer a question set share: their options (the file, the corpus,
the model), the encoder loaded as the product loads it, and errors reported in French."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from faqsearch.errors import ContentError
from faqsearch.search import loader
from faqsearch.settings import Settings


def question_set_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """``FILE [--corpus DIR] [--model NAME]``, the options ``python -m faqsearch eval`` takes."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("file", type=Path, help="questions de dev (TSV : id, question, gold, channel, style)")
    parser.add_argument("--corpus", type=Path, default=None, help="dossier du corpus (défaut : corpus/)")
    parser.add_argument("--model", default=None, help="modèle (défaut : $FAQSEARCH_MODEL ou multilingual-e5-small)")
    return parser


def run_on_question_set(prog: str, description: str, argv: Sequence[str] | None,
                        work: Callable[[argparse.Namespace, Settings], list[str]]) -> int:
    """Parse the options, run ``work`` with the settings they give, print its lines; 1 with a
    French message on stderr when the settings, the corpus or the file cannot be used."""
    args = question_set_parser(prog, description).parse_args(argv)
    try:
        base = Settings.from_env()
        settings = replace(base, corpus_dir=args.corpus or base.corpus_dir, model=args.model or base.model)
        if not args.file.is_file():
            raise ValueError(f"Fichier de questions introuvable : {args.file}.")
        print("\n".join(work(args, settings)))
    except (ContentError, ValueError, OSError, RuntimeError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


def encoder_for(settings: Settings):
    """The encoder of ``settings``, loaded as the command line loads it (no warm-up)."""
    return loader.load_encoder(settings, warm=False)
