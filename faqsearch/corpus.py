"""Read the editable ``corpus/`` folder: every guide (.txt, .md), FAQ table (.csv, .jsonl) and saved
HTML page, and the optional channel catalogue."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from .channels import Catalogue, assign_channels, read_catalogue
from .documents import Passage
from .errors import ContentError
from .lookalikes import BuildWarning, disambiguate
from .parser import parse_guide

CATALOGUE_FILE = "channels.csv"
SYNONYMS_FILE = "synonyms.csv"
VARIANTS_FILE = "variants.csv"
# Tables of the corpus folder that configure it rather than hold entries.
RESERVED_TABLES = (CATALOGUE_FILE, SYNONYMS_FILE, VARIANTS_FILE)
GUIDE_SUFFIXES = (".txt", ".md", ".markdown")
TABLE_SUFFIXES = (".csv", ".jsonl")
PAGE_SUFFIXES = (".html", ".htm")
CONTENT_SUFFIXES = GUIDE_SUFFIXES + TABLE_SUFFIXES + PAGE_SUFFIXES


@dataclass(frozen=True)
class Corpus:
    """The parsed content of ``corpus/``: passages with their channels, and the catalogue.

    ``catalogue`` is empty when the corpus has none (a general FAQ): passages then have no
    channel. ``warnings`` are look-alikes worth an editor's look (see :mod:`faqsearch.lookalikes`).
    """

    passages: tuple[Passage, ...]
    catalogue: Catalogue
    digest: str
    synonyms: tuple[tuple[str, ...], ...] = ()
    warnings: tuple[BuildWarning, ...] = ()


def guide_files(folder: Path) -> list[Path]:
    """The content files of a corpus folder (guides, tables, pages), sorted so builds are reproducible."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in CONTENT_SUFFIXES
                  and not p.name.startswith((".", "README")) and p.name.lower() not in RESERVED_TABLES)


def content_files(folder: Path) -> list[Path]:
    """Every file of ``folder`` that a build reads (guides, tables and pages, then the reserved
    tables that configure them)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return guide_files(folder) + [p for p in (folder / name for name in RESERVED_TABLES) if p.is_file()]


def corpus_digest(folder: Path) -> str:
    """SHA-256 over the names and bytes of the content files: what the index was built from."""
    h = hashlib.sha256()
    for path in content_files(folder):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def current_digest(folder: Path) -> str:
    """:func:`corpus_digest`, read again only when a file's name, size or time changed: the page
    asks on every rerun, and a help center can be large."""
    signature = []
    for path in content_files(folder):
        try:
            stat = path.stat()
        except OSError:  # removed meanwhile: the next call sees the new list
            continue
        signature.append((path.name, stat.st_size, stat.st_mtime_ns))
    return _digest(Path(folder).resolve(), tuple(signature))


@lru_cache(maxsize=16)
def _digest(folder: Path, signature: tuple) -> str:
    return corpus_digest(folder)


def load_corpus(folder: Path) -> Corpus:
    """Parse and validate every guide of ``folder`` against its channel catalogue.

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
    catalogue = read_catalogue(catalogue_path) if catalogue_path.is_file() else Catalogue(())
    files = guide_files(folder)
    if not files:
        raise ContentError(f"Le corpus {folder} ne contient aucun guide : ajoutez un guide .txt ou .md, une table "
                          ".csv ou .jsonl, ou une page .html (voir README).")
    passages: list[Passage] = []
    for path in files:
        passages.extend(read_file(path))
    passages, warnings = disambiguate(passages)
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
    synonyms = read_synonyms(folder / SYNONYMS_FILE) if (folder / SYNONYMS_FILE).is_file() else ()
    if catalogue.channels:
        passages = assign_channels(passages, catalogue)
    return Corpus(tuple(passages), catalogue, digest, synonyms, tuple(warnings))


def read_file(path: Path) -> list[Passage]:
    """The passages of one content file, read by the reader its extension names."""
    from .htmlpages import parse_page  # BeautifulSoup is loaded only for corpora with pages
    from .tables import parse_table

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(f"{path}:{line}: le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8.") from exc
    if not text.strip("\ufeff \t\r\n"):
        raise ContentError(f"{path}:1: le fichier est vide : écrivez son contenu (voir README) ou supprimez-le.")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return parse_table(text, path.stem, str(path), jsonl=suffix == ".jsonl")
    if suffix in PAGE_SUFFIXES:
        return parse_page(text, path.stem, str(path))
    return parse_guide(text, path.stem, markdown=suffix != ".txt", source=str(path))


def read_synonyms(path: Path) -> tuple[tuple[str, ...], ...]:
    """Groups of equivalent terms, one group per line, terms separated by commas; ``#`` starts a comment."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8.") from exc
    groups = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        terms = tuple(t.strip() for t in line.split(",") if t.strip())
        if len(terms) < 2:
            raise ContentError(f"{path}:{number}: un groupe de synonymes doit avoir au moins deux termes séparés par des virgules.")
        groups.append(terms)
    return tuple(groups)
