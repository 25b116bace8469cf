"""The connection page: mode, shop, API version, granted versus required scopes, supplier credentials.

Never shows a secret: only whether one is configured. The check sends one request and is kept in
session state, so it runs again only when asked.
"""

from __future__ import annotations

import streamlit as st

from actions.assistant import REQUIRED_SCOPES
from kb.suppliers import supplier_title
from kb.wording.connection_page import (ACCESS_SCOPES, CHECK_AGAIN, COLUMNS, NEEDED_FOR_THIS_APP, NOT_CONFIGURED,
                                        SECRETS_NOTE, SETTINGS, SUPPLIERS, UNKNOWN, also_granted, credentials_words,
                                        mode_words, scope_words)
from kb.wording.frame import PAGE_TITLES
from pages._ui import CONNECTION_CHECK, ensure_frame, escape_md, get_assistant, state_key, table

ensure_frame()

_RESULT = state_key("connection", "result")


def _check_again() -> None:
    st.session_state.pop(_RESULT, None)


def _show() -> None:
    assistant = get_assistant()
    st.title(PAGE_TITLES["connection"])
    info = st.session_state.get(_RESULT)
    if info is None:
        info = assistant.connection()  # never raises for an expected failure
        st.session_state[_RESULT] = info
    table([
        {COLUMNS.setting: SETTINGS.mode, COLUMNS.value: mode_words(info.mode == "sandbox")},
        {COLUMNS.setting: SETTINGS.shop, COLUMNS.value: info.shop or NOT_CONFIGURED},
        {COLUMNS.setting: SETTINGS.shop_name, COLUMNS.value: info.shop_name or UNKNOWN},
        {COLUMNS.setting: SETTINGS.api_version, COLUMNS.value: info.api_version or UNKNOWN},
    ])
    if info.ok:
        st.success(escape_md(info.message), icon="✅")
    else:
        st.error(escape_md(info.message))
    st.subheader(ACCESS_SCOPES)
    granted = set(info.granted_scopes)
    missing = set(info.missing_scopes)
    table([
        {COLUMNS.scope: scope, COLUMNS.needed_for: NEEDED_FOR_THIS_APP,
         COLUMNS.granted: scope_words(missing=scope in missing, granted=scope in granted)}
        for scope in REQUIRED_SCOPES
    ])
    extra = sorted(granted - set(REQUIRED_SCOPES))
    if extra:
        st.caption(also_granted(escape_md(", ".join(extra))))
    st.subheader(SUPPLIERS)
    table([
        {COLUMNS.supplier: supplier_title(name), COLUMNS.credentials: credentials_words(present, info.supplier_problems.get(name))}
        for name, present in info.suppliers.items()
    ])
    st.caption(SECRETS_NOTE)
    st.button(CHECK_AGAIN, key=CONNECTION_CHECK, icon="🔄", on_click=_check_again)


_show()
