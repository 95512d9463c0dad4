"""Sign-in to the editors' space: what visitors asked and the rebuild are for editors only.

The rules are in :mod:`faqsearch.auth.passwords` (hash format) and :mod:`faqsearch.auth.signin`
(how guessing is slowed down, per session, address and account); this module reads the page's
configuration (Streamlit secrets, then the environment) and draws the form, the sign-out button,
or the explanation of how to enable the space when nothing is configured.
"""

from __future__ import annotations

import logging
import time
from typing import Mapping

import streamlit as st

from ..auth.passwords import EDITOR_EMAILS_SECRET, PASSWORD_HASH_ENV, PASSWORD_HASH_SECRET, EditorAccess, editor_access
from ..auth.signin import Client, SignIn, SignInGuard, client_address
from ..settings import Settings
from .presentation import escape_markdown
from .session import session_id

log = logging.getLogger(__name__)

clock = time.monotonic  # the guard's clock, a module attribute so that tests can stop it
SIGNED_IN_KEY = "editor_signed_in"  # holds the hash that was matched: a new hash signs everyone out
PASSWORD_KEY = "editor-password"
ERROR_KEY = "editor-sign-in-error"
HOW_TO_ENABLE = (
    "**L'espace éditeurs n'est pas activé.** Il montre les questions des visiteurs (qui peuvent contenir "
    "des données personnelles) et permet de reconstruire l'index : il est réservé aux éditeurs connectés.\n\n"
    "Pour l'activer, produisez le hachage d'un mot de passe avec `python -m faqsearch hash-password`, puis "
    f"mettez-le dans `.streamlit/secrets.toml` (`{PASSWORD_HASH_SECRET} = \"pbkdf2_sha256$…\"`) ou dans la "
    f"variable d'environnement `{PASSWORD_HASH_ENV}`, et relancez la page. Avec un fournisseur d'identité "
    "configuré pour `st.login` (section `[auth]` des secrets), indiquez les adresses des éditeurs dans "
    f"`{EDITOR_EMAILS_SECRET}`. Voir docs/page.md#connexion."
)


def _secrets() -> Mapping:
    """The page's Streamlit secrets, or nothing when there is no secrets file."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # no secrets.toml, or an unreadable one: the environment may still configure it
        log.info("no Streamlit secrets")
        return {}


def access(settings: Settings) -> EditorAccess:
    """How editors sign in: the page's secrets first, then the settings' password hash."""
    return editor_access(_secrets(), {PASSWORD_HASH_ENV: settings.editor_password_hash})


@st.cache_resource
def guard() -> SignInGuard:
    """One guard for the whole server: it sees every session's failures."""
    return SignInGuard()


def is_editor(current: EditorAccess) -> bool:
    """True when this browser session is signed in as an editor (draws nothing)."""
    if current.method == "identity":
        return bool(st.user.is_logged_in) and str(st.user.get("email") or "").lower() in current.emails
    if current.method == "password":
        return st.session_state.get(SIGNED_IN_KEY) == current.password_hash.encode()
    return False


def gate(settings: Settings) -> bool:
    """Draw what the editors' space shows before sign-in; True when the session is an editor's.

    When True, a sign-out button has been drawn; the caller then draws the space itself.
    """
    current = access(settings)
    if current.method == "none":
        st.info(HOW_TO_ENABLE, icon="🔒")
        if current.problem:
            st.error(escape_markdown(current.problem), icon="⚠️")
        return False
    if is_editor(current):
        _sign_out(current)
        return True
    if current.method == "identity":
        if st.user.is_logged_in:
            st.warning(f"Le compte {escape_markdown(st.user.get('email') or '')} n'est pas celui d'un éditeur.", icon="🔒")
            st.button("Se déconnecter", key="editor-sign-out", on_click=st.logout)
        else:
            st.info("L'espace éditeurs est réservé aux éditeurs connectés.", icon="🔒")
            st.button("Se connecter", key="editor-sign-in", type="primary", on_click=st.login)
        return False
    st.info("L'espace éditeurs est réservé aux éditeurs : connectez-vous avec leur mot de passe.", icon="🔒")
    st.text_input("Mot de passe des éditeurs", type="password", key=PASSWORD_KEY)
    st.button("Se connecter", key="editor-sign-in", type="primary", on_click=_check_password, args=(current,))
    if st.session_state.get(ERROR_KEY):
        st.error(st.session_state[ERROR_KEY], icon="🔒")
    return False


def _check_password(current: EditorAccess) -> None:
    """Callback of the sign-in button: runs before the rerun, and empties the password field."""
    password = st.session_state.get(PASSWORD_KEY) or ""
    st.session_state[PASSWORD_KEY] = ""
    # The address Streamlit saw (None from the page's own machine): with the session, it tells
    # this client's failures from a stranger's.
    client = Client(session_id(), client_address(st.context.ip_address))
    result = guard().attempt(client, password, current.password_hash, clock())
    if result.ok:
        st.session_state[SIGNED_IN_KEY] = current.password_hash.encode()
        st.session_state.pop(ERROR_KEY, None)
        return
    log.warning("editor sign-in refused")
    st.session_state[ERROR_KEY] = refusal(result)


def refusal(result: SignIn) -> str:
    """What the form says after a refused attempt."""
    if result.busy:
        return ("Une vérification du mot de passe est déjà en cours depuis ce navigateur ou cette adresse : "
                "réessayez dans un instant.")
    if not result.checked:
        return (f"Trop d'essais manqués : le mot de passe n'a pas été vérifié. Réessayez dans {wait_label(result.wait)}.")
    if result.wait > 0:
        return f"Mot de passe incorrect. Trop d'essais manqués : réessayez dans {wait_label(result.wait)}."
    return "Mot de passe incorrect."


def wait_label(seconds: float) -> str:
    """"45 s", "4 min 16 s": whole seconds, rounded up."""
    whole = max(1, int(seconds + 0.999))
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60} s" if whole % 60 else f"{whole // 60} min"


def _sign_out(current: EditorAccess) -> None:
    def out() -> None:
        st.session_state.pop(SIGNED_IN_KEY, None)

    st.button("Se déconnecter", key="editor-sign-out", icon="🔓",
              on_click=st.logout if current.method == "identity" else out)
