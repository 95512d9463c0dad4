"""``GET /v1/related``: the entries nearest to an opened one (« Questions liées »)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request

from ...search.engine import Engine
from ...search.related import MAX_RELATED
from ..apikeys import scope_of
from ..limits import MAX_PASSAGE_ID_CHARS
from ..plans import checked_plan, plan_doc
from ..schemas import Plan


def router(engine: Engine, api_keys: tuple[str, ...] = ()) -> APIRouter:
    routes = APIRouter()

    @routes.get("/v1/related", summary="Questions liées à une réponse",
                description="Les entrées les plus proches de celle du passage donné (par leurs vecteurs), "
                            "avec leur section, parmi celles que le client peut voir.")
    def near(request: Request,
             passage_id: str = Query(min_length=1, max_length=MAX_PASSAGE_ID_CHARS,
                                     description="`passage_id` d'un résultat de /v1/search."),
             count: int = Query(3, ge=1, le=MAX_RELATED, description="Nombre d'entrées."),
             plan: Plan | None = Query(None, **plan_doc(engine))) -> dict:
        found = engine.related_to(passage_id, count, scope_of(request, api_keys), checked_plan(engine, plan))
        if found is None:  # an internal entry is unknown to a client without an API key
            raise HTTPException(404, f"Aucun passage « {passage_id[:80]} » dans l'index en service. "
                                     "Prenez un `passage_id` d'une réponse récente de /v1/search.")
        return {"passage_id": passage_id, "related": [r.to_dict() for r in found]}

    return routes
