"""Words of the Connection page (`pages/connection.py`): the settings table, the scopes, the suppliers' credentials."""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "ACCESS_SCOPES",
    "CHECK_AGAIN",
    "COLUMNS",
    "NEEDED_FOR_THIS_APP",
    "NOT_CONFIGURED",
    "SECRETS_NOTE",
    "SETTINGS",
    "SUPPLIERS",
    "UNKNOWN",
    "ConnectionColumns",
    "SettingWords",
    "also_granted",
    "credentials_words",
    "mode_words",
    "scope_words",
]


class SettingWords(NamedTuple):
    mode: str
    shop: str
    shop_name: str
    api_version: str


class ConnectionColumns(NamedTuple):
    setting: str
    value: str
    scope: str
    needed_for: str
    granted: str
    supplier: str
    credentials: str


SETTINGS = SettingWords("Mode", "Shop", "Shop name", "API version")
COLUMNS = ConnectionColumns("Setting", "Value", "Scope", "Needed for", "Granted", "Supplier", "Credentials")
NOT_CONFIGURED = "not configured"
UNKNOWN = "unknown"
ACCESS_SCOPES = "Access scopes"
NEEDED_FOR_THIS_APP = "this app"
SUPPLIERS = "Suppliers"
SECRETS_NOTE = "Secrets are never shown here; only whether they are configured."
CHECK_AGAIN = "Check again"


def mode_words(sandbox: bool) -> str:
    return "Sandbox (simulated shop and suppliers)" if sandbox else "Live shop"


def scope_words(*, missing: bool, granted: bool) -> str:
    """Where a required scope stands (missing wins over granted; neither: the shop did not say)."""
    return "❌ missing" if missing else ("✅ granted" if granted else "? unknown")


def also_granted(scopes: str) -> str:
    """Scopes granted beyond what the app needs (`scopes`: their list, as the page shows it)."""
    return "Also granted (not needed): " + scopes


def credentials_words(present: bool, problem: str | None = None) -> str:
    """A supplier's credentials: absent, accepted by its API, or not working (`problem`: why, as the API answered)."""
    if not present:
        return "— not configured: check and cancel by hand"
    return f"❌ not working: {problem}" if problem else "✅ configured and accepted"
