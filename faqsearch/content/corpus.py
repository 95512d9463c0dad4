"""Read the editable ``corpus/`` folder: every guide (.txt, .md), FAQ table (.csv, .jsonl, .json) and saved
HTML page, and the optional channel catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..channels.assignment import assign_channels
from ..channels.catalogue import Catalogue, parse_catalogue
from ..errors import ContentError
from ..records.passage import Passage
from ..text.normalize import slug
from .files import (CATALOGUE_FILE, PAGE_SUFFIXES, SYNONYMS_FILE, TABLE_SUFFIXES, _present, corpus_digest, guide_files,
                    read_content, unread_files)
from .guides import parse_guide
from .lookalikes import BuildWarning, disambiguate
from .synonyms import read_synonyms
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
    an empty catalogue and its passages no channel.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentError(f"Le dossier du corpus {folder} n'existe pas : créez-le et mettez-y au moins un guide .txt ou .md.")
    # Hashed before reading: if an editor saves during the build, the index looks stale, not fresh.
    digest = corpus_digest(folder)
    catalogue_path = folder / CATALOGUE_FILE
    catalogue = read_catalogue(catalogue_path) if _present(catalogue_path) else Catalogue(())
    files = guide_files(folder)
    if not files:
        raise ContentError(f"Le corpus {folder} ne contient aucun guide : ajoutez un guide .txt ou .md, une table "
                          ".csv, .jsonl ou .json, ou une page .html (voir README).")
    _check_guide_names(files)
    passages: list[Passage] = []
    notes = [BuildWarning(str(path), 0, "fichier non lu : le moteur lit les guides .txt, .md, les tables .csv, "
                          ".jsonl, .json et les pages .html ; convertissez-le dans l'un de ces formats, ou sortez-le du "
                          "dossier pour faire taire cet avertissement.") for path in unread_files(folder)]
    for path in files:
        found, said = read_file(path)
        passages.extend(found)
        notes.extend(said)
    passages, warnings = disambiguate(passages)
    warnings = notes + warnings
    seen: dict[str, Passage] = {}
    for passage in passages:
        if passage.id in seen:
            raise ContentError(f"{passage.source}: deux passages ont le même identifiant « {passage.id} » "
                               f"(l'autre est en {seen[passage.id].source}) : deux fichiers portent le même nom ; "
                              "renommez l'un des deux.")
        seen[passage.id] = passage
        if passage.channel and not catalogue.channels:
            raise ContentError(f"{passage.source}: le canal « {passage.channel} » est indiqué, mais le corpus n'a pas de "
                              f"catalogue des canaux ({catalogue_path}) : créez-le (voir README) ou retirez le canal.")
        if passage.channel and catalogue.get(passage.channel) is None:
            raise ContentError(f"{passage.source}: le canal « {passage.channel} » n'existe pas dans {catalogue_path} : "
                              f"utilisez l'un de {', '.join(sorted(catalogue.ids()))} ou ajoutez-le au catalogue.")
    synonyms = read_synonyms(folder / SYNONYMS_FILE) if _present(folder / SYNONYMS_FILE) else ()
    if _present(folder / VARIANTS_FILE):
        # Read like every content file: a link or a control character is refused with file:line.
        rows = parse_variants(read_content(folder / VARIANTS_FILE, folder), folder / VARIANTS_FILE)
        passages = apply_variants(passages, rows, str(folder / VARIANTS_FILE))
    if not variants:
        passages = without_variants(passages)
    if catalogue.channels:
        passages = assign_channels(passages, catalogue)
    return Corpus(tuple(passages), catalogue, digest, synonyms, tuple(warnings))


def _check_guide_names(files: list[Path]) -> None:
    """Two differently spelled names that give the same id ("Mon Guide.md", "mon-guide.md") would
    give their passages the same ids: name both files, rather than the first title that collides.
    (One name with two extensions, such as a table in .csv and .jsonl, is checked entry by entry.)"""
    seen: dict[str, Path] = {}
    for path in files:
        guide_id = slug(path.stem)
        if guide_id in seen and seen[guide_id].stem != path.stem:
            raise ContentError(f"{seen[guide_id]} et {path} donnent le même identifiant de guide « {guide_id} » "
                               "(il préfixe les identifiants de leurs passages) : renommez l'un des deux fichiers.")
        seen[guide_id] = path


def read_file(path: Path) -> tuple[list[Passage], list[BuildWarning]]:
    """The passages of one content file, read by the reader its extension names, and what an
    editor should know about it (a table's columns that nothing reads)."""
    from .pages import parse_page  # BeautifulSoup is loaded only for corpora with pages
    from .tables import accepted_names, read_table

    text = read_content(path, path.parent)
    if not text.strip("\ufeff \t\r\n"):
        raise ContentError(f"{path}:1: le fichier est vide : écrivez son contenu (voir README) ou supprimez-le.")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        table = read_table(text, path.stem, str(path), suffix=suffix)
        return table.passages, [BuildWarning(str(path), ignored.line, f"colonne « {ignored.name} » ignorée : le moteur "
                                             "ne la lit pas. Renommez-la si elle devait compter (colonnes lues, "
                                             f"majuscules et accents indifférents : {accepted_names()}).")
                                for ignored in table.ignored]
    if suffix in PAGE_SUFFIXES:
        return parse_page(text, path.stem, str(path)), []
    return parse_guide(text, path.stem, markdown=suffix != ".txt", source=str(path)), []


def read_catalogue(path: Path) -> Catalogue:
    """An editor's ``channels.csv``, read like every content file (see :func:`read_content`)."""
    return parse_catalogue(read_content(path, Path(path).parent), str(path))
