"""Fixtures shared by the wire-level sandbox tests: a sandbox on a hand-moved clock."""

from __future__ import annotations

import pytest

from actions.sandbox import Sandbox
from tests.actions.sandbox_clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> Sandbox:
    return Sandbox(clock=clock, sleep=lambda _: None)
