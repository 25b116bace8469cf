"""What a merchant is told when the activity record cannot be used (`actions.db`, `actions.db_postgres`,
`actions.activity`). The store decides which cause it is; these only word it. `where` is the store's label."""

from __future__ import annotations

__all__ = [
    "ABANDONED",
    "already_holds_records",
    "cannot_be_written",
    "corrupt",
    "could_not_be_used",
    "folder_cannot_be_created",
    "locked",
    "newer_schema",
    "no_wal",
    "not_a_schema",
    "pg_label",
    "pg_read_only",
    "pg_unreachable",
    "pool_timeout",
    "read_only",
    "refused_user",
    "refused_write",
    "sqlite_label",
    "wrong_password",
]

ABANDONED = "Abandoned: the session stopped before the result was recorded."


def sqlite_label(path: object) -> str:
    return f"the activity log at {path}"


def pg_label(public_url: str, schema: str | None) -> str:
    return f"the activity database at {public_url}" + (f" (schema {schema})" if schema else "")


def not_a_schema(schema: str) -> str:
    return f"not a schema name: {schema!r}"


def could_not_be_used(where: str, said: str) -> str:
    """An engine error with no known cause (`said`: the engine's text, redacted and cut)."""
    return f"{where} could not be used ({said})"


def newer_schema(where: str, version: int) -> str:
    return f"{where} was written by a newer Cancel Assist (schema {version})"


def folder_cannot_be_created(folder: object, problem: object) -> str:
    return f"the activity log folder {folder} cannot be created ({problem})"


def refused_write(where: str, said: str) -> str:
    return f"{where} refused a write ({said})"


def no_wal(where: str, mode: object) -> str:
    return f"{where} cannot use write-ahead logging (journal mode {mode})"


def already_holds_records(where: str) -> str:
    return f"{where} already holds activity records; copy only into an empty database"


# --- SQLite's known causes ---------------------------------------------------------------------------

def corrupt(where: str) -> str:
    return f"{where} is corrupt; move the file aside (the app starts a new one) or restore a backup"


def locked(where: str) -> str:
    return f"{where} is locked by another program; try again in a moment"


def read_only(where: str) -> str:
    return f"{where} is read-only; check the file and folder permissions"


def cannot_be_written(where: str) -> str:
    return f"{where} cannot be written (missing folder, permissions or a full disk)"


# --- PostgreSQL's known causes -----------------------------------------------------------------------

def pool_timeout(where: str, seconds: float) -> str:
    return (f"{where} cannot be reached (no connection within {seconds:g} s); "
            "check that the server runs and the URL, user and password are right")


def refused_user(where: str) -> str:
    return f"{where} refused this user (permission denied); grant it rights on the database"


def wrong_password(where: str) -> str:
    return f"{where} refused the user name or password"


def pg_unreachable(where: str) -> str:
    return f"{where} cannot be reached; check that the server runs and the URL is right"


def pg_read_only(where: str) -> str:
    return f"{where} is read-only (a standby?); point the URL at the primary"
