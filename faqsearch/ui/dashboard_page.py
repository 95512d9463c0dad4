"""The editors' dashboard: what visitors searched over a period, and whether it helped.

The figures are those of ``GET /v1/stats`` (:func:`faqsearch.analytics.figures.dashboard`): charts
where a trend matters, tables for the lists, each table downloadable as CSV. Visitors' words are
shown as plain text (dataframe cells, chart labels), never as Markdown.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from ..analytics.export import csv_bytes
from ..analytics.figures import Dashboard, columns, dashboard
from ..analytics.period import DEFAULT_DAYS, Period, today
from ..feedback.store import FeedbackError
from ..search.engine import Engine
from ..settings import Settings
from . import presentation as pres
from . import resources

log = logging.getLogger(__name__)
PERIOD_KEY = "dashboard-period"
PRESET_KEY = "dashboard-span"
CUSTOM = "Dates choisies"
PRESETS = {"7 derniers jours": 7, "30 derniers jours": DEFAULT_DAYS, "90 derniers jours": 90, CUSTOM: 0}
TITLES = {
    "questions-frequentes": "Questions les plus posées",
    "questions-sans-reponse": "Questions sans réponse sûre, regroupées",
    "contacts-par-canal": "Contacts par canal",
    "par-section": "Chiffres par section",
    "entrees-jamais-montrees": "Entrées jamais montrées",
    "questions-par-jour": "Questions par jour",
}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)} %"


def chosen_period() -> Period | None:
    """The period picked: one of the usual spans ending today, or two dates; None while only the
    first date of a range is picked."""
    choice = st.radio("Période", list(PRESETS), index=1, horizontal=True, key=PRESET_KEY)
    if PRESETS[choice]:
        return Period.last(PRESETS[choice])
    end = today()
    picked = st.date_input("Du … au …", value=(end - timedelta(days=DEFAULT_DAYS - 1), end), max_value=end,
                           key=PERIOD_KEY, format="DD/MM/YYYY",
                           help="Jours complets (heure UTC), premier et dernier inclus.")
    days = [d for d in (picked if isinstance(picked, (tuple, list)) else (picked,)) if isinstance(d, date)]
    if len(days) < 2:
        st.caption("Choisissez aussi le dernier jour de la période.")
        return None
    try:
        return Period(days[0], days[1])
    except ValueError as exc:
        st.warning(pres.escape_markdown(exc), icon="📅")
        return None


def render(settings: Settings, engine: Engine | None) -> None:
    """The whole dashboard, below the editors' other sections."""
    st.subheader("Tableau de bord de la recherche")
    period = chosen_period()
    if period is None:
        return
    passages = engine.current().passages if engine is not None else ()
    try:
        board = dashboard(resources.store(settings), passages, period)
    except (FeedbackError, OSError) as exc:
        log.exception("dashboard unavailable")
        st.error(f"Le tableau de bord est indisponible : la base de retours ne peut pas être lue "
                 f"({pres.escape_markdown(exc)}). Réessayez dans un instant.", icon="⚠️")
        return
    _metrics(board)
    _charts(board)
    for name in TITLES:
        _table(board, name)


def _metrics(board: Dashboard) -> None:
    cols = st.columns(5)
    cols[0].metric("Questions", board.questions)
    cols[1].metric("Réponse sûre", percent(board.confident_share), help="Part des questions répondues avec confiance.")
    cols[2].metric("Réponse ouverte", percent(board.opened_share),
                   help="Part des questions après lesquelles le visiteur a ouvert une réponse.")
    cols[3].metric("Libre-service", percent(board.self_service_rate),
                   help="Part des sessions qui ont ouvert une réponse sans utiliser de contact ensuite.")
    cols[4].metric("Avis 👍 / 👎", f"{board.up} / {board.down}")


def per_day_frame(board: Dashboard) -> pd.DataFrame:
    """Questions and confident answers for every day of the period, days without questions at 0."""
    counted = {d.day: d for d in board.per_day}
    rows = []
    for day in board.period.days:
        found = counted.get(day.isoformat())
        rows.append({"jour": pd.Timestamp(day), "Questions": found.questions if found else 0,
                     "Réponse sûre": found.confident if found else 0})
    return pd.DataFrame(rows).set_index("jour")


def outcome_frame(board: Dashboard) -> pd.DataFrame:
    """Sessions served by the guide alone, against the contacts of each channel."""
    rows = [{"issue": "Libre-service (sessions)", "nombre": board.self_served}]
    rows += [{"issue": f"Contact : {c.channel} ({c.link})", "nombre": c.contacts} for c in board.contacts]
    return pd.DataFrame(rows).set_index("issue")


def _charts(board: Dashboard) -> None:
    st.markdown("##### Questions par jour")
    st.line_chart(per_day_frame(board), y_label="questions", x_label="jour")
    left, right = st.columns(2)
    with left:
        st.markdown("##### Libre-service et contacts")
        st.bar_chart(outcome_frame(board), horizontal=True, x_label="nombre", y_label="")
    with right:
        st.markdown("##### Avis des visiteurs")
        st.bar_chart(pd.DataFrame({"avis": ["👍", "👎"], "nombre": [board.up, board.down]}).set_index("avis"),
                     x_label="", y_label="nombre")
    if board.sections:
        st.markdown("##### Questions par section (première réponse)")
        frame = pd.DataFrame([{"section": s.section or "(sans section)", "Première réponse": s.first,
                               "Ouvertes": s.opened} for s in board.sections]).set_index("section")
        st.bar_chart(frame, horizontal=True, stack=False, x_label="nombre", y_label="")


def _table(board: Dashboard, name: str) -> None:
    st.markdown(f"##### {TITLES[name]}")
    rows = board.tables()[name]
    if rows:
        st.dataframe(pd.DataFrame(rows, columns=columns(name)), hide_index=True, width="stretch")
    else:
        st.caption("Rien sur cette période.")
    period = board.period
    st.download_button(f"Télécharger en CSV ({TITLES[name].lower()})", csv_bytes(rows, columns(name)),
                       file_name=f"{name}-{period.since.isoformat()}-{period.until.isoformat()}.csv",
                       # The period in the key: another period is another file, never the previous one's.
                       mime="text/csv", key=f"csv-{name}-{period.since}-{period.until}", icon="⬇️")
