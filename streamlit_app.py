"""Cancel Assist: the entry file is the router and frame; each page lives in `pages/`.

Once per session it loads the settings, builds the one `Assistant` (the sandbox is per session) and
reads the deep link (`?order=1001&ticket=ZD-42`) into a validated `Context`; on every run it shows the
mode banner and routes. `CANCEL_ASSIST_SANDBOX_REPLY_DELAY` (seconds) sets how long the simulated
fulfillment service and sellers take to answer (default: the sandbox's own), for demos and browser tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from actions.errors import ActionError, InputError
from pages._ui import (
    ASSISTANT_KEY,
    CONTEXT_ERROR_KEY,
    CONTEXT_KEY,
    Context,
    current_context,
    escape_md,
    freeze_startup_objects,
    mode_banner,
)

st.set_page_config(page_title="Cancel Assist", page_icon="🧾", layout="centered")


def _secrets() -> Mapping[str, Any]:
    """`st.secrets` as a plain dict (empty when there is no secrets.toml)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets file, the sandbox is the default
        return {}


@st.cache_resource(show_spinner=False, max_entries=4)
def _live_assistant(fingerprint: str, _settings: Any) -> Any:
    """One live assistant per configuration, shared by every session of this process.

    A live assistant holds no per-session state, and sharing it shares the HTTP connection pool
    and the CJ access token (CJ sells one every 5 minutes, so a token per session would be refused).
    `fingerprint` keys the cache on every setting, secrets included, without storing them.
    """
    from actions.assistant import build_assistant

    return build_assistant(_settings)


def _build_assistant() -> Any:
    """The session's assistant: live when Shopify is configured, else a fresh sandbox per session."""
    from actions.assistant import build_assistant
    from actions.settings import load_settings

    settings = load_settings(_secrets(), os.environ)
    if settings.mode == "live":
        return _live_assistant(settings.fingerprint(), settings)
    delay = os.environ.get("CANCEL_ASSIST_SANDBOX_REPLY_DELAY", "").strip()
    if settings.mode == "sandbox" and delay and not settings.sandbox_persist:
        from actions.sandbox import Sandbox

        seconds = float(delay)
        sandbox = Sandbox(faults=settings.sandbox_faults, service_reply_delay=seconds, seller_reply_delay=seconds)
        return build_assistant(settings, sandbox=sandbox)
    return build_assistant(settings)


def _read_deep_link(shop: str | None) -> None:
    """Parse the query params once per session; a bad link is an error that changes nothing else."""
    if CONTEXT_KEY in st.session_state:
        return
    order, ticket = st.query_params.get("order"), st.query_params.get("ticket")
    try:
        st.session_state[CONTEXT_KEY] = Context.from_input(order, ticket, shop=shop)
    except InputError as exc:
        st.session_state[CONTEXT_KEY] = Context()
        st.session_state[CONTEXT_ERROR_KEY] = f"The link could not be opened: {exc}"


_GUIDE = st.Page("pages/guide.py", url_path="guide", title="Guide", icon="📘")

problem: str | None = None
if ASSISTANT_KEY not in st.session_state:
    try:
        st.session_state[ASSISTANT_KEY] = _build_assistant()
    except (ActionError, ValueError) as exc:  # ConfigError, StoreError, a bad delay number
        problem = str(exc)

if problem is not None or ASSISTANT_KEY not in st.session_state:
    st.error(f"Cancel Assist cannot start: {escape_md(problem)}. Fix the settings (see .streamlit/secrets.toml.example); "
             "the guide is still available.")
    pages = [st.Page("pages/guide.py", url_path="guide", title="Guide", icon="📘", default=True)]
else:
    assistant = st.session_state[ASSISTANT_KEY]
    _read_deep_link(assistant.shop or None)
    mode_banner(assistant)
    if st.session_state.get(CONTEXT_ERROR_KEY):
        st.error(escape_md(st.session_state[CONTEXT_ERROR_KEY]))
    ctx = current_context()
    if ctx.order or ctx.ticket:
        parts = (f"Order {ctx.order}" if ctx.order else "", f"Ticket {ctx.ticket}" if ctx.ticket else "")
        st.sidebar.caption(escape_md(" · ".join(p for p in parts if p)))
    pages = [
        st.Page("pages/walkthrough.py", url_path="walkthrough", title="Walkthrough", icon="🧭", default=True),
        _GUIDE,
        st.Page("pages/activity.py", url_path="activity", title="Activity", icon="🗂️"),
        st.Page("pages/connection.py", url_path="connection", title="Connection", icon="🔌"),
    ]

# Every page is declared here (url_path = file stem), so Streamlit's legacy `pages/` discovery never decides.
st.navigation(pages).run()
freeze_startup_objects()  # once per process, after the first run that got this far (see its docstring)
