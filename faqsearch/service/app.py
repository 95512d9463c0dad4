"""The HTTP service: search, questions and feedback for the editors, passages, health, and the search widget.

``create_app(settings)`` builds one app per process: the model and the index are loaded once, and
the engine follows the index folder, so a newly published build answers the next request without a
restart. The endpoints are in :mod:`faqsearch.service.routes`; they are plain ``def``: FastAPI
runs them in its thread pool, so encoding a question (CPU bound) never blocks the event loop that
accepts the other requests.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from .. import __version__
from ..embedding.encoder import Encoder
from ..feedback.store import FeedbackStore
from ..ratelimit import RateLimiter
from ..search.loader import open_engine
from ..settings import Settings
from . import errors
from .clientkey import ClientKeys
from .limits import MAX_BODY_BYTES, rates, typing_rate
from .middleware import BodyLimit, ClientRateLimit, WorkerHeader
from .routes import about, events, feedback, related, search, site, stats, suggest
from .routes.site import PassageIndex


def client_limits(settings: Settings) -> list[tuple[str, RateLimiter]]:
    """Path prefixes and their limiters: searching and reading passages share one bucket per
    client, the endpoints that write another, the ones called while typing a third."""
    search_rate, write_rate = rates(settings.rate_limit)
    groups = ((("/v1/search", "/v1/passages"), search_rate),
              (("/v1/questions", "/v1/feedback", "/v1/events", "/v1/stats"), write_rate),
              (("/v1/suggest", "/v1/related"), typing_rate(settings.rate_limit)))
    out = []
    for prefixes, rate in groups:
        if rate is not None:
            limiter = RateLimiter(rate)
            out += [(prefix, limiter) for prefix in prefixes]
    return out


def create_app(settings: Settings, encoder: Encoder | None = None,
               store: FeedbackStore | None = None) -> FastAPI:
    """The app over the index in service under ``settings.index_dir``; raises ``IndexLoadError``."""
    engine = open_engine(settings, encoder)
    if store is None:
        store = FeedbackStore.configured(settings.data_dir, settings.database_url, retention_days=settings.retention_days)
    # FastAPIOffline: the /docs page served with its own copy of Swagger UI, not from a CDN (no network).
    # FastAPI's OpenTelemetry hooks off: a provider configured in the environment would otherwise
    # export every request URL, question included, and the check costs each request a few µs.
    app = FastAPIOffline(title="faqsearch", version=__version__,
                         description="Recherche sémantique dans les guides d'aide : réponses, canal de support recommandé, avis.",
                         telemetry={"tracing": False, "metrics": False, "logs": False})
    errors.install(app)
    _add_middlewares(app, settings)
    app.state.engine, app.state.store = engine, store
    passages = PassageIndex()  # one for the passages served and the ratings checked
    app.include_router(search.router(engine, settings.api_keys))
    app.include_router(suggest.router(engine, settings.api_keys))
    app.include_router(related.router(engine, settings.api_keys))
    keys = ClientKeys.from_file(settings.client_key_file)
    app.include_router(feedback.router(engine, store, passages, keys, settings.api_keys))
    app.include_router(events.router(engine, store, passages, keys, settings.api_keys))
    app.include_router(stats.router(engine, store, settings.api_token))
    app.include_router(site.router(engine, settings, passages))
    app.include_router(about.router(engine, settings))
    app.mount("/static", StaticFiles(directory=str(site.STATIC)), name="static")
    return app


def _add_middlewares(app: FastAPI, settings: Settings) -> None:
    """Size, rate and CORS checks, innermost first, then the worker's name on every response."""
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    limits = client_limits(settings)
    if limits:
        # Added before CORS, hence inside it: a refusal still carries the headers a browser needs to read it.
        app.add_middleware(ClientRateLimit, limits=limits)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.add_middleware(WorkerHeader)


def app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker process (settings from the environment)."""
    return create_app(Settings.from_env())
