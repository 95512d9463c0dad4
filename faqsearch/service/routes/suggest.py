"""``GET /v1/suggest``: questions of the guides that complete what the visitor is typing."""

from __future__ import annotations

import time

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from ...search.engine import Engine
from ...search.suggest import MAX_LIMIT, Suggestions
from ...text.controls import clean_visitor_text
from ..limits import MAX_QUERY_CHARS


def router(engine: Engine) -> APIRouter:
    routes = APIRouter()
    suggestions = Suggestions()

    @routes.get("/v1/suggest", summary="Suggérer des questions pendant la frappe",
                description="Les questions et variantes des guides qui complètent ce qui est tapé (fautes de "
                            "frappe et accents tolérés), une par entrée.")
    def suggest(q: str = Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Le début de la question."),
                limit: int = Query(5, ge=1, le=MAX_LIMIT, description="Nombre de suggestions.")) -> JSONResponse:
        started = time.perf_counter()
        found = suggestions.of(engine.current()).suggest(clean_visitor_text(q), limit)
        spent = (time.perf_counter() - started) * 1000
        return JSONResponse({"query": q, "suggestions": [s.to_dict() for s in found]},
                            headers={"Server-Timing": f"suggest;dur={spent:.2f}"})

    return routes
