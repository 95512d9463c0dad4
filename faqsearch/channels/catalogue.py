"""The support-channel catalogue: ``channels.csv`` parsed and checked, and written back.

Pure logic over :class:`Channel` records: callers hand :func:`parse_catalogue` the text of the
file (the corpus reads an editor's ``corpus/channels.csv``, the index its own copy), and
:func:`write_catalogue` writes the index's copy.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..records.channel import Channel
from ..records.plans import NO_PLANS, Plans
from ..text.normalize import fold
from ..text.urls import web_url

REQUIRED_COLUMNS = ("id", "name")
COLUMNS = ("id", "name", "keywords", "url", "email", "phones", "console_path", "availability",
           "plans", "response_time", "best_for", "general")
# Read when present, written always: catalogues written before it still load.
OPTIONAL_COLUMNS = ("not_keywords",)


@dataclass(frozen=True)
class Catalogue:
    """The ordered channels (the order is the editor's preference among equals), and the plans the
    help center declares (:data:`NO_PLANS` when it declares none: then nothing speaks of plans)."""

    channels: tuple[Channel, ...]
    plans: Plans = NO_PLANS

    def get(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def ids(self) -> set[str]:
        return {c.id for c in self.channels}

    def match(self, text: str) -> Channel | None:
        """The channel whose keyword appears earliest in ``text`` (longest keyword on ties)."""
        folded = " " + re.sub(r"[^a-z0-9/]+", " ", fold(text)) + " "
        best: tuple[int, int, int] | None = None
        found: Channel | None = None
        for order, channel in enumerate(self.channels):
            for keyword in channel.keywords:
                key = re.sub(r"[^a-z0-9/]+", " ", fold(keyword)).strip()
                pos = folded.find(" " + key) if key else -1
                if pos >= 0:
                    rank = (pos, -len(key), order)
                    if best is None or rank < best:
                        best, found = rank, channel
        return found


def parse_catalogue(text: str, source: str, plans: Plans = NO_PLANS) -> Catalogue:
    """Parse the text of ``channels.csv``; raise :class:`ContentError` naming the line to fix.

    The ``plans`` column names plans (or groups of plans) among ``plans``; it stays empty when
    the help center declares none.

    Every column must be in the header (a missing ``general`` column would silently leave
    off-topic questions without any channel), every row must have all its fields, and contacts
    must be usable links: ``http(s)`` address, e-mail address, phone numbers.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if len(header) == 1 and header[0].count(";") >= 2:
        raise ContentError.at(source, 1, "les colonnes sont séparées par des points-virgules (format « CSV » d'Excel en "
                             "français) : enregistrez le fichier au format « CSV UTF-8 (délimité par des virgules) », "
                             "ou remplacez les « ; » qui séparent les colonnes par des virgules.")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ContentError.at(source, 1, f"colonnes manquantes : {', '.join(missing)} (colonnes attendues : "
                             f"{', '.join(COLUMNS)}) : ajoutez-les à la première ligne, même vides.")
    channels: list[Channel] = []
    for row in reader:
        line = reader.line_num
        if None in row.values():
            raise ContentError.at(source, line, f"la ligne n'a que {sum(v is not None for v in row.values())} champs "
                                 f"sur {len(header)} : complétez-la (un champ vide s'écrit avec deux virgules "
                                 "consécutives).")
        if None in row:
            raise ContentError.at(source, line, f"la ligne a plus de {len(header)} champs : mettez entre guillemets "
                                 "(\"…\") les champs qui contiennent une virgule.")
        row = {k: (v or "").strip() for k, v in row.items() if k}
        required = REQUIRED_COLUMNS + (("plans",) if plans else ())  # without plans, nothing speaks of them
        empty = next((column for column in required if not row.get(column)), None)
        if empty:
            raise ContentError.at(source, line, f"le champ obligatoire « {empty} » est vide"
                                 f"{' pour « ' + row['id'] + ' »' if row.get('id') else ''} : remplissez-le "
                                 f"(champs obligatoires : {', '.join(required)}).")
        channel_plans = _channel_plans(row, plans, line, source)
        if any(c.id == row["id"] for c in channels):
            raise ContentError.at(source, line, f"l'identifiant « {row['id']} » apparaît deux fois.")
        problem = contact_problem(row)
        if problem:
            raise ContentError.at(source, line, f"canal « {row['id']} » : {problem}")
        channels.append(Channel(
            id=row["id"], name=row["name"],
            keywords=tuple(k.strip() for k in row.get("keywords", "").split(";") if k.strip()),
            url=row.get("url", ""), email=row.get("email", ""), phones=tuple(_phones(row, line, source)),
            console_path=row.get("console_path", ""), availability=row.get("availability", ""),
            plans=channel_plans, response_time=row.get("response_time", ""), best_for=row.get("best_for", ""),
            general=fold(row.get("general", "")) in {"oui", "yes", "true", "1", "x"},
            not_keywords=tuple(k.strip() for k in row.get("not_keywords", "").split(";") if k.strip()),
        ))
    if not channels:
        raise ContentError.at(source, 1, "le catalogue ne contient aucun canal.")
    return Catalogue(tuple(channels), plans)


def _channel_plans(row: dict[str, str], plans: Plans, line: int, source: str) -> tuple[str, ...]:
    """The declared plans of a row's ``plans`` cell, a group standing for its plans."""
    named = tuple(p.strip() for p in row.get("plans", "").split(";") if p.strip())
    if named and not plans:
        raise ContentError.at(source, line, f"forfait « {named[0]} » pour « {row['id']} », mais le corpus ne déclare "
                              "aucun forfait : déclarez-les dans plans.csv (voir docs/contenu.md#forfaits), ou videz "
                              "la colonne plans.")
    out: list[str] = []
    for name in named:
        found = plans.get(name)
        if found is None:
            raise ContentError.at(source, line, f"forfait inconnu « {name} » pour « {row['id']} » : utilisez "
                                  f"{', '.join(plans.ids() + tuple(g.id for g in plans.groups))} (déclarés dans "
                                  "plans.csv), ou déclarez-le dans plans.csv.")
        out.extend(found.includes or (found.id,))
    return plans.ordered(out)


def _phones(row: dict[str, str], line: int, source: str) -> list[tuple[str, str]]:
    """The ``Pays=+33 …`` numbers of a catalogue row, each checked."""
    phones = []
    for part in filter(None, (p.strip() for p in row.get("phones", "").split(";"))):
        country, sep, number = part.partition("=")
        if not sep:
            raise ContentError.at(source, line, f"numéro « {part} » : écrivez « Pays=+33 … ».")
        if not is_phone_number(number.strip()):
            raise ContentError.at(source, line, f"numéro « {number.strip()} » pour « {row['id']} » : ce n'est pas "
                                 "un numéro de téléphone ; écrivez des chiffres, avec « + » et l'indicatif du "
                                 "pays, par exemple « France=+33 1 23 45 67 89 ».")
        phones.append((country.strip(), number.strip()))
    return phones


# Deliberately plain shapes: they catch typos and pasted scripts, not every exotic valid form.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9](?:[0-9 .()/-]*[0-9])?")
_MIN_PHONE_DIGITS = 6


def is_phone_number(text: str) -> bool:
    """Digits with the usual separators and an optional leading "+", at least six digits."""
    return bool(_PHONE.fullmatch(text)) and sum(ch.isdigit() for ch in text) >= _MIN_PHONE_DIGITS


def contact_problem(row: dict[str, str]) -> str:
    """What is wrong with a catalogue row's ``url`` or ``email`` and how to fix it, or ""."""
    url = row.get("url", "")
    if url and not web_url(url):  # the rule of every reader for an address
        return (f"l'url « {url} » n'est pas une adresse web : écrivez une adresse complète qui commence par "
                "https:// (ou http://).")
    email = row.get("email", "")
    if email and not _EMAIL.fullmatch(email):
        return f"l'e-mail « {email} » n'est pas une adresse e-mail : écrivez une adresse de la forme nom@domaine.fr."
    return ""


def write_catalogue(catalogue: Catalogue, path: Path) -> None:
    """Write ``catalogue`` in the format :func:`parse_catalogue` reads (the index keeps its copy)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS + OPTIONAL_COLUMNS))
        writer.writeheader()
        for c in catalogue.channels:
            writer.writerow({
                "id": c.id, "name": c.name, "keywords": ";".join(c.keywords), "url": c.url, "email": c.email,
                "phones": "; ".join(f"{k}={v}" for k, v in c.phones), "console_path": c.console_path,
                "availability": c.availability, "plans": ";".join(c.plans), "response_time": c.response_time,
                "best_for": c.best_for, "general": "oui" if c.general else "non",
                "not_keywords": ";".join(c.not_keywords),
            })
