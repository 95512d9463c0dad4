"""``POST /v1/feedback`` and ``POST /v1/questions``: what visitors rate and ask, for the editors.

Both go to the store the page writes to, so the editors' space sees them together.
"""

from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, HTTPException

from ...feedback.store import DOWN, UP, FeedbackError, FeedbackStore
from ...search.engine import Engine
from .. import errors
from ..schemas import FeedbackIn, QuestionIn


def _session(given: str | None) -> str:
    """The visitor's anonymous session, or a fresh one for a caller that sends none."""
    return given or f"api-{uuid.uuid4().hex}"


def router(engine: Engine, store: FeedbackStore) -> APIRouter:
    routes = APIRouter()

    @routes.post("/v1/feedback", status_code=201, summary="Enregistrer un 👍 ou un 👎",
                 description="Va dans la même base que les avis de la page : l'espace éditeurs les voit.")
    def feedback(body: FeedbackIn) -> dict:
        try:
            store.rate(body.question, body.passage_id, UP if body.rating == "up" else DOWN, body.plan,
                       session=_session(body.session))
        except FeedbackError as exc:
            errors.log.error("rating not stored: %s", exc)
            raise HTTPException(503, "Votre avis n'a pas pu être enregistré : la base de retours est "
                                     "indisponible. Réessayez dans un instant.") from exc
        return {"stored": True}

    @routes.post("/v1/questions", status_code=201, summary="Enregistrer une question posée",
                 description="À appeler une fois par question, quand le visiteur s'y arrête (pause dans la frappe, "
                             "Entrée, ouverture d'une réponse), pas à chaque frappe : /v1/search n'enregistre rien. "
                             "La question rejoint celles de la page dans l'espace éditeurs (questions fréquentes, "
                             "sans réponse). Aucune adresse IP n'est enregistrée.")
    def question(body: QuestionIn) -> dict:
        # Answered again here rather than trusting the client's account of it: the editors' lists
        # (unanswered questions) must reflect what the engine says, not what a caller claims.
        started = time.perf_counter()
        answer = engine.ask(body.question, body.plan)
        spent = (time.perf_counter() - started) * 1000
        if not answer.hits:  # nothing searchable ("??"): the page does not count it either
            raise HTTPException(422, answer.notice or "Question vide : tapez quelques mots.")
        try:
            store.log_question(answer.question, answer.plan, answer.confident, answer.hits[0].passage.id,
                               len(answer.hits), round(spent, 1), session=_session(body.session))
        except FeedbackError as exc:
            errors.log.error("question not logged: %s", exc)
            raise HTTPException(503, "La question n'a pas pu être enregistrée : la base de retours est "
                                     "indisponible. Réessayez dans un instant.") from exc
        return {"logged": True, "confident": answer.confident}

    return routes
