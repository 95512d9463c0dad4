"""Signing in to the editors' space in page tests: one test password and its hash."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from faqsearch.auth.passwords import MIN_ITERATIONS, PASSWORD_HASH_ENV, hash_password
from faqsearch.ui import editor_auth
from faqsearch.ui.app import TABS

EDITOR_PASSWORD = "mot de passe des éditeurs de test"
EDITOR_HASH = hash_password(EDITOR_PASSWORD, iterations=MIN_ITERATIONS)
EDITORS_TAB = TABS[1]


def allow_editors(monkeypatch) -> None:
    """Configure the test password and start with no lockout (lockouts are process-wide)."""
    monkeypatch.setenv(PASSWORD_HASH_ENV, EDITOR_HASH)
    editor_auth.guard.clear()


def sign_in(at: AppTest, password: str = EDITOR_PASSWORD) -> AppTest:
    """Open the editors' tab and sign in."""
    at.session_state["tab"] = EDITORS_TAB
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key=editor_auth.PASSWORD_KEY).input(password)
    at.button(key="editor-sign-in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at
