"""Words of the frame around every page (`streamlit_app.py`, `pages/_ui.py`): the app's name, the pages' titles,
the sign-in page, why a visitor or the settings are refused, the sidebar and the mode banner.

The entry file decides (who may see the shop, whether it can start); these only word what it decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

__all__ = [
    "APP_TITLE",
    "LOCAL_ONLY",
    "PAGE_TITLES",
    "SANDBOX_BANNER",
    "SIGN_IN",
    "SIGN_IN_INVITE",
    "SIGN_OUT",
    "cannot_start_words",
    "context_words",
    "link_error_words",
    "live_banner",
    "not_allowed_words",
    "signed_in_words",
    "unsendable_words",
]

APP_TITLE = "Cancel Assist"


# Each page's title (in the navigation, and as its heading), by its url path (`st.Page(url_path=...)`).
PAGE_TITLES: Mapping[str, str] = MappingProxyType({
    "walkthrough": "Walkthrough",
    "guide": "Guide",
    "activity": "Activity",
    "followups": "Follow-ups",
    "connection": "Connection",
    "sign-in": "Sign in",
})

SIGN_IN = "Sign in"
SIGN_OUT = "Sign out"
SIGN_IN_INVITE = "Sign in with your work account to look up and cancel orders."
LOCAL_ONLY = ("Sign-in is off: this live shop is served to this computer only (localhost). "
              "Add [auth] to .streamlit/secrets.toml to let a team in.")
SANDBOX_BANNER = "**Sandbox**: a simulated shop and suppliers; nothing real changes."


def not_allowed_words(email: str) -> str:
    """A signed-in visitor who is not on the allow-list."""
    return (f"{email} is not allowed to use this shop. Ask your administrator to add you to "
            "[cancel_assist] allowed_users.")


def cannot_start_words(problem: str) -> str:
    """Settings that cannot start the app (`problem`: what is wrong, as the page shows it)."""
    return (f"Cancel Assist cannot start: {problem}. Fix the settings (see .streamlit/secrets.toml.example); "
            "the guide is still available.")


def link_error_words(problem: str) -> str:
    """A deep link (`?order=`, `?ticket=`) that could not be read."""
    return f"The link could not be opened: {problem}"


def signed_in_words(agent: str) -> str:
    return f"Signed in as {agent}"


def context_words(order: str | None, ticket: str | None) -> str:
    """The order and ticket this session works on, for the sidebar ("Order #1001 · Ticket ZD-42")."""
    parts = (f"Order {order}" if order else "", f"Ticket {ticket}" if ticket else "")
    return " · ".join(p for p in parts if p)


def live_banner(shop: str) -> str:
    """The mode banner of a live shop (`shop`: its domain, as the page shows it)."""
    return f"**Live shop**: {shop}. Actions change real orders."


def unsendable_words(problems: Sequence[str]) -> str:
    """Options the action's model refused before anything was sent (each problem as the model words it)."""
    return f"Those options cannot be sent: {'; '.join(problems)}"
