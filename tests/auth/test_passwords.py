"""Editors' sign-in rules: the hash format, constant-time checks, the configuration (the backoff
of failed sign-ins is in test_signin)."""

from __future__ import annotations

import io

import pytest

from faqsearch import cli
from faqsearch.auth.passwords import MIN_ITERATIONS, PASSWORD_HASH_ENV, PASSWORD_HASH_SECRET, editor_access, hash_password, parse_hash

PASSWORD = "un mot de passe assez long"
HASH = hash_password(PASSWORD, iterations=MIN_ITERATIONS)


def test_a_hash_has_the_documented_format_and_a_fresh_salt():
    scheme, iterations, salt, digest = HASH.split("$")
    assert scheme == "pbkdf2_sha256" and int(iterations) == MIN_ITERATIONS and salt and digest
    assert hash_password(PASSWORD, iterations=MIN_ITERATIONS) != HASH  # another salt
    assert parse_hash(HASH).encode() == HASH


def test_only_the_right_password_matches():
    expected = parse_hash(HASH)
    assert expected.matches(PASSWORD)
    for wrong in ("", PASSWORD.upper(), PASSWORD + " ", PASSWORD[:-1]):
        assert not expected.matches(wrong)


def test_the_comparison_is_constant_time(monkeypatch):
    import hmac

    calls = []
    original = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or original(a, b))
    assert not parse_hash(HASH).matches("faux")
    assert len(calls) == 1


@pytest.mark.parametrize("text, words", [
    ("motdepasse", "format"),
    ("md5$1$abc$def", "format"),
    ("pbkdf2_sha256$beaucoup$c2Vs$ZGlnZXN0", "illisible"),
    ("pbkdf2_sha256$600000$pas-du-base64!$ZGlnZXN0", "illisible"),
    ("pbkdf2_sha256$1000$c2Vsc2Vsc2Vs$" + "A" * 44, "trop faible"),
])
def test_a_malformed_hash_is_a_french_error(text, words):
    with pytest.raises(ValueError, match=words) as caught:
        parse_hash(text)
    assert "hash-password" in str(caught.value)


def test_a_weak_or_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError, match="vide"):
        hash_password("")
    with pytest.raises(ValueError, match="trop peu"):
        hash_password(PASSWORD, iterations=1000)


def test_configuration_secrets_first_then_environment_then_closed():
    other = hash_password("un autre mot de passe", iterations=MIN_ITERATIONS)
    assert editor_access({}, {}).method == "none"
    from_env = editor_access({}, {PASSWORD_HASH_ENV: HASH})
    assert from_env.method == "password" and from_env.password_hash == parse_hash(HASH)
    assert editor_access({PASSWORD_HASH_SECRET: other}, {PASSWORD_HASH_ENV: HASH}).password_hash == parse_hash(other)
    broken = editor_access({}, {PASSWORD_HASH_ENV: "motdepasse"})
    assert broken.method == "none" and "format" in broken.problem


def test_an_identity_provider_needs_the_list_of_editors():
    assert editor_access({"auth": {"redirect_uri": "x"}}, {PASSWORD_HASH_ENV: HASH}).method == "none"
    access = editor_access({"auth": {"redirect_uri": "x"}, "editor_emails": ["Editrice@Example.org"]}, {})
    assert access.method == "identity" and access.emails == {"editrice@example.org"}


def test_cli_hash_password_reads_stdin_and_prints_a_usable_hash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["hash-password"]) == 0
    out, err = capsys.readouterr()
    assert parse_hash(out.strip()).matches(PASSWORD)
    assert PASSWORD_HASH_ENV in err and PASSWORD not in out + err


def test_cli_hash_password_refuses_a_short_password(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    assert cli.main(["hash-password"]) == 1
    assert "au moins 12 caractères" in capsys.readouterr().err
