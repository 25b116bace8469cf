"""Every remote call the product makes x every fault the sandbox injects: clear words, the truth, one write.

Each cell drives the real `Assistant` (re-read, claim, act, resolve, record) over a fresh sandbox
with one fault scoped to the one call (`shopify.write:timeout_after@1`, `cj.read:5xx`, ...). Whatever
the fault, the merchant gets a sentence (no traceback, no secret), the order shown afterwards is
what a clean re-read shows, no write reaches a remote twice, and the activity log holds the attempt
with its outcome. The terminal summary says how many cells were covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from actions.assistant import ActionRequest, ActionResult, Assistant, Lookup
from actions.sandbox import Sandbox
from kb.state import CancelOptions, CancelReason, RefundTiming, SupplierStatus
from kb.walkthrough import ActionId, StepStatus, WalkthroughStep
from tests.evidence.conftest import COVERED, TRACEBACK, make_assistant, new_sandbox

FAULTS = ("throttled", "throttled429", "5xx", "timeout", "timeout_after", "malformed", "401", "403")
_AMBIGUOUS = frozenset({"5xx", "timeout", "timeout_after", "malformed"})  # the write may have run: never resend


@dataclass(frozen=True)
class Call:
    """One remote call: the order that leads to it, the button that makes it, and where its fault goes."""

    name: str
    order: str
    action: ActionId
    scope: str  # fault scope, e.g. "shopify.write"
    operation: str | None = None  # the write's operation in the sandbox log (None for reads)
    revert: str | None = None  # the fulfillment-order action the step must offer

    @property
    def writes(self) -> bool:
        return self.operation is not None


CALLS = (
    Call("Shopify order read", "#1001", ActionId.CHECK_SUPPLIER, "shopify.read"),
    Call("AliExpress order read", "#1001", ActionId.CHECK_SUPPLIER, "aliexpress.read"),
    Call("CJ order read", "#1009", ActionId.CHECK_SUPPLIER, "cj.read"),
    Call("orderCancel", "#1011", ActionId.CANCEL_ORDER, "shopify.write", "OrderCancel"),
    Call("fulfillmentOrderSubmitCancellationRequest", "#1003", ActionId.REVERT_FULFILLMENT, "shopify.write",
         "FulfillmentOrderSubmitCancellationRequest", "REQUEST_CANCELLATION"),
    Call("fulfillmentOrderCancel", "#1009", ActionId.REVERT_FULFILLMENT, "shopify.write",
         "FulfillmentOrderCancel", "CANCEL_FULFILLMENT_ORDER"),
    # A hold is never released (#1012 is cancelled as it is); the other fulfillmentOrderCancel is the one
    # offered when a fulfillment service left a cancellation request unanswered for 48 hours.
    Call("fulfillmentOrderCancel after 48 hours of silence", "#1027", ActionId.REVERT_FULFILLMENT, "shopify.write",
         "FulfillmentOrderCancel", "CANCEL_FULFILLMENT_ORDER"),
    Call("fulfillmentOrderOpen", "#1014", ActionId.REVERT_FULFILLMENT, "shopify.write",
         "FulfillmentOrderOpen", "MARK_AS_OPEN"),
    Call("CJ deleteOrder", "#1013", ActionId.CANCEL_SUPPLIER, "cj.write", "/shopping/order/deleteOrder"),
)
_OPTIONS = CancelOptions(refund=RefundTiming.NOW, reason=CancelReason.CUSTOMER, restock=True)


def _step(lookup: Lookup, call: Call) -> WalkthroughStep | None:
    """The step that offers this call now (the next step, for a write)."""
    for step in lookup.walkthrough.steps:
        if not call.writes and step.supplier and step.target:  # a check is offered on any supplier step
            return step
        if step.action is not call.action:
            continue
        if step.status is StepStatus.NEXT and (call.revert is None or (step.revert and step.revert.value == call.revert)):
            return step
    return None


def _arrive(assistant: Assistant, call: Call) -> tuple[Lookup, WalkthroughStep]:
    """Follow the walkthrough without faults until the call is the one to make."""
    lookup = assistant.look_up(call.order)
    for _ in range(6):
        step = _step(lookup, call)
        if step is not None:
            return lookup, step
        nxt = lookup.walkthrough.next_step
        assert nxt is not None and nxt.action is not None, f"{call.order}: stuck on {lookup.walkthrough.path}"
        result = assistant.run(ActionRequest(action=nxt.action, order=call.order, target=nxt.target))
        assert result.ok, result.message
        lookup = assistant.look_up(call.order)
    raise AssertionError(f"{call.order} never offered {call.name}")


def _sent(sandbox: Sandbox, start: int, operation: str) -> list[str | None]:
    """The faults of every request of `operation` since `start` (None: answered normally)."""
    return [r.fault for r in sandbox.requests[start:] if r.operation == operation]


def _effect(call: Call, before: Lookup, step: WalkthroughStep) -> Callable[[Lookup], bool]:
    """Whether a reading shows the write as done."""
    if call.action is ActionId.CANCEL_ORDER:
        return lambda lookup: lookup.state.shopify.is_cancelled
    if call.action is ActionId.CANCEL_SUPPLIER:
        def supplier_cancelled(lookup: Lookup) -> bool:
            return any(s.order_id == step.target and s.status is SupplierStatus.CANCELLED for s in lookup.state.suppliers)
        return supplier_cancelled
    old = next(f for f in before.state.shopify.fulfillment_orders if f.id == step.target)

    def reverted(lookup: Lookup) -> bool:
        new = next((f for f in lookup.state.shopify.fulfillment_orders if f.id == step.target), None)
        return new is None or (new.status, new.request_status) != (old.status, old.request_status)
    return reverted


def _assert_clear(result: ActionResult, assistant: Assistant) -> None:
    assert result.message.strip(), "the merchant is told something"
    assert not TRACEBACK.search(result.message), result.message
    for secret in assistant.settings.secrets():
        assert secret not in result.message


def _assert_recorded(assistant: Assistant, call: Call, result: ActionResult) -> None:
    records = [r for r in assistant.activity.list(order=call.order) if r.action == call.action.value]
    assert records, "the attempt is in the activity log"
    latest = records[0]
    assert latest.id == result.record_id
    assert latest.outcome == result.outcome != "started"
    assert latest.message == result.message[:2000] or latest.message.startswith(result.message[:200])


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_a_fault_on_any_call_gives_clear_words_the_true_state_one_write_and_a_record(
    call: Call, fault: str, tmp_path: Path
) -> None:
    sandbox = new_sandbox()
    assistant = make_assistant(tmp_path, sandbox=sandbox)
    before, step = _arrive(assistant, call)
    start = len(sandbox.requests)
    sandbox.set_faults(f"{call.scope}:{fault}" + ("@1" if call.writes else ""))

    request = ActionRequest(action=call.action, order=call.order, target=step.target, ticket="ZD-1",
                            options=_OPTIONS if call.action is ActionId.CANCEL_ORDER else None)
    result = assistant.run(request)

    sandbox.set_faults("")
    fresh = assistant.look_up(call.order)  # the truth, read cleanly
    _assert_clear(result, assistant)
    _assert_recorded(assistant, call, result)
    if call.writes:
        assert call.operation is not None
        sent = _sent(sandbox, start, call.operation)
        applied = [f for f in sent if f is None or f == "timeout_after"]
        assert len(applied) <= 1, f"{call.name} reached the remote {len(applied)} times"
        if fault in _AMBIGUOUS:
            assert len(sent) == 1, f"{call.name} was sent again after an unclear answer ({sent})"
        done = _effect(call, before, step)
        assert done(fresh) == bool(applied), "the log and the remote agree"
        if result.ok:
            assert done(fresh), "ok means it happened"
        elif result.outcome in ("error", "refused"):
            assert not done(fresh), f"said {result.outcome} but it happened: {result.message}"
        if result.lookup is not None:
            assert done(result.lookup) == done(fresh), "the order shown afterwards is the truth"
        # The merchant presses the same button again (the fault is gone): still never twice.
        sent_before = len(sent)
        again = assistant.run(request)
        _assert_clear(again, assistant)
        sent = _sent(sandbox, start, call.operation)
        assert len([f for f in sent if f is None or f == "timeout_after"]) <= 1, f"{call.name} acted twice"
        if result.ok or result.outcome == "unknown":
            assert len(sent) == sent_before, f"pressed again after {result.outcome}: {call.name} was sent again"
            assert not again.ok
    else:
        assert not [r for r in sandbox.requests[start:] if r.is_write], "a read never writes"
        assert fresh.walkthrough.path is before.walkthrough.path
        assert all(s.read_error is None for s in fresh.state.suppliers)
        if result.lookup is not None and call.scope != "shopify.read":
            shown = next(s for s in result.lookup.state.suppliers if s.order_id == step.target)
            truth = next(s for s in fresh.state.suppliers if s.order_id == step.target)
            assert result.ok == (shown.status is truth.status and shown.read_error is None)
        if not result.ok:
            assert result.outcome == "error"
    COVERED.add((call.name, fault))


def test_the_matrix_spans_every_call_and_every_fault() -> None:
    """The grid above is the whole product surface: nine remote calls, eight faults."""
    assert len({c.name for c in CALLS}) == 9
    assert {c.scope for c in CALLS} == {"shopify.read", "aliexpress.read", "cj.read", "shopify.write", "cj.write"}
    assert {c.revert for c in CALLS if c.revert} == {
        "REQUEST_CANCELLATION", "CANCEL_FULFILLMENT_ORDER", "MARK_AS_OPEN"}  # never RELEASE_HOLD
