"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temp folder, a loopback port.

`make test` installs Debian's `postgresql` package when it is missing. PostgreSQL refuses to run as
root, so as root the server runs as an unprivileged user (`postgres`, which the package creates,
else `nobody`) through `runuser`; its folder is made in /tmp and handed to that user. It listens on
127.0.0.1 only, trusts loopback connections (nothing else can reach it) and is stopped and deleted
after the session. Without the binaries the tests that need it skip with a visible reason, except
under `CI=true`, where that is a failure: CI must never pass by skipping.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PgServer", "find_pg_bin", "missing_postgres"]

USER = "cancel_assist"


def find_pg_bin(name: str) -> Path | None:
    """Debian keeps initdb/pg_ctl under /usr/lib/postgresql/<version>/bin (newest first), not on PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version, reverse=True)
    if candidates:
        return Path(candidates[0])
    found = shutil.which(name)
    return Path(found) if found else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def missing_postgres() -> str | None:
    """Why the server cannot start here, or None."""
    for name in ("initdb", "pg_ctl"):
        if find_pg_bin(name) is None:
            return f"PostgreSQL's {name} is not installed (make test installs Debian's postgresql)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """Start with `start()`, connect with `url(dbname)`, stop with `stop()` (the folder goes too)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cancel-assist-pg-"))
        self.data = self.dir / "data"
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            user = "postgres" if _user_exists("postgres") else "nobody"
            self._run_as = ["runuser", "-u", user, "--"]
            entry = pwd.getpwnam(user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.dir.chmod(0o700)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._run_as, *args], capture_output=True, text=True, timeout=120, check=False, cwd=self.dir,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )

    def start(self) -> None:
        initdb, pg_ctl = find_pg_bin("initdb"), find_pg_bin("pg_ctl")
        assert initdb and pg_ctl
        done = self._run(str(initdb), "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=300"
            " -c fsync=off -c full_page_writes=off"
        )
        done = self._run(str(pg_ctl), "-D", str(self.data), "-o", options, "-l", str(self.dir / "server.log"), "-w",
                         "-t", "120", "start")
        if done.returncode != 0:
            log = (self.dir / "server.log").read_text(errors="replace") if (self.dir / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr[-1000:]} {log[-2000:]}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = find_pg_bin("pg_ctl")
        if pg_ctl and self.data.exists():
            self._run(str(pg_ctl), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
