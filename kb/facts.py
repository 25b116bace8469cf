"""The facts: everything the rules read about one order, computed once per decision.

Supplier statuses fall into five groups (`SupplierGroup`): *active* (placed_unpaid,
awaiting_shipment: can still be cancelled), *pending* (cancel_requested: waiting for the seller),
*shipped* (partially_shipped, shipped, completed), *cancelled*, and *odd* (held, in_dispute,
unknown, and any order that could not be read). What is odd on the Shopify side is kept as
`Oddity` values, not sentences: `kb.wording` words them only when a walkthrough is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from kb.discovery import AppSign, app_signs
from kb.refunds import unpaid_manual_payment
from kb.revert import FINISHED_FO, FULFILLED_DISPLAY, ODD_REQUESTS, is_held, is_waiting, needs_revert, reverted
from kb.revert import revert_action_for
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    NoSupplierOrder,
    OrderState,
    RefundTiming,
    ShopifyOrderState,
    SupplierOrderState,
    SupplierRef,
    SupplierStatus,
)

__all__ = ["Facts", "Odd", "Oddity", "SUPPLIER_GROUPS", "SupplierGroup", "facts", "group_of", "is_paid"]


class SupplierGroup(StrEnum):
    """What a supplier order's status means for the cancel."""

    ACTIVE = "active"
    PENDING = "pending"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"
    ODD = "odd"


_S = SupplierStatus
SUPPLIER_GROUPS: Mapping[SupplierStatus, SupplierGroup] = MappingProxyType({
    _S.PLACED_UNPAID: SupplierGroup.ACTIVE,
    _S.AWAITING_SHIPMENT: SupplierGroup.ACTIVE,
    _S.CANCEL_REQUESTED: SupplierGroup.PENDING,
    _S.PARTIALLY_SHIPPED: SupplierGroup.SHIPPED,
    _S.SHIPPED: SupplierGroup.SHIPPED,
    _S.COMPLETED: SupplierGroup.SHIPPED,
    _S.CANCELLED: SupplierGroup.CANCELLED,
    _S.HELD: SupplierGroup.ODD,
    _S.IN_DISPUTE: SupplierGroup.ODD,
    _S.UNKNOWN: SupplierGroup.ODD,
})


_GROUPS = tuple(SupplierGroup)


def group_of(so: SupplierOrderState) -> SupplierGroup:
    """The group of a supplier order; one that could not be read is odd whatever its status."""
    return SupplierGroup.ODD if so.read_error is not None else SUPPLIER_GROUPS[so.status]


def is_paid(so: SupplierOrderState) -> bool:
    """An active supplier order the merchant has paid: until it is cancelled, the seller may ship it (placed
    but unpaid costs nothing yet)."""
    return so.status is _S.AWAITING_SHIPMENT


class Odd(StrEnum):
    """Something that stops the assistant offering Shopify's cancel until a person has looked."""

    PAYMENT_PENDING = "payment_pending"  # an authorization is pending (not a manual method)
    RETURN_OPEN = "return_open"
    FULFILLMENT_STATUS_UNKNOWN = "fulfillment_status_unknown"
    REQUEST_DECLINED = "request_declined"
    FO_STATUS_UNKNOWN = "fo_status_unknown"
    FO_REJECTED = "fo_rejected"
    FO_CANCELLATION_REJECTED = "fo_cancellation_rejected"
    FO_REQUEST_UNKNOWN = "fo_request_unknown"
    REF_NOT_READ = "ref_not_read"  # a linked supplier order that was not read
    FULFILLED_NOT_SHIPPED = "fulfilled_not_shipped"  # Shopify fulfilled, no supplier order shipped
    IN_PROGRESS_NO_REVERT = "in_progress_no_revert"  # in progress, but no fulfillment order to revert
    REVERT_NOT_ALLOWED = "revert_not_allowed"  # a fulfillment order to revert, with no revert allowed


class Oddity(NamedTuple):
    kind: Odd
    subject: FulfillmentOrderState | SupplierRef | None = None


@dataclass
class Facts:
    """What the rules read, computed once per decision (never changed after `facts`).

    `app_signs` is computed on first use: only the words read it, so `classify` never pays for it.
    """

    shopify: ShopifyOrderState
    suppliers: tuple[SupplierOrderState, ...]
    groups: tuple[SupplierGroup, ...]  # one per supplier order
    cancelled: bool
    active: tuple[SupplierOrderState, ...]
    pending: tuple[SupplierOrderState, ...]
    shipped: tuple[SupplierOrderState, ...]
    done: tuple[SupplierOrderState, ...]
    odd: tuple[SupplierOrderState, ...]
    to_revert: tuple[tuple[FulfillmentOrderState, FulfillmentOrderAction | None], ...]
    waiting_fos: tuple[FulfillmentOrderState, ...]
    reverted_fos: tuple[FulfillmentOrderState, ...]  # requests the state shows already taken back
    held: tuple[FulfillmentOrderState, ...]  # on hold: cancelled as they are, never released
    customer_notified: bool | None  # our cancel asked Shopify to email the customer (None: unknown)
    cancel_refund: RefundTiming | None  # the refund our cancel asked for: now or later (None: unknown)
    unpaid_manual: bool  # cash on delivery or another manual method, nothing received
    refused_cod: bool  # Shopify shows it fulfilled, but the payment was never collected: still cancellable
    shopify_odd: tuple[Oddity, ...]  # what is odd on the Shopify side or between the sides
    no_supplier_order: NoSupplierOrder | None  # the merchant confirmed none was placed

    @functools.cached_property
    def app_signs(self) -> tuple[AppSign, ...]:
        """Why an app probably placed a supplier order none was found for (kb.discovery)."""
        return app_signs(self.shopify) if not self.suppliers else ()


# Every group empty: `facts` fills a copy (never this dict itself).
_NO_SUPPLIER_ORDERS: dict[SupplierGroup, tuple[SupplierOrderState, ...]] = dict.fromkeys(_GROUPS, ())


def facts(state: OrderState) -> Facts:
    """Read the state once: every supplier order into its group, every open fulfillment order for what it means.

    One pass over each list, each question asked by its named predicate (`kb.revert`): `decide` and
    `classify` run this first, for every order shown and every state a scan reads.
    """
    shopify, suppliers, now = state.shopify, state.suppliers, state.checked_at
    groups: tuple[SupplierGroup, ...] = ()
    read: tuple[str, ...] = ()  # the supplier order ids read
    by_group = _NO_SUPPLIER_ORDERS.copy()
    for so in suppliers:
        group = group_of(so)
        groups += (group,)
        read += (so.order_id,)
        by_group[group] += (so,)
    to_revert: list[tuple[FulfillmentOrderState, FulfillmentOrderAction | None]] = []
    waiting: list[FulfillmentOrderState] = []
    held: list[FulfillmentOrderState] = []
    fo_odd: list[Oddity] = []
    for fo in shopify.fulfillment_orders:
        if fo.status in FINISHED_FO:
            continue
        if needs_revert(fo, now):
            to_revert.append((fo, revert_action_for(fo, now=now)))
        elif is_waiting(fo, now):
            waiting.append(fo)
        if is_held(fo):
            held.append(fo)
        if fo.status is _FOS.UNKNOWN:
            fo_odd.append(Oddity(Odd.FO_STATUS_UNKNOWN, fo))
        elif fo.request_status in ODD_REQUESTS:
            fo_odd.append(Oddity(_FO_ODD[fo.request_status], fo))
    cancelled = shopify.is_cancelled
    shipped = by_group[SupplierGroup.SHIPPED]
    unpaid = unpaid_manual_payment(shopify)
    return Facts(
        shopify=shopify,
        suppliers=suppliers,
        groups=groups,
        cancelled=cancelled,
        active=by_group[SupplierGroup.ACTIVE],
        pending=by_group[SupplierGroup.PENDING],
        shipped=shipped,
        done=by_group[SupplierGroup.CANCELLED],
        odd=by_group[SupplierGroup.ODD],
        to_revert=tuple(to_revert),
        waiting_fos=tuple(waiting),
        reverted_fos=reverted(shopify),
        held=tuple(held),
        customer_notified=state.customer_notified,
        cancel_refund=state.cancel_refund,
        unpaid_manual=unpaid,
        refused_cod=unpaid and not cancelled and shopify.fulfillment_status is DisplayFulfillmentStatus.FULFILLED,
        shopify_odd=_shopify_oddities(shopify, fo_odd, read, unpaid_manual=unpaid, has_shipped=bool(shipped)),
        no_supplier_order=state.no_supplier_order,
    )


_FOS = FulfillmentOrderStatus
_FOR = FulfillmentOrderRequestStatus
_FO_ODD = {_FOR.REJECTED: Odd.FO_REJECTED, _FOR.CANCELLATION_REJECTED: Odd.FO_CANCELLATION_REJECTED,
           _FOR.UNKNOWN: Odd.FO_REQUEST_UNKNOWN}


def _shopify_oddities(shopify: ShopifyOrderState, fo_odd: list[Oddity], read: tuple[str, ...], *,
                      unpaid_manual: bool, has_shipped: bool) -> tuple[Oddity, ...]:
    """What is odd on the Shopify side, in this order: the order, its fulfillment orders (`fo_odd`), the links.

    `read` holds the ids of the supplier orders read: a linked one missing from it was not read.
    """
    odd: list[Oddity] = []
    if shopify.financial_status is DisplayFinancialStatus.PENDING and not unpaid_manual:
        odd.append(Oddity(Odd.PAYMENT_PENDING))
    if shopify.return_status not in (None, "NO_RETURN"):
        odd.append(Oddity(Odd.RETURN_OPEN))
    if shopify.fulfillment_status is DisplayFulfillmentStatus.UNKNOWN:
        odd.append(Oddity(Odd.FULFILLMENT_STATUS_UNKNOWN))
    if shopify.fulfillment_status is DisplayFulfillmentStatus.REQUEST_DECLINED:
        odd.append(Oddity(Odd.REQUEST_DECLINED))
    odd += fo_odd
    for ref in shopify.supplier_refs:
        if ref.order_id not in read:
            odd.append(Oddity(Odd.REF_NOT_READ, ref))
    if read and not has_shipped and shopify.fulfillment_status in FULFILLED_DISPLAY:
        odd.append(Oddity(Odd.FULFILLED_NOT_SHIPPED))
    return tuple(odd) if odd else ()
