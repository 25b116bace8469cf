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
    ShopifyOrderState,
    SupplierOrderState,
    SupplierRef,
    SupplierStatus,
)

__all__ = ["Facts", "Odd", "Oddity", "SUPPLIER_GROUPS", "SupplierGroup", "facts", "group_of"]


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
    unpaid_manual: bool  # cash on delivery or another manual method, nothing received
    refused_cod: bool  # Shopify shows it fulfilled, but the payment was never collected: still cancellable
    shopify_odd: tuple[Oddity, ...]  # what is odd on the Shopify side or between the sides
    no_supplier_order: NoSupplierOrder | None  # the merchant confirmed none was placed

    @functools.cached_property
    def app_signs(self) -> tuple[AppSign, ...]:
        """Why an app probably placed a supplier order none was found for (kb.discovery)."""
        return app_signs(self.shopify) if not self.suppliers else ()


def facts(state: OrderState) -> Facts:
    shopify, suppliers, now = state.shopify, state.suppliers, state.checked_at
    groups = tuple([group_of(so) for so in suppliers])
    by_group: dict[SupplierGroup, list[SupplierOrderState]] = {group: [] for group in _GROUPS}
    for so, group in zip(suppliers, groups):
        by_group[group].append(so)
    shipped = tuple(by_group[SupplierGroup.SHIPPED])
    fos = shopify.fulfillment_orders
    unpaid = unpaid_manual_payment(shopify)
    return Facts(
        shopify=shopify,
        suppliers=suppliers,
        groups=groups,
        cancelled=shopify.is_cancelled,
        active=tuple(by_group[SupplierGroup.ACTIVE]),
        pending=tuple(by_group[SupplierGroup.PENDING]),
        shipped=shipped,
        done=tuple(by_group[SupplierGroup.CANCELLED]),
        odd=tuple(by_group[SupplierGroup.ODD]),
        to_revert=tuple([(fo, revert_action_for(fo, now=now)) for fo in fos if needs_revert(fo, now)]),
        waiting_fos=tuple([fo for fo in fos if is_waiting(fo, now)]),
        reverted_fos=reverted(shopify),
        held=tuple([fo for fo in fos if is_held(fo)]),
        customer_notified=state.customer_notified,
        unpaid_manual=unpaid,
        refused_cod=unpaid and not shopify.is_cancelled and shopify.fulfillment_status is DisplayFulfillmentStatus.FULFILLED,
        shopify_odd=_shopify_oddities(state, unpaid_manual=unpaid, has_shipped=bool(shipped)),
        no_supplier_order=state.no_supplier_order,
    )


_FOS = FulfillmentOrderStatus
_FOR = FulfillmentOrderRequestStatus
_FO_ODD = {_FOR.REJECTED: Odd.FO_REJECTED, _FOR.CANCELLATION_REJECTED: Odd.FO_CANCELLATION_REJECTED,
           _FOR.UNKNOWN: Odd.FO_REQUEST_UNKNOWN}


def _shopify_oddities(state: OrderState, *, unpaid_manual: bool, has_shipped: bool) -> tuple[Oddity, ...]:
    shopify = state.shopify
    odd: list[Oddity] = []
    if shopify.financial_status is DisplayFinancialStatus.PENDING and not unpaid_manual:
        odd.append(Oddity(Odd.PAYMENT_PENDING))
    if shopify.return_status not in (None, "NO_RETURN"):
        odd.append(Oddity(Odd.RETURN_OPEN))
    if shopify.fulfillment_status is DisplayFulfillmentStatus.UNKNOWN:
        odd.append(Oddity(Odd.FULFILLMENT_STATUS_UNKNOWN))
    if shopify.fulfillment_status is DisplayFulfillmentStatus.REQUEST_DECLINED:
        odd.append(Oddity(Odd.REQUEST_DECLINED))
    for fo in shopify.fulfillment_orders:
        if fo.status is _FOS.UNKNOWN:
            odd.append(Oddity(Odd.FO_STATUS_UNKNOWN, fo))
        elif fo.status not in FINISHED_FO and fo.request_status in ODD_REQUESTS:
            odd.append(Oddity(_FO_ODD[fo.request_status], fo))
    if shopify.supplier_refs:
        read = {so.order_id for so in state.suppliers}
        odd += [Oddity(Odd.REF_NOT_READ, ref) for ref in shopify.supplier_refs if ref.order_id not in read]
    if shopify.fulfillment_status in FULFILLED_DISPLAY and state.suppliers and not has_shipped:
        odd.append(Oddity(Odd.FULFILLED_NOT_SHIPPED))
    return tuple(odd)
