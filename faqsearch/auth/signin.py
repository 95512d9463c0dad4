"""Slow down password guessing on the editors' sign-in without letting a stranger lock the editors out.

Pure logic on a clock the caller gives; the page (:mod:`faqsearch.ui.editor_auth`) names the client.

**Records.** Each failed sign-in adds a strike to three records: the browser session, the client
address, and the editors' account (one password, so one record for the whole server). Strikes
decay: each weighs half as much every ``half_life``, so failures are forgotten after a while (ten
single typos over ten days weigh about one), and a record that has faded is dropped. IPv6
addresses count by their /64 (one machine usually holds a whole /64); where the page sees no
address or a loopback one (a visit from the page's own machine, or through a relay on it), all
such visitors are one client, ``local``.

**Backoff.** Past a record's free failures, each strike sets a wait that doubles with every strike
(2 s, 4 s, 8 s…) up to a ceiling; the decay brings it back down. An attempt is refused, its
password not even checked, while

- its session or its address waits: the client's own failures; or
- the account waits and the client has a record (its session or its address failed recently).

So a client with a clean record always gets its password checked, however many failures others
pile up: a stranger cannot lock out an editor who has not failed, from another address.

**What each record bounds.** One session: 3 free failures, then at most 5 minutes between
guesses. One address (new sessions to dodge the session's wait): 10 free failures (an office
behind one address shares them), then up to 15 minutes. The account (many addresses): past 20
failures server-wide, a client that has failed waits the account's backoff, up to 15 minutes,
before its next check, so an attacker gets about one guess per fresh address until its record
fades. A second check from a session or an address while one is running is refused (a burst of
parallel guesses would all pass the wait before the first failure is counted).

**Limits.** Clients the page cannot tell apart are one client: behind a proxy that does not pass
the visitor's address, every visitor shares the proxy's, and a stranger's failures delay the
editors behind it (by 15 minutes at most, while the failures keep coming). An attacker with many
addresses gets one check per address; the password's strength and PBKDF2's cost bound the rest.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import OrderedDict
from dataclasses import dataclass

from .passwords import PasswordHash

LOCAL = "local"  # the client key of visitors whose address the page does not see
ACCOUNT_KEY = "editors"
BUSY_WAIT_S = 1.0  # the wait announced to a client whose previous check is still running
FADED = 0.5  # a record weighing less than half a strike is forgotten: the client is clean again


@dataclass(frozen=True)
class Backoff:
    """``free`` failures without a wait, then ``first_wait`` seconds doubled at each strike up to
    ``ceiling``; a strike weighs half as much every ``half_life`` seconds."""

    free: int
    first_wait: float
    ceiling: float
    half_life: float

    def __post_init__(self):
        if self.free < 0 or not 0 < self.first_wait <= self.ceiling or self.half_life <= 0:
            raise ValueError("free must be at least 0, first_wait between 0 and ceiling, half_life above 0. Currently, "
                             f"free is {self.free}, first_wait {self.first_wait}, ceiling {self.ceiling}, "
                             f"half_life {self.half_life}.")

    def wait_for(self, strikes: float) -> float:
        """The wait set by a strike that brings the record to ``strikes``."""
        over = strikes - self.free
        return 0.0 if over <= 0 else min(self.ceiling, self.first_wait * 2.0 ** (over - 1.0))


SESSION = Backoff(free=3, first_wait=2.0, ceiling=300.0, half_life=600.0)
ADDRESS = Backoff(free=10, first_wait=2.0, ceiling=900.0, half_life=1800.0)
ACCOUNT = Backoff(free=20, first_wait=2.0, ceiling=900.0, half_life=3600.0)


@dataclass(frozen=True)
class Record:
    strikes: float
    at: float  # when ``strikes`` was counted
    until: float  # no check before this moment

    def weight(self, now: float, half_life: float) -> float:
        return self.strikes * 0.5 ** (max(0.0, now - self.at) / half_life)


class Strikes:
    """Decaying failure records per key, at most ``max_keys`` of them (the faded first, then the
    longest untouched, are forgotten). Not thread-safe: :class:`SignInGuard` holds the lock."""

    def __init__(self, backoff: Backoff, max_keys: int = 10_000):
        if max_keys < 1:
            raise ValueError(f"max_keys must be greater than 0. Currently, max_keys is {max_keys}.")
        self.backoff = backoff
        self.max_keys = max_keys
        self._records: OrderedDict[str, Record] = OrderedDict()

    def weight(self, key: str, now: float) -> float:
        record = self._records.get(key)
        return record.weight(now, self.backoff.half_life) if record else 0.0

    def wait(self, key: str, now: float) -> float:
        record = self._records.get(key)
        return max(0.0, record.until - now) if record else 0.0

    def has_record(self, key: str, now: float) -> bool:
        return self.weight(key, now) >= FADED

    def strike(self, key: str, now: float) -> None:
        before = self.weight(key, now)
        strikes = (before if before >= FADED else 0.0) + 1.0  # a faded record is forgotten, not topped up
        until = max(now + self.backoff.wait_for(strikes), self._records[key].until if key in self._records else 0.0)
        self._records.pop(key, None)
        self._records[key] = Record(strikes, now, until)
        if len(self._records) > self.max_keys:
            self._forget(now)

    def forget(self, key: str) -> None:
        self._records.pop(key, None)

    def _forget(self, now: float) -> None:
        for key in [k for k, r in self._records.items() if r.until <= now and r.weight(now, self.backoff.half_life) < FADED]:
            del self._records[key]
        while len(self._records) > self.max_keys:
            self._records.popitem(last=False)

    def __len__(self) -> int:
        return len(self._records)


def client_address(ip: str | None) -> str:
    """The address key of a client: IPv4 as is, IPv6 by its /64, :data:`LOCAL` when unknown."""
    if not ip:
        return LOCAL
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip.strip()[:64] or LOCAL
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # a dual-stack server sees IPv4 clients as ::ffff:a.b.c.d
    if address.is_loopback:  # Streamlit says None for some spellings of the machine itself, not all
        return LOCAL
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Client:
    """Who attempts a sign-in: the browser session's id and the address key (:func:`client_address`)."""

    session: str
    address: str = LOCAL


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: ``checked`` False when refused without checking the password,
    for the wait of the client or of the account, or (``busy``) because a check of the same
    session or address is running; ``wait`` is the time before the client's next check."""

    ok: bool
    wait: float = 0.0
    checked: bool = True
    busy: bool = False


class SignInGuard:
    """Password checks with decaying backoff per session, per address and for the account
    (the design is in this module's docstring). Thread-safe: Streamlit runs sessions in threads."""

    def __init__(self, session: Backoff = SESSION, address: Backoff = ADDRESS, account: Backoff = ACCOUNT,
                 max_keys: int = 10_000):
        self.sessions = Strikes(session, max_keys)
        self.addresses = Strikes(address, max_keys)
        self.account = Strikes(account, 1)
        self._running: set[str] = set()
        self._lock = threading.Lock()

    def wait(self, client: Client, now: float) -> float:
        """Seconds before ``client`` gets its password checked (0: at once)."""
        with self._lock:
            return self._wait(client, now)

    def _wait(self, client: Client, now: float) -> float:
        own = max(self.sessions.wait(client.session, now), self.addresses.wait(client.address, now))
        failed = self.sessions.has_record(client.session, now) or self.addresses.has_record(client.address, now)
        return max(own, self.account.wait(ACCOUNT_KEY, now) if failed else 0.0)

    def attempt(self, client: Client, password: str, expected: PasswordHash, now: float) -> SignIn:
        keys = ("session " + client.session, "address " + client.address)  # the checks running, in one set
        with self._lock:
            wait = self._wait(client, now)
            if wait > 0:
                return SignIn(False, wait, checked=False)
            if self._running.intersection(keys):
                return SignIn(False, BUSY_WAIT_S, checked=False, busy=True)
            self._running.update(keys)
        try:
            ok = expected.matches(password)  # outside the lock: it takes a fraction of a second
        except BaseException:
            with self._lock:
                self._running.difference_update(keys)
            raise
        with self._lock:
            self._running.difference_update(keys)
            if ok:
                self.sessions.forget(client.session)
                return SignIn(True)
            self.sessions.strike(client.session, now)
            self.addresses.strike(client.address, now)
            self.account.strike(ACCOUNT_KEY, now)
            return SignIn(False, self._wait(client, now))
