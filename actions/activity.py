"""The activity store: a durable record of every action, checklist progress and entered supplier ids.

One store, two engines (`actions.db`): a SQLite file by default (WAL, one connection per store used
under a lock by Streamlit's session threads, separate CLI processes sharing the file; records commit
with `synchronous=FULL`, checklist ticks with NORMAL), or a PostgreSQL database shared by several app
servers and CLIs when a database URL is configured. The SQL here is portable (`?` placeholders,
`ON CONFLICT`, `RETURNING id`); the database adapter runs it. The unique `idempotency_key` column is
the guard that makes two sessions (or two processes, or two hosts) cancelling the same order send one
write: the second `claim` gets `None`. Every text is redacted before it is written; engine errors
become a `StoreError` that says, in plain words, what is wrong with the log.

Adding to the store: write portable SQL (the subset above; no `rowid`, `INSERT OR REPLACE`,
`PRAGMA` or engine functions), add schema changes as a new step at the end of `_MIGRATIONS`, and
test new methods through the `location` fixture of tests/actions/test_activity.py, which runs them
on SQLite and on a throwaway PostgreSQL server.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict

from actions.db import Database, Step, UniqueViolation, open_database
from actions.errors import StoreError, redact
from kb.state import NoSupplierOrder, SupplierRef
from kb.wording import store_errors as say

__all__ = ["SCHEMA_VERSION", "ActivityRecord", "ActivityStore", "Authorisation", "FollowUpRow", "HandCheck", "Outcome",
           "copy_record"]

Outcome = Literal["started", "ok", "refused", "error", "unknown", "already_done"]
_OUTCOMES = frozenset(("started", "ok", "refused", "error", "unknown", "already_done"))
_MAX_TEXT = 2000

# Migration steps, oldest first: step N brings the schema to version N (run once, in one transaction).
# Portable SQL (a step may be a {"sqlite": ..., "postgresql": ...} pair where the engines differ);
# `INTEGER PRIMARY KEY AUTOINCREMENT` becomes an identity column on PostgreSQL.
_V1 = """
CREATE TABLE IF NOT EXISTS activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    order_id TEXT NOT NULL,
    order_name TEXT NOT NULL,
    ticket TEXT,
    action TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    outcome TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    request_id TEXT,
    idempotency_key TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS activity_order ON activity (order_id);
CREATE INDEX IF NOT EXISTS activity_order_name ON activity (order_name);
CREATE INDEX IF NOT EXISTS activity_ticket ON activity (ticket);
CREATE TABLE IF NOT EXISTS progress (
    order_id TEXT NOT NULL,
    step_key TEXT NOT NULL,
    done INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (order_id, step_key)
);
CREATE TABLE IF NOT EXISTS supplier_refs (
    order_id TEXT NOT NULL,
    supplier TEXT NOT NULL,
    supplier_order_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (order_id, supplier, supplier_order_id)
);
"""
# supplier_refs gets an id, so "in the order entered" needs no engine-specific row id.
_V2_TABLE = """
CREATE TABLE supplier_refs_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    supplier TEXT NOT NULL,
    supplier_order_id TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (order_id, supplier, supplier_order_id)
);
INSERT INTO supplier_refs_v2 (order_id, supplier, supplier_order_id, at)
    SELECT order_id, supplier, supplier_order_id, at FROM supplier_refs ORDER BY at{tiebreak};
DROP TABLE supplier_refs;
ALTER TABLE supplier_refs_v2 RENAME TO supplier_refs
"""
_MIGRATIONS: tuple[Step, ...] = (
    _V1,
    {"sqlite": _V2_TABLE.format(tiebreak=", rowid"), "postgresql": _V2_TABLE.format(tiebreak="")},
    # Who acted: the signed-in e-mail in the app, --agent or the OS user on the CLI (NULL before v3).
    "ALTER TABLE activity ADD COLUMN agent TEXT",
    # Follow-ups (issue 17): the followed orders, the agents' authorisations, and the check run's lease.
    """
CREATE TABLE IF NOT EXISTS followups (
    order_id TEXT PRIMARY KEY,
    order_name TEXT NOT NULL,
    ticket TEXT,
    agent TEXT,
    status TEXT NOT NULL,
    waiting_for TEXT,
    detail TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL DEFAULT '',
    since TEXT NOT NULL,
    due_at TEXT NOT NULL,
    checked_at TEXT,
    closed_at TEXT,
    last_record_id INTEGER
);
CREATE INDEX IF NOT EXISTS followups_due ON followups (closed_at, due_at);
CREATE TABLE IF NOT EXISTS authorisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    order_name TEXT NOT NULL,
    ticket TEXT,
    agent TEXT NOT NULL,
    options TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT,
    used_by_run TEXT,
    used_at TEXT,
    record_id INTEGER
);
CREATE INDEX IF NOT EXISTS authorisations_order ON authorisations (order_id);
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
)
""",
    # Which process holds a claim (host:pid), so a look-up can tell a claim whose process died from one
    # still at work (NULL before v5, and for records that are not claims).
    "ALTER TABLE activity ADD COLUMN owner TEXT",
    # The supplier side answered by hand: "no supplier order was placed", and what the supplier's site showed.
    """
CREATE TABLE IF NOT EXISTS no_supplier_orders (
    order_id TEXT NOT NULL,
    at TEXT NOT NULL,
    ticket TEXT
);
CREATE INDEX IF NOT EXISTS no_supplier_orders_order ON no_supplier_orders (order_id);
CREATE TABLE IF NOT EXISTS supplier_checks (
    order_id TEXT NOT NULL,
    supplier TEXT NOT NULL,
    supplier_order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    ticket TEXT
);
CREATE INDEX IF NOT EXISTS supplier_checks_order ON supplier_checks (order_id)
""",
)
SCHEMA_VERSION = len(_MIGRATIONS)
_FOLLOW_UP_COLUMNS = (
    "order_id, order_name, ticket, agent, status, waiting_for, detail, path, since, due_at, checked_at, closed_at,"
    " last_record_id"
)
_AUTH_COLUMNS = (
    "id, order_id, order_name, ticket, agent, options, created_at, expires_at, withdrawn_at, withdrawn_by,"
    " used_by_run, used_at, record_id"
)

_SELECT = (
    "SELECT id, at, order_id, order_name, ticket, action, options, outcome, message, request_id, idempotency_key,"
    " agent, owner FROM activity"
)
_CSV_COLUMNS = (
    "id", "at", "order_id", "order_name", "ticket", "action", "options", "outcome", "message", "request_id",
    "agent",
)


class ActivityRecord(BaseModel):
    """One recorded action: when, which order and ticket, what was asked, what came of it."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    order_id: str
    order_name: str
    ticket: str | None
    action: str
    options: dict[str, Any]
    outcome: Outcome
    message: str
    request_id: str | None
    idempotency_key: str | None
    agent: str | None = None  # who acted (None: recorded before agents were)
    owner: str | None = None  # host:pid of the process that claimed it (claims only)


class HandCheck(BaseModel):
    """What someone saw on the supplier's site for one supplier order, when, for which ticket."""

    model_config = ConfigDict(frozen=True)

    supplier: str
    order_id: str
    status: str  # a kb.hand_check.HandStatus value
    at: datetime
    ticket: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _iso(moment: datetime) -> str:
    """One text form for every stored time, so times compare as text (in SQLite and PostgreSQL alike)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class FollowUpRow(BaseModel):
    """One followed order as stored: who it waits on, since when, when to look again."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    order_name: str
    ticket: str | None
    agent: str | None
    status: str  # kb.followups.FollowUpStatus
    waiting_for: str | None  # kb.followups.WaitingFor
    detail: str
    path: str
    since: datetime
    due_at: datetime
    checked_at: datetime | None
    closed_at: datetime | None
    last_record_id: int | None


class Authorisation(BaseModel):
    """An agent's standing order: once the supplier confirms, cancel on Shopify with these options."""

    model_config = ConfigDict(frozen=True)

    id: int
    order_id: str
    order_name: str
    ticket: str | None
    agent: str
    options: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    used_by_run: str | None
    used_at: datetime | None
    record_id: int | None

    def active(self, now: datetime) -> bool:
        """Neither withdrawn, nor used (or being used), nor expired at `now`."""
        return self.withdrawn_at is None and self.used_by_run is None and now < self.expires_at


def _owner() -> str:
    """This process, as a claim names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(owner: str | None) -> bool:
    """Whether the process that made a claim has ended; known only for a process on this machine (POSIX)."""
    host, _, pid_text = (owner or "").rpartition(":")
    if os.name != "posix" or host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # this process: the claim belongs to one of its sessions, at work
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (another user's process) or cannot be asked: assume it is at work
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]  # killed, not yet reaped by its parent


class ActivityStore:
    """The record, in a SQLite file or a PostgreSQL database; safe to share between threads, processes and hosts."""

    def __init__(
        self,
        location: Path | str | Database,
        *,
        secrets: Iterable[str | None] = (),
        stale_after: timedelta = timedelta(minutes=10),
        namespace: str | None = None,
    ) -> None:
        """`location`: a SQLite path, `sqlite:PATH` or `postgresql://...`; `namespace`: a PostgreSQL schema."""
        self._secrets = tuple(s for s in secrets if s)
        self._stale_after = stale_after
        self.db: Database = (
            location if not isinstance(location, (str, Path))
            else open_database(location, secrets=self._secrets, namespace=namespace)
        )
        self.path: Path | None = getattr(self.db, "path", None)  # the SQLite file; None on PostgreSQL
        self.db.migrate(_MIGRATIONS)

    def close(self) -> None:
        """Release what the engine holds (SQLite's connection, PostgreSQL's pool); the next call reopens SQLite."""
        self.db.close()

    # --- cleaning what goes in ----------------------------------------------------------------

    def _clean(self, text: str | None) -> str | None:
        if text is None:
            return None
        return redact(str(text), self._secrets, limit=_MAX_TEXT)

    def _options(self, options: dict[str, Any] | None) -> str:
        text = json.dumps(options or {}, sort_keys=True, default=str, ensure_ascii=False)
        cleaned = redact(text, self._secrets)
        try:
            json.loads(cleaned)
        except ValueError:  # a mask inside an escaped string broke the JSON: keep it valid
            cleaned = json.dumps({"redacted": cleaned}, ensure_ascii=False)
        return cleaned

    # --- actions ----------------------------------------------------------------------------

    def claim(
        self,
        key: str,
        *,
        order_id: str,
        order_name: str,
        ticket: str | None,
        action: str,
        options: dict[str, Any] | None = None,
        replace_finished: bool = False,
        agent: str | None = None,
    ) -> int | None:
        """Record an action as `started` under a unique key; None when someone holds the key already.

        A claim left `started` for longer than `stale_after` (its process died mid-action) is taken
        over: the old record is closed as `unknown` and a new one holds the key. `replace_finished`
        takes over a key whose action has finished: the caller has just re-read the remote state and
        found the action still needed (a sandbox reset, a fulfillment request that came back). A
        recent `unknown` result is never taken over: the write may still be landing.
        """
        key = self._clean(key) or ""
        try:
            with self.db.connect(write=True) as conn:
                held = conn.execute(
                    "SELECT id, at, outcome FROM activity WHERE idempotency_key = ?", (key,)
                ).fetchone()
                if held is not None:
                    recent = datetime.now(UTC) - datetime.fromisoformat(held[1]) < self._stale_after
                    if held[2] == "started":
                        if recent:
                            return None
                        conn.execute(
                            "UPDATE activity SET outcome = 'unknown', idempotency_key = NULL, message = ? WHERE id = ?",
                            (say.ABANDONED, held[0]),
                        )
                    elif replace_finished and not (held[2] == "unknown" and recent):
                        conn.execute("UPDATE activity SET idempotency_key = NULL WHERE id = ?", (held[0],))
                    else:
                        return None
                row = conn.execute(
                    "INSERT INTO activity (at, order_id, order_name, ticket, action, options, outcome, message,"
                    " idempotency_key, agent, owner) VALUES (?, ?, ?, ?, ?, ?, 'started', '', ?, ?, ?) RETURNING id",
                    (
                        _now(), self._clean(order_id), self._clean(order_name), self._clean(ticket),
                        self._clean(action), self._options(options), key, self._clean(agent), _owner(),
                    ),
                )
                return int(row.fetchone()[0])
        except UniqueViolation:
            return None  # another process inserted the same key between our read and our write

    def finish(
        self,
        record_id: int,
        *,
        outcome: Outcome,
        message: str,
        request_id: str | None = None,
        release: bool = False,
    ) -> None:
        """Close a claimed record; `release` frees the key when nothing reached the remote (retry allowed)."""
        if outcome not in _OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        sql = "UPDATE activity SET outcome = ?, message = ?, request_id = ?"
        if release:
            sql += ", idempotency_key = NULL"
        with self.db.connect(write=True) as conn:
            conn.execute(sql + " WHERE id = ?", (outcome, self._clean(message), self._clean(request_id), record_id))

    def open_claims(self, order_id: str) -> tuple[ActivityRecord, ...]:
        """This order's writes still holding their key without a known result (`started` or `unknown`)."""
        with self.db.connect() as conn:
            rows = conn.execute(
                f"{_SELECT} WHERE order_id = ? AND idempotency_key IS NOT NULL AND outcome IN ('started', 'unknown')"
                " ORDER BY id",
                (self._clean(order_id),),
            ).fetchall()
        return tuple(self._row(row) for row in rows)

    def abandoned(self, record: ActivityRecord) -> bool:
        """Whether a `started` claim lost its process: it ended (killed, crashed) or the claim is stale."""
        if record.outcome != "started":
            return False
        return datetime.now(UTC) - record.at >= self._stale_after or _owner_gone(record.owner)

    def settle(self, record_id: int, *, was: Outcome, outcome: Outcome, message: str) -> bool:
        """Close a record a look-up has settled, only if it still has outcome `was`; the key stays held."""
        if outcome not in _OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self.db.connect(write=True) as conn:
            row = conn.execute(
                "UPDATE activity SET outcome = ?, message = ? WHERE id = ? AND outcome = ? RETURNING id",
                (outcome, self._clean(message), record_id, was),
            ).fetchone()
        return row is not None

    def record(
        self,
        *,
        order_id: str,
        order_name: str,
        ticket: str | None,
        action: str,
        options: dict[str, Any] | None = None,
        outcome: Outcome,
        message: str,
        request_id: str | None = None,
        agent: str | None = None,
    ) -> int:
        """Record a finished action that needed no claim (a check, a refusal, an entered supplier id)."""
        if outcome not in _OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self.db.connect(write=True) as conn:
            row = conn.execute(
                "INSERT INTO activity (at, order_id, order_name, ticket, action, options, outcome, message,"
                " request_id, agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    _now(), self._clean(order_id), self._clean(order_name), self._clean(ticket), self._clean(action),
                    self._options(options), outcome, self._clean(message), self._clean(request_id), self._clean(agent),
                ),
            )
            return int(row.fetchone()[0])

    def count(self, *, order: str | None = None, ticket: str | None = None, outcome: str | None = None, since: datetime | None = None, until: datetime | None = None) -> int:
        """How many records match the filters (all of them when none is given)."""
        where, args = _where(order, ticket, outcome=outcome, since=since, until=until)
        with self.db.connect() as conn:
            return int(conn.execute(f"SELECT count(*) FROM activity{where}", args).fetchone()[0])

    def list(
        self, *, order: str | None = None, ticket: str | None = None, limit: int = 500, offset: int = 0,
        outcome: str | None = None, since: datetime | None = None, until: datetime | None = None,
    ) -> tuple[ActivityRecord, ...]:
        """One page of records, newest first; `order` matches the order id or its name ("#1001" or "1001").

        A page is at most `limit` records after skipping `offset`: `count` says how many there are in all,
        and `records` walks through every one of them. `outcome` keeps one outcome; `since` and `until`
        keep the records taken at or after, and before, those moments.
        """
        where, args = _where(order, ticket, outcome=outcome, since=since, until=until)
        sql = f"{_SELECT}{where} ORDER BY id DESC LIMIT ? OFFSET ?"
        with self.db.connect() as conn:
            rows = conn.execute(sql, [*args, max(0, int(limit)), max(0, int(offset))]).fetchall()
        return tuple(self._row(row) for row in rows)

    def records(
        self, *, order: str | None = None, ticket: str | None = None, batch: int = 500,
        outcome: str | None = None, since: datetime | None = None, until: datetime | None = None,
    ) -> Iterator[ActivityRecord]:
        """Every record that matches, newest first, read `batch` at a time (never all in memory at once).

        Records written while this runs are newer than the first one read, so they are left out: the
        walk is over the log as it was when it began.
        """
        where, args = _where(order, ticket, outcome=outcome, since=since, until=until)
        size = max(1, int(batch))
        below: int | None = None
        while True:
            clause, page_args = where, list(args)
            if below is not None:  # keyset paging: the next batch starts below the last id read
                clause = f"{where} AND id < ?" if where else " WHERE id < ?"
                page_args.append(below)
            with self.db.connect() as conn:
                rows = conn.execute(f"{_SELECT}{clause} ORDER BY id DESC LIMIT ?", [*page_args, size]).fetchall()
            yield from (self._row(row) for row in rows)
            if len(rows) < size:
                return
            below = int(rows[-1][0])

    def write_csv(self, out: TextIO, *, order: str | None = None, ticket: str | None = None,
                  outcome: str | None = None, since: datetime | None = None, until: datetime | None = None) -> int:
        """Stream every record that matches to `out` as CSV (see `to_csv`); returns how many were written."""
        writer = _csv_writer(out)
        written = 0
        for rec in self.records(order=order, ticket=ticket, outcome=outcome, since=since, until=until):
            writer.writerow(_csv_row(rec))
            written += 1
        return written

    def export_csv(self, *, order: str | None = None, ticket: str | None = None,
                   outcome: str | None = None, since: datetime | None = None, until: datetime | None = None) -> str:
        """Every record that matches, as one CSV text (for a download)."""
        out = io.StringIO()
        self.write_csv(out, order=order, ticket=ticket, outcome=outcome, since=since, until=until)
        return out.getvalue()

    def holder(self, key: str) -> ActivityRecord | None:
        """The record that holds an idempotency key (None when the key is free)."""
        with self.db.connect() as conn:
            row = conn.execute(f"{_SELECT} WHERE idempotency_key = ?", (self._clean(key),)).fetchone()
        return self._row(row) if row else None

    def get(self, record_id: int) -> ActivityRecord | None:
        """One record by id (None if there is none)."""
        with self.db.connect() as conn:
            row = conn.execute(f"{_SELECT} WHERE id = ?", (record_id,)).fetchone()
        return self._row(row) if row else None

    @staticmethod
    def _row(row: Sequence[Any]) -> ActivityRecord:
        try:
            options = json.loads(row[6] or "{}")
        except ValueError:
            options = {}
        return ActivityRecord(
            id=row[0], at=datetime.fromisoformat(row[1]), order_id=row[2], order_name=row[3], ticket=row[4],
            action=row[5], options=options if isinstance(options, dict) else {}, outcome=row[7],
            message=row[8] or "", request_id=row[9], idempotency_key=row[10], agent=row[11], owner=row[12],
        )

    @staticmethod
    def to_csv(records: Iterable[ActivityRecord]) -> str:
        """The records as CSV: RFC 4180 (CRLF rows; any cell holding CR or LF is quoted), and no line of a
        cell starts a spreadsheet formula (= + - @, tab or CR get a leading apostrophe)."""
        out = io.StringIO()
        writer = _csv_writer(out)
        for rec in records:
            writer.writerow(_csv_row(rec))
        return out.getvalue()

    # --- moving a record to another store -----------------------------------------------------

    def copy_to(self, target: ActivityStore) -> dict[str, int]:
        """Copy this whole record into an empty `target` in one transaction (all or nothing).

        Records keep their order, times, agents and idempotency keys (a claim held here is held
        there); ids are the target's own, and the follow-ups and authorisations that name a record
        name its new id. Leases are not copied: they belong to running check runs. A target that
        already has records is refused, so a copy run twice never doubles the record.
        """
        columns = (
            "at, order_id, order_name, ticket, action, options, outcome, message, request_id, idempotency_key, agent,"
            " owner"
        )
        with self.db.connect() as conn:
            activity = conn.execute(f"SELECT id, {columns} FROM activity ORDER BY id").fetchall()
            progress = conn.execute("SELECT order_id, step_key, done, at FROM progress").fetchall()
            refs = conn.execute(
                "SELECT order_id, supplier, supplier_order_id, at FROM supplier_refs ORDER BY id"
            ).fetchall()
            none_placed = conn.execute("SELECT order_id, at, ticket FROM no_supplier_orders ORDER BY at").fetchall()
            checks = conn.execute(
                "SELECT order_id, supplier, supplier_order_id, status, at, ticket FROM supplier_checks ORDER BY at"
            ).fetchall()
            followups = conn.execute(f"SELECT {_FOLLOW_UP_COLUMNS} FROM followups ORDER BY order_id").fetchall()
            authorisations = conn.execute(f"SELECT {_AUTH_COLUMNS} FROM authorisations ORDER BY id").fetchall()
        with target.db.connect(write=True) as conn:
            if conn.execute("SELECT count(*) FROM activity").fetchone()[0]:
                raise StoreError(say.already_holds_records(target.db.label), system="activity")
            marks = ", ".join("?" * len(columns.split(",")))
            new_ids: dict[int, int] = {}
            for row in activity:
                cursor = conn.execute(f"INSERT INTO activity ({columns}) VALUES ({marks}) RETURNING id", tuple(row[1:]))
                new_ids[int(row[0])] = int(cursor.fetchone()[0])
            for row in progress:
                conn.execute(
                    "INSERT INTO progress (order_id, step_key, done, at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (order_id, step_key) DO UPDATE SET done = excluded.done, at = excluded.at",
                    tuple(row),
                )
            for row in refs:
                conn.execute(
                    "INSERT INTO supplier_refs (order_id, supplier, supplier_order_id, at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    tuple(row),
                )
            for row in none_placed:
                conn.execute("INSERT INTO no_supplier_orders (order_id, at, ticket) VALUES (?, ?, ?)", tuple(row))
            for row in checks:
                conn.execute(
                    "INSERT INTO supplier_checks (order_id, supplier, supplier_order_id, status, at, ticket)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    tuple(row),
                )
            follow_marks = ", ".join("?" * len(_FOLLOW_UP_COLUMNS.split(",")))
            for row in followups:
                values = (*row[:-1], _moved(row[-1], new_ids))
                conn.execute(f"INSERT INTO followups ({_FOLLOW_UP_COLUMNS}) VALUES ({follow_marks})", values)
            auth_columns = _AUTH_COLUMNS.removeprefix("id, ")
            auth_marks = ", ".join("?" * len(auth_columns.split(",")))
            for row in authorisations:
                values = (*row[1:-1], _moved(row[-1], new_ids))
                conn.execute(f"INSERT INTO authorisations ({auth_columns}) VALUES ({auth_marks})", values)
        return {"activity": len(activity), "progress": len(progress), "supplier_refs": len(refs),
                "no_supplier_orders": len(none_placed), "supplier_checks": len(checks),
                "followups": len(followups), "authorisations": len(authorisations)}

    # --- checklist progress ------------------------------------------------------------------

    def progress(self, order_id: str) -> frozenset[str]:
        """The manual steps ticked for this order."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT step_key FROM progress WHERE order_id = ? AND done = 1", (order_id,)
            ).fetchall()
        return frozenset(r[0] for r in rows)

    def set_progress(self, order_id: str, step_key: str, done: bool) -> None:
        """Tick or untick one manual step of one order (a cheap commit: see `durable` in actions.db)."""
        with self.db.connect(write=True, durable=False) as conn:
            conn.execute(
                "INSERT INTO progress (order_id, step_key, done, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (order_id, step_key) DO UPDATE SET done = excluded.done, at = excluded.at",
                (self._clean(order_id), self._clean(step_key), 1 if done else 0, _now()),
            )

    # --- supplier order ids entered by hand ---------------------------------------------------

    def supplier_refs(self, order_id: str) -> tuple[SupplierRef, ...]:
        """Supplier orders the merchant entered for this Shopify order, in the order entered."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT supplier, supplier_order_id FROM supplier_refs WHERE order_id = ? ORDER BY at, id",
                (order_id,),
            ).fetchall()
        refs: list[SupplierRef] = []
        for supplier, supplier_order_id in rows:
            try:
                refs.append(SupplierRef(supplier=supplier, order_id=supplier_order_id, source="entered"))
            except ValueError:
                continue  # a row written by hand outside the app; never let it break a look-up
        return tuple(refs)

    def add_supplier_ref(self, order_id: str, ref: SupplierRef) -> None:
        """Remember a supplier order id for this Shopify order (entered once, used by every look-up)."""
        with self.db.connect(write=True) as conn:
            conn.execute(
                "INSERT INTO supplier_refs (order_id, supplier, supplier_order_id, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (self._clean(order_id), ref.supplier, ref.order_id, _now()),
            )

    # --- "no supplier order was placed", confirmed by hand --------------------------------------

    def no_supplier_order(self, order_id: str) -> NoSupplierOrder | None:
        """The latest confirmation that no supplier order was placed for this order (None if never)."""
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT at, ticket FROM no_supplier_orders WHERE order_id = ? ORDER BY at DESC LIMIT 1",
                (order_id,),
            ).fetchone()
        if row is None:
            return None
        try:
            return NoSupplierOrder(at=datetime.fromisoformat(row[0]), ticket=row[1])
        except ValueError:
            return None  # a row written by hand outside the app; never let it break a look-up

    def add_no_supplier_order(self, order_id: str, ticket: str | None) -> NoSupplierOrder:
        """Record, with the time and the ticket, that no supplier order was placed for this order."""
        at = _now()
        with self.db.connect(write=True) as conn:
            conn.execute("INSERT INTO no_supplier_orders (order_id, at, ticket) VALUES (?, ?, ?)",
                         (self._clean(order_id), at, self._clean(ticket)))
        return NoSupplierOrder(at=datetime.fromisoformat(at), ticket=ticket)

    # --- supplier orders checked by hand on the supplier's site ---------------------------------

    def supplier_checks(self, order_id: str) -> tuple[HandCheck, ...]:
        """The latest check by hand of each supplier order of this Shopify order."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT supplier, supplier_order_id, status, at, ticket FROM supplier_checks WHERE order_id = ?"
                " ORDER BY at",
                (order_id,),
            ).fetchall()
        latest: dict[tuple[str, str], HandCheck] = {}
        for supplier, supplier_order_id, status, at, ticket in rows:
            try:
                latest[(supplier, supplier_order_id)] = HandCheck(
                    supplier=supplier, order_id=supplier_order_id, status=status, at=datetime.fromisoformat(at),
                    ticket=ticket)
            except ValueError:
                continue  # a row written by hand outside the app; never let it break a look-up
        return tuple(latest.values())

    def add_supplier_check(self, order_id: str, check: HandCheck) -> None:
        """Record what was seen on the supplier's site (every check is kept; the latest counts)."""
        with self.db.connect(write=True) as conn:
            conn.execute(
                "INSERT INTO supplier_checks (order_id, supplier, supplier_order_id, status, at, ticket)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self._clean(order_id), check.supplier, check.order_id, check.status,
                 check.at.isoformat(timespec="milliseconds"), self._clean(check.ticket)),
            )


    # --- follow-ups (issue 17) ------------------------------------------------------------------

    def follow_up(self, order_id: str) -> FollowUpRow | None:
        """The follow-up of one order (open or closed), None when it was never followed."""
        with self.db.connect() as conn:
            row = conn.execute(f"SELECT {_FOLLOW_UP_COLUMNS} FROM followups WHERE order_id = ?",
                               (order_id,)).fetchone()
        return self._follow_up_row(row) if row else None

    def follow_ups(self, *, include_closed: bool = False, due_by: datetime | None = None,
                   limit: int = 500) -> tuple[FollowUpRow, ...]:
        """Open follow-ups (and closed ones if asked), soonest due first; `due_by` keeps those due by then."""
        sql = f"SELECT {_FOLLOW_UP_COLUMNS} FROM followups"
        where: list[str] = []
        args: list[Any] = []
        if not include_closed:
            where.append("closed_at IS NULL")
        if due_by is not None:
            where.append("due_at <= ?")
            args.append(_iso(due_by))
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY due_at, order_name LIMIT ?"
        args.append(max(0, int(limit)))
        with self.db.connect() as conn:
            rows = conn.execute(sql, args).fetchall()
        return tuple(self._follow_up_row(r) for r in rows)

    def save_follow_up(
        self, *, order_id: str, order_name: str, ticket: str | None, agent: str | None, status: str,
        waiting_for: str | None, detail: str, path: str, since: datetime, due_at: datetime,
        checked_at: datetime | None, closed_at: datetime | None, last_record_id: int | None = None,
    ) -> None:
        """Insert or replace one order's follow-up (the caller has read the order just now)."""
        values = (
            self._clean(order_id), self._clean(order_name), self._clean(ticket), self._clean(agent), status,
            waiting_for, self._clean(detail), path, _iso(since), _iso(due_at),
            _iso(checked_at) if checked_at else None, _iso(closed_at) if closed_at else None, last_record_id,
        )
        with self.db.connect(write=True) as conn:
            conn.execute(
                f"INSERT INTO followups ({_FOLLOW_UP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (order_id) DO UPDATE SET order_name = excluded.order_name, ticket = excluded.ticket,"
                " agent = excluded.agent, status = excluded.status, waiting_for = excluded.waiting_for,"
                " detail = excluded.detail, path = excluded.path, since = excluded.since, due_at = excluded.due_at,"
                " checked_at = excluded.checked_at, closed_at = excluded.closed_at,"
                " last_record_id = COALESCE(excluded.last_record_id, followups.last_record_id)",
                values,
            )

    @staticmethod
    def _follow_up_row(row: Sequence[Any]) -> FollowUpRow:
        def when(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return FollowUpRow(
            order_id=row[0], order_name=row[1], ticket=row[2], agent=row[3], status=row[4], waiting_for=row[5],
            detail=row[6] or "", path=row[7] or "", since=datetime.fromisoformat(row[8]),
            due_at=datetime.fromisoformat(row[9]), checked_at=when(row[10]), closed_at=when(row[11]),
            last_record_id=row[12],
        )

    # --- authorisations: "when the supplier confirms, cancel on Shopify with these options" --------

    def authorise(self, *, order_id: str, order_name: str, ticket: str | None, agent: str,
                  options: dict[str, Any], expires_at: datetime) -> int:
        """Store a new authorisation, withdrawing any earlier open one for the order (one at a time)."""
        now = _now()
        with self.db.connect(write=True) as conn:
            conn.execute(
                "UPDATE authorisations SET withdrawn_at = ?, withdrawn_by = ? WHERE order_id = ?"
                " AND withdrawn_at IS NULL AND used_by_run IS NULL",
                (now, self._clean(agent), order_id),
            )
            row = conn.execute(
                "INSERT INTO authorisations (order_id, order_name, ticket, agent, options, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (self._clean(order_id), self._clean(order_name), self._clean(ticket), self._clean(agent),
                 self._options(options), now, _iso(expires_at)),
            )
            return int(row.fetchone()[0])

    def authorisation(self, order_id: str) -> Authorisation | None:
        """The order's latest authorisation (whatever its state), None when there was never one."""
        with self.db.connect() as conn:
            row = conn.execute(
                f"SELECT {_AUTH_COLUMNS} FROM authorisations WHERE order_id = ? ORDER BY id DESC LIMIT 1",
                (order_id,),
            ).fetchone()
        return self._auth_row(row) if row else None

    def withdraw_authorisation(self, auth_id: int, *, agent: str) -> bool:
        """Withdraw it unless it is already withdrawn or taken by a check run (True when withdrawn now)."""
        with self.db.connect(write=True) as conn:
            cursor = conn.execute(
                "UPDATE authorisations SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?"
                " AND withdrawn_at IS NULL AND used_by_run IS NULL",
                (_now(), self._clean(agent), auth_id),
            )
            return bool(cursor.rowcount == 1)

    def take_authorisation(self, auth_id: int, *, run: str, now: datetime) -> bool:
        """A check run takes an authorisation for its one write: True for exactly one taker, never after expiry."""
        with self.db.connect(write=True) as conn:
            cursor = conn.execute(
                "UPDATE authorisations SET used_by_run = ?, used_at = ? WHERE id = ? AND withdrawn_at IS NULL"
                " AND used_by_run IS NULL AND expires_at > ?",
                (self._clean(run), _iso(now), auth_id, _iso(now)),
            )
            return bool(cursor.rowcount == 1)

    def settle_authorisation(self, auth_id: int, *, record_id: int | None, give_back: bool) -> None:
        """After the write: keep it used (with the record of the write), or give it back when nothing was sent."""
        with self.db.connect(write=True) as conn:
            if give_back:
                conn.execute("UPDATE authorisations SET used_by_run = NULL, used_at = NULL WHERE id = ?", (auth_id,))
            else:
                conn.execute("UPDATE authorisations SET record_id = ? WHERE id = ?", (record_id, auth_id))

    @staticmethod
    def _auth_row(row: Sequence[Any]) -> Authorisation:
        def when(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        try:
            options = json.loads(row[5] or "{}")
        except ValueError:
            options = {}
        return Authorisation(
            id=row[0], order_id=row[1], order_name=row[2], ticket=row[3], agent=row[4],
            options=options if isinstance(options, dict) else {}, created_at=datetime.fromisoformat(row[6]),
            expires_at=datetime.fromisoformat(row[7]), withdrawn_at=when(row[8]), withdrawn_by=row[9],
            used_by_run=row[10], used_at=when(row[11]), record_id=row[12],
        )

    # --- leases: one holder at a time across processes and hosts (the check run's lock) -----------

    def take_lease(self, name: str, *, holder: str, ttl: timedelta) -> bool:
        """Hold `name` for `ttl` unless someone else holds it unexpired (portable upsert; True when ours).

        A holder that died leaves its lease to expire, so a crashed check run never blocks the next for
        longer than `ttl`; a live holder renews it by taking it again. The same SQL is atomic on SQLite
        (one writer) and PostgreSQL (the conflicting row is locked), so it also serves a shared database.
        """
        now = datetime.now(UTC)
        with self.db.connect(write=True) as conn:
            conn.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
                (name, holder, _iso(now + ttl), _iso(now)),
            )
            row = conn.execute("SELECT holder FROM leases WHERE name = ?", (name,)).fetchone()
        return row is not None and row[0] == holder

    def release_lease(self, name: str, *, holder: str) -> None:
        """Give the lease up (only if still ours)."""
        with self.db.connect(write=True) as conn:
            conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


def copy_record(source: str, target: str) -> tuple[dict[str, int], str]:
    """`db copy`: the whole record of the store at `source` into the empty one at `target` (`sqlite:PATH`
    or a PostgreSQL URL), in one transaction; both are closed afterwards. Returns what was copied, per
    table, and the target's label for the merchant."""
    source_store = ActivityStore(source)
    try:
        target_store = ActivityStore(target)
        try:
            return source_store.copy_to(target_store), target_store.db.label
        finally:
            target_store.close()
    finally:
        source_store.close()


def _moved(record_id: int | None, new_ids: dict[int, int]) -> int | None:
    """A record id as the copy's target numbers it (None stays None; a dangling id is dropped)."""
    return None if record_id is None else new_ids.get(int(record_id))


def _where(order: str | None, ticket: str | None, *, outcome: str | None = None, since: datetime | None = None, until: datetime | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause (with its leading space, or empty) and its arguments for the record filters."""
    where: list[str] = []
    args: list[Any] = []
    if order:
        name = order if order.startswith(("#", "gid://")) else f"#{order}"
        where.append("(order_id = ? OR order_name = ? OR order_name = ?)")
        args += [order, order, name]
    if ticket:
        where.append("ticket = ?")
        args.append(ticket)
    if outcome:
        where.append("outcome = ?")
        args.append(outcome)
    if since is not None:  # `at` is one ISO 8601 UTC text form (`_iso`): text order is time order
        where.append("at >= ?")
        args.append(_iso(_utc(since)))
    if until is not None:
        where.append("at < ?")
        args.append(_iso(_utc(until)))
    return (" WHERE " + " AND ".join(where) if where else ""), args


def _utc(moment: datetime) -> datetime:
    """A naive moment is UTC (never the server's local time)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _csv_writer(out: TextIO) -> Any:
    """A CSV writer on `out` that has written the header row.

    CRLF ends a row, so the csv module quotes every cell holding a CR or an LF (with a bare LF as
    the row end, a bare CR went out unquoted and split the row for spreadsheets).
    """
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_CSV_COLUMNS)
    return writer


def _csv_row(rec: ActivityRecord) -> list[object]:
    values = [
        rec.id, rec.at.isoformat(), rec.order_id, rec.order_name, rec.ticket or "", rec.action,
        json.dumps(rec.options, sort_keys=True, default=str), rec.outcome, rec.message, rec.request_id or "",
        rec.agent or "",
    ]
    return [_csv_cell(v) for v in values]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _csv_cell(value: object) -> object:
    """A text cell with every line that could start a formula made inert by a leading apostrophe."""
    if not isinstance(value, str):
        return value
    if value[:1] in _FORMULA_START:
        value = "'" + value
    parts = _LINE_BREAK.split(value)  # text, break, text, break, ...
    return "".join("'" + part if i % 2 == 0 and i and part[:1] in _FORMULA_START else part
                   for i, part in enumerate(parts))
