"""``GET /v1/stats``: the editors' dashboard figures for a period, as JSON, for a team's own reporting.

Closed unless ``$FAQSEARCH_API_TOKEN`` is set, and then only to ``Authorization: Bearer <token>``:
the figures include what visitors asked. The figures are those of the editors' space
(:func:`faqsearch.analytics.figures.dashboard`), over the index in service.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Query, Request

from ...analytics.figures import dashboard
from ...analytics.period import Period
from ...feedback.store import FeedbackError, FeedbackStore
from ...search.engine import Engine
from .. import errors

CLOSED = ("Les chiffres ne sont pas ouverts sur ce service : définissez la variable FAQSEARCH_API_TOKEN "
          "(un secret long et aléatoire) puis redémarrez le service.")
UNAUTHORIZED = ("Jeton manquant ou invalide : envoyez l'en-tête « Authorization: Bearer <jeton> » avec la valeur "
                "de FAQSEARCH_API_TOKEN.")
UNAVAILABLE = "Les chiffres ne peuvent pas être calculés : la base de retours est indisponible. Réessayez dans un instant."


def authorized(request: Request, token: str) -> None:
    """Raise 403 when no token is configured, 401 when the request does not carry it."""
    if not token:
        raise HTTPException(403, CLOSED)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


def router(engine: Engine, store: FeedbackStore, token: str) -> APIRouter:
    routes = APIRouter()

    @routes.get("/v1/stats", summary="Les chiffres de l'espace éditeurs pour une période",
                description="Questions par jour, part répondue avec confiance, 👍/👎, part des questions dont une "
                            "réponse a été ouverte, taux de libre-service, contacts par canal, questions fréquentes "
                            "et sans réponse, entrées jamais montrées, chiffres par section. Jeton obligatoire : "
                            "`Authorization: Bearer <FAQSEARCH_API_TOKEN>`.")
    def stats(request: Request,
              since: str | None = Query(None, max_length=10, description="Premier jour (AAAA-MM-JJ), inclus ; "
                                                                          "par défaut 30 jours avant la fin."),
              until: str | None = Query(None, max_length=10, description="Dernier jour (AAAA-MM-JJ), inclus ; "
                                                                          "par défaut aujourd'hui (UTC).")) -> dict:
        authorized(request, token)
        try:
            period = Period.parse(since, until)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        try:
            return dashboard(store, engine.current().passages, period).to_dict()
        except FeedbackError as exc:
            errors.log.error("stats: %s", exc)
            raise HTTPException(503, UNAVAILABLE) from exc

    return routes
