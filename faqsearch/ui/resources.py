"""What the page loads once per process: the encoder, the engine, the feedback store.

``st.cache_resource`` keeps one model and one engine per server process for every session, loaded
as the service and the command line load them (:mod:`faqsearch.search.loader`); the engine itself
follows the index folder (:meth:`Engine.current`), so a rebuild is picked up without a restart. A
failed load is not cached: the next rerun tries again (after a rebuild, it succeeds). The settings
are the cache key: what they say is what is loaded.
"""

from __future__ import annotations

import streamlit as st

from ..embedding.encoder import Encoder
from ..feedback.store import FeedbackStore
from ..search import loader
from ..search.engine import Engine
from ..settings import Settings


@st.cache_resource(show_spinner="Chargement du modèle de langue…")
def encoder(settings: Settings) -> Encoder:
    """The page's encoder, warmed up."""
    return loader.load_encoder(settings)


@st.cache_resource(show_spinner="Chargement de l'index…")
def engine(settings: Settings) -> Engine:
    """The engine over the newest build under ``settings.index_dir``; raises ``IndexLoadError``."""
    return loader.open_engine(settings, encoder(settings))


@st.cache_resource
def store(settings: Settings) -> FeedbackStore:
    """The store the HTTP service also writes to (``settings.database_url``, else the SQLite file)."""
    return FeedbackStore.configured(settings.data_dir, settings.database_url, retention_days=settings.retention_days)
