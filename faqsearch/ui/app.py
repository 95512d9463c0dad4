"""The page: sidebar (plan, number of results, index status) and the two tabs.

``main`` is all that ``app.py`` calls. Loading errors become a French message with the way out
(rebuilding the index); they are never shown as a traceback.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import streamlit as st

from ..index.manifest import IndexLoadError
from ..index.storage import ModelMismatchError
from ..records.plans import NO_PLANS, Plans
from ..search.engine import Engine
from ..search.staleness import stale_reason
from ..settings import Settings
from . import editor_auth, editor_page, resources, search_page
from . import presentation as pres

log = logging.getLogger(__name__)

STYLE = Path(__file__).with_name("style.css")
TABS = ("🔎 Rechercher", "🛠️ Espace éditeurs")
MIN_RESULTS, MAX_RESULTS, DEFAULT_RESULTS = 3, 10, 5
UNEXPECTED = "Erreur inattendue"


def main(app_dir: Path) -> None:
    st.set_page_config(page_title="Recherche dans l'aide", page_icon="🔎", layout="centered")
    st.html(STYLE)
    try:
        settings = Settings.from_env(app_dir)
    except ValueError as exc:  # a setting that cannot be used: say which, before anything loads
        st.error("**La page ne peut pas démarrer : un réglage est invalide.**\n\n" + pres.message_markdown(exc),
                 icon="⚙️")
        return
    # Streamlit forgets the state of a widget that a run does not draw; the question field is not
    # drawn while the editors' tab is open, so keep its value explicitly to find it on return.
    if search_page.QUESTION_KEY in st.session_state:
        st.session_state[search_page.QUESTION_KEY] = st.session_state[search_page.QUESTION_KEY]
    engine, problem = load_engine(settings)
    # A corpus that declares no plans (a general FAQ) offers no plan to choose.
    plan_choice, top_k = _sidebar_controls(engine.catalogue.plans if engine else NO_PLANS,
                                           engine.sections() if engine else ())
    with st.sidebar:
        _index_status(settings, engine, problem)

    site = search_page.heading(settings, engine)
    search, editors = st.tabs(TABS, key="tab", on_change="rerun")
    if search.open:
        with search, _no_traceback():
            search_page.render(settings, engine, problem, plan_choice, top_k, site)
    if editors.open:
        with editors, _no_traceback():
            if editor_auth.gate(settings):
                editor_page.render(settings, engine)


@contextmanager
def _no_traceback() -> Iterator[None]:
    """Last safety net: an unforeseen error becomes a French message (the server log keeps the
    traceback). Streamlit's own reruns and stops are not ``Exception`` and pass through.
    """
    try:
        yield
    except Exception as exc:
        log.exception("page failed")
        st.error(f"{UNEXPECTED} ({type(exc).__name__}). Rechargez la page ; si l'erreur revient, "
                 "reconstruisez l'index depuis l'onglet « Espace éditeurs » ou consultez le journal du serveur.",
                 icon="⚠️")


def load_engine(settings: Settings) -> tuple[Engine | None, str]:
    """The engine, or None and a French explanation of what is wrong and how to fix it."""
    try:
        return resources.engine(settings), ""
    except ModelMismatchError as exc:  # its own message speaks of command-line flags
        return None, (f"L'index a été construit avec le modèle « {exc.built_with} », mais la page utilise "
                      f"« {exc.used} » : il doit être reconstruit avec le modèle de la page.")
    except IndexLoadError as exc:  # no index yet, damaged files: the message says to rebuild
        return None, str(exc)
    except Exception as exc:  # the model itself could not be loaded
        log.exception("engine could not be loaded")
        return None, (f"Le modèle de langue ou l'index n'a pas pu être chargé ({type(exc).__name__} : {exc}). "
                      "Vérifiez l'installation (`make install`), puis reconstruisez l'index.")


def _sidebar_controls(plans: Plans, sections: tuple[str, ...] = ()) -> tuple[str, int]:
    """The plan (only when the corpus declares plans: they decide which channels and answers are
    open), the section to search in (kept in the session under "section", when there are several)
    and the number of results."""
    with st.sidebar:
        plan = pres.UNKNOWN_PLAN
        if plans:
            choices = pres.plan_choices([p.label for p in plans.plans])
            plan = st.radio(f"Votre {plans.noun.singular}", choices, index=choices.index(pres.UNKNOWN_PLAN),
                            key="plan", help=f"Les canaux de support et les réponses dépendent {plans.noun.of_the}.")
        if len(sections) > 1:
            st.selectbox("Section", (pres.ALL_SECTIONS, *sections), key="section",
                         help="Chercher dans une seule section de l'aide.")
        top_k = st.slider("Nombre de résultats", MIN_RESULTS, MAX_RESULTS, DEFAULT_RESULTS, key="top_k")
    return plan, top_k


def _index_status(settings: Settings, engine: Engine | None, problem: str) -> None:
    st.divider()
    st.markdown("**Index**")
    if engine is None:
        st.error("Aucun index utilisable : voir la page principale.", icon="🛠️")
        return
    manifest = engine.current().manifest
    st.caption(f"Modèle : {pres.escape_markdown(manifest.get('model', '?'))}  \n"
               f"Passages : {manifest.get('passages', '?')}  \n"
               f"Construit le {pres.escape_markdown(pres.built_at_label(manifest.get('built_at', '')))}")
    if not settings.corpus_dir.is_dir():
        st.warning(f"Dossier du corpus introuvable : {pres.escape_markdown(settings.corpus_dir)}.", icon="📁")
    elif stale_reason(settings.corpus_dir, manifest):
        st.warning("Le corpus a changé depuis la construction de l'index : les réponses ne reflètent pas "
                   "encore ces modifications. Reconstruisez l'index (onglet « Espace éditeurs »).", icon="⚠️")
