"""The service's own limits: the size of a request, and the requests of one client address.

Everything else it takes from :class:`faqsearch.settings.Settings`, read from the environment, so
that every uvicorn worker process (started from an import string) rebuilds the same settings;
``python -m faqsearch serve`` turns its options into these variables.
"""

from __future__ import annotations

from ..ratelimit import Rate

# A request-size guard: a help-center question is a sentence or two, and longer text only costs
# encoding time for everyone. The engine has its own cut, reported in the answer's ``notice``.
MAX_QUERY_CHARS = 500
MAX_BODY_BYTES = 16 * 1024
MAX_PASSAGE_ID_CHARS = 300


def rates(searches_per_minute: int) -> tuple[Rate | None, Rate | None]:
    """The limits for searches (and passages) and for writes (questions, ratings) from one number:
    bursts of a tenth of a minute's searches, so a visitor typing a long question is never
    stopped; writes, one per question asked, at a tenth of the search rate. 0: no limit."""
    if searches_per_minute <= 0:
        return None, None
    writes = searches_per_minute / 10
    return (Rate(searches_per_minute, max(1, searches_per_minute // 10)),
            Rate(writes, max(1, int(writes // 3))))


def typing_rate(searches_per_minute: int) -> Rate | None:
    """The limit for the endpoints called while typing (suggestions, related questions): the widget
    asks for suggestions 60 ms after each keystroke, up to ~16 a second for a fast typist, and each
    costs a few milliseconds, not an encoding. Four times the search rate on average (20 a second
    by default) with bursts of a fifth of it (60), so typing never runs the bucket dry while a script
    stays bounded. 0: no limit."""
    if searches_per_minute <= 0:
        return None
    return Rate(searches_per_minute * 4, max(1, searches_per_minute // 5))
