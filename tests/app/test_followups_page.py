"""The Follow-ups page lists waiting orders, what is due first; the walkthrough authorises "finish it for me"."""

from __future__ import annotations

from pages._ui import plain

from streamlit.testing.v1 import AppTest

from actions.sandbox import order_gid
from kb.state import RefundTiming
from pages._authorise import AGENT_BOX, authorise_key
from pages._ui import ASSISTANT_KEY
from pages._authorise import FOLLOW_UPS_CHECK as CHECK_BUTTON
from tests.app.conftest import new_assistant


def _rows(at: AppTest) -> list[dict]:
    assert at.table, "the follow-ups are listed in a table"
    return at.table[0].value.to_dict("records")


def _follow_ups(at: AppTest) -> AppTest:
    at.switch_page("pages/followups.py").run()
    assert not at.exception
    return at


def test_the_page_lists_the_orders_whose_walkthrough_showed_them_waiting(open_app) -> None:
    assistant = new_assistant()
    for order in ("1034", "1030"):
        open_app({"order": order, "ticket": "ZD-17"}, assistant=assistant)
    at = _follow_ups(open_app(assistant=assistant))
    rows = _rows(at)
    assert [r["Order"] for r in rows] == [plain("#1034"), plain("#1030")]  # the refund owed is due now: first
    assert {r["Ticket"] for r in rows} == {plain("ZD-17")}
    assert "seller to approve" in rows[1]["Waiting for"]


def test_with_nothing_followed_the_page_says_how_an_order_gets_there(open_app) -> None:
    at = _follow_ups(open_app())
    assert any("No order is waiting" in i.value for i in at.info)


def test_authorise_on_a_waiting_walkthrough_then_the_check_on_the_page_cancels_it(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1030", "ticket": "ZD-17"}, assistant=assistant)
    assert not at.exception
    at.text_input(key=AGENT_BOX).input("Ana Ruiz").run()
    at.radio(key=authorise_key("#1030", "refund")).set_value(RefundTiming.LATER)
    at.button(key=authorise_key("#1030", "confirm")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Authorised by Ana Ruiz" in s.value for s in at.success)
    auth = assistant.followups.get(order_gid(1030)).authorisation
    assert auth is not None and auth.state == "active" and auth.options.refund.value == "later"

    # this sandbox's seller answers at once, so the order is due at once too
    at = _follow_ups(at)
    at.button(key=CHECK_BUTTON).click().run()
    assert not at.exception
    assert any("is cancelled on Shopify" in w.value for w in [*at.warning, *at.info])
    assert at.code, "the customer reply is ready"
    order = assistant.sandbox.snapshot()["orders"][str(5500000001030)]
    assert order["cancelled_at"] is not None


def test_the_walkthrough_withdraws_an_authorisation(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1030", "ticket": "ZD-17"}, assistant=assistant)
    at.text_input(key=AGENT_BOX).input("Ana Ruiz").run()
    at.button(key=authorise_key("#1030", "confirm")).click().run()
    at.button(key=authorise_key("#1030", "withdraw")).click().run()
    assert not at.exception
    assert any("withdrawn" in s.value for s in at.success)
    assert assistant.followups.get(order_gid(1030)).authorisation.state == "withdrawn"


def test_the_name_box_starts_with_the_sessions_agent_and_a_blank_name_is_refused(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1030"}, assistant=assistant)
    session_agent = at.session_state[ASSISTANT_KEY].agent
    assert at.text_input(key=AGENT_BOX).value == (session_agent or "")
    if session_agent is None:  # nobody known to this session: the authorisation needs a name
        at.button(key=authorise_key("#1030", "confirm")).click().run()
        assert any("who you are" in e.value for e in at.error)
    else:
        at.button(key=authorise_key("#1030", "confirm")).click().run()
        assert assistant.followups.get(order_gid(1030)).authorisation.agent == session_agent


def test_a_followed_order_ready_to_cancel_says_where_it_stands_once(open_app) -> None:
    """Once the seller approved, the walkthrough's follow-up line says "ready to cancel on Shopify", not twice over."""
    import html

    assistant = new_assistant()
    open_app({"order": "1030", "ticket": "ZD-17"}, assistant=assistant)  # read waiting: followed
    at = open_app({"order": "1030", "ticket": "ZD-17"}, assistant=assistant)  # this sandbox's seller answers at once
    assert not at.exception
    lines = [html.unescape(i.value).replace("\u2060", "") for i in at.info if "Follow-up:" in i.value]
    assert len(lines) == 1 and "ready to cancel on Shopify" in lines[0], lines
    assert lines[0].count("ready to cancel on Shopify") == 1, lines


def test_the_authorisation_form_starts_from_the_walkthroughs_own_defaults(open_app) -> None:
    """With a chargeback open the cancel dialog starts on "refund later" (the dispute returns the money); the
    "finish it for me" form, whose cancel the check run sends unattended, must not start on "refund now"."""
    import os

    from actions.assistant import build_assistant
    from actions.sandbox import Sandbox
    from actions.settings import load_settings
    from tests.app.conftest import SANDBOX_SECRETS

    sandbox = Sandbox(service_reply_delay=0, seller_reply_delay=0)
    waiting = sandbox._world.order(5500000001030)  # noqa: SLF001 - the test sets what the shop holds
    waiting["disputes"] = [{"id": 9100000001030, "initiated_as": "CHARGEBACK", "status": "NEEDS_RESPONSE"}]
    assistant = build_assistant(load_settings(SANDBOX_SECRETS, os.environ), sandbox=sandbox)
    at = open_app({"order": "1030", "ticket": "ZD-17"}, assistant=assistant)
    assert not at.exception
    lookup = at.session_state["ca:lookup:#1030"]
    assert assistant.default_cancel_options(lookup).refund is RefundTiming.LATER
    assert at.radio(key=authorise_key("#1030", "refund")).value is RefundTiming.LATER


def test_an_order_that_needs_a_person_says_why_in_the_list_and_on_its_walkthrough(open_app) -> None:
    """#1031's seller refused and #1032's shipped: their lines read "needs a person" twice (status and waiting for),
    and the walkthrough's follow-up line "needs a person" with no reason."""
    assistant = new_assistant()
    for order in ("1031", "1032"):
        open_app({"order": order, "ticket": "ZD-17"}, assistant=assistant)
    at = _follow_ups(open_app(assistant=assistant))
    at.button(key=CHECK_BUTTON).click().run()  # this sandbox's sellers answer at once
    assert not at.exception
    rows = {r["Order"]: r for r in _rows(at)}
    refused, shipped = rows[plain("#1031")], rows[plain("#1032")]
    assert refused["Status"] == shipped["Status"] == plain("needs a person")
    assert "live again" in refused["Waiting for"] and "shipped" in shipped["Waiting for"]

    walkthrough = open_app({"order": "1031", "ticket": "ZD-17"}, assistant=assistant)
    [line] = [i.value for i in walkthrough.info if i.value.startswith("Follow-up")]
    assert "needs a person" in line and "live again" in line


def test_finish_it_for_me_offers_no_refund_choice_when_nothing_can_be_refunded(open_app) -> None:
    """As the cancel dialog: a waiting order paid by cash on delivery, nothing received, offered "Refund now"."""
    assistant = new_assistant()
    world = assistant.sandbox._world.order(5500000001030)  # noqa: SLF001 - #1030 as a cash-on-delivery order
    world.update(financial_status="PENDING", received="0.00", manual_payment=True, gateways=["Cash on Delivery (COD)"])
    at = open_app({"order": "1030", "ticket": "ZD-17"}, assistant=assistant)
    assert not at.exception
    assert not [r for r in at.radio if r.key == authorise_key("#1030", "refund")]
    at.text_input(key=AGENT_BOX).input("Ana Ruiz").run()
    at.button(key=authorise_key("#1030", "confirm")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert assistant.followups.get(order_gid(1030)).authorisation.options.refund is RefundTiming.LATER
    other = open_app({"order": "1031", "ticket": "ZD-17"}, assistant=assistant)  # paid: the choice is there
    assert [r for r in other.radio if r.key == authorise_key("#1031", "refund")]
