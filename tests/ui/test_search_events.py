"""The page's events: opening the closest passages of an unsure answer records an "open"."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from faqsearch.feedback.store import FeedbackStore
from faqsearch.settings import Settings
from faqsearch.ui import search_page


def test_opening_the_closest_passages_records_an_open_and_closing_them_nothing(tmp_path: Path):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", data_dir=tmp_path / "data")
    st.cache_resource.clear()
    try:
        st.session_state["close-k"] = False
        search_page.record_open(settings, "close-k", "Crêpes ?", "guide/p", "lite")
        st.session_state["close-k"] = True
        search_page.record_open(settings, "close-k", "Crêpes ?", "guide/p", "lite")
        [event] = FeedbackStore.configured(settings.data_dir, "").events()
        assert (event.kind, event.question, event.passage_id, event.rank, event.plan) == (
            "open", "Crêpes ?", "guide/p", 1, "lite")
        assert event.session == st.session_state["session_id"]
    finally:
        st.cache_resource.clear()
