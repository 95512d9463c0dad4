"""The service behind a real uvicorn server, where uvicorn acts before the app: whose
``X-Forwarded-For`` it believes (only the proxies the operator names), a request that is not HTTP
(a French JSON 400), and HEAD."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bench.http_server import serve_in_thread
from faqsearch import settings as env
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from faqsearch.service.protocol import MALFORMED, FrenchH11Protocol, FrenchHTTPProtocol
from faqsearch.service.serve import PROTOCOL, proxy_options
from tests.fakes import FakeEncoder
from tests.service.test_app import limited, settings  # noqa: F401

ROTATING = [f"10.8.{n}.1" for n in range(10)]


def search_as(url: str, forwarded_for: str) -> int:
    request = urllib.request.Request(url + "/v1/search?q=IMAP", headers={"X-Forwarded-For": forwarded_for})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("named, escapes", [(None, False), ("", False), ("127.0.0.1", True), ("127.0.0.0/8", True)])
def test_a_forwarded_address_counts_only_from_a_named_proxy(settings: Settings, monkeypatch,  # noqa: F811
                                                            named: str | None, escapes: bool):
    # uvicorn alone would trust 127.0.0.1, and $FORWARDED_ALLOW_IPS: neither may decide here.
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    monkeypatch.delenv(env.FORWARDED_ALLOW_IPS_ENV, raising=False)
    app = create_app(limited(settings, 20), FakeEncoder())  # bursts of 2 searches per client
    with serve_in_thread(app, **proxy_options(env.trusted_proxies(named))) as url:
        codes = [search_as(url, address) for address in ROTATING]
    if escapes:  # each forwarded address is a client of its own
        assert codes == [200] * len(ROTATING)
    else:  # the connection's address is the client, whatever the header says
        assert codes[:2] == [200, 200] and set(codes[2:]) == {429}, codes


def test_the_proxies_come_from_the_command_line_then_the_environment(monkeypatch):
    monkeypatch.delenv(env.FORWARDED_ALLOW_IPS_ENV, raising=False)
    assert env.trusted_proxies() == ()
    monkeypatch.setenv(env.FORWARDED_ALLOW_IPS_ENV, " 10.0.0.5, 2001:db8::/32 ")
    assert env.trusted_proxies() == ("10.0.0.5", "2001:db8::/32")
    assert env.trusted_proxies("") == ()  # --forwarded-allow-ips '' names none, whatever the environment says
    assert proxy_options(()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert proxy_options(("10.0.0.5",)) == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5"}
    for wrong in ("*", "nginx", "10.0.0.300"):
        with pytest.raises(ValueError, match="Mandataire de confiance invalide.*10.0.0.0/24"):
            env.trusted_proxies(wrong)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_always_tells_uvicorn_whom_to_trust_and_how_to_refuse(settings: Settings, monkeypatch,  # noqa: F811
                                                  tmp_path: Path, workers: int):
    import uvicorn

    from faqsearch.cli import main
    from faqsearch.service import app as service_app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.setattr(service_app, "app_from_env", lambda: "app")  # no model to load for one worker
    monkeypatch.setenv(env.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(env.FORWARDED_ALLOW_IPS_ENV, raising=False)
    monkeypatch.delenv(env.DATABASE_URL_ENV, raising=False)
    command = ["serve", "--index", str(settings.index_dir), "--workers", str(workers)]
    assert main(command) == 0
    monkeypatch.setenv(env.FORWARDED_ALLOW_IPS_ENV, "10.0.0.5")
    assert main(command) == 0
    assert main([*command, "--forwarded-allow-ips", ""]) == 0
    assert [(c["proxy_headers"], c["forwarded_allow_ips"]) for c in calls] == [(False, ""), (True, "10.0.0.5"),
                                                                               (False, "")]
    assert {c["http"] for c in calls} == {PROTOCOL} and uvicorn.importer.import_from_string(PROTOCOL) is FrenchHTTPProtocol


def exchange(url: str, raw: bytes) -> bytes:
    """Send ``raw`` bytes on a new connection; everything the server answers before closing it."""
    address = urllib.parse.urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("protocol", [FrenchHTTPProtocol, FrenchH11Protocol])
@pytest.mark.parametrize("raw", [b"N'IMPORTE QUOI\r\n\r\n",
                                 b"GET /healthz HTTP/1.1\r\nHost: x\r\nEn tete: espace interdit\r\n\r\n"])
def test_a_request_that_is_not_http_gets_a_french_json_400(settings: Settings, protocol, raw: bytes):  # noqa: F811
    with serve_in_thread(create_app(settings, FakeEncoder()), http=protocol) as url:
        answer = exchange(url, raw)
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head.lower()
    assert json.loads(body) == {"detail": MALFORMED} and b"Invalid" not in answer
    assert int(dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])[b"content-length"]) == len(body)


def test_head_of_the_health_check_is_a_200_without_a_body(settings: Settings):  # noqa: F811
    with serve_in_thread(create_app(settings, FakeEncoder()), http=FrenchHTTPProtocol) as url:
        with urllib.request.urlopen(urllib.request.Request(url + "/healthz", method="HEAD"), timeout=10) as response:
            assert response.status == 200 and response.read() == b""
