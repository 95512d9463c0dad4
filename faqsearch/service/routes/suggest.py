"""``GET /v1/suggest``: questions of the guides that complete what the visitor is typing."""

from __future__ import annotations

import time

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ...search.engine import Engine
from ...search.suggest import MAX_LIMIT
from ...text.controls import clean_visitor_text
from ..apikeys import scope_of
from ..limits import MAX_QUERY_CHARS
from ..plans import checked_plan, plan_doc
from ..schemas import Plan


def router(engine: Engine, api_keys: tuple[str, ...] = ()) -> APIRouter:
    routes = APIRouter()

    @routes.get("/v1/suggest", summary="Suggérer des questions pendant la frappe",
                description="Les questions et variantes des guides qui complètent ce qui est tapé (fautes de "
                            "frappe et accents tolérés), une par entrée, parmi les entrées que le client peut "
                            "voir (les internes seulement avec une clé d'API).")
    def suggest(request: Request,
                q: str = Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Le début de la question."),
                limit: int = Query(5, ge=1, le=MAX_LIMIT, description="Nombre de suggestions."),
                plan: Plan | None = Query(None, **plan_doc(engine)),
                section: str | None = Query(None, min_length=1, max_length=200,
                                            description="Suggérer dans cette section seulement.")) -> JSONResponse:
        started = time.perf_counter()
        scope = scope_of(request, api_keys).within(section or "")
        found = engine.suggest(clean_visitor_text(q), limit, scope, checked_plan(engine, plan))
        spent = (time.perf_counter() - started) * 1000
        return JSONResponse({"query": q, "suggestions": [s.to_dict() for s in found]},
                            headers={"Server-Timing": f"suggest;dur={spent:.2f}"})

    return routes
