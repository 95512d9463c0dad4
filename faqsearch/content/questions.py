"""Rules that turn an item title and its section into the natural French question it answers."""

from __future__ import annotations

import re

from ..text.normalize import fold

_FEMININE_ENDINGS = ("tion", "sion", "te", "ance", "ence", "ure", "ise", "gue", "ase", "ole", "ette", "ie", "ude", "ade", "ique")
_MASCULINE_WORDS = {"centre", "support", "statut", "forum", "guide", "ticket", "compte", "service", "chat", "numero", "email", "e-mail", "courriel", "telephone", "portail", "site"}
_VOWELS = "aeiouyh"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name (YouTube, SPF)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:].lower() != first[1:]):
        return text
    return text[:1].lower() + text[1:]


def _head_noun(title: str) -> str:
    return fold(title).split(" ", 1)[0].rstrip("s") if title else ""


def _is_plural(title: str) -> bool:
    first = fold(title).split(" ", 1)[0]
    return first.endswith(("s", "x")) and first not in {"acces", "cas", "prix"}


def _is_feminine(title: str) -> bool:
    noun = _head_noun(title)
    return noun not in _MASCULINE_WORDS and noun.endswith(_FEMININE_ENDINGS)


def with_article(title: str, preposition: str = "") -> str:
    """French definite article for a title: "le centre d'aide", "aux forums", "à la base"."""
    body = _lower_first(title)
    if _is_plural(title):
        return {"": "les ", "à": "aux ", "de": "des "}[preposition] + body
    if fold(title)[:1] in _VOWELS:
        return {"": "l'", "à": "à l'", "de": "de l'"}[preposition] + body
    if _is_feminine(title):
        return {"": "la ", "à": "à la ", "de": "de la "}[preposition] + body
    return {"": "le ", "à": "au ", "de": "du "}[preposition] + body


def _is_infinitive(word: str) -> bool:
    return fold(word).endswith(("er", "ir", "dre")) and fold(word) not in {"centre", "partenaire", "premier", "dossier"}


def item_question(title: str, section: str = "") -> str:
    """The question a bulleted item answers, e.g. "Support par chat en direct" ->
    "Comment contacter le support par chat en direct ?".
    """
    title = re.sub(r"\s+", " ", title).strip(" :.")
    if not title:
        return ""
    if title.endswith("?"):
        return title
    first = title.split(" ", 1)[0]
    folded = fold(title)
    if folded.startswith("support"):
        return f"Comment contacter {with_article(title)} ?"
    if _is_infinitive(first):
        return f"Comment {_lower_first(title)} ?"
    if " " not in title:
        article = "Quels sont les" if _is_plural(title) else ("Quelle est la" if _is_feminine(title) else "Quel est le")
        return f"{article} {_lower_first(title)} du support ?"
    return f"Comment accéder {with_article(title, 'à')} ?"


def section_question(section: str) -> str:
    """The question answered by a section's introduction: "Quel est le support pour … ?"."""
    section = re.sub(r"\s+", " ", section).strip(" :.")
    if not section:
        return ""
    if section.endswith("?"):
        return section
    if _is_plural(section):
        return f"Quels sont {with_article(section)} ?"
    return f"Quel{'le' if _is_feminine(section) else ''} est {with_article(section)} ?"


def summary_question(guide_title: str) -> str:
    """The question a guide's conclusion answers."""
    title = guide_title.strip()
    if not title:
        return "Que retenir de ce guide ?"
    body = _lower_first(title.rstrip(" ?"))
    return f"En résumé, {body} ?"
