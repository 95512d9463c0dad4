"""Embeddings cached by (model, passage text), so a rebuild embeds only what changed.

The cache is an optimisation only: a missing, damaged or foreign cache file costs a re-embedding,
never a failed build. Several corpora built with the same model share one file (tests,
benchmarks, the real corpus), so saving keeps vectors of other texts too, up to a bound.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..text.normalize import slug

# About 75 MB of float32 at 384 dimensions: enough for several large corpora, bounded on disk.
MAX_ENTRIES = 50_000
# A draft (.part) this old belongs to a build that was killed while saving the cache.
ABANDONED_PART_SECONDS = 3600


def text_key(model: str, text: str) -> str:
    # surrogatepass: a stray surrogate in a guide must not make the key fail.
    return hashlib.sha256(f"{model}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


class EmbeddingCache:
    """One ``.npz`` per model under ``folder``: the text hashes and their vectors (no pickle)."""

    def __init__(self, folder: Path, model: str, max_entries: int = MAX_ENTRIES, dim: int | None = None):
        self.folder = Path(folder)
        self.model = model
        self.max_entries = max_entries
        self.path = self.folder / f"{slug(model)[:80]}-{hashlib.sha256(model.encode()).hexdigest()[:8]}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            try:
                with np.load(self.path, allow_pickle=False) as z:
                    keys, vectors = z["keys"], z["vectors"]
                    # Another dimension under the same name means another model: ignore its vectors.
                    if vectors.ndim == 2 and len(keys) == len(vectors) and dim in (None, vectors.shape[1]):
                        self._vectors = dict(zip((str(k) for k in keys), vectors.astype(np.float32)))
            except Exception:  # truncated zip, bad header, missing array: all only cost a re-embedding
                self._vectors = {}

    def __len__(self) -> int:
        return len(self._vectors)

    def missing(self, texts: Sequence[str]) -> int:
        """How many distinct texts would have to be embedded."""
        return len({k for k in (text_key(self.model, t) for t in texts) if k not in self._vectors})

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts``, calling ``encode`` only on those not cached."""
        keys = [text_key(self.model, t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._vectors}.items())
        if missing:
            fresh = np.asarray(encode([t for _, t in missing]), dtype=np.float32)
            if fresh.ndim != 2 or fresh.shape[0] != len(missing):
                raise ValueError(f"The encoder returned {fresh.shape} vectors for {len(missing)} texts.")
            cached_dim = next((v.shape[0] for v in self._vectors.values()), fresh.shape[1])
            if cached_dim != fresh.shape[1]:
                # Same model name, other dimension: the cache belongs to another model. Start over.
                self._vectors = {}
                return self.embed(texts, encode)
            for (k, _), v in zip(missing, fresh):
                self._vectors[k] = v
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        # Filled row by row: stacking, then converting, held two more copies at once.
        out = np.empty((len(keys), len(self._vectors[keys[0]])), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._vectors[k]
        return out

    def save(self, keep: Sequence[str] | None = None) -> None:
        """Write the cache atomically, at most ``max_entries`` vectors.

        The vectors of ``keep`` (the texts just indexed) are always kept; the room left goes to
        the most recently added others, so reverting an edit or building another corpus stays cheap.
        """
        vectors = self._vectors
        if len(vectors) > self.max_entries:
            wanted = {text_key(self.model, t) for t in keep or ()}
            room = max(self.max_entries - len(wanted), 0)
            others = [k for k in vectors if k not in wanted]
            chosen = (others[len(others) - room:] if room else []) + [k for k in vectors if k in wanted]
            vectors = {k: vectors[k] for k in chosen}
        if not vectors:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".part", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.array(list(vectors), dtype=np.str_), vectors=np.stack(list(vectors.values())))
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._remove_abandoned_parts()

    def forget(self) -> None:
        """Let go of the vectors held (once saved): a build needs the memory for its index."""
        self._vectors = {}

    def _remove_abandoned_parts(self) -> None:
        """Delete drafts left by killed builds; a recent one may be another build's, still writing."""
        now = time.time()
        for part in self.folder.glob(self.path.name + "*.part"):
            try:
                if now - part.stat().st_mtime > ABANDONED_PART_SECONDS:
                    part.unlink()
            except OSError:
                continue
