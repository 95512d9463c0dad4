"""Rebuilding the index from ``corpus/``: validate, embed what changed, write, check, swap in.

The index in service is never touched until a new one has been written to a staging folder,
loaded back and checked, and its manifest written last; then :func:`faqsearch.index.published.publish`
swaps it in with an atomic rename. A lock keeps two builds from interleaving.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import settings
from ..content.chunking import chunk_passages
from ..content.corpus import Corpus, load_corpus
from ..content.lookalikes import BuildWarning
from ..embedding.cache import EmbeddingCache
from ..embedding.encoder import Encoder
from ..embedding.memory import return_freed_memory
from ..embedding.tokenizer import passage_tokenizer
from ..index.faq_index import FaqIndex
from ..index.manifest import IndexLoadError, with_warnings, write_manifest
from ..index.published import current_build, discard_abandoned, publish, staging_dir
from ..index.storage import read_passages, write_parts
from ..index.views import Layout, layout
from ..records.passage import Passage
from .disk import disk_space
from .lock import build_lock
from .progress import Progress, encode_in_blocks
from .report import BuildError, BuildReport, strict_error
from .verify import VERIFY_SAMPLE, verify

# The steps announced to ``on_stage``, in order (the page's progress bar counts them).
STAGES = ("Lecture du corpus", "Encodage des passages", "Encodage des questions", "Construction de l'index",
          "Écriture de l'index", "Vérification", "Mise en service")
READ, EMBED, QUESTIONS, INDEX, WRITE, CHECK, PUBLISH = STAGES
QUERY_CACHE_SUFFIX = " #query"  # question views are embedded as queries: cached apart


def previous_passages(root: Path) -> tuple[Passage, ...]:
    """The passages of the index in service, or none when there is no readable index."""
    try:
        return read_passages(current_build(root))
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


def _to_embed(views, cache: EmbeddingCache, query_cache: EmbeddingCache) -> int:
    """Passages with a passage view or a question view to embed (an editor thinks in items)."""
    p_at = np.concatenate([[0], np.cumsum(views.passage_counts)])
    q_at = np.concatenate([[0], np.cumsum(views.question_counts)])
    return sum(bool(cache.missing(views.passage_texts[p_at[i]:p_at[i + 1]])
                    or query_cache.missing(views.question_texts[q_at[i]:q_at[i + 1]]))
               for i in range(len(views.passage_counts)))


@dataclass(frozen=True)
class _Run:
    """What the stages of one build share: where it publishes, the encoder, whom it tells."""

    root: Path
    encoder: Encoder
    stage: Callable[[str], None]
    on_progress: Callable[[Progress], None] | None
    progress: bool


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
    run = _Run(Path(root), encoder, on_stage or (lambda _: None), on_progress, progress)
    run.stage(READ)
    # Validation comes first: a corpus error must stop the build before anything is written.
    corpus, passages = _read(corpus_dir, encoder, settings.use_variants() if variants is None else variants, strict)
    warnings = list(corpus.warnings)
    views = layout(passages)
    cache_folder = Path(cache_dir) if cache_dir else settings.embed_cache_dir()
    if dry_run:
        return _dry_run(run, passages, views, cache_folder, warnings, started)
    with build_lock(run.root, wait=wait):
        # Holding the lock, any staging folder is a dead build's: clear it before adding ours.
        discard_abandoned(run.root)
        cache, query_cache = _caches(cache_folder, encoder, encoder.dim)
        # Compared under the lock: a build that waited must report against what it replaces.
        counts = diff(previous_passages(run.root), passages)
        embedded = _to_embed(views, cache, query_cache)
        vectors = _embed(run, views, cache, query_cache)
        # From here on only where each vector goes is needed, not the texts embedded.
        offsets, fields = views.offsets, views.fields
        del views
        run.stage(INDEX)
        catalogue = corpus.catalogue if corpus.catalogue.channels or corpus.catalogue.plans else None
        index = FaqIndex.from_vectors(passages, vectors, offsets, encoder, catalogue, corpus.digest,
                                      corpus.synonyms, fields, owned=True)
        del vectors
        run.stage(WRITE)
        with disk_space(run.root, "le nouvel index"):
            staged = staging_dir(run.root)
        try:
            with disk_space(staged.parent, "le nouvel index"):
                manifest = write_parts(staged, index.parts)
            # The check reads the index back from disk: the one built, and the passages it was
            # built from, need not stay beside it.
            total = len(passages)
            del index, passages, corpus
            warnings += _check(run, staged, manifest, total, query_cache, check)
            if strict and warnings:
                raise strict_error(warnings)
            final = _publish(run, staged, manifest, warnings)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return BuildReport(total, **counts, embedded=embedded,
                       seconds=round(time.perf_counter() - started, 3), index_dir=str(final), warnings=tuple(warnings))


def _publish(run: _Run, staged: Path, manifest: dict, warnings: list[BuildWarning]) -> Path:
    """Write the manifest of the checked index in ``staged``, then put that index in service."""
    # The manifest last, once, with the warnings: a folder with a manifest is a checked index.
    with disk_space(staged.parent, "le nouvel index"):
        write_manifest(staged, with_warnings(manifest, warnings))
    run.stage(PUBLISH)
    with disk_space(run.root, "le pointeur de l'index en service"):
        return publish(run.root, staged)


def _read(corpus_dir: Path, encoder: Encoder, variants: bool, strict: bool) -> tuple[Corpus, tuple[Passage, ...]]:
    """The corpus, validated, and its passages cut into chunks the model reads whole."""
    corpus = load_corpus(corpus_dir, variants=variants)
    if strict and corpus.warnings:
        raise strict_error(list(corpus.warnings))
    # Long answers become several passages of one entry, each short enough for the model.
    passages = chunk_passages(corpus.passages, passage_tokenizer(encoder.name).count)
    # The tokenizer that counted them held 265 MiB: hand it back before the passages are embedded.
    return_freed_memory()
    return corpus, passages


def _dry_run(run: _Run, passages: tuple[Passage, ...], views: Layout, cache_folder: Path,
             warnings: list[BuildWarning], started: float) -> BuildReport:
    """What a build would change, without writing anything."""
    # No dimension given: a dry run must not load the model just to count.
    cache, query_cache = _caches(cache_folder, run.encoder, None)
    counts = diff(previous_passages(run.root), passages)
    return BuildReport(len(passages), **counts, embedded=_to_embed(views, cache, query_cache),
                       seconds=round(time.perf_counter() - started, 3), dry_run=True, warnings=tuple(warnings))


def _caches(folder: Path, encoder: Encoder, dim: int | None) -> tuple[EmbeddingCache, EmbeddingCache]:
    """The caches of passage vectors and of question vectors (question views are embedded as queries)."""
    return (EmbeddingCache(folder, encoder.name, dim=dim),
            EmbeddingCache(folder, encoder.name + QUERY_CACHE_SUFFIX, dim=dim))


def _embed(run: _Run, views: Layout, cache: EmbeddingCache, query_cache: EmbeddingCache) -> np.ndarray:
    """Every view's vector, in the layout's order; what the caches lacked is embedded.

    The vectors are valid whatever the checks decide: each cache is saved as soon as they are
    embedded, and the passage cache's copy of them let go (the index keeps its own).
    """
    run.stage(EMBED)
    announced: list[bool] = []

    def embed_passages(todo: list[str]) -> np.ndarray:
        fresh = encode_in_blocks(todo, lambda block: run.encoder.encode_passages(block, progress=run.progress),
                                 run.on_progress)
        # Announced as soon as the passages are embedded: the passage model can go before
        # the cache copies their vectors into the matrix it returns (158 MiB at 100,000).
        run.stage(QUESTIONS)
        announced.append(True)
        return fresh

    passage_vectors = cache.embed(views.passage_texts, embed_passages)
    if not announced:  # every passage was cached
        run.stage(QUESTIONS)
    with disk_space(cache.folder, "le cache des vecteurs"):
        cache.save(keep=views.passage_texts)
    cache.forget()
    question_vectors = query_cache.embed(views.question_texts, lambda todo: run.encoder.encode_queries(todo))
    with disk_space(query_cache.folder, "le cache des vecteurs"):
        query_cache.save(keep=views.question_texts)
    return views.assemble(passage_vectors, question_vectors)


def _check(run: _Run, staged: Path, manifest: dict, total: int, query_cache: EmbeddingCache,
           check: bool) -> list[BuildWarning]:
    """Read the staged index back and check it (see :func:`faqsearch.build.verify.verify`)."""
    run.stage(CHECK)
    try:
        loaded = FaqIndex.load(staged, run.encoder, manifest)
    except IndexLoadError as exc:
        raise BuildError(f"L'index écrit ne se relit pas ({exc}) : relancez la reconstruction ; "
                         "l'index en service n'a pas été modifié.") from exc
    # The entries' questions were just embedded as question views: the check reuses them.
    return verify(loaded, total, sample=VERIFY_SAMPLE if check else 0,
                  encode_queries=lambda qs: query_cache.embed(qs, run.encoder.encode_queries))
