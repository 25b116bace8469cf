"""No supplier order found is never "supplier side clear": the Shopify cancel waits for an id or a "none placed"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions.assistant import ActionRequest, Assistant, build_assistant
from actions.cli import EXIT_OK, EXIT_REFUSED, main
from actions.errors import InputError
from actions.sandbox import Sandbox
from actions.settings import AppSettings
from kb.state import CancelOptions, RefundTiming, SupplierRef
from kb.walkthrough import ActionId, PathId, StepStatus

CANCEL = ["--reason", "customer", "--refund", "now", "--yes"]


@pytest.fixture()
def sandbox() -> Sandbox:
    return Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0)


@pytest.fixture()
def assistant(tmp_path: Path, sandbox: Sandbox) -> Assistant:
    return build_assistant(AppSettings(data_dir=tmp_path / "data"), sandbox=sandbox)


def _cancels(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.operation == "OrderCancel")


def _step(lookup, step_id: str):
    return next(s for s in lookup.walkthrough.steps if s.step_id == step_id)


def test_an_order_at_an_apps_location_with_no_id_asks_for_it_and_says_why(assistant: Assistant) -> None:
    lookup = assistant.look_up("#1019")
    nxt = lookup.walkthrough.next_step
    assert (nxt.step_id, nxt.action) == ("look-up-order", ActionId.FIND_SUPPLIER_ORDER)
    assert "the location of the app Zopi" in nxt.reason and "Placed: Payment needed" in nxt.reason
    cancel = _step(lookup, "shopify-cancel")
    assert cancel.status is StepStatus.BLOCKED and cancel.action is None
    assert any("probably placed" in w and "Zopi" in w for w in lookup.walkthrough.warnings)


def test_the_assistant_refuses_the_shopify_cancel_until_the_supplier_side_is_known(
    assistant: Assistant, sandbox: Sandbox
) -> None:
    options = CancelOptions(refund=RefundTiming.NOW)
    refused = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1019", ticket="ZD-9", options=options))
    assert not refused.ok and refused.outcome == "refused" and _cancels(sandbox) == 0

    after = assistant.confirm_no_supplier_order("#1019", ticket="ZD-9")
    assert after.state.no_supplier_order is not None and after.state.no_supplier_order.ticket == "ZD-9"
    assert after.walkthrough.next_step.action is ActionId.CANCEL_ORDER
    record = next(r for r in assistant.activity.list(order="#1019") if r.action == "no_supplier_order")
    assert record.ticket == "ZD-9" and record.outcome == "ok"

    done = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1019", ticket="ZD-9", options=options))
    assert done.ok and _cancels(sandbox) == 1


def test_entering_the_supplier_order_replaces_the_question_with_its_real_status(assistant: Assistant) -> None:
    after = assistant.remember_supplier_ref("#1011", SupplierRef(supplier="aliexpress", order_id="3041872215631001"),
                                            ticket="ZD-9")
    assert after.state.supplier_refs_source == "entered"
    assert _step(after, "look-up-order").status is StepStatus.DONE
    assert after.walkthrough.next_step.step_id == "supplier-cancel"  # paid at AliExpress: cancel it there first


def test_an_order_that_names_its_supplier_order_cannot_be_ruled_out(assistant: Assistant) -> None:
    with pytest.raises(InputError, match="has supplier order"):
        assistant.confirm_no_supplier_order("#1001")


def test_the_question_button_itself_is_refused_with_what_to_do(assistant: Assistant) -> None:
    result = assistant.run(ActionRequest(action=ActionId.FIND_SUPPLIER_ORDER, order="#1019"))
    assert not result.ok and "--none" in result.message


def test_the_record_survives_a_new_assistant_on_the_same_log(tmp_path: Path, sandbox: Sandbox) -> None:
    build_assistant(AppSettings(data_dir=tmp_path), sandbox=sandbox).confirm_no_supplier_order("#1011", ticket="ZD-3")
    lookup = build_assistant(AppSettings(data_dir=tmp_path), sandbox=sandbox).look_up("#1011")
    assert lookup.state.no_supplier_order is not None and lookup.walkthrough.next_step.action is ActionId.CANCEL_ORDER


def test_the_cli_refuses_to_cancel_until_none_is_confirmed_and_json_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path / "data")}

    assert main(["status", "1019", "--json"], env=env) == EXIT_OK
    before = json.loads(capsys.readouterr().out)
    assert before["supplier_refs_source"] == "none" and before["no_supplier_order"] is None
    look_up = next(s for s in before["steps"] if s["id"] == "look-up-order")
    assert (look_up["status"], look_up["action"]) == ("next", "find_supplier_order")
    assert next(s for s in before["steps"] if s["id"] == "shopify-cancel")["action"] is None

    assert main(["cancel", "1019", *CANCEL], env=env) == EXIT_REFUSED
    assert "Not now" in capsys.readouterr().err

    assert main(["supplier", "1019", "--none", "--ticket", "ZD-9"], env=env) == EXIT_OK
    assert "no supplier order was placed for #1019 (ticket ZD-9)" in capsys.readouterr().out

    assert main(["status", "1019", "--json"], env=env) == EXIT_OK
    after = json.loads(capsys.readouterr().out)
    assert after["no_supplier_order"]["ticket"] == "ZD-9" and after["path"] == PathId.CANCELLABLE.value
    assert next(s for s in after["steps"] if s["id"] == "shopify-cancel")["action"] == "cancel_order"

    assert main(["cancel", "1019", *CANCEL, "--ticket", "ZD-9"], env=env) == EXIT_OK
    assert "cancelled on Shopify" in capsys.readouterr().out


def test_the_cli_refuses_none_for_an_order_that_names_its_supplier_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["supplier", "1001", "--none"], env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}) == EXIT_REFUSED
    assert "AliExpress 3041872215631001" in capsys.readouterr().err


def test_a_log_from_before_these_tables_gets_them_on_open(tmp_path: Path) -> None:
    import sqlite3

    from actions.activity import SCHEMA_VERSION, ActivityStore

    path = tmp_path / "old.sqlite3"
    ActivityStore(path).close()
    with sqlite3.connect(path) as conn:  # as the schema before these tables left it
        conn.execute("DROP TABLE no_supplier_orders")
        conn.execute("DROP TABLE supplier_checks")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    store = ActivityStore(path)
    store.add_no_supplier_order("gid://shopify/Order/1", "ZD-1")
    assert store.no_supplier_order("gid://shopify/Order/1").ticket == "ZD-1"
    assert store.supplier_checks("gid://shopify/Order/1") == ()
