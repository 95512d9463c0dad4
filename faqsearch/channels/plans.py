"""The plans a corpus declares (``plans.csv``, parsed and checked here from its text), the user's
plan as the page, the service and the command line receive it, plans in words, and the plans a
text names. Pure logic: :mod:`faqsearch.content.plans` reads the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Sequence

from ..errors import ContentError
from ..records.plans import FORFAIT, Plan, PlanNoun, Plans
from ..text.normalize import fold

PLANS_FILE = "plans.csv"
PLAN_COLUMNS = ("id", "label", "words", "not_words", "plans")
# Plan ids travel in addresses (?plan=), in the widget's data-plan and in the feedback database
# (a column of 16 characters).
_PLAN_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}")
_UNKNOWN = {"je ne sais pas", "inconnu", "any", "tous"}


# « # appellation : un profil » (plural after a comma when it is not the singular plus "s").
_NOUN_LINE = re.compile(r"#\s*appellation\s*:(.*)", re.IGNORECASE)
_NOUN = re.compile(r"(un|une)\s+([^\W\d_][\w' -]{0,39}?)(?:\s*,\s*des\s+([^\W\d_][\w' -]{0,39}?))?", re.IGNORECASE)


def parse_plans(text: str, source: str) -> Plans:
    """The plans of a ``plans.csv`` text, in the file's order; :class:`ContentError` names the line.

    Lines starting with "#" before the header are comments; « # appellation : un profil » among them
    says what the help center calls its plans (« forfait » otherwise). A row whose ``plans`` column
    lists plans is a group (« payant » for the paid plans): a word of a question that names it names
    those plans.
    """
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    skipped = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    noun = FORFAIT
    for number, line in enumerate(lines[:skipped], start=1):
        if (declared := _NOUN_LINE.match(line.strip())) is not None:
            noun = _noun(declared.group(1).strip(), number, source)
    try:
        plans = _parse_rows("".join(lines[skipped:]), source)
    except ContentError as exc:  # line numbers of the whole file, comments included
        raise ContentError.at(exc.source, exc.line + skipped if exc.line else 0, exc.message) from None
    return replace(plans, noun=noun)


def _noun(text: str, line: int, source: str) -> PlanNoun:
    found = _NOUN.fullmatch(text)
    if found is None:
        raise ContentError.at(source, line, f"appellation « {text[:40]} » : écrivez « # appellation : un profil » "
                              "(ou « une formule » ; un pluriel irrégulier après une virgule : « un journal, des "
                              "journaux »).")
    article, singular, plural = found.group(1).lower(), found.group(2).strip(), (found.group(3) or "").strip()
    default_plural = singular if singular[-1:] in "sxz" else singular + "s"
    return PlanNoun(singular, plural or default_plural, article == "une")


def _parse_rows(text: str, source: str) -> Plans:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("id", "label") if c not in header]
    if missing:
        raise ContentError.at(source, 1, f"colonnes manquantes : {', '.join(missing)} (colonnes lues : "
                              f"{', '.join(PLAN_COLUMNS)}) : ajoutez-les à la première ligne.")
    plans: list[Plan] = []
    groups: list[tuple[Plan, int]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ContentError.at(source, line, f"la ligne a plus de {len(header)} champs : mettez entre guillemets "
                                  "(\"…\") les champs qui contiennent une virgule.")
        row = {k: (v or "").strip() for k, v in row.items() if k}
        plan = _row_plan(row, line, source)
        if any(p.id == plan.id for p in plans) or any(g.id == plan.id for g, _ in groups):
            raise ContentError.at(source, line, f"l'identifiant « {plan.id} » apparaît deux fois : gardez une "
                                  "seule ligne.")
        if plan.includes:
            groups.append((plan, line))
        else:
            plans.append(plan)
    if not plans:
        raise ContentError.at(source, 1, "le fichier ne déclare aucun forfait : écrivez une ligne par forfait "
                              "(id,label,words), ou supprimez le fichier si vos utilisateurs n'en ont pas.")
    ids = [p.id for p in plans]
    for group, line in groups:
        unknown = [p for p in group.includes if p not in ids]
        if unknown or len(group.includes) < 2:
            which = f" ; « {unknown[0]} » n'en est pas un." if unknown else "."
            raise ContentError.at(source, line, f"le groupe « {group.id} » doit réunir au moins deux forfaits "
                                  f"déclarés dans ce fichier ({', '.join(ids)}){which}")
    return Plans(tuple(plans), tuple(g for g, _ in groups))


def _row_plan(row: dict[str, str], line: int, source: str) -> Plan:
    if not _PLAN_ID.fullmatch(row.get("id", "")):
        raise ContentError.at(source, line, f"identifiant « {row.get('id', '')} » : écrivez 1 à 16 lettres "
                              "minuscules sans accent, chiffres ou tirets, par exemple « pro » ou « particulier ».")
    if not row.get("label"):
        raise ContentError.at(source, line, f"le champ « label » de « {row['id']} » est vide : écrivez le nom que la "
                              "page montre, par exemple « Pro ».")
    return Plan(row["id"], row["label"], _list(row.get("words", "")), _list(row.get("not_words", "")),
                _list(row.get("plans", "")))


def _list(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in cell.split(";") if part.strip()))


def plans_text(plans: Plans) -> str:
    """``plans`` written in the format :func:`parse_plans` reads (the index keeps its copy)."""
    out = io.StringIO()
    noun = plans.noun
    if noun != FORFAIT:
        out.write(f"# appellation : {'une' if noun.feminine else 'un'} {noun.singular}, des {noun.plural}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PLAN_COLUMNS)
    for p in plans.plans + plans.groups:
        writer.writerow([p.id, p.label, ";".join(p.words), ";".join(p.not_words), ";".join(p.includes)])
    return out.getvalue()


def parse_plan(value: str | None, plans: Plans) -> str | None:
    """Map a user's plan (its id, its label, one of its words; "", "Je ne sais pas" or None for
    unknown) to a declared plan id; :class:`ValueError` for anything else."""
    if value is None or not value.strip() or fold(value).strip() in _UNKNOWN:
        return None
    wanted = fold(value).strip()
    for plan in plans.plans:
        if wanted in {plan.id, fold(plan.label).strip(), *(fold(w).strip() for w in plan.words)}:
            return plan.id
    if not plans:
        raise ValueError(f"Forfait {value!r} : ce centre d'aide ne déclare aucun forfait ; n'en indiquez pas.")
    raise ValueError(f"{plans.noun.unknown} : {value!r}. Choisissez parmi : {', '.join(plans.ids())}.")


def plans_label(ids: Sequence[str], plans: Plans) -> str:
    """"Pro et Entreprise" for two plans; "tous les forfaits" (in the help center's words) for
    every declared plan."""
    if plans and set(ids) >= set(plans.ids()):
        return plans.noun.every
    labels = [plans.label(p) for p in ids]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]


def describe(ids: Sequence[str], plans: Plans) -> str:
    """One plan's label; several plans through their group: "payant (Pro ou Entreprise)"."""
    if len(ids) <= 1:
        return plans.label(ids[0]) if ids else ""
    labels = " ou ".join(plans.label(p) for p in ids)
    group = plans.group_of(ids)
    return f"{group.label} ({labels})" if group else labels


def plan_id(ids: Sequence[str], plans: Plans) -> str:
    """The id that stands for ``ids`` in the JSON contract: a plan's, its group's, or ""."""
    if len(ids) == 1:
        return ids[0]
    group = plans.group_of(ids) if ids else None
    return group.id if group else ""


def flat(text: str) -> str:
    """Accents and case folded, anything but letters, digits and "/" turned into single spaces."""
    return " " + re.sub(r"[^a-z0-9/]+", " ", fold(text)).strip() + " "


def named_plans(text: str, plans: Plans) -> tuple[str, ...]:
    """Every plan ``text`` names, by its words or its group's, in the declared order."""
    rest = flat(text)
    refused = _refused(plans)
    if refused is not None:
        rest = refused.sub(" ", rest)
    found: list[str] = []
    for pattern, ids in _patterns(plans):
        if pattern.search(rest):
            found.extend(ids)
            rest = pattern.sub(" ", rest)  # the longest words first: « offre pro » before « pro »
    return plans.ordered(found)


def without_plan_words(flat_text: str, plans: Plans) -> str:
    """``flat_text`` (see :func:`flat`) with the words of every plan blanked: a plan named « Mail
    Pro » is not the e-mail channel."""
    for pattern, _ in _patterns(plans):
        flat_text = pattern.sub(" ", flat_text)
    return flat_text


def phrase_pattern(words: Iterable[str]) -> re.Pattern | None:
    """Any of ``words`` as whole words of a flat text, each word with or without a final "s"."""
    keys = sorted({" ".join(re.escape(t) + "s?" for t in flat(w).split()) for w in words} - {""}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9/])(?:" + "|".join(keys) + r")(?![a-z0-9/])") if keys else None


@lru_cache(maxsize=8)
def _patterns(plans: Plans) -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    """One pattern per word of a plan or group and the plans it names, the longest words first."""
    pairs = [(w, (p.id,)) for p in plans.plans for w in p.words] + [(w, g.includes) for g in plans.groups for w in g.words]
    pairs.sort(key=lambda pair: -len(flat(pair[0])))
    return tuple((pattern, ids) for word, ids in pairs if (pattern := phrase_pattern([word])) is not None)


@lru_cache(maxsize=8)
def _refused(plans: Plans) -> re.Pattern | None:
    return phrase_pattern([w for p in plans.plans + plans.groups for w in p.not_words])
