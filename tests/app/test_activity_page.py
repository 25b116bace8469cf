"""The activity page: every action recorded, filtered by order and ticket, exported as CSV."""

from __future__ import annotations

import csv
import io

from streamlit.testing.v1 import AppTest

from pages._ui import ACTIVITY_EXPORT as EXPORT
from pages._ui import ACTIVITY_ORDER as ORDER_FILTER
from pages._ui import ACTIVITY_TICKET as TICKET_FILTER
from pages._ui import escape_md
from tests.app.conftest import HOSTILE, new_assistant, table_cells


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
    assert _rows(at)[0]["Options"] == escape_md("reason: CUSTOMER, refund: later")
