"""Named guards: the yes/no questions the rules ask about an order's facts.

Each is a pure function of `Facts`, named for the question, so the precedence table
(`kb.precedence`) and the step rules (`kb.steps`) read as sentences.
"""

from __future__ import annotations

from kb.facts import Facts
from kb.revert import FULFILLED_DISPLAY
from kb.state import DisplayFulfillmentStatus

__all__ = [
    "always",
    "anything_odd",
    "cancel_clear",
    "fulfillment_in_progress",
    "in_progress_without_revert",
    "revert_blocked",
    "shopify_fulfilled",
    "supplier_active",
    "supplier_clear",
    "supplier_odd",
    "supplier_pending",
    "supplier_shipped",
    "supplier_shipped_and_paid",
    "supplier_unknown",
    "waiting_for_an_answer",
]

_IN_PROGRESS_DISPLAY = frozenset({DisplayFulfillmentStatus.IN_PROGRESS, DisplayFulfillmentStatus.PENDING_FULFILLMENT})


def always(f: Facts) -> bool:
    return True


def supplier_active(f: Facts) -> bool:
    """A supplier order can still be cancelled (money is at stake until it is)."""
    return bool(f.active)


def supplier_pending(f: Facts) -> bool:
    return bool(f.pending)


def supplier_shipped(f: Facts) -> bool:
    return bool(f.shipped)


def supplier_odd(f: Facts) -> bool:
    """A supplier order is held, in dispute, in an unknown status or could not be read."""
    return bool(f.odd)


def supplier_unknown(f: Facts) -> bool:
    """No supplier order is known and nobody has ruled one out: the supplier side is not clear."""
    return not f.suppliers and f.no_supplier_order is None


def supplier_clear(f: Facts) -> bool:
    """Every supplier order is cancelled, or the merchant confirmed none was placed: Shopify may go ahead."""
    return len(f.done) == len(f.suppliers) and not supplier_unknown(f)


def cancel_clear(f: Facts) -> bool:
    """Nothing at the supplier stands in the way of Shopify's cancel.

    A refused cash-on-delivery parcel shipped, yet was never paid: cancelling on Shopify refunds
    nothing, so a shipped supplier order does not stand in the way (its return is a step of its own).
    """
    if f.refused_cod:
        return not (f.active or f.pending or f.odd)
    return supplier_clear(f)


def revert_blocked(f: Facts) -> bool:
    """A fulfillment order must be reverted, and Shopify allows no revert on it now."""
    return any(action is None for _, action in f.to_revert)


def anything_odd(f: Facts) -> bool:
    """Something on either side needs a person before Shopify's cancel is offered."""
    return bool(f.shopify_odd or f.odd)


def shopify_fulfilled(f: Facts) -> bool:
    """Shopify shows it (partly) fulfilled, and it is not a refused cash-on-delivery parcel."""
    return f.shopify.fulfillment_status in FULFILLED_DISPLAY and not f.refused_cod


def supplier_shipped_and_paid(f: Facts) -> bool:
    """A supplier order shipped, and it is not a refused cash-on-delivery parcel."""
    return bool(f.shipped) and not f.refused_cod


def waiting_for_an_answer(f: Facts) -> bool:
    """A cancellation was asked of the fulfillment service or the seller, and is not answered yet."""
    return bool(f.waiting_fos or f.pending)


def _in_progress(f: Facts) -> bool:
    return bool(f.to_revert) or f.shopify.fulfillment_status in _IN_PROGRESS_DISPLAY


def in_progress_without_revert(f: Facts) -> bool:
    """A fulfillment is in progress, and no revert is currently allowed (or none is found)."""
    return _in_progress(f) and (not f.to_revert or revert_blocked(f))


def fulfillment_in_progress(f: Facts) -> bool:
    """A fulfillment is in progress, and Shopify allows a revert on every fulfillment order in the way."""
    return _in_progress(f) and bool(f.to_revert) and not revert_blocked(f)
