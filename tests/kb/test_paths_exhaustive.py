"""Every combination of states maps to exactly one path, with one next step (or none when done).

The product: normalized supplier statuses (and "no supplier order") x Shopify's fulfillment
display statuses x fulfillment-order request statuses x cancelled or not, each fulfillment order
with the supported actions Shopify reports for it, or with none. Also every pair of supplier
orders of a split order, and every fulfillment order `revert_action_for` could be asked about.
"""

from __future__ import annotations

import itertools

from kb.guide import load_guide
from kb.paths import (
    CANCEL_GUIDE,
    FIND_SUPPLIER_TITLE,
    FOLLOW_UP_TITLE,
    PATH_TITLES,
    StepVerdict,
    Verdict,
    classify,
    decide,
    revert_action_for,
)
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    OrderState,
    SupplierStatus,
)
from kb.walkthrough import ActionId, PathId, StepStatus, Walkthrough
from tests.kb import generated_states as generated
from tests.kb.states import (
    fulfillment_order,
    order,
    shopify_order,
    supplier_order,
)

D = DisplayFulfillmentStatus
R = FulfillmentOrderRequestStatus
FS = FulfillmentOrderStatus
A = FulfillmentOrderAction

_REVERTS = (A.CANCEL_FULFILLMENT_ORDER, A.REQUEST_CANCELLATION, A.RELEASE_HOLD, A.MARK_AS_OPEN)


def _both_sides_allow_cancel(state: OrderState) -> bool:
    """Written independently of kb.paths, on purpose stricter: when Shopify's cancel is safe."""
    shopify = state.shopify
    # Cash on delivery (or another manual method) with nothing received: Shopify cancels it, even
    # fulfilled (a refused parcel), and there is nothing to refund.
    unpaid_cod = (shopify.financial_status is DisplayFinancialStatus.PENDING and shopify.manual_payment
                  and shopify.received is not None and shopify.received.amount == 0
                  and (shopify.refundable is None or shopify.refundable.amount == 0))
    refused_parcel = unpaid_cod and shopify.fulfillment_status is D.FULFILLED
    shipped = (SupplierStatus.SHIPPED, SupplierStatus.PARTIALLY_SHIPPED, SupplierStatus.COMPLETED)
    suppliers_done = all(
        so.read_error is None and (so.status is SupplierStatus.CANCELLED or (refused_parcel and so.status in shipped))
        for so in state.suppliers)
    # A hold does not stop the cancel (and is never released to cancel); a request does.
    every_fo_idle = all(
        fo.status in (FS.CLOSED, FS.CANCELLED)
        or (fo.status in (FS.OPEN, FS.SCHEDULED, FS.INCOMPLETE, FS.ON_HOLD)
            and fo.request_status in (R.UNSUBMITTED, R.CANCELLATION_ACCEPTED, R.CLOSED))
        for fo in shopify.fulfillment_orders
    )
    # No supplier order known is never "supplier side clear": one must be entered or ruled out by hand.
    supplier_known = bool(state.suppliers) or state.no_supplier_order is not None
    return (
        suppliers_done
        and supplier_known
        and every_fo_idle
        and not shopify.is_cancelled
        and (shopify.fulfillment_status in (D.UNFULFILLED, D.OPEN, D.RESTOCKED, D.SCHEDULED, D.ON_HOLD)
             or refused_parcel)
        and (shopify.financial_status is not DisplayFinancialStatus.PENDING or unpaid_cod)
        and shopify.return_status in (None, "NO_RETURN")
        and {ref.order_id for ref in shopify.supplier_refs} <= {so.order_id for so in state.suppliers}
    )


def _problems(state: OrderState, w: Walkthrough) -> list[str]:
    """Everything that must hold for any walkthrough; empty when it does."""
    problems: list[str] = []
    guide = load_guide(CANCEL_GUIDE)
    guide_ids = [step.id for step in guide.steps]
    nexts = [s for s in w.steps if s.status is StepStatus.NEXT]
    follow_up = w.path is PathId.ALREADY_CANCELLED and bool(nexts)
    # The title never promises what the next step does not allow: while the supplier order is asked for,
    # "You can cancel this order" would (Shopify's cancel waits for the answer).
    asks = bool(nexts) and nexts[0].action is ActionId.FIND_SUPPLIER_ORDER and w.path is PathId.CANCELLABLE
    title = FOLLOW_UP_TITLE if follow_up else FIND_SUPPLIER_TITLE if asks else PATH_TITLES[w.path]
    # "Revert the request first" was the title while the supplier order was to be cancelled first (#1009, #1014).
    if w.path is PathId.FULFILLMENT_IN_PROGRESS and " first" in w.title:
        problems.append(f"{w.title!r} names a first step, whatever the next step is")
    if not isinstance(w.path, PathId) or w.title != title:
        problems.append(f"no single path or a wrong title: {w.path!r}, {w.title!r}")
    if len(nexts) > 1:
        problems.append(f"{len(nexts)} next steps")
    if w.path is not PathId.ALREADY_CANCELLED and len(nexts) != 1:
        problems.append(f"path {w.path} with {len(nexts)} next steps")
    if follow_up and nexts[0].step_id not in ("shopify-refund-later", "tell-customer"):
        problems.append(f"already cancelled, yet {nexts[0].step_id} is next")
    # Refund later is not the end: a cancelled order with money still owed keeps its refund step.
    owed = (state.shopify.is_cancelled and state.shopify.refundable is not None and state.shopify.refundable.amount > 0
            and state.shopify.financial_status in (DisplayFinancialStatus.PAID, DisplayFinancialStatus.PARTIALLY_PAID,
                                                   DisplayFinancialStatus.PARTIALLY_REFUNDED)
            and not any(d.is_open for d in state.shopify.disputes))
    refund_step = next(s for s in w.steps if s.step_id == "shopify-refund-later")
    if owed != (refund_step.status in (StepStatus.NEXT, StepStatus.BLOCKED)):
        problems.append(f"refund owed={owed} but the refund step is {refund_step.status}")
    if owed and w.path is PathId.ALREADY_CANCELLED and "nothing is left to do" in w.explanation.lower():
        problems.append("says nothing is left to do while a refund is owed")
    tell = next(s for s in w.steps if s.step_id == "tell-customer")
    shipped = any(so.status in (SupplierStatus.SHIPPED, SupplierStatus.PARTIALLY_SHIPPED, SupplierStatus.COMPLETED)
                  and so.read_error is None for so in state.suppliers)
    if state.shopify.is_cancelled and not shipped and state.customer_notified is False and tell.status in (
            StepStatus.DONE, StepStatus.NOT_NEEDED):
        problems.append("tell-customer closed although Shopify was not asked to notify the customer")
    if {s.step_id for s in w.steps} != set(guide_ids):
        problems.append("steps are not exactly the guide's steps")
    first_seen = list(dict.fromkeys(s.step_id for s in w.steps))
    if first_seen != [i for i in guide_ids if i in first_seen]:
        problems.append(f"steps out of guide order: {first_seen}")
    if any(s.title != guide.step(s.step_id).title for s in w.steps):
        problems.append("a step title differs from the guide")
    guide_name, _, section = w.cites.partition("#")
    if section not in {s.id for s in load_guide(guide_name).sections}:
        problems.append(f"cites a missing section: {w.cites}")
    if not w.explanation.strip() or "\n\n" in w.explanation:
        problems.append("explanation is not one paragraph")
    if len(w.suppliers) != len(state.suppliers):
        problems.append("not one verdict per supplier order")
    if (w.check_again_after is not None) != (w.path is PathId.CANCELLATION_PENDING):
        problems.append("check_again_after only belongs to a waiting path")
    fos = {fo.id: fo for fo in state.shopify.fulfillment_orders}
    sos = {so.order_id: so for so in state.suppliers}
    for s in w.steps:
        if s.action is not None and s.status is not StepStatus.NEXT:
            problems.append(f"{s.step_id} offers {s.action} while {s.status}")
        if s.action is ActionId.CANCEL_ORDER and not _both_sides_allow_cancel(state):
            problems.append("cancel_order offered although a side does not allow it")
        if s.revert is FulfillmentOrderAction.RELEASE_HOLD:
            problems.append("a hold is offered for release")
        if s.action is ActionId.REVERT_FULFILLMENT:
            fo = fos.get(s.target or "")
            if fo is None or s.revert is None or s.revert not in fo.supported_actions:
                problems.append(f"revert {s.revert} is not a supported action of {s.target}")
        elif s.revert is not None:
            problems.append("a revert without the revert action")
        if s.action in (ActionId.CANCEL_SUPPLIER, ActionId.OPEN_SUPPLIER):
            so = sos.get(s.target or "")
            if so is None or so.status not in (SupplierStatus.PLACED_UNPAID, SupplierStatus.AWAITING_SHIPMENT):
                problems.append(f"supplier cancel offered for {s.target}")
            elif s.action is ActionId.CANCEL_SUPPLIER and so.cancel_channel.value != "api":
                problems.append("API cancel offered where the supplier allows none")
        if s.action is ActionId.CHECK_SUPPLIER and s.target not in sos:
            problems.append("check offered for no supplier order")
        if s.action is ActionId.CHECK_BY_HAND and (s.target not in sos or sos[s.target].read_error is None):
            problems.append("a check by hand asked for a supplier order that was read")
        if s.action is ActionId.FIND_SUPPLIER_ORDER and (state.suppliers or state.no_supplier_order is not None):
            problems.append("asks for the supplier order although it is known or ruled out")
        if s.status is not StepStatus.NOT_NEEDED and not s.reason.strip():
            problems.append(f"{s.step_id} has no reason")
    return problems


def _verdict_of(w: Walkthrough) -> Verdict:
    return Verdict(w.path, tuple(StepVerdict(s.step_id, s.status, s.action, s.target, s.supplier) for s in w.steps))


def _assert_all_hold(cases) -> int:
    failures, count = [], 0
    for label, state in cases:
        count += 1
        try:
            w = decide(state)
        except Exception as exc:  # the point: no combination may raise
            failures.append(f"{label}: raised {exc!r}")
            continue
        failures.extend(f"{label}: {p}" for p in _problems(state, w))
        if classify(state) != _verdict_of(w):  # the verdict-only entry point agrees on every state
            failures.append(f"{label}: classify() {classify(state)} != decide() {_verdict_of(w)}")
    assert not failures, f"{len(failures)} failures, e.g.\n" + "\n".join(failures[:15])
    return count


def test_every_supplier_status_times_every_shopify_state_maps_to_one_path_and_one_next_step():
    count = _assert_all_hold(generated.single_supplier())
    assert count == 12 * len(D) * len(R) * 2 * 2  # 10 statuses, none found, none placed


def test_every_fulfillment_order_status_and_request_maps_to_one_path():
    assert _assert_all_hold(generated.fulfillment_orders()) == len(FS) * len(R) * len(D) * 2


def test_every_pair_of_supplier_orders_of_a_split_order_maps_to_one_path():
    assert _assert_all_hold(generated.split_orders()) == 10 * 10 * len(D) * 2


def test_a_split_order_takes_the_most_constraining_path_of_its_supplier_orders():
    """When only the supplier side differs, the whole order is the most constrained of its parts."""
    open_order = [PathId.NEEDS_ATTENTION, PathId.SUPPLIER_SHIPPED, PathId.CANCELLATION_PENDING, PathId.CANCELLABLE]
    # Once Shopify is cancelled, what still costs money comes first: an active order, then a pending one.
    cancelled_order = [PathId.SUPPLIER_STILL_ACTIVE, PathId.CANCELLATION_PENDING, PathId.SUPPLIER_SHIPPED,
                       PathId.NEEDS_ATTENTION, PathId.ALREADY_CANCELLED]
    for first, second, cancelled in itertools.product(SupplierStatus, SupplierStatus, (False, True)):
        shopify = shopify_order(D.UNFULFILLED, cancelled=cancelled)
        a = supplier_order(first, order_id="8100000000001")
        b = supplier_order(second, supplier="cjdropshipping", order_id="CJ2600000002")
        whole = decide(order(shopify, a, b)).path
        alone = [decide(order(shopify, a)).path, decide(order(shopify, b)).path]
        rank = cancelled_order if cancelled else open_order
        assert whole == min(alone, key=rank.index), (first, second, cancelled, whole, alone)


def test_ten_thousand_random_states_all_hold():
    assert _assert_all_hold(generated.random_states()) == 10_000


def test_revert_is_never_an_action_shopify_does_not_support():
    offered = set()
    for status, request, n in itertools.product(FS, R, range(2 ** len(_REVERTS))):
        supported = tuple(a for i, a in enumerate(_REVERTS) if n >> i & 1)
        for holds in ((), ("AWAITING_PAYMENT",)):
            fo = fulfillment_order(request, status=status, supported_actions=supported, hold_reasons=holds)
            action = revert_action_for(fo)
            assert action is None or action in fo.supported_actions, (status, request, supported)
            offered.add(action)
    assert offered == {None, *_REVERTS} - {A.RELEASE_HOLD}  # each revert is reachable, never a release


def test_revert_follows_the_request_status():
    every = _REVERTS

    def revert(request: R, status: FS) -> FulfillmentOrderAction | None:
        return revert_action_for(FulfillmentOrderState(
            id="gid://shopify/FulfillmentOrder/1", status=status, request_status=request, supported_actions=every))

    assert revert(R.SUBMITTED, FS.IN_PROGRESS) is A.CANCEL_FULFILLMENT_ORDER
    assert revert(R.ACCEPTED, FS.IN_PROGRESS) is A.REQUEST_CANCELLATION
    assert revert(R.UNSUBMITTED, FS.ON_HOLD) is None  # a hold is never released to cancel
    assert revert(R.UNSUBMITTED, FS.IN_PROGRESS) is A.MARK_AS_OPEN
    assert revert(R.CANCELLATION_REQUESTED, FS.IN_PROGRESS) is None  # wait for the service instead
    assert revert(R.ACCEPTED, FS.CLOSED) is None  # nothing left to revert
    assert revert(R.UNSUBMITTED, FS.OPEN) is None


def test_every_payment_shape_times_supplier_and_shopify_states_maps_to_one_path():
    """Cash on delivery, refunds, chargebacks, the customer's currency, holds and notification, on every state."""
    assert _assert_all_hold(generated.payment_shapes()) == len(generated.MONEY_SHAPES) * 11 * len(D) * 2 * 3 * 2


def test_a_fulfillment_service_silent_for_48_hours_is_offered_only_a_supported_cancel():
    """Before 48 hours it is a wait; after, the fulfillment order's own cancel if Shopify lists it."""
    assert _assert_all_hold(generated.silent_service()) == 5 * 2 * 2 * 3
