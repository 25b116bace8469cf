"""A supplier order checked by hand is used by the rules like a read, labelled, and asked again when old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kb.hand_check import RECHECK_AFTER, HandStatus, hand_checked_state, is_stale
from kb.paths import decide
from kb.state import CancelChannel, SupplierStatus
from kb.walkthrough import ActionId, PathId, StepStatus
from tests.kb.states import order, shopify_order, supplier_order

AT = datetime(2026, 4, 24, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hand", "status", "path"),
    [
        (HandStatus.AWAITING_PAYMENT, SupplierStatus.PLACED_UNPAID, PathId.CANCELLABLE),
        (HandStatus.AWAITING_SHIPMENT, SupplierStatus.AWAITING_SHIPMENT, PathId.CANCELLABLE),
        (HandStatus.CANCEL_REQUESTED, SupplierStatus.CANCEL_REQUESTED, PathId.CANCELLATION_PENDING),
        (HandStatus.CANCELLED, SupplierStatus.CANCELLED, PathId.CANCELLABLE),
        (HandStatus.SHIPPED, SupplierStatus.SHIPPED, PathId.SUPPLIER_SHIPPED),
    ],
)
def test_each_answer_leads_the_rules_like_a_read(hand: HandStatus, status: SupplierStatus, path: PathId) -> None:
    so = hand_checked_state("aliexpress", "8100000000000001", hand, AT, "ZD-5")
    assert (so.status, so.source, so.checked_at) == (status, "manual", AT)
    w = decide(order(shopify_order(), so))
    assert w.path is path
    [check] = [s for s in w.steps if s.step_id == "supplier-check-status"]
    assert check.status is StepStatus.DONE and "checked by hand at 14:05 UTC for ticket ZD-5" in check.reason


def test_a_cj_order_checked_by_hand_is_cancelled_on_cjs_site_not_through_its_api() -> None:
    so = hand_checked_state("cjdropshipping", "CJ2604241019", HandStatus.AWAITING_PAYMENT, AT)
    assert so.cancel_channel is CancelChannel.MANUAL
    assert decide(order(shopify_order(), so)).next_step.action is ActionId.OPEN_SUPPLIER


def test_an_unread_supplier_order_offers_the_check_by_hand_with_the_link() -> None:
    so = supplier_order(SupplierStatus.UNKNOWN, read_error="no AliExpress API access is set up")
    so = so.model_copy(update={"order_url": "https://www.aliexpress.com/p/order/detail.html?orderId=81"})
    step = decide(order(shopify_order(), so)).next_step
    assert step.action is ActionId.CHECK_BY_HAND and "orderId=81" in step.reason


@pytest.mark.parametrize("hand", list(HandStatus))
def test_answers_that_can_change_expire_and_ended_ones_do_not(hand: HandStatus) -> None:
    after = RECHECK_AFTER[hand]
    assert not is_stale(hand, AT, AT + timedelta(minutes=59))
    assert is_stale(hand, AT, AT + timedelta(days=365)) is (after is not None)
    if after is not None:
        assert is_stale(hand, AT, AT + after)


def test_a_bad_supplier_order_id_is_refused() -> None:
    with pytest.raises(ValueError):
        hand_checked_state("aliexpress", "not-digits", HandStatus.CANCELLED, AT)
