"""Checked by hand: with no supplier API access (or a failed read), what the supplier's site shows is used like a read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions.assistant import Assistant, build_assistant
from actions.cli import EXIT_OK, EXIT_REFUSED, main
from actions.errors import InputError
from actions.sandbox import Sandbox
from actions.settings import AppSettings
from actions.suppliers import UnconfiguredSupplier
from kb.hand_check import HandStatus
from kb.walkthrough import ActionId, PathId

AE_1018 = "3041872215631018"  # #1018: the AliExpress API cannot read it (placed from another account)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 4, 24, 14, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def assistant(tmp_path: Path, clock: Clock) -> Assistant:
    sandbox = Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0)
    return build_assistant(AppSettings(data_dir=tmp_path), sandbox=sandbox, clock=clock, sleep=lambda _: None)


def _next(lookup):
    return lookup.walkthrough.next_step


def test_an_unreadable_supplier_order_asks_to_be_checked_by_hand_with_its_link(assistant: Assistant) -> None:
    lookup = assistant.look_up("#1018")
    step = _next(lookup)
    assert (step.step_id, step.action, step.target) == ("supplier-check-status", ActionId.CHECK_BY_HAND, AE_1018)
    assert f"https://www.aliexpress.com/p/order/detail.html?orderId={AE_1018}" in step.reason
    assert lookup.state.suppliers[0].source == "api"


def test_the_answer_is_used_like_a_read_labelled_with_when_it_was_checked(assistant: Assistant) -> None:
    lookup = assistant.record_supplier_check("#1018", AE_1018, HandStatus.AWAITING_SHIPMENT, ticket="ZD-5")
    [so] = lookup.state.suppliers
    assert (so.source, so.status.value, so.checked_ticket, so.read_error) == ("manual", "awaiting_shipment", "ZD-5", None)
    assert "checked by hand at 14:05 UTC" in (so.raw_status or "")
    assert lookup.walkthrough.path is PathId.CANCELLABLE
    assert (_next(lookup).step_id, _next(lookup).action) == ("supplier-cancel", ActionId.OPEN_SUPPLIER)
    check = next(s for s in lookup.walkthrough.steps if s.step_id == "supplier-check-status")
    assert "checked by hand at 14:05 UTC for ticket ZD-5" in check.reason

    done = assistant.record_supplier_check("#1018", AE_1018, "cancelled", ticket="ZD-5")
    assert _next(done).action is ActionId.CANCEL_ORDER


@pytest.mark.parametrize(
    ("status", "holds_for"),
    [("awaiting_payment", timedelta(hours=1)), ("awaiting_shipment", timedelta(hours=1)),
     ("cancel_requested", timedelta(hours=24)), ("cancelled", None), ("shipped", None)],
)
def test_an_answer_is_asked_again_after_its_recheck_interval(
    assistant: Assistant, clock: Clock, status: str, holds_for: timedelta | None
) -> None:
    assistant.record_supplier_check("#1018", AE_1018, status)
    clock.now += (holds_for or timedelta(days=30)) - timedelta(minutes=1)
    assert assistant.look_up("#1018").state.suppliers[0].source == "manual"
    clock.now += timedelta(minutes=2)
    [so] = assistant.look_up("#1018").state.suppliers
    if holds_for is None:
        assert so.source == "manual"
    else:
        assert so.source == "api" and "check it again" in (so.read_error or "")
        assert _next(assistant.look_up("#1018")).action is ActionId.CHECK_BY_HAND


def test_an_api_read_wins_over_a_check_by_hand(assistant: Assistant) -> None:
    lookup = assistant.record_supplier_check("#1001", "3041872215631001", "cancelled")
    [so] = lookup.state.suppliers
    assert so.source == "api" and so.status.value == "awaiting_shipment"


def test_without_aliexpress_credentials_orders_go_to_the_hand_check_not_a_dead_end(assistant: Assistant) -> None:
    assistant.suppliers["aliexpress"] = UnconfiguredSupplier("aliexpress")
    lookup = assistant.look_up("#1001")
    assert _next(lookup).action is ActionId.CHECK_BY_HAND
    assert "no AliExpress API access" in (lookup.state.suppliers[0].read_error or "")
    after = assistant.record_supplier_check("#1001", "3041872215631001", "awaiting_shipment", ticket="ZD-1")
    assert _next(after).action is ActionId.OPEN_SUPPLIER


def test_a_supplier_order_the_order_does_not_name_is_refused(assistant: Assistant) -> None:
    with pytest.raises(InputError, match="names the supplier order"):
        assistant.record_supplier_check("#1001", "3041872215639999", "cancelled")


def test_an_order_that_names_none_gets_the_checked_one_remembered(assistant: Assistant) -> None:
    lookup = assistant.record_supplier_check("#1019", "CJ2604241019", "awaiting_payment", ticket="ZD-2")
    assert lookup.state.supplier_refs_source == "entered"
    assert [(s.supplier, s.order_id) for s in lookup.state.suppliers] == [("cjdropshipping", "CJ2604241019")]


def test_the_cli_round_trip_records_the_check_and_cancel_then_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path / "data")}
    cancel = ["cancel", "1018", "--reason", "customer", "--refund", "now", "--ticket", "ZD-5", "--yes"]

    assert main(["status", "1018", "--json"], env=env) == EXIT_OK
    [before] = json.loads(capsys.readouterr().out)["suppliers"]
    assert before["source"] == "api" and before["read_error"] and before["checked_at"] is None
    assert main(cancel, env=env) == EXIT_REFUSED
    capsys.readouterr()

    args = ["supplier", "1018", "--order-id", AE_1018, "--supplier", "aliexpress", "--ticket", "ZD-5"]
    assert main([*args, "--status", "awaiting_shipment"], env=env) == EXIT_OK
    assert "shows awaiting shipment (ticket ZD-5)" in capsys.readouterr().out
    assert main(["status", "1018", "--json"], env=env) == EXIT_OK
    shown = json.loads(capsys.readouterr().out)
    [manual] = shown["suppliers"]
    assert (manual["source"], manual["status"], manual["checked_ticket"]) == ("manual", "awaiting_shipment", "ZD-5")
    assert datetime.fromisoformat(manual["checked_at"]).tzinfo is not None
    assert next(s for s in shown["steps"] if s["status"] == "next")["action"] == "open_supplier"
    assert main(cancel, env=env) == EXIT_REFUSED  # the path follows the answer: cancel at AliExpress first
    capsys.readouterr()

    assert main([*args, "--status", "cancelled"], env=env) == EXIT_OK
    capsys.readouterr()
    assert main(cancel, env=env) == EXIT_OK
    assert "cancelled on Shopify" in capsys.readouterr().out

    store = build_assistant(AppSettings(data_dir=tmp_path / "data")).activity
    checks = [r for r in store.list(order="#1018") if r.action == "check_by_hand"]
    assert [(r.ticket, r.options["status"]) for r in checks] == [("ZD-5", "cancelled"), ("ZD-5", "awaiting_shipment")]


def _exit_code(argv: list[str], env: dict[str, str]) -> int:
    """The exit status, whether main returns it or argparse exits with it."""
    try:
        return main(argv, env=env)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    "args",
    [["--order-id", AE_1018, "--status", "lost"], ["--order-id", AE_1018], ["--none", "--status", "cancelled"],
     ["--order-id", AE_1018, "--none"], ["--order-id", "3041872215639999", "--status", "cancelled"], []],
)
def test_the_cli_refuses_a_bad_supplier_command_with_exit_2(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _exit_code(["supplier", "1001", *args], {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err and "Traceback" not in err
