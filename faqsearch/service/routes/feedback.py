"""``POST /v1/feedback`` and ``POST /v1/questions``: what visitors rate and ask, for the editors.

Both go to the store the page writes to, so the editors' space sees them together. What is stored
is cleaned of invisible controls and checked (a rating names a passage of the index in service):
it reaches the editors' lists, and from there the variants file that every build reads. Each
client counts by a keyed hash of its address (:mod:`faqsearch.service.clientkey`), never the
address itself.
"""

from __future__ import annotations

import time
import uuid
from typing import Callable

from fastapi import APIRouter, HTTPException, Request

from ...feedback.store import DOWN, UP, FeedbackError, FeedbackStore
from ...search.engine import Engine
from ...text.controls import clean_visitor_text
from .. import errors
from ..apikeys import scope_of
from ..clientkey import ClientKeys
from ..plans import checked_plan
from ..schemas import FeedbackIn, QuestionIn
from .site import PassageIndex

RATING_NOT_STORED = ("Votre avis n'a pas pu être enregistré : la base de retours est indisponible. "
                     "Réessayez dans un instant.")
QUESTION_NOT_STORED = ("La question n'a pas pu être enregistrée : la base de retours est indisponible. "
                       "Réessayez dans un instant.")
UNKNOWN_PASSAGE = ("Le champ « passage_id » ne désigne aucun passage de l'index en service : envoyez le "
                   "`passage_id` d'un résultat de /v1/search (après une reconstruction de l'index, cherchez à nouveau).")
EMPTY_QUESTION = "Question vide : tapez quelques mots."


def _session(given: str | None) -> str:
    """The visitor's anonymous session, or a fresh one for a caller that sends none."""
    return given or f"api-{uuid.uuid4().hex}"


def stored(write: Callable[[], None], refusal: str) -> None:
    """Run a write of the feedback store, or answer 503 with ``refusal`` (the reason goes to the log).

    A database that does not answer fails the write within the store's limits, and a store already
    waiting on it with all its allowed threads refuses at once: searches keep their threads.
    """
    try:
        write()
    except FeedbackError as exc:
        errors.log.error("feedback store: %s", exc)
        raise HTTPException(503, refusal) from exc


def client_key(keys: ClientKeys, request: Request) -> str:
    """The key of the request's client address (see :mod:`faqsearch.service.clientkey`); never the address."""
    return keys.key(request.client.host if request.client else "")


def visitor_question(text: str) -> str:
    """The visitor's question cleaned (controls and direction marks removed); 422 when nothing is left."""
    question = clean_visitor_text(text)
    if not question:
        raise HTTPException(422, EMPTY_QUESTION)
    return question


def check_passage(engine: Engine, passages: PassageIndex, request: Request, api_keys: tuple[str, ...],
                  passage_id: str) -> None:
    """422 unless ``passage_id`` is a passage of the index in service that the client may read: an
    internal passage is unknown to a client without an API key, so a visitor learns nothing of its
    existence and nothing (rating, open) can be stored of it in a visitor's name."""
    found = passages.get(engine.current(), passage_id)
    if found is None or not scope_of(request, api_keys).sees(found):
        raise HTTPException(422, UNKNOWN_PASSAGE)


def router(engine: Engine, store: FeedbackStore, passages: PassageIndex, keys: ClientKeys,
           api_keys: tuple[str, ...] = ()) -> APIRouter:
    routes = APIRouter()

    @routes.post("/v1/feedback", status_code=201, summary="Enregistrer un 👍 ou un 👎",
                 description="Va dans la même base que les avis de la page : l'espace éditeurs les voit. Le "
                             "`passage_id` doit être celui d'un résultat de /v1/search (422 sinon ; un passage "
                             "interne demande une clé d'API, `Authorization: Bearer …`).")
    def feedback(body: FeedbackIn, request: Request) -> dict:
        question = visitor_question(body.question)
        check_passage(engine, passages, request, api_keys, body.passage_id)
        plan = checked_plan(engine, body.plan)
        stored(lambda: store.rate(question, body.passage_id, UP if body.rating == "up" else DOWN, plan,
                                  session=_session(body.session), client_key=client_key(keys, request)),
               RATING_NOT_STORED)
        return {"stored": True}

    @routes.post("/v1/questions", status_code=201, summary="Enregistrer une question posée",
                 description="À appeler une fois par question, quand le visiteur s'y arrête (pause dans la frappe, "
                             "Entrée, ouverture d'une réponse), pas à chaque frappe : /v1/search n'enregistre rien. "
                             "La question rejoint celles de la page dans l'espace éditeurs (questions fréquentes, "
                             "sans réponse), où un même client compte une fois par jour et par question. Aucune "
                             "adresse IP n'est enregistrée.")
    def question(body: QuestionIn, request: Request) -> dict:
        if store.saturated:  # the write would be refused: spare the encoding
            errors.log.error("question not logged: the feedback store is saturated")
            raise HTTPException(503, QUESTION_NOT_STORED)
        # Answered again here rather than trusting the client's account of it: the editors' lists
        # (unanswered questions) must reflect what the engine says, not what a caller claims.
        started = time.perf_counter()
        answer = engine.ask(body.question, checked_plan(engine, body.plan))
        spent = (time.perf_counter() - started) * 1000
        if not answer.hits:  # nothing searchable ("??"): the page does not count it either
            raise HTTPException(422, answer.notice or EMPTY_QUESTION)
        stored(lambda: store.log_question(answer.question, answer.plan, answer.confident, answer.hits[0].passage.id,
                                          len(answer.hits), round(spent, 1), session=_session(body.session),
                                          client_key=client_key(keys, request)), QUESTION_NOT_STORED)
        return {"logged": True, "confident": answer.confident}

    return routes
