"""``GET /v1/passages/{id}``, ``GET /healthz`` and the search widget (``/widget``, ``/static``)."""

from __future__ import annotations

import os
import threading
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ...index.faq_index import FaqIndex
from ...records.passage import Passage
from ...search.engine import Engine
from ...search.staleness import stale_reason
from ...settings import Settings
from ..apikeys import scope_of
from ..limits import MAX_PASSAGE_ID_CHARS

STATIC = files("faqsearch.service") / "static"


class PassageIndex:
    """Passages by id for the index in service, rebuilt when a new index is published."""

    def __init__(self):
        self._lock = threading.Lock()
        self._index: FaqIndex | None = None
        self._by_id: dict[str, Passage] = {}

    def get(self, index: FaqIndex, passage_id: str) -> Passage | None:
        with self._lock:
            if index is not self._index:
                self._index, self._by_id = index, {p.id: p for p in index.passages}
            return self._by_id.get(passage_id)


def router(engine: Engine, settings: Settings, passages: PassageIndex) -> APIRouter:
    routes = APIRouter()

    @routes.get("/v1/passages/{passage_id:path}", summary="Un passage du guide",
                description="Un passage interne n'est rendu qu'avec une clé d'API (`Authorization: Bearer …`).")
    def passage(passage_id: str, request: Request) -> dict:
        if len(passage_id) > MAX_PASSAGE_ID_CHARS:
            raise HTTPException(422, f"Identifiant de passage trop long ({MAX_PASSAGE_ID_CHARS} caractères au plus).")
        found = passages.get(engine.current(), passage_id)
        # An internal passage is "not found" for a visitor: its existence is not told either.
        if found is None or not scope_of(request, settings.api_keys).sees(found):
            raise HTTPException(404, f"Aucun passage « {passage_id[:80]} » dans l'index en service. "
                                     "Les identifiants sont les `passage_id` des résultats de /v1/search.")
        return found.to_dict()

    @routes.get("/healthz", summary="État du service")
    def healthz() -> dict:
        index = engine.current()
        manifest = index.manifest
        corpus = Path(settings.corpus_dir)
        return {
            "status": "ok", "build": engine.build_id, "built_at": manifest.get("built_at", ""),
            "passages": len(index.passages), "model": manifest.get("model", ""),
            # None when the corpus folder is not on this machine (a replica serving a copied index).
            "stale": bool(stale_reason(corpus, manifest)) if corpus.is_dir() else None,
            "process": os.getpid(),
        }

    # HEAD too, the check of many load balancers and monitors: the same answer, whose body uvicorn
    # leaves out. A route of its own, out of the schema, so that the GET keeps its operation id.
    @routes.head("/healthz", include_in_schema=False)
    def healthz_head() -> dict:
        return healthz()

    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
           f"base-uri 'none'; form-action 'none'; frame-ancestors {' '.join(settings.widget_ancestors)}")

    @routes.get("/widget", include_in_schema=False)
    def widget() -> Response:
        return Response((STATIC / "widget.html").read_bytes(), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                                 "Referrer-Policy": "no-referrer"})

    return routes
