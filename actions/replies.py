"""What a cancel will do (the confirmation, worded by `kb.wording.preview`); the customer reply is `kb.wording.replies`.

Both are built from the order's state and path only, so the page, the CLI and the ticket say the same
thing. `customer_reply` and `refund_destination` are re-exported here for the assistant and the CLI.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from kb.refunds import effective_options, no_refund, open_chargebacks, refundable, refundable_presentment
from kb.state import CancelOptions, Money, OrderState, RefundDestination, RefundTiming
from kb.wording import preview
from kb.wording.common import amount_words
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


def preview_cancel(state: OrderState, options: CancelOptions) -> CancelPreview:
    """The confirmation text: refund (amount, method), restock, notification, and that it is final."""
    shop = state.shopify
    options = effective_options(shop, options)
    refund: Money | None = None
    presentment: Money | None = None
    if options.refund is RefundTiming.NOW:
        refund = refundable(shop)
        presentment = refundable_presentment(shop)
        refund_method = (preview.STORE_CREDIT if options.refund_to is RefundDestination.STORE_CREDIT
                         else refund_destination(state))
    elif (why := no_refund(shop)) is not None:  # refund later would promise a refund there is nothing for
        refund_method = preview.NO_REFUND[why]
    else:
        refund_method = preview.REFUND_LATER
    restock = tuple(
        preview.restock_line(item.current_quantity if item.current_quantity is not None else item.quantity, item.title)
        for item in shop.line_items
        if options.restock and item.restockable and (item.current_quantity is None or item.current_quantity > 0)
    )
    summary = preview.summary(
        order_name=shop.name, reason=options.reason,
        refund=amount_words(shop) if refund is not None else None,
        refund_method=refund_method, chargeback=bool(open_chargebacks(shop)), restock=options.restock,
        restocked=restock, notify=options.notify_customer, staff_note=options.staff_note,
    )
    return CancelPreview(
        refund=refund, refund_method=refund_method, refund_presentment=presentment, restock_items=restock,
        notify=options.notify_customer, summary=summary,
    )
