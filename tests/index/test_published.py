"""The build folders and the CURRENT pointer: what readers resolve, and what cleanup may remove."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from faqsearch.index.published import (ABANDONED_AFTER_SECONDS, BUILDS, POINTER, current_build, discard_abandoned,
                             pointer_stamp, prune, publish, staging_dir)


def _complete(folder: Path, tag: str = "x") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text('{"tag": "%s"}' % tag, encoding="utf-8")
    return folder


def _publish(root: Path, tag: str) -> Path:
    return publish(root, _complete(staging_dir(root), tag))


def test_publish_moves_the_staged_build_and_points_at_it(tmp_path):
    staged = _complete(staging_dir(tmp_path))
    assert staged.parent == tmp_path / BUILDS and staged.name.startswith(".staging-")
    assert stat.S_IMODE(staged.stat().st_mode) == 0o755  # readable by a server running as another user
    final = publish(tmp_path, staged)
    assert not staged.exists() and final.parent == tmp_path / BUILDS
    assert (tmp_path / POINTER).read_text(encoding="utf-8").strip() == final.name
    assert current_build(tmp_path) == final
    assert not list(tmp_path.glob(".CURRENT-*"))


def test_pointer_stamp_changes_with_each_publish(tmp_path):
    assert pointer_stamp(tmp_path) == ""
    stamps = set()
    for tag in "abc":
        _publish(tmp_path, tag)
        stamps.add(pointer_stamp(tmp_path))
    assert len(stamps) == 3 and "" not in stamps


@pytest.mark.parametrize("content", ["", "\n", "../../etc", "a/b", ".staging-x", "absent", "\udcff"])
def test_a_bad_pointer_falls_back_to_the_root(tmp_path, content):
    _complete(tmp_path / BUILDS / ".staging-x")
    (tmp_path / POINTER).write_text(content, encoding="utf-8", errors="surrogateescape")
    assert current_build(tmp_path) == tmp_path  # then loading says "no index here: rebuild"


def test_a_plain_index_folder_is_its_own_current_build(tmp_path):
    _complete(tmp_path)
    assert current_build(tmp_path) == tmp_path and pointer_stamp(tmp_path)


def test_prune_keeps_the_newest_builds_and_the_current_one(tmp_path):
    first = _publish(tmp_path, "first")
    for tag in "bcde":
        _publish(tmp_path, tag)
    names = sorted(p.name for p in (tmp_path / BUILDS).iterdir())
    assert len(names) == 3 and first.name not in names
    # A rollback points CURRENT at an older build; cleanup must never remove the build in service.
    oldest = tmp_path / BUILDS / names[0]
    (tmp_path / POINTER).write_text(oldest.name, encoding="utf-8")
    prune(tmp_path, keep=1)
    assert oldest.is_dir() and current_build(tmp_path) == oldest
    assert sorted(p.name for p in (tmp_path / BUILDS).iterdir()) == [oldest.name, names[-1]]


def test_prune_removes_only_long_abandoned_staging_folders(tmp_path):
    young, old = _complete(staging_dir(tmp_path)), _complete(staging_dir(tmp_path))
    past = time.time() - ABANDONED_AFTER_SECONDS - 60
    os.utime(old, (past, past))
    prune(tmp_path)
    assert young.is_dir() and not old.exists()  # the young one may be a build running right now


def test_discard_abandoned_removes_every_leftover(tmp_path):
    served = _publish(tmp_path, "served")
    staged = _complete(staging_dir(tmp_path))
    (tmp_path / ".CURRENT-abc").write_text("x", encoding="utf-8")
    removed = discard_abandoned(tmp_path)
    assert set(removed) == {staged, tmp_path / ".CURRENT-abc"}
    assert current_build(tmp_path) == served and served.is_dir()
    assert discard_abandoned(tmp_path / "absent") == []
