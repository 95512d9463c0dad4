"""What the page loads once per process: paths, the encoder, the engine, the feedback store.

``st.cache_resource`` keeps one model and one engine per server process for every session; the
engine itself follows the index folder (:meth:`Engine.refresh`), so a rebuild is picked up without
a restart. A failed load is not cached: the next rerun tries again (after a rebuild, it succeeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import settings as env
from ..embedding.encoder import Encoder, make_encoder
from ..embedding.sentence_transformers import SentenceTransformerEncoder
from ..search.engine import Engine
from ..feedback.store import FeedbackStore


@dataclass(frozen=True)
class Settings:
    """Where the page reads the corpus and the index, and writes its feedback."""

    app_dir: Path
    corpus_dir: Path
    index_root: Path
    data_dir: Path
    model: str

    @classmethod
    def from_env(cls, app_dir: Path) -> "Settings":
        """Folders beside ``app.py`` unless ``$FAQSEARCH_CORPUS`` / ``_INDEX`` / ``_DATA`` say otherwise."""
        app_dir = Path(app_dir).resolve()
        return cls(
            app_dir=app_dir,
            corpus_dir=env.corpus_dir(app_dir),
            index_root=env.index_dir(app_dir),
            data_dir=env.data_dir(app_dir),
            model=env.model_name(),
        )


# One torch thread per search when the sentence-transformers backend is used: a short query gains
# nothing from intra-op parallelism, and when the cores are busy (another session, a rebuild, other
# programs) OpenMP's spin-waiting made a query take ~1 s with 2 threads against ~50 ms with 1,
# measured on the 2-core target machine.
SEARCH_THREADS = 1


def new_encoder(model: str) -> Encoder:
    """The encoder for ``model``, on the same backend as the command line (tests replace this)."""
    encoder = make_encoder(model)
    if isinstance(encoder, SentenceTransformerEncoder):
        import torch

        torch.set_num_threads(SEARCH_THREADS)
    encoder.encode_queries(["préchauffage"])  # load the weights now, not during the first question
    return encoder


@st.cache_resource(show_spinner="Chargement du modèle de langue…")
def encoder(model: str) -> Encoder:
    return new_encoder(model)


@st.cache_resource(show_spinner="Chargement de l'index…")
def engine(index_root: str, model: str) -> Engine:
    """The engine over the index in service under ``index_root``; raises ``IndexLoadError``."""
    return Engine.open(Path(index_root), encoder(model))


@st.cache_resource
def feedback_store(data_dir: str, database_url: str) -> FeedbackStore:
    """The store the HTTP service also writes to (``database_url`` is part of the cache key)."""
    return FeedbackStore.configured(Path(data_dir))


def store_for(settings: Settings) -> FeedbackStore:
    return feedback_store(str(settings.data_dir), env.database_url())


def engine_for(settings: Settings) -> Engine:
    """The cached engine of the page (it follows newly published builds by itself)."""
    return engine(str(settings.index_root), settings.model)
