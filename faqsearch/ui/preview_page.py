"""« Prévisualiser la reconstruction » : what the rebuild would change for the questions visitors
ask, shown before anything is published; the rebuild button beside it still publishes in one click."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from ..analytics.preview import Change, Preview, preview
from ..search.engine import Engine
from ..settings import Settings
from . import resources
from .presentation import escape_markdown, message_markdown

log = logging.getLogger(__name__)
PREVIEW_KEY = "rebuild_preview"
KINDS = (("changed", "Premières réponses qui changent"), ("refused", "Questions qui deviendraient refusées"),
         ("answered", "Questions qui deviendraient répondues"), ("liked_lost", "Réponses jugées 👍 qui ne seraient plus en tête"))


def render(settings: Settings, engine: Engine | None) -> None:
    """The preview button, then the last preview of this session; nothing without an index in
    service to compare with."""
    if engine is None:
        return
    if st.button("Prévisualiser la reconstruction", key="preview-rebuild", icon="🔍",
                 help="Construit l'index à part, sans le publier, et rejoue les questions les plus posées."):
        _run(settings)
    report: Preview | None = st.session_state.get(PREVIEW_KEY)
    if report is not None:
        _show(report)


def _run(settings: Settings) -> None:
    st.session_state.pop(PREVIEW_KEY, None)
    try:
        with st.spinner("Construction de l'index candidat et questions rejouées…"):
            st.session_state[PREVIEW_KEY] = preview(settings, resources.encoder(settings), resources.store(settings))
    except (ValueError, RuntimeError, OSError) as exc:  # ContentError, BuildError, IndexLoadError, FeedbackError
        st.error("**La prévisualisation a échoué** ; rien n'a été publié.\n\n" + message_markdown(str(exc)), icon="🛑")
    except Exception as exc:  # never a traceback on the page; the server log keeps it
        log.exception("rebuild preview failed")
        st.error(f"La prévisualisation a échoué de façon inattendue ({type(exc).__name__}) ; rien n'a été publié. "
                 "Lancez `python build_index.py --preview` pour voir le détail.", icon="🛑")


def _rows(changes: tuple[Change, ...]) -> pd.DataFrame:
    return pd.DataFrame([{"Question": c.question, "Fois": c.asked, "Avant": c.before_title or "—",
                          "Après": c.after_title or "—"} for c in changes])


def _show(report: Preview) -> None:
    if report.unchanged:
        st.success(escape_markdown(report.summary()), icon="✅")
        return
    st.info(escape_markdown(report.summary()) + " Publiez avec « Reconstruire l'index » si cela vous convient.",
            icon="🔍")
    for name, title in KINDS:
        changes = getattr(report, name)
        if changes:
            st.markdown(f"###### {title}")
            st.dataframe(_rows(changes), hide_index=True, width="stretch")
