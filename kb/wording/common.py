"""How the things an order is made of are named in a sentence: statuses, orders, fulfillment orders,
what is odd, money. Every other wording module builds on these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TypeVar

from kb.discovery import AppSign, SignKind
from kb.facts import Facts, Odd, Oddity
from kb.refunds import NoRefund, no_refund, open_chargebacks, refundable, refundable_presentment
from kb.revert import SERVICE_SILENCE
from kb.state import (
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    ShopifyOrderState,
    SupplierOrderState,
    SupplierRef,
    SupplierStatus,
)
from kb.suppliers import SUPPLIER_TITLES, SUPPLIERS
from kb.wording.options import FO_ACTIONS

__all__ = [
    "APP_SIGN_WORDS",
    "DISPLAY_WORDS",
    "DISPUTE_STATUS_WORDS",
    "HOLD_REASON_WORDS",
    "ODDITY_WORDS",
    "REVERT_WORDS",
    "SUPPLIER_STATUS_WORDS",
    "actions_words",
    "amount_words",
    "app_signs_words",
    "capitalised",
    "code_words",
    "day_words",
    "describe",
    "fo_of",
    "fo_state_words",
    "fo_words",
    "hold_reasons_words",
    "hours",
    "listing",
    "no_supplier_words",
    "on_date",
    "order_words",
    "raw",
    "ref_of",
    "refund_choice_words",
    "request_words",
    "so_of",
    "supplier_oddity",
    "unknown_words",
]

_S = SupplierStatus
_D = DisplayFulfillmentStatus
_FOS = FulfillmentOrderStatus
_FOR = FulfillmentOrderRequestStatus

SUPPLIER_STATUS_WORDS: Mapping[SupplierStatus, str] = MappingProxyType({
    _S.PLACED_UNPAID: "placed, not paid yet",
    _S.AWAITING_SHIPMENT: "paid, waiting for the seller to ship",
    _S.HELD: "on hold at the supplier (risk control, a missing address or a group buy)",
    _S.CANCEL_REQUESTED: "cancellation requested, waiting for the seller",
    _S.PARTIALLY_SHIPPED: "partly shipped",
    _S.SHIPPED: "shipped",
    _S.COMPLETED: "delivered or completed",
    _S.CANCELLED: "cancelled",
    _S.IN_DISPUTE: "in a dispute or refund case",
    _S.UNKNOWN: "in a status we do not know",
})

DISPLAY_WORDS: Mapping[DisplayFulfillmentStatus, str] = MappingProxyType({
    _D.UNFULFILLED: "Unfulfilled",
    _D.PARTIALLY_FULFILLED: "Partially fulfilled",
    _D.FULFILLED: "Fulfilled",
    _D.IN_PROGRESS: "In progress",
    _D.ON_HOLD: "On hold",
    _D.SCHEDULED: "Scheduled",
    _D.REQUEST_DECLINED: "Request declined",
    _D.RESTOCKED: "Restocked",
    _D.PENDING_FULFILLMENT: "Pending fulfillment",
    _D.OPEN: "Open",
    _D.UNKNOWN: "an unknown fulfillment status",
})

# Shopify's `FulfillmentHoldReason` and `DisputeStatus` values, as a merchant reads them (a value not
# listed reads as itself, in lower case: `code_words`).
HOLD_REASON_WORDS: Mapping[str, str] = MappingProxyType({
    "AWAITING_PAYMENT": "awaiting payment",
    "HIGH_RISK_OF_FRAUD": "high risk of fraud",
    "INCORRECT_ADDRESS": "incorrect address",
    "INVENTORY_OUT_OF_STOCK": "out of stock",
    "UNKNOWN_DELIVERY_DATE": "unknown delivery date",
    "ONLINE_STORE_POST_PURCHASE_CROSS_SELL": "waiting for a post-purchase offer",
    "AWAITING_RETURN_ITEMS": "awaiting returned items",
    "OTHER": "other reason",
})
DISPUTE_STATUS_WORDS: Mapping[str, str] = MappingProxyType({
    "NEEDS_RESPONSE": "waiting for your response",
    "UNDER_REVIEW": "under review by the bank",
    "ACCEPTED": "accepted",
    "WON": "won",
    "LOST": "lost",
    "CHARGE_REFUNDED": "refunded",
})


def code_words(words: Mapping[str, str], code: str) -> str:
    """A Shopify code in words: from `words`, else the code itself in lower case ("SOME_CODE" -> "some code")."""
    return words.get(code) or code.replace("_", " ").lower()


def hold_reasons_words(reasons: Iterable[str]) -> str:
    return ", ".join(code_words(HOLD_REASON_WORDS, reason) for reason in reasons)


# What a revert does, completed by "for <the fulfillment ...>": the reverts the rules offer.
REVERT_WORDS: Mapping[FulfillmentOrderAction, str] = MappingProxyType(
    {action: words.does for action, words in FO_ACTIONS.items() if words.does})


def order_words(so: SupplierOrderState) -> str:
    # The entry's title read directly: SUPPLIER_TITLES is a live view with a Python-level lookup (10 a walkthrough).
    return f"{SUPPLIERS[so.supplier].title} order {so.order_id}"


def describe(so: SupplierOrderState) -> str:
    return f"{order_words(so)} ({SUPPLIER_STATUS_WORDS[so.status]})"


def raw(so: SupplierOrderState) -> str:
    if so.raw_status is None:
        return "no status"
    return so.raw_status + (f", {so.end_reason}" if so.end_reason else "")


def capitalised(text: str) -> str:
    """`text` opening a sentence ("the fulfillment at ..." -> "The fulfillment at ...")."""
    return text[:1].upper() + text[1:]


def fo_words(fo: FulfillmentOrderState) -> str:
    where = f" at {fo.location_name}" if fo.location_name else ""
    return f"the fulfillment{where} ({fo.id.rsplit('/', 1)[-1]})"


def request_words(fo: FulfillmentOrderState) -> str:
    return f"status {fo.status.value}, request {fo.request_status.value}"


def fo_state_words(fo: FulfillmentOrderState) -> str:
    """Where a fulfillment order stands, as a verb phrase a merchant understands."""
    if fo.request_status is _FOR.SUBMITTED:
        return "has a fulfillment request the service has not accepted yet"
    if fo.request_status is _FOR.ACCEPTED:
        return "has a fulfillment request the service has accepted"
    if fo.request_status is _FOR.CANCELLATION_REQUESTED:
        return ("has a cancellation request the fulfillment service has not answered for more than "
                f"{hours(SERVICE_SILENCE)}")
    if fo.status is _FOS.ON_HOLD or fo.hold_ids:
        why = f" ({hold_reasons_words(fo.hold_reasons)})" if fo.hold_reasons else ""
        return f"is on hold{why}"
    if fo.status is _FOS.IN_PROGRESS:
        return "is marked in progress"
    return f"is in {request_words(fo)}"


def actions_words(fo: FulfillmentOrderState) -> str:
    return ", ".join(a.value for a in fo.supported_actions) or "none"


def hours(delta: timedelta) -> str:
    count = int(delta.total_seconds() // 3600)
    return "an hour" if count == 1 else f"{count} hours"


def listing(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Per kind of sign that an app placed a supplier order (`kb.discovery.app_signs`), what it says.
APP_SIGN_WORDS: Mapping[SignKind, Callable[[AppSign], str]] = MappingProxyType({
    "location": lambda sign: f"its items are assigned to {sign.text}, the location of the app {sign.app}",
    "tag": lambda sign: f"it carries the tag \u201c{sign.text}\u201d, a status tag of the app {sign.app}",
})


def app_signs_words(signs: Iterable[AppSign]) -> str:
    """Why a supplier order was probably placed, every sign in one listing."""
    return listing(APP_SIGN_WORDS[sign.kind](sign) for sign in signs)


def supplier_oddity(so: SupplierOrderState) -> str:
    name = order_words(so)
    if so.read_error is not None:
        return f"{name} could not be read ({so.read_error}); check it on the supplier's site"
    if so.status is _S.HELD:
        return f"{name} is on hold at the supplier ({raw(so)}); look at it on the supplier's site before anything else"
    if so.status is _S.IN_DISPUTE:
        return f"{name} has a dispute or refund case open ({raw(so)}); follow it on the supplier's site"
    return f"{name} is in a status we do not know ({raw(so)}), so we cannot tell whether it can be cancelled"


_T = TypeVar("_T")


def _of(kind: type[_T], subject: object) -> _T:
    """What a sentence speaks of, checked to be the kind the sentence is written for."""
    assert isinstance(subject, kind), f"{kind.__name__} expected, got {subject!r}"
    return subject


def fo_of(subject: object) -> FulfillmentOrderState:
    return _of(FulfillmentOrderState, subject)


def so_of(subject: object) -> SupplierOrderState:
    return _of(SupplierOrderState, subject)


def ref_of(subject: object) -> SupplierRef:
    return _of(SupplierRef, subject)


def _return_open(f: Facts, oddity: Oddity) -> str:
    return (f"a return is open on Shopify (return status {f.shopify.return_status}), and Shopify "
            "cannot cancel an order with a return in progress; close or finish the return first")


def _fulfilled_not_shipped(f: Facts, oddity: Oddity) -> str:
    return (f"Shopify shows the order {DISPLAY_WORDS[f.shopify.fulfillment_status]}, yet none of its "
            f"supplier orders has shipped ({listing(describe(so) for so in f.suppliers)}): "
            "a tracking number may have been added by mistake")


def _in_progress_no_revert(f: Facts, oddity: Oddity) -> str:
    return (f"Shopify shows the order {DISPLAY_WORDS[f.shopify.fulfillment_status]}, but no fulfillment order shows "
            "a request we could revert, so no revert is currently allowed (the app may lack access to the "
            "fulfillment orders); look at the order in Shopify admin")


ODDITY_WORDS: Mapping[Odd, Callable[[Facts, Oddity], str]] = MappingProxyType({
    Odd.PAYMENT_PENDING: lambda f, o: (
        "the payment is still pending authorization, and Shopify cannot cancel an order "
        "while a payment authorization is pending; wait until the payment goes through or fails"),
    Odd.RETURN_OPEN: _return_open,
    Odd.FULFILLMENT_STATUS_UNKNOWN: lambda f, o: (
        "Shopify reports a fulfillment status we do not know, so we cannot tell whether anything shipped"),
    Odd.REQUEST_DECLINED: lambda f, o: (
        "the fulfillment service declined the fulfillment request (Request declined): look at the order "
        "in Shopify admin and decide whether to fulfill it another way or cancel it"),
    Odd.FO_STATUS_UNKNOWN: lambda f, o: f"{fo_words(fo_of(o.subject))} has a status we do not know",
    Odd.FO_REJECTED: lambda f, o: f"{fo_words(fo_of(o.subject))}: the fulfillment service rejected the fulfillment request",
    Odd.FO_CANCELLATION_REJECTED: lambda f, o: (
        f"{fo_words(fo_of(o.subject))}: the fulfillment service refused to cancel the fulfillment, so it may still "
        "ship; contact the service"),
    Odd.FO_REQUEST_UNKNOWN: lambda f, o: f"{fo_words(fo_of(o.subject))} has a request status we do not know",
    Odd.REF_NOT_READ: lambda f, o: (
        f"{SUPPLIER_TITLES[ref_of(o.subject).supplier]} order {ref_of(o.subject).order_id} is linked to this order but was not "
        "checked, so we cannot tell whether it can still be cancelled"),
    Odd.FULFILLED_NOT_SHIPPED: _fulfilled_not_shipped,
    Odd.IN_PROGRESS_NO_REVERT: _in_progress_no_revert,
    Odd.REVERT_NOT_ALLOWED: lambda f, o: (
        f"{fo_words(fo_of(o.subject))} {fo_state_words(fo_of(o.subject))}, and Shopify currently allows no revert on it "
        f"(allowed actions: {actions_words(fo_of(o.subject))}); contact the fulfillment service"),
})


def unknown_words(f: Facts) -> str:
    """Why the supplier side is not clear when no supplier order was found, and how to clear it."""
    signs = (f" A supplier order was probably placed: {app_signs_words(f.app_signs)}." if f.app_signs else "")
    return ("no supplier order number was found on it (metafield, note attributes, note and tags were read)."
            f"{signs} Enter the supplier order number(s), or confirm that no supplier order was placed, before "
            "cancelling on Shopify: otherwise the supplier may still ship, and charge you for, a cancelled order.")


def no_supplier_words(f: Facts) -> str:
    ruled_out = f.no_supplier_order
    if ruled_out is None:
        return "No supplier order is linked to this order."
    ticket = f" (ticket {ruled_out.ticket})" if ruled_out.ticket else ""
    at = ruled_out.at
    return f"You confirmed at {day_words(at)} {at.hour:02}:{at.minute:02} UTC{ticket} that no supplier order was placed."


def amount_words(shopify: ShopifyOrderState) -> str:
    """The refundable amount, with the customer's own currency beside it when it differs."""
    amount = refundable(shopify)
    customer = refundable_presentment(shopify)
    return f"{customer} ({amount} in the shop's currency)" if customer is not None else str(amount)


# Why the cancel sends no refund, as the Shopify cancel step says it (`kb.refunds.no_refund`).
_NO_REFUND_STEP: Mapping[NoRefund, str] = MappingProxyType({
    NoRefund.UNPAID_MANUAL: ("Nothing was paid yet (cash on delivery or another manual payment), so there is nothing to "
                             "refund and the cancel sends no refund."),
    NoRefund.NOT_CAPTURED: ("No payment was captured (it is only authorized), so there is nothing to refund: the cancel "
                            "voids the authorization."),
    NoRefund.ALREADY_REFUNDED: "The order was already refunded in full, so the cancel sends no refund.",
    NoRefund.NOTHING_LEFT: "Nothing is left to refund, so the cancel sends no refund.",
})


def refund_choice_words(shopify: ShopifyOrderState) -> str:
    why = no_refund(shopify)
    if why is not None:
        return _NO_REFUND_STEP[why]
    if open_chargebacks(shopify):
        return (f"A chargeback is open, so do not refund {amount_words(shopify)} now: the dispute returns the "
                "money to the customer if the bank decides for them (refund later).")
    return (f"Choose refund now ({amount_words(shopify)} back to the original payment method, or as store credit) "
            "or later.")


def on_date(f: Facts) -> str:
    """` on 2026-03-02` when Shopify shows the order cancelled, else nothing."""
    cancelled_at = f.shopify.cancelled_at
    return f" on {day_words(cancelled_at)}" if cancelled_at else ""


def day_words(at: datetime) -> str:
    """`2026-03-02`, as `%Y-%m-%d` gives it for any year Shopify shows, at a tenth of strftime's cost."""
    return at.date().isoformat()
