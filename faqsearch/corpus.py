"""Read the editable ``corpus/`` folder: every guide (.txt, .md), FAQ table (.csv, .jsonl, .json) and saved
HTML page, and the optional channel catalogue."""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from .channels import Catalogue, assign_channels, parse_catalogue
from .cleanup import bidi_warning, clean_passages
from .controls import control_problem
from .documents import Passage
from .errors import ContentError
from .lookalikes import BuildWarning, disambiguate
from .parser import parse_guide
from .site import SITE_FILE
from .text import slug, strip_bidi
from .variants import VARIANTS_FILE, apply_variants, parse_variants, without_variants

CATALOGUE_FILE = "channels.csv"
SYNONYMS_FILE = "synonyms.csv"
# Tables of the corpus folder that configure it rather than hold entries.
RESERVED_TABLES = (CATALOGUE_FILE, SYNONYMS_FILE, VARIANTS_FILE)
GUIDE_SUFFIXES = (".txt", ".md", ".markdown")
TABLE_SUFFIXES = (".csv", ".jsonl", ".json")
PAGE_SUFFIXES = (".html", ".htm")
CONTENT_SUFFIXES = GUIDE_SUFFIXES + TABLE_SUFFIXES + PAGE_SUFFIXES
# Files of the folder that are not content but are read elsewhere (the page's settings).
SETTINGS_FILES = (SITE_FILE,)
# Only README.md / README.txt are the folder's own documentation; any other file is content.
DOCUMENTATION_STEM = "readme"


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
    """The content files of a corpus folder (guides, tables, pages), sorted so builds are reproducible.

    Every entry with a content suffix is listed, whatever its type, so that a link or a folder
    named like a guide is refused by :func:`read_content_bytes` rather than skipped without a word.
    Hidden files and ``README.md`` / ``README.txt`` (the folder's documentation) are left out.
    """
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in CONTENT_SUFFIXES
                  and not p.name.startswith(".") and p.name.lower() not in RESERVED_TABLES
                  and not (p.stem.lower() == DOCUMENTATION_STEM and p.suffix.lower() in GUIDE_SUFFIXES))


def unread_files(folder: Path) -> list[Path]:
    """Files of a corpus folder that no reader takes (an ``.xlsx`` or ``.xml`` export, a ``.docx``):
    named in a warning, so that nobody believes their content is searched."""
    return sorted(p for p in Path(folder).iterdir() if not p.name.startswith(".") and not p.is_dir()
                  and p.suffix.lower() not in CONTENT_SUFFIXES and p.name.lower() not in SETTINGS_FILES
                  and p.stem.lower() != DOCUMENTATION_STEM)


def _present(path: Path) -> bool:
    """True for any entry at ``path``, a dangling link included (it is refused when read)."""
    return path.exists() or path.is_symlink()


def read_content_bytes(path: Path, folder: Path) -> bytes:
    """The bytes of a content file of ``folder``, which must be a regular file inside it.

    Raises :class:`ContentError` for a symbolic link (a pull request could point one at any file
    of the server and publish it as a passage), a folder, a pipe or a device, and for a path
    that resolves outside ``folder``.
    """
    path = Path(path)
    if path.is_symlink():
        raise ContentError("ce fichier est un lien symbolique, refusé pour ne publier que le contenu du corpus : "
                           "remplacez le lien par une copie du fichier, ou supprimez-le.", str(path))
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder)):
        raise ContentError(f"ce fichier est en dehors du dossier du corpus {folder} : déplacez-le dans {folder}.", str(path))
    try:
        # No link followed, and a pipe opens without waiting for a writer; fstat then tells
        # what was really opened, even if the entry was swapped since the checks above.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ContentError(f"le fichier ne peut pas être lu ({exc.strerror}) : vérifiez qu'il existe et "
                           "que ses droits permettent de le lire.", str(path)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ContentError("ce n'est pas un fichier ordinaire (dossier, tube ou périphérique) : supprimez-le du "
                               "corpus ou renommez-le sans l'extension d'un fichier de contenu.", str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_content(path: Path, folder: Path, notes: list[BuildWarning] | None = None) -> str:
    """The text of a content file of ``folder`` (guide, table, page, catalogue…), checked before parsing.

    Besides the checks of :func:`read_content_bytes`, the file must be UTF-8 (a leading BOM is
    dropped) and hold no control character but tab and line ends. Every error names ``file:line``.
    Bidirectional controls (U+202E…) are removed, whatever reads the file; a warning naming
    the lines goes to ``notes``.
    """
    raw = read_content_bytes(path, folder)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError.at(path, line, "le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8.") from exc
    where, problem = control_problem(text)  # the rule the variants writer applies too
    if problem:
        raise ContentError.at(path, text[:where].count("\n") + 1, problem)
    stripped = strip_bidi(text)
    if stripped.characters and notes is not None:
        notes.append(bidi_warning(str(path), stripped.lines, stripped.characters))
    return stripped.text.removeprefix("\ufeff")


def content_files(folder: Path) -> list[Path]:
    """Every file of ``folder`` that a build reads (guides, tables and pages, then the reserved
    tables that configure them)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return guide_files(folder) + [p for p in (folder / name for name in RESERVED_TABLES) if _present(p)]


def corpus_digest(folder: Path) -> str:
    """SHA-256 over the names and bytes of the content files: what the index was built from."""
    h = hashlib.sha256()
    for path in content_files(folder):
        try:
            content = read_content_bytes(path, folder)
        except ContentError:  # the build refuses it; here it only has to change the digest
            content = b"\0refused"
        h.update(path.name.encode() + b"\0" + content + b"\0")
    return h.hexdigest()


def current_digest(folder: Path) -> str:
    """:func:`corpus_digest`, read again only when a file's name, size or time changed: the page
    asks on every rerun, and a help center can be large."""
    signature = []
    for path in content_files(folder):
        try:
            info = path.lstat()  # a link's own times: its target is never read
        except OSError:  # removed meanwhile: the next call sees the new list
            continue
        signature.append((path.name, info.st_size, info.st_mtime_ns))
    return _digest(Path(folder).resolve(), tuple(signature))


@lru_cache(maxsize=16)
def _digest(folder: Path, signature: tuple) -> str:
    return corpus_digest(folder)


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
    notes: list[BuildWarning] = []
    catalogue = (parse_catalogue(read_content(catalogue_path, folder, notes), str(catalogue_path))
                 if _present(catalogue_path) else Catalogue(()))
    files = guide_files(folder)
    if not files:
        raise ContentError(f"Le corpus {folder} ne contient aucun guide : ajoutez un guide .txt ou .md, une table "
                          ".csv, .jsonl ou .json, ou une page .html (voir README).")
    _check_guide_names(files)
    passages: list[Passage] = []
    notes += [BuildWarning(str(path), 0, "fichier non lu : le moteur lit les guides .txt, .md, les tables .csv, "
                          ".jsonl, .json et les pages .html ; convertissez-le dans l'un de ces formats, ou sortez-le du "
                          "dossier pour faire taire cet avertissement.") for path in unread_files(folder)]
    for path in files:
        found, said = read_file(path)
        passages.extend(found)
        notes.extend(said)
    passages, cleaned = clean_passages(passages)
    passages, warnings = disambiguate(passages)
    warnings = notes + cleaned + warnings
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
    synonyms = read_synonyms(folder / SYNONYMS_FILE, warnings) if _present(folder / SYNONYMS_FILE) else ()
    if _present(folder / VARIANTS_FILE):
        # Read like every content file: a link or a control character is refused with file:line.
        rows = parse_variants(read_content(folder / VARIANTS_FILE, folder, warnings), folder / VARIANTS_FILE)
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


def read_file(path: Path) -> tuple[list[Passage], list[BuildWarning]]:
    """The passages of one content file, read by the reader its extension names, and what an
    editor should know about it (a table's columns that nothing reads)."""
    from .htmlpages import parse_page  # BeautifulSoup is loaded only for corpora with pages
    from .tables import accepted_names, read_table

    notes: list[BuildWarning] = []
    text = read_content(path, path.parent, notes)
    if not text.strip("\ufeff \t\r\n"):
        raise ContentError(f"{path}:1: le fichier est vide : écrivez son contenu (voir README) ou supprimez-le.")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        table = read_table(text, path.stem, str(path), suffix=suffix)
        unread = [BuildWarning(str(path), ignored.line, f"colonne « {ignored.name} » ignorée : le moteur ne la lit "
                               "pas. Renommez-la si elle devait compter (colonnes lues, majuscules et accents "
                               f"indifférents : {accepted_names()}).") for ignored in table.ignored]
        return table.passages, notes + unread
    if suffix in PAGE_SUFFIXES:
        return parse_page(text, path.stem, str(path)), notes
    return parse_guide(text, path.stem, markdown=suffix != ".txt", source=str(path)), notes


def read_synonyms(path: Path, notes: list[BuildWarning] | None = None) -> tuple[tuple[str, ...], ...]:
    """Groups of equivalent terms, one group per line, terms separated by commas; ``#`` starts a comment."""
    text = read_content(path, Path(path).parent, notes)
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
