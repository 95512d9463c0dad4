"""Who a row of the feedback store counts for, and what a visitor's text may hold once stored.

The editors' lists count visitor-days: a row counts for its client key (the service's keyed hash
of the visitor's address, :mod:`faqsearch.service.clientkey`) when it has one, else for its
session (the page's visitors), once a day. One script repeating a question with a new session
each time is one client, so it cannot push its question to the top.
"""

from __future__ import annotations

import re

from sqlalchemy import Table, case, distinct, func, literal

from ..text.controls import clean_visitor_text
from ..text.normalize import fold

# What a client key looks like (faqsearch.service.clientkey): checked on every write, so that an
# address passed by mistake is refused instead of stored.
CLIENT_KEY_CHARS = 16
_CLIENT_KEY = re.compile(f"[0-9a-f]{{{CLIENT_KEY_CHARS}}}")


def count_if(condition):
    """``SUM(condition)`` written so that SQLite and PostgreSQL both accept it."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def visitor_day(table: Table, stamp):
    """Who recorded a row, and on which day (UTC): the client key when the service had one, else
    the session (the page's visitors). Counting distinct values counts one visitor once a day."""
    who = func.coalesce(literal("c") + table.c.client_key, literal("s") + table.c.session)
    return who + literal("@") + func.substr(stamp, 1, 10)


def visitors(table: Table, stamp, condition=None):
    """How many distinct visitor-days recorded the rows (those meeting ``condition``, when given)."""
    who = visitor_day(table, stamp)
    return func.count(distinct(who if condition is None else case((condition, who))))


def normalize_question(question: str) -> str:
    """The grouping key of a question: folded, single spaces, no trailing punctuation.

    "Numéro du support ?" and "numero du support" count as the same question.
    """
    return re.sub(r"[\s?!.…]+$", "", " ".join(fold(question).split()))


def checked_client_key(key: str | None) -> str | None:
    """``key`` when it is a client key, None when empty; anything else (an address) is refused."""
    if key and not _CLIENT_KEY.fullmatch(key):
        raise ValueError(f"client_key must be {CLIENT_KEY_CHARS} hexadecimal digits (a keyed hash, never an address). "
                         f"Currently, client_key is {len(key)} characters long.")
    return key or None


def visible(text: str, name: str) -> str:
    """``text`` cleaned of invisible controls; refused when nothing visible is left."""
    cleaned = clean_visitor_text(text)
    if not cleaned:
        raise ValueError(f"{name} must hold visible text. Currently, {name} is {text!r}.")
    return cleaned
