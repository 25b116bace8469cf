"""Builders of realistic `OrderState` values, shared by the tests and the benchmark.

Each builder fills in what a real order carries (a GID, a name, money, the raw supplier status
behind a normalized one, the supported actions Shopify lists for a fulfillment order in that
request status), so a test only names what matters to it:

    order(shopify_order(display=FULFILLED), supplier_order(SHIPPED))
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from kb.state import (
    NoSupplierOrder,
    CancelChannel,
    DisplayFinancialStatus,
    Dispute,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    LineItem,
    Money,
    OrderState,
    ShopifyOrderState,
    SupplierName,
    SupplierOrderState,
    SupplierRef,
    SupplierStatus,
)

__all__ = [
    "ALIEXPRESS_RAW",
    "CANCELLED_AT",
    "CHECKED_AT",
    "CJ_RAW",
    "ORDER_GID",
    "fulfillment_order",
    "fulfillment_orders_for",
    "held_fulfillment_order",
    "merchant_in_progress_fulfillment_order",
    "money",
    "order",
    "random_order_state",
    "shopify_order",
    "supplier_order",
]

A = FulfillmentOrderAction
R = FulfillmentOrderRequestStatus
FS = FulfillmentOrderStatus
D = DisplayFulfillmentStatus
S = SupplierStatus

ORDER_GID = "gid://shopify/Order/5500000001001"
CANCELLED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CHECKED_AT = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)  # when the builders' states are "read"
_UNSET = object()

# What is left to refund for each financial status of a 49.90 order (netPaymentSet).
_NET_PAYMENT = {
    DisplayFinancialStatus.PAID: "49.90",
    DisplayFinancialStatus.PARTIALLY_PAID: "20.00",
    DisplayFinancialStatus.PARTIALLY_REFUNDED: "29.90",
}

# A raw status each supplier really sends for each normalized status (None: nothing readable).
ALIEXPRESS_RAW: dict[SupplierStatus, tuple[str | None, str | None]] = {
    S.PLACED_UNPAID: ("PLACE_ORDER_SUCCESS", None),
    S.AWAITING_SHIPMENT: ("WAIT_SELLER_SEND_GOODS", None),
    S.HELD: ("RISK_CONTROL", None),
    S.CANCEL_REQUESTED: ("IN_CANCEL", None),
    S.PARTIALLY_SHIPPED: ("SELLER_PART_SEND_GOODS", None),
    S.SHIPPED: ("WAIT_BUYER_ACCEPT_GOODS", None),
    S.COMPLETED: ("FINISH", None),
    S.CANCELLED: ("FINISH", "CANCELED"),
    S.IN_DISPUTE: ("IN_ISSUE", None),
    S.UNKNOWN: ("SOMETHING_NEW", None),
}
CJ_RAW: dict[SupplierStatus, tuple[str | None, str | None]] = {
    S.PLACED_UNPAID: ("UNPAID", None),
    S.AWAITING_SHIPMENT: ("UNSHIPPED", None),
    S.HELD: ("OTHER", None),
    S.CANCEL_REQUESTED: ("OTHER", None),
    S.PARTIALLY_SHIPPED: ("SHIPPED", None),
    S.SHIPPED: ("SHIPPED", None),
    S.COMPLETED: ("DELIVERED", None),
    S.CANCELLED: ("CANCELLED", None),
    S.IN_DISPUTE: ("OTHER", None),
    S.UNKNOWN: ("OTHER", None),
}

# Fulfillment-order status and supported actions as Shopify reports them for each request status.
_FO_DEFAULTS: dict[FulfillmentOrderRequestStatus, tuple[FulfillmentOrderStatus, tuple[FulfillmentOrderAction, ...]]] = {
    R.UNSUBMITTED: (FS.OPEN, (A.CREATE_FULFILLMENT, A.HOLD, A.MOVE)),
    R.SUBMITTED: (FS.IN_PROGRESS, (A.CANCEL_FULFILLMENT_ORDER,)),
    R.ACCEPTED: (FS.IN_PROGRESS, (A.REQUEST_CANCELLATION, A.CREATE_FULFILLMENT)),
    R.REJECTED: (FS.OPEN, (A.REQUEST_FULFILLMENT, A.CREATE_FULFILLMENT, A.MOVE)),
    R.CANCELLATION_REQUESTED: (FS.IN_PROGRESS, (A.CANCEL_FULFILLMENT_ORDER, A.CREATE_FULFILLMENT)),
    R.CANCELLATION_ACCEPTED: (FS.CLOSED, ()),
    R.CANCELLATION_REJECTED: (FS.IN_PROGRESS, (A.CREATE_FULFILLMENT,)),
    R.CLOSED: (FS.CLOSED, ()),
    R.UNKNOWN: (FS.OPEN, ()),
}


def money(amount: str | int = "49.90", currency: str = "USD") -> Money:
    return Money(amount=Decimal(str(amount)), currency=currency)


def fulfillment_order(
    request_status: FulfillmentOrderRequestStatus = R.UNSUBMITTED,
    *,
    status: FulfillmentOrderStatus | None = None,
    supported_actions: Sequence[FulfillmentOrderAction] | None = None,
    number: int = 1,
    location: str = "DSers Fulfillment",
    hold_reasons: Sequence[str] = (),
    asked_hours_ago: float | None = None,
) -> FulfillmentOrderState:
    """A fulfillment order in `request_status`, with the status and actions Shopify pairs with it."""
    default_status, default_actions = _FO_DEFAULTS[request_status]
    return FulfillmentOrderState(
        id=f"gid://shopify/FulfillmentOrder/66000000{number:02d}",
        status=status if status is not None else default_status,
        request_status=request_status,
        supported_actions=tuple(supported_actions if supported_actions is not None else default_actions),
        location_name=location,
        hold_ids=tuple(f"gid://shopify/FulfillmentHold/7700{number:02d}{i}" for i, _ in enumerate(hold_reasons)),
        hold_reasons=tuple(hold_reasons),
        cancellation_requested_at=(CHECKED_AT - timedelta(hours=asked_hours_ago)
                                   if asked_hours_ago is not None else None),
    )


def held_fulfillment_order(*, number: int = 1, release_allowed: bool = True,
                           reason: str = "AWAITING_PAYMENT") -> FulfillmentOrderState:
    """A fulfillment order on hold (e.g. awaiting payment or a fraud check)."""
    actions = (A.RELEASE_HOLD, A.MOVE) if release_allowed else (A.MOVE,)
    return fulfillment_order(R.UNSUBMITTED, status=FS.ON_HOLD, supported_actions=actions, number=number,
                             location="Shop location", hold_reasons=(reason,))


def merchant_in_progress_fulfillment_order(*, number: int = 1, open_allowed: bool = True) -> FulfillmentOrderState:
    """A merchant-managed fulfillment order marked in progress (progress reported by hand)."""
    actions = (A.MARK_AS_OPEN, A.CREATE_FULFILLMENT) if open_allowed else (A.CREATE_FULFILLMENT,)
    return fulfillment_order(R.UNSUBMITTED, status=FS.IN_PROGRESS, supported_actions=actions, number=number,
                             location="Shop location")


def fulfillment_orders_for(display: DisplayFulfillmentStatus) -> tuple[FulfillmentOrderState, ...]:
    """The fulfillment orders a real order with this display status typically has."""
    if display in (D.IN_PROGRESS, D.PENDING_FULFILLMENT):
        return (fulfillment_order(R.ACCEPTED),)
    if display is D.ON_HOLD:
        return (held_fulfillment_order(),)
    if display is D.FULFILLED:
        return (fulfillment_order(R.CLOSED),)
    if display is D.PARTIALLY_FULFILLED:
        return (fulfillment_order(R.CLOSED), fulfillment_order(R.UNSUBMITTED, number=2))
    if display is D.REQUEST_DECLINED:
        return (fulfillment_order(R.REJECTED),)
    return (fulfillment_order(R.UNSUBMITTED),)


def supplier_order(
    status: SupplierStatus = S.AWAITING_SHIPMENT,
    *,
    supplier: SupplierName = "aliexpress",
    order_id: str | None = None,
    read_error: str | None = None,
) -> SupplierOrderState:
    """A supplier order in `status`, with the raw status and the cancel channel that supplier really has."""
    raw, end_reason = (ALIEXPRESS_RAW if supplier == "aliexpress" else CJ_RAW)[status]
    if read_error is not None:
        status, raw, end_reason = S.UNKNOWN, None, None
    if status in (S.PLACED_UNPAID, S.AWAITING_SHIPMENT):
        api = supplier == "cjdropshipping" and status is S.PLACED_UNPAID
        channel = CancelChannel.API if api else CancelChannel.MANUAL
    else:
        channel = CancelChannel.NONE
    default_id = "8123456789001" if supplier == "aliexpress" else "CJ2603021234"
    return SupplierOrderState(
        supplier=supplier,
        order_id=order_id or default_id,
        status=status,
        raw_status=raw,
        end_reason=end_reason,
        tracking_number="LP00123456789012" if status in (S.SHIPPED, S.PARTIALLY_SHIPPED, S.COMPLETED) else None,
        amount=money("18.40"),
        cancel_channel=channel,
        order_url=f"https://example.invalid/{supplier}/{order_id or default_id}",
        read_error=read_error,
    )


def shopify_order(
    display: DisplayFulfillmentStatus = D.UNFULFILLED,
    *,
    fulfillment_orders: Sequence[FulfillmentOrderState] | None = None,
    cancelled: bool = False,
    financial: DisplayFinancialStatus | None | object = _UNSET,
    return_status: str | None = "NO_RETURN",
    name: str = "#1001",
    order_id: str = ORDER_GID,
    manual_payment: bool = False,
    currency_paid: Money | None = None,
    disputes: Sequence[Dispute] = (),
) -> ShopifyOrderState:
    """A paid Shopify order with one line item and the fulfillment orders its display status implies.

    Cancelled, it is refunded unless `financial` says otherwise; what is left to refund follows the
    financial status (nothing for a manual payment that is still pending).
    """
    if financial is _UNSET:
        financial = DisplayFinancialStatus.REFUNDED if cancelled else DisplayFinancialStatus.PAID
    assert financial is None or isinstance(financial, DisplayFinancialStatus)
    net = money(_NET_PAYMENT.get(financial, "0")) if financial is not None else money("0")
    received = money("0") if manual_payment and financial is DisplayFinancialStatus.PENDING else money("49.90")
    fos = tuple(fulfillment_orders) if fulfillment_orders is not None else fulfillment_orders_for(display)
    if cancelled:
        fos = tuple(fo.model_copy(update={"status": FS.CLOSED, "supported_actions": ()}) for fo in fos)
    return ShopifyOrderState(
        id=order_id,
        name=name,
        legacy_id=int(order_id.rsplit("/", 1)[-1]),
        created_at=datetime(2026, 3, 1, 14, 5, tzinfo=UTC),
        cancelled_at=CANCELLED_AT if cancelled else None,
        cancel_reason="CUSTOMER" if cancelled else None,
        financial_status=financial,
        fulfillment_status=display,
        return_status=return_status,
        fulfillment_orders=fos,
        total=money("49.90"),
        received=received,
        refundable=net,
        refundable_presentment=currency_paid,
        payment_gateways=("Cash on Delivery (COD)",) if manual_payment else ("shopify_payments",),
        manual_payment=manual_payment,
        disputes=tuple(disputes),
        line_items=(LineItem(id="gid://shopify/LineItem/1", title="Wireless earbuds", quantity=1,
                             current_quantity=1, sku="EB-01", unit_price=money("49.90")),),
        customer_name="Ada Lovelace",
        customer_email="ada@example.com",
    )


def order(shopify: ShopifyOrderState | None = None, *suppliers: SupplierOrderState,
          ruled_out: bool = False) -> OrderState:
    """Both sides of one order; the supplier orders are linked by the order's metafield.

    `ruled_out`: the merchant confirmed that no supplier order was placed (ticket ZD-1).
    """
    shopify = shopify if shopify is not None else shopify_order()
    refs = tuple(SupplierRef(supplier=so.supplier, order_id=so.order_id) for so in suppliers)
    return OrderState(
        shopify=shopify.model_copy(update={"supplier_refs": refs}),
        suppliers=tuple(suppliers),
        supplier_refs_source="metafield" if suppliers else "none",
        checked_at=CHECKED_AT,
        no_supplier_order=NoSupplierOrder(at=datetime(2026, 4, 24, 9, 30, tzinfo=UTC), ticket="ZD-1")
        if ruled_out else None,
    )



def random_order_state(rng: random.Random) -> OrderState:
    """Any combination the vocabulary allows, with fresh ids: for properties and the benchmark."""
    display = rng.choice(list(D))
    number = rng.randrange(1000, 99999)
    fos = []
    for number in range(1, rng.randint(0, 3) + 1):
        kind = rng.random()
        if kind < 0.15:
            fos.append(held_fulfillment_order(number=number, release_allowed=rng.random() < 0.7))
        elif kind < 0.25:
            fos.append(merchant_in_progress_fulfillment_order(number=number, open_allowed=rng.random() < 0.7))
        else:
            request = rng.choice(list(R))
            fos.append(fulfillment_order(
                request, number=number,
                status=rng.choice([None, None, *FS]),
                supported_actions=rng.choice([None, None, (), tuple(rng.sample(list(A), 3))]),
                asked_hours_ago=rng.choice([None, 2, 47, 49, 200]) if request is R.CANCELLATION_REQUESTED else None))
    shopify = shopify_order(
        display,
        fulfillment_orders=fos,
        cancelled=rng.random() < 0.3,
        financial=rng.choice([*DisplayFinancialStatus, None]),
        return_status=rng.choice([None, "NO_RETURN", "NO_RETURN", "IN_PROGRESS", "RETURN_REQUESTED"]),
        name=f"#{number}",
        order_id=f"gid://shopify/Order/55000{number:05d}",
        manual_payment=rng.random() < 0.2,
        currency_paid=rng.choice([None, None, money("45.10", "EUR")]),
        disputes=rng.choice([(), (), (Dispute(id="gid://shopify/ShopifyPaymentsDispute/1", initiated_as="CHARGEBACK",
                                              status=rng.choice(["NEEDS_RESPONSE", "UNDER_REVIEW", "WON", "LOST"])),)]),
    )
    suppliers = []
    for i in range(rng.choice([0, 1, 1, 1, 2, 3])):
        supplier: SupplierName = rng.choice(["aliexpress", "cjdropshipping"])
        suppliers.append(supplier_order(
            rng.choice(list(S)), supplier=supplier,
            order_id=f"{'81' if supplier == 'aliexpress' else 'CJ'}{rng.randrange(10**9, 10**10)}{i}",
            read_error="timed out" if rng.random() < 0.05 else None))
    state = order(shopify, *suppliers, ruled_out=not suppliers and rng.random() < 0.5)
    return state.model_copy(update={"customer_notified": rng.choice([None, True, False])})
