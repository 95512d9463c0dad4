"""Plain ASGI middlewares of the service: a request body limit and the worker's name on responses.

Plain ASGI rather than ``BaseHTTPMiddleware``, which costs about a millisecond per request.
"""

from __future__ import annotations

import os

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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
