"""Every error the service returns is JSON with a French ``detail``, never a traceback.

FastAPI's defaults answer in English (``Field required``, ``Not Found``) and its validation
errors echo the input back; these handlers say in French what to change, field by field.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

STATUS_MESSAGES = {
    # FastAPI's 400 is a body it could not decode: not UTF-8 (Latin-1, say) is the usual cause.
    400: "Corps de requête illisible : envoyez un objet JSON encodé en UTF-8, avec l'en-tête "
         "Content-Type: application/json.",
    404: "Adresse inconnue. Les adresses du service sont décrites sur /docs.",
    405: "Méthode non autorisée pour cette adresse. Les méthodes acceptées sont décrites sur /docs.",
    413: "Requête trop volumineuse.",
    500: "Erreur interne du service. Réessayez ; si le problème persiste, prévenez l'équipe qui l'exploite.",
}
PLACES = {"query": "paramètre", "path": "paramètre", "body": "champ", "header": "en-tête"}


# Fields that carry the visitor's question: a refusal there is read by the visitor, not only by
# the developer of the calling site, so it says what to do in plain words.
QUESTION_FIELDS = {"q", "question"}


def question_too_long(label: str, length: int, limit: int | None) -> str:
    """The refusal of an over-long question; its text is not echoed, only its length.

    The limit guards the size of a request; the engine has its own cut of an over-long question,
    reported in the answer's ``notice``.
    """
    return (f"Question trop longue ({label}) : {limit} caractères au plus, elle en fait {length}. "
            "Posez-la en une ou deux phrases avec les mots importants ; les détails de votre cas "
            "iront au support si le guide n'y répond pas.")


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
    elif kind == "string_too_long" and name in QUESTION_FIELDS:
        return {"field": name, "message": question_too_long(f"{place} « {name} »", len(str(error.get("input", ""))),
                                                            ctx.get("max_length"))}
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


NOT_JSON = ("Le corps doit être un objet JSON, envoyé avec l'en-tête Content-Type: application/json "
            "(celui de la requête n'annonce pas du JSON).")


def announces_json(content_type: str | None) -> bool:
    """True for application/json and application/…+json, the types FastAPI reads as JSON."""
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def body_type_errors(request: Request, errors: list[dict]) -> list[dict]:
    """``errors``, where a body refused for not being an object because the request did not announce
    JSON (FastAPI then reads it as bytes) says which header to send."""
    if announces_json(request.headers.get("content-type")):
        return errors
    return [{"field": "", "message": NOT_JSON} if e["field"] == "" and "objet JSON" in e["message"] else e
            for e in errors]


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = body_type_errors(request, [describe_error(e) for e in exc.errors()])
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
