"""The HTTP service: search, questions and feedback for the editors, passages, health, and the search widget.

``create_app(settings)`` builds one app per process: the model and the index are loaded once, and
the engine follows the index folder, so a newly published build answers the next request without a
restart. Endpoints are plain ``def``: FastAPI runs them in its thread pool, so encoding a question
(CPU bound) never blocks the event loop that accepts the other requests.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from importlib.resources import files
from pathlib import Path

from typing import Callable

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from .. import __version__
from ..controls import clean_visitor_text
from ..documents import Passage
from ..encoder import Encoder, make_encoder
from ..engine import Engine
from ..feedback import DOWN, UP, FeedbackError, FeedbackStore
from ..index import FaqIndex
from . import errors
from ..ratelimit import RateLimiter
from .clientkey import ClientKeys
from .middleware import BodyLimit, ClientRateLimit, WorkerHeader
from .config import MAX_PASSAGE_ID_CHARS, MAX_QUERY_CHARS, ServiceSettings
from .schemas import FeedbackIn, Plan, QuestionIn

STATIC = files("faqsearch.service") / "static"
RATING_NOT_STORED = ("Votre avis n'a pas pu être enregistré : la base de retours est indisponible. "
                     "Réessayez dans un instant.")
QUESTION_NOT_STORED = ("La question n'a pas pu être enregistrée : la base de retours est indisponible. "
                       "Réessayez dans un instant.")
UNKNOWN_PASSAGE = ("Le champ « passage_id » ne désigne aucun passage de l'index en service : envoyez le "
                   "`passage_id` d'un résultat de /v1/search (après une reconstruction de l'index, cherchez à nouveau).")
EMPTY_QUESTION = "Question vide : tapez quelques mots."


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


def load_encoder(model: str) -> Encoder:
    """The model on the command line's backend, warmed up so the first request is not the slow one."""
    encoder = make_encoder(model or None)
    encoder.encode_queries(["préchauffage"])
    return encoder


def client_limits(settings: ServiceSettings) -> list[tuple[str, RateLimiter]]:
    """Path prefixes and their limiters: searching and reading passages share one bucket per
    client, the endpoints that write another."""
    groups = ((("/v1/search", "/v1/passages"), settings.search_rate),
              (("/v1/questions", "/v1/feedback"), settings.write_rate))
    out = []
    for prefixes, rate in groups:
        if rate is not None:
            limiter = RateLimiter(rate)
            out += [(prefix, limiter) for prefix in prefixes]
    return out


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


def add_write_routes(app: FastAPI, engine: Engine, current: Callable[[], Engine], store: FeedbackStore,
                     passages: PassageIndex, keys: ClientKeys) -> None:
    """The endpoints that write to the feedback store: a rating, a question asked."""

    @app.post("/v1/feedback", status_code=201, summary="Enregistrer un 👍 ou un 👎",
              description="Va dans la même base que les avis de la page : l'espace éditeurs les voit. Le "
                          "`passage_id` doit être celui d'un résultat de /v1/search (422 sinon).")
    def feedback(body: FeedbackIn, request: Request) -> dict:
        # Cleaned and checked here as /v1/questions is: what is stored reaches the editors' lists,
        # and from there the variants file that every build reads.
        question = clean_visitor_text(body.question)
        if not question:
            raise HTTPException(422, EMPTY_QUESTION)
        if passages.get(current().index, body.passage_id) is None:
            raise HTTPException(422, UNKNOWN_PASSAGE)
        stored(lambda: store.rate(question, body.passage_id, UP if body.rating == "up" else DOWN, body.plan,
                                  session=body.session or f"api-{uuid.uuid4().hex}",
                                  client_key=client_key(keys, request)), RATING_NOT_STORED)
        return {"stored": True}

    @app.post("/v1/questions", status_code=201, summary="Enregistrer une question posée",
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
        answer = engine.ask(body.question, body.plan)
        spent = (time.perf_counter() - started) * 1000
        if not answer.hits:  # nothing searchable ("??"): the page does not count it either
            raise HTTPException(422, answer.notice or EMPTY_QUESTION)
        stored(lambda: store.log_question(answer.question, answer.plan, answer.confident, answer.hits[0].passage.id,
                                          len(answer.hits), round(spent, 1),
                                          session=body.session or f"api-{uuid.uuid4().hex}",
                                          client_key=client_key(keys, request)), QUESTION_NOT_STORED)
        return {"logged": True, "confident": answer.confident}


def create_app(settings: ServiceSettings, encoder: Encoder | None = None,
               store: FeedbackStore | None = None) -> FastAPI:
    """The app over the index in service under ``settings.index_root``; raises ``IndexLoadError``."""
    engine = Engine.open(settings.index_root, encoder or load_encoder(settings.model))
    if store is None:
        store = FeedbackStore.configured(settings.data_dir, settings.database_url)
    passages = PassageIndex()
    # FastAPIOffline: the /docs page served with its own copy of Swagger UI, not from a CDN (no network).
    # FastAPI's OpenTelemetry hooks off: a provider configured in the environment would otherwise
    # export every request URL, question included, and the check costs each request a few µs.
    app = FastAPIOffline(title="faqsearch", version=__version__,
                         description="Recherche sémantique dans les guides d'aide : réponses, canal de support recommandé, avis.",
                         telemetry={"tracing": False, "metrics": False, "logs": False})
    errors.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    limits = client_limits(settings)
    if limits:
        # Added before CORS, hence inside it: a refusal still carries the headers a browser needs to read it.
        app.add_middleware(ClientRateLimit, limits=limits)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.state.engine, app.state.store = engine, store
    app.add_middleware(WorkerHeader)
    keys = ClientKeys.in_folder(settings.data_dir)

    def current() -> Engine:
        try:
            engine.refresh()
        except Exception:  # a damaged new build leaves the one in service answering
            pass
        return engine

    @app.get("/v1/search", summary="Chercher une question",
             description="La réponse est l'objet JSON de `python -m faqsearch search --json`.")
    def search(q: str = Query(min_length=1, max_length=MAX_QUERY_CHARS, description="La question."),
               plan: Plan | None = Query(None, description="Forfait : gratuit, lite ou premium."),
               top_k: int = Query(5, ge=1, le=settings.max_top_k, description="Nombre de passages.")) -> JSONResponse:
        started = time.perf_counter()
        answer = engine.ask(q, plan, top_k)
        spent = (time.perf_counter() - started) * 1000
        # Server-Timing: the engine's share of the response time, so the HTTP layer's can be measured.
        return JSONResponse(answer.to_dict(), headers={"Server-Timing": f"engine;dur={spent:.2f}"})

    add_write_routes(app, engine, current, store, passages, keys)

    @app.get("/v1/passages/{passage_id:path}", summary="Un passage du guide")
    def passage(passage_id: str) -> dict:
        if len(passage_id) > MAX_PASSAGE_ID_CHARS:
            raise HTTPException(422, f"Identifiant de passage trop long ({MAX_PASSAGE_ID_CHARS} caractères au plus).")
        found = passages.get(current().index, passage_id)
        if found is None:
            raise HTTPException(404, f"Aucun passage « {passage_id[:80]} » dans l'index en service. "
                                     "Les identifiants sont les `passage_id` des résultats de /v1/search.")
        return found.to_dict()

    @app.get("/healthz", summary="État du service")
    def healthz() -> dict:
        engine = current()
        manifest = engine.index.manifest
        corpus = Path(settings.corpus_dir)
        return {
            "status": "ok", "build": engine.build_id, "built_at": manifest.get("built_at", ""),
            "passages": len(engine.index.passages), "model": manifest.get("model", ""),
            # None when the corpus folder is not on this machine (a replica serving a copied index).
            "stale": engine.is_stale(corpus) if corpus.is_dir() else None,
            "process": os.getpid(),
        }

    # HEAD too, the check of many load balancers and monitors: the same answer, whose body uvicorn
    # leaves out. A route of its own, out of the schema, so that the GET keeps its operation id.
    @app.head("/healthz", include_in_schema=False)
    def healthz_head() -> dict:
        return healthz()

    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
           f"base-uri 'none'; form-action 'none'; frame-ancestors {' '.join(settings.frame_ancestors)}")

    @app.get("/widget", include_in_schema=False)
    def widget() -> Response:
        return Response((STATIC / "widget.html").read_bytes(), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                                 "Referrer-Policy": "no-referrer"})

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker process (settings from the environment)."""
    return create_app(ServiceSettings.from_env())
