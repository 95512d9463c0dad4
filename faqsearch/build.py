"""Rebuilding the index from ``corpus/``: validate, embed what changed, write, check, swap in.

The index in service is never touched until a new one has been written to a staging folder,
loaded back and checked; then :func:`faqsearch.builds.publish` swaps it in with an atomic rename.
A lock keeps two builds from interleaving.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from . import settings
from .chunking import chunk_passages, model_token_counter
from .corpus import Corpus, corpus_digest, load_corpus
from .documents import Passage
from .embcache import EmbeddingCache
from .progress import Progress, encode_in_blocks
from .encoder import Encoder, return_freed_memory
from .index import FaqIndex, IndexLoadError
from .qviews import layout
from .persist import MANIFEST
from .builds import BuildError, current_build, discard_abandoned, disk_space, publish, staging_dir
from .lookalikes import SELF_RETRIEVAL_TOP_K, BuildWarning, self_retrieval_warnings

LOCK_FILE = ".build.lock"
REPORT_FIELDS = ("passages", "added", "changed", "removed", "unchanged", "embedded")
VERIFY_TOP_K = SELF_RETRIEVAL_TOP_K
VERIFY_SAMPLE = 2000
# Questions searched at once by the check: a batch scores every passage and every heading for
# each of its questions, several times over (2,000 × 100,000 BM25 scores alone are 800 MB).
VERIFY_BATCH = 32
# The steps announced to ``on_stage``, in order (the page's progress bar counts them).
STAGES = ("Lecture du corpus", "Encodage des passages", "Encodage des questions", "Construction de l'index",
          "Écriture de l'index", "Vérification", "Mise en service")
READ, EMBED, QUESTIONS, INDEX, WRITE, CHECK, PUBLISH = STAGES
# The French summary lists this many warnings; the JSON report and the manifest keep them all.
SUMMARY_WARNINGS = 20
QUERY_CACHE_SUFFIX = " #query"  # question views are embedded as queries: cached apart


class BuildBusy(BuildError):
    """Another build of the same index is running. The message speaks to the command line; the
    page says it its own way."""


@dataclass(frozen=True)
class BuildReport:
    """What a build changed, compared with the index that was in service."""

    passages: int
    added: int
    changed: int
    removed: int
    unchanged: int
    embedded: int
    seconds: float
    index_dir: str = ""
    dry_run: bool = False
    warnings: tuple[BuildWarning, ...] = field(default=())

    def to_dict(self) -> dict:
        """The machine-readable report (the ``--json`` line): counts and the warnings, stable keys."""
        fields = asdict(self)
        return {**{k: fields[k] for k in REPORT_FIELDS}, "warnings": [w.to_dict() for w in self.warnings]}

    def headline(self) -> str:
        """The counts, in one French sentence."""
        counts = (f"{self.passages} passages : {self.added} ajoutés, {self.changed} modifiés, "
                  f"{self.removed} supprimés, {self.unchanged} inchangés")
        if self.dry_run:
            return (f"Simulation — {counts} ; {self.embedded} seraient encodés. Rien n'a été écrit : "
                    "relancez sans --dry-run pour reconstruire.")
        return f"{counts} ; {self.embedded} encodés en {self.seconds:.1f} s. Index en service : {self.index_dir}."

    def summary(self) -> str:
        """The report for an editor, in French: the counts, then the warnings, one per line."""
        return "\n".join([self.headline(), *warning_lines(self.warnings)])


def warning_lines(warnings: tuple[BuildWarning, ...] | list[BuildWarning], limit: int = SUMMARY_WARNINGS) -> list[str]:
    """The warnings for a French report: a count, then the first ``limit`` of them."""
    if not warnings:
        return []
    n = len(warnings)
    lines = [f"{n} avertissement{'s' if n > 1 else ''} (la construction n'est pas bloquée ; --strict la bloquerait) :"]
    lines += [f"- {w}" for w in warnings[:limit]]
    if n > limit:
        lines.append(f"… et {n - limit} autres (liste complète avec --json).")
    return lines


def strict_error(warnings: list[BuildWarning]) -> BuildError:
    """The error ``--strict`` raises when a build has warnings."""
    shown = "\n".join(f"- {w}" for w in warnings[:SUMMARY_WARNINGS])
    more = f"\n… et {len(warnings) - SUMMARY_WARNINGS} autres." if len(warnings) > SUMMARY_WARNINGS else ""
    return BuildError(f"{len(warnings)} avertissement(s), refusés avec --strict :\n{shown}{more}\n"
                      "Corrigez-les ou relancez sans --strict. L'index en service n'a pas été modifié.")


@contextmanager
def build_lock(root: Path, wait: bool = False) -> Iterator[None]:
    """Hold the build lock of ``root``; without ``wait``, refuse at once if another build holds it.

    ``flock`` is released by the kernel when its holder dies, so a killed build never leaves a
    stale lock behind.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise BuildBusy(f"Une autre reconstruction de l'index {root} est en cours : attendez qu'elle se "
                             "termine, ou relancez avec --wait pour l'attendre.") from exc
        yield
    finally:
        os.close(fd)


def previous_passages(root: Path) -> tuple[Passage, ...]:
    """The passages of the index in service, or none when there is no readable index."""
    try:
        return FaqIndex.read_passages(current_build(root))
    except Exception:  # no index or a damaged one: everything counts as added
        return ()


def diff(old: tuple[Passage, ...], new: tuple[Passage, ...]) -> dict[str, int]:
    """Counts of added / changed / removed / unchanged passages, matched by id."""
    # Compared through ``to_dict``, which leaves out ``source`` (file:line): a line added above
    # an item moves it without changing it.
    # Variants count: attaching a phrasing to a passage changes how it is found.
    before = {p.id: {**p.to_dict(), "variants": list(p.variants)} for p in old}
    after = {p.id: {**p.to_dict(), "variants": list(p.variants)} for p in new}
    return {
        "added": sum(1 for i in after if i not in before),
        "changed": sum(1 for i, p in after.items() if i in before and before[i] != p),
        "removed": sum(1 for i in before if i not in after),
        "unchanged": sum(1 for i, p in after.items() if i in before and before[i] == p),
    }


def verify(index: FaqIndex, expected: int, sample: int = VERIFY_SAMPLE,
           encode_queries: Callable[[list[str]], np.ndarray] | None = None) -> list[BuildWarning]:
    """Check a freshly written index before it goes into service; return its warnings.

    Integrity is fatal: the index must hold ``expected`` passages. Self-retrieval is reported:
    each entry whose own question does not find it among the top 3 (checked on up to ``sample``
    entries, which covers any help center) is a warning naming the entry that wins instead.
    ``encode_queries`` gives the questions' vectors (default: the index's encoder).
    """
    if len(index.passages) != expected:
        raise BuildError(f"L'index écrit contient {len(index.passages)} passages au lieu de {expected} : "
                         "relancez la reconstruction ; si cela se répète, vérifiez l'espace disque.")
    if sample <= 0:
        return []

    def search(questions: list[str]) -> list:
        hits = []
        for start in range(0, len(questions), VERIFY_BATCH):
            batch = questions[start:start + VERIFY_BATCH]
            hits += [found.hits for found in index.search_batch(
                batch, top_k=VERIFY_TOP_K, query_vectors=encode_queries(batch) if encode_queries else None)]
        return hits

    return self_retrieval_warnings(index.passages, search, sample)


def record_warnings(folder: Path, warnings: list[BuildWarning]) -> None:
    """Store the build's warnings in the manifest of the (still staged) index, for the editors' tab."""
    path = Path(folder) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["warnings"] = [w.to_dict() for w in warnings]
    draft = path.with_name(MANIFEST + ".part")
    draft.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(draft, path)


def manifest_warnings(manifest: dict) -> tuple[BuildWarning, ...]:
    """The warnings recorded in an index's manifest (none for an index built before they were)."""
    found = manifest.get("warnings")
    return tuple(BuildWarning.from_dict(w) for w in found if isinstance(w, dict)) if isinstance(found, list) else ()


def _to_embed(views, cache: EmbeddingCache, query_cache: EmbeddingCache) -> int:
    """Passages with a passage view or a question view to embed (an editor thinks in items)."""
    p_at = np.concatenate([[0], np.cumsum(views.passage_counts)])
    q_at = np.concatenate([[0], np.cumsum(views.question_counts)])
    return sum(bool(cache.missing(views.passage_texts[p_at[i]:p_at[i + 1]])
                    or query_cache.missing(views.question_texts[q_at[i]:q_at[i + 1]]))
               for i in range(len(views.passage_counts)))


def build(corpus_dir: Path, root: Path, encoder: Encoder, cache_dir: Path | None = None, dry_run: bool = False,
          progress: bool = False, wait: bool = False, check: bool = True, strict: bool = False,
          on_stage: Callable[[str], None] | None = None, variants: bool | None = None,
          on_progress: Callable[[Progress], None] | None = None) -> BuildReport:
    """Rebuild the index of ``corpus_dir`` into ``root`` and put it in service.

    Raises :class:`faqsearch.errors.ContentError` for content to fix and :class:`BuildError` when
    another build is running or the new index fails its checks; either way the index in service
    is left as it was. Look-alike entries are warnings in the report (and the manifest), unless
    ``strict`` makes them a :class:`BuildError` too. ``on_stage`` is told each step's name.
    ``variants`` False (default: ``$FAQSEARCH_NO_VARIANTS``) builds without question variants.
    ``on_progress`` is told how far the embedding of passages is, with the time left.
    """
    started = time.perf_counter()
    stage = on_stage or (lambda _: None)
    root = Path(root)
    stage(READ)
    # Validation comes first: a corpus error must stop the build before anything is written.
    corpus: Corpus = load_corpus(corpus_dir, variants=settings.use_variants() if variants is None else variants)
    warnings = list(corpus.warnings)
    if strict and warnings:
        raise strict_error(warnings)
    # Long answers become several passages of one entry, each short enough for the model.
    passages = chunk_passages(corpus.passages, model_token_counter(encoder.name))
    # The tokenizer that counted them held 265 MiB: hand it back before the passages are embedded.
    return_freed_memory()
    views = layout(passages)
    cache_folder = Path(cache_dir) if cache_dir else settings.embed_cache_dir()
    if dry_run:
        # No dimension given: a dry run must not load the model just to count.
        cache = EmbeddingCache(cache_folder, encoder.name)
        query_cache = EmbeddingCache(cache_folder, encoder.name + QUERY_CACHE_SUFFIX)
        counts = diff(previous_passages(root), passages)
        return BuildReport(len(passages), **counts, embedded=_to_embed(views, cache, query_cache),
                           seconds=round(time.perf_counter() - started, 3), dry_run=True, warnings=tuple(warnings))
    with build_lock(root, wait=wait):
        # Holding the lock, any staging folder is a dead build's: clear it before adding ours.
        discard_abandoned(root)
        cache = EmbeddingCache(cache_folder, encoder.name, dim=encoder.dim)
        query_cache = EmbeddingCache(cache_folder, encoder.name + QUERY_CACHE_SUFFIX, dim=encoder.dim)
        # Compared under the lock: a build that waited must report against what it replaces.
        counts = diff(previous_passages(root), passages)
        embedded = _to_embed(views, cache, query_cache)
        stage(EMBED)
        # The vectors are valid whatever the checks below decide: each cache is saved as soon as
        # they are embedded, and the passage cache's copy of them let go (the index keeps its own).
        announced: list[bool] = []

        def embed_passages(todo: list[str]) -> np.ndarray:
            fresh = encode_in_blocks(todo, lambda block: encoder.encode_passages(block, progress=progress),
                                     on_progress)
            # Announced as soon as the passages are embedded: the passage model can go before
            # the cache copies their vectors into the matrix it returns (158 MiB at 100,000).
            stage(QUESTIONS)
            announced.append(True)
            return fresh

        passage_vectors = cache.embed(views.passage_texts, embed_passages)
        if not announced:  # every passage was cached
            stage(QUESTIONS)
        with disk_space(cache_folder, "le cache des vecteurs"):
            cache.save(keep=views.passage_texts)
        del cache
        question_vectors = query_cache.embed(views.question_texts, lambda todo: encoder.encode_queries(todo))
        with disk_space(cache_folder, "le cache des vecteurs"):
            query_cache.save(keep=views.question_texts)
        vectors = views.assemble(passage_vectors, question_vectors)
        # From here on only where each vector goes is needed, not the texts embedded.
        offsets, is_question = views.offsets, views.is_question
        del passage_vectors, question_vectors, views
        stage(INDEX)
        catalogue = corpus.catalogue if corpus.catalogue.channels else None
        index = FaqIndex.from_vectors(passages, vectors, offsets, encoder, catalogue, corpus.digest,
                                      corpus.synonyms, is_question, owned=True)
        del vectors
        stage(WRITE)
        with disk_space(root, "le nouvel index"):
            staged = staging_dir(root)
        try:
            with disk_space(staged.parent, "le nouvel index"):
                index.save(staged)
            # The check reads the index back from disk: the one built, and the passages it was
            # built from, need not stay beside it.
            total = len(passages)
            del index, passages, corpus
            stage(CHECK)
            try:
                loaded = FaqIndex.load(staged, encoder)
            except IndexLoadError as exc:
                raise BuildError(f"L'index écrit ne se relit pas ({exc}) : relancez la reconstruction ; "
                                 "l'index en service n'a pas été modifié.") from exc
            # The entries' questions were just embedded as question views: the check reuses them.
            warnings += verify(loaded, total, sample=VERIFY_SAMPLE if check else 0,
                               encode_queries=lambda qs: query_cache.embed(qs, encoder.encode_queries))
            if strict and warnings:
                raise strict_error(warnings)
            with disk_space(staged.parent, "le nouvel index"):
                record_warnings(staged, warnings)
            stage(PUBLISH)
            with disk_space(root, "le pointeur de l'index en service"):
                final = publish(root, staged)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return BuildReport(total, **counts, embedded=embedded,
                       seconds=round(time.perf_counter() - started, 3), index_dir=str(final), warnings=tuple(warnings))


def stale_reason(corpus_dir: Path, root: Path) -> str:
    """Why the index under ``root`` no longer matches ``corpus_dir`` (French), or "" when it does."""
    folder = current_build(root)
    try:
        manifest = FaqIndex.read_manifest(folder)
    except IndexLoadError:
        return f"Aucun index utilisable dans {root} : lancez `python build_index.py`."
    if manifest.get("corpus_hash") != corpus_digest(corpus_dir):
        return (f"Le corpus {corpus_dir} a changé depuis la construction de l'index "
                f"({manifest.get('built_at', 'date inconnue')}) : lancez `python build_index.py`.")
    return ""
