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
    "CANCEL_ASSIST_SANDBOX_FAULTS",
)


@pytest.fixture(autouse=True)
def _clean_settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for var in _SETTINGS_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CANCEL_ASSIST_DATA_DIR", str(tmp_path_factory.mktemp("data")))
