"""The connection page: mode, shop, API version, scopes granted versus needed, supplier credentials; no secret."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from actions.shopify import REQUIRED_SCOPES
from pages._ui import CONNECTION_CHECK as CHECK
from pages._ui import escape_md
from tests.app.conftest import HOSTILE, all_text, new_assistant, table_cells


def _connection(open_app, assistant) -> AppTest:
    at = open_app(assistant=assistant)
    at.switch_page("pages/connection.py").run()
    assert not at.exception
    return at


def _table(at: AppTest, index: int) -> list[dict]:
    return at.table[index].value.to_dict("records")


def test_it_shows_the_sandbox_mode_shop_and_api_version(open_app) -> None:
    assistant = new_assistant()
    at = _connection(open_app, assistant)
    settings = dict((row["Setting"], row["Value"]) for row in _table(at, 0))
    assert settings["Mode"].startswith("Sandbox")
    assert assistant.shop == "cancel-assist-demo.myshopify.com"
    assert settings["Shop"] == escape_md(assistant.shop)
    assert settings["API version"] == escape_md(assistant.settings.shopify.api_version)
    assert any("Connected" in s.value for s in at.success)


def test_every_required_scope_is_listed_as_granted_or_missing(open_app) -> None:
    at = _connection(open_app, new_assistant())
    scopes = {row["Scope"]: row["Granted"] for row in _table(at, 1)}
    assert list(scopes) == [escape_md(scope) for scope in REQUIRED_SCOPES]
    assert all(value == "✅ granted" for value in scopes.values())


def test_a_missing_scope_is_shown_as_missing(open_app) -> None:
    assistant = new_assistant()
    real = assistant.connection
    missing = REQUIRED_SCOPES[1]

    def lacking():
        info = real()
        return info.model_copy(update={"ok": False, "missing_scopes": (missing,),
                                       "granted_scopes": tuple(s for s in info.granted_scopes if s != missing),
                                       "message": f"Connected, but the app lacks the scopes: {missing}."})

    assistant.connection = lacking
    at = _connection(open_app, assistant)
    scopes = {row["Scope"]: row["Granted"] for row in _table(at, 1)}
    assert scopes[escape_md(missing)] == "❌ missing"
    assert any(escape_md(missing) in e.value for e in at.error)


def test_supplier_credentials_are_shown_present_and_never_their_values(open_app) -> None:
    assistant = new_assistant()
    at = _connection(open_app, assistant)
    suppliers = {row["Supplier"]: row["Credentials"] for row in _table(at, 2)}
    assert suppliers == {"AliExpress": "✅ configured and accepted", "CJ Dropshipping": "✅ configured and accepted"}
    shown = all_text(at)
    for secret in assistant.settings.secrets():
        assert secret not in shown


def test_the_check_runs_once_and_again_only_when_asked(open_app) -> None:
    assistant = new_assistant()
    at = _connection(open_app, assistant)
    sent = len(assistant.sandbox.requests)
    at.run()
    assert len(assistant.sandbox.requests) == sent
    at.button(key=CHECK).click().run()
    assert len(assistant.sandbox.requests) > sent


def test_the_shop_name_the_api_returns_is_shown_as_text_never_as_markdown(open_app) -> None:
    assistant = new_assistant()
    real = assistant.connection
    assistant.connection = lambda: real().model_copy(update={"shop_name": HOSTILE})
    at = _connection(open_app, assistant)
    settings = dict((row["Setting"], row["Value"]) for row in _table(at, 0))
    assert settings["Shop name"] == escape_md(HOSTILE)
    assert not [cell for cell in table_cells(at) if "](" in cell]


def test_a_supplier_key_its_api_refuses_shows_as_not_working_with_what_to_do(open_app) -> None:
    from actions.assistant import build_assistant
    from actions.sandbox import Sandbox

    fresh = new_assistant()
    assistant = build_assistant(fresh.settings, sandbox=Sandbox(faults="cj:401", service_reply_delay=0,
                                                                 seller_reply_delay=0))
    at = _connection(open_app, assistant)
    suppliers = {row["Supplier"]: row["Credentials"] for row in _table(at, 2)}
    assert suppliers["AliExpress"] == "✅ configured and accepted"
    assert suppliers["CJ Dropshipping"].startswith(escape_md("❌ not working: CJ Dropshipping refused the CJ API key"))
    assert escape_md("check the API key in the CJ settings") in suppliers["CJ Dropshipping"]
