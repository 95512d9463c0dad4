"""Start and stop the HTTP service (uvicorn) for the tests and the load benchmark.

``serve_in_thread`` runs an app built in this process (any encoder, e.g. the fake one) on a free
loopback port; ``service_process`` runs ``python -m faqsearch serve`` as a real command, workers
included. Both wait until ``/healthz`` answers and always stop what they started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bench.servers import ROOT, ServerError, free_port
from faqsearch.settings import RATE_LIMIT_ENV

STARTUP_TIMEOUT_S = 180  # each worker loads the model before it answers


def get_json(url: str, timeout: float = 10) -> dict:
    """GET ``url`` on a fresh connection (so that several workers share the requests)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def post_json(url: str, body: dict, timeout: float = 10) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def _healthy(url: str) -> bool:
    try:
        return get_json(url + "/healthz", timeout=2).get("status") == "ok"
    except (OSError, ValueError):
        return False


@contextmanager
def serve_in_thread(app, **options) -> Iterator[str]:
    """``app`` served by uvicorn in a thread of this process, with uvicorn's ``options`` (those of
    ``python -m faqsearch serve``, say); yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _healthy(url):
            if not thread.is_alive() or time.monotonic() > deadline:
                raise ServerError(f"uvicorn did not start on {url}")
            time.sleep(0.05)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def service_process(index: Path, corpus: Path, log: Path, workers: int = 1, env: dict | None = None,
                    timeout: float = STARTUP_TIMEOUT_S) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python -m faqsearch serve`` on a free loopback port; yields (base URL, process).

    Without the limit per client unless ``env`` sets ``FAQSEARCH_RATE_LIMIT``: every simulated
    visitor of a measurement comes from the same loopback address."""
    port = free_port()
    command = [sys.executable, "-m", "faqsearch", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--index", str(index), "--corpus", str(corpus)]
    env = {RATE_LIMIT_ENV: "0", **(env or {})}
    with open(log, "wb") as out:
        # Its own process group: the workers it forks are stopped with it, and nothing else is.
        proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"the service did not start (code {proc.poll()}):\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield url, proc
    except BaseException:
        # What the workers said (a worker that died, a traceback) is what explains the failure.
        print(f"--- journal du service ({log}) ---\n{log.read_text(errors='replace')[-20_000:]}", file=sys.stderr)
        raise
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    try:  # workers left behind by a supervisor that was killed
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
