"""uvicorn's HTTP protocol, with a French refusal of a request it cannot parse.

A request that is not HTTP (a bad request line, a forbidden character in a header) never reaches
the app: uvicorn answers it itself, in English plain text (« Invalid HTTP request received. »).
These subclasses answer like the rest of the service, JSON with a French ``detail``. What stays
as uvicorn has it: the line in the server log (English, as are the service's own log lines), the
reason phrase of the status line (« 400 Bad Request », HTTP's own words), and connections dropped
before a whole request line arrives, which get no answer at all.

``python -m faqsearch serve`` names :class:`FrenchHTTPProtocol` to uvicorn by its import string
(``faqsearch.service.serve.PROTOCOL``), so that each worker process loads it itself.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.h11_impl import H11Protocol

MALFORMED = ("Requête HTTP mal formée : le service n'a pas pu la lire (ligne de requête ou en-têtes invalides). "
             "Envoyez une requête HTTP/1.1 ordinaire, par exemple avec curl ou la bibliothèque HTTP de votre langage ; "
             "les adresses du service sont décrites sur /docs.")


def refusal(default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The whole 400 response, headers and JSON body, as bytes for the transport."""
    body = json.dumps({"detail": MALFORMED}, ensure_ascii=False).encode("utf-8")
    lines = [b"HTTP/1.1 400 Bad Request"]
    lines += [name + b": " + value for name, value in default_headers]
    lines += [b"content-type: application/json", b"content-length: " + str(len(body)).encode("ascii"),
              b"connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class FrenchH11Protocol(H11Protocol):
    """uvicorn's pure-Python protocol (h11)."""

    def send_400_response(self, msg: str) -> None:
        # Written whole, past h11: the connection is closed right after, h11 has nothing left to say.
        self.transport.write(refusal(self.server_state.default_headers))
        self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional: uvicorn then uses h11, and so does the service
    FrenchHTTPProtocol: type = FrenchH11Protocol
else:
    class FrenchHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's fast protocol (httptools), its choice when httptools is installed."""

        def send_400_response(self, msg: str) -> None:
            self.transport.write(refusal(self.server_state.default_headers))
            self.transport.close()

    FrenchHTTPProtocol = FrenchHttpToolsProtocol
