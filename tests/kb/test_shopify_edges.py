"""The rules for Shopify's edge cases: manual payments, holds, what is refundable, chargebacks, silence, follow-up."""

from __future__ import annotations

import re

from kb.paths import FOLLOW_UP_TITLE, PATH_TITLES, decide
from kb.refunds import default_refund, effective_options, refundable, refundable_presentment, refunds_into_a_dispute
from kb.state import (
    CancelOptions,
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    Dispute,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    RefundTiming,
    SupplierStatus,
)
from kb.walkthrough import ActionId, PathId, StepStatus
from tests.kb.states import fulfillment_order, held_fulfillment_order, money, order, shopify_order, supplier_order

D = DisplayFulfillmentStatus
F = DisplayFinancialStatus
R = FulfillmentOrderRequestStatus
A = FulfillmentOrderAction
S = SupplierStatus
_CHARGEBACK = Dispute(id="gid://shopify/ShopifyPaymentsDispute/1", initiated_as="CHARGEBACK", status="NEEDS_RESPONSE")


def _step(w, step_id):
    return next(s for s in w.steps if s.step_id == step_id)


# --- cash on delivery ------------------------------------------------------------------------------


def test_cash_on_delivery_with_nothing_received_is_a_normal_cancel_with_nothing_to_refund():
    shop = shopify_order(financial=F.PENDING, manual_payment=True)
    w = decide(order(shop, supplier_order(S.CANCELLED)))
    assert w.path is PathId.CANCELLABLE and w.next_step.action is ActionId.CANCEL_ORDER
    assert "nothing to refund" in w.next_step.reason and w.cites == "cancel-an-order#manual-payment"
    assert refundable(shop).amount == 0
    assert effective_options(shop, CancelOptions(refund=RefundTiming.NOW)).refund is RefundTiming.LATER


def test_an_order_with_nothing_to_refund_is_never_told_to_choose_a_refund_or_where_it_goes():
    """#1024 (refunded in full) read "already (partly) refunded: a refund ... only returns what is left", "choose
    whether to refund now or later" and "A refund can only go to the original payment method"; #1013 (only
    authorized) read "Nothing is left to refund (it was already refunded)"."""
    refunded = decide(order(shopify_order(financial=F.REFUNDED), supplier_order(S.CANCELLED)))
    authorized = decide(order(shopify_order(financial=F.AUTHORIZED), supplier_order(S.CANCELLED)))
    for w in (refunded, authorized):
        said = " ".join([w.explanation, w.next_step.reason, *w.warnings])
        assert w.next_step.action is ActionId.CANCEL_ORDER
        assert "refund now or later" not in said and "original payment method" not in said
        assert "partly" not in said and "cancel with refund later" not in said
    assert "already refunded in full" in refunded.next_step.reason
    assert "authorized" in authorized.next_step.reason and "already refunded" not in authorized.next_step.reason


def test_a_partly_refunded_order_warns_how_much_is_left_and_that_store_credit_is_a_choice():
    w = decide(order(shopify_order(financial=F.PARTIALLY_REFUNDED), supplier_order(S.CANCELLED)))
    left = str(refundable(shopify_order(financial=F.PARTIALLY_REFUNDED)))
    assert any("partly refunded" in x and left in x for x in w.warnings)
    assert any("unless you choose store credit" in x for x in w.warnings)  # the dialog offers it


def test_a_pending_payment_that_is_not_manual_still_needs_a_look():
    w = decide(order(shopify_order(financial=F.PENDING), supplier_order(S.CANCELLED)))
    assert w.path is PathId.NEEDS_ATTENTION


def test_a_refused_cash_on_delivery_parcel_can_be_cancelled_though_shopify_shows_it_fulfilled():
    refused = decide(order(shopify_order(D.FULFILLED, financial=F.PENDING, manual_payment=True),
                           supplier_order(S.SHIPPED)))
    assert refused.path is PathId.CANCELLABLE and refused.next_step.action is ActionId.CANCEL_ORDER
    assert _step(refused, "fulfilled-refund-or-return").status is StepStatus.NOT_NEEDED
    assert _step(refused, "supplier-return-or-dispute").status is StepStatus.BLOCKED  # after the cancel
    paid = decide(order(shopify_order(D.FULFILLED), supplier_order(S.SHIPPED)))
    assert paid.path is PathId.FULFILLED


def test_a_refused_parcel_once_cancelled_never_says_the_customer_was_refunded():
    """#1021 after its cancel: nothing was paid and nothing refunded (Shopify voids it); the shipped supplier
    order is still worth a warning, but not "goods are on their way to a customer who was refunded"."""
    for financial in (F.VOIDED, F.PAID):  # never paid; or cancelled with refund later, not refunded yet
        parcel = supplier_order(S.COMPLETED)
        w = decide(order(shopify_order(D.FULFILLED, cancelled=True, financial=financial, manual_payment=True), parcel))
        assert not any("refunded" in warning for warning in w.warnings), w.warnings
        assert any(parcel.order_id in warning and "shipped" in warning for warning in w.warnings), w.warnings
    refunded = decide(order(shopify_order(cancelled=True), supplier_order(S.SHIPPED)))  # #1029
    assert any("customer who was refunded" in warning for warning in refunded.warnings)


# --- holds -----------------------------------------------------------------------------------------


def test_a_held_order_is_cancelled_directly_and_the_hold_is_never_offered_for_release():
    fraud = held_fulfillment_order(reason="HIGH_RISK_OF_FRAUD")
    w = decide(order(shopify_order(D.ON_HOLD, fulfillment_orders=[fraud]), supplier_order(S.CANCELLED)))
    assert w.path is PathId.CANCELLABLE and w.next_step.action is ActionId.CANCEL_ORDER
    assert all(s.revert is not A.RELEASE_HOLD for s in w.steps)
    assert _step(w, "shopify-revert-fulfillment").status is StepStatus.NOT_NEEDED
    assert "not released" in _step(w, "shopify-revert-fulfillment").reason
    assert any("fraud hold" in warning for warning in w.warnings)
    assert w.cites == "cancel-an-order#on-hold"


def test_a_fraud_hold_suggests_the_reason_fraudulent_order_and_any_other_order_the_customers_request():
    from kb.refunds import default_reason
    from kb.state import CancelReason

    fraud = shopify_order(D.ON_HOLD, fulfillment_orders=[held_fulfillment_order(reason="HIGH_RISK_OF_FRAUD")])
    address = shopify_order(D.ON_HOLD, fulfillment_orders=[held_fulfillment_order(reason="INCORRECT_ADDRESS")])
    assert default_reason(fraud) is CancelReason.FRAUD
    assert default_reason(address) is default_reason(shopify_order()) is CancelReason.CUSTOMER


def test_a_held_order_with_an_active_supplier_order_cancels_at_the_supplier_first():
    w = decide(order(shopify_order(D.ON_HOLD, fulfillment_orders=[held_fulfillment_order()]),
                     supplier_order(S.PLACED_UNPAID)))
    assert w.path is PathId.CANCELLABLE and w.next_step.step_id == "supplier-cancel"


def test_the_words_about_a_held_order_start_every_sentence_with_a_capital_letter():
    """#1012 and #1022 read "the fulfillment at DSers - AliExpress (...) is on hold" as a sentence of its own."""
    for reason, supplier in (("INCORRECT_ADDRESS", S.PLACED_UNPAID), ("HIGH_RISK_OF_FRAUD", S.CANCELLED)):
        w = decide(order(shopify_order(D.ON_HOLD, fulfillment_orders=[held_fulfillment_order(reason=reason)]),
                         supplier_order(supplier)))
        for text in (w.explanation, *w.warnings, *(s.reason for s in w.steps)):
            for sentence in re.split(r"(?<=[.!?]) +", text):
                assert not sentence[:1].islower(), (sentence, text)


def test_shopify_codes_of_a_hold_and_a_dispute_read_as_words():
    """#1012's warning read "is on hold (INCORRECT_ADDRESS)" and #1026's "(status NEEDS_RESPONSE)"."""
    held = decide(order(shopify_order(D.ON_HOLD, fulfillment_orders=[held_fulfillment_order(reason="INCORRECT_ADDRESS")]),
                        supplier_order(S.PLACED_UNPAID)))
    disputed = decide(order(shopify_order(disputes=[_CHARGEBACK]), supplier_order(S.CANCELLED)))
    texts = [held.explanation, *held.warnings, *(s.reason for s in held.steps), *disputed.warnings]
    assert any("on hold (incorrect address)" in text for text in texts)
    assert any("chargeback with their bank (waiting for your response)" in text for text in disputed.warnings)
    assert not any("INCORRECT_ADDRESS" in text or "NEEDS_RESPONSE" in text for text in texts), texts


def test_supplier_orders_already_cancelled_are_said_cancelled_once():
    """#1022 read "AliExpress order ... (cancelled) is already cancelled at the supplier"."""
    one = decide(order(shopify_order(), supplier_order(S.CANCELLED)))
    assert "(cancelled) is already cancelled" not in one.explanation and " is already cancelled at the supplier" in one.explanation
    two = decide(order(shopify_order(), supplier_order(S.CANCELLED), supplier_order(S.CANCELLED, order_id="8123456789002")))
    assert " are already cancelled at the supplier" in two.explanation


# --- amounts ----------------------------------------------------------------------------------------


def test_what_can_be_refunded_is_the_net_payment_not_what_was_received():
    shop = shopify_order(financial=F.PARTIALLY_REFUNDED)
    assert str(refundable(shop)) == "29.90 USD" and str(shop.received) == "49.90 USD"
    w = decide(order(shop, supplier_order(S.CANCELLED)))
    assert "29.90 USD" in w.next_step.reason and "49.90" not in w.next_step.reason


def test_the_customers_currency_is_shown_with_the_shop_amount_beside_it():
    shop = shopify_order(currency_paid=money("45.10", "EUR"))
    assert str(refundable_presentment(shop)) == "45.10 EUR"
    w = decide(order(shop, supplier_order(S.CANCELLED)))
    assert "45.10 EUR (49.90 USD in the shop's currency)" in w.next_step.reason


def test_a_fully_refunded_order_defaults_to_refund_later():
    assert default_refund(shopify_order(financial=F.REFUNDED)) is RefundTiming.LATER
    assert default_refund(shopify_order()) is RefundTiming.NOW


def test_an_open_chargeback_warns_and_defaults_to_no_refund():
    shop = shopify_order(disputes=[_CHARGEBACK])
    w = decide(order(shop, supplier_order(S.CANCELLED)))
    assert default_refund(shop) is RefundTiming.LATER
    assert any("chargeback" in warning and "twice" in warning for warning in w.warnings)
    won = Dispute(id=_CHARGEBACK.id, initiated_as="CHARGEBACK", status="WON")
    assert default_refund(shopify_order(disputes=[won])) is RefundTiming.NOW


def test_a_refund_with_the_cancel_runs_into_an_open_chargeback_only():
    disputed = shopify_order(disputes=[_CHARGEBACK])
    assert refunds_into_a_dispute(disputed, CancelOptions(refund=RefundTiming.NOW))
    assert not refunds_into_a_dispute(disputed, CancelOptions(refund=RefundTiming.LATER))
    assert not refunds_into_a_dispute(shopify_order(), CancelOptions(refund=RefundTiming.NOW))
    won = Dispute(id=_CHARGEBACK.id, initiated_as="CHARGEBACK", status="WON")
    assert not refunds_into_a_dispute(shopify_order(disputes=[won]), CancelOptions(refund=RefundTiming.NOW))


# --- a fulfillment service that does not answer --------------------------------------------------------


def _silent(hours, actions=None):
    fo = fulfillment_order(R.CANCELLATION_REQUESTED, asked_hours_ago=hours, supported_actions=actions)
    return order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[fo]), supplier_order(S.CANCELLED))


def test_before_48_hours_a_cancellation_request_is_waited_on():
    w = decide(_silent(47))
    assert w.path is PathId.CANCELLATION_PENDING and w.next_step.action is None
    assert "48 hours" in w.next_step.reason


def test_after_48_hours_of_silence_the_fulfillment_order_cancel_is_offered_with_its_warning():
    w = decide(_silent(49))
    step = w.next_step
    assert w.path is PathId.FULFILLMENT_IN_PROGRESS
    assert (step.action, step.revert) == (ActionId.REVERT_FULFILLMENT, A.CANCEL_FULFILLMENT_ORDER)
    assert "does not tell the fulfillment service" in step.reason and "DSers" in step.reason


def test_silence_is_never_guessed_without_the_time_of_the_read_or_shopify_allowing_the_cancel():
    assert decide(_silent(200).model_copy(update={"checked_at": None})).path is PathId.CANCELLATION_PENDING
    assert decide(_silent(200, actions=())).path is PathId.CANCELLATION_PENDING


def test_cancelling_a_submitted_request_warns_that_the_service_is_not_told():
    w = decide(order(shopify_order(D.IN_PROGRESS, fulfillment_orders=[fulfillment_order(R.SUBMITTED)]),
                     supplier_order(S.CANCELLED)))
    assert "does not tell the fulfillment service" in w.next_step.reason


# --- after the cancel ----------------------------------------------------------------------------------


def test_refund_later_keeps_the_refund_step_until_shopify_shows_it_refunded():
    owed = decide(order(shopify_order(cancelled=True, financial=F.PAID), supplier_order(S.CANCELLED)))
    assert owed.path is PathId.ALREADY_CANCELLED and owed.title == FOLLOW_UP_TITLE
    assert owed.next_step.step_id == "shopify-refund-later" and "Refund 49.90 USD" in owed.next_step.reason
    assert "Nothing is left to do" not in owed.explanation
    done = decide(order(shopify_order(cancelled=True), supplier_order(S.CANCELLED)))
    assert done.title == PATH_TITLES[PathId.ALREADY_CANCELLED] and done.next_step is None
    assert _step(done, "shopify-refund-later").status is StepStatus.DONE


def test_a_cancel_with_refund_now_never_shows_refund_later_done():
    """#1025 cancelled with refund now showed "Refund later from the order page" done: a choice never made."""
    refunded = order(shopify_order(cancelled=True), supplier_order(S.CANCELLED))
    now = decide(refunded.model_copy(update={"cancel_refund": RefundTiming.NOW}))
    assert _step(now, "shopify-refund-later").status is StepStatus.NOT_NEEDED and now.next_step is None
    assert "refund now" in _step(now, "shopify-refund-later").reason
    later = decide(refunded.model_copy(update={"cancel_refund": RefundTiming.LATER}))  # then refunded on the order page
    assert _step(later, "shopify-refund-later").status is StepStatus.DONE


def test_a_live_supplier_order_after_a_cancel_says_refunded_only_when_shopify_shows_it():
    """A cancel with refund later (still PAID) read "the order is cancelled (and refunded) on Shopify"."""
    later = decide(order(shopify_order(cancelled=True, financial=F.PAID), supplier_order(S.AWAITING_SHIPMENT)))
    refunded = decide(order(shopify_order(cancelled=True), supplier_order(S.AWAITING_SHIPMENT)))
    assert later.path is refunded.path is PathId.SUPPLIER_STILL_ACTIVE
    assert not any("refunded" in w for w in later.warnings if w.startswith("Money is leaking"))
    assert any("(and refunded)" in w for w in refunded.warnings if w.startswith("Money is leaking"))


def test_tell_the_customer_stays_to_do_when_shopify_was_not_asked_to_notify_them():
    state = order(shopify_order(cancelled=True), supplier_order(S.CANCELLED))
    quiet = decide(state.model_copy(update={"customer_notified": False}))
    assert quiet.next_step.step_id == "tell-customer" and quiet.title == FOLLOW_UP_TITLE
    told = decide(state.model_copy(update={"customer_notified": True}))
    assert _step(told, "tell-customer").status is StepStatus.DONE and told.next_step is None
    unknown = decide(state)
    assert _step(unknown, "tell-customer").status is StepStatus.NOT_NEEDED
