"""Shared test set-up: tests never read a developer's real secrets or environment settings."""

from __future__ import annotations

import os

import pytest

# The most an AppTest script run may take before it counts as hung. Only a failure waits this long; a busy
# machine (two cores shared with other jobs) can take tens of seconds for a run that takes one here.
APPTEST_TIMEOUT = 180
_SETTINGS_ENV = (
    "SHOPIFY_SHOP", "SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_VERSION", "SHOPIFY_API_BASE_URL",
    "ALIEXPRESS_APP_KEY", "ALIEXPRESS_APP_SECRET", "ALIEXPRESS_ACCESS_TOKEN", "ALIEXPRESS_API_BASE_URL",
    "CJ_API_KEY", "CJ_API_BASE_URL", "CANCEL_ASSIST_SANDBOX", "CANCEL_ASSIST_SANDBOX_PERSIST",
    "CANCEL_ASSIST_SANDBOX_FAULTS", "CANCEL_ASSIST_DATABASE_URL", "CANCEL_ASSIST_SANDBOX_REPLY_DELAY",
)


@pytest.fixture(autouse=True)
def _clean_settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for var in _SETTINGS_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CANCEL_ASSIST_DATA_DIR", str(tmp_path_factory.mktemp("data")))


# --- a throwaway PostgreSQL server (tests/pg_server.py), started once per session when asked for ----

_CI = os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server; skipped when PostgreSQL is missing, a failure under CI=true."""
    from tests.pg_server import PgServer, missing_postgres

    reason = missing_postgres()
    if reason:
        if _CI:
            pytest.fail(f"CI=true and {reason}: the PostgreSQL tests must run in CI", pytrace=False)
        pytest.skip(reason)
    server = PgServer()
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    yield server
    server.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(pg_server, monkeypatch: pytest.MonkeyPatch):
    """A fresh, empty database on the session's server; every store opened in this process is closed after."""
    from actions import db_postgres

    url = pg_server.create_database(f"t{os.getpid()}_{next(_databases)}")
    opened: list[db_postgres.PostgresDatabase] = []
    init = db_postgres.PostgresDatabase.__init__

    def tracking_init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        init(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(db_postgres.PostgresDatabase, "__init__", tracking_init)
    yield url
    for database in opened:
        database.close()
