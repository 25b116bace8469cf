"""Who may see a live shop: sign-in with [auth], the allow-list, and localhost only without [auth]."""

from __future__ import annotations

import pytest

from tests.app.conftest import all_text, headings

LIVE = {"shopify": {"shop": "example-store.myshopify.com", "access_token": "shpat_notarealtoken123"}}
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret-for-tests-only",
    "client_id": "cancel-assist",
    "client_secret": "client-secret-for-tests",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _shows_a_shop(at) -> bool:
    text = all_text(at)
    return "Live shop" in text or "Walkthrough" in text or "Activity" in text


def test_a_signed_out_visitor_of_a_live_shop_sees_only_the_sign_in_page(open_app) -> None:
    secrets = {**LIVE, "auth": AUTH, "cancel_assist": {"allowed_users": ["ana@example.com"]}}
    at = open_app({"order": "1001", "ticket": "ZD-1"}, secrets=secrets, fresh_assistant=False)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not _shows_a_shop(at) and "#1001" not in all_text(at)
    from pages._ui import ASSISTANT_KEY

    assert ASSISTANT_KEY not in at.session_state


def test_a_live_shop_without_sign_in_on_localhost_says_it_serves_this_computer_only(open_app) -> None:
    at = open_app(secrets=LIVE, fresh_assistant=False)
    assert not at.exception
    assert any("this computer only" in c.value for c in at.sidebar.caption)


def test_a_live_shop_without_sign_in_on_another_address_shows_nothing(open_app) -> None:
    from streamlit import config

    config.set_option("server.address", "0.0.0.0")
    at = open_app({"order": "1001"}, secrets=LIVE, fresh_assistant=False)
    assert not at.exception
    assert any("auth" in e.value and "this computer" in e.value for e in at.error)
    assert not _shows_a_shop(at)


def test_the_sandbox_needs_no_sign_in_even_with_auth_configured(open_app) -> None:
    at = open_app({"order": "1001"}, secrets={"auth": AUTH, "cancel_assist": {"sandbox": True}})
    assert not at.exception
    assert "Sign in" not in [b.label for b in at.button]
    assert headings(at)  # the walkthrough of #1001 is shown


@pytest.mark.parametrize(
    ("email", "verified", "allowed"),
    [
        ("ana@example.com", None, True),
        ("ANA@Example.com", True, True),
        ("bob@team.example", None, True),
        ("bob@evil-team.example", None, False),
        ("bob@team.example.evil.com", None, False),
        ("ana@example.com", False, False),
        # Some providers (AWS Cognito) send the claim as a string: "false" was read as verified.
        ("ana@example.com", "false", False),
        ("ana@example.com", "False", False),
        ("ana@example.com", "true", True),
        ("", None, False),
        (None, None, False),
    ],
)
def test_the_allow_list_takes_exact_e_mails_and_whole_domains(email, verified, allowed) -> None:
    from actions.access import is_allowed, parse_allowed_users

    entries = parse_allowed_users("ana@example.com, @team.example")
    assert is_allowed(email, entries, email_verified=verified) is allowed
    assert is_allowed("ana@example.com", ()) is False  # an empty list lets no one in


def test_an_allow_list_entry_that_is_not_an_e_mail_or_domain_is_a_config_error() -> None:
    from actions.errors import ConfigError
    from actions.settings import load_settings

    with pytest.raises(ConfigError, match="allowed_users"):
        load_settings({"cancel_assist": {"allowed_users": ["example.com"]}}, {})


@pytest.mark.parametrize(
    ("address", "auth", "refused"),
    [("localhost", False, False), ("127.0.0.1", False, False), ("::1", False, False),
     ("0.0.0.0", False, True), ("", False, True), ("192.0.2.10", False, True), ("0.0.0.0", True, False)],
)
def test_a_live_server_without_auth_may_start_only_on_loopback(address, auth, refused, tmp_path, monkeypatch) -> None:
    from actions import access

    streamlit_dir = tmp_path / ".streamlit"
    streamlit_dir.mkdir()
    auth_section = '[auth]\nclient_id = "x"\n' if auth else ""
    (streamlit_dir / "secrets.toml").write_text(
        '[shopify]\nshop = "example-store.myshopify.com"\naccess_token = "shpat_notarealtoken123"\n' + auth_section
    )
    monkeypatch.chdir(tmp_path)
    assert access.main([address]) == (2 if refused else 0)
    monkeypatch.setenv("CANCEL_ASSIST_SANDBOX", "1")
    assert access.main([address]) == 0  # the sandbox may be served anywhere


@pytest.mark.parametrize("change", ["taken off allowed_users", "signed out"])
def test_a_click_after_the_agent_lost_access_does_nothing_and_shows_the_sign_in_page(change, open_app) -> None:
    """A button's callback runs before the entry file's gate: an agent taken off the allow-list (or whose sign-in
    ended) while the page was open could still record 'no supplier order was placed' for #1011 with one click."""
    from streamlit.testing.v1 import AppTest

    from pages._ui import ASSISTANT_KEY
    from tests.app.conftest import APP, new_assistant
    from tests.conftest import APPTEST_TIMEOUT

    assistant = new_assistant()
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    for name, value in {**LIVE, "auth": AUTH, "cancel_assist": {"allowed_users": ["ana@example.com"]}}.items():
        at.secrets[name] = value
    at.query_params["order"], at.query_params["ticket"] = "1011", "ZD-1"
    at.session_state[ASSISTANT_KEY] = assistant  # the live shop's assistant, on a sandbox
    at.user = {"is_logged_in": True, "email": "ana@example.com", "email_verified": True}
    at.run()
    assert not at.exception and "No supplier order was placed" in [b.label for b in at.button]

    if change == "signed out":
        at.user = {"is_logged_in": False}
    else:
        at.secrets["cancel_assist"] = {"allowed_users": ["bob@example.com"]}
    next(c for c in at.checkbox if "none-sure" in str(c.key)).check()
    next(b for b in at.button if b.label == "No supplier order was placed").click().run()

    assert not at.exception
    assert assistant.activity.list(order="#1011") == ()  # nothing recorded, nothing unlocked
    assert "#1011" not in [b.label for b in at.button] and not _shows_a_shop(at)
