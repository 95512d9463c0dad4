"""The support-channel catalogue and the rules that pick the channel for a question.

Pure logic over :class:`Channel` records; :func:`read_catalogue` is the only I/O (a CSV an editor
can change in ``corpus/channels.csv``), :func:`parse_catalogue` validates its text.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from .errors import ContentError
from .documents import PLAN_LABELS, PLANS, Channel, ChannelAdvice, Hit, Passage
from .text import fold, web_url

REQUIRED_COLUMNS = ("id", "name", "plans")
COLUMNS = ("id", "name", "keywords", "url", "email", "phones", "console_path", "availability",
           "plans", "response_time", "best_for", "general")
PLAN_ALIASES = {"gratuit": "gratuit", "free": "gratuit", "lite": "lite", "mail lite": "lite",
                "premium": "premium"}


def parse_plan(value: str | None) -> str | None:
    """Map a user's plan ("Gratuit", "Mail Lite", "free", "", None) to a plan id, or None if unknown."""
    if value is None or not value.strip() or fold(value).strip() in {"je ne sais pas", "inconnu", "any", "tous"}:
        return None
    plan = PLAN_ALIASES.get(fold(value).strip())
    if plan is None:
        raise ValueError(f"Forfait inconnu : {value!r}. Choisissez parmi : {', '.join(PLANS)}.")
    return plan


def plans_label(plans: Sequence[str]) -> str:
    """"Mail Lite et Premium" for ("lite", "premium"); "tous les forfaits" for every plan."""
    if set(plans) >= set(PLANS):
        return "tous les forfaits"
    labels = [PLAN_LABELS[p] for p in plans]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]


@dataclass(frozen=True)
class Catalogue:
    """The ordered channels; the order is the editor's preference among equals."""

    channels: tuple[Channel, ...]

    def get(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def ids(self) -> set[str]:
        return {c.id for c in self.channels}

    def general_for(self, plan: str | None) -> tuple[Channel, ...]:
        """The general-purpose channels a plan may use (the fallbacks the guide recommends)."""
        return tuple(c for c in self.channels if c.general and c.open_to(plan))

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


def read_catalogue(path: Path) -> Catalogue:
    """Read ``channels.csv`` (a content file: see :func:`faqsearch.corpus.read_content`)."""
    from .corpus import read_content  # corpus builds on this module; the reader is shared with it

    return parse_catalogue(read_content(path, Path(path).parent), str(path))


def parse_catalogue(text: str, source: str) -> Catalogue:
    """Parse the text of ``channels.csv``; raise :class:`ContentError` naming the line to fix.

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
        for column in REQUIRED_COLUMNS:
            if not row.get(column):
                raise ContentError.at(source, line, f"le champ obligatoire « {column} » est vide"
                                     f"{' pour « ' + row['id'] + ' »' if row.get('id') else ''} : remplissez-le "
                                     f"(champs obligatoires : {', '.join(REQUIRED_COLUMNS)}).")
        plans = tuple(p.strip() for p in row["plans"].split(";") if p.strip())
        unknown = [p for p in plans if p not in PLANS]
        if unknown:
            raise ContentError.at(source, line, f"forfait inconnu « {unknown[0]} » pour « {row['id']} » : utilisez {', '.join(PLANS)}.")
        if any(c.id == row["id"] for c in channels):
            raise ContentError.at(source, line, f"l'identifiant « {row['id']} » apparaît deux fois.")
        problem = contact_problem(row)
        if problem:
            raise ContentError.at(source, line, f"canal « {row['id']} » : {problem}")
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
        channels.append(Channel(
            id=row["id"], name=row["name"],
            keywords=tuple(k.strip() for k in row.get("keywords", "").split(";") if k.strip()),
            url=row.get("url", ""), email=row.get("email", ""), phones=tuple(phones),
            console_path=row.get("console_path", ""), availability=row.get("availability", ""),
            plans=plans, response_time=row.get("response_time", ""), best_for=row.get("best_for", ""),
            general=fold(row.get("general", "")) in {"oui", "yes", "true", "1", "x"},
        ))
    if not channels:
        raise ContentError.at(source, 1, "le catalogue ne contient aucun canal.")
    return Catalogue(tuple(channels))


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
    """Write ``catalogue`` in the format :func:`read_catalogue` reads (the index keeps its copy)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        for c in catalogue.channels:
            writer.writerow({
                "id": c.id, "name": c.name, "keywords": ";".join(c.keywords), "url": c.url, "email": c.email,
                "phones": "; ".join(f"{k}={v}" for k, v in c.phones), "console_path": c.console_path,
                "availability": c.availability, "plans": ";".join(c.plans), "response_time": c.response_time,
                "best_for": c.best_for, "general": "oui" if c.general else "non",
            })


def assign_channels(passages: Sequence[Passage], catalogue: Catalogue) -> list[Passage]:
    """Give each passage the channel it describes or points to, and the plans that may use it.

    The item's title names the channel most reliably ("Support téléphonique"); failing that, the
    first channel its answer mentions ("Consultez d'abord le Centre d'aide…"). An editor's
    explicit ``Canal :`` is kept as written (it is validated elsewhere).
    """
    out = []
    for passage in passages:
        channel_id = passage.channel
        if not channel_id:
            found = catalogue.match(passage.title) or catalogue.match(passage.answer)
            channel_id = found.id if found else ""
        channel = catalogue.get(channel_id)
        plans = channel.plans if channel else _plans_from_section(passage.section)
        out.append(replace(passage, channel=channel_id, plans=plans))
    return out


def _plans_from_section(section: str) -> tuple[str, ...]:
    folded = fold(section)
    if "payant" in folded:
        return ("lite", "premium")
    found = tuple(p for p in PLANS if re.search(rf"\b{p}\b", folded))
    return found or PLANS


def recommend(hits: Sequence[Hit], catalogue: Catalogue, plan: str | None, confident: bool) -> ChannelAdvice | None:
    """The channel for a question: the one of its best passage, or the general channels when that
    passage has none.

    When the user's plan cannot use it, the advice says so and lists the general channels that
    plan can use, as the guide does for the free plan. Without a confident answer, the general
    channels for the plan are offered instead.
    """
    general = catalogue.general_for(plan)
    if not confident or not hits:
        if not general:
            return None
        return ChannelAdvice(
            general[0],
            "Le guide ne semble pas couvrir cette question : commencez par ces canaux généraux"
            + (f" ouverts au forfait {PLAN_LABELS[plan]}." if plan else "."),
            True, general[1:],
        )
    # The card follows the best answer: an overview (a passage of no channel of its own, such as
    # the guide's introduction or a plan's summary) gets the general channels, not the channel of
    # whichever lower passage happens to name one ("de l'aide gratuitement" is not a paid partner).
    top = hits[0] if catalogue.get(hits[0].passage.channel) else None
    if top is None:
        channel = general[0] if general else None
        if channel is None:
            return None
        return ChannelAdvice(channel, f"Aucun canal précis n'est associé à « {hits[0].passage.question} » : "
                             "ce canal général est le meilleur point de départ.", True, general[1:])
    channel = catalogue.get(top.passage.channel)
    assert channel is not None
    reason = f"Ce canal correspond au passage « {top.passage.question} »."
    if channel.best_for:
        reason += f" Idéal pour : {channel.best_for[:1].lower()}{channel.best_for[1:]}."
    if channel.open_to(plan):
        return ChannelAdvice(channel, reason, True)
    alternatives = tuple(c for c in general if c.id != channel.id)
    names = " et ".join(c.name.lower() if i else c.name for i, c in enumerate(alternatives[:2]))
    return ChannelAdvice(
        channel,
        f"{channel.name} est réservé aux forfaits {plans_label(channel.plans)} ; il n'est pas ouvert au "
        f"forfait {PLAN_LABELS[plan]}." + (f" Avec votre forfait, utilisez plutôt : {names}." if names else ""),
        False, alternatives,
    )
