"""The states the exhaustive rule suites generate, each with the label a failure names it by.

One copy for both readers: `tests/kb/test_paths_exhaustive.py` checks every rule on them, and
`tests/kb/verdict_snapshot.py` compares `decide()` on them with the snapshot (whose per-suite hash
of the states says these generators did not move).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from typing import Any

from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    Dispute,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    OrderState,
    SupplierStatus,
)
from tests.kb.states import (
    fulfillment_order,
    held_fulfillment_order,
    money,
    order,
    random_order_state,
    shopify_order,
    supplier_order,
)

__all__ = ["MONEY_SHAPES", "SUITES", "Labelled", "fulfillment_orders", "payment_shapes", "random_states",
           "silent_service", "single_supplier", "split_orders"]

D = DisplayFulfillmentStatus
R = FulfillmentOrderRequestStatus
FS = FulfillmentOrderStatus
Labelled = Iterator[tuple[Any, OrderState]]


def single_supplier() -> Labelled:
    """Supplier status (or none found, or none placed) x display status x request x cancelled x actions."""
    for status, display, request, cancelled, actions in itertools.product(
        [*SupplierStatus, None, "ruled_out"], D, R, (False, True), ("reported", "none")
    ):
        fo = fulfillment_order(request, supported_actions=None if actions == "reported" else ())
        shopify = shopify_order(display, fulfillment_orders=[fo], cancelled=cancelled)
        suppliers = () if status in (None, "ruled_out") else (supplier_order(status),)
        yield (status, display, request, cancelled, actions), order(shopify, *suppliers,
                                                                    ruled_out=status == "ruled_out")


def fulfillment_orders() -> Labelled:
    """Every fulfillment-order status x request x display status x cancelled, the supplier order cancelled."""
    for fo_status, request, display, cancelled in itertools.product(FS, R, D, (False, True)):
        fo = fulfillment_order(request, status=fo_status)
        shopify = shopify_order(display, fulfillment_orders=[fo], cancelled=cancelled)
        yield (fo_status, request, display, cancelled), order(shopify, supplier_order(SupplierStatus.CANCELLED))


def split_orders() -> Labelled:
    """Every pair of supplier orders (AliExpress, CJ) x display status x cancelled."""
    for first, second, display, cancelled in itertools.product(SupplierStatus, SupplierStatus, D, (False, True)):
        shopify = shopify_order(display, cancelled=cancelled)
        yield (first, second, display, cancelled), order(
            shopify,
            supplier_order(first, order_id="8100000000001"),
            supplier_order(second, supplier="cjdropshipping", order_id="CJ2600000002"),
        )


def random_states() -> Labelled:
    rng = random.Random(20260302)
    for i in range(10_000):
        yield i, random_order_state(rng)


MONEY_SHAPES: dict[str, dict[str, Any]] = {
    "paid": {},
    "cash-on-delivery": {"financial": DisplayFinancialStatus.PENDING, "manual_payment": True},
    "pending-provider": {"financial": DisplayFinancialStatus.PENDING},
    "partly-refunded": {"financial": DisplayFinancialStatus.PARTIALLY_REFUNDED},
    "refunded": {"financial": DisplayFinancialStatus.REFUNDED},
    "chargeback": {"disputes": (Dispute(id="gid://shopify/ShopifyPaymentsDispute/1", initiated_as="CHARGEBACK",
                                        status="NEEDS_RESPONSE"),)},
    "other-currency": {"currency_paid": money("45.10", "EUR")},
}


def payment_shapes() -> Labelled:
    """Every payment shape x supplier status x display status x cancelled x notified x held."""
    for shape, status, display, cancelled, notified, held in itertools.product(
        MONEY_SHAPES, [*SupplierStatus, None], D, (False, True), (None, True, False), (False, True)
    ):
        fos = [held_fulfillment_order(reason="HIGH_RISK_OF_FRAUD")] if held else None
        shopify = shopify_order(display, fulfillment_orders=fos, cancelled=cancelled, **MONEY_SHAPES[shape])
        suppliers = () if status is None else (supplier_order(status),)
        state = order(shopify, *suppliers).model_copy(update={"customer_notified": notified})
        yield (shape, status, display, cancelled, notified, held), state


def silent_service() -> Labelled:
    """A cancellation request unanswered for various hours, with and without Shopify's own cancel listed."""
    for hours, actions, display, status in itertools.product(
        (None, 1, 47.9, 48, 300), ("reported", "none"), (D.IN_PROGRESS, D.UNFULFILLED),
        [SupplierStatus.CANCELLED, SupplierStatus.AWAITING_SHIPMENT, None]
    ):
        fo = fulfillment_order(R.CANCELLATION_REQUESTED, asked_hours_ago=hours,
                               supported_actions=None if actions == "reported" else ())
        suppliers = () if status is None else (supplier_order(status),)
        yield (hours, actions, display, status), order(shopify_order(display, fulfillment_orders=[fo]), *suppliers)


SUITES: dict[str, Callable[[], Labelled]] = {
    "single_supplier": single_supplier,
    "fulfillment_orders": fulfillment_orders,
    "split_orders": split_orders,
    "random_states": random_states,
    "payment_shapes": payment_shapes,
    "silent_service": silent_service,
}
