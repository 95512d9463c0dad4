"""The editors' tab: what visitors ask, what the guide fails to answer, and the index rebuild."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from ..feedback.store import FeedbackError
from ..index.manifest import manifest_warnings
from ..search.engine import Engine
from ..settings import Settings
from . import dashboard_page, learning_page, preview_page, proposals_page, resources
from . import presentation as pres
from .rebuild import rebuild_button, show_last_report, warnings_table

log = logging.getLogger(__name__)
LIMIT = 25


def render(settings: Settings, engine: Engine | None) -> None:
    """The whole editors' tab; ``engine`` is None when no index can be used yet."""
    st.subheader("Index de recherche")
    if engine is not None:
        manifest = engine.current().manifest
        st.caption(f"{manifest.get('passages', '?')} passages · construit le "
                   f"{pres.escape_markdown(pres.built_at_label(manifest.get('built_at', '')))} · corpus : "
                   f"{pres.escape_markdown(settings.corpus_dir)}")
    changed = "des guides ou de `channels.csv`" if engine is None or engine.catalogue.channels else "du corpus"
    st.write(f"Après une modification {changed}, reconstruisez l'index : la recherche "
             "continue de répondre pendant la reconstruction et utilise le nouvel index dès qu'il est prêt.")
    preview_page.render(settings, engine)
    rebuild_button(settings, key="rebuild-editor")
    if not show_last_report() and engine is not None:
        # No rebuild in this session: the warnings of the index in service, as its build recorded them.
        warnings_table(manifest_warnings(engine.index.manifest), "l'index en service")

    try:
        store = resources.store(settings)
        top, unanswered, disliked, totals = store.top_questions(LIMIT), store.unanswered(LIMIT), store.disliked(LIMIT), store.totals()
    except (FeedbackError, OSError) as exc:
        log.exception("feedback database unavailable")
        st.error(f"Les statistiques sont indisponibles : la base de retours ne peut pas être lue "
                 f"({pres.escape_markdown(exc)}).", icon="⚠️")
        return
    st.subheader("Ce que demandent les visiteurs")
    cols = st.columns(3)
    cols[0].metric("Questions posées", totals["questions"])
    cols[1].metric("Sans réponse sûre", totals["unanswered"])
    cols[2].metric("Avis 👍 / 👎", f"{totals['up']} / {totals['down']}")

    if engine is not None:
        _learning(settings, engine)

    st.markdown("##### Questions les plus posées")
    st.caption("« Fois » compte les visiteurs : un même visiteur (une session de cette page, ou une adresse "
               "pour le service HTTP, jamais enregistrée) compte une fois par jour et par question.")
    _table(pd.DataFrame(
        [{"Question": q.question, "Fois": q.count, "Réponse sûre": f"{round(100 * q.confident / q.count)} %",
          "Dernière fois": pres.built_at_label(q.last_asked)} for q in top]),
        "Aucune question posée pour l'instant.")

    st.markdown("##### Questions sans réponse sûre")
    st.caption("Le guide ne les couvre pas (ou pas avec ces mots) : rattachez-les à un passage ci-dessus, "
               "ajoutez un passage, ou une ligne « Variante : … » à un élément existant.")
    _table(pd.DataFrame(
        [{"Question": q.question, "Fois": q.count, "Dernière fois": pres.built_at_label(q.last_asked)} for q in unanswered]),
        "Toutes les questions posées ont reçu une réponse sûre.")

    st.markdown("##### Réponses jugées 👎")
    titles = {p.id: p.question for p in engine.current().passages} if engine is not None else {}
    _table(pd.DataFrame(
        [{"Question": d.question, "Passage": titles.get(d.passage_id, d.passage_id), "👎": d.down, "👍": d.up,
          "Dernier avis": pres.built_at_label(d.last_rated)} for d in disliked]),
        "Aucune réponse n'a été jugée inutile.")
    dashboard_page.render(settings, engine)


def _learning(settings: Settings, engine: Engine) -> None:
    """What the engine should learn: the questions it failed on, then the phrasings visitors' clicks taught."""
    try:
        learning_page.render(settings, engine)
    except (FeedbackError, OSError) as exc:
        log.exception("questions to learn unavailable")
        st.error(f"Les questions à apprendre sont indisponibles ({pres.escape_markdown(exc)}).", icon="⚠️")
    proposals_page.render(settings, engine)


def _table(frame: pd.DataFrame, empty: str) -> None:
    """A read-only table (cells are drawn as text: nothing in them is interpreted)."""
    if frame.empty:
        st.caption(empty)
    else:
        st.dataframe(frame, hide_index=True, width="stretch")
