"""A visitor's address made into a key that counts them without recording them.

The editors' lists count each client once a day per question, so that one script repeating a
question (with a new session each time) cannot push it to the top. The key is an HMAC of the
address with a secret of this installation and the day, cut to 64 bits: the address cannot be
read back from it, nor guessed by trying every address without the secret, and the key changes
every day, so a visitor cannot be followed from one day to the next. An IPv6 client counts by
its /64 network, which one host commonly holds whole.

The secret is the file ``client-key.secret`` in the data folder
(:attr:`faqsearch.settings.Settings.client_key_file`), created on first use (readable by its owner
only); replicas that should count a visitor once between them share that file.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from ..feedback.visitors import CLIENT_KEY_CHARS
from ..settings import CLIENT_KEY_FILE as SECRET_FILE

SECRET_BYTES = 32
log = logging.getLogger(__name__)


def client_network(address: str) -> str:
    """What identifies one client: the IPv4 address, the /64 of an IPv6 one, else the text as is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:  # not an address (a test client, a Unix socket): counted as given
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class ClientKeys:
    """Keys of client addresses under one secret (see the module's description)."""

    def __init__(self, secret: bytes):
        if len(secret) < 16:
            raise ValueError(f"secret must hold at least 16 bytes. Currently, secret holds {len(secret)}.")
        self._secret = secret

    @classmethod
    def in_folder(cls, folder: Path) -> "ClientKeys":
        """The keys under the installation's secret in ``folder`` (see :meth:`from_file`)."""
        return cls.from_file(Path(folder) / SECRET_FILE)

    @classmethod
    def from_file(cls, path: Path) -> "ClientKeys":
        """The keys under the installation's secret in ``path`` (created when missing).

        A folder that cannot be written falls back to a secret of this process: a client may then
        count once per worker and per restart, which the log says.
        """
        try:
            return cls(read_or_create_secret(Path(path)))
        except OSError as exc:
            log.warning("client key secret unavailable at %s (%s): a secret of this process is used", path, exc)
            return cls(secrets.token_bytes(SECRET_BYTES))

    def key(self, address: str, when: datetime | None = None) -> str:
        """The key of ``address`` on the UTC day of ``when`` (now by default)."""
        day = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).date().isoformat()
        message = f"{day}|{client_network(address)}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:CLIENT_KEY_CHARS]


def read_or_create_secret(path: Path) -> bytes:
    """The secret in ``path``; a new random one when the file is missing.

    Several workers may start at once: the secret is written to a file of its own and linked
    into place, which fails if another worker got there first; its secret is then read.
    """
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(SECRET_BYTES) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise OSError(f"{path} does not hold a secret of at least 16 bytes in hexadecimal: delete it to get a new one")
    return secret
