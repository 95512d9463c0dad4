"""The token bucket per client, on a clock the test moves."""

from __future__ import annotations

import pytest

from faqsearch.ratelimit import Rate, RateLimiter, retry_after


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_through_then_the_client_waits_for_the_refill():
    clock = Clock()
    limiter = RateLimiter(Rate(per_minute=60, burst=3), clock)  # one a second
    assert [limiter.wait("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("a") == pytest.approx(1.0)
    clock.now += 0.5
    assert limiter.wait("a") == pytest.approx(0.5)  # a refused request takes nothing
    clock.now += 0.5
    assert limiter.wait("a") == 0.0
    clock.now += 3600  # a long silence refills to the burst, no further
    assert [limiter.wait("a") for _ in range(4)][-1] > 0


def test_each_client_has_its_own_bucket():
    limiter = RateLimiter(Rate(per_minute=1, burst=1), Clock())
    assert limiter.wait("203.0.113.1") == 0.0
    assert limiter.wait("203.0.113.1") == pytest.approx(60.0)
    assert limiter.wait("203.0.113.2") == 0.0


def test_memory_is_bounded_by_forgetting_the_longest_silent_client():
    clock = Clock()
    limiter = RateLimiter(Rate(per_minute=1, burst=1), clock, max_clients=2)
    limiter.wait("a")
    clock.now += 1
    limiter.wait("b")
    clock.now += 1
    limiter.wait("a")  # "a" was seen last: "b" is the one forgotten
    limiter.wait("c")
    assert len(limiter) == 2
    assert limiter.wait("a") > 0 and limiter.wait("b") == 0.0


@pytest.mark.parametrize("per_minute, burst", [(0, 1), (-5, 3), (10, 0)])
def test_bad_rates_say_how_to_fix_them(per_minute, burst):
    with pytest.raises(ValueError, match="per_minute must be greater than 0 and burst at least 1"):
        Rate(per_minute, burst)


def test_retry_after_is_whole_seconds_and_never_zero():
    assert retry_after(0.01) == 1 and retry_after(1.0) == 1 and retry_after(1.2) == 2
