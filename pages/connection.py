"""The connection page: mode, shop, API version, granted versus required scopes, supplier credentials.

Never shows a secret: only whether one is configured. The check sends one request and is kept in
session state, so it runs again only when asked.
"""

from __future__ import annotations

import streamlit as st

from actions.assistant import REQUIRED_SCOPES
from kb.suppliers import supplier_title
from pages._ui import CONNECTION_CHECK, ensure_frame, escape_md, get_assistant, state_key, table

ensure_frame()

_RESULT = state_key("connection", "result")


def _check_again() -> None:
    st.session_state.pop(_RESULT, None)


def _show() -> None:
    assistant = get_assistant()
    st.title("Connection")
    info = st.session_state.get(_RESULT)
    if info is None:
        info = assistant.connection()  # never raises for an expected failure
        st.session_state[_RESULT] = info
    mode = "Sandbox (simulated shop and suppliers)" if info.mode == "sandbox" else "Live shop"
    table([
        {"Setting": "Mode", "Value": mode},
        {"Setting": "Shop", "Value": info.shop or "not configured"},
        {"Setting": "Shop name", "Value": info.shop_name or "unknown"},
        {"Setting": "API version", "Value": info.api_version or "unknown"},
    ])
    if info.ok:
        st.success(escape_md(info.message), icon="✅")
    else:
        st.error(escape_md(info.message))
    st.subheader("Access scopes")
    granted = set(info.granted_scopes)
    missing = set(info.missing_scopes)
    table([
        {"Scope": scope, "Needed for": "this app",
         "Granted": "❌ missing" if scope in missing else ("✅ granted" if scope in granted else "? unknown")}
        for scope in REQUIRED_SCOPES
    ])
    extra = sorted(granted - set(REQUIRED_SCOPES))
    if extra:
        st.caption("Also granted (not needed): " + escape_md(", ".join(extra)))
    st.subheader("Suppliers")
    table([
        {"Supplier": supplier_title(name),
         "Credentials": "✅ configured" if present else "— not configured: check and cancel by hand"}
        for name, present in info.suppliers.items()
    ])
    st.caption("Secrets are never shown here; only whether they are configured.")
    st.button("Check again", key=CONNECTION_CHECK, icon="🔄", on_click=_check_again)


_show()
