"""What a walkthrough warns about: money at risk, what cannot be undone, holds, disputes."""

from __future__ import annotations

from kb import guards as g
from kb.facts import Facts, is_paid
from kb.refunds import REFUNDED, no_refund, open_chargebacks
from kb.revert import FULFILLED_DISPLAY, is_fraud_hold
from kb.state import DisplayFinancialStatus, DisplayFulfillmentStatus
from kb.walkthrough import PathId
from kb.wording.common import (
    DISPLAY_WORDS,
    DISPUTE_STATUS_WORDS,
    amount_words,
    app_signs_words,
    capitalised,
    code_words,
    describe,
    fo_words,
    hold_reasons_words,
    listing,
    order_words,
)

__all__ = ["CANCEL_PATHS", "IRREVERSIBLE_CANCEL", "REFUND_METHOD_NOTE", "warnings"]

# The two warnings that belong with one control (the cancel confirmation), not on the page (`kb.card`).
IRREVERSIBLE_CANCEL = "Cancelling on Shopify cannot be undone."
REFUND_METHOD_NOTE = ("A refund goes to the original payment method unless you choose store credit; a customer who no "
                      "longer has that card or account must claim the funds from their bank or payment provider.")

# Paths that end with cancelling on Shopify: the cancel's own warnings belong to them.
CANCEL_PATHS = frozenset({PathId.CANCELLABLE, PathId.FULFILLMENT_IN_PROGRESS, PathId.CANCELLATION_PENDING})
_F = DisplayFinancialStatus


def warnings(f: Facts, path: PathId) -> tuple[str, ...]:
    shopify = f.shopify
    out: list[str] = []
    if path is PathId.SUPPLIER_STILL_ACTIVE:
        refunded = " (and refunded)" if shopify.financial_status in REFUNDED else ""
        paid = any(is_paid(so) for so in f.active)
        opening = "Money is leaking" if paid else "Money at risk once it is paid"
        out.append(f"{opening}: {listing(describe(so) for so in f.active)} is still active although the order "
                   f"is cancelled{refunded} on Shopify. Cancel it at the supplier now.")
    for so in f.active:
        if is_paid(so) and path is not PathId.SUPPLIER_STILL_ACTIVE:
            cost = f" ({so.amount})" if so.amount else ""
            out.append(f"Money at risk: {order_words(so)} is paid{cost} and not cancelled yet; until it is, the "
                       "seller may ship it and you pay for it.")
    if f.cancelled and f.shipped:
        shipped = listing(describe(so) for so in f.shipped)
        if shopify.financial_status in REFUNDED:
            out.append(f"Goods are on their way to a customer who was refunded: {shipped}.")
        else:  # nothing paid (a refused cash-on-delivery parcel), or refund later not made yet
            out.append(f"The supplier shipped goods for an order cancelled on Shopify: {shipped}.")
    for so in f.suppliers:
        if so.read_error is not None:
            out.append(f"{order_words(so)} could not be read: {so.read_error}.")
    if g.supplier_unknown(f) and f.app_signs:
        done = " although the order is cancelled on Shopify" if f.cancelled else ""
        out.append(f"A supplier order was probably placed{done}: {app_signs_words(f.app_signs)}. Find its number in the app "
                   "and enter it, so it can be checked and cancelled.")
    elif g.supplier_unknown(f) and not f.cancelled:
        out.append("No supplier order is linked to this order. If you placed one, enter its order number so it can be "
                   "checked and cancelled first; otherwise the supplier may still ship and charge you.")
    if not f.cancelled:
        out.extend(_before_the_cancel(f, path))
    elif shopify.fulfillment_status in FULFILLED_DISPLAY and not f.unpaid_manual:
        out.append(f"Shopify shows this cancelled order {DISPLAY_WORDS[shopify.fulfillment_status]}: some items may "
                   "have shipped.")
    for dispute in open_chargebacks(shopify):
        kind = "chargeback" if dispute.initiated_as == "CHARGEBACK" else "payment inquiry"
        out.append(f"The customer opened a {kind} with their bank ({code_words(DISPUTE_STATUS_WORDS, dispute.status)}). Do not refund it "
                   "separately: if the bank decides for the customer, the dispute returns their money, and a refund "
                   "on top would pay them twice. Answer the dispute in Shopify admin instead.")
    return tuple(out)


def _before_the_cancel(f: Facts, path: PathId) -> list[str]:
    shopify = f.shopify
    out: list[str] = []
    if shopify.fulfillment_status is DisplayFulfillmentStatus.PARTIALLY_FULFILLED:
        out.append("Part of the order is already fulfilled: those items cannot be cancelled, only returned.")
    fin = shopify.financial_status if path in CANCEL_PATHS else None
    if fin is _F.AUTHORIZED:
        out.append("The payment is only authorized: cancelling voids the authorization, so the customer is not "
                   "charged and there is nothing to refund.")
    elif fin is _F.REFUNDED:
        out.append("The order is already refunded in full: nothing is left to refund, so the cancel sends no refund.")
    elif fin is _F.PARTIALLY_REFUNDED:
        out.append(f"The order is already partly refunded: a refund with the cancellation only returns what is left "
                   f"({amount_words(shopify)}).")
    elif fin is _F.EXPIRED:
        out.append("The payment authorization expired: nothing was charged, so there is nothing to refund.")
    elif fin is _F.PENDING and f.unpaid_manual:
        out.append("Paid by cash on delivery or another manual method, and nothing was received yet: the cancel "
                   "sends no refund.")
    if path in CANCEL_PATHS:
        if no_refund(shopify) is None:  # only where there is something to refund
            out.append(REFUND_METHOD_NOTE)
        out.append(IRREVERSIBLE_CANCEL)
    for fo in f.held:
        fraud = is_fraud_hold(fo)
        out.append(
            f"{capitalised(fo_words(fo))} is on hold ({hold_reasons_words(fo.hold_reasons) or 'no reason given'}). Cancel the order "
            "as it is: the assistant never releases a hold, because an app may fulfil the order the moment it "
            "is released." + (" This is a fraud hold: consider the reason 'Fraudulent order' when you cancel, "
                              "and never release it to ship." if fraud else ""))
    if shopify.closed:
        out.append("The order is archived (closed) in Shopify admin.")
    return out
