"""The editors' "À apprendre" section: attach a visitor's question to the passage that answers it.

One click writes the question(s) to ``corpus/variants.csv`` (with who and when), then rebuilds the
index like the rebuild button (only the changed passage is embedded again), so the next visitor
asking the same question is answered (see the known-question rule in :mod:`faqsearch.search.hybrid`);
another click dismisses the group.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Iterable

import streamlit as st

from ..content.variants import DEFAULT_AUTHOR, VARIANTS_FILE, append_variant
from ..feedback.learning import Asked, MissGroup, collect
from ..feedback.proposals import variant_target
from ..feedback.store import FeedbackStore
from ..records.passage import Passage
from ..search.engine import Engine
from ..settings import Settings
from . import presentation as pres
from . import resources
from .rebuild import run_rebuild

log = logging.getLogger(__name__)
LIMIT = 15
HISTORY = 200  # distinct questions read from the feedback store and answered again on each visit
NOTICE_KEY = "learning_notice"
# Where a sign-in, when the page has one, leaves the editor's name.
EDITOR_NAME_KEY = "editor_name"


def editor_name() -> str:
    """The signed-in editor's name, or "éditeur"."""
    return str(st.session_state.get(EDITOR_NAME_KEY) or "").strip() or DEFAULT_AUTHOR


def render(settings: Settings, engine: Engine) -> None:
    """List the questions to learn from, each with its candidate passages and two buttons."""
    st.markdown("##### Questions à apprendre")
    st.caption("Questions refusées, répondues sans assurance ou jugées 👎, regroupées quand elles se ressemblent. "
               "« Rattacher » ajoute la question au passage choisi comme variante (dans "
               f"`{VARIANTS_FILE}`, avec votre nom et l'heure) puis reconstruit l'index : la même question "
               "(à la casse, la ponctuation ou une faute de frappe près) trouvera ensuite ce passage.")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(pres.escape_markdown(notice), icon="✅")
    store = resources.store(settings)
    asked = [Asked(q.question, q.count) for q in store.top_questions(HISTORY)]
    asked += [Asked(d.question, 0, d.down) for d in store.disliked(HISTORY)]
    groups = collect(engine, asked, store.dismissed(), LIMIT)
    if not groups:
        st.caption("Rien à apprendre pour l'instant : chaque question posée a reçu une réponse sûre.")
        return
    passages = {p.id: p for p in engine.current().passages}
    for group in groups:
        _group(settings, group, passages, store)


def widget_key(key: str) -> str:
    """The widgets' key suffix of a group (its normalised question): stable across reruns."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def _group(settings: Settings, group: MissGroup, passages: dict, store: FeedbackStore) -> None:
    key = widget_key(group.key)
    with st.container(border=True):
        # Visitors' words as plain text: Markdown would read them (a link to a phishing site
        # made clickable for the editors, a heading, an address).
        st.text(group.question)
        st.caption(f"{group.count} fois · {', '.join(group.reasons)}")
        others = group.questions[1:]
        if others:
            st.text("Aussi : " + " ; ".join(others))
        choices = attach_choices(group.candidates, passages.values())
        target = st.selectbox("Passage qui répond", list(choices), key=f"target-{key}",
                              format_func=lambda pid: _label(choices.get(pid), pid))
        attach, dismiss = st.columns(2)
        if attach.button("Rattacher à ce passage", key=f"attach-{key}", type="primary", icon="🔗"):
            _attach(settings, group, target)
        if dismiss.button("Ignorer", key=f"dismiss-{key}", icon="🙈"):
            for question in group.questions:
                store.dismiss(question, editor_name())
            st.session_state[NOTICE_KEY] = f"« {group.question} » ne sera plus proposée."
            st.rerun()


def attach_choices(candidates: Iterable[Passage], passages: Iterable[Passage]) -> dict[str, Passage]:
    """The ids a question can be attached to, each with the passage that shows it: the candidates
    first, then every other entry (the right one may not have come up at all). A long entry's parts
    are offered once, under the entry's own id, the one ``variants.csv`` knows: a part's id there
    would stop the next build."""
    choices: dict[str, Passage] = {}
    for passage in (*candidates, *passages):
        choices.setdefault(variant_target(passage), passage)
    return choices


def _label(passage, pid: str) -> str:
    """A passage as a select box option: its question and section, each isolated (plain text)."""
    if passage is None:
        return pid
    if not passage.section:
        return pres.isolate_text(pres.shorten(passage.question, 110))
    return f"{pres.isolate_text(pres.shorten(passage.question, 80))} — {pres.isolate_text(pres.shorten(passage.section, 30))}"


def _attach(settings: Settings, group: MissGroup, passage_id: str) -> None:
    path = settings.corpus_dir / VARIANTS_FILE
    try:
        added = sum(append_variant(path, passage_id, q, editor_name()) for q in group.questions)
    except (ValueError, OSError) as exc:  # a damaged variants file: say which line to fix
        st.error(pres.message_markdown(f"La variante n'a pas pu être ajoutée : {exc}"), icon="⚠️")
        return
    log.info("%d variant(s) attached to %s", added, passage_id)
    report = run_rebuild(settings)
    if report is None:  # the variant is written all the same: say so beside the reason
        st.info(pres.message_markdown(f"La question est bien rattachée (enregistrée dans `{VARIANTS_FILE}`) : elle "
                                      "sera apprise à la prochaine reconstruction de l'index."), icon="📝")
    else:
        st.session_state[NOTICE_KEY] = (f"{len(group.questions)} question(s) rattachée(s) ; index reconstruit "
                                        f"({report.changed} passage(s) modifié(s)).")
        st.rerun()
