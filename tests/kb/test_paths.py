"""The rules, one sentence of the guide per test: which path an order is on and what comes next."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kb.guide import load_guide
from kb.paths import CANCEL_GUIDE, PATH_TITLES, decide
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    SupplierRef,
    SupplierStatus,
)
from kb.walkthrough import ActionId, PathId, StepStatus, Walkthrough, WalkthroughStep
from tests.kb.states import (
    ORDER_GID,
    fulfillment_order,
    held_fulfillment_order,
    merchant_in_progress_fulfillment_order,
    order,
    shopify_order,
    supplier_order,
)

D = DisplayFulfillmentStatus
R = FulfillmentOrderRequestStatus
S = SupplierStatus
A = FulfillmentOrderAction
FS = FulfillmentOrderStatus


def _next(w: Walkthrough) -> WalkthroughStep:
    step = w.next_step
    assert step is not None, f"{w.path} has no next step"
    return step


def _steps(w: Walkthrough, step_id: str) -> list[WalkthroughStep]:
    return [s for s in w.steps if s.step_id == step_id]


def _step(w: Walkthrough, step_id: str, target: str | None = None) -> WalkthroughStep:
    matches = [s for s in _steps(w, step_id) if target is None or s.target == target]
    assert len(matches) == 1, f"{len(matches)} steps {step_id} for {target}"
    return matches[0]


def _warned(w: Walkthrough, *words: str) -> bool:
    return any(all(word.lower() in warning.lower() for word in words) for warning in w.warnings)


# --- cancellable --------------------------------------------------------------------------------


def test_an_unfulfilled_order_whose_supplier_has_not_shipped_is_cancellable_supplier_first():
    paid = supplier_order(S.AWAITING_SHIPMENT, order_id="8123450001")
    w = decide(order(shopify_order(D.UNFULFILLED), paid))

    assert w.path is PathId.CANCELLABLE
    step = _next(w)
    assert (step.step_id, step.action, step.target, step.supplier) == (
        "supplier-cancel", ActionId.OPEN_SUPPLIER, "8123450001", "aliexpress")
    cancel = _step(w, "shopify-cancel")
    assert cancel.status is StepStatus.BLOCKED and cancel.action is None
    assert "8123450001" in cancel.reason and "8123450001" in w.explanation
    assert w.cites == f"{CANCEL_GUIDE}#supplier"
    assert _warned(w, "money at risk", "8123450001")


def test_once_the_supplier_order_is_cancelled_the_shopify_cancel_is_next():
    w = decide(order(shopify_order(D.UNFULFILLED), supplier_order(S.CANCELLED)))

    assert w.path is PathId.CANCELLABLE
    step = _next(w)
    assert (step.step_id, step.action, step.target) == ("shopify-cancel", ActionId.CANCEL_ORDER, ORDER_GID)
    assert all(s.status is StepStatus.DONE for s in w.steps if s.step_id.startswith("supplier-") and
               s.step_id != "supplier-return-or-dispute")
    assert _warned(w, "original payment method") and _warned(w, "cannot be undone")
    assert w.cites == f"{CANCEL_GUIDE}#shopify"


def test_a_cj_order_not_paid_yet_is_cancelled_for_the_merchant_through_the_api():
    w = decide(order(shopify_order(), supplier_order(S.PLACED_UNPAID, supplier="cjdropshipping")))

    assert w.path is PathId.CANCELLABLE
    assert _next(w).action is ActionId.CANCEL_SUPPLIER


def test_an_order_with_no_supplier_order_found_asks_for_it_before_the_shopify_cancel():
    w = decide(order(shopify_order(D.UNFULFILLED)))

    assert w.path is PathId.CANCELLABLE
    assert (_next(w).step_id, _next(w).action) == ("look-up-order", ActionId.FIND_SUPPLIER_ORDER)
    assert "confirm that no supplier order was placed" in _next(w).reason
    [cancel] = _steps(w, "shopify-cancel")
    assert cancel.status is StepStatus.BLOCKED and cancel.action is None
    assert "no supplier order is known" in cancel.reason
    assert _warned(w, "supplier order", "enter")


def test_confirming_no_supplier_order_was_placed_clears_the_supplier_side_with_when_and_which_ticket():
    w = decide(order(shopify_order(D.UNFULFILLED), ruled_out=True))

    assert w.path is PathId.CANCELLABLE
    assert _next(w).action is ActionId.CANCEL_ORDER
    [look_up] = _steps(w, "look-up-order")
    assert look_up.status is StepStatus.DONE
    assert "confirmed at 2026-04-24 09:30 UTC (ticket ZD-1) that no supplier order was placed" in look_up.reason
    assert all(s.status is StepStatus.NOT_NEEDED for s in _steps(w, "supplier-cancel"))


def test_an_apps_location_and_status_tag_are_shown_as_the_reason_a_supplier_order_probably_exists():
    fo = fulfillment_order(R.UNSUBMITTED).model_copy(update={"location_name": "Zopi"})
    shopify = shopify_order(D.UNFULFILLED, fulfillment_orders=[fo]).model_copy(
        update={"tags": ("Placed: Payment needed",)})
    w = decide(order(shopify))

    assert _next(w).action is ActionId.FIND_SUPPLIER_ORDER
    assert "assigned to Zopi, the location of the app Zopi" in _next(w).reason
    assert "“Placed: Payment needed”, a status tag of the app Zopi" in _next(w).reason
    assert _warned(w, "supplier order was probably placed", "Zopi")
    assert "Zopi" in _steps(w, "shopify-cancel")[0].reason


def test_a_fulfillment_request_with_no_supplier_order_known_is_not_reverted_before_it_is_found():
    fo = fulfillment_order(R.SUBMITTED, supported_actions=(A.CANCEL_FULFILLMENT_ORDER,))
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[fo])))

    assert w.path is PathId.FULFILLMENT_IN_PROGRESS
    assert _next(w).action is ActionId.FIND_SUPPLIER_ORDER
    [revert] = _steps(w, "shopify-revert-fulfillment")
    assert revert.status is StepStatus.BLOCKED and "First find the supplier order" in revert.reason


def test_a_legacy_open_or_restocked_order_is_treated_as_unfulfilled():
    for display in (D.OPEN, D.RESTOCKED, D.SCHEDULED):
        w = decide(order(shopify_order(display), supplier_order(S.CANCELLED)))
        assert w.path is PathId.CANCELLABLE, display


def test_an_authorized_payment_is_voided_by_the_cancel():
    w = decide(order(shopify_order(financial=DisplayFinancialStatus.AUTHORIZED), supplier_order(S.CANCELLED)))

    assert w.path is PathId.CANCELLABLE
    assert _warned(w, "authorized", "void")


# --- fulfillment_in_progress ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fo", "revert"),
    [
        (fulfillment_order(R.SUBMITTED), A.CANCEL_FULFILLMENT_ORDER),
        (fulfillment_order(R.ACCEPTED), A.REQUEST_CANCELLATION),
        (merchant_in_progress_fulfillment_order(), A.MARK_AS_OPEN),
    ],
    ids=["submitted-cancel-it", "accepted-request-cancellation", "marked-in-progress-open"],
)
def test_a_fulfillment_in_progress_is_reverted_the_way_its_request_status_allows(fo, revert):
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[fo]), supplier_order(S.CANCELLED)))

    assert w.path is PathId.FULFILLMENT_IN_PROGRESS
    step = _next(w)
    assert (step.step_id, step.action, step.target, step.revert) == (
        "shopify-revert-fulfillment", ActionId.REVERT_FULFILLMENT, fo.id, revert)
    assert _step(w, "shopify-cancel").status is StepStatus.BLOCKED
    assert w.cites == "revert-fulfillment-request#which-revert"


def test_the_supplier_is_cancelled_before_the_fulfillment_request_is_reverted():
    w = decide(order(shopify_order(D.IN_PROGRESS), supplier_order(S.AWAITING_SHIPMENT)))

    assert w.path is PathId.FULFILLMENT_IN_PROGRESS
    assert _next(w).step_id == "supplier-cancel"
    revert = _step(w, "shopify-revert-fulfillment")
    assert revert.status is StepStatus.BLOCKED and revert.revert is None
    assert "supplier" in revert.reason


def test_a_fulfillment_order_that_allows_no_revert_needs_attention():
    stuck = fulfillment_order(R.ACCEPTED, supported_actions=[A.CREATE_FULFILLMENT])
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[stuck]), supplier_order(S.CANCELLED)))

    assert w.path is PathId.NEEDS_ATTENTION
    assert "no revert" in w.explanation
    assert all(s.action is not ActionId.REVERT_FULFILLMENT for s in w.steps)
    assert _next(w).step_id == "shopify-check-fulfillment"


def test_in_progress_with_no_visible_fulfillment_order_needs_attention():
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[]), supplier_order(S.CANCELLED)))

    assert w.path is PathId.NEEDS_ATTENTION
    assert "no revert is currently allowed" in w.explanation


def test_each_fulfillment_order_in_progress_gets_its_own_revert_step():
    fos = [fulfillment_order(R.SUBMITTED, number=1), fulfillment_order(R.ACCEPTED, number=2)]
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=fos), supplier_order(S.CANCELLED)))

    reverts = _steps(w, "shopify-revert-fulfillment")
    assert [s.target for s in reverts] == [fo.id for fo in fos]
    assert [s.status for s in reverts] == [StepStatus.NEXT, StepStatus.BLOCKED]


def test_a_fulfillment_request_whose_cancellation_the_service_accepted_counts_as_reverted():
    fo = fulfillment_order(R.CANCELLATION_ACCEPTED, status=FS.OPEN, supported_actions=[A.CREATE_FULFILLMENT])
    w = decide(order(shopify_order(D.UNFULFILLED, fulfillment_orders=[fo]), supplier_order(S.CANCELLED)))

    assert w.path is PathId.CANCELLABLE
    revert = _step(w, "shopify-revert-fulfillment")
    assert (revert.status, revert.target, revert.action) == (StepStatus.DONE, fo.id, None)
    assert "accepted the cancellation" in revert.reason
    assert _next(w).step_id == "shopify-cancel"


def test_a_cancelled_fulfillment_request_with_its_replacement_counts_as_reverted():
    closed = fulfillment_order(R.SUBMITTED, status=FS.CLOSED, supported_actions=[], number=1)
    replacement = fulfillment_order(R.UNSUBMITTED, number=2)
    w = decide(order(shopify_order(D.UNFULFILLED, fulfillment_orders=[closed, replacement]),
                     supplier_order(S.CANCELLED)))

    assert w.path is PathId.CANCELLABLE
    revert = _step(w, "shopify-revert-fulfillment")
    assert (revert.status, revert.target) == (StepStatus.DONE, closed.id)
    assert "replacement" in revert.reason


@pytest.mark.parametrize(
    "fos",
    [
        [fulfillment_order(R.UNSUBMITTED)],  # never requested
        [fulfillment_order(R.SUBMITTED, status=FS.CLOSED, supported_actions=[])],  # closed, no replacement
        [fulfillment_order(R.ACCEPTED, status=FS.CLOSED, supported_actions=[], number=1),
         fulfillment_order(R.UNSUBMITTED, number=2)],  # an accepted request closes when it is fulfilled
    ],
    ids=["never-requested", "closed-without-replacement", "accepted-and-closed"],
)
def test_a_revert_is_only_shown_done_when_the_fulfillment_orders_show_one(fos):
    w = decide(order(shopify_order(D.UNFULFILLED, fulfillment_orders=fos), supplier_order(S.CANCELLED)))

    assert _step(w, "shopify-revert-fulfillment").status is StepStatus.NOT_NEEDED


def test_the_revert_stays_not_needed_on_an_order_already_cancelled():
    fo = fulfillment_order(R.CANCELLATION_ACCEPTED, status=FS.OPEN)
    w = decide(order(shopify_order(D.UNFULFILLED, fulfillment_orders=[fo], cancelled=True),
                     supplier_order(S.CANCELLED)))

    assert _step(w, "shopify-revert-fulfillment").status is StepStatus.NOT_NEEDED


# --- cancellation_pending ------------------------------------------------------------------------


def test_a_requested_fulfillment_cancellation_waits_for_the_service_and_checks_again_within_the_hour():
    fo = fulfillment_order(R.CANCELLATION_REQUESTED)
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[fo]), supplier_order(S.CANCELLED)))

    assert w.path is PathId.CANCELLATION_PENDING
    assert w.check_again_after == timedelta(hours=1)
    step = _next(w)
    assert (step.step_id, step.target, step.action) == ("shopify-revert-fulfillment", fo.id, None)
    assert "wait" in step.reason.lower()
    assert _step(w, "shopify-cancel").action is None


def test_an_aliexpress_cancellation_waits_for_the_seller_who_has_72_hours():
    w = decide(order(shopify_order(D.UNFULFILLED), supplier_order(S.CANCEL_REQUESTED, order_id="8123450009")))

    assert w.path is PathId.CANCELLATION_PENDING
    assert w.check_again_after == timedelta(hours=24)
    step = _next(w)
    assert (step.step_id, step.action, step.target) == (
        "supplier-confirm-cancelled", ActionId.CHECK_SUPPLIER, "8123450009")
    assert "72 hours" in w.explanation and "72 hours" in step.reason
    assert _step(w, "supplier-cancel").status is StepStatus.DONE


def test_while_one_cancellation_is_pending_another_unshipped_supplier_order_is_still_cancelled_first():
    pending = supplier_order(S.CANCEL_REQUESTED, order_id="8123450001")
    active = supplier_order(S.AWAITING_SHIPMENT, supplier="cjdropshipping", order_id="CJ26030001")
    w = decide(order(shopify_order(), pending, active))

    assert w.path is PathId.CANCELLATION_PENDING
    assert (_next(w).step_id, _next(w).target) == ("supplier-cancel", "CJ26030001")


# --- supplier_shipped ------------------------------------------------------------------------------


def test_a_shipped_supplier_order_cannot_be_cancelled_and_the_guide_explains_return_or_dispute():
    w = decide(order(shopify_order(D.UNFULFILLED), supplier_order(S.SHIPPED, order_id="8123450002")))

    assert w.path is PathId.SUPPLIER_SHIPPED
    assert _next(w).step_id == "supplier-return-or-dispute"
    assert _step(w, "supplier-cancel").status is StepStatus.BLOCKED
    assert _step(w, "shopify-cancel").status is StepStatus.BLOCKED
    assert "return" in w.explanation and "dispute" in w.explanation and "8123450002" in w.explanation
    assert w.cites == f"{CANCEL_GUIDE}#when-supplier-shipped"


def test_a_split_order_with_one_supplier_order_shipped_and_one_not_still_cancels_the_unshipped_one_first():
    shipped = supplier_order(S.SHIPPED, order_id="8123450002")
    unshipped = supplier_order(S.AWAITING_SHIPMENT, supplier="cjdropshipping", order_id="CJ26030001")
    w = decide(order(shopify_order(), shipped, unshipped))

    assert w.path is PathId.SUPPLIER_SHIPPED
    assert (_next(w).step_id, _next(w).target) == ("supplier-cancel", "CJ26030001")
    assert [(v.order_id, v.path) for v in w.suppliers] == [
        ("8123450002", PathId.SUPPLIER_SHIPPED), ("CJ26030001", PathId.CANCELLABLE)]
    assert [s.target for s in _steps(w, "supplier-check-status")] == ["8123450002", "CJ26030001"]
    assert _step(w, "supplier-return-or-dispute", "8123450002").status is StepStatus.BLOCKED
    assert _step(w, "supplier-return-or-dispute", "CJ26030001").status is StepStatus.NOT_NEEDED


def test_a_supplier_that_shipped_after_shopify_was_cancelled_sends_goods_to_a_refunded_customer():
    w = decide(order(shopify_order(cancelled=True), supplier_order(S.SHIPPED)))

    assert w.path is PathId.SUPPLIER_SHIPPED
    assert _warned(w, "refunded")
    assert _next(w).step_id == "supplier-return-or-dispute"


# --- fulfilled ----------------------------------------------------------------------------------


def test_an_order_shopify_shows_fulfilled_cannot_be_cancelled_as_is():
    w = decide(order(shopify_order(D.FULFILLED), supplier_order(S.SHIPPED)))

    assert w.path is PathId.FULFILLED
    assert _step(w, "shopify-cancel").status is StepStatus.BLOCKED
    assert _step(w, "fulfilled-refund-or-return").status is StepStatus.BLOCKED  # after the supplier return
    assert _next(w).step_id == "supplier-return-or-dispute"
    assert w.cites == f"{CANCEL_GUIDE}#when-fulfilled"


def test_a_partially_fulfilled_order_is_a_return_and_warns_about_the_fulfilled_part():
    w = decide(order(shopify_order(D.PARTIALLY_FULFILLED), supplier_order(S.PARTIALLY_SHIPPED)))

    assert w.path is PathId.FULFILLED
    assert _warned(w, "part of the order")


def test_a_fulfilled_order_with_no_supplier_order_linked_is_refunded_or_returned():
    w = decide(order(shopify_order(D.FULFILLED)))

    assert w.path is PathId.FULFILLED
    assert _next(w).step_id == "fulfilled-refund-or-return"


# --- supplier_still_active --------------------------------------------------------------------


def test_a_supplier_order_still_active_after_shopify_was_cancelled_is_leaking_money():
    w = decide(order(shopify_order(cancelled=True), supplier_order(S.AWAITING_SHIPMENT, order_id="8123450003")))

    assert w.path is PathId.SUPPLIER_STILL_ACTIVE
    assert (_next(w).step_id, _next(w).target) == ("supplier-cancel", "8123450003")
    assert _warned(w, "money is leaking", "8123450003")
    assert _step(w, "shopify-cancel").status is StepStatus.DONE


def test_an_unpaid_supplier_order_still_active_after_shopify_was_cancelled_is_money_at_risk_not_leaking():
    """Placed but not paid: nothing is lost until it is paid, so the words say so (they said money is leaking)."""
    w = decide(order(shopify_order(cancelled=True), supplier_order(S.PLACED_UNPAID, order_id="8123450004")))

    assert w.path is PathId.SUPPLIER_STILL_ACTIVE
    assert (_next(w).step_id, _next(w).target) == ("supplier-cancel", "8123450004")
    assert _warned(w, "money at risk once it is paid", "8123450004") and not _warned(w, "leaking")
    assert "not paid yet" in w.explanation and "leaking" not in w.explanation.lower()


def test_an_active_supplier_order_outranks_a_shipped_one_once_shopify_is_cancelled():
    w = decide(order(shopify_order(cancelled=True), supplier_order(S.SHIPPED, order_id="8123450002"),
                     supplier_order(S.PLACED_UNPAID, supplier="cjdropshipping", order_id="CJ26030001")))

    assert w.path is PathId.SUPPLIER_STILL_ACTIVE
    assert _next(w).target == "CJ26030001"


# --- already_cancelled -------------------------------------------------------------------------


def test_an_order_cancelled_on_both_sides_has_nothing_left_to_do():
    w = decide(order(shopify_order(cancelled=True), supplier_order(S.CANCELLED)))

    assert w.path is PathId.ALREADY_CANCELLED
    assert w.next_step is None
    assert all(s.action is None for s in w.steps)
    assert "Nothing is left to do" in w.explanation


# --- needs_attention -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shopify", "supplier", "said"),
    [
        (shopify_order(financial=DisplayFinancialStatus.PENDING), S.CANCELLED, "pending authorization"),
        (shopify_order(return_status="IN_PROGRESS"), S.CANCELLED, "return is open"),
        (shopify_order(D.UNKNOWN), S.CANCELLED, "we do not know"),
        (shopify_order(D.REQUEST_DECLINED), S.CANCELLED, "declined"),
        (shopify_order(D.IN_PROGRESS, fulfillment_orders=[fulfillment_order(R.CANCELLATION_REJECTED)]),
         S.CANCELLED, "refused to cancel"),
        (shopify_order(D.UNFULFILLED, fulfillment_orders=[fulfillment_order(R.REJECTED)]), S.CANCELLED,
         "rejected"),
        (shopify_order(D.FULFILLED), S.AWAITING_SHIPMENT, "none of its supplier orders has shipped"),
        (shopify_order(), S.IN_DISPUTE, "dispute"),
        (shopify_order(), S.HELD, "on hold"),
        (shopify_order(), S.UNKNOWN, "status we do not know"),
    ],
    ids=["payment-pending", "return-open", "unknown-display", "request-declined", "cancellation-rejected",
         "request-rejected", "fulfilled-but-never-shipped", "dispute", "held", "unknown-supplier"],
)
def test_an_odd_state_needs_attention_and_says_exactly_what_is_odd(shopify, supplier, said):
    w = decide(order(shopify, supplier_order(supplier)))

    assert w.path is PathId.NEEDS_ATTENTION
    assert said in w.explanation
    assert all(s.action is not ActionId.CANCEL_ORDER for s in w.steps)
    assert w.next_step is not None
    assert w.cites == f"{CANCEL_GUIDE}#overview"


def test_a_supplier_order_that_could_not_be_read_needs_attention_and_offers_to_check_it_by_hand():
    unread = supplier_order(supplier="cjdropshipping", order_id="CJ26030001", read_error="CJ did not answer in time")
    w = decide(order(shopify_order(), unread))

    assert w.path is PathId.NEEDS_ATTENTION
    assert (_next(w).step_id, _next(w).action) == ("supplier-check-status", ActionId.CHECK_BY_HAND)
    assert _warned(w, "could not be read", "did not answer")


def test_a_linked_supplier_order_that_was_not_checked_blocks_the_cancel():
    state = order(shopify_order(), supplier_order(S.CANCELLED, order_id="8123450001"))
    refs = (*state.shopify.supplier_refs, SupplierRef(supplier="aliexpress", order_id="8123450099"))
    w = decide(state.model_copy(update={"shopify": state.shopify.model_copy(update={"supplier_refs": refs})}))

    assert w.path is PathId.NEEDS_ATTENTION
    assert "8123450099" in w.explanation


def test_even_when_something_is_odd_an_unshipped_supplier_order_is_cancelled_first():
    w = decide(order(shopify_order(return_status="IN_PROGRESS"), supplier_order(S.AWAITING_SHIPMENT)))

    assert w.path is PathId.NEEDS_ATTENTION
    assert _next(w).step_id == "supplier-cancel"
    assert _step(w, "shopify-check-fulfillment").status is StepStatus.BLOCKED


# --- the walkthrough as a whole -----------------------------------------------------------------


def test_every_step_and_citation_comes_from_the_guide():
    guide = load_guide(CANCEL_GUIDE)
    w = decide(order(shopify_order(), supplier_order()))

    assert [s.step_id for s in w.steps] == [s.id for s in guide.steps]
    assert [s.title for s in w.steps] == [s.title for s in guide.steps]
    for path in PathId:
        assert PATH_TITLES[path]


def test_deciding_is_pure_the_same_state_gives_the_same_walkthrough():
    state = order(shopify_order(D.IN_PROGRESS), supplier_order(S.CANCELLED))

    assert decide(state) == decide(state)


def test_a_cancel_date_and_a_confirmation_time_read_as_the_clock_on_the_record_shows_them_in_any_time_zone():
    """The words format dates without strftime (4 us a call); they must read exactly as `%Y-%m-%d %H:%M` did."""
    from datetime import UTC, datetime, timezone

    from kb.facts import facts
    from kb.state import NoSupplierOrder
    from kb.wording.common import day_words, no_supplier_words, on_date

    zones = (UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8)))
    for at in (datetime(2026, 3, 2, 9, 30, tzinfo=zone) + timedelta(days=d, minutes=m)
               for zone in zones for d in (0, 7, 40, 300) for m in (-540, 0, 5, 840)):  # 00:30 to 23:30
        assert day_words(at) == f"{at:%Y-%m-%d}"
        cancelled = order(shopify_order(cancelled=True)).model_copy(update={"no_supplier_order": NoSupplierOrder(at=at)})
        cancelled = cancelled.model_copy(update={"shopify": cancelled.shopify.model_copy(update={"cancelled_at": at})})
        f = facts(cancelled)
        assert on_date(f) == f" on {at:%Y-%m-%d}"
        assert no_supplier_words(f) == f"You confirmed at {at:%Y-%m-%d %H:%M} UTC that no supplier order was placed."
