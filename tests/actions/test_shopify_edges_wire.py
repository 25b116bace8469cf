"""Shopify's edge cases on the wire: what the cancel sends, that no hold is released, and the amounts quoted.

Each test drives the assistant over the real clients and the sandbox, with a transport that records
every GraphQL body sent to Shopify (so a test reads the exact variables that left).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions.assistant import ActionRequest, Assistant, Lookup, build_assistant
from actions.cli import lookup_json, main
from actions.sandbox import Sandbox
from actions.settings import AppSettings
from kb.paths import FOLLOW_UP_TITLE
from kb.state import CancelOptions, CancelReason, FulfillmentOrderAction, RefundDestination, RefundTiming
from kb.walkthrough import ActionId, PathId, StepStatus


class _Recorder(httpx.BaseTransport):
    """Forwards to the sandbox and keeps every Shopify GraphQL body; can answer one operation itself."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.bodies: list[dict[str, Any]] = []
        self.answers: dict[str, dict[str, Any]] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.url.path.endswith("/graphql.json"):
            body = json.loads(request.content)
            self.bodies.append(body)
            name = body.get("operationName") or body["query"].split("(")[0].split()[-1]
            if name in self.answers:
                return httpx.Response(200, json=self.answers[name], request=request)
        return self.inner.handle_request(request)

    def sent(self, operation: str) -> list[dict[str, Any]]:
        """The variables of every request of this operation (by the name in its document)."""
        return [b.get("variables") or {} for b in self.bodies if f" {operation}(" in b["query"].split("{")[0] + "("
                or b["query"].lstrip().startswith(f"mutation {operation}")]

    def operations(self) -> list[str]:
        return [b["query"].lstrip().split("(")[0].split("{")[0].split()[-1] for b in self.bodies]


@pytest.fixture()
def sandbox() -> Sandbox:
    return Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0)


@pytest.fixture()
def wire(sandbox: Sandbox) -> _Recorder:
    return _Recorder(sandbox.transport)


@pytest.fixture()
def assistant(tmp_path: Path, sandbox: Sandbox, wire: _Recorder) -> Assistant:
    http = httpx.Client(transport=wire, timeout=20.0)
    return build_assistant(AppSettings(data_dir=tmp_path / "data"), sandbox=sandbox, http=http, sleep=lambda s: None)


def _to_shopify_cancel(assistant: Assistant, order: str) -> Lookup:
    """Press the next step's button until the Shopify cancel is the next step."""
    lookup = assistant.look_up(order)
    for _ in range(10):
        step = lookup.walkthrough.next_step
        assert step is not None and step.action is not None, (order, lookup.walkthrough.path, step)
        if step.action is ActionId.CANCEL_ORDER:
            return lookup
        result = assistant.run(ActionRequest(action=step.action, order=order, target=step.target))
        assert result.ok, result.message
        lookup = assistant.look_up(order)
    raise AssertionError(f"{order} never reached the Shopify cancel")


def _cancel(assistant: Assistant, order: str, **options: Any):
    result = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order=order, ticket="ZD-7",
                                         options=CancelOptions(**options)))
    assert result.ok, result.message
    return result


def _world_order(sandbox: Sandbox, number: int) -> dict[str, Any]:
    return sandbox._world.order(5500000000000 + number)  # noqa: SLF001 - the test reads what the shop holds


# --- cash on delivery ----------------------------------------------------------------------------


def test_cash_on_delivery_is_cancellable_and_the_cancel_sends_no_refund(assistant, wire, sandbox):
    first = assistant.look_up("#1020")
    assert first.walkthrough.path is PathId.CANCELLABLE
    assert lookup_json(first, "sandbox")["shopify"]["refundable"] == {"amount": "0.00", "currency": "USD"}
    _to_shopify_cancel(assistant, "#1020")
    result = _cancel(assistant, "#1020", refund=RefundTiming.NOW)  # asked for a refund: nothing to refund
    assert wire.sent("OrderCancel")[-1]["refundMethod"] == {"originalPaymentMethodsRefund": False}
    assert _world_order(sandbox, 1020)["refunds"] == []
    assert result.lookup.state.shopify.is_cancelled


def test_a_refused_cash_on_delivery_parcel_is_cancelled_though_fulfilled(assistant, wire, sandbox):
    lookup = assistant.look_up("#1021")
    assert lookup.state.shopify.fulfillment_status.value == "FULFILLED"
    assert lookup.walkthrough.next_step.action is ActionId.CANCEL_ORDER
    _cancel(assistant, "#1021", refund=RefundTiming.LATER)
    assert wire.sent("OrderCancel")[-1]["refundMethod"] == {"originalPaymentMethodsRefund": False}
    assert _world_order(sandbox, 1021)["cancelled_at"] is not None


# --- holds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["#1012", "#1022"])
def test_a_held_order_is_cancelled_as_it_is_and_no_hold_is_ever_released(assistant, wire, sandbox, order):
    _to_shopify_cancel(assistant, order)
    _cancel(assistant, order, reason=CancelReason.FRAUD if order == "#1022" else CancelReason.CUSTOMER)
    assert "FulfillmentOrderReleaseHold" not in wire.operations()
    assert not any("fulfillmentOrderReleaseHold" in b["query"] for b in wire.bodies)
    number = int(order[1:])
    assert _world_order(sandbox, number)["fulfillment_orders"][0]["holds"], "the hold stays in place"


def test_when_shopify_refuses_to_cancel_a_held_order_its_message_is_shown_and_nothing_is_released(assistant, wire):
    wire.answers["OrderCancel"] = {"data": {"orderCancel": {"job": None, "orderCancelUserErrors": [
        {"field": ["orderId"], "message": "Order is under fraud review and cannot be cancelled yet", "code": "INVALID"}],
        "userErrors": []}}}
    result = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1022", options=CancelOptions()))
    assert not result.ok and result.outcome == "error"
    assert "Order is under fraud review and cannot be cancelled yet" in result.message
    assert not any("fulfillmentOrderReleaseHold" in b["query"] for b in wire.bodies)


def test_the_assistant_refuses_to_release_a_hold_even_when_asked(assistant, wire):
    lookup = assistant.look_up("#1022")
    [fo] = lookup.state.shopify.fulfillment_orders
    result = assistant.run(ActionRequest(action=ActionId.REVERT_FULFILLMENT, order="#1022", target=fo.id))
    assert not result.ok
    assert not any("fulfillmentOrderReleaseHold" in b["query"] for b in wire.bodies)


# --- amounts ----------------------------------------------------------------------------------------


def test_a_partly_refunded_order_refunds_only_what_is_left(assistant, wire, sandbox):
    lookup = assistant.look_up("#1023")
    assert lookup_json(lookup, "sandbox")["shopify"]["refundable"] == {"amount": "28.95", "currency": "USD"}
    preview = assistant.preview_cancel(lookup, CancelOptions(refund=RefundTiming.NOW))
    assert str(preview.refund) == "28.95 USD" and "38.95" not in " ".join(preview.summary)
    _cancel(assistant, "#1023", refund=RefundTiming.NOW)
    assert wire.sent("OrderCancel")[-1]["refundMethod"] == {"originalPaymentMethodsRefund": True}
    assert [r["amount"] for r in _world_order(sandbox, 1023)["refunds"]] == ["10.00", "28.95"]


def test_a_fully_refunded_order_defaults_to_refund_later_and_sends_no_refund(assistant, wire):
    lookup = assistant.look_up("#1024")
    assert assistant.default_cancel_options(lookup).refund is RefundTiming.LATER
    assert lookup_json(lookup, "sandbox")["shopify"]["refund_default"] == "later"
    _cancel(assistant, "#1024", refund=RefundTiming.NOW)
    assert wire.sent("OrderCancel")[-1]["refundMethod"] == {"originalPaymentMethodsRefund": False}


@pytest.mark.parametrize(("order", "why"), [("#1024", "already refunded in full"), ("#1013", "no payment was captured"),
                                          ("#1020", "nothing was paid")])
def test_with_nothing_to_refund_the_confirmation_says_why_and_never_promises_a_refund_later(assistant, order, why):
    """#1024 (refunded in full) and #1013 (only authorized) started on "Refund later" and read "No refund now: refund
    later from the order page": a refund that never comes. The dialog offers no refund choice for them."""
    lookup = assistant.look_up(order)
    assert not assistant.refund_choice(lookup)
    for timing in RefundTiming:
        preview = assistant.preview_cancel(lookup, CancelOptions(refund=timing))
        text = " ".join(preview.summary).lower()
        assert preview.refund is None and why in text and "refund later" not in text


def test_an_order_with_money_left_offers_refund_now_or_later(assistant):
    lookup = assistant.look_up("#1023")
    assert assistant.refund_choice(lookup)
    later = assistant.preview_cancel(lookup, CancelOptions(refund=RefundTiming.LATER))
    assert "refund later from the order page" in " ".join(later.summary)


def test_after_a_cancel_with_refund_now_refund_later_is_not_shown_done(assistant):
    """#1025 cancelled with refund now read "Refund later from the order page" done, a choice never made."""
    _cancel(assistant, "#1025", refund=RefundTiming.NOW)
    after = assistant.look_up("#1025")
    assert after.state.cancel_refund is RefundTiming.NOW
    step = next(s for s in after.walkthrough.steps if s.step_id == "shopify-refund-later")
    assert step.status is StepStatus.NOT_NEEDED and "refund now" in step.reason


def test_the_cancel_done_names_the_refund_in_the_customers_currency_as_the_dialog_did(assistant):
    """#1025's dialog said "Refund 33.07 EUR (35.95 USD in the shop's currency)", the result only "35.95 USD"."""
    result = _cancel(assistant, "#1025", refund=RefundTiming.NOW)
    assert "Refund: 33.07 EUR (35.95 USD in the shop's currency) to the original payment method" in result.message
    assert "Refund: 28.95 USD to" in _cancel(assistant, "#1023", refund=RefundTiming.NOW).message  # one currency


def test_the_customer_reply_quotes_only_the_currency_the_customer_paid_in(assistant):
    lookup = assistant.look_up("#1025")
    reply = assistant.customer_reply(lookup)
    assert "33.07 EUR" in reply and "USD" not in reply
    preview = assistant.preview_cancel(lookup, CancelOptions(refund=RefundTiming.NOW))
    assert any("33.07 EUR (35.95 USD in the shop's currency)" in line for line in preview.summary)
    assert lookup_json(lookup, "sandbox")["shopify"]["refundable_presentment"] == {"amount": "33.07", "currency": "EUR"}


# --- chargebacks and store credit ---------------------------------------------------------------------------


def test_an_open_chargeback_warns_and_refunds_nothing_by_default(assistant, wire, sandbox):
    lookup = assistant.look_up("#1026")
    assert any("chargeback" in w for w in lookup.walkthrough.warnings)
    options = assistant.default_cancel_options(lookup)
    assert options.refund is RefundTiming.LATER
    assert lookup_json(lookup, "sandbox")["shopify"]["disputes"][0]["open"] is True
    _cancel(assistant, "#1026", refund=options.refund)
    assert wire.sent("OrderCancel")[-1]["refundMethod"] == {"originalPaymentMethodsRefund": False}
    assert _world_order(sandbox, 1026)["refunds"] == []
    after = assistant.look_up("#1026").walkthrough
    assert next(s for s in after.steps if s.step_id == "shopify-refund-later").status is StepStatus.NOT_NEEDED


def test_store_credit_is_sent_as_the_refund_method(assistant, wire, sandbox):
    _cancel(assistant, "#1023", refund=RefundTiming.NOW, refund_to=RefundDestination.STORE_CREDIT)
    assert wire.sent("OrderCancel")[-1]["refundMethod"] == {
        "originalPaymentMethodsRefund": False, "storeCreditRefund": {"expiresAt": None}}
    assert _world_order(sandbox, 1023)["refunds"][-1]["method"] == "store_credit"


@pytest.mark.parametrize(("order", "supplier_first"), [("#1021", False), ("#1001", True)])
def test_the_reply_before_the_cancel_promises_a_supplier_cancel_only_where_one_is_left(assistant, order, supplier_first):
    """#1021's parcel shipped whole (a refused cash-on-delivery parcel), yet its reply said "cancelling it now, first
    with our supplier", then "it can no longer be stopped"."""
    reply = assistant.customer_reply(assistant.look_up(order))
    assert ("first with our supplier" in reply) is supplier_first
    assert "are cancelling it now" in reply


def test_the_reply_before_cancelling_an_authorized_payment_says_the_customer_is_not_charged(assistant):
    """#1013's payment is only authorized: its reply said nothing about the pending charge the customer sees."""
    reply = assistant.customer_reply(assistant.look_up("#1013"))
    assert "not charged" in reply and "refund" not in reply.lower()


def test_the_reply_after_a_store_credit_refund_says_store_credit_not_the_card(assistant):
    """#1023 refunded 28.95 USD as store credit; its reply told the customer "A refund of 38.95 USD has been sent to
    your original payment method (Shopify Payments)": the wrong method, and the earlier refund counted in."""
    _cancel(assistant, "#1023", refund=RefundTiming.NOW, refund_to=RefundDestination.STORE_CREDIT)
    reply = assistant.customer_reply(assistant.look_up("#1023"))
    assert "store credit" in reply and "original payment method" not in reply and "38.95" not in reply


def test_the_reply_after_a_refund_to_the_card_says_the_original_payment_method(assistant):
    _cancel(assistant, "#1025", refund=RefundTiming.NOW)
    reply = assistant.customer_reply(assistant.look_up("#1025"))
    assert "original payment method" in reply and "store credit" not in reply


def test_the_cli_sends_store_credit_and_shows_the_refundable_amount(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path / "data")}
    assert main(["status", "#1023", "--json"], env=env) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["shopify"]["refundable"] == {"amount": "28.95", "currency": "USD"}
    assert main(["cancel", "#1023", "--reason", "customer", "--refund", "now", "--refund-to", "store_credit",
                 "--ticket", "ZD-9", "--yes"], env=env) == 0
    refund = _world_order(Sandbox(persist_path=tmp_path / "data" / "sandbox.json"), 1023)["refunds"][-1]
    assert (refund["method"], refund["amount"]) == ("store_credit", "28.95")


# --- a fulfillment service that does not answer -------------------------------------------------------------


def test_a_service_silent_for_48_hours_is_offered_the_fulfillment_order_cancel_with_the_warning(assistant, wire):
    lookup = assistant.look_up("#1027")
    step = lookup.walkthrough.next_step
    assert (step.action, step.revert) == (ActionId.REVERT_FULFILLMENT, FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER)
    assert "does not tell the fulfillment service" in step.reason and "DSers" in step.reason
    result = assistant.run(ActionRequest(action=step.action, order="#1027", target=step.target))
    assert result.ok and "does not tell" in result.message and "DSers" in result.message
    assert wire.sent("FulfillmentOrderCancel")[-1] == {"id": step.target}
    assert result.lookup.walkthrough.next_step.action is ActionId.CANCEL_ORDER


def test_a_fresh_cancellation_request_is_waited_on_not_cancelled(tmp_path: Path, wire, sandbox):
    sandbox_slow = Sandbox(service_reply_delay=10_000.0, seller_reply_delay=0.0)
    assistant = build_assistant(AppSettings(data_dir=tmp_path / "d2"), sandbox=sandbox_slow, sleep=lambda s: None)
    _to_fresh_request(assistant)
    lookup = assistant.look_up("#1003")
    assert lookup.walkthrough.path is PathId.CANCELLATION_PENDING
    assert all(s.action is None or s.action is not ActionId.REVERT_FULFILLMENT for s in lookup.walkthrough.steps)


def _to_fresh_request(assistant: Assistant) -> None:
    for _ in range(6):
        step = assistant.look_up("#1003").walkthrough.next_step
        if step.revert is FulfillmentOrderAction.REQUEST_CANCELLATION:
            assert assistant.run(ActionRequest(action=step.action, order="#1003", target=step.target)).ok
            return
        assert assistant.run(ActionRequest(action=step.action, order="#1003", target=step.target)).ok
    raise AssertionError("never reached the cancellation request")


# --- after the cancel: refund later, tell the customer ------------------------------------------------------


def test_refund_later_keeps_a_refund_step_until_shopify_shows_it_refunded(assistant):
    lookup = assistant.look_up("#1028")
    assert lookup.walkthrough.path is PathId.ALREADY_CANCELLED
    assert lookup.walkthrough.title == FOLLOW_UP_TITLE
    step = lookup.walkthrough.next_step
    assert step.step_id == "shopify-refund-later" and "Refund 22.95 USD from the order page" in step.reason
    assert "Nothing is left to do" not in lookup.walkthrough.explanation


def test_cancelling_with_refund_later_leaves_the_refund_to_do(assistant):
    result = _cancel(assistant, "#1023", refund=RefundTiming.LATER, notify_customer=True)
    step = result.lookup.walkthrough.next_step
    assert step.step_id == "shopify-refund-later" and "28.95 USD" in step.reason


def test_tell_the_customer_stays_to_do_when_shopify_was_not_asked_to_notify(assistant):
    quiet = _cancel(assistant, "#1025", refund=RefundTiming.NOW, notify_customer=False).lookup.walkthrough
    assert quiet.next_step.step_id == "tell-customer" and quiet.title == FOLLOW_UP_TITLE
    told = _cancel(assistant, "#1022", refund=RefundTiming.NOW, notify_customer=True).lookup.walkthrough
    assert told.next_step is None and next(s for s in told.steps if s.step_id == "tell-customer").status is StepStatus.DONE


# --- replies for split and partly shipped orders -------------------------------------------------------------


def test_the_reply_after_cancelling_an_order_shipped_whole_does_not_call_it_a_part(assistant):
    """#1021 (a refused cash-on-delivery parcel, all of it shipped) read 'Part of your order had already been shipped'."""
    before = assistant.customer_reply(assistant.look_up("#1021"))
    assert "Your order has already been shipped, so it can no longer be stopped" in before
    reply = assistant.customer_reply(_cancel(assistant, "#1021", refund=RefundTiming.LATER).lookup)
    assert "Your order had already been shipped before the cancellation" in reply
    assert "Part of your order" not in before + reply


@pytest.mark.parametrize("order", ["#1010", "#1029"])
def test_the_reply_never_says_nothing_ships_when_a_part_has_shipped(assistant, order):
    reply = assistant.customer_reply(assistant.look_up(order))
    assert "nothing will be shipped" not in reply
    assert "Part of your order" in reply
