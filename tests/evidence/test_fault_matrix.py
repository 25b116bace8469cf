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

import httpx
import pytest

from actions.assistant import ActionRequest, ActionResult, Assistant, Lookup
from actions.sandbox import Sandbox
from kb.state import CancelOptions, CancelReason, RefundTiming, SupplierStatus
from kb.walkthrough import ActionId, StepStatus, WalkthroughStep
from tests.evidence.conftest import (
    AFTER_WRITE_COVERED,
    COVERED,
    TRACEBACK,
    FaultAfterWrite,
    make_assistant,
    new_sandbox,
    reads_after_write,
)

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
        if nxt.action is ActionId.FIND_SUPPLIER_ORDER:  # answered, not clicked: no supplier order was placed
            lookup = assistant.confirm_no_supplier_order(call.order)
            continue
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
    assert result.outcome != "started"
    # An unknown result is settled by the next look-up that shows the write's effect.
    settled = result.outcome == "unknown" and latest.outcome == "ok" and "settled it" in latest.message
    assert latest.outcome == result.outcome or settled, (latest.outcome, latest.message)
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


# --- a fault on every read that follows a write -----------------------------------------------------
#
# The write itself goes through; then one of the reads after it fails: the job poll, the client's
# read-back, or the assistant's re-read after the action (Shopify, then the supplier). Once a write may
# have left, no later failure may make it an `error`, free its key or send it again: each cell ends
# `ok` (it was confirmed) or `unknown` (it was sent; the merchant is told what to check), the key held,
# and a clean re-read shows it done. "once" fails that one read; "from then on" fails it and every
# read after it in the action, so retries and the assistant's own re-read fail too.

_SHOPIFY_READ = ("shopify", "OrderStateById")
_ALIEXPRESS_READ = ("aliexpress", "aliexpress.trade.ds.order.get")
_CJ_READ = ("cj", "/shopping/order/getOrderDetail")
READS_AFTER: dict[str, tuple[tuple[str, tuple[str, str]], ...]] = {
    "orderCancel": (("job poll", ("shopify", "JobStatus")), ("read-back", _SHOPIFY_READ),
                    ("re-read after: Shopify", _SHOPIFY_READ)),
    "fulfillmentOrderSubmitCancellationRequest": (("re-read after: Shopify", _SHOPIFY_READ),
                                                  ("re-read after: AliExpress", _ALIEXPRESS_READ)),
    "fulfillmentOrderCancel": (("re-read after: Shopify", _SHOPIFY_READ), ("re-read after: CJ", _CJ_READ)),
    "fulfillmentOrderCancel after 48 hours of silence": (("re-read after: Shopify", _SHOPIFY_READ),
                                                         ("re-read after: AliExpress", _ALIEXPRESS_READ)),
    "fulfillmentOrderOpen": (("re-read after: Shopify", _SHOPIFY_READ),
                             ("re-read after: AliExpress", _ALIEXPRESS_READ)),
    "CJ deleteOrder": (("read-back", _CJ_READ), ("re-read after: Shopify", _SHOPIFY_READ),
                       ("re-read after: CJ", _CJ_READ)),
}
WRITES = tuple(c for c in CALLS if c.writes)
AFTER_WRITE = tuple(
    pytest.param(call, position, id=f"{call.name}-{name}")
    for call in WRITES for position, (name, _) in enumerate(READS_AFTER[call.name], start=1)
)
HOW_LONG = {"once": False, "from-then-on": True}


def _request(call: Call, step: WalkthroughStep) -> ActionRequest:
    return ActionRequest(action=call.action, order=call.order, target=step.target, ticket="ZD-1",
                         options=_OPTIONS if call.action is ActionId.CANCEL_ORDER else None)


def _faulted_assistant(tmp_path: Path, call: Call, position: int, fault: str, persist: bool
                       ) -> tuple[Assistant, Sandbox, FaultAfterWrite]:
    sandbox = new_sandbox()
    assert call.operation is not None
    transport = FaultAfterWrite(sandbox, call.operation, position=position, fault=fault, persist=persist)
    http = httpx.Client(transport=transport, timeout=httpx.Timeout(20.0, connect=5.0))
    return make_assistant(tmp_path, sandbox=sandbox, http=http), sandbox, transport


@pytest.mark.parametrize("how_long", HOW_LONG)
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(("call", "position"), AFTER_WRITE)
def test_a_fault_on_a_read_after_a_write_never_makes_it_an_error_or_sends_it_again(
    call: Call, position: int, fault: str, how_long: str, tmp_path: Path
) -> None:
    assert call.operation is not None
    assistant, sandbox, transport = _faulted_assistant(tmp_path, call, position, fault, HOW_LONG[how_long])
    before, step = _arrive(assistant, call)
    start = len(sandbox.requests)
    request = _request(call, step)

    transport.arm()
    result = assistant.run(request)
    transport.disarm()

    reads = [r for r in sandbox.requests[start:] if not r.is_write]
    assert transport.injected and any(r.fault == fault for r in reads), "the fault hit a read after the write"
    sent = _sent(sandbox, start, call.operation)
    assert sent == [None], f"{call.name} was sent {len(sent)} times"
    _assert_clear(result, assistant)
    _assert_recorded(assistant, call, result)
    assert result.outcome in ("ok", "unknown"), f"a write that went through was recorded {result.outcome}: " \
                                                f"{result.message}"
    record = assistant.activity.get(result.record_id or 0)
    assert record is not None and record.idempotency_key, "the key stays held"
    if result.outcome == "unknown":
        assert "sent once" in result.message or "was sent" in result.message, result.message

    fresh = assistant.look_up(call.order)  # the next look-up, without faults, settles it by reading
    done = _effect(call, before, step)
    assert done(fresh), "the write went through: a clean re-read shows it"
    if result.outcome == "unknown":
        settled = assistant.activity.get(result.record_id or 0)
        assert settled is not None and settled.outcome == "ok" and "settled it" in settled.message, settled
    if result.lookup is not None and not _unreadable(result.lookup, step):
        assert done(result.lookup), "the order shown afterwards is the truth"

    again = assistant.run(request)  # the merchant presses the same button again: never a second write
    _assert_clear(again, assistant)
    assert _sent(sandbox, start, call.operation) == [None], f"pressed again: {call.name} was sent again"
    assert not again.ok
    AFTER_WRITE_COVERED.add((call.name, position, fault, how_long))


def _unreadable(lookup: Lookup, step: WalkthroughStep) -> bool:
    """Whether the supplier order of the step could not be read (shown as unknown, which claims nothing)."""
    return any(s.order_id == step.target and s.read_error for s in lookup.state.suppliers)


@pytest.mark.parametrize("call", WRITES, ids=lambda c: c.name)
def test_the_reads_after_each_write_are_all_in_the_matrix(call: Call, tmp_path: Path) -> None:
    """A clean run makes exactly the reads listed above after the write: a new read must join the matrix."""
    assert call.operation is not None
    sandbox = new_sandbox()
    assistant = make_assistant(tmp_path, sandbox=sandbox)
    _, step = _arrive(assistant, call)
    start = len(sandbox.requests)
    assert assistant.run(_request(call, step)).ok
    assert reads_after_write(sandbox, start, call.operation) == [read for _, read in READS_AFTER[call.name]]
