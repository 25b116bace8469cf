"""The activity page: every action recorded, filtered by order and ticket, exported as CSV."""

from __future__ import annotations

import csv
import io

from streamlit.testing.v1 import AppTest

from pages._ui import ACTIVITY_EXPORT as EXPORT
from pages._ui import ACTIVITY_ORDER as ORDER_FILTER
from pages._ui import ACTIVITY_TICKET as TICKET_FILTER
from pages._ui import escape_md, state_key
from tests.app.conftest import HOSTILE, new_assistant, table_cells

OUTCOME_FILTER = state_key("activity", "outcome")
SINCE_FILTER = state_key("activity", "since")
UNTIL_FILTER = state_key("activity", "until")


def _record(assistant, order_name: str, ticket: str | None, action: str, message: str) -> None:
    assistant.activity.record(order_id=f"gid://shopify/Order/55000000{order_name[1:]}", order_name=order_name,
                              ticket=ticket, action=action, options={}, outcome="ok", message=message)


def _activity(open_app, assistant, query: dict[str, str] | None = None) -> AppTest:
    at = open_app(query, assistant=assistant)
    at.switch_page("pages/activity.py").run()
    assert not at.exception
    return at


def _rows(at: AppTest) -> list[dict]:
    assert at.table, "the records are listed in a table"
    return at.table[0].value.to_dict("records")


def test_the_activity_page_lists_every_action_newest_first(open_app) -> None:
    assistant = new_assistant()
    _record(assistant, "#1001", "ZD-1", "cancel_order", "first")
    _record(assistant, "#1002", "ZD-2", "check_supplier", "second")
    at = _activity(open_app, assistant)
    assert [row["Message"] for row in _rows(at)] == ["second", "first"]


def test_it_filters_by_order_and_by_ticket(open_app) -> None:
    assistant = new_assistant()
    _record(assistant, "#1001", "ZD-1", "cancel_order", "one")
    _record(assistant, "#1001", "ZD-9", "check_supplier", "two")
    _record(assistant, "#1002", "ZD-1", "check_supplier", "three")
    at = _activity(open_app, assistant)

    at.text_input(key=ORDER_FILTER).input("1001").run()
    assert {row["Message"] for row in _rows(at)} == {"one", "two"}
    at.text_input(key=TICKET_FILTER).input("ZD-1").run()
    assert [row["Message"] for row in _rows(at)] == ["one"]
    at.text_input(key=ORDER_FILTER).input("").run()
    assert {row["Message"] for row in _rows(at)} == {"one", "three"}


def test_a_deep_link_ticket_prefills_the_filter(open_app) -> None:
    assistant = new_assistant()
    _record(assistant, "#1001", "ZD-42", "cancel_order", "for the ticket")
    _record(assistant, "#1001", "ZD-43", "cancel_order", "another ticket")
    at = _activity(open_app, assistant, {"order": "1001", "ticket": "ZD-42"})
    assert [row["Ticket"] for row in _rows(at)] == [escape_md("ZD-42")]


def test_a_bad_filter_says_so_clearly(open_app) -> None:
    assistant = new_assistant()
    at = _activity(open_app, assistant)
    at.text_input(key=TICKET_FILTER).input("not a ticket!").run()
    assert not at.exception
    assert any("not a ticket id" in e.value for e in at.error)


def test_the_records_export_as_csv(open_app) -> None:
    assistant = new_assistant()
    _record(assistant, "#1003", "ZD-42", "revert_fulfillment", "=HYPERLINK(1)")
    at = _activity(open_app, assistant)
    assert at.get_by_key(EXPORT).proto.label == "Export CSV"  # KeyError when the page offers no export
    rows = list(csv.DictReader(io.StringIO(assistant.activity.to_csv(assistant.activity.list()))))
    assert [(r["order_name"], r["ticket"], r["action"]) for r in rows] == [("#1003", "ZD-42", "revert_fulfillment")]
    assert not rows[0]["message"].startswith("=")


def test_nothing_recorded_yet_is_said_plainly(open_app) -> None:
    at = _activity(open_app, new_assistant())
    assert any("Nothing recorded yet" in i.value for i in at.info)


def test_a_recorded_remote_message_is_shown_as_text_never_as_markdown(open_app) -> None:
    assistant = new_assistant()
    _record(assistant, "#1001", "ZD-1", "cancel_supplier", HOSTILE)
    at = _activity(open_app, assistant)
    assert [row["Message"] for row in _rows(at)] == [escape_md(HOSTILE)]
    assert not [cell for cell in table_cells(at) if "](" in cell]


def test_each_record_shows_the_options_the_merchant_chose(open_app) -> None:
    assistant = new_assistant()
    assistant.activity.record(order_id="gid://shopify/Order/5500000001001", order_name="#1001", ticket="ZD-7",
                              action="cancel_order", options={"reason": "CUSTOMER", "refund": "later", "staff_note": None},
                              outcome="ok", message="cancelled")
    at = _activity(open_app, assistant)
    assert _rows(at)[0]["Options"] == escape_md("Customer changed or cancelled order · Refund later")


def test_records_read_in_words_with_the_order_name_and_the_whole_request_id(open_app) -> None:
    assistant = new_assistant()
    request_id = "5f0c3a8e-1b2d-4c6f-9e7a-0123456789ab-with-a-long-tail"
    assistant.activity.record(order_id="gid://shopify/Order/5500000001003", order_name="#1003", ticket="ZD-7",
                              action="revert_fulfillment", options={"target": "gid://shopify/FulfillmentOrder/5003",
                                                                    "revert": "REQUEST_CANCELLATION"},
                              outcome="already_done", message="done before", request_id=request_id)
    assistant.activity.record(order_id="gid://shopify/Order/5500000009999", order_name="gid://shopify/Order/5500000009999",
                              ticket=None, action="cancel_order", options={"reason": "INVENTORY"}, outcome="error",
                              message="failed")
    at = _activity(open_app, assistant)
    failed, reverted = _rows(at)
    assert reverted["Action"] == escape_md("Revert the fulfillment request")
    assert reverted["Outcome"] == escape_md("Already done")
    assert reverted["Options"] == escape_md("Ask the fulfillment service to cancel · fulfillment 5003")
    assert reverted["Request id"] == escape_md(request_id)
    assert failed["Order"] == escape_md("order 5500000009999") and failed["Options"] == escape_md("Items unavailable")
    assert "gid://" not in " ".join(str(v) for row in _rows(at) for v in row.values())


def test_it_filters_by_outcome_and_by_date(open_app) -> None:
    from datetime import UTC, datetime, timedelta

    assistant = new_assistant()
    _record(assistant, "#1001", "ZD-1", "cancel_order", "worked")
    assistant.activity.record(order_id="gid://shopify/Order/1", order_name="#1002", ticket=None, action="cancel_order",
                              options={}, outcome="error", message="broke")
    at = _activity(open_app, assistant)
    at.selectbox(key=OUTCOME_FILTER).set_value("error").run()
    assert [row["Message"] for row in _rows(at)] == ["broke"]
    at.selectbox(key=OUTCOME_FILTER).set_value("").run()
    today = datetime.now(UTC).date()
    at.date_input(key=SINCE_FILTER).set_value(today + timedelta(days=1)).run()
    assert any("Nothing recorded yet" in i.value for i in at.info)
    at.date_input(key=SINCE_FILTER).set_value(today).run()
    at.date_input(key=UNTIL_FILTER).set_value(today).run()
    assert {row["Message"] for row in _rows(at)} == {"worked", "broke"}
    at.date_input(key=UNTIL_FILTER).set_value(today - timedelta(days=1)).run()
    assert any("after the To date" in e.value for e in at.error)
