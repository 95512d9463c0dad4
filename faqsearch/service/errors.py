"""Every error the service returns is JSON with a French ``detail``, never a traceback.

FastAPI's defaults answer in English (``Field required``, ``Not Found``) and its validation
errors echo the input back; these handlers say in French what to change, field by field.
"""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

STATUS_MESSAGES = {
    404: "Adresse inconnue. Les adresses du service sont décrites sur /docs.",
    405: "Méthode non autorisée pour cette adresse. Les méthodes acceptées sont décrites sur /docs.",
    413: "Requête trop volumineuse.",
    500: "Erreur interne du service. Réessayez ; si le problème persiste, prévenez l'équipe qui l'exploite.",
}
PLACES = {"query": "paramètre", "path": "paramètre", "body": "champ", "header": "en-tête"}


def describe_error(error: dict) -> dict:
    """One pydantic validation error as ``{"field", "message"}`` in French (the input is not echoed)."""
    loc = [str(part) for part in error.get("loc", ())]
    place = PLACES.get(loc[0], "champ") if loc else "champ"
    name = ".".join(loc[1:]) if len(loc) > 1 else ""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "missing":
        message = "est obligatoire"
    elif kind == "string_too_short":
        message = "ne doit pas être vide" if ctx.get("min_length") == 1 else f"doit faire au moins {ctx.get('min_length')} caractères"
    elif kind == "string_too_long":
        message = f"doit faire au plus {ctx.get('max_length')} caractères"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = "doit être un nombre entier"
    elif kind in ("greater_than_equal", "greater_than"):
        message = f"doit être au moins {ctx.get('ge', ctx.get('gt'))}"
    elif kind in ("less_than_equal", "less_than"):
        message = f"doit être au plus {ctx.get('le', ctx.get('lt'))}"
    elif kind in ("literal_error", "enum"):
        message = "doit valoir " + str(ctx.get('expected', 'une valeur connue')).replace(" or ", " ou ")
    elif kind == "string_type":
        message = "doit être un texte"
    elif kind == "string_pattern_mismatch":
        message = "contient des caractères non autorisés"
    elif kind == "json_invalid":
        place, name, message = "corps", "", "n'est pas du JSON valide"
    elif kind in ("model_attributes_type", "dict_type"):
        place, name, message = "corps", "", "doit être un objet JSON"
    elif kind == "extra_forbidden":
        message = "n'est pas un champ connu"
    else:
        message = "a une valeur invalide"
    label = f"{place} « {name} »" if name else place
    return {"field": name, "message": f"Le {label} {message}."}


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [describe_error(e) for e in exc.errors()]
    return JSONResponse({"detail": " ".join(e["message"] for e in errors) or "Requête invalide.", "errors": errors},
                        status_code=422)


async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) and exc.__class__ is HTTPException else None
    # Starlette's own errors (404 of an unknown route, 405) carry English text: replaced here.
    message = detail or STATUS_MESSAGES.get(exc.status_code) or "Requête refusée."
    return JSONResponse({"detail": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return JSONResponse({"detail": STATUS_MESSAGES[500]}, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)


def too_large_message(limit: int) -> str:
    return f"Requête trop volumineuse : {limit} octets au plus."


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with a 413, announced or not (chunked uploads)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await JSONResponse({"detail": too_large_message(self.limit)}, status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                # FastAPI re-raises an HTTPException met while reading the body: it becomes the 413.
                raise HTTPException(413, too_large_message(self.limit))
            return message

        await self.app(scope, limited, send)


class WorkerHeader:
    """Name the worker process in every response: behind several workers or replicas, this ties a
    response to a log. Plain ASGI: a ``BaseHTTPMiddleware`` would cost about a millisecond per request."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.header = (b"x-faqsearch-worker", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), self.header]
            await send(message)

        await self.app(scope, receive, named)
