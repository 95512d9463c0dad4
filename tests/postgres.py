"""A throwaway PostgreSQL server for tests: its own cluster in a temporary folder, a Unix socket there.

Debian's ``postgresql`` package (``make postgres``) provides ``initdb`` and ``pg_ctl``; nothing of the
system's own cluster is used. ``initdb`` refuses to run as root, so as root the cluster belongs
to the ``postgres`` system user (or ``nobody``), which owns the temporary folder.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

USER = "faqsearch"


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, newest PostgreSQL first; None when not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass(frozen=True)
class Cluster:
    """A running server reachable through the socket in ``folder``."""

    folder: Path
    bin: Path
    run_as: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.folder}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(host=str(self.folder), user=USER, dbname="postgres", autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _cmd(self, *args: str) -> list[str]:
        return (["runuser", "-u", self.run_as, "--"] if self.run_as else []) + [str(a) for a in args]

    def processes(self) -> list[int]:
        """The server's process and every process it started (one per connection, the writers…)."""
        main = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        found, todo = [], [main]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    todo += [int(child) for child in (task / "children").read_text().split()]
                except OSError:  # the process ended meanwhile
                    continue
        return found

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """The whole server stopped with SIGSTOP, as a hung or swapped-out machine would be: its
        kernel still accepts connections and data, nothing answers. Always thawed (SIGCONT) after."""
        stopped = []
        try:
            for pid in self.processes():
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            yield
        finally:
            for pid in stopped:
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass

    def restart(self) -> None:
        """Stop the server (its connections are closed) and start it again with the same options."""
        subprocess.run(self._cmd(self.bin / "pg_ctl", "-D", self.folder / "data", "-l", self.folder / "server.log",
                                 "-m", "fast", "-w", "restart"), capture_output=True, timeout=120, check=True, cwd=self.folder)

    def stop(self) -> None:
        subprocess.run(self._cmd(self.bin / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "stop"),
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("no unprivileged user (postgres or nobody) to run initdb as")


def start() -> Cluster:
    """Create and start a cluster; raises ``RuntimeError`` with the server's log when it fails."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: run `make postgres` (apt-get install postgresql).")
    run_as = _unprivileged_user()
    folder = Path(tempfile.mkdtemp(prefix="faqsearch-pg-"))
    folder.chmod(0o755)
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(folder, bin_dir, run_as)
    steps = [
        (bin_dir / "initdb", "-D", folder / "data", "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"),
        (bin_dir / "pg_ctl", "-D", folder / "data", "-l", folder / "server.log", "-w", "-t", "60",
         "-o", f"-k {folder} -c listen_addresses='' -F", "start"),
    ]
    for step in steps:
        done = subprocess.run(cluster._cmd(*step), capture_output=True, text=True, timeout=120, cwd=folder)
        if done.returncode != 0:
            log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
            cluster.stop()
            raise RuntimeError(f"{step[0].name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}")
    return cluster
