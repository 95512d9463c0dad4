"""Read a FAQ table exported from a help center (CSV, JSON Lines or JSON) into passages, one per row.

Pure logic: decoded text in, passages out. Columns are matched case- and accent-insensitively
against French and English names (``question``/``title``/``titre``, ``answer``/``text``/``réponse``…).
A column that looks like a misspelt known name ("reponce", "answr") is an error that names the
right one; any other column (a help center's export carries dates, authors, tags) is left out and
reported, so the table still builds and the editor sees what was not read. A CSV may be separated
by commas, semicolons (French Excel) or tabs: the separator that makes the header's names known
wins. Answers are kept whole, however long.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import json
import re
from dataclasses import dataclass
from typing import Iterable

from ..errors import ContentError
from ..records.passage import Passage
from ..text.normalize import fold, normalize, slug
from .audience import split_values
from .jsontext import loads_checked, whole_characters

# Field -> accepted column names (compared folded: "Réponse" and "reponse" are the same).
COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("question", "title", "titre", "intitulé", "subject", "sujet"),
    "answer": ("answer", "text", "réponse", "contenu", "body", "content", "texte"),
    "id": ("id",),
    "section": ("section", "category", "catégorie", "rubrique", "thème", "topic"),
    "url": ("url", "lien", "link"),
    "channel": ("channel", "canal"),
    "variants": ("variants", "variantes"),
    "audience": ("public", "audience", "forfaits"),
}
# A column this close to a known name (difflib ratio) is taken for a misspelling of it.
MISSPELT = 0.8
# An answer exported as HTML (the "body" of a help-center article): read as a saved page's text is.
_HTML = re.compile(r"<(?:p|br|ul|ol|li|div|h[1-6]|table|tr|td|a|b|strong|em|i|span|img|blockquote|pre|code|dl|dd)\b[^>]*>",
                   re.IGNORECASE)
_BETWEEN = re.compile(r"[\s,]*")  # between two objects of a JSON array
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
REQUIRED = ("question", "answer")
DELIMITERS = (",", ";", "\t")
VARIANT_SEPARATOR = "|"
# csv refuses a value over 131,072 characters by default, but an exported article can be longer
# (the same answer in JSON is read whole). A value beyond this is a quote left open that swallowed
# the rest of the file rather than an answer.
MAX_CSV_FIELD_CHARS = 10_000_000
_FIELD_OF = {fold(name): field for field, names in COLUMNS.items() for name in names}
_NAME_OF = {fold(name): name for names in COLUMNS.values() for name in names}
_LABELS = {"question": "la question", "answer": "la réponse"}


def accepted_names() -> str:
    """The column names an editor may use, for error messages."""
    return " ; ".join(f"{field} : {', '.join(names)}" for field, names in COLUMNS.items())


@dataclass(frozen=True)
class Row:
    """One record of a table: the line it starts on and its values by field."""

    line: int
    values: dict[str, str]
    columns: dict[str, str]  # field -> the column name the file uses for it (for messages)


@dataclass(frozen=True)
class Ignored:
    """A column of the table that no field reads, and the line it first appears on."""

    name: str
    line: int


def _misspelt(name: str) -> str | None:
    """The known column name ``name`` is most likely a misspelling of, if any. A longer name
    that merely starts like one ("section_id", "category_id" in an export) is another column."""
    folded = fold(name.strip())
    close = [known for known in difflib.get_close_matches(folded, list(_FIELD_OF), n=3, cutoff=MISSPELT)
             if abs(len(known) - len(folded)) <= 1]
    return _NAME_OF[close[0]] if close else None


def _fields(names: Iterable[str], source: str, line: int) -> tuple[dict[str, str], list[str]]:
    """Column name -> field, and the names no field reads; a misspelt name and two names for
    one field are errors."""
    out: dict[str, str] = {}
    ignored: list[str] = []
    for name in names:
        field = _FIELD_OF.get(fold(name.strip()))
        if field is None:
            meant = _misspelt(name)
            if meant is not None:
                raise ContentError.at(source, line, f"colonne inconnue « {name} » : vouliez-vous écrire « {meant} » ? "
                                       f"Renommez-la (colonnes acceptées, majuscules et accents indifférents : "
                                       f"{accepted_names()}).")
            ignored.append(name)
            continue
        twin = next((other for other, f in out.items() if f == field), None)
        if twin is not None:
            raise ContentError.at(source, line, f"les colonnes « {twin} » et « {name} » désignent toutes deux "
                                   f"{_LABELS.get(field, 'le champ « ' + field + ' »')} : gardez-en une seule.")
        out[name] = field
    missing = [f for f in REQUIRED if f not in out.values()]
    if missing:
        wanted = " et ".join(f"{_LABELS[f]} ({', '.join(COLUMNS[f])})" for f in missing)
        raise ContentError.at(source, line, f"il manque une colonne pour {wanted} : ajoutez-la "
                               f"(colonnes trouvées : {', '.join(names) or 'aucune'}).")
    return out, ignored


def _delimiter(header: str) -> str:
    """The separator under which the header has the most known column names (comma on a tie)."""
    def known(delimiter: str) -> int:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return sum(fold(c.strip()) in _FIELD_OF for c in cells)

    return max(DELIMITERS, key=lambda d: (known(d), d == ","))


def csv_rows(text: str, source: str) -> tuple[list[Row], list[Ignored]]:
    """The records of a CSV table, each with the line of the file it starts on, and the columns
    no field reads."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        raise ContentError.at(source, 1, "la table est vide : écrivez une ligne d'en-tête (question,answer) puis une ligne par entrée.")
    delimiter = _delimiter(lines[header_line])
    if csv.field_size_limit() < MAX_CSV_FIELD_CHARS:  # process-wide, and only ever raised
        csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    header: list[str] | None = None
    fields: dict[str, str] = {}
    ignored: list[Ignored] = []
    end = 0  # last line of the previous record: a record starts on the next one
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                # An unnamed column is tolerated only while empty (Excel's trailing separators).
                fields, unread = _fields([h for h in header if h], source, start)
                ignored = [Ignored(name, start) for name in unread]
                continue
            if len(cells) > len(header):
                raise ContentError.at(source, start, f"la ligne a {len(cells)} valeurs pour {len(header)} colonnes : "
                                       "mettez entre guillemets une valeur qui contient le séparateur "
                                       f"« {delimiter if delimiter != chr(9) else 'tabulation'} ».")
            values: dict[str, str] = {}
            for name, cell in zip(header, cells):
                if not name:
                    if cell.strip():
                        raise ContentError.at(source, start, f"une valeur (« {cell.strip()[:40]} ») est dans une colonne "
                                               "sans nom : donnez un nom à la colonne ou videz-la.")
                    continue
                if name in fields:
                    values[fields[name]] = cell
            rows.append(Row(start, values, {f: n for n, f in fields.items()}))
    except csv.Error as exc:
        if "field limit" in str(exc):
            limit = f"{MAX_CSV_FIELD_CHARS:,}".replace(",", " ")
            raise ContentError.at(source, end + 1, f"une valeur dépasse {limit} caractères : un guillemet ouvert n'a "
                                  "sans doute pas été refermé, et la suite du fichier est lue comme une seule valeur ; "
                                  "refermez-le (ou découpez cette entrée).") from exc
        raise ContentError.at(source, end + 1, f"la table CSV est mal formée ({exc}) : vérifiez les guillemets "
                               "(une valeur sur plusieurs lignes doit être entre guillemets).") from exc
    if header is None:
        raise ContentError.at(source, 1, "la table est vide : écrivez une ligne d'en-tête (question,answer) puis une ligne par entrée.")
    if not rows:
        raise ContentError.at(source, end, "la table n'a aucune entrée sous son en-tête : ajoutez une ligne par "
                              "question ou supprimez le fichier.")
    return rows, ignored


def _json_value(value: object, key: str, source: str, line: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return VARIANT_SEPARATOR.join(value)
    raise ContentError.at(source, line, f"la valeur de « {key} » doit être un texte (elle est de type {type(value).__name__}).")


def _json_row(record: dict, source: str, number: int, ignored: dict[str, Ignored]) -> Row:
    """One JSON object as a row; its keys no field reads are added to ``ignored`` (first line each)."""
    fields, unread = _fields(list(record), source, number)
    for name in unread:
        ignored.setdefault(name, Ignored(name, number))
    values = {fields[k]: whole_characters(_json_value(v, k, source, number), k, source, number)
              for k, v in record.items() if k in fields}
    return Row(number, values, {f: n for n, f in fields.items()})


def jsonl_rows(text: str, source: str) -> tuple[list[Row], list[Ignored]]:
    """The records of a JSON Lines table (one JSON object per line, blank lines ignored), and the
    keys no field reads, each at the first line that has it."""
    rows: list[Row] = []
    ignored: dict[str, Ignored] = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = loads_checked(line, source, number)
        except ContentError:
            raise
        except ValueError as exc:
            raise ContentError.at(source, number, f"ligne JSON invalide ({exc}) : chaque ligne doit être un objet "
                                   '{"question": "…", "answer": "…"}.') from exc
        if not isinstance(record, dict):
            raise ContentError.at(source, number, 'la ligne doit être un objet JSON {"question": "…", "answer": "…"}.')
        rows.append(_json_row(record, source, number, ignored))
    if not rows:
        raise ContentError.at(source, 1, 'la table est vide : écrivez un objet {"question": "…", "answer": "…"} par ligne.')
    return rows, list(ignored.values())


def json_rows(text: str, source: str) -> tuple[list[Row], list[Ignored]]:
    """The records of a JSON export: an array of objects, or an object holding one array of
    objects (``{"articles": [...]}``), each with the line its object starts on."""
    text = text.lstrip("\ufeff")
    try:
        data = loads_checked(text, source, 1)
    except ContentError:
        raise
    except ValueError as exc:
        line = getattr(exc, "lineno", 1)
        raise ContentError.at(source, line, f"JSON invalide ({exc}) : le fichier doit être une liste d'objets "
                               '[{"question": "…", "answer": "…"}, …].') from exc
    start = 0
    if isinstance(data, dict):
        lists = [key for key, value in data.items() if isinstance(value, list) and value
                 and all(isinstance(v, dict) for v in value)]
        if len(lists) != 1:
            found = ", ".join(f"« {k} »" for k in lists) or "aucune"
            raise ContentError.at(source, 1, "l'objet JSON doit contenir une seule liste d'entrées (listes d'objets "
                                   f"trouvées : {found}) : gardez-en une, ou écrivez directement la liste.")
        data = data[lists[0]]
        key = re.search(r'"' + re.escape(json.dumps(lists[0], ensure_ascii=False)[1:-1]) + r'"\s*:\s*\[', text)
        start = key.end() - 1 if key else -1  # a key written with \u escapes: lines are not told
    if not isinstance(data, list) or not data:
        raise ContentError.at(source, 1, 'le fichier JSON doit être une liste non vide d\'objets [{"question": "…", "answer": "…"}, …].')
    rows: list[Row] = []
    ignored: dict[str, Ignored] = {}
    decoder, at = json.JSONDecoder(), (text.index("[", start) + 1 if start >= 0 else -1)
    for record in data:
        number = 1
        if at >= 0:
            # Where this object starts, for its line in messages: decoded again from its place.
            try:
                at = _BETWEEN.match(text, at).end()
                number, at = text.count("\n", 0, at) + 1, decoder.raw_decode(text, at)[1]
            except ValueError:
                at, number = -1, 1
        if not isinstance(record, dict):
            raise ContentError.at(source, number, 'chaque élément de la liste doit être un objet {"question": "…", "answer": "…"}.')
        rows.append(_json_row(record, source, number, ignored))
    return rows, list(ignored.values())


def _clean(value: str) -> str:
    return normalize(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _answer_text(value: str, source: str, line: int) -> str:
    """An answer cell as text: HTML (an exported article body) read like a saved page's."""
    if not _HTML.search(value):
        return _plain(value)
    from .pages import fragment_text  # BeautifulSoup is loaded only for tables that need it

    return _clean(fragment_text(value, source=source, line=line))


def _plain(value: str) -> str:
    """A cell with HTML entities ("Qu&#39;est-ce", "d&eacute;lai") decoded."""
    return _clean(html.unescape(value)) if _ENTITY.search(value) else value


def rows_passages(rows: list[Row], name: str, guide: str, source: str) -> list[Passage]:
    """One passage per row. Ids: ``<file>/<id>`` with an ``id`` column, else ``<file>/<section>/<question>``."""
    guide_id = slug(name)
    seen_ids: dict[str, int] = {}
    passages = []
    for row in rows:
        values = {field: _clean(value) for field, value in row.values.items() if field != "variants"}
        get = values.get
        question, answer = _plain(get("question", "")), _answer_text(get("answer", ""), source, row.line)
        if not question:
            raise ContentError.at(source, row.line, f"la question (colonne « {row.columns['question']} ») est vide : "
                                   "écrivez-la ou supprimez la ligne.")
        if not answer:
            raise ContentError.at(source, row.line, f"la réponse (colonne « {row.columns['answer']} ») est vide pour "
                                   f"« {question[:80]} » : écrivez-la ou supprimez la ligne.")
        explicit = get("id", "")
        if explicit:
            if explicit in seen_ids:
                raise ContentError.at(source, row.line, f"l'identifiant « {explicit} » apparaît deux fois (aussi en "
                                       f"{source}:{seen_ids[explicit]}) : chaque ligne doit avoir le sien.")
            seen_ids[explicit] = row.line
            pid = f"{guide_id}/{explicit}"
        else:
            section = get("section", "")
            # A long question makes a long id: its first 80 characters tell it apart well enough.
            key = slug(question)[:80].rstrip("-")
            pid = "/".join(p for p in (guide_id, slug(section) if section else "", key) if p)
        variants = tuple(v for v in (_clean(v) for v in row.values.get("variants", "").split(VARIANT_SEPARATOR)) if v)
        passages.append(Passage(pid, guide, get("section", ""), question, question, answer, get("channel", ""),
                                source=f"{source}:{row.line}", url=get("url", ""), variants=variants,
                                audience=split_values(get("audience", ""))))
    return passages


@dataclass(frozen=True)
class Table:
    """The passages of one FAQ table, and the columns it has that no field reads."""

    passages: list[Passage]
    ignored: tuple[Ignored, ...] = ()


READERS = {".csv": csv_rows, ".jsonl": jsonl_rows, ".json": json_rows}


def read_table(text: str, name: str, source: str, suffix: str = ".csv") -> Table:
    """Cut one FAQ table into passages; ``name`` is the file stem (prefixes the ids and titles the
    guide); ``suffix`` (".csv", ".jsonl", ".json") says how it is written.

    Raises :class:`ContentError` naming the row (CSV: the line the record starts on) to fix.
    """
    rows, ignored = READERS[suffix](text, source)
    return Table(rows_passages(rows, name, guide_title(name), source), tuple(ignored))


def guide_title(name: str) -> str:
    """A file stem as a guide title: "faq_impots-2024" -> "Faq impots 2024"."""
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]
