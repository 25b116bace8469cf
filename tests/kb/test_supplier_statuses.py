"""Supplier statuses: every raw value the suppliers document means something definite to us."""

from __future__ import annotations

import pytest

from kb.paths import decide
from kb.state import CancelChannel, SupplierName, SupplierStatus
from kb.suppliers import (
    ALIEXPRESS_STATUSES,
    CJ_STATUSES,
    cancel_channel,
    check_order_id,
    normalize_aliexpress,
    normalize_cj,
    supplier_order_url,
)
from tests.kb.states import order, shopify_order, supplier_order

S = SupplierStatus

# The reference tables (AliExpress DS doc order_status + legacy values; CJ API 2.0 orderStatus),
# with the meaning we give each one. Written out here so a change in kb.suppliers is a visible decision.
ALIEXPRESS_EXPECTED = {
    "PLACE_ORDER_SUCCESS": S.PLACED_UNPAID,
    "PAYMENT_PROCESSING": S.AWAITING_SHIPMENT,
    "WAIT_SELLER_EXAMINE_MONEY": S.AWAITING_SHIPMENT,
    "RISK_CONTROL": S.HELD,
    "RISK_CONTROL_HOLD": S.HELD,
    "WAIT_SELLER_SEND_GOODS": S.AWAITING_SHIPMENT,
    "SELLER_PART_SEND_GOODS": S.PARTIALLY_SHIPPED,
    "WAIT_BUYER_ACCEPT_GOODS": S.SHIPPED,
    "IN_CANCEL": S.CANCEL_REQUESTED,
    "WAIT_GROUP": S.HELD,
    "WAIT_COMPLETE_ADDRESS": S.HELD,
    "FUND_PROCESSING": S.IN_DISPUTE,
    "IN_ISSUE": S.IN_DISPUTE,
    "IN_FROZEN": S.HELD,
}
CJ_EXPECTED = {
    "CREATED": S.PLACED_UNPAID,
    "IN_CART": S.PLACED_UNPAID,
    "UNPAID": S.PLACED_UNPAID,
    "UNSHIPPED": S.AWAITING_SHIPMENT,
    "SHIPPED": S.SHIPPED,
    "DELIVERED": S.COMPLETED,
    "CANCELLED": S.CANCELLED,
    "OTHER": S.UNKNOWN,
}


def test_every_documented_aliexpress_status_is_mapped() -> None:
    assert set(ALIEXPRESS_STATUSES) == set(ALIEXPRESS_EXPECTED) | {"FINISH"}


def test_every_documented_cj_status_is_mapped() -> None:
    assert set(CJ_STATUSES) == set(CJ_EXPECTED)


@pytest.mark.parametrize(("raw", "expected"), sorted(ALIEXPRESS_EXPECTED.items()))
def test_aliexpress_status_means(raw: str, expected: SupplierStatus) -> None:
    assert normalize_aliexpress(raw) is expected


@pytest.mark.parametrize(("raw", "expected"), sorted(CJ_EXPECTED.items()))
def test_cj_status_means(raw: str, expected: SupplierStatus) -> None:
    assert normalize_cj(raw) is expected


@pytest.mark.parametrize(
    ("end_reason", "logistics", "expected"),
    [
        ("CANCELED", None, S.CANCELLED),  # the DS doc's own example
        ("buyer_cancel_order", "WAIT_SELLER_SEND_GOODS", S.CANCELLED),
        ("buyer_pay_timeout", "DEFAULT", S.CANCELLED),
        (None, "NO_LOGISTICS", S.CANCELLED),  # finished while nothing was ever sent: closed
        (None, "BUYER_ACCEPT_GOODS", S.COMPLETED),
        ("buyer_accept_goods_timeout", None, S.COMPLETED),  # auto-confirmed receipt, not a closure
        ("CANCELED", "SELLER_SEND_GOODS", S.COMPLETED),  # goods left: a return, not a cancellation
        (None, None, S.COMPLETED),
        ("something_new", None, S.UNKNOWN),  # an end reason we cannot read is not guessed at
    ],
)
def test_a_finished_aliexpress_order_is_cancelled_or_completed_by_its_end_reason_and_logistics(
    end_reason: str | None, logistics: str | None, expected: SupplierStatus
) -> None:
    assert normalize_aliexpress("FINISH", end_reason=end_reason, logistics_status=logistics) is expected


@pytest.mark.parametrize("raw", [None, "", "SOMETHING_NEW", "PLACE ORDER SUCCESS"])
def test_an_unknown_raw_status_is_unknown_and_never_cancellable(raw: str | None) -> None:
    for supplier, status in (("aliexpress", normalize_aliexpress(raw)), ("cjdropshipping", normalize_cj(raw))):
        assert status is S.UNKNOWN
        channel, why = cancel_channel(supplier, status)  # type: ignore[arg-type]
        assert channel is CancelChannel.NONE
        assert "supplier's site" in why


def test_raw_statuses_are_read_regardless_of_case_and_spaces() -> None:
    assert normalize_aliexpress(" wait_seller_send_goods ") is S.AWAITING_SHIPMENT
    assert normalize_cj("unpaid") is S.PLACED_UNPAID


def test_aliexpress_is_cancelled_by_hand_before_shipping_and_a_paid_order_needs_the_seller() -> None:
    unpaid = cancel_channel("aliexpress", S.PLACED_UNPAID)
    paid = cancel_channel("aliexpress", S.AWAITING_SHIPMENT)
    assert unpaid[0] is CancelChannel.MANUAL and "unpaid order is cancelled at once" in unpaid[1]
    assert paid[0] is CancelChannel.MANUAL and "seller must approve" in paid[1] and "72 hours" in paid[1]


@pytest.mark.parametrize("supplier", ["aliexpress", "cjdropshipping"])
@pytest.mark.parametrize("status, said", [(S.PLACED_UNPAID, "not paid"), (S.AWAITING_SHIPMENT, "is paid")])
def test_the_cancel_step_says_once_whether_the_supplier_order_is_paid(
        supplier: SupplierName, status: SupplierStatus, said: str) -> None:
    """The step says what is at stake, then the supplier's note says how: #1012 read "It is not paid yet" twice."""
    so = supplier_order(status, supplier=supplier).model_copy(update={"cancel_note": cancel_channel(supplier, status)[1]})
    step = next(s for s in decide(order(shopify_order(), so)).steps if s.step_id == "supplier-cancel")
    assert step.reason.count(said) == 1, step.reason
    assert so.cancel_note in step.reason


def test_cj_deletes_an_unpaid_order_by_api_but_a_paid_one_goes_through_support() -> None:
    assert cancel_channel("cjdropshipping", S.PLACED_UNPAID)[0] is CancelChannel.API
    channel, why = cancel_channel("cjdropshipping", S.AWAITING_SHIPMENT)
    assert channel is CancelChannel.MANUAL and "support" in why


@pytest.mark.parametrize("supplier", ["aliexpress", "cjdropshipping"])
@pytest.mark.parametrize(
    "status",
    [S.HELD, S.CANCEL_REQUESTED, S.PARTIALLY_SHIPPED, S.SHIPPED, S.COMPLETED, S.CANCELLED, S.IN_DISPUTE, S.UNKNOWN],
)
def test_past_shipping_or_already_in_hand_nothing_can_be_cancelled_and_the_reason_is_given(
    supplier: str, status: SupplierStatus
) -> None:
    channel, why = cancel_channel(supplier, status)  # type: ignore[arg-type]
    assert channel is CancelChannel.NONE
    assert len(why) > 20


def test_each_non_cancellable_status_gives_its_own_reason() -> None:
    reasons = {cancel_channel("aliexpress", s)[1] for s in S if cancel_channel("aliexpress", s)[0] is CancelChannel.NONE}
    assert len(reasons) == 8


def test_a_shipped_order_points_to_a_return_or_dispute() -> None:
    assert "return" in cancel_channel("aliexpress", S.SHIPPED)[1]


def test_order_urls_open_the_order_on_the_suppliers_site() -> None:
    assert supplier_order_url("aliexpress", "8123456789001") == (
        "https://www.aliexpress.com/p/order/detail.html?orderId=8123456789001"
    )
    assert supplier_order_url("cjdropshipping", "CJ2603021234").endswith("orderId=CJ2603021234")
    assert supplier_order_url("cjdropshipping", "CJ2603021234").startswith("https://cjdropshipping.com/")


@pytest.mark.parametrize(
    ("supplier", "order_id"),
    [
        ("aliexpress", "CJ123"),
        ("aliexpress", "81234&x=1"),
        ("aliexpress", ""),
        ("aliexpress", "1" * 21),
        ("cjdropshipping", "CJ 123"),
        ("cjdropshipping", "../admin"),
        ("cjdropshipping", "a" * 65),
        ("cjdropshipping", "-CJ1"),
    ],
)
def test_an_order_id_that_cannot_be_the_suppliers_is_refused(supplier: str, order_id: str) -> None:
    with pytest.raises(ValueError):
        supplier_order_url(supplier, order_id)  # type: ignore[arg-type]


def test_a_refused_order_id_is_not_echoed_at_length() -> None:
    with pytest.raises(ValueError) as info:
        check_order_id("aliexpress", "x" * 500)
    assert "x" * 41 not in str(info.value)


def test_order_ids_are_stripped() -> None:
    assert check_order_id("aliexpress", " 8123456789001 ") == "8123456789001"
    assert check_order_id("cjdropshipping", "CJ-26_03") == "CJ-26_03"
