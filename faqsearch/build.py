"""Rebuilding the index from ``corpus/``: validate, embed what changed, write, check, swap in.

The index in service is never touched until a new one has been written to a staging folder,
loaded back and checked; then :func:`faqsearch.store.publish` swaps it in with an atomic rename.
A lock keeps two builds from interleaving.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from .corpus import Corpus, load_corpus
from .documents import Passage
from .embcache import EmbeddingCache
from .embcache import default_dir as embcache_dir
from .encoder import Encoder
from .index import FaqIndex, IndexLoadError, frame_passages
from .store import current_build, publish, staging_dir

LOCK_FILE = ".build.lock"


class BuildError(RuntimeError):
    """The build stopped; the index in service is unchanged. The message says what to do."""


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

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k in ("passages", "added", "changed", "removed", "unchanged", "embedded")}

    def summary(self) -> str:
        verb = "serait" if self.dry_run else "a été"
        return (f"{self.passages} passages : {self.added} ajoutés, {self.changed} modifiés, {self.removed} supprimés, "
                f"{self.unchanged} inchangés ; {self.embedded} encodés ; {self.seconds:.1f} s. "
                + (f"L'index {verb} écrit dans {self.index_dir}." if self.index_dir else "Aucun index écrit (simulation)."))


@contextmanager
def build_lock(root: Path, wait: bool = False) -> Iterator[None]:
    """Hold the build lock of ``root``; without ``wait``, refuse at once if another build holds it."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise BuildError("Une autre reconstruction de l'index est en cours : attendez qu'elle se termine "
                             "(ou relancez avec --wait).") from exc
        yield
    finally:
        os.close(fd)


def previous_passages(root: Path) -> tuple[Passage, ...]:
    """The passages of the index in service, or none when there is no readable index."""
    folder = current_build(root)
    try:
        FaqIndex.read_manifest(folder)
        import pandas as pd

        return frame_passages(pd.read_parquet(folder / "passages.parquet"))
    except Exception:
        return ()


def diff(old: tuple[Passage, ...], new: tuple[Passage, ...]) -> dict[str, int]:
    """Counts of added / changed / removed / unchanged passages, matched by id."""
    before = {p.id: p for p in old}
    after = {p.id: p for p in new}
    changed = sum(1 for i, p in after.items() if i in before and before[i] != p)
    return {
        "added": sum(1 for i in after if i not in before),
        "changed": changed,
        "removed": sum(1 for i in before if i not in after),
        "unchanged": sum(1 for i, p in after.items() if i in before and before[i] == p),
    }


def verify(index: FaqIndex, sample: int = 2000) -> None:
    """Each passage's own question must find it among the top 3 (checked on up to ``sample``)."""
    passages = index.passages[:sample]
    if not passages:
        return
    results = index.search_batch([p.question for p in passages], top_k=3)
    lost = [p for p, hits in zip(passages, results) if p.id not in {h.passage.id for h in hits}]
    if lost:
        names = "; ".join(f"« {p.question} » ({p.source})" for p in lost[:5])
        raise BuildError(f"{len(lost)} passage(s) ne sont pas retrouvés par leur propre question : {names}. "
                         "Rendez leur titre ou leur question plus distincts (« Question : … » dans l'élément).")


def build(corpus_dir: Path, root: Path, encoder: Encoder, cache_dir: Path | None = None, dry_run: bool = False,
          progress: bool = False, wait: bool = False, check: bool = True,
          on_stage: Callable[[str], None] | None = None) -> BuildReport:
    """Rebuild the index of ``corpus_dir`` into ``root`` and put it in service.

    Raises :class:`faqsearch.corpus.CorpusError` for content to fix and :class:`BuildError` when
    the new index fails its checks; either way the index in service is left as it was.
    """
    started = time.perf_counter()
    stage = on_stage or (lambda _: None)
    root = Path(root)
    stage("Lecture du corpus")
    corpus: Corpus = load_corpus(corpus_dir)
    old = previous_passages(root)
    counts = diff(old, corpus.passages)
    cache = EmbeddingCache(Path(cache_dir) if cache_dir else embcache_dir(), encoder.name)
    texts = [p.text() for p in corpus.passages]
    if dry_run:
        return BuildReport(len(corpus.passages), **counts, embedded=cache.missing(texts), seconds=time.perf_counter() - started,
                           dry_run=True)
    with build_lock(root, wait=wait):
        embedded = 0

        def embed(todo_texts: list[str]):
            nonlocal embedded
            vectors, embedded = cache.embed(todo_texts, lambda todo: encoder.encode_passages(todo, progress=progress))
            return vectors

        stage("Encodage des passages")
        index = FaqIndex.build(corpus.passages, encoder, corpus.catalogue, corpus.digest, embed=embed)
        cache.save(keep=texts)
        stage("Écriture de l'index")
        staged = staging_dir(root)
        try:
            index.save(staged)
            stage("Vérification")
            loaded = FaqIndex.load(staged, encoder)
            if len(loaded.passages) != len(corpus.passages):
                raise BuildError("L'index écrit ne contient pas tous les passages : relancez la reconstruction.")
            if check:
                verify(loaded)
            final = publish(root, staged)
        except BaseException:
            import shutil

            shutil.rmtree(staged, ignore_errors=True)
            raise
    return BuildReport(len(corpus.passages), **counts, embedded=embedded,
                       seconds=round(time.perf_counter() - started, 3), index_dir=str(final))


def is_stale(corpus_dir: Path, root: Path) -> bool:
    """True when there is no index or ``corpus_dir`` changed since it was built."""
    from .corpus import corpus_digest

    try:
        manifest = FaqIndex.read_manifest(current_build(root))
    except IndexLoadError:
        return True
    return manifest.get("corpus_hash") != corpus_digest(corpus_dir)
