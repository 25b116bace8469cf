"""A supplier order checked by hand: what the merchant saw on the supplier's site, used like a read.

Most merchants have no AliExpress API access (it needs an approved business app key), and any read can
fail. Then the merchant opens the order on the supplier's site and says what it shows; that answer
becomes a `SupplierOrderState` with `source="manual"`, labelled with when it was checked, and the rules
treat it like a read. It is asked again once it is older than the status's re-check interval: a
status that can still change is only true for a while, an ended one (cancelled, shipped) stays true.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from kb.state import CancelChannel, SupplierName, SupplierOrderState, SupplierStatus
from kb.suppliers import cancel_channel, check_order_id, supplier_order_url, supplier_title

__all__ = [
    "HAND_STATUSES",
    "HAND_STATUS_WORDS",
    "RECHECK_AFTER",
    "SUPPLIER_RECHECK",
    "HandStatus",
    "checked_words",
    "hand_checked_state",
    "is_stale",
    "stale_words",
]

SUPPLIER_RECHECK = timedelta(hours=24)  # a seller's answer to a cancellation: the path's re-check interval


class HandStatus(StrEnum):
    """What the supplier's order page can show, in the words of the CLI (`--status`)."""

    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"


HAND_STATUSES: Mapping[HandStatus, SupplierStatus] = MappingProxyType({
    HandStatus.AWAITING_PAYMENT: SupplierStatus.PLACED_UNPAID,
    HandStatus.AWAITING_SHIPMENT: SupplierStatus.AWAITING_SHIPMENT,
    HandStatus.CANCEL_REQUESTED: SupplierStatus.CANCEL_REQUESTED,
    HandStatus.CANCELLED: SupplierStatus.CANCELLED,
    HandStatus.SHIPPED: SupplierStatus.SHIPPED,
})

HAND_STATUS_WORDS: Mapping[HandStatus, str] = MappingProxyType({
    HandStatus.AWAITING_PAYMENT: "Awaiting payment (placed, not paid)",
    HandStatus.AWAITING_SHIPMENT: "Awaiting shipment (paid, not shipped)",
    HandStatus.CANCEL_REQUESTED: "Cancellation requested (waiting for the seller)",
    HandStatus.CANCELLED: "Cancelled or closed",
    HandStatus.SHIPPED: "Shipped (or delivered)",
})

# How long an answer holds before it is asked again (None: an ended status stays true).
RECHECK_AFTER: Mapping[HandStatus, timedelta | None] = MappingProxyType({
    HandStatus.AWAITING_PAYMENT: timedelta(hours=1),  # it may be paid, or cancelled, any time
    HandStatus.AWAITING_SHIPMENT: timedelta(hours=1),  # the seller may ship any time
    HandStatus.CANCEL_REQUESTED: SUPPLIER_RECHECK,
    HandStatus.CANCELLED: None,
    HandStatus.SHIPPED: None,
})


def is_stale(status: HandStatus, checked_at: datetime, now: datetime) -> bool:
    """Whether this answer is too old to act on (it must be asked again)."""
    after = RECHECK_AFTER[status]
    return after is not None and now - checked_at >= after


def checked_words(checked_at: datetime) -> str:
    """The label of a status checked by hand."""
    return f"checked by hand at {checked_at:%H:%M} UTC"


def stale_words(status: HandStatus, checked_at: datetime) -> str:
    """Why an old answer is asked again."""
    after = RECHECK_AFTER[status]
    hours = int(after.total_seconds() // 3600) if after else 0
    age = "an hour" if hours == 1 else f"{hours} hours"
    return (f"it was {checked_words(checked_at)} on {checked_at:%Y-%m-%d} ({HAND_STATUS_WORDS[status].lower()}), "
            f"more than {age} ago: check it again")


def hand_checked_state(
    supplier: SupplierName, order_id: str, status: HandStatus, checked_at: datetime, ticket: str | None = None
) -> SupplierOrderState:
    """The supplier order as the merchant saw it on the supplier's site (ValueError for a bad id)."""
    value = check_order_id(supplier, order_id)
    normalized = HAND_STATUSES[status]
    channel, note = cancel_channel(supplier, normalized)
    if channel is CancelChannel.API:  # no API access (or it failed): the cancel is done on the site too
        channel, note = CancelChannel.MANUAL, (
            f"It was checked by hand: cancel it on {supplier_title(supplier)}'s site (open the order, cancel it), "
            "then say here what it shows.")
    return SupplierOrderState(
        supplier=supplier,
        order_id=value,
        status=normalized,
        raw_status=f"{HAND_STATUS_WORDS[status]}, {checked_words(checked_at)}",
        cancel_channel=channel,
        cancel_note=note,
        order_url=supplier_order_url(supplier, value),
        source="manual",
        checked_at=checked_at,
        checked_ticket=ticket,
    )

