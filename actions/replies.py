"""Words for people: what a cancel will do (the confirmation); the customer reply is `kb.wording.replies`.

Both are built from the order's state and path only, so the page, the CLI and the ticket say the same
thing. `customer_reply` and `refund_destination` are re-exported here for the assistant and the CLI.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from kb.refunds import effective_options, open_chargebacks, refundable, refundable_presentment, unpaid_manual_payment
from kb.state import CancelOptions, Money, OrderState, RefundDestination, RefundTiming
from kb.wording.options import CANCEL_REASONS
from kb.wording.replies import customer_reply, refund_destination

__all__ = ["CancelPreview", "customer_reply", "preview_cancel", "refund_destination"]


class CancelPreview(BaseModel):
    """Exactly what a Shopify cancel with these options will do, before the merchant confirms."""

    model_config = ConfigDict(frozen=True)

    refund: Money | None
    refund_method: str
    refund_presentment: Money | None = None  # the refund in the customer's currency, when it differs
    restock_items: tuple[str, ...]
    notify: bool
    summary: tuple[str, ...]


def _with_shop_amount(state: OrderState) -> str:
    """The refundable amount for the merchant: the customer's currency, and the shop's beside it when it differs."""
    shop = state.shopify
    customer = refundable_presentment(shop)
    return f"{customer} ({refundable(shop)} in the shop's currency)" if customer else str(refundable(shop))



def preview_cancel(state: OrderState, options: CancelOptions) -> CancelPreview:
    """The confirmation text: refund (amount, method), restock, notification, and that it is final."""
    shop = state.shopify
    asked = options
    options = effective_options(shop, options)
    refund: Money | None = None
    presentment: Money | None = None
    if options.refund is RefundTiming.NOW:
        refund = refundable(shop)
        presentment = refundable_presentment(shop)
        refund_method = ("store credit for the customer (no expiry)" if options.refund_to is RefundDestination.STORE_CREDIT
                         else refund_destination(state))
    elif unpaid_manual_payment(shop):
        refund_method = "nothing was paid (cash on delivery or another manual payment), so the cancel sends no refund"
    elif asked.refund is RefundTiming.NOW:
        refund_method = ("nothing is left to refund, so the cancel sends no refund (a pending authorization is "
                         "released)")
    else:
        refund_method = "no refund now: refund later from the order page"
    restock = tuple(
        f"{item.current_quantity if item.current_quantity is not None else item.quantity} × {item.title}"
        for item in shop.line_items
        if options.restock and item.restockable and (item.current_quantity is None or item.current_quantity > 0)
    )
    summary = [f"Cancel order {shop.name} on Shopify (reason: {CANCEL_REASONS[options.reason].phrase})."]
    if refund is not None:
        summary.append(f"Refund {_with_shop_amount(state)} now to {refund_method}.")
    else:
        summary.append(refund_method[:1].upper() + refund_method[1:] + ".")
    if open_chargebacks(shop):
        summary.append("A chargeback is open: the dispute returns the money if the bank decides for the customer"
                       + (", so refunding now may pay them twice." if refund is not None else "."))
    if options.restock:
        summary.append("Restock: " + ("; ".join(restock) if restock else "no item can be restocked") + ".")
    else:
        summary.append("Items are not restocked.")
    summary.append(
        "Shopify emails the customer a cancellation notice."
        if options.notify_customer
        else "Shopify does not notify the customer (send them the reply text yourself)."
    )
    if options.staff_note:
        summary.append(f"Staff note (only your staff sees it): {options.staff_note}")
    summary.append("A cancelled order cannot be reopened: this cannot be undone.")
    return CancelPreview(
        refund=refund, refund_method=refund_method, refund_presentment=presentment, restock_items=restock,
        notify=options.notify_customer, summary=tuple(summary),
    )
