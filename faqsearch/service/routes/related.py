"""``GET /v1/related``: the entries nearest to an opened one (« Questions liées »)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from ...search.engine import Engine
from ...search.related import MAX_RELATED, RelatedIndex
from ..limits import MAX_PASSAGE_ID_CHARS


def router(engine: Engine) -> APIRouter:
    routes = APIRouter()
    related = RelatedIndex()

    @routes.get("/v1/related", summary="Questions liées à une réponse",
                description="Les entrées les plus proches de celle du passage donné (par leurs vecteurs), "
                            "avec leur section.")
    def near(passage_id: str = Query(min_length=1, max_length=MAX_PASSAGE_ID_CHARS,
                                     description="`passage_id` d'un résultat de /v1/search."),
             count: int = Query(3, ge=1, le=MAX_RELATED, description="Nombre d'entrées.")) -> dict:
        found = related.of(engine.current()).near(passage_id, count)
        if found is None:
            raise HTTPException(404, f"Aucun passage « {passage_id[:80]} » dans l'index en service. "
                                     "Prenez un `passage_id` d'une réponse récente de /v1/search.")
        return {"passage_id": passage_id, "related": [r.to_dict() for r in found]}

    return routes
