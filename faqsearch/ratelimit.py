"""Requests per client: a token bucket per key. Pure logic; the clock is given.

A question costs the service 15–20 ms of CPU to encode, so one client sending a hundred a second
would hold both cores of a small server, and the endpoints that write (questions asked, ratings)
would fill the editors' lists with anything. A bucket lets a visitor type freely (the widget
searches 250 ms after each pause, bursts included) and stops a script.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

# Distinct clients remembered at once; past that, the longest silent is forgotten (its bucket would
# be full again by then anyway), so a flood of spoofed addresses cannot grow memory without bound.
MAX_CLIENTS = 100_000


@dataclass(frozen=True)
class Rate:
    """``per_minute`` requests a minute on average, up to ``burst`` at once."""

    per_minute: float
    burst: int

    def __post_init__(self):
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("per_minute must be greater than 0 and burst at least 1. "
                             f"Currently, per_minute is {self.per_minute} and burst is {self.burst}.")


class RateLimiter:
    """One token bucket per key (a client's address): full at ``rate.burst`` tokens, refilled at
    ``rate.per_minute`` a minute, one token a request."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic, max_clients: int = MAX_CLIENTS):
        if max_clients < 1:
            raise ValueError(f"max_clients must be greater than 0. Currently, max_clients is {max_clients}.")
        self.rate = rate
        self._clock = clock
        self._max = max_clients
        self._per_second = rate.per_minute / 60.0
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """0 when ``key`` may go on (a token is taken), else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, when = self._buckets.pop(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - when) * self._per_second)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return 0.0 if allowed else (1.0 - tokens) / self._per_second

    def __len__(self) -> int:
        return len(self._buckets)


def retry_after(seconds: float) -> int:
    """Whole seconds for a ``Retry-After`` header: never 0 for a refused request."""
    return max(1, math.ceil(seconds))
