"""The "Reconstruire l'index" button: the same build as ``build_index.py``, with its progress shown.

Shared by the editors' tab and by the search page's error states (no index yet, another model),
so the way out is always one click away.
"""

from __future__ import annotations

import logging
from typing import Sequence

import pandas as pd
import streamlit as st

from ..build.lock import BuildBusy
from ..build.pipeline import EMBED, STAGES, build
from ..build.progress import Progress
from ..build.report import BuildReport
from ..content.lookalikes import BuildWarning
from ..settings import Settings
from . import resources
from .presentation import escape_markdown, message_markdown

log = logging.getLogger(__name__)

REPORT_KEY = "rebuild_report"
BUSY = ("Une autre reconstruction de l'index est en cours (lancée par un autre éditeur, ou en ligne de commande). "
        "Réessayez dans un instant, une fois qu'elle sera terminée ; la recherche continue de répondre en attendant.")


def rebuild_button(settings: Settings, key: str, primary: bool = True) -> None:
    """Show the button; when clicked, rebuild and rerun the page so everything uses the new index."""
    if st.button("Reconstruire l'index", key=key, type="primary" if primary else "secondary", icon="🔄",
                 help=f"Relit {settings.corpus_dir} et remplace l'index sans interrompre la recherche."):
        if run_rebuild(settings) is not None:
            st.rerun()


def run_rebuild(settings: Settings) -> BuildReport | None:
    """Rebuild the index of ``settings`` with a progress display; the report, or None on failure.

    A failed build leaves the index in service untouched (see :mod:`faqsearch.build.pipeline`); the reason,
    which says what to fix, is shown instead of a traceback.
    """
    status = st.status("Reconstruction de l'index…", expanded=True)
    bar = status.progress(0.0)
    seen: list[str] = []

    def on_stage(name: str) -> None:
        seen.append(name)
        # A stage this list does not know still moves the bar: position by count, never backwards.
        done = max(STAGES.index(name) if name in STAGES else 0, len(seen) - 1)
        bar.progress(min(done / len(STAGES), 0.95), text=f"{name}…")
        status.update(label=f"Reconstruction de l'index : {name.lower()}…")

    def on_progress(progress: Progress) -> None:
        # The embedding is most of a long build: the bar moves through its stage with it.
        bar.progress(min((STAGES.index(EMBED) + progress.fraction) / len(STAGES), 0.95), text=progress.label())

    try:
        encoder = resources.encoder(settings)
        report = build(settings.corpus_dir, settings.index_dir, encoder, cache_dir=settings.embed_cache,
                       variants=settings.variants, on_stage=on_stage, on_progress=on_progress)
    except BuildBusy:  # its own message speaks of the command line's --wait
        _failed(status, BUSY)
        return None
    except (ValueError, RuntimeError, OSError) as exc:  # ContentError, BuildError, IndexLoadError… say what to fix
        _failed(status, message_markdown(str(exc)))
        return None
    except Exception as exc:  # never a traceback on the page; the server log keeps it
        log.exception("index rebuild failed")
        _failed(status, f"Erreur inattendue ({type(exc).__name__}). Consultez le journal du serveur, "
                "ou lancez `python build_index.py` pour voir le détail.")
        return None
    bar.progress(1.0, text="Terminé")
    status.update(label="Index reconstruit et mis en service.", state="complete", expanded=False)
    try:
        resources.engine(settings).current()  # reload now, so that this very rerun answers from the new index
    except Exception:  # e.g. the first index ever: the engine is opened on the next rerun
        pass
    st.session_state[REPORT_KEY] = report
    return report


def _failed(status, reason: str) -> None:
    """Close the progress box and show the reason below it, in the open: a status box in the
    error state folds up, and the file:line to fix would sit unseen inside it."""
    status.update(label="La reconstruction a échoué : l'index en service n'a pas changé.", state="error",
                  expanded=False)
    st.error("**La reconstruction a échoué** ; l'index en service n'a pas changé.\n\n" + reason, icon="🛑")


def show_last_report() -> bool:
    """The report of the last rebuild made in this session, if any; True when there was one."""
    report: BuildReport | None = st.session_state.get(REPORT_KEY)
    if report is None:
        return False
    st.success("Dernière reconstruction : " + escape_markdown(report.headline()), icon="✅")
    cols = st.columns(4)
    cols[0].metric("Passages", report.passages)
    cols[1].metric("Ajoutés", report.added)
    cols[2].metric("Modifiés", report.changed)
    cols[3].metric("Supprimés", report.removed)
    warnings_table(report.warnings, "la dernière reconstruction")
    return True


def warnings_table(warnings: Sequence[BuildWarning], of: str) -> None:
    """A build's warnings (look-alike entries): a count, then where and what, as plain-text cells."""
    if not warnings:
        return
    n = len(warnings)
    st.warning(f"{n} avertissement{'s' if n > 1 else ''} pour {escape_markdown(of)} : des entrées se ressemblent. "
               "L'index est en service ; rendez-les plus distinctes quand vous le pourrez.", icon="⚠️")
    st.dataframe(pd.DataFrame([{"Fichier": w.file, "Ligne": str(w.line) if w.line else "", "Avertissement": w.message} for w in warnings]),
                 hide_index=True, width="stretch")
