"""The backoff of failed sign-ins on a clock the test moves: per session, per address, for the
account; it decays, and a client with a clean record is never held back by others' failures."""

from __future__ import annotations

import threading

import pytest

from faqsearch.auth.passwords import MIN_ITERATIONS, hash_password, parse_hash
from faqsearch.auth.signin import (ACCOUNT, ADDRESS, LOCAL, SESSION, Backoff, Client, SignInGuard, Strikes,
                              client_address)

PASSWORD = "le bon mot de passe des éditeurs"
DAY = 86_400.0


class Hash:
    """Stands for a PasswordHash and counts the checks (PBKDF2 itself is tested in test_passwords)."""

    def __init__(self):
        self.checks = 0

    def matches(self, password: str) -> bool:
        self.checks += 1
        return password == PASSWORD


def fail(guard: SignInGuard, client: Client, now: float, expected=None) -> None:
    result = guard.attempt(client, "essai au hasard", expected or Hash(), now)
    assert not result.ok


def test_two_throwaway_sessions_do_not_lock_out_an_editor():
    guard, expected = SignInGuard(), Hash()
    for i in range(10):  # ten wrong passwords in six seconds from two sessions of one address
        fail(guard, Client(f"intrus-{i % 2}", "203.0.113.9"), now=i * 0.6)
    editor = guard.attempt(Client("editrice", "198.51.100.4"), PASSWORD, expected, now=6.0)
    assert editor.ok and expected.checks == 1
    # The same attack, sustained: the account's backoff holds back those who failed, not her.
    for i in range(200):
        guard.attempt(Client(f"intrus-{i}", f"203.0.113.{i % 250}"), "essai", Hash(), now=7.0 + i * 0.1)
    assert guard.wait(Client("intrus-bis", "203.0.113.9"), now=30.0) > 0
    assert guard.attempt(Client("editrice-2", "198.51.100.5"), PASSWORD, Hash(), now=30.0).ok


def test_ten_single_typos_over_ten_days_lock_nobody_out():
    guard = SignInGuard()
    for day in range(10):
        fail(guard, Client(f"matin-{day}", LOCAL), now=day * DAY)
        assert guard.wait(Client(f"matin-{day}", LOCAL), now=day * DAY) == 0
    assert guard.account.weight("editors", now=10 * DAY) < 0.01
    assert guard.attempt(Client("lundi", LOCAL), PASSWORD, Hash(), now=10 * DAY).ok


def test_a_sessions_wait_doubles_then_fades_away():
    guard, client = SignInGuard(), Client("s", "192.0.2.1")
    now, waits = 0.0, []
    for _ in range(SESSION.free + 4):
        result = guard.attempt(client, "faux", Hash(), now)
        assert result.checked and not result.ok
        waits.append(result.wait)
        now += result.wait
    # 2 s, then about twice as long each time (a little less: the strikes fade while it waits).
    assert waits[:4] == [0, 0, 0, 2.0]
    assert all(1.9 < later / earlier <= 2.0 for earlier, later in zip(waits[3:], waits[4:])), waits
    # While it waits, nothing is checked, not even the right password.
    expected = Hash()
    refused = guard.attempt(client, PASSWORD, expected, now - 1.0)
    assert not refused.ok and not refused.checked and refused.wait == pytest.approx(1.0) and expected.checks == 0
    # An hour and a half of silence (nine half-lives): the failures are forgotten.
    later = now + 9 * SESSION.half_life
    assert not guard.sessions.has_record("s", later) and guard.wait(client, later) == 0
    assert [round(guard.attempt(client, "faux", Hash(), later + i).wait) for i in range(SESSION.free)] == [0, 0, 0]


def test_new_sessions_from_one_address_meet_the_address_backoff():
    guard = SignInGuard()
    for i in range(ADDRESS.free + 1):
        fail(guard, Client(f"jetable-{i}", "203.0.113.7"), now=float(i))
    result = guard.attempt(Client("encore-une", "203.0.113.7"), PASSWORD, Hash(), now=ADDRESS.free + 1.0)
    assert not result.ok and not result.checked and result.wait > 0
    assert guard.attempt(Client("ailleurs", "198.51.100.8"), PASSWORD, Hash(), now=ADDRESS.free + 1.0).ok


def test_past_the_accounts_free_failures_one_guess_per_fresh_address():
    guard = SignInGuard()
    for i in range(ACCOUNT.free + 1):
        fail(guard, Client(f"s{i}", f"203.0.113.{i}"), now=float(i))
    now = ACCOUNT.free + 1.0
    assert guard.wait(Client("s0", "203.0.113.0"), now) > 0  # failed once: waits for the account
    assert guard.wait(Client("s0-bis", "203.0.113.0"), now) > 0  # its address has a record
    fresh = guard.attempt(Client("neuve", "192.0.2.200"), "faux", Hash(), now)
    assert fresh.checked and not fresh.ok and fresh.wait > 0  # checked once, then it waits too
    assert guard.wait(Client("propre", "192.0.2.201"), now) == 0


def test_a_second_check_of_the_same_client_while_one_runs_is_refused():
    guard, started, release = SignInGuard(), threading.Event(), threading.Event()

    class Slow(Hash):
        def matches(self, password: str) -> bool:
            started.set()
            release.wait(5)
            return super().matches(password)

    first = threading.Thread(target=guard.attempt, args=(Client("s", "192.0.2.1"), "faux", Slow(), 0.0))
    first.start()
    assert started.wait(5)
    for other in (Client("s", "192.0.2.2"), Client("autre", "192.0.2.1")):
        busy = guard.attempt(other, PASSWORD, Hash(), 0.1)
        assert busy.busy and not busy.checked and not busy.ok
    assert guard.attempt(Client("autre", "192.0.2.3"), PASSWORD, Hash(), 0.1).ok
    release.set()
    first.join(5)
    assert guard.attempt(Client("s", "192.0.2.1"), PASSWORD, Hash(), 0.2).ok


def test_a_real_hash_signs_in_and_a_success_clears_only_the_session():
    expected = parse_hash(hash_password(PASSWORD, iterations=MIN_ITERATIONS))
    guard, client = SignInGuard(), Client("s", "192.0.2.1")
    fail(guard, client, 0.0, expected)
    assert guard.attempt(client, PASSWORD, expected, 1.0).ok
    assert not guard.sessions.has_record("s", 1.0) and guard.addresses.has_record("192.0.2.1", 1.0)


def test_memory_is_bounded_and_the_faded_go_first():
    strikes = Strikes(Backoff(free=0, first_wait=1, ceiling=1, half_life=10), max_keys=3)
    strikes.strike("ancien", 0.0)
    for i in range(3):
        strikes.strike(f"k{i}", 100.0 + i)
    assert len(strikes) == 3 and not strikes.has_record("ancien", 103.0)
    for i in range(3, 10):
        strikes.strike(f"k{i}", 100.0 + i)
    assert len(strikes) == 3 and strikes.has_record("k9", 109.0)


@pytest.mark.parametrize("ip, key", [
    (None, LOCAL), ("", LOCAL), ("::ffff:127.0.0.1", LOCAL), ("::1", LOCAL), ("127.0.0.2", LOCAL),
    ("203.0.113.9", "203.0.113.9"), ("::ffff:203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"), ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::/64"),
])
def test_client_addresses_ipv6_by_its_64(ip, key):
    assert client_address(ip) == key


def test_a_bad_backoff_says_what_is_wrong():
    with pytest.raises(ValueError, match="first_wait between 0 and ceiling"):
        Backoff(free=3, first_wait=10, ceiling=5, half_life=60)
