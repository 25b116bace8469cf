"""Fixtures shared by the actions tests: a sandbox on a hand-moved clock, a store on either engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.sandbox import Sandbox
from tests.actions.sandbox_clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> Sandbox:
    return Sandbox(clock=clock, sleep=lambda _: None)


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the store under test lives: the store's contract holds on both engines."""
    if request.param == "sqlite":
        return str(tmp_path / "log.sqlite3")
    return str(request.getfixturevalue("pg_url"))
