"""What a Shopify cancel with the chosen options will do, as the confirmation says it (`actions.replies.preview_cancel`).

The caller decides the refund, the restock and the notification from the order and the options; these
functions only word them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from kb.refunds import NoRefund
from kb.state import CancelReason
from kb.wording.options import CANCEL_REASONS

__all__ = ["NOTHING_LEFT", "NOTHING_PAID", "NO_REFUND", "REFUND_LATER", "STORE_CREDIT", "restock_line", "summary"]

# Where a refund goes, or why the cancel sends none (completes "Refund <amount> now to ...").
STORE_CREDIT = "store credit for the customer (no expiry)"
NOTHING_PAID = "nothing was paid (cash on delivery or another manual payment), so the cancel sends no refund"
NOTHING_LEFT = "nothing is left to refund, so the cancel sends no refund"
REFUND_LATER = "no refund now: refund later from the order page"
# Why the cancel sends no refund whatever is chosen (`kb.refunds.no_refund`): never "refund later" then.
NO_REFUND: Mapping[NoRefund, str] = MappingProxyType({
    NoRefund.UNPAID_MANUAL: NOTHING_PAID,
    NoRefund.NOT_CAPTURED: ("no payment was captured, so the cancel sends no refund (Shopify voids the payment "
                            "authorization: the customer is not charged)"),
    NoRefund.ALREADY_REFUNDED: "the order was already refunded in full, so the cancel sends no refund",
    NoRefund.NOTHING_LEFT: NOTHING_LEFT,
})


def restock_line(quantity: int, title: str) -> str:
    return f"{quantity} × {title}"


def summary(*, order_name: str, reason: CancelReason, refund: str | None, refund_method: str, chargeback: bool,
            restock: bool, restocked: Sequence[str], notify: bool, staff_note: str | None) -> tuple[str, ...]:
    """The confirmation's lines (`refund`: the amount's words, `kb.wording.common.amount_words`; None: no refund)."""
    lines = [f"Cancel order {order_name} on Shopify (reason: {CANCEL_REASONS[reason].phrase})."]
    if refund is not None:
        lines.append(f"Refund {refund} now to {refund_method}.")
    else:
        lines.append(refund_method[:1].upper() + refund_method[1:] + ".")
    if chargeback:
        lines.append("A chargeback is open: the dispute returns the money if the bank decides for the customer"
                     + (", so refunding now may pay them twice." if refund is not None else "."))
    if restock:
        lines.append("Restock: " + ("; ".join(restocked) if restocked else "no item can be restocked") + ".")
    else:
        lines.append("Items are not restocked.")
    lines.append("Shopify emails the customer a cancellation notice." if notify
                 else "Shopify does not notify the customer (send them the reply text yourself).")
    if staff_note:
        lines.append(f"Staff note (only your staff sees it): {staff_note}")
    lines.append("A cancelled order cannot be reopened: this cannot be undone.")
    return tuple(lines)
