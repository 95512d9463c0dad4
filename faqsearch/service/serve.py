"""``python -m faqsearch serve``: check the settings, then hand over to uvicorn.

The options become environment variables because each uvicorn worker is a new process that
builds its own app from :func:`faqsearch.service.app.app_from_env`. Imports only the standard
library until the service starts, so the other commands do not load FastAPI.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .. import settings as env

APP = "faqsearch.service.app:app_from_env"
PROTOCOL = "faqsearch.service.protocol:FrenchHTTPProtocol"  # an import string: each worker loads it
# uvicorn's supervisor kills a worker that does not answer its ping within this many seconds,
# dropping the connections it holds. Its default (5 s) killed busy workers on a loaded 2-core
# machine; a worker that is really stuck is still replaced, only later.
WORKER_HEALTHCHECK_S = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="adresse d'écoute (défaut : 127.0.0.1 ; 0.0.0.0 pour toutes les interfaces)")
    parser.add_argument("--port", type=int, default=8000, help="port (défaut : 8000)")
    parser.add_argument("--workers", type=int, default=1, help="processus qui répondent (défaut : 1)")
    parser.add_argument("--database-url", default=None,
                        help=f"base des retours (défaut : ${env.DATABASE_URL_ENV}, sinon data/feedback.sqlite3)")
    parser.add_argument("--rate-limit", type=int, default=None,
                        help=f"recherches par minute et par adresse de client, les enregistrements au dixième ; "
                             f"0 : aucune limite (défaut : ${env.RATE_LIMIT_ENV}, sinon {env.DEFAULT_RATE_LIMIT})")
    parser.add_argument("--forwarded-allow-ips", default=None,
                        help="adresses ou réseaux des mandataires (reverse proxy, répartiteur) dont l'en-tête "
                             "X-Forwarded-For donne l'adresse du client, séparés par des virgules (défaut : "
                             f"${env.FORWARDED_ALLOW_IPS_ENV}, sinon aucun : l'en-tête est ignoré)")


def proxy_options(trusted: tuple[str, ...]) -> dict:
    """uvicorn's options for ``X-Forwarded-For``, always explicit: left unset, uvicorn trusts the header
    from 127.0.0.1 (or from ``$FORWARDED_ALLOW_IPS``), so a client reaching the service through any
    forwarder on the machine (``ssh -L``, socat) would choose its own address, and its own limit.
    With no proxy named, the header is not read at all: the client is the connection's address."""
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": ",".join(trusted)}


def check(args) -> str:
    """A French message saying what to fix in the options, or "" when they are usable."""
    from ..index.published import current_build  # standard library only until the service starts

    if not 1 <= args.port <= 65535:
        return f"Port invalide : {args.port}. Choisissez un port entre 1 et 65535, par exemple --port 8000."
    if not 1 <= args.workers <= 64:
        return f"Nombre de processus invalide : {args.workers}. Choisissez entre 1 et 64, par exemple --workers 2."
    if args.rate_limit is not None and args.rate_limit < 0:
        return (f"Limite invalide : {args.rate_limit}. Donnez un nombre de recherches par minute et par client, "
                "par exemple --rate-limit 300, ou 0 pour aucune limite.")
    try:
        env.trusted_proxies(args.forwarded_allow_ips)
    except ValueError as exc:
        return str(exc)
    if not (current_build(Path(args.index)) / "manifest.json").is_file():
        return (f"Aucun index dans {args.index} : construisez-le avec `python build_index.py` "
                "(ou indiquez son dossier avec --index).")
    return ""


def run(args) -> int:
    import sys

    problem = check(args)
    if problem:
        print(f"Erreur : {problem}", file=sys.stderr)
        return 2
    os.environ[env.INDEX_ENV] = str(Path(args.index).resolve())
    os.environ[env.CORPUS_ENV] = str(Path(args.corpus).resolve())
    if args.model:
        os.environ[env.MODEL_ENV] = args.model
    if args.database_url:
        os.environ[env.DATABASE_URL_ENV] = args.database_url
    if args.rate_limit is not None:
        os.environ[env.RATE_LIMIT_ENV] = str(args.rate_limit)
    if args.forwarded_allow_ips is not None:  # "" names no proxy, whatever the environment says
        os.environ[env.FORWARDED_ALLOW_IPS_ENV] = args.forwarded_allow_ips
    settings = env.Settings.from_env()
    # Loaded only now that the service starts: the other commands never load FastAPI or the engine.
    import uvicorn

    from ..feedback.store import FeedbackStore
    from .app import app_from_env

    # The protocol: uvicorn's, with a French answer to a request it cannot parse.
    options = dict(host=args.host, port=args.port, log_level="warning", access_log=False, server_header=False,
                   http=PROTOCOL, **proxy_options(settings.trusted_proxies))
    if args.workers == 1:
        app = app_from_env()  # a bad index or database is reported here, in French, before listening
        print(f"Service sur http://{args.host}:{args.port} (documentation : /docs, widget : /widget)", file=sys.stderr)
        uvicorn.run(app, **options)
        return 0
    # Each worker loads the model itself; the database is checked once here, so that a wrong
    # URL gets one clear message rather than one crash per worker.
    FeedbackStore.configured(settings.data_dir, settings.database_url).close()
    print(f"Service sur http://{args.host}:{args.port} avec {args.workers} processus "
          "(documentation : /docs, widget : /widget)", file=sys.stderr)
    # "info" for the supervisor, so that a worker that died or was replaced is in the log.
    options["log_level"] = "info"
    uvicorn.run(APP, factory=True, workers=args.workers, timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
                **options)
    return 0
