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
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict

from actions.db import Database, Step, UniqueViolation, open_database
from actions.errors import StoreError, redact
from kb.state import SupplierRef

__all__ = ["SCHEMA_VERSION", "ActivityRecord", "ActivityStore", "Outcome"]

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
)
SCHEMA_VERSION = len(_MIGRATIONS)

_SELECT = (
    "SELECT id, at, order_id, order_name, ticket, action, options, outcome, message, request_id, idempotency_key,"
    " agent FROM activity"
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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
                            ("Abandoned: the session stopped before the result was recorded.", held[0]),
                        )
                    elif replace_finished and not (held[2] == "unknown" and recent):
                        conn.execute("UPDATE activity SET idempotency_key = NULL WHERE id = ?", (held[0],))
                    else:
                        return None
                row = conn.execute(
                    "INSERT INTO activity (at, order_id, order_name, ticket, action, options, outcome, message,"
                    " idempotency_key, agent) VALUES (?, ?, ?, ?, ?, ?, 'started', '', ?, ?) RETURNING id",
                    (
                        _now(), self._clean(order_id), self._clean(order_name), self._clean(ticket),
                        self._clean(action), self._options(options), key, self._clean(agent),
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

    def count(self, *, order: str | None = None, ticket: str | None = None) -> int:
        """How many records match the filters (all of them when none is given)."""
        where, args = _where(order, ticket)
        with self.db.connect() as conn:
            return int(conn.execute(f"SELECT count(*) FROM activity{where}", args).fetchone()[0])

    def list(
        self, *, order: str | None = None, ticket: str | None = None, limit: int = 500, offset: int = 0
    ) -> tuple[ActivityRecord, ...]:
        """One page of records, newest first; `order` matches the order id or its name ("#1001" or "1001").

        A page is at most `limit` records after skipping `offset`: `count` says how many there are in all,
        and `records` walks through every one of them.
        """
        where, args = _where(order, ticket)
        sql = f"{_SELECT}{where} ORDER BY id DESC LIMIT ? OFFSET ?"
        with self.db.connect() as conn:
            rows = conn.execute(sql, [*args, max(0, int(limit)), max(0, int(offset))]).fetchall()
        return tuple(self._row(row) for row in rows)

    def records(
        self, *, order: str | None = None, ticket: str | None = None, batch: int = 500
    ) -> Iterator[ActivityRecord]:
        """Every record that matches, newest first, read `batch` at a time (never all in memory at once).

        Records written while this runs are newer than the first one read, so they are left out: the
        walk is over the log as it was when it began.
        """
        where, args = _where(order, ticket)
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

    def write_csv(self, out: TextIO, *, order: str | None = None, ticket: str | None = None) -> int:
        """Stream every record that matches to `out` as CSV (see `to_csv`); returns how many were written."""
        writer = _csv_writer(out)
        written = 0
        for rec in self.records(order=order, ticket=ticket):
            writer.writerow(_csv_row(rec))
            written += 1
        return written

    def export_csv(self, *, order: str | None = None, ticket: str | None = None) -> str:
        """Every record that matches, as one CSV text (for a download)."""
        out = io.StringIO()
        self.write_csv(out, order=order, ticket=ticket)
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
            message=row[8] or "", request_id=row[9], idempotency_key=row[10], agent=row[11],
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
        there); ids are the target's own. A target that already has records is refused, so a copy
        run twice never doubles the record.
        """
        columns = (
            "at, order_id, order_name, ticket, action, options, outcome, message, request_id, idempotency_key, agent"
        )
        with self.db.connect() as conn:
            activity = conn.execute(f"SELECT {columns} FROM activity ORDER BY id").fetchall()
            progress = conn.execute("SELECT order_id, step_key, done, at FROM progress").fetchall()
            refs = conn.execute(
                "SELECT order_id, supplier, supplier_order_id, at FROM supplier_refs ORDER BY id"
            ).fetchall()
        with target.db.connect(write=True) as conn:
            if conn.execute("SELECT count(*) FROM activity").fetchone()[0]:
                raise StoreError(
                    f"{target.db.label} already holds activity records; copy only into an empty database",
                    system="activity",
                )
            marks = ", ".join("?" * len(columns.split(",")))
            for row in activity:
                conn.execute(f"INSERT INTO activity ({columns}) VALUES ({marks})", tuple(row))
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
        return {"activity": len(activity), "progress": len(progress), "supplier_refs": len(refs)}

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


def _where(order: str | None, ticket: str | None) -> tuple[str, list[Any]]:
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
    return (" WHERE " + " AND ".join(where) if where else ""), args


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
