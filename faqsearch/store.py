"""Where built indexes live and how a new one replaces the old without readers noticing.

``index/builds/<id>/`` holds complete builds; ``index/CURRENT`` names the one in service and is
replaced with an atomic rename, so a reader sees either the old build or the new one, never a mix.
Old builds are kept for a while so that a search that started on one can finish on it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

POINTER = "CURRENT"
BUILDS = "builds"
KEEP_BUILDS = 3


def current_build(root: Path) -> Path:
    """The folder of the index in service under ``root`` (or ``root`` itself if it is a plain index)."""
    root = Path(root)
    pointer = root / POINTER
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        if name and "/" not in name and (root / BUILDS / name).is_dir():
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
    staged = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
    staged.chmod(0o755)  # mkdtemp's 0700 would hide the index from a server running as another user
    return staged


def publish(root: Path, staged: Path) -> Path:
    """Move a complete, checked build into service; return its final folder."""
    root = Path(root)
    name = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    final = root / BUILDS / name
    os.replace(staged, final)
    fd, tmp = tempfile.mkstemp(prefix=".CURRENT-", dir=root)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), 0o644)
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / POINTER)
    prune(root)
    return final


def prune(root: Path, keep: int = KEEP_BUILDS) -> None:
    """Remove old builds and abandoned staging folders, keeping the newest ``keep`` and the current one."""
    builds = Path(root) / BUILDS
    if not builds.is_dir():
        return
    current = current_build(root)
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    for old in done[keep:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob(".staging-*"):
        try:
            age = datetime.now().timestamp() - stale.stat().st_mtime
        except OSError:
            continue
        if age > 3600:  # a build killed long ago; a running one touches its folder far more often
            shutil.rmtree(stale, ignore_errors=True)
