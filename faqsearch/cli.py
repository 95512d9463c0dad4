"""Command line: ``python -m faqsearch {search,passages,build,eval,serve,learn,hash-password}``.

The measurement tools are not commands of the product: ``python -m bench`` (speed and scale),
``python -m bench.ablation FILE`` and ``python -m bench.learning FILE`` (quality), from the
repository's root.

The ``--json`` outputs are a contract read by tests and tools: one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from .build.report import BuildError
from .errors import ContentError
from .index.manifest import IndexLoadError, read_manifest
from .index.published import current_build
from .records.answer_text import format_answer
from .search.staleness import stale_reason
from .settings import Settings


def _settings(args) -> Settings:
    """The settings of the environment, with the folders and the model the command line gives."""
    given = vars(args)
    return replace(args.settings, index_dir=Path(given.get("index") or args.settings.index_dir),
                   corpus_dir=Path(given.get("corpus") or args.settings.corpus_dir),
                   model=given.get("model") or args.settings.model)


def _encoder(settings: Settings):
    """The encoder of the settings, as the page and the service load it (no warm-up: a command
    answers once)."""
    from .search import loader  # loaded on use: the other commands start without the engine

    return loader.load_encoder(settings, warm=False)


def _engine(settings: Settings):
    """The engine over the index in service (see :mod:`faqsearch.search.loader`)."""
    from .search import loader  # loaded on use

    return loader.open_engine(settings, _encoder(settings))


def read_batch(path: Path) -> list[str]:
    """The non-empty lines of a ``--batch`` file; a line that is not UTF-8 is named by its number."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"Le fichier --batch {path} ne peut pas être lu ({exc.strerror}) : vérifiez son chemin.") from exc
    questions = []
    for number, line in enumerate(raw.splitlines(), 1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}:{number}: la ligne n'est pas en UTF-8 : réenregistrez le fichier en UTF-8.") from exc
        if text.strip():
            questions.append(text)
    return questions


def cmd_search(args) -> int:
    from .search.engine import MAX_TOP_K  # loaded on use, as every command's own modules

    if not 1 <= args.top_k <= MAX_TOP_K:
        print(f"Erreur : --top-k doit être compris entre 1 et {MAX_TOP_K} (reçu : {args.top_k}).", file=sys.stderr)
        return 2
    if args.batch:
        questions = read_batch(Path(args.batch))
    elif args.question is not None:
        questions = [args.question]
    else:
        print("Donnez une question ou --batch FICHIER.", file=sys.stderr)
        return 2
    settings = _settings(args)
    engine = _engine(settings)
    if settings.corpus_dir.is_dir() and stale_reason(settings.corpus_dir, engine.current().manifest):
        # stderr, so that --json output stays one object per line.
        print(f"Attention : le corpus {args.corpus} a changé depuis la construction de l'index ; les réponses "
              "peuvent être dépassées. Lancez `python build_index.py` pour le reconstruire.", file=sys.stderr)
    from .records.scope import STAFF, VISITOR  # loaded on use

    channels = bool(engine.catalogue.channels)
    scope = (STAFF if args.internal else VISITOR).within(args.section or "")
    for answer in engine.ask_batch(questions, args.plan, args.top_k, scope):
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            print(format_answer(answer, channels, engine.catalogue.plans.noun) + "\n")
    return 0


def cmd_passages(args) -> int:
    from .content.corpus import load_corpus  # loaded on use

    corpus = load_corpus(_settings(args).corpus_dir)
    for p in corpus.passages:
        if args.json:
            print(json.dumps(p.to_dict(), ensure_ascii=False))
        else:
            print(f"{p.id}\n  {p.question}" + (f"  [canal : {p.channel or '—'}]" if corpus.catalogue.channels else ""))
    return 0


def cmd_build(args) -> int:
    from .build.pipeline import QUESTIONS, build  # loaded on use

    settings = _settings(args)
    if args.check:
        reason = _build_needed(settings)
        print(f"L'index est à reconstruire. {reason}" if reason else "L'index est à jour.")
        return 1 if reason else 0
    if args.preview:
        return _preview(settings, args)
    encoder = _encoder(settings)

    def on_stage(name: str) -> None:
        if name == QUESTIONS:  # passages embedded, and this process builds once: their model can go
            encoder.release()
        if not args.json:
            print(f"… {name}", file=sys.stderr)

    report = build(settings.corpus_dir, settings.index_dir, encoder, cache_dir=settings.embed_cache,
                   dry_run=args.dry_run,
                   on_progress=None if args.json else (lambda p: print(f"… {p.label()}", file=sys.stderr)),
                   wait=args.wait, strict=args.strict, variants=settings.variants and not args.no_variants,
                   on_stage=on_stage)
    print(report.summary())
    if args.json:
        print(json.dumps(report.to_dict()))
    return 0


def _preview(settings: Settings, args) -> int:
    """Build a candidate beside the index in service, replay the most asked questions, publish nothing."""
    from .analytics.preview import preview  # loaded on use
    from .feedback.store import FeedbackStore  # loaded on use

    store = FeedbackStore.configured(settings.data_dir, settings.database_url, retention_days=settings.retention_days)
    report = preview(settings, _encoder(settings), store, args.top)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else "\n".join([report.summary(), *report.lines()]))
    return 0


def _build_needed(settings: Settings) -> str:
    """Why the index in service must be rebuilt (French), or "" when it matches the corpus."""
    try:
        manifest = read_manifest(current_build(settings.index_dir))
    except IndexLoadError:
        return f"Aucun index utilisable dans {settings.index_dir} : lancez `python build_index.py`."
    return stale_reason(settings.corpus_dir, manifest)


def cmd_eval_entries(args) -> int:
    from .evaluation.metrics import evaluate_entries  # loaded on use
    from .evaluation.questions import read_entry_questions  # loaded on use

    questions = read_entry_questions(args.file)
    engine = _engine(_settings(args))
    print(f"questions  {len(questions)} (entry level: a result counts when it comes from a gold entry)")
    for name, metrics in evaluate_entries(engine, questions).items():
        print(metrics.line(name))
    return 0


def cmd_eval(args) -> int:
    from .evaluation.metrics import score  # loaded on use
    from .evaluation.questions import is_entry_file, read_questions  # loaded on use

    if not args.file.is_file():
        raise ValueError(f"Fichier de questions introuvable : {args.file}.")
    if is_entry_file(args.file):
        return cmd_eval_entries(args)
    questions = read_questions(args.file)
    engine = _engine(_settings(args))
    answers = engine.ask_batch([q.question for q in questions], None, 5)
    metrics = score(questions, answers)
    print("\n".join(metrics.lines()))
    print("\nby style (hit@1, or refusal for out_of_scope):")
    for style, s in sorted(metrics.by_style.items()):
        print(f"  {style:<14} {s['ok']}/{s['n']}")
    if metrics.misses:
        print("\nmisses:")
        for m in metrics.misses:
            print(f"  {m.id} [{m.style}] {m.question} — {m.what}")
    return 0


def cmd_learn(args) -> int:
    """The phrasings learnt from visitors' clicks; with --auto (or $FAQSEARCH_LEARN_AUTO) attach those
    above the automatic thresholds and rebuild, as a scheduler would run it."""
    from .build.pipeline import build  # loaded on use
    from .feedback.learnt import learn  # loaded on use

    settings = _settings(args)

    def rebuild() -> str:
        return build(settings.corpus_dir, settings.index_dir, _encoder(settings), cache_dir=settings.embed_cache,
                     wait=True, variants=settings.variants).summary()

    print("\n".join(learn(settings, args.auto or settings.learn_auto, rebuild)))
    return 0


def cmd_hash_password(args) -> int:
    """Print the hash of a password for the editors' space (typed twice, or one line on stdin)."""
    from .auth.passwords import PASSWORD_HASH_ENV, PASSWORD_HASH_SECRET, hash_password  # loaded on use

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Mot de passe des éditeurs : ")
        if getpass.getpass("Retapez-le : ") != password:
            print("Erreur : les deux saisies diffèrent ; recommencez.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_CHARS:
        print(f"Erreur : choisissez un mot de passe d'au moins {MIN_PASSWORD_CHARS} caractères.", file=sys.stderr)
        return 1
    print(hash_password(password))
    print(f"Copiez cette ligne dans .streamlit/secrets.toml ({PASSWORD_HASH_SECRET} = \"…\") ou dans la "
          f"variable d'environnement {PASSWORD_HASH_ENV} (voir docs/page.md#connexion).", file=sys.stderr)
    return 0


MIN_PASSWORD_CHARS = 12


def parser(settings: Settings | None = None) -> argparse.ArgumentParser:
    """The command line; folders and model default to ``settings`` (the environment's)."""
    settings = settings or Settings.from_env()
    p = argparse.ArgumentParser(prog="python -m faqsearch", description="Recherche sémantique hors ligne dans les guides d'aide.")
    p.set_defaults(settings=settings)
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp, index=True, corpus=False, model=True):
        if index:
            sp.add_argument("--index", type=Path, default=settings.index_dir, help="dossier de l'index (défaut : index/)")
        if corpus:
            sp.add_argument("--corpus", type=Path, default=settings.corpus_dir, help="dossier du corpus (défaut : corpus/)")
        if model:
            sp.add_argument("--model", default=None, help="modèle sentence-transformers (nom ou dossier) ; défaut : $FAQSEARCH_MODEL ou multilingual-e5-small")

    _search_command(sub, common)
    ps = sub.add_parser("passages", help="lister les passages du corpus")
    ps.add_argument("--json", action="store_true")
    common(ps, index=False, corpus=True, model=False)
    ps.set_defaults(func=cmd_passages)
    _build_command(sub, common)
    _eval_command(sub, common)

    from .service.serve import add_arguments as serve_arguments, run as cmd_serve  # stdlib-only import

    sv = sub.add_parser("serve", help="lancer le service HTTP et le widget de recherche")
    serve_arguments(sv)
    common(sv, corpus=True)
    sv.set_defaults(func=cmd_serve)

    lp = sub.add_parser("learn", help="formulations apprises des clics des visiteurs (--auto : les rattacher)")
    lp.add_argument("--auto", action="store_true", help="rattacher celles au-dessus du seuil automatique, reconstruire")
    common(lp, corpus=True)
    lp.set_defaults(func=cmd_learn)

    h = sub.add_parser("hash-password", help="produire le hachage du mot de passe de l'espace éditeurs")
    h.set_defaults(func=cmd_hash_password)
    return p


def _search_command(sub, common) -> None:
    s = sub.add_parser("search", help="chercher une question")
    s.add_argument("question", nargs="?")
    s.add_argument("--top-k", type=int, default=5)
    s.add_argument("--plan", default=None, help="votre forfait : un de ceux que déclare corpus/plans.csv")
    s.add_argument("--internal", action="store_true",
                   help="inclure les entrées internes (« Public : interne », réservées à l'équipe)")
    s.add_argument("--section", default=None, help="chercher dans cette section seulement (nom de la section)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--batch", type=Path, help="une question par ligne")
    common(s, corpus=True)
    s.set_defaults(func=cmd_search)


def _build_command(sub, common) -> None:
    b = sub.add_parser("build", help="reconstruire l'index")
    b.add_argument("--json", action="store_true", help="finir par une ligne JSON du rapport")
    b.add_argument("--dry-run", action="store_true", help="dire ce qui changerait sans rien écrire")
    b.add_argument("--check", action="store_true", help="code 1 si l'index n'est plus à jour")
    b.add_argument("--wait", action="store_true", help="attendre la fin d'une autre reconstruction")
    b.add_argument("--preview", action="store_true",
                   help="sans rien publier : ce que la reconstruction changerait aux questions les plus posées")
    b.add_argument("--top", type=int, default=200, help="avec --preview : nombre de questions rejouées (défaut : 200)")
    b.add_argument("--no-variants", action="store_true",
                   help="ignorer les variantes de questions (lignes « Variante : » et corpus/variants.csv)")
    b.add_argument("--strict", action="store_true",
                   help="refuser la construction s'il y a des avertissements (titres en double, passages "
                        "qui ne se retrouvent pas) : code 1, index en service inchangé")
    common(b, corpus=True)
    b.set_defaults(func=cmd_build)


def _eval_command(sub, common) -> None:
    e = sub.add_parser("eval", help="mesurer la qualité sur un fichier TSV (questions de dev, ou qid/question/gold_passage_id)")
    e.add_argument("file", type=Path)
    common(e, corpus=True)
    e.set_defaults(func=cmd_eval)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser(Settings.from_env()).parse_args(argv)
    except ValueError as exc:  # a setting of the environment that cannot be used
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    try:
        return args.func(args)
    except (ContentError, BuildError, IndexLoadError, ValueError, OSError, RuntimeError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
