"""A deterministic stand-in for the embedding model, for fast unit tests."""

from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from faqsearch.text.normalize import words


class FakeEncoder:
    """Hashes folded words and their 4-character prefixes into a small normalised vector.

    Texts sharing words get close vectors, so retrieval behaves sensibly, with no model at all.
    """

    def __init__(self, dim: int = 64, name: str = "fake-hash-64"):
        self.dim = dim
        self.name = name
        self.calls = 0
        self.encoded = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in words(text):
            for token in (w, w[:4]):
                h = int.from_bytes(hashlib.md5(token.encode()).digest()[:4], "little")
                v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else np.eye(1, self.dim, dtype=np.float32)[0]

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts)

    def release(self) -> None:
        self.released = True
