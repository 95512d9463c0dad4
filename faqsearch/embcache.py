"""Embeddings cached by (model, passage text), so a rebuild embeds only what changed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .text import slug


def default_dir() -> Path:
    """``$FAQSEARCH_EMBED_CACHE``, or ``embeddings/`` in the model cache directory."""
    from .convert import default_cache_dir

    env = os.environ.get("FAQSEARCH_EMBED_CACHE")
    return Path(env).expanduser() if env else default_cache_dir() / "embeddings"


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """One ``.npz`` per model under ``folder``: the text hashes and their vectors (no pickle)."""

    def __init__(self, folder: Path, model: str):
        self.folder = Path(folder)
        self.model = model
        self.path = self.folder / f"{slug(model)[:80]}-{hashlib.sha256(model.encode()).hexdigest()[:8]}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.is_file():
            try:
                with np.load(self.path, allow_pickle=False) as z:
                    self._vectors = dict(zip((str(k) for k in z["keys"]), z["vectors"]))
            except (OSError, ValueError, KeyError):
                self._vectors = {}  # a damaged cache only costs a re-embedding

    def __len__(self) -> int:
        return len(self._vectors)

    def missing(self, texts: Sequence[str]) -> int:
        """How many distinct texts would have to be embedded."""
        return len({k for k in (text_key(self.model, t) for t in texts) if k not in self._vectors})

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> tuple[np.ndarray, int]:
        """Vectors for ``texts``, calling ``encode`` only on those not cached; returns (vectors, embedded)."""
        keys = [text_key(self.model, t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._vectors}.items())
        if missing:
            fresh = encode([t for _, t in missing])
            for (k, _), v in zip(missing, fresh):
                self._vectors[k] = np.asarray(v, dtype=np.float32)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32), 0
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32), len(missing)

    def save(self, keep: Sequence[str] | None = None) -> None:
        """Write the cache atomically; with ``keep`` (texts), drop vectors no longer used."""
        vectors = self._vectors
        if keep is not None:
            wanted = {text_key(self.model, t) for t in keep}
            vectors = {k: v for k, v in vectors.items() if k in wanted}
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
