"""How the page names the help center it serves, and which questions it offers as examples.

An editor sets them in ``corpus/site.toml`` (three optional keys: ``nom``, ``exemples``,
``invite``); the page reads the file on every run, so a change shows without rebuilding the
index. What the file leaves out comes from the corpus itself: the guide's title when there is
one guide, and its first questions as examples. Parsing and defaults are pure; only
:func:`read_site` touches the disk.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..errors import ContentError
from ..records.passage import Passage
from ..text.controls import strip_bidi

SITE_FILE = "site.toml"
KEYS = ("nom", "exemples", "invite")
MAX_EXAMPLES = 4
# Longer questions make buttons that wrap over several lines: not offered as examples.
MAX_EXAMPLE_CHARS = 80
MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class SiteConfig:
    """What ``site.toml`` says; an empty field means "derive it from the corpus"."""

    name: str = ""
    examples: tuple[str, ...] = ()
    invite: str = ""


@dataclass(frozen=True)
class Site:
    """What the page shows: the help center's ``name`` ("" when unknown), the example questions
    offered as buttons, and ``invite``, the question written in grey in the empty field."""

    name: str
    examples: tuple[str, ...]
    invite: str

    @property
    def page_title(self) -> str:
        """The browser tab's title."""
        return f"{self.name} · Recherche" if self.name else "Recherche dans l'aide"

    @property
    def placeholder(self) -> str:
        """The text of the empty question field."""
        return f"Posez votre question… ex. {self.invite}" if self.invite else "Posez votre question…"


def _text(value: object, key: str, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"« {key} » doit être un texte entre guillemets, non vide "
                           f'(par exemple {key} = "…").', source)
    return " ".join(value.split())


def parse_site(text: str, source: str) -> SiteConfig:
    """The settings of a ``site.toml`` text; raises :class:`ContentError` saying what to fix."""
    try:
        data = tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where in English ("... (at line 3, column 5)"): keep the line, say the rest in French.
        where = re.search(r"line (\d+)", str(exc))
        raise ContentError('cette ligne n\'est pas un réglage valide : écrivez un réglage par ligne, comme '
                           'nom = "Aide de mon service", les textes entre guillemets droits.', source,
                           int(where.group(1)) if where else 0) from exc
    unknown = [key for key in data if key not in KEYS]
    if unknown:
        raise ContentError(f"réglage inconnu « {unknown[0]} » : les réglages possibles sont "
                           f"{', '.join(KEYS)}.", source)
    name = _text(data["nom"], "nom", source) if "nom" in data else ""
    if len(name) > MAX_NAME_CHARS:
        raise ContentError(f"le nom fait {len(name)} caractères : raccourcissez-le à "
                           f"{MAX_NAME_CHARS} au plus (il titre l'onglet du navigateur).", source)
    examples: tuple[str, ...] = ()
    if "exemples" in data:
        values = data["exemples"]
        if not isinstance(values, list):
            raise ContentError('« exemples » doit être une liste : exemples = ["Question 1 ?", "Question 2 ?"].', source)
        examples = tuple(dict.fromkeys(_text(v, "exemples", source) for v in values))
    invite = _text(data["invite"], "invite", source) if "invite" in data else ""
    return SiteConfig(name, examples, invite)


def read_site(corpus_dir: Path) -> SiteConfig:
    """The ``site.toml`` of ``corpus_dir``; an empty configuration when there is none."""
    path = Path(corpus_dir) / SITE_FILE
    if not path.is_file():
        return SiteConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError("le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8.", str(path)) from exc
    # Read at display time, not by a build: bidirectional controls are dropped without a warning.
    return parse_site(strip_bidi(text).text, str(path))


def corpus_name(passages: Sequence[Passage]) -> str:
    """The title of the corpus' only guide; "" when it has several (no one title speaks for all)."""
    guides = {p.guide for p in passages if p.guide}
    return next(iter(guides)) if len(guides) == 1 else ""


def corpus_examples(passages: Sequence[Passage], count: int = MAX_EXAMPLES) -> tuple[str, ...]:
    """The first short questions of the corpus, real questions ("…?") before bare titles
    ("Acte de naissance"), which read as examples of nothing in particular."""
    short = list(dict.fromkeys(p.question for p in passages if len(p.question) <= MAX_EXAMPLE_CHARS))
    questions = [q for q in short if q.rstrip().endswith("?")]
    return tuple((questions + [q for q in short if q not in questions])[:count])


def resolve(config: SiteConfig, passages: Sequence[Passage]) -> Site:
    """The site the page shows: ``config`` where set, the corpus elsewhere."""
    examples = config.examples or corpus_examples(passages)
    return Site(config.name or corpus_name(passages), examples,
                config.invite or (examples[0] if examples else ""))
