"""The browser session's own anonymous id, shared by the ratings and the editors' sign-in backoff."""

from __future__ import annotations

import uuid

import streamlit as st


def session_id() -> str:
    """A random id per browser session: one person's rating of an answer counts once."""
    if "session_id" not in st.session_state:
        st.session_state["session_id"] = uuid.uuid4().hex
    return st.session_state["session_id"]
