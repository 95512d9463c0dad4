"""The editors' « Formulations apprises des visiteurs » section: phrasings learnt from what visitors open.

Visitors' events (an answer opened, a contact used) and their 👍/👎 become evidence per (phrasing,
passage) pair (:mod:`faqsearch.feedback.evidence`); the pairs with enough consistent evidence are
proposed here, grouped by entry with the counts behind each (:mod:`faqsearch.feedback.proposals`).
Accepting writes the phrasing to ``corpus/variants.csv`` with the editor's name, through the same
writer as « Rattacher », then rebuilds the index; rejecting is remembered in the feedback store.
With the automatic mode (``$FAQSEARCH_LEARN_AUTO``) the pairs above the higher thresholds are
attached as ``auto``, listed here with a button that takes each back.
"""

from __future__ import annotations

import logging
from typing import Sequence

import streamlit as st

from ..content.variants import VARIANTS_FILE, Variant, read_variants, remove_variant
from ..errors import ContentError
from ..feedback.learnt import AUTO, attach, current_proposals
from ..feedback.proposals import EntryProposals, Proposal, automatic, variant_target
from ..feedback.rejections import reject
from ..feedback.store import FeedbackError, FeedbackStore
from ..search.engine import Engine
from ..settings import Settings
from . import presentation as pres
from . import resources
from .learning_page import editor_name, widget_key
from .rebuild import run_rebuild

log = logging.getLogger(__name__)
LIMIT = 15
NOTICE_KEY = "proposals_notice"


def render(settings: Settings, engine: Engine) -> None:
    """The whole section; a database or variants file that cannot be read is said, never raised."""
    try:
        _render(settings, engine)
    except (FeedbackError, ContentError, OSError) as exc:
        log.exception("learnt phrasings unavailable")
        st.error(f"Les formulations apprises sont indisponibles ({pres.escape_markdown(exc)}).", icon="⚠️")


def _render(settings: Settings, engine: Engine) -> None:
    """The automatic attachments, then the proposals, entry by entry."""
    st.markdown("##### Formulations apprises des visiteurs")
    st.caption("Formulations dont les visiteurs ont ouvert la même réponse (sans contacter le support juste après, "
               "avec parfois un 👍), la position dans la liste prise en compte. « Accepter » les ajoute comme "
               f"variantes de l'entrée (dans `{VARIANTS_FILE}`, avec votre nom) puis reconstruit l'index ; "
               "« Refuser » ne les propose plus.")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(pres.escape_markdown(notice), icon="✅")
    store = resources.store(settings)
    groups = current_proposals(store, engine.current().passages)
    # Written already but not rebuilt yet (another build was running): nothing new, no new rebuild.
    if settings.learn_auto and automatic(groups) and _accept(settings, automatic(groups), AUTO):
        return
    _auto_list(settings, engine, store)
    if not groups:
        st.caption("Aucune proposition pour l'instant : il faut que plusieurs visiteurs ouvrent la même réponse "
                   "pour une formulation.")
        return
    for group in groups[:LIMIT]:
        _group(settings, group, store)


def _counts(p: Proposal) -> str:
    e = p.evidence
    return (f"{e.clients} visiteur(s) · {e.opens} ouverture(s) · {e.ups} 👍 · {e.downs} 👎 · "
            f"{e.contacts} contact(s) juste après · poids {e.positive:.1f}"
            + (" · au-dessus du seuil automatique" if p.auto else ""))


def _group(settings: Settings, group: EntryProposals, store: FeedbackStore) -> None:
    key = widget_key("entry:" + group.entry)
    with st.container(border=True):
        # The entry's question and the visitors' words as plain text: Markdown would read them.
        st.text(group.title)
        st.caption(f"{len(group.proposals)} formulation(s) proposée(s)")
        for p in group.proposals:
            row = widget_key(f"{p.evidence.key}\n{p.passage_id}")
            st.text(p.question)
            st.caption(_counts(p))
            accept, refuse = st.columns(2)
            if accept.button("Accepter", key=f"accept-{row}", icon="✅"):
                _accept(settings, [p], editor_name())
            if refuse.button("Refuser", key=f"refuse-{row}", icon="🚫"):
                _reject(store, [p])
        if len(group.proposals) > 1:
            accept, refuse = st.columns(2)
            if accept.button("Tout accepter", key=f"accept-all-{key}", type="primary", icon="✅"):
                _accept(settings, group.proposals, editor_name())
            if refuse.button("Tout refuser", key=f"refuse-all-{key}", icon="🚫"):
                _reject(store, group.proposals)


def _accept(settings: Settings, chosen: Sequence[Proposal], by: str) -> bool:
    """Attach ``chosen`` and rebuild; False when nothing was new (the variants file had them all)."""
    path = settings.corpus_dir / VARIANTS_FILE
    try:
        added = attach(path, chosen, by)
    except (ValueError, OSError) as exc:  # a damaged variants file: say which line to fix
        st.error(pres.message_markdown(f"La variante n'a pas pu être ajoutée : {exc}"), icon="⚠️")
        return True
    if not added and by == AUTO:
        return False
    log.info("%d learnt phrasing(s) attached by %s", added, by)
    how = "automatiquement " if by == AUTO else ""
    report = run_rebuild(settings)
    if report is None:  # written all the same: say so beside the reason
        st.info(pres.message_markdown(f"{added} formulation(s) rattachée(s) {how}(enregistrées dans "
                                      f"`{VARIANTS_FILE}`) : elles seront apprises à la prochaine reconstruction."),
                icon="📝")
        return True
    st.session_state[NOTICE_KEY] = f"{added} formulation(s) rattachée(s) {how}; index reconstruit."
    st.rerun()
    return True


def _reject(store: FeedbackStore, chosen: Sequence[Proposal]) -> None:
    for p in chosen:
        reject(store, p.question, p.passage_id, editor_name())
    st.session_state[NOTICE_KEY] = f"{len(chosen)} formulation(s) refusée(s) : elles ne seront plus proposées."
    st.rerun()


def automatic_variants(settings: Settings) -> list[Variant]:
    """The variants the automatic mode attached (``added_by = auto``), newest first."""
    path = settings.corpus_dir / VARIANTS_FILE
    rows = read_variants(path) if path.is_file() else ()
    return sorted((v for v in rows if v.added_by == AUTO), key=lambda v: v.added_at, reverse=True)


def _auto_list(settings: Settings, engine: Engine, store: FeedbackStore) -> None:
    rows = automatic_variants(settings)
    if not rows:
        return
    titles = {variant_target(p): p.question for p in engine.current().passages}
    with st.expander(f"Rattachées automatiquement ({len(rows)})"):
        for v in rows:
            st.text(f"{v.question} → {titles.get(v.passage_id, v.passage_id)}")
            if st.button("Retirer", key=f"unlearn-{widget_key(v.passage_id + chr(10) + v.question)}", icon="↩️"):
                _take_back(settings, store, v)


def _take_back(settings: Settings, store: FeedbackStore, variant: Variant) -> None:
    """Remove an automatic variant and reject its pair, so that it is not attached again."""
    remove_variant(settings.corpus_dir / VARIANTS_FILE, variant.passage_id, variant.question)
    reject(store, variant.question, variant.passage_id, editor_name())
    if run_rebuild(settings) is not None:
        st.session_state[NOTICE_KEY] = f"« {variant.question} » retirée ; index reconstruit."
        st.rerun()
