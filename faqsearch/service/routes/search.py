"""``GET /v1/search``: a question in, the answer of ``python -m faqsearch search --json`` out."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from ...search.engine import MAX_TOP_K, Engine
from ..apikeys import scope_of
from ..limits import MAX_QUERY_CHARS
from ..plans import checked_plan, plan_doc
from ..schemas import Plan


def router(engine: Engine, api_keys: tuple[str, ...] = ()) -> APIRouter:
    routes = APIRouter()

    @routes.get("/v1/search", summary="Chercher une question",
                description="La réponse est l'objet JSON de `python -m faqsearch search --json`. Les entrées "
                            "internes ne sont rendues qu'avec une clé d'API (`Authorization: Bearer …`).")
    def search(request: Request, q: str = Query(min_length=1, max_length=MAX_QUERY_CHARS, description="La question."),
               plan: Plan | None = Query(None, **plan_doc(engine)),
               top_k: int = Query(5, ge=1, le=MAX_TOP_K, description="Nombre de passages."),
               section: str | None = Query(None, min_length=1, max_length=200,
                                           description="Chercher dans cette section seulement (une des `sections` "
                                                       "de /v1/site).")) -> JSONResponse:
        started = time.perf_counter()
        scope = scope_of(request, api_keys).within(section or "")
        try:
            answer = engine.ask(q, checked_plan(engine, plan), top_k, scope)
        except ValueError as exc:  # a section the index does not have: the message lists them
            raise HTTPException(422, str(exc)) from exc
        spent = (time.perf_counter() - started) * 1000
        # Server-Timing: the engine's share of the response time, so the HTTP layer's can be measured.
        return JSONResponse(answer.to_dict(), headers={"Server-Timing": f"engine;dur={spent:.2f}"})

    return routes
