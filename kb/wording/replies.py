"""The customer reply: what to tell the customer about their order (Markdown, or plain for raw helpdesks).

Built from the order's state and path only, so the page, the CLI and the ticket say the same thing. Remote
text (customer names, titles) is escaped before it goes into Markdown. The cancel confirmation that shares
`refund_destination` is `actions.replies.preview_cancel`.
"""

from __future__ import annotations

import re

from kb.facts import SUPPLIER_GROUPS, SupplierGroup
from kb.refunds import (
    REFUND_OWING,
    REFUNDED,
    NoRefund,
    no_refund,
    open_chargebacks,
    refundable,
    refundable_presentment,
    unpaid_manual_payment,
)
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    Money,
    OrderState,
    RefundDestination,
    SupplierOrderState,
    SupplierStatus,
)
from kb.walkthrough import PathId, Walkthrough

__all__ = ["as_plain_text", "customer_reply", "refund_destination"]

_BANK_TIMING = (
    "Refunds usually show up within 5 to 10 business days, depending on your bank or card issuer. "
    "A refund can only go back to the original payment method; if you no longer use that card or "
    "account, your bank can still pass the money on to you."
)
# Values sit mid-sentence, so only inline markup needs escaping; a reply pasted into a helpdesk
# stays readable ("#1003", "Smith (Jr.)").
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def _md(text: object) -> str:
    """Remote text (a name, a gateway, an amount's currency) as plain text inside a Markdown sentence."""
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)).strip())


def _your_destination(state: OrderState) -> str:
    """`refund_destination` for the customer ("your original payment method (...)"), escaped for Markdown."""
    return _md(refund_destination(state).replace("the ", "your ", 1))


def _paid(state: OrderState) -> Money:
    """What the customer paid, in their own currency (a reply to them quotes nothing else)."""
    shop = state.shopify
    if shop.received_presentment is not None:
        return shop.received_presentment
    return shop.received if shop.received is not None else shop.total


def _owed(state: OrderState) -> Money:
    """What is still to be refunded, in the customer's own currency."""
    shop = state.shopify
    return refundable_presentment(shop) or shop.refundable_presentment or refundable(shop)


def refund_destination(state: OrderState) -> str:
    """Where a refund goes: the original payment method(s), named by their gateways."""
    gateways = [g for g in state.shopify.payment_gateways if g]
    if not gateways:
        return "the original payment method"
    names = ", ".join(_gateway_name(g) for g in gateways)
    return f"the original payment method ({names})"


def _gateway_name(gateway: str) -> str:
    """`shopify_payments` -> `Shopify Payments`: gateway handles read as names."""
    return " ".join(word.capitalize() for word in gateway.replace("_", " ").split())


def _greeting(state: OrderState) -> str:
    name = (state.shopify.customer_name or "").strip()
    first = name.split()[0] if name else ""
    return f"Hi {_md(first)}," if first else "Hello,"


def _tracking(state: OrderState) -> str | None:
    for supplier in state.suppliers:
        if supplier.tracking_number:
            return supplier.tracking_number
    for fulfillment in state.shopify.fulfillments:
        if fulfillment.tracking_number:
            company = f" ({fulfillment.tracking_company})" if fulfillment.tracking_company else ""
            return fulfillment.tracking_number + company
    return None


def _cancelled_reply(state: OrderState) -> list[str]:
    shop = state.shopify
    lines = [f"Your order **{_md(shop.name)}** has been cancelled."]
    lines.extend(_shipping_lines(state))
    paid = _paid(state)
    status = shop.financial_status
    if open_chargebacks(shop):
        lines.append("As you opened a dispute with your bank about this payment, the money comes back to you through "
                     "that dispute, so we are not sending a separate refund.")
    elif shop.manual_payment and status in (DisplayFinancialStatus.PENDING, DisplayFinancialStatus.VOIDED):
        lines.append("No payment was taken for this order, so there is nothing to refund.")
    elif status in REFUND_OWING and refundable(shop).amount > 0:
        lines.append(
            f"We will refund **{_md(_owed(state))}** to {_your_destination(state)} and let you "
            "know as soon as it is sent."
        )
        lines.append(_BANK_TIMING)
    elif status in REFUNDED and state.cancel_refund_to is RefundDestination.STORE_CREDIT:
        lines.append("Your refund has been issued as store credit in our shop: it does not expire, and you can use it "
                     "on your next order.")
    elif status in REFUNDED:
        amount = "A refund" if status is DisplayFinancialStatus.PARTIALLY_REFUNDED else f"A refund of **{_md(paid)}**"
        lines.append(f"{amount} has been sent to {_your_destination(state)}.")
        lines.append(_BANK_TIMING)
    elif status is DisplayFinancialStatus.VOIDED:
        lines.append(
            "Your payment was never taken: the authorization on your card has been released. Depending on your "
            "bank, the pending amount disappears from your statement within a few business days."
        )
    elif status in (DisplayFinancialStatus.PENDING, DisplayFinancialStatus.EXPIRED):
        lines.append("No payment was taken for this order, so there is nothing to refund.")
    else:
        lines.append("If you were charged, the refund goes back to your original payment method.")
    lines.append("There is nothing else you need to do.")
    return lines


def _shipping_lines(state: OrderState) -> list[str]:
    """What happens to the goods, true for split and partly shipped orders alike."""
    shop = state.shopify
    shipped = [s for s in state.suppliers if _has_shipped(s)]
    part_fulfilled = shop.fulfillment_status in (DisplayFulfillmentStatus.PARTIALLY_FULFILLED,
                                                 DisplayFulfillmentStatus.FULFILLED) or any(
        f.status == "SUCCESS" for f in shop.fulfillments)
    if shipped or part_fulfilled:
        tracking = _tracking(state)
        follow = f" (tracking number **{_md(tracking)}**)" if tracking else ""
        which = "Your order" if _all_shipped(state) else "Part of your order"
        return [f"{which} had already been shipped before the cancellation{follow}. If it reaches you, "
                "you can refuse the delivery or reply to this message and we will tell you how to send it back."]
    if state.suppliers and all(s.status is SupplierStatus.CANCELLED for s in state.suppliers):
        return ["We also cancelled it with our supplier, so nothing will be shipped to you."]
    return []


def _has_shipped(so: SupplierOrderState) -> bool:
    """Shipped in part or whole, or delivered (the rules' shipped group, `kb.facts.SUPPLIER_GROUPS`)."""
    return SUPPLIER_GROUPS[so.status] is SupplierGroup.SHIPPED


def _all_shipped(state: OrderState) -> bool:
    """Every supplier order shipped whole (or, none known, Shopify shows the order fulfilled): not just a part."""
    if state.suppliers:
        return all(s.status in (SupplierStatus.SHIPPED, SupplierStatus.COMPLETED) for s in state.suppliers)
    return state.shopify.fulfillment_status is DisplayFulfillmentStatus.FULFILLED


def _in_progress_reply(state: OrderState) -> list[str]:
    shop = state.shopify
    # Nothing left to stop at a supplier (all shipped, or none was placed): only the shop's side is cancelled.
    no_supplier = (all(_has_shipped(s) for s in state.suppliers) if state.suppliers
                   else state.no_supplier_order is not None)
    where = "now in our shop" if no_supplier else "now, first with our supplier and then in our shop"
    lines = [f"We have received your request to cancel order **{_md(shop.name)}** and are cancelling it {where}."]
    partly_fulfilled = shop.fulfillment_status is DisplayFulfillmentStatus.PARTIALLY_FULFILLED
    if any(_has_shipped(s) for s in state.suppliers) or partly_fulfilled:
        lines.append("Your order has already been shipped, so it can no longer be stopped; we will tell you how to "
                     "return it if it reaches you." if _all_shipped(state) else
                     "Part of your order has already been shipped, so that part can no longer be stopped; we will "
                     "tell you how to return it if it reaches you.")
    if open_chargebacks(shop):
        lines.append("As you opened a dispute with your bank about this payment, the money comes back to you through "
                     "that dispute.")
        return lines
    if unpaid_manual_payment(shop):
        lines.append("No payment was taken for this order, so there is nothing to refund.")
        return lines
    owed = _owed(state)
    if owed.amount <= 0:
        if no_refund(shop) is NoRefund.NOT_CAPTURED:  # a pending charge on their statement: say it goes away
            lines.append("No payment was taken for this order: the pending authorization on your card is released "
                         "with the cancellation, so you are not charged.")
        return lines
    lines += [
        f"As soon as the cancellation is confirmed we will refund **{_md(owed)}** to "
        f"{_your_destination(state)} and email you.",
        _BANK_TIMING,
    ]
    return lines


def _shipped_reply(state: OrderState) -> list[str]:
    _gone = (SupplierStatus.SHIPPED, SupplierStatus.PARTIALLY_SHIPPED, SupplierStatus.COMPLETED, SupplierStatus.CANCELLED)
    if any(s.status not in _gone for s in state.suppliers):  # a split order: only part of it has shipped
        lines = [
            f"Part of your order **{_md(state.shopify.name)}** has already been shipped, so that part can no longer "
            "be cancelled. We are stopping the rest and will confirm what is cancelled and refunded.",
        ]
    else:
        lines = [
            f"Your order **{_md(state.shopify.name)}** has already been shipped, so it can no longer be cancelled.",
        ]
    tracking = _tracking(state)
    if tracking:
        lines.append(f"You can follow the parcel with tracking number **{_md(tracking)}**.")
    lines.append(
        "When it arrives, you can still return it: reply to this message and we will send you the return "
        "instructions. We refund you to your original payment method once the return is on its way back to us."
    )
    return lines


def _attention_reply(state: OrderState) -> list[str]:
    return [
        f"Thank you for your message about order **{_md(state.shopify.name)}**.",
        "We are looking into it personally and will get back to you within one business day with the next steps.",
    ]


_MARKUP = re.compile(r"\\(.)|\*\*")


def as_plain_text(reply: str) -> str:
    """A reply without its Markdown: bold markers dropped, escaped characters as typed (for helpdesks that show raw text)."""
    return _MARKUP.sub(lambda m: m.group(1) or "", reply)


def customer_reply(state: OrderState, walkthrough: Walkthrough, *, markdown: bool = True) -> str:
    """A copyable reply for the ticket: what was cancelled, the refund, and what happens next (Markdown or plain)."""
    text = _customer_reply(state, walkthrough)
    return text if markdown else as_plain_text(text)


def _customer_reply(state: OrderState, walkthrough: Walkthrough) -> str:
    path = walkthrough.path
    if path is PathId.ALREADY_CANCELLED or state.shopify.is_cancelled:
        body = _cancelled_reply(state)
    elif path in (PathId.SUPPLIER_SHIPPED, PathId.FULFILLED):
        body = _shipped_reply(state)
    elif path is PathId.NEEDS_ATTENTION:
        body = _attention_reply(state)
    else:
        body = _in_progress_reply(state)
    return "\n\n".join([_greeting(state), *body, "Best regards"]) + "\n"
