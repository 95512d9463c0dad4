"""Where built indexes live and how a new one replaces the old without readers noticing.

``index/builds/<id>/`` holds complete builds; ``index/CURRENT`` names the one in service and is
replaced with an atomic rename, so a reader sees either the old build or the new one, never a mix.
A build is written into ``builds/.staging-*`` first; a process killed before the pointer is
replaced leaves only an unreferenced folder, which the next build removes.
Old builds are kept for a while so that a reader that resolved the pointer just before a swap
can still load the build it found.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

POINTER = "CURRENT"
BUILDS = "builds"
KEEP_BUILDS = 3
STAGING_PREFIX = ".staging-"
POINTER_TMP_PREFIX = ".CURRENT-"
# Without the build lock, a staging folder this old can only belong to a dead build.
ABANDONED_AFTER_SECONDS = 3600
# A write that failed with less free space than this left on its disk failed for want of it
# (FAISS says only "write error"; numpy, "355584 requested and 223200 written").
FULL_BELOW_BYTES = 1 << 20
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written|No space left on device")


class BuildError(RuntimeError):
    """The build stopped; the index in service is unchanged. The message says what to do."""


def is_disk_full(exc: BaseException, folder: Path) -> bool:
    """Whether ``exc``, raised while writing into ``folder``, means that its disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if _SHORT_WRITE.search(str(exc)):
        return True
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


@contextmanager
def disk_space(folder: Path, what: str) -> Iterator[None]:
    """Turn a full disk while ``what`` is written into ``folder`` into a :class:`BuildError` that
    says so, where, and that the index in service did not change (nothing is published before
    every file is written)."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, BuildError) or not is_disk_full(exc, folder):
            raise
        try:
            free = f"{shutil.disk_usage(folder).free / 2**20:.1f} Mo libres"
        except OSError:
            free = "espace libre inconnu"
        raise BuildError(f"Le disque est plein : impossible d'écrire {what} dans {folder} ({free}). Libérez de la "
                         "place sur ce disque (anciennes constructions, caches, journaux), puis relancez la "
                         "reconstruction. L'index en service n'a pas été modifié.") from exc


def current_build(root: Path) -> Path:
    """The folder of the index in service under ``root`` (or ``root`` itself if it is a plain index)."""
    root = Path(root)
    pointer = root / POINTER
    if pointer.is_file():
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            name = ""
        if name and "/" not in name and not name.startswith(".") and (root / BUILDS / name).is_dir():
            return root / BUILDS / name
    return root


def pointer_stamp(root: Path) -> str:
    """A cheap value that changes whenever a new index is published (for hot reload)."""
    root = Path(root)
    folder = current_build(root)
    manifest = folder / "manifest.json"
    try:
        stat = manifest.stat()
    except OSError:
        return ""
    return f"{folder.name}:{stat.st_mtime_ns}:{stat.st_size}"


def staging_dir(root: Path) -> Path:
    """A fresh, private folder beside the builds where a new index is written."""
    builds = Path(root) / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=builds))
    staged.chmod(0o755)  # mkdtemp's 0700 would hide the index from a server running as another user
    return staged


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk, so a power cut cannot publish a pointer to missing data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on folders; the rename order still holds
        pass
    finally:
        os.close(fd)


def publish(root: Path, staged: Path) -> Path:
    """Move a complete, checked build into service; return its final folder.

    Order matters for crash safety: the build's files reach the disk, then the folder gets its
    final name, and only then does ``CURRENT`` change, in one rename. Call it holding the build
    lock (see :func:`faqsearch.build.build_lock`).
    """
    root = Path(root)
    staged = Path(staged)
    for path in staged.iterdir():
        if path.is_file():
            _fsync(path)
    _fsync(staged)
    name = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    while (root / BUILDS / name).exists():  # two publishes within one microsecond
        name += "b"
    final = root / BUILDS / name
    os.replace(staged, final)
    _fsync(root / BUILDS)
    fd, tmp = tempfile.mkstemp(prefix=POINTER_TMP_PREFIX, dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o644)
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, root / POINTER)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync(root)
    prune(root)
    return final


def discard_abandoned(root: Path) -> list[Path]:
    """Remove staging folders and pointer drafts left by killed builds; return what was removed.

    Only safe while holding the build lock: then no other build can be writing them.
    """
    root = Path(root)
    removed: list[Path] = []
    builds = root / BUILDS
    leftovers = list(builds.glob(STAGING_PREFIX + "*")) if builds.is_dir() else []
    leftovers += list(root.glob(POINTER_TMP_PREFIX + "*")) if root.is_dir() else []
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def prune(root: Path, keep: int = KEEP_BUILDS) -> None:
    """Remove old builds and long-abandoned staging folders, keeping the newest ``keep`` and the current one."""
    builds = Path(root) / BUILDS
    if not builds.is_dir():
        return
    current = current_build(root)
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[keep:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob(STAGING_PREFIX + "*"):
        try:
            age = datetime.now().timestamp() - stale.stat().st_mtime
        except OSError:
            continue
        if age > ABANDONED_AFTER_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
