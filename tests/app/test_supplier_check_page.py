"""The walkthrough page when the supplier side cannot be read: ask for the supplier order, or "none placed"."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from kb.paths import FIND_SUPPLIER_TITLE, PATH_TITLES
from kb.walkthrough import ActionId, PathId
from pages._ui import ASSISTANT_KEY, action_key, cancel_option_key, state_key
from tests.app.conftest import APP, SANDBOX_SECRETS, all_text, headings, new_assistant


@pytest.fixture(scope="module", autouse=True)
def _compiled_once() -> None:
    """The first run in a process imports and compiles every page: done once here, outside the per-run budget."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in SANDBOX_SECRETS.items():
        at.secrets[name] = value
    at.query_params["order"] = "1019"
    at.session_state[ASSISTANT_KEY] = new_assistant()
    at.run()


def _lookup(at: AppTest, order: str):
    return at.session_state[state_key("lookup", order)]


def _errors(at: AppTest) -> list[str]:
    """The error boxes as a person reads them (character references decoded, invisible word joiners dropped)."""
    return [html.unescape(e.value).replace("\u2060", "") for e in at.error]


def _cancel_buttons(at: AppTest, order: str) -> list:
    lookup = _lookup(at, order)
    keys = {action_key(order, s) for s in lookup.walkthrough.steps if s.step_id == "shopify-cancel"}
    return [b for b in at.button if b.key in keys]


def test_entering_the_id_shows_the_supplier_order_instead_of_the_question(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1019", "ticket": "ZD-8"}, assistant=assistant)
    at.selectbox(key=state_key("ref-supplier", "#1019")).set_value("aliexpress")
    at.text_input(key=state_key("ref-id", "#1019")).input("3041872215631001")
    at.button(key=state_key("ref-save", "#1019")).click().run()

    assert not at.exception
    lookup = _lookup(at, "#1019")
    assert [s.order_id for s in lookup.state.suppliers] == ["3041872215631001"]
    assert lookup.walkthrough.next_step.step_id == "supplier-cancel"
    assert _cancel_buttons(at, "#1019") == []


def test_an_order_at_an_apps_location_with_no_id_is_not_offered_the_shopify_cancel_until_ruled_out(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1019", "ticket": "ZD-7"}, assistant=assistant)

    assert not at.exception
    assert _lookup(at, "#1019").walkthrough.next_step.action is ActionId.FIND_SUPPLIER_ORDER
    assert _cancel_buttons(at, "#1019") == []
    # The title does not promise the cancel the next step does not allow ("You can cancel this order" did).
    assert FIND_SUPPLIER_TITLE in headings(at, 3) and PATH_TITLES[PathId.CANCELLABLE] not in headings(at, 3)
    text = all_text(at)
    assert "the location of the app Zopi" in text and "Placed: Payment needed" in text

    at.button(key=state_key("none-save", "#1019")).click().run()  # not confirmed yet: nothing recorded
    assert _lookup(at, "#1019").state.no_supplier_order is None
    assert any("Tick the box first" in e for e in _errors(at))

    at.checkbox(key=state_key("none-sure", "#1019")).check().run()
    at.button(key=state_key("none-save", "#1019")).click().run()
    assert not at.exception
    ruled = _lookup(at, "#1019").state.no_supplier_order
    assert ruled is not None and ruled.ticket == "ZD-7"
    assert PATH_TITLES[PathId.CANCELLABLE] in headings(at, 3)  # now it can be cancelled, and says so
    [cancel] = _cancel_buttons(at, "#1019")
    cancel.click().run()
    at.button(key=cancel_option_key("#1019", "confirm")).click().run()
    assert _lookup(at, "#1019").state.shopify.is_cancelled
    assert [r.action for r in assistant.activity.list(ticket="ZD-7") if r.outcome == "ok"] == [
        "cancel_order", "no_supplier_order"]


def test_an_unreadable_supplier_order_is_checked_by_hand_on_the_page(open_app) -> None:
    from kb.hand_check import HandStatus

    assistant = new_assistant()
    at = open_app({"order": "1018", "ticket": "ZD-6"}, assistant=assistant)
    ae = "3041872215631018"
    assert not at.exception
    assert _lookup(at, "#1018").walkthrough.next_step.action is ActionId.CHECK_BY_HAND
    assert any(b.proto.url.endswith(f"orderId={ae}") for b in at.get("link_button"))

    at.radio(key=state_key("hand-status", "#1018", ae)).set_value(HandStatus.CANCELLED).run()
    at.button(key=state_key("hand-save", "#1018", ae)).click().run()
    assert not at.exception
    [so] = _lookup(at, "#1018").state.suppliers
    assert (so.source, so.status.value, so.checked_ticket) == ("manual", "cancelled", "ZD-6")
    assert "checked by hand at" in all_text(at)
    [cancel] = _cancel_buttons(at, "#1018")  # the supplier side is clear: Shopify's cancel is offered
    assert [r.action for r in assistant.activity.list(ticket="ZD-6")] == ["check_by_hand"]


def test_a_question_answered_after_a_mistake_no_longer_shows_the_mistake(open_app) -> None:
    """"Tick the box first" (or a bad id) was the answer to the last press; once an answer is taken, it is gone."""
    from kb.wording.supplier_check_panel import BAD_SUPPLIER_ID, TICK_FIRST

    at = open_app({"order": "1011", "ticket": "ZD-42"})
    at.text_input(key=state_key("ref-id", "#1011")).input("not an id!")
    at.button(key=state_key("ref-save", "#1011")).click().run()
    assert _errors(at) == [BAD_SUPPLIER_ID]
    at.button(key=state_key("none-save", "#1011")).click().run()
    assert _errors(at) == [TICK_FIRST]

    at.checkbox(key=state_key("none-sure", "#1011")).check().run()
    at.button(key=state_key("none-save", "#1011")).click().run()

    assert not at.exception
    assert _lookup(at, "#1011").state.no_supplier_order is not None
    assert _errors(at) == []
    assert _cancel_buttons(at, "#1011")  # the answer taken: Shopify's cancel is offered, with no stale error


def test_a_hand_check_recorded_after_a_mistake_no_longer_shows_the_mistake(open_app) -> None:
    from kb.hand_check import HandStatus
    from kb.wording.supplier_check_panel import CHOOSE_STATUS_FIRST

    at = open_app({"order": "1018", "ticket": "ZD-6"})
    ae = "3041872215631018"
    at.button(key=state_key("hand-save", "#1018", ae)).click().run()
    assert _errors(at) == [CHOOSE_STATUS_FIRST]

    at.radio(key=state_key("hand-status", "#1018", ae)).set_value(HandStatus.AWAITING_SHIPMENT).run()
    at.button(key=state_key("hand-save", "#1018", ae)).click().run()

    assert not at.exception
    assert _lookup(at, "#1018").state.suppliers[0].source == "manual"
    assert _errors(at) == []
