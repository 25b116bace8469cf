"""A supplier order checked by hand: what the merchant saw on the supplier's site, used like a read.

Most merchants have no AliExpress API access (it needs an approved business app key), and any read can
fail. Then the merchant opens the order on the supplier's site and says what it shows; that answer
becomes a `SupplierOrderState` with `source="manual"`, labelled with when it was checked, and the rules
treat it like a read. It is asked again once it is older than the status's re-check interval: a
status that can still change is only true for a while, an ended one (cancelled, shipped) stays true.
Its words (status labels, "checked by hand at", why it is asked again) live in `kb.wording.hand_check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from kb.state import CancelChannel, HandStatus, SupplierName, SupplierOrderState, SupplierStatus
from kb.suppliers import cancel_channel, check_order_id, supplier_order_url, supplier_title
from kb.wording.hand_check import HAND_STATUS_WORDS, checked_words, manual_cancel_note

__all__ = [
    "HAND_STATUSES",
    "RECHECK_AFTER",
    "SUPPLIER_RECHECK",
    "HandStatus",
    "hand_checked_state",
    "is_stale",
]

SUPPLIER_RECHECK = timedelta(hours=24)  # a seller's answer to a cancellation: the path's re-check interval

HAND_STATUSES: Mapping[HandStatus, SupplierStatus] = MappingProxyType({
    HandStatus.AWAITING_PAYMENT: SupplierStatus.PLACED_UNPAID,
    HandStatus.AWAITING_SHIPMENT: SupplierStatus.AWAITING_SHIPMENT,
    HandStatus.CANCEL_REQUESTED: SupplierStatus.CANCEL_REQUESTED,
    HandStatus.CANCELLED: SupplierStatus.CANCELLED,
    HandStatus.SHIPPED: SupplierStatus.SHIPPED,
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


def hand_checked_state(
    supplier: SupplierName, order_id: str, status: HandStatus, checked_at: datetime, ticket: str | None = None
) -> SupplierOrderState:
    """The supplier order as the merchant saw it on the supplier's site (ValueError for a bad id)."""
    value = check_order_id(supplier, order_id)
    normalized = HAND_STATUSES[status]
    channel, note = cancel_channel(supplier, normalized)
    if channel is CancelChannel.API:  # no API access (or it failed): the cancel is done on the site too
        channel, note = CancelChannel.MANUAL, manual_cancel_note(supplier_title(supplier))
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

