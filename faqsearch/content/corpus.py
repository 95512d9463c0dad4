"""Read the editable ``corpus/`` folder: every guide (.txt, .md), FAQ table (.csv, .jsonl, .json) and saved
HTML page, and the optional channel catalogue."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..channels.assignment import assign_channels
from ..channels.catalogue import Catalogue, parse_catalogue
from ..errors import ContentError
from ..records.passage import Passage
from ..text.normalize import slug
from .audience import resolve_audiences, with_page_audience
from .cleanup import clean_passages
from .files import CATALOGUE_FILE, PAGE_SUFFIXES, SYNONYMS_FILE, TABLE_SUFFIXES, read_folder, unread_files
from .guides import parse_guide
from .lookalikes import BuildWarning, disambiguate
from .plans import corpus_plans
from .synonyms import parse_synonyms
from .tables import accepted_names, read_table
from .variants import VARIANTS_FILE, apply_variants, parse_variants, without_variants


@dataclass(frozen=True)
class Corpus:
    """The parsed content of ``corpus/``: passages with their channels, and the catalogue.

    ``catalogue`` is empty when the corpus has none (a general FAQ): passages then have no
    channel. ``warnings`` are look-alikes worth an editor's look (see :mod:`faqsearch.content.lookalikes`).
    """

    passages: tuple[Passage, ...]
    catalogue: Catalogue
    digest: str
    synonyms: tuple[tuple[str, ...], ...] = ()
    warnings: tuple[BuildWarning, ...] = ()


def load_corpus(folder: Path, variants: bool = True) -> Corpus:
    """Parse and validate every guide of ``folder`` against its channel catalogue.

    With ``variants`` False, the passages carry no other phrasing of their question (neither the
    guides' ``Variante :`` lines nor ``variants.csv``, which is still validated): what the engine
    finds on its own can then be told apart from what editors wrote.

    Raises :class:`ContentError` before anything is built when a file or the catalogue has a
    problem, with the file, the line and what to change. Without ``channels.csv`` the corpus has
    an empty catalogue and its passages no channel. Every file is read once, and hashed as read.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentError(f"Le dossier du corpus {folder} n'existe pas : créez-le et mettez-y au moins un guide .txt ou .md.")
    files = read_folder(folder)
    catalogue_path = folder / CATALOGUE_FILE
    notes: list[BuildWarning] = []
    plans = corpus_plans(files, notes)
    catalogue = (parse_catalogue(files.text(catalogue_path, notes), str(catalogue_path), plans)
                 if catalogue_path in files else Catalogue((), plans))
    if not files.guides:
        raise ContentError(f"Le corpus {folder} ne contient aucun guide : ajoutez un guide .txt ou .md, une table "
                          ".csv, .jsonl ou .json, ou une page .html (voir docs/contenu.md).")
    _check_guide_names(files.guides)
    notes += [BuildWarning(str(path), 0, "fichier non lu : le moteur lit les guides .txt, .md, les tables .csv, "
                          ".jsonl, .json et les pages .html ; convertissez-le dans l'un de ces formats, ou sortez-le du "
                          "dossier pour faire taire cet avertissement.") for path in unread_files(folder)]
    passages: list[Passage] = []
    for path in files.guides:
        found, said = parse_file(path, files.text(path, notes))
        passages.extend(found)
        notes.extend(said)
    passages, cleaned = clean_passages(resolve_audiences(passages, plans))
    passages, alike = disambiguate(passages)
    warnings = notes + cleaned + alike
    _check_passages(passages, catalogue, catalogue_path)
    synonyms_path, variants_path = folder / SYNONYMS_FILE, folder / VARIANTS_FILE
    synonyms = parse_synonyms(files.text(synonyms_path, warnings), synonyms_path) if synonyms_path in files else ()
    if variants_path in files:
        # Read like every content file: a link or a control character is refused with file:line.
        rows = parse_variants(files.text(variants_path, warnings), variants_path)
        passages = apply_variants(passages, rows, str(variants_path))
    if not variants:
        passages = without_variants(passages)
    if catalogue.channels:
        passages = assign_channels(passages, catalogue)
    return Corpus(tuple(passages), catalogue, files.digest, synonyms, tuple(warnings))


def _check_passages(passages: list[Passage], catalogue: Catalogue, catalogue_path: Path) -> None:
    """Every passage has an id of its own, and a channel the catalogue has (when it names one)."""
    seen: dict[str, Passage] = {}
    for passage in passages:
        if passage.id in seen:
            raise ContentError(f"{passage.source}: deux passages ont le même identifiant « {passage.id} » "
                               f"(l'autre est en {seen[passage.id].source}) : deux fichiers portent le même nom ; "
                              "renommez l'un des deux.")
        seen[passage.id] = passage
        if passage.channel and not catalogue.channels:
            raise ContentError(f"{passage.source}: le canal « {passage.channel} » est indiqué, mais le corpus n'a pas de "
                              f"catalogue des canaux ({catalogue_path}) : créez-le (voir docs/contenu.md) ou retirez le canal.")
        if passage.channel and catalogue.get(passage.channel) is None:
            raise ContentError(f"{passage.source}: le canal « {passage.channel} » n'existe pas dans {catalogue_path} : "
                              f"utilisez l'un de {', '.join(sorted(catalogue.ids()))} ou ajoutez-le au catalogue.")


def _check_guide_names(files: Sequence[Path]) -> None:
    """Two differently spelled names that give the same id ("Mon Guide.md", "mon-guide.md") would
    give their passages the same ids: name both files, rather than the first title that collides.
    (One name with two extensions, such as a table in .csv and .jsonl, is checked entry by entry.)"""
    seen: dict[str, Path] = {}
    for path in files:
        guide_id = slug(path.stem)
        if guide_id in seen and seen[guide_id].stem != path.stem:
            raise ContentError(f"{both_named(seen[guide_id], path)} donnent le même identifiant de guide « {guide_id} » "
                               "(il préfixe les identifiants de leurs passages) : renommez l'un des deux fichiers.")
        seen[guide_id] = path


def both_named(first: Path, second: Path) -> str:
    """« a et b » for a message; when the two names look alike (an accent written as one character
    in one, as a letter and a combining accent in the other, as Unicode's NFC and NFD forms do; a
    ligature), each is spelled out too, its other characters as code points, to tell them apart."""
    if unicodedata.normalize("NFKC", first.name) != unicodedata.normalize("NFKC", second.name):
        return f"{first} et {second}"
    return (f"{first} et {second} (deux noms qui s'affichent de la même façon mais dont les caractères sont codés "
            f"différemment, par exemple un accent en un ou en deux caractères : « {spelled_out(first.name)} » et "
            f"« {spelled_out(second.name)} »)")


def spelled_out(name: str) -> str:
    """``name`` with every character but printable ASCII written as its code point: "Guide e\\u0301te\\u0301.md"."""
    return "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" for c in name)


def parse_file(path: Path, text: str) -> tuple[list[Passage], list[BuildWarning]]:
    """The passages of one content file's ``text``, read by the reader its extension names, and
    what an editor should know about it (a table's columns that nothing reads)."""
    from .pages import parse_page  # BeautifulSoup is loaded only for corpora with pages

    if not text.strip("\ufeff \t\r\n"):
        raise ContentError(f"{path}:1: le fichier est vide : écrivez son contenu (voir docs/contenu.md) ou supprimez-le.")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        table = read_table(text, path.stem, str(path), suffix=suffix)
        return table.passages, [BuildWarning(str(path), ignored.line, f"colonne « {ignored.name} » ignorée : le moteur "
                                             "ne la lit pas. Renommez-la si elle devait compter (colonnes lues, "
                                             f"majuscules et accents indifférents : {accepted_names()}).")
                                for ignored in table.ignored]
    if suffix in PAGE_SUFFIXES:
        return with_page_audience(parse_page(text, path.stem, str(path)), text), []
    return parse_guide(text, path.stem, markdown=suffix != ".txt", source=str(path)), []
