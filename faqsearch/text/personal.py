"""Personal data in a visitor's phrasing: an e-mail address, a phone number or a long number.

A phrasing that holds one is never proposed as a variant: ``variants.csv`` is content, read by
every editor and indexed for every visitor, and « mon numéro client 48213377 ne marche pas »
would publish someone's account number.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# Digits with the separators a phone number is written with (+33 6 12 34 56 78, 06.12.34.56.78,
# (514) 644-4545): eight digits or more make a phone number, whatever the separators.
PHONE = re.compile(r"\+?\(?\d[\d\s.()/-]{6,}\d")
PHONE_DIGITS = 8
# A run of six digits or more: an account, card, order or social security number. Years (2024),
# postal codes (75001) and amounts stay.
LONG_NUMBER = re.compile(r"\d{6,}")


def personal_data(text: str) -> str:
    """What kind of personal data ``text`` holds, in French (« une adresse e-mail »…); "" when none."""
    if EMAIL.search(text):
        return "une adresse e-mail"
    if LONG_NUMBER.search(text):
        return "un long numéro"
    for match in PHONE.finditer(text):
        if sum(c.isdigit() for c in match.group()) >= PHONE_DIGITS:
            return "un numéro de téléphone"
    return ""
