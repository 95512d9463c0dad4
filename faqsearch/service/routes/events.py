"""``POST /v1/events``: an answer opened or a link of a card used, for the editors' figures.

Stored with the questions and ratings (:mod:`faqsearch.feedback.events`): the passage must be one
of the index in service, the visitor's text is cleaned, and the client counts by the day's keyed
hash of its address (:mod:`faqsearch.service.clientkey`), never the address or its user agent.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from ...feedback.events import CONTACT, OPEN
from ...feedback.store import FeedbackStore
from ...search.engine import Engine
from ..clientkey import ClientKeys
from ..schemas import EventIn
from .feedback import _session, check_passage, client_key, stored, visitor_question
from .site import PassageIndex

EVENT_NOT_STORED = ("L'événement n'a pas pu être enregistré : la base de retours est indisponible. "
                    "Réessayez dans un instant.")
OPEN_NEEDS = ("Un événement « open » doit donner le `passage_id` de la réponse ouverte et son rang `rank` "
              "(1 pour la première de la liste), sans `target`.")
CONTACT_NEEDS = ("Un événement « contact » doit donner sa cible `target` (par exemple `tel:telephone`, "
                 "`mailto:email` ou `url:forums`), sans `rank`.")


def _refusal(body: EventIn) -> str:
    """What the event lacks for its kind ("" when complete)."""
    if body.kind == OPEN and (body.passage_id is None or body.rank is None or body.target is not None):
        return OPEN_NEEDS
    if body.kind == CONTACT and (body.target is None or body.rank is not None):
        return CONTACT_NEEDS
    return ""


def router(engine: Engine, store: FeedbackStore, passages: PassageIndex, keys: ClientKeys,
           api_keys: tuple[str, ...] = ()) -> APIRouter:
    routes = APIRouter()

    @routes.post("/v1/events", status_code=201, summary="Enregistrer une réponse ouverte ou un contact utilisé",
                 description="`open` quand le visiteur ouvre une réponse (avec son rang), `contact` quand il utilise "
                             "un lien ou un contact de la carte. Sert aux chiffres de l'espace éditeurs ; aucune "
                             "adresse IP ni aucun user agent n'est enregistré.")
    def event(body: EventIn, request: Request) -> dict:
        question = visitor_question(body.question)
        refusal = _refusal(body)
        if refusal:
            raise HTTPException(422, refusal)
        if body.passage_id is not None:
            check_passage(engine, passages, request, api_keys, body.passage_id)
        stored(lambda: store.log_event(body.kind, _session(body.session), question, body.passage_id, body.rank,
                                       body.target, body.plan, client_key(keys, request)), EVENT_NOT_STORED)
        return {"stored": True}

    return routes
