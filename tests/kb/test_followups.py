"""The follow-up rules: who an order waits on, and what a fresh reading means for its follow-up."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from kb.followups import RECHECK, FollowUpStatus, WaitingFor, ready_to_cancel, settle, waits
from kb.paths import decide
from kb.state import DisplayFinancialStatus, Dispute, FulfillmentOrderRequestStatus
from kb.walkthrough import StepStatus
from tests.kb.states import (
    D,
    S,
    fulfillment_order,
    order,
    random_order_state,
    shopify_order,
    supplier_order,
)

W = WaitingFor


def _step(wt, step_id: str):
    return next(s for s in wt.steps if s.step_id == step_id)


def _kinds(state) -> list[WaitingFor]:
    return [w.waiting_for for w in waits(state)]


def test_a_cancellation_waiting_for_the_seller_waits_on_the_seller_and_is_rechecked_daily():
    state = order(shopify_order(), supplier_order(S.CANCEL_REQUESTED))
    assert _kinds(state) == [W.SELLER_APPROVAL]
    assert waits(state)[0].recheck == RECHECK[W.SELLER_APPROVAL]
    assert settle(state, decide(state)).status is FollowUpStatus.WAITING


def test_a_fulfillment_cancellation_request_waits_on_the_service():
    fo = fulfillment_order(FulfillmentOrderRequestStatus.CANCELLATION_REQUESTED)
    state = order(shopify_order(fulfillment_orders=[fo]), supplier_order(S.CANCELLED))
    assert _kinds(state) == [W.SERVICE_ANSWER]


def test_a_service_silent_for_48_hours_is_waited_on_no_longer_and_needs_a_person():
    """#1027: DSers left the request unanswered for 48 hours and the walkthrough offers to cancel the fulfillment
    request now, yet the follow-up list kept "waiting for the fulfillment service" and never asked a person."""
    fo = fulfillment_order(FulfillmentOrderRequestStatus.CANCELLATION_REQUESTED, asked_hours_ago=50)
    state = order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[fo]), supplier_order(S.CANCELLED))
    wt = decide(state)
    assert wt.next_step.action is not None  # the walkthrough acts now: the merchant cancels the request
    assert W.SERVICE_ANSWER not in _kinds(state)
    settled = settle(state, wt)
    assert settled.status is FollowUpStatus.PERSON and "no answer for 48 hours" in settled.detail
    recent = fo.model_copy(update={"cancellation_requested_at": fo.cancellation_requested_at + timedelta(hours=10)})
    waiting = order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[recent]), supplier_order(S.CANCELLED))
    assert _kinds(waiting) == [W.SERVICE_ANSWER]  # 40 hours: still the service's turn


def test_a_cancel_with_refund_later_leaves_a_refund_owed_that_needs_a_person():
    state = order(shopify_order(cancelled=True, financial=DisplayFinancialStatus.PAID), supplier_order(S.CANCELLED))
    assert _kinds(state) == [W.REFUND_OWED]
    assert settle(state, decide(state)).status is FollowUpStatus.PERSON


def test_a_refunded_cancel_owes_nothing_and_is_done():
    state = order(shopify_order(cancelled=True, financial=DisplayFinancialStatus.REFUNDED), supplier_order(S.CANCELLED))
    assert _kinds(state) == []
    assert settle(state, decide(state)).status is FollowUpStatus.DONE


def test_a_cancel_with_an_open_chargeback_owes_no_refund_on_the_list():
    """The walkthrough says "do not refund separately" (the dispute returns the money): the list must not say
    a refund is owed, or an agent refunds on top of the chargeback and the customer is paid twice."""
    chargeback = Dispute(id="gid://shopify/ShopifyPaymentsDispute/1", initiated_as="CHARGEBACK",
                         status="NEEDS_RESPONSE")
    state = order(shopify_order(cancelled=True, financial=DisplayFinancialStatus.PAID, disputes=[chargeback]),
                  supplier_order(S.CANCELLED))
    assert _step(decide(state), "shopify-refund-later").status is StepStatus.NOT_NEEDED
    assert W.REFUND_OWED not in _kinds(state)


def test_a_partly_refunded_order_cancelled_with_refund_later_owes_what_is_left():
    state = order(shopify_order(cancelled=True, financial=DisplayFinancialStatus.PARTIALLY_REFUNDED),
                  supplier_order(S.CANCELLED))
    left = str(state.shopify.refundable)
    assert left in _step(decide(state), "shopify-refund-later").reason  # the walkthrough: refund what is left
    [owed] = [w for w in waits(state) if w.waiting_for is W.REFUND_OWED]
    assert left in owed.detail and str(state.shopify.received) not in owed.detail


def test_the_list_owes_a_refund_exactly_when_the_walkthrough_still_asks_for_one():
    rng = random.Random(23)
    for _ in range(3000):
        state = random_order_state(rng)
        asks = _step(decide(state), "shopify-refund-later").status in (StepStatus.NEXT, StepStatus.BLOCKED)
        assert (W.REFUND_OWED in _kinds(state)) is (asks and state.shopify.is_cancelled), state


def test_a_live_supplier_order_after_a_shopify_cancel_comes_first_and_needs_a_person():
    state = order(shopify_order(cancelled=True, financial=DisplayFinancialStatus.PAID),
                  supplier_order(S.AWAITING_SHIPMENT))
    assert _kinds(state)[0] is W.SUPPLIER_STILL_ACTIVE and W.REFUND_OWED in _kinds(state)
    assert settle(state, decide(state)).status is FollowUpStatus.PERSON


def test_a_held_or_unreadable_supplier_order_is_rechecked_later():
    assert _kinds(order(shopify_order(), supplier_order(S.HELD))) == [W.MANUAL_RECHECK]
    assert _kinds(order(shopify_order(), supplier_order(read_error="timed out"))) == [W.MANUAL_RECHECK]


def test_when_the_seller_approves_the_order_is_ready_for_the_shopify_cancel():
    state = order(shopify_order(), supplier_order(S.CANCELLED))
    assert ready_to_cancel(state, decide(state))
    assert settle(state, decide(state)).status is FollowUpStatus.READY


@pytest.mark.parametrize(("supplier", "words"), [
    (S.SHIPPED, "shipped"),
    (S.AWAITING_SHIPMENT, "live again"),  # the seller refused: the order is back to awaiting shipment
])
def test_when_the_path_goes_elsewhere_a_person_is_needed_and_nothing_is_ready(supplier, words):
    state = order(shopify_order(), supplier_order(supplier))
    settled = settle(state, decide(state))
    assert settled.status is FollowUpStatus.PERSON and words in settled.detail
    assert not ready_to_cancel(state, decide(state))


def test_one_supplier_of_a_split_order_still_pending_is_not_ready():
    state = order(shopify_order(), supplier_order(S.CANCELLED),
                  supplier_order(S.CANCEL_REQUESTED, supplier="cjdropshipping"))
    assert not ready_to_cancel(state, decide(state))


def test_ready_is_never_said_unless_the_walkthrough_offers_the_shopify_cancel_and_every_supplier_is_cancelled():
    rng = random.Random(17)
    for _ in range(3000):
        state = random_order_state(rng)
        wt = decide(state)
        if ready_to_cancel(state, wt):
            assert wt.next_step is not None and wt.next_step.action is not None
            assert wt.next_step.action.value == "cancel_order" and not state.shopify.is_cancelled
            assert all(so.status is S.CANCELLED for so in state.suppliers)
        assert settle(state, wt).status in FollowUpStatus  # total: every state settles


def test_a_fulfilled_order_waits_on_nobody():
    state = order(shopify_order(D.FULFILLED), supplier_order(S.SHIPPED))
    assert _kinds(state) == []
