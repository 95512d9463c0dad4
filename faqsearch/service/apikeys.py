"""Clients of the service that may read internal entries: those sending one of the installation's
API keys (``$FAQSEARCH_API_KEYS``) as ``Authorization: Bearer <clé>``; everyone else is a visitor."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from ..records.scope import STAFF, VISITOR, Scope

REFUSED = ("Clé d'API refusée (en-tête Authorization) : envoyez « Authorization: Bearer » suivi d'une clé de "
           "FAQSEARCH_API_KEYS, ou n'envoyez pas cet en-tête pour chercher comme un visiteur.")


def scope_of(request: Request, keys: tuple[str, ...]) -> Scope:
    """:data:`STAFF` for a request carrying a known key, :data:`VISITOR` without one; a key that is
    not known is refused (401) rather than silently treated as a visitor's."""
    header = request.headers.get("authorization")
    if header is None:
        return VISITOR
    scheme, _, token = header.strip().partition(" ")
    given = token.strip().encode()
    # Every key compared, each in constant time: the answer's timing tells nothing of the keys.
    known = [hmac.compare_digest(given, key.encode()) for key in keys]
    if scheme.lower() != "bearer" or not any(known):
        raise HTTPException(401, REFUSED, headers={"WWW-Authenticate": "Bearer"})
    return STAFF
