"""Words for a supplier order checked by hand (`kb.hand_check`): its statuses, its label, why it is asked again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from kb.state import HandStatus

__all__ = ["HAND_STATUS_WORDS", "checked_words", "manual_cancel_note", "stale_words"]

HAND_STATUS_WORDS: Mapping[HandStatus, str] = MappingProxyType({
    HandStatus.AWAITING_PAYMENT: "Awaiting payment (placed, not paid)",
    HandStatus.AWAITING_SHIPMENT: "Awaiting shipment (paid, not shipped)",
    HandStatus.CANCEL_REQUESTED: "Cancellation requested (waiting for the seller)",
    HandStatus.CANCELLED: "Cancelled or closed",
    HandStatus.SHIPPED: "Shipped (or delivered)",
})


def checked_words(checked_at: datetime) -> str:
    """The label of a status checked by hand."""
    return f"checked by hand at {checked_at:%H:%M} UTC"


def stale_words(status: HandStatus, checked_at: datetime, after: timedelta | None) -> str:
    """Why an old answer is asked again (`after`: its re-check interval, `kb.hand_check.RECHECK_AFTER`)."""
    hours = int(after.total_seconds() // 3600) if after else 0
    age = "an hour" if hours == 1 else f"{hours} hours"
    return (f"it was {checked_words(checked_at)} on {checked_at:%Y-%m-%d} ({HAND_STATUS_WORDS[status].lower()}), "
            f"more than {age} ago: check it again")


def manual_cancel_note(supplier_title: str) -> str:
    """How to cancel an order checked by hand (no API access, or it failed): on the supplier's site."""
    return (f"It was checked by hand: cancel it on {supplier_title}'s site (open the order, cancel it), "
            "then say here what it shows.")
