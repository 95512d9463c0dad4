"""A build killed with SIGKILL at any moment leaves the previous index loading and answering.

Each test runs a real build in a child process (fake encoder, small corpus) that is killed at one
precise point: the child kills itself with SIGKILL from a hook, or the test kills it after seeing
its staging folder. Afterwards the index in service must load and answer from the previous generation (or
from the new one once the pointer was replaced), and the next build must succeed and clean up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from faqsearch.build.pipeline import build
from faqsearch.embedding.cache import EmbeddingCache
from faqsearch.index.published import BUILDS, current_build
from faqsearch.search.engine import Engine
from tests.conftest import ROOT
from tests.corpora import generation_of, write_corpus
from tests.fakes import FakeEncoder

CHILD = r"""
import json, os, signal, sys, time
from pathlib import Path

sys.path.insert(0, os.getcwd())
from tests.fakes import FakeEncoder
from faqsearch.index import dense as ann, published as store
from faqsearch.build import pipeline as build


def die():
    os.kill(os.getpid(), signal.SIGKILL)


class DyingEncoder(FakeEncoder):
    def encode_passages(self, texts, progress=False):
        super().encode_passages(texts[: len(texts) // 2])
        die()


def run(folder, point):
    root = folder / "index"

    def on_stage(stage):
        print(stage, flush=True)
        if stage == point:
            die()
        if stage == os.environ.get("PAUSE_AT"):
            time.sleep(120)  # the test kills us from outside meanwhile

    encoder = DyingEncoder() if point == "encoding" else FakeEncoder()
    if point == "half-written":  # passages and vectors written, no manifest yet
        real_save = ann.DenseIndex.save

        def save(self, path):
            real_save(self, path)
            die()

        ann.DenseIndex.save = save
    if point in ("renamed", "pointer-replaced"):
        real_fsync = store._fsync

        def fsync(path):
            real_fsync(path)
            if (point == "renamed" and Path(path).name == "builds") or (point == "pointer-replaced" and Path(path) == root):
                die()

        store._fsync = fsync
    if point == "pointer-draft":  # the new pointer is on disk under its temporary name
        real_os_fsync = os.fsync

        def os_fsync(fd):
            real_os_fsync(fd)
            if ".CURRENT-" in os.readlink(f"/proc/self/fd/{fd}"):
                die()

        os.fsync = os_fsync
    if point == "cache-written":  # the embedding cache is written but not yet renamed into place
        real_replace = os.replace

        def replace(src, dst):
            if str(src).endswith(".part"):
                die()
            return real_replace(src, dst)

        os.replace = replace
    build.build(folder / "corpus", root, encoder, cache_dir=folder / "cache", on_stage=on_stage)


# Imports are paid once; each build runs in a forked child (hooks are set after the fork, so
# they never leak from one kill point to the next).
if os.environ.get("PAUSE_AT"):  # killed from outside: the build must run in this very process
    folder, point = sys.argv[1].rsplit("=", 1)
    run(Path(folder), point)
    sys.exit(0)
statuses = {}
for arg in sys.argv[1:]:
    folder, point = arg.rsplit("=", 1)
    pid = os.fork()
    if pid == 0:
        try:
            run(Path(folder), point)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    statuses[point] = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
print(json.dumps(statuses), flush=True)
"""

QUESTION = "Comment configurer IMAP ?"
OLD, NEW = "Guide de test édition 1", "Guide de test édition 2"


def _child(runs: dict[str, Path], pause_at: str = "") -> subprocess.Popen:
    env = {**os.environ, "PAUSE_AT": pause_at}
    return subprocess.Popen([sys.executable, "-c", CHILD, *(f"{folder}={point}" for point, folder in runs.items())],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _serve_first_generation(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", generation=1)
    build(tmp_path / "corpus", tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    write_corpus(tmp_path / "corpus", generation=2)  # the edit the killed build was putting in service


def _check_recovery(tmp_path: Path, served: str) -> None:
    root = tmp_path / "index"
    engine = Engine.open(root, FakeEncoder())
    answer = engine.ask(QUESTION)
    assert answer.hits and answer.hits[0].passage.title == "Configurer IMAP"
    assert generation_of(answer) == {served}
    # The lock died with the process: the next build goes through, cleans up, and is picked up.
    report = build(tmp_path / "corpus", root, FakeEncoder(), cache_dir=tmp_path / "cache")
    assert report.passages == 8
    assert not list((root / BUILDS).glob(".staging-*")) and not list(root.glob(".CURRENT-*"))
    assert generation_of(engine.ask(QUESTION)) == {NEW}


POINTS = {
    "encoding": OLD,
    "half-written": OLD,
    "Vérification": OLD,
    "renamed": OLD,
    "pointer-draft": OLD,
    "pointer-replaced": NEW,
    "cache-written": OLD,
}


@pytest.fixture(scope="module")
def killed_builds(tmp_path_factory) -> tuple[dict[str, Path], dict[str, int], str]:
    """One build per kill point, each in its own folder; returns folders, exit statuses, output."""
    folders = {}
    for i, point in enumerate(POINTS):
        folders[point] = tmp_path_factory.mktemp(f"killed-{i}")
        _serve_first_generation(folders[point])
    child = _child(folders)
    out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err
    return folders, json.loads(out.strip().splitlines()[-1]), out + err


@pytest.mark.parametrize("point", sorted(POINTS))
def test_killed_build_leaves_a_working_index(point, killed_builds):
    folders, statuses, output = killed_builds
    assert statuses[point] == -signal.SIGKILL, output  # killed at the point, not finished
    folder = folders[point]
    if point == "cache-written":
        assert len(EmbeddingCache(folder / "cache", FakeEncoder().name)) > 0  # the old cache still reads
    _check_recovery(folder, POINTS[point])


def test_build_killed_from_outside_after_writing_its_staging_folder(tmp_path):
    _serve_first_generation(tmp_path)
    child = _child({"none": tmp_path}, pause_at="Vérification")
    try:
        assert child.stdout is not None
        for line in child.stdout:  # wait until the new index is written and being checked
            if line.strip() == "Vérification":
                break
        staged = list((tmp_path / "index" / BUILDS).glob(".staging-*"))
        assert len(staged) == 1 and (staged[0] / "passages.parquet").is_file()
        # The manifest is written once, after the check: this folder is not an index yet.
        assert not (staged[0] / "manifest.json").exists()
        assert current_build(tmp_path / "index") != staged[0]
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    _check_recovery(tmp_path, OLD)
