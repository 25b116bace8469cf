"""Words for the cancel's options and the fulfillment-order actions: one map per concept, used by every caller.

Each map gives every way a merchant reads the value (a label on a button or a choice, a phrase inside
a sentence), so no page, reply or adapter keeps words of its own for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from kb.state import CancelReason, FulfillmentOrderAction, RefundDestination, RefundTiming

__all__ = [
    "CANCEL_FORM",
    "CANCEL_REASONS",
    "CANCEL_REASON_WORDS",
    "CancelFormWords",
    "CancelReasonWords",
    "FO_ACTIONS",
    "FoActionWords",
    "REFUND_DESTINATIONS",
    "REFUND_TO_WORDS",
    "REFUND_WORDS",
    "RefundDestinationWords",
    "notify_words",
    "restock_words",
]

REFUND_WORDS: Mapping[RefundTiming, str] = MappingProxyType(
    {RefundTiming.NOW: "Refund now", RefundTiming.LATER: "Refund later"}
)



class RefundDestinationWords(NamedTuple):
    label: str  # a choice in the cancel dialog
    phrase: str  # after "Refund now": "Refund now <phrase>"


REFUND_DESTINATIONS: Mapping[RefundDestination, RefundDestinationWords] = MappingProxyType({
    RefundDestination.ORIGINAL: RefundDestinationWords("Original payment method", "to the original payment method"),
    RefundDestination.STORE_CREDIT: RefundDestinationWords("Store credit", "as store credit"),
})
# The labels alone, for a choice's `format_func` (read from REFUND_DESTINATIONS, not kept twice).
REFUND_TO_WORDS: Mapping[RefundDestination, str] = MappingProxyType(
    {destination: words.label for destination, words in REFUND_DESTINATIONS.items()})


class CancelReasonWords(NamedTuple):
    label: str  # a choice in the cancel dialog, as Shopify admin names it
    phrase: str  # inside a sentence: "reason: <phrase>"


CANCEL_REASONS: Mapping[CancelReason, CancelReasonWords] = MappingProxyType({
    CancelReason.CUSTOMER: CancelReasonWords("Customer changed or cancelled order",
                                             "the customer changed or cancelled the order"),
    CancelReason.DECLINED: CancelReasonWords("Payment declined", "the payment was declined"),
    CancelReason.FRAUD: CancelReasonWords("Fraudulent order", "fraudulent order"),
    CancelReason.INVENTORY: CancelReasonWords("Items unavailable", "items unavailable"),
    CancelReason.STAFF: CancelReasonWords("Staff error", "staff error"),
    CancelReason.OTHER: CancelReasonWords("Other", "other"),
})
# The labels alone, for a choice's `format_func` (read from CANCEL_REASONS, not kept twice).
CANCEL_REASON_WORDS: Mapping[CancelReason, str] = MappingProxyType(
    {reason: words.label for reason, words in CANCEL_REASONS.items()})


class CancelFormWords(NamedTuple):
    """The fields of a form that sets the cancel's options (the cancel dialog and "Finish it for me")."""

    refund: str
    refund_to: str
    refund_note: str  # under the refund choice
    reason: str
    staff_note: str
    staff_note_too_long: str
    restock: str
    notify: str


CANCEL_FORM = CancelFormWords(
    refund="Refund",
    refund_to="Refund to",
    refund_note=("A refund goes back to the original payment method, or as store credit if you choose it. With "
                 f"'{REFUND_WORDS[RefundTiming.LATER]}' you refund from the order page afterwards."),
    reason="Reason for cancellation",
    staff_note="Staff note (only your staff sees it)",
    staff_note_too_long="The staff note can be at most 255 characters.",
    restock="Restock the items",
    notify="Send the customer a cancellation notice",
)


class FoActionWords(NamedTuple):
    label: str  # the button
    verb: str  # "Shopify did not <verb>"
    does: str  # what it does, completed by "for <the fulfillment ...>" ("" for one the rules never offer)
    done: str  # what happened, once Shopify did it


FO_ACTIONS: Mapping[FulfillmentOrderAction, FoActionWords] = MappingProxyType({
    FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER: FoActionWords(
        "Cancel the fulfillment request",
        "cancel the fulfillment request",
        "cancel the fulfillment request (Shopify does it at once, but does not tell the fulfillment service: "
        "stop the order in the app, such as DSers or Zopi, too)",
        "The fulfillment request was cancelled on Shopify. Shopify does not tell the fulfillment "
        "service: stop the order in the app (DSers, Zopi...) too"),
    FulfillmentOrderAction.REQUEST_CANCELLATION: FoActionWords(
        "Ask the fulfillment service to cancel",
        "ask the fulfillment service to cancel",
        "ask the fulfillment service to cancel the request it accepted",
        "A cancellation request was sent to the fulfillment service; wait for its answer"),
    FulfillmentOrderAction.MARK_AS_OPEN: FoActionWords(
        "Mark the items as open again",
        "mark the fulfillment order as open",
        "mark it as open again",
        "The fulfillment order was marked as open again"),
    FulfillmentOrderAction.RELEASE_HOLD: FoActionWords(  # never offered (a hold is never released to cancel)
        "Release the hold",
        "release the hold",
        "",
        "The hold on the fulfillment order was released"),
})


def restock_words(restock: bool) -> str:
    """Whether the cancel restocks, as a short list of its options says it."""
    return "restock" if restock else "no restock"


def notify_words(notify: bool) -> str:
    """Whether Shopify emails the customer, as a short list of the cancel's options says it."""
    return "notify the customer" if notify else "no email to the customer"
