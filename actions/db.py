"""The database seam under the activity store: one portable SQL text, two engines.

The store writes its SQL once, in the subset SQLite and PostgreSQL share (`?` placeholders,
`INSERT ... ON CONFLICT`, `RETURNING id`, `CREATE TABLE IF NOT EXISTS`); a `Database` runs it on
one engine and owns everything engine-specific: connecting, transactions, schema version
bookkeeping, turning the engine's errors into a `StoreError` in plain words, and a unique-key clash
into `UniqueViolation` (the signal that someone else holds an idempotency key).

- `SQLiteDatabase`: a file, WAL, one connection per store shared by session threads under a lock,
  a write in one `BEGIN IMMEDIATE` transaction (`synchronous=FULL`, NORMAL for `durable=False`).
- `PostgresDatabase` (`actions.db_postgres`): psycopg 3 with a connection pool.

`open_database` picks one from a path or a URL.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Literal, Protocol

from actions.errors import StoreError, redact
from kb.wording import store_errors as say

__all__ = [
    "Connection",
    "Database",
    "SQLiteDatabase",
    "Step",
    "UniqueViolation",
    "engine_error",
    "newer_schema_error",
    "open_database",
    "split_statements",
]

_BUSY_TIMEOUT_S = 10.0


class UniqueViolation(Exception):
    """A write hit a unique key another transaction holds (the idempotency guard)."""


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Sequence[Any] | None: ...
    def fetchall(self) -> list[Sequence[Any]]: ...


class Connection(Protocol):
    """What the store may do inside `Database.connect()`: run portable SQL."""

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor: ...


class Database(Protocol):
    """One engine behind the store."""

    dialect: Literal["sqlite", "postgresql"]
    label: str  # "the activity log at PATH" / "the activity database at HOST/NAME", for messages

    def connect(self, *, write: bool = False, durable: bool = True) -> Any:  # a context manager yielding a Connection
        """A write is one transaction; `durable=False` lets the engine commit without waiting for the disk."""
        ...

    def migrate(self, steps: Sequence[Step]) -> None:
        """Bring the schema to version len(steps): step i (1-based) is run once, in one transaction."""
        ...

    def close(self) -> None: ...


Step = str | Mapping[str, str]  # portable SQL, or {"sqlite": ..., "postgresql": ...} where they differ


def split_statements(step: Step, dialect: str) -> list[str]:
    """The statements of a migration step for one engine (`;`-separated; no `;` inside literals)."""
    script = step if isinstance(step, str) else step[dialect]
    return [s.strip() for s in script.split(";") if s.strip()]


def engine_error(label: str, exc: BaseException, secrets: Iterable[str], known: str | None = None) -> StoreError:
    """An engine's error as the store's one error: the cause in plain words when known, else the
    engine's own text, redacted before it is cut (each engine only says which causes it knows)."""
    what = known or say.could_not_be_used(label, redact(str(exc), secrets, limit=200))
    return StoreError(what, system="activity")


def newer_schema_error(label: str, version: int) -> StoreError:
    """A database a newer release migrated past what this one knows: refused, never written."""
    return StoreError(say.newer_schema(label, version), system="activity")


def open_database(location: Path | str, *, secrets: Iterable[str] = (), namespace: str | None = None) -> Database:
    """A `SQLiteDatabase` for a path or `sqlite:PATH`, a `PostgresDatabase` for `postgresql://...`.

    `namespace` keeps a PostgreSQL record in its own schema (the sandbox's); a SQLite file is its own.
    """
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        from actions.db_postgres import PostgresDatabase

        return PostgresDatabase.shared(text, secrets=tuple(secrets), schema=namespace)
    if text.startswith("sqlite:"):
        text = text.removeprefix("sqlite:").removeprefix("//")
    return SQLiteDatabase(Path(text), secrets=secrets)


class _SQLiteConnection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Cursor:
        try:
            return self._conn.execute(sql, tuple(args))
        except sqlite3.IntegrityError as exc:
            if "unique" in str(exc).lower():
                raise UniqueViolation(str(exc)) from None
            raise


class SQLiteDatabase:
    """A SQLite file: WAL, one connection per store used under a lock by session threads; processes share the file.

    Records and claims commit with `synchronous=FULL` (on disk before we go on: a claim guards a
    write to Shopify); `durable=False` writes (checklist ticks) commit with NORMAL, which in WAL mode
    survives a crash of the app and only a power cut can lose, never corrupt.
    """

    dialect: Literal["sqlite", "postgresql"] = "sqlite"

    def __init__(self, path: Path, *, secrets: Iterable[str] = ()) -> None:
        self.path = Path(path)
        self.label = say.sqlite_label(self.path)
        self._secrets = tuple(s for s in secrets if s)
        self._lock = threading.RLock()  # Streamlit's session threads share the store and its one connection
        self._conn: sqlite3.Connection | None = None
        self._seen: tuple[int, ...] = ()  # _file_id() after our last use of the connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(say.folder_cannot_be_created(self.path.parent, exc.strerror or exc),
                             system="activity") from None

    @contextmanager
    def connect(self, *, write: bool = False, durable: bool = True) -> Iterator[_SQLiteConnection]:
        """The store's one connection, used by one thread at a time; a write is one IMMEDIATE transaction."""
        with self._lock:
            try:
                conn = self._current()
                if not write:
                    try:
                        yield _SQLiteConnection(conn)
                    finally:
                        self._seen = self._file_id()
                    return
                if not durable:
                    conn.execute("PRAGMA synchronous = NORMAL")
                try:
                    with _transaction(conn):
                        yield _SQLiteConnection(conn)
                finally:
                    if not durable:
                        conn.execute("PRAGMA synchronous = FULL")
                    self._seen = self._file_id()
            except sqlite3.IntegrityError as exc:
                raise StoreError(say.refused_write(self.label, redact(str(exc), self._secrets, limit=200)),
                                 system="activity") from None
            except sqlite3.Error as exc:
                raise self._store_error(exc) from None

    def _current(self) -> sqlite3.Connection:
        if self._conn is None:
            return self._open()
        if self._file_id() != self._seen:
            return self._reopen()
        return self._conn

    def _file_id(self) -> tuple[int, ...]:
        """What changes when another program replaces, truncates or rewrites the file (or drops its WAL)."""
        ids: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = os.stat(path)
            except OSError:
                ids += [-1, -1, -1, -1]
            else:
                ids += [st.st_dev, st.st_ino, st.st_size if path == self.path else 0,
                        st.st_mtime_ns if path == self.path else 0]
        return tuple(ids)

    def _reopen(self) -> sqlite3.Connection:
        """A new connection when another program replaced, damaged or checkpointed the file.

        The new one reads the file before the old one is closed: closing the last connection
        checkpoints its WAL into the main file, which would paper over a file damaged meanwhile.
        """
        old, self._conn = self._conn, None
        try:
            conn = self._open()
            conn.execute("SELECT 1 FROM activity LIMIT 1").fetchall()
        except sqlite3.Error:
            if self._conn is not None:
                self._conn.close()
            self._conn = old
            raise
        if old is not None:
            with suppress(sqlite3.Error):
                old.close()
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def close(self) -> None:
        """Close the connection (the next call opens a new one)."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with suppress(sqlite3.Error):
                    conn.close()

    def _store_error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc).lower()
        where = self.label
        known: str | None = None
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            known = say.corrupt(where)
        elif "locked" in text or "busy" in text:
            known = say.locked(where)
        elif "readonly" in text or "read-only" in text:
            known = say.read_only(where)
        elif "unable to open" in text or "disk i/o" in text or "full" in text:
            known = say.cannot_be_written(where)
        return engine_error(where, exc, self._secrets, known)

    def migrate(self, steps: Sequence[Step]) -> None:
        target = len(steps)
        with self._lock:
            try:
                conn = self._current()
                mode = self._switch_to_wal(conn)
                if str(mode).lower() != "wal":
                    raise StoreError(say.no_wal(self.label, mode), system="activity")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                self._check_not_newer(version, target)
                if version < target:
                    with _transaction(conn):
                        # read again under the write lock: another process may have migrated meanwhile
                        version = conn.execute("PRAGMA user_version").fetchone()[0]
                        for step in steps[version:]:
                            for statement in split_statements(step, self.dialect):
                                conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {max(version, target)}")
                else:
                    conn.execute("SELECT count(*) FROM activity").fetchone()  # a damaged file fails here, not later
                self._seen = self._file_id()
            except sqlite3.Error as exc:
                raise self._store_error(exc) from None

    def _check_not_newer(self, version: int, target: int) -> None:
        if version > target:
            raise newer_schema_error(self.label, version)

    def _switch_to_wal(self, conn: sqlite3.Connection) -> str:
        """Turn on WAL, waiting out another process doing the same on a brand-new file.

        SQLite's busy timeout does not cover the journal-mode switch, so two processes opening a
        new log at the same instant would see "database is locked" without this retry.
        """
        deadline = time.monotonic() + _BUSY_TIMEOUT_S
        delay = 0.01
        while True:
            try:
                return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE (take the write lock up front) ... COMMIT, or ROLLBACK on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
