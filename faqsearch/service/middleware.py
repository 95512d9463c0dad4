"""Plain ASGI middlewares of the service: a request body limit, requests per client, and the
worker's name on responses.

Plain ASGI rather than ``BaseHTTPMiddleware``, which costs about a millisecond per request.
"""

from __future__ import annotations

import os
from typing import Sequence

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..ratelimit import RateLimiter, retry_after


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


def too_many_message(seconds: int) -> str:
    return f"Trop de requêtes depuis votre adresse : réessayez dans {seconds} s."


class ClientRateLimit:
    """Refuse a client address's requests over its limit with a 429 and ``Retry-After``.

    ``limits`` maps path prefixes to limiters, the first matching prefix deciding; other paths (the
    widget's files, the health check) are never limited, nor are CORS preflights. The address is
    the connection's, or the one a proxy named by ``--forwarded-allow-ips`` forwards (none by default:
    see :func:`faqsearch.service.serve.proxy_options`).
    Each worker process counts apart: with N workers, a client may reach up to N times the limit.
    """

    def __init__(self, app: ASGIApp, limits: Sequence[tuple[str, RateLimiter]]):
        self.app = app
        self.limits = tuple(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") != "OPTIONS":
            path = scope.get("path", "")
            limiter = next((limiter for prefix, limiter in self.limits if path.startswith(prefix)), None)
            if limiter is not None:
                client = scope.get("client")
                wait = limiter.wait(client[0] if client else "")
                if wait > 0:
                    seconds = retry_after(wait)
                    response = JSONResponse({"detail": too_many_message(seconds)}, status_code=429,
                                            headers={"Retry-After": str(seconds)})
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


class WorkerHeader:
    """Name the worker process in every response: behind several workers or replicas, this ties a
    response to a log."""

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
