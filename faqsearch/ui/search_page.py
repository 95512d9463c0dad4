"""The search tab: one question field, the recommended channel, then the passages that answer.

Every string from the user or the corpus reaches the page through :mod:`faqsearch.ui.presentation`
and :mod:`faqsearch.ui.cards` (escaped HTML) or through widgets that show plain text; none is
passed to Markdown unescaped.
"""

from __future__ import annotations

import hashlib
import logging
import time

import streamlit as st

from ..content.site import Site, SiteConfig, read_site, resolve
from ..errors import ContentError
from ..feedback.store import FeedbackError, normalize_question
from ..records.answer import Answer, Hit
from ..records.scope import STAFF, VISITOR, Scope
from ..search.engine import Engine
from ..settings import Settings
from . import cards
from . import editor_auth, resources
from . import presentation as pres
from .excerpt import entry_answer
from .rebuild import rebuild_button
from .related import related_questions
from .session import session_id
from .suggestions import suggestions
from .short_answer import short_answer_html, short_answer_passage

log = logging.getLogger(__name__)

QUESTION_KEY = "question"


def _use_example(text: str) -> None:
    st.session_state[QUESTION_KEY] = text


def site_for(settings: Settings, engine: Engine | None) -> tuple[Site, str]:
    """The help center as the page names it: ``site.toml`` of the corpus, completed from the
    index; and the problem of a broken ``site.toml`` ("" when none), whose defaults are used
    meanwhile: a typo in a setting must not take the search down."""
    problem = ""
    try:
        config = read_site(settings.corpus_dir)
    except ContentError as exc:
        config, problem = SiteConfig(), str(exc)
    public = [p for p in engine.index.passages if VISITOR.sees(p)] if engine is not None else []
    return resolve(config, public), problem


def heading(settings: Settings, engine: Engine | None) -> Site:
    """Browser tab, title and caption of the page, in the words of the help center in service."""
    site, problem = site_for(settings, engine)
    st.set_page_config(page_title=site.page_title)
    st.title("Trouver de l'aide")
    # A corpus without a channel catalogue (a general FAQ) has no support channel to recommend.
    channels = engine is None or bool(engine.catalogue.channels)
    offer = ("le canal de support qui vous convient et les réponses qui y correspondent" if channels
             else "les réponses qui y correspondent")
    lead = f"**{pres.isolate_text(pres.escape_markdown(site.name))}** · " if site.name else ""
    st.caption(f"{lead}Posez votre question en français : vous obtenez {offer}.")
    if problem:
        st.warning(pres.message_markdown(problem), icon="📝")
    return site


def examples(site: Site, key: str, title: str = "Exemples de questions") -> None:
    """Clickable example questions; a click fills the field and answers at once."""
    if not site.examples:
        return
    st.caption(title)
    with st.container(horizontal=True, gap="small"):
        for i, text in enumerate(site.examples):
            st.button(text, key=f"{key}-{i}", on_click=_use_example, args=(text,), type="secondary")


def render(settings: Settings, engine: Engine | None, problem: str, plan_choice: str, top_k: int,
           site: Site | None = None) -> None:
    """The whole search tab. ``engine`` is None when no index can be used; ``problem`` says why.
    ``site`` is the one :func:`heading` returned (read again when not given)."""
    site = site or site_for(settings, engine)[0]
    st.text_input("Votre question", key=QUESTION_KEY, placeholder=site.placeholder, label_visibility="collapsed",
                  help="Appuyez sur Entrée pour chercher. Le français, l'anglais et les fautes de frappe sont acceptés.")
    question: str = st.session_state.get(QUESTION_KEY) or ""
    if engine is None:
        unavailable(settings, problem)
        return
    if not question.strip():
        examples(site, "examples-start")
        return
    started = time.perf_counter()
    try:
        # Signed-in editors also get the internal entries; visitors never do.
        scope = STAFF if editor_auth.is_editor(editor_auth.access(settings)) else VISITOR
        section = pres.section_filter(st.session_state.get("section"))
        if section not in engine.sections(scope):  # a section gone with a rebuild: search everywhere
            section = ""
        scope = scope.within(section)
        answer = engine.ask(question, plan_choice, top_k, scope)
    except Exception:  # the engine's own messages cover the expected cases (empty, too long)
        log.exception("search failed")
        st.error("La recherche a échoué de façon inattendue. Réessayez ; si le problème persiste, "
                 "reconstruisez l'index dans l'onglet « Espace éditeurs ».", icon="⚠️")
        return
    elapsed = time.perf_counter() - started
    if not answer.hits:  # nothing searchable: the notice explains what to type
        st.warning(pres.escape_markdown(answer.notice or "Tapez quelques mots pour chercher."), icon="✍️")
        examples(site, "examples-empty")
        return
    plan = answer.plan
    _log_question(settings, answer, plan, elapsed)
    found = f"{len(answer.hits)} réponses pour" if answer.confident else "Aucune réponse sûre pour"
    plans = engine.catalogue.plans
    plan_note = f" · {plans.noun.singular} : {pres.escape(plan_choice)}" if plans else ""
    st.html(f'<div class="fs-query">{found} « {pres.isolate(pres.shorten(answer.question, 160))} »'
            f" · {pres.seconds_label(elapsed)}{plan_note}</div>")
    if answer.did_you_mean:  # offered, never put in place of the question by itself
        st.button(f"Vouliez-vous dire : « {pres.escape_markdown(answer.did_you_mean)} » ?", key="did-you-mean",
                  on_click=_use_example, args=(answer.did_you_mean,), type="tertiary", icon="✏️")
    suggestions(engine, answer, _use_example, scope)
    if answer.notice:
        st.info(pres.escape_markdown(answer.notice), icon="✂️")
    if answer.confident:
        _confident(settings, engine, answer, plan, scope)
    else:
        _not_confident(settings, engine, site, answer, plan)


def _confident(settings: Settings, engine: Engine, answer: Answer, plan: str | None, scope: Scope) -> None:
    source = short_answer_passage(answer.short, answer.hits)
    if source is not None:  # the guide's words that answer come first
        st.html(short_answer_html(answer.short, source))
    if answer.advice is not None:
        st.html(cards.channel_card_html(answer.advice, plan, plans=engine.catalogue.plans))
    st.subheader("Les réponses trouvées", divider="gray")
    top = answer.hits[0].score
    for hit in answer.hits:
        with st.container(border=True):
            st.html(cards.result_card_html(hit, answer.question, top, True, engine.catalogue.get(hit.passage.channel),
                                          entry_answer(engine.index.passages, hit.passage), engine.catalogue.plans))
            _feedback(settings, answer, hit, plan)
            if hit.rank == 1:
                related_questions(engine, hit.passage, _use_example, scope, plan)


def _not_confident(settings: Settings, engine: Engine, site: Site, answer: Answer, plan: str | None) -> None:
    """No passage is presented as the answer: say so, help rephrase, offer the general channels."""
    st.warning("**L'aide ne semble pas couvrir cette question.** Aucune de ses réponses n'y correspond "
               "avec assez de certitude : plutôt que de vous montrer une réponse hors sujet, voici comment avancer.",
               icon="🤔")
    tips = pres.rephrasing_tips(channels=bool(engine.catalogue.channels))
    st.markdown("**Pour reformuler :**\n" + "\n".join(f"- {pres.escape_markdown(tip)}" for tip in tips))
    if answer.advice is not None:
        st.html(cards.channel_card_html(answer.advice, plan, general=True, plans=engine.catalogue.plans))
    examples(site, "examples-retry", "Ou essayez une de ces questions")
    key = "close-" + feedback_key(answer.question, "")
    with st.expander("Passages les plus proches (peu fiables)", expanded=False, key=key, on_change=record_open,
                     args=(settings, key, answer.question, answer.hits[0].passage.id, plan)):
        st.caption("Ces passages sont les plus proches de votre question, mais ils n'y répondent probablement pas.")
        top = answer.hits[0].score
        for hit in answer.hits:
            st.html(cards.result_card_html(hit, answer.question, top, False, engine.catalogue.get(hit.passage.channel),
                                          entry_answer(engine.index.passages, hit.passage), engine.catalogue.plans))


def unavailable(settings: Settings, problem: str) -> None:
    """No usable index (none yet, another model, damaged): the reason and the way out."""
    st.error("**La recherche n'est pas disponible pour le moment.**\n\n" + pres.message_markdown(problem), icon="🛠️")
    if not editor_auth.is_editor(editor_auth.access(settings)):  # a visitor may not rebuild: say who can
        st.markdown("Un éditeur doit reconstruire l'index : connectez-vous dans l'onglet « Espace éditeurs », "
                    "ou lancez `python build_index.py` sur le serveur.")
        return
    st.markdown("Reconstruisez l'index à partir du dossier du corpus "
                f"({pres.escape_markdown(settings.corpus_dir)}) : cela prend une minute environ.")
    rebuild_button(settings, key="rebuild-search")


def feedback_key(question: str, passage_id: str) -> str:
    """The widget key of the 👍/👎 of one passage for one question."""
    digest = hashlib.sha1(normalize_question(question).encode("utf-8")).hexdigest()[:12]
    return f"fb-{digest}-{passage_id}"


def _feedback(settings: Settings, answer: Answer, hit: Hit, plan: str | None) -> None:
    key = feedback_key(answer.question, hit.passage.id)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption("Cette réponse vous aide-t-elle ?")
        st.feedback("thumbs", key=key, on_change=_store_rating,
                    args=(settings, key, answer.question, hit.passage.id, plan))


def _store_rating(settings: Settings, key: str, question: str, passage_id: str, plan: str | None) -> None:
    """Callback of ``st.feedback``: runs before the rerun, so the vote is saved even if the page changes."""
    rating = st.session_state.get(key)
    try:
        resources.store(settings).rate(question, passage_id, rating, plan, session_id())
    except (FeedbackError, OSError):
        log.exception("rating not stored")
        st.toast("Votre avis n'a pas pu être enregistré (base de retours indisponible).", icon="⚠️")
        return
    if rating is not None:
        st.toast("Merci pour votre avis !", icon="🙏")


def record_open(settings: Settings, key: str, question: str, passage_id: str, plan: str | None) -> None:
    """Callback of the expander of the closest passages: opening it is the page's "open" of the
    first of them (the page shows the answers it is sure of already open)."""
    if not st.session_state.get(key):
        return
    try:
        resources.store(settings).log_event("open", session_id(), question, passage_id, rank=1, plan=plan)
    except (FeedbackError, OSError, ValueError):  # statistics must never stop a search
        log.exception("event not logged")


def _log_question(settings: Settings, answer: Answer, plan: str | None, elapsed: float) -> None:
    """Log a question once per submission: reruns (a vote, a plan change) do not count it again."""
    key = normalize_question(answer.question)
    if st.session_state.get("last_logged") == key:
        return
    st.session_state["last_logged"] = key
    try:
        resources.store(settings).log_question(
            answer.question, plan, answer.confident, answer.hits[0].passage.id,
            len(answer.hits), round(elapsed * 1000, 1), session_id())
    except (FeedbackError, OSError):  # statistics must never stop a search
        log.exception("question not logged")
