"""Who may open the editors' space: password hashes and the sign-in configuration.

Pure logic, no Streamlit: the page (:mod:`faqsearch.ui.editor_auth`) reads the configuration and
draws the form; :mod:`faqsearch.auth.signin` slows down guessing. A password is never stored, only a
salted PBKDF2-SHA256 hash in the documented format ``pbkdf2_sha256$<iterations>$<salt,
base64>$<hash, base64>`` (``python -m faqsearch hash-password`` prints one), given to the page by
Streamlit secrets or an environment variable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Mapping

from ..settings import EDITOR_PASSWORD_HASH_ENV as PASSWORD_HASH_ENV

SCHEME = "pbkdf2_sha256"
# OWASP's 2023 figure for PBKDF2-HMAC-SHA256; below the minimum, a stolen hash is cheap to crack.
DEFAULT_ITERATIONS = 600_000
MIN_ITERATIONS = 100_000
SALT_BYTES = 16

PASSWORD_HASH_SECRET = "editor_password_hash"
IDENTITY_SECRET = "auth"  # Streamlit's own section for st.login
EDITOR_EMAILS_SECRET = "editor_emails"


@dataclass(frozen=True)
class PasswordHash:
    """A parsed password hash: iterations, salt and derived key."""

    iterations: int
    salt: bytes
    digest: bytes

    def encode(self) -> str:
        return f"{SCHEME}${self.iterations}${_b64(self.salt)}${_b64(self.digest)}"

    def matches(self, password: str) -> bool:
        """True when ``password`` derives to this hash; the comparison takes the same time either way."""
        derived = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), self.salt, self.iterations, len(self.digest))
        return hmac.compare_digest(derived, self.digest)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """The encoded hash of ``password`` with a fresh random salt (or ``salt``)."""
    if not password:
        raise ValueError("Le mot de passe est vide : choisissez-en un d'au moins 12 caractères.")
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"{iterations} itérations, c'est trop peu : au moins {MIN_ITERATIONS}.")
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return PasswordHash(iterations, salt, digest).encode()


def parse_hash(text: str) -> PasswordHash:
    """Parse an encoded hash; a French ``ValueError`` says what is wrong with a malformed one."""
    expected = f"attendu : {SCHEME}$itérations$sel$empreinte, produit par `python -m faqsearch hash-password`"
    parts = text.strip().split("$")
    if len(parts) != 4 or parts[0] != SCHEME:
        raise ValueError(f"Le hachage du mot de passe des éditeurs n'a pas le bon format ({expected}).")
    try:
        iterations = int(parts[1])
        salt, digest = base64.b64decode(parts[2], validate=True), base64.b64decode(parts[3], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"Le hachage du mot de passe des éditeurs est illisible ({expected}).") from exc
    if iterations < MIN_ITERATIONS or len(salt) < 8 or len(digest) < 16:
        raise ValueError(f"Le hachage du mot de passe des éditeurs est trop faible (au moins {MIN_ITERATIONS} "
                         f"itérations, un sel de 8 octets) : produisez-en un avec `python -m faqsearch hash-password`.")
    return PasswordHash(iterations, salt, digest)


@dataclass(frozen=True)
class EditorAccess:
    """How editors sign in, from the page's configuration.

    ``method`` is "identity" (Streamlit's ``st.login`` with the provider of the ``[auth]``
    secrets, for the addresses in ``emails``), "password", or "none" (the editors' space stays
    closed; ``problem`` says why when a configured value is unusable).
    """

    method: str
    password_hash: PasswordHash | None = None
    emails: frozenset[str] = frozenset()
    problem: str = ""


def editor_access(secrets_: Mapping, environ: Mapping[str, str]) -> EditorAccess:
    """Read the configuration: an ``[auth]`` section wins, then the secret hash, then the environment."""
    if secrets_.get(IDENTITY_SECRET):
        emails = secrets_.get(EDITOR_EMAILS_SECRET) or []
        if isinstance(emails, str):
            emails = [emails]
        allowed = frozenset(str(e).strip().lower() for e in emails if str(e).strip())
        if not allowed:
            return EditorAccess("none", problem=f"La connexion par fournisseur d'identité est configurée, mais la "
                                f"liste « {EDITOR_EMAILS_SECRET} » des adresses des éditeurs est vide : ajoutez-la "
                                "aux secrets, sans quoi tout compte du fournisseur ouvrirait l'espace.")
        return EditorAccess("identity", emails=allowed)
    encoded = str(secrets_.get(PASSWORD_HASH_SECRET) or environ.get(PASSWORD_HASH_ENV) or "").strip()
    if not encoded:
        return EditorAccess("none")
    try:
        return EditorAccess("password", parse_hash(encoded))
    except ValueError as exc:
        return EditorAccess("none", problem=str(exc))
