"""Cancel Assist: the entry file is the router and frame; each page lives in `pages/`.

On every run it first decides who may see a live shop (`actions.access`): with `[auth]` in
secrets.toml a visitor who is not signed in (Streamlit's OpenID Connect, `st.login`) or not on
`[cancel_assist] allowed_users` gets only the sign-in page; without `[auth]` a live shop is served
to this computer only. Once per session it loads the settings, gets the `Assistant` (one sandbox per
server process, shared by every session, so a reload or a second tab shows what the Activity page
records) acting for the signed-in agent, and reads the deep link (`?order=1001&ticket=ZD-42`) into a
validated `Context`; on every run it shows the mode banner and routes. `CANCEL_ASSIST_SANDBOX_REPLY_DELAY`
(seconds, read by `actions.settings`) sets how long the simulated fulfillment service and sellers take to
answer, for demos and browser tests.

`streamlit run streamlit_app.py` also imports this file once, outside any session, to get the server
it runs (`app`, an `st.App` serving this same file): that import refuses to start a live shop
without `[auth]` on any address but localhost, with one sentence and exit status 2, so nothing is
ever served to the network without sign-in, however the server is started. The server keeps a
ticket's link through the sign-in round trip (`actions.sign_in_link`) and sends every message of a
rerun at once (`actions.nodelay`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from actions.errors import ActionError, InputError
from kb.wording.frame import (
    APP_TITLE,
    LOCAL_ONLY,
    PAGE_TITLES,
    SIGN_IN,
    SIGN_IN_INVITE,
    SIGN_OUT,
    cannot_start_words,
    context_words,
    link_error_words,
    not_allowed_words,
    signed_in_words,
)
from pages._ui import (
    ASSISTANT_KEY,
    CONTEXT_ERROR_KEY,
    CONTEXT_KEY,
    MAY_ACT_KEY,
    NAV_PAGES,
    Context,
    current_context,
    escape_md,
    freeze_startup_objects,
    mode_banner,
)


def _page(name: str, *, default: bool = False) -> Any:
    """One of the app's pages (`NAV_PAGES`): its file under pages/ is its url path."""
    return st.Page(f"pages/{name}.py", url_path=name, title=PAGE_TITLES[name], icon=NAV_PAGES[name], default=default)


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


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_sandbox_assistant(fingerprint: str, _settings: Any) -> Any:
    """One sandbox assistant per configuration, shared by every session of this server process.

    A reload (a new session) or a second tab then sees what the first tab did, and so does the
    Activity page (which reads the same log): the demo never contradicts its own record.
    "Reset demo" in the sandbox controls puts the demo orders back for every session.
    """
    from actions.assistant import build_assistant

    return build_assistant(_settings)


def _build_assistant() -> Any:
    """The session's assistant: live when Shopify is configured, else the server's one sandbox."""
    from actions.assistant import build_assistant
    from actions.settings import load_settings

    settings = load_settings(_secrets(), os.environ)
    if settings.mode == "live":
        return _live_assistant(settings.fingerprint(), settings)
    if settings.sandbox_persist:  # kept in a file that every session and the CLI share
        return build_assistant(settings)
    return _shared_sandbox_assistant(settings.fingerprint(), settings)


def _os_user() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _signed_in_email() -> str | None:
    """The signed-in visitor's e-mail (None when nobody is signed in or sign-in is not configured)."""
    try:
        user = st.user
        if not user.get("is_logged_in"):
            return None
        email = user.get("email")
    except Exception:  # noqa: BLE001 - no [auth], or Authlib missing: nobody is signed in
        return None
    return email if isinstance(email, str) and email else None


def _sign_in_page(reason: str | None) -> Any:
    """The only page a refused visitor gets: why, and the sign-in (or sign-out) button."""

    def page() -> None:
        st.title(APP_TITLE)
        if reason:
            st.error(escape_md(reason))
        if _signed_in_email():
            st.button(SIGN_OUT, on_click=st.logout, key="auth_sign_out")
        else:
            st.write(SIGN_IN_INVITE)
            st.button(SIGN_IN, on_click=st.login, type="primary", key="auth_sign_in")

    return st.Page(page, title=PAGE_TITLES["sign-in"], url_path="sign-in", icon="🔐", default=True)


def _gate(settings: Any) -> tuple[str | None, str | None, bool]:
    """(refusal, agent, local_only): a refusal shows only the sign-in page; the agent acts in the record."""
    from actions.access import is_allowed, serving_problem

    email = _signed_in_email()
    if settings.mode != "live":
        return None, email or _os_user(), False
    if settings.auth_configured:
        if email is None:
            return "", None, False
        if not is_allowed(email, settings.allowed_users, email_verified=st.user.get("email_verified")):
            return not_allowed_words(email), None, False
        return None, email, False
    client_ip = st.context.ip_address  # None for a visitor on this computer
    problem = serving_problem(
        live=True, auth_configured=False, address=st.get_option("server.address"),
        client_ip=client_ip if isinstance(client_ip, str) else None,
        forwarded_for=st.context.headers.get("X-Forwarded-For"),
    )
    return problem, _os_user(), True


def _may_act() -> bool:
    """The gate again, for a button's callback (it runs before the next `_main`): still signed in and allowed?"""
    from actions.settings import load_settings

    try:
        return _gate(load_settings(_secrets(), os.environ))[0] is None
    except ActionError:
        return False


def _read_deep_link(shop: str | None) -> None:
    """Parse the query params once per session; a bad link is an error that changes nothing else."""
    if CONTEXT_KEY in st.session_state:
        return
    order, ticket = st.query_params.get("order"), st.query_params.get("ticket")
    try:
        st.session_state[CONTEXT_KEY] = Context.from_input(order, ticket, shop=shop)
    except InputError as exc:
        st.session_state[CONTEXT_KEY] = Context()
        st.session_state[CONTEXT_ERROR_KEY] = link_error_words(str(exc))


def _refuse_an_unsafe_start() -> None:
    """Exit (status 2, one sentence) when this server would show a live shop without sign-in to other machines.

    Run when `streamlit run` imports this file for its server, before any session: the address is
    the one Streamlit binds (`--server.address`; unset binds every interface), the settings are the
    ones every session will load. A broken configuration starts: its sessions show only the guide.
    """
    from actions.access import serving_problem
    from actions.settings import load_settings

    try:
        settings = load_settings(_secrets(), os.environ)
    except ActionError:
        return
    problem = serving_problem(live=settings.mode == "live", auth_configured=settings.auth_configured,
                              address=st.get_option("server.address"))
    if problem:
        sys.stderr.write(f"cancel-assist: {problem}\n")
        raise SystemExit(2)


def _main() -> None:
    """One run of a session: the gate, the session's assistant and deep link, the banner, the routing."""
    st.set_page_config(page_title=APP_TITLE, page_icon="🧾", layout="centered")
    problem: str | None = None
    refusal: str | None = None
    local_only = False
    try:
        from actions.settings import load_settings

        refusal, agent, local_only = _gate(load_settings(_secrets(), os.environ))
    except ActionError as exc:  # a ConfigError: no shop is shown until the settings are fixed
        problem = str(exc)

    st.session_state[MAY_ACT_KEY] = _may_act
    if refusal is not None:
        st.session_state.pop(ASSISTANT_KEY, None)  # signed out (or never allowed): nothing of a shop stays
    elif problem is None and ASSISTANT_KEY not in st.session_state:
        try:
            st.session_state[ASSISTANT_KEY] = _build_assistant().as_agent(agent)
        except (ActionError, ValueError) as exc:  # ConfigError, StoreError, a bad delay number
            problem = str(exc)
    elif problem is None and st.session_state[ASSISTANT_KEY].agent != agent:
        st.session_state[ASSISTANT_KEY] = st.session_state[ASSISTANT_KEY].as_agent(agent)

    if refusal is not None:
        pages = [_sign_in_page(refusal or None)]
    elif problem is not None or ASSISTANT_KEY not in st.session_state:
        st.error(cannot_start_words(escape_md(problem)))
        pages = [_page("guide", default=True)]
    else:
        assistant = st.session_state[ASSISTANT_KEY]
        _read_deep_link(assistant.shop or None)
        mode_banner(assistant)
        if assistant.agent and assistant.mode == "live" and not local_only:
            st.sidebar.caption(signed_in_words(escape_md(assistant.agent)))
            st.sidebar.button(SIGN_OUT, on_click=st.logout, key="auth_sign_out_sidebar")
        elif local_only:
            st.sidebar.caption(LOCAL_ONLY)
        if st.session_state.get(CONTEXT_ERROR_KEY):
            st.error(escape_md(st.session_state[CONTEXT_ERROR_KEY]))
        ctx = current_context()
        if ctx.order or ctx.ticket:
            st.sidebar.caption(escape_md(context_words(ctx.order, ctx.ticket)))
        pages = [_page(name, default=i == 0) for i, name in enumerate(NAV_PAGES)]

    # Every page is declared here (url_path = file stem), so Streamlit's legacy `pages/` discovery never decides.
    st.navigation(pages).run()
    freeze_startup_objects()  # once per process, after the first run that got this far (see its docstring)


if get_script_run_ctx(suppress_warning=True) is None:  # imported by `streamlit run` for its server
    from starlette.middleware import Middleware

    from actions.nodelay import turn_off_nagle
    from actions.sign_in_link import KeepLinkThroughSignIn

    _refuse_an_unsafe_start()
    turn_off_nagle()  # before the server accepts a connection: reruns are not held back by Nagle's algorithm
    app = st.App(__file__, middleware=[Middleware(KeepLinkThroughSignIn)])
else:  # a session's run
    _main()
