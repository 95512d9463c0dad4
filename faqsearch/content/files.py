"""The files of a corpus folder: which ones a build reads, read safely, and their digest."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from ..channels.plans import PLANS_FILE
from ..errors import ContentError
from ..text.controls import control_problem, strip_bidi
from .cleanup import bidi_warning
from .lookalikes import BuildWarning
from .site import SITE_FILE
from .variants import VARIANTS_FILE

CATALOGUE_FILE = "channels.csv"
SYNONYMS_FILE = "synonyms.csv"
# Tables of the corpus folder that configure it rather than hold entries.
RESERVED_TABLES = (CATALOGUE_FILE, SYNONYMS_FILE, VARIANTS_FILE, PLANS_FILE)
GUIDE_SUFFIXES = (".txt", ".md", ".markdown")
TABLE_SUFFIXES = (".csv", ".jsonl", ".json")
PAGE_SUFFIXES = (".html", ".htm")
CONTENT_SUFFIXES = GUIDE_SUFFIXES + TABLE_SUFFIXES + PAGE_SUFFIXES
# Files of the folder that are not content but are read elsewhere (the page's settings).
SETTINGS_FILES = (SITE_FILE,)
# Only README.md / README.txt are the folder's own documentation; any other file is content.
DOCUMENTATION_STEM = "readme"


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


def decode_content(raw: bytes, path: Path, notes: list[BuildWarning] | None = None) -> str:
    """The text of a content file (guide, table, page, catalogue…) from its bytes, checked before parsing.

    The file must be UTF-8 (a leading BOM is dropped) and hold no control character but tab and
    line ends. Every error names ``file:line``. Bidirectional controls (U+202E…) are removed,
    whatever reads the file; a warning naming the lines goes to ``notes``.
    """
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
    return _read_each(folder, keep=False)[0]


@dataclass(frozen=True)
class CorpusFiles:
    """The content files of a corpus folder, each read once (:func:`read_folder`): the guides
    (with tables and pages) in build order, the digest of every file's bytes, and the bytes."""

    folder: Path
    guides: tuple[Path, ...]
    digest: str
    read: Mapping[Path, bytes | ContentError] = field(repr=False)

    def __contains__(self, path: Path) -> bool:
        return path in self.read

    def text(self, path: Path, notes: list[BuildWarning] | None = None) -> str:
        """The checked text of one of the files (see :func:`decode_content`, which adds to ``notes``);
        raises the error of a file that could not be read, when its content is asked for."""
        found = self.read[path]
        if isinstance(found, ContentError):
            raise found
        return decode_content(found, path, notes)


def read_folder(folder: Path) -> CorpusFiles:
    """Every file a build reads, read once: the digest is computed from the very bytes that are
    parsed, so an edit saved during a build leaves the index stale, never falsely fresh."""
    digest, read = _read_each(folder, keep=True)
    return CorpusFiles(Path(folder), tuple(p for p in read if p.name.lower() not in RESERVED_TABLES), digest, read)


def _read_each(folder: Path, keep: bool) -> tuple[str, dict[Path, bytes | ContentError]]:
    """The digest of the content files of ``folder``, and (``keep``) what reading each gave."""
    h = hashlib.sha256()
    read: dict[Path, bytes | ContentError] = {}
    for path in content_files(folder):
        try:
            content = kept = read_content_bytes(path, folder)
        except ContentError as exc:  # the build refuses it when parsing; the digest only has to change
            content, kept = b"\0refused", exc
        h.update(path.name.encode() + b"\0" + content + b"\0")
        if keep:
            read[path] = kept
    return h.hexdigest(), read


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
