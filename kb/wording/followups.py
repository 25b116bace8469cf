"""Words for the follow-up list (`kb.followups`): who an order waits on, where a follow-up stands, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from kb.state import FollowUpStatus, FulfillmentOrderState, Money, SupplierOrderState, WaitingFor
from kb.suppliers import SUPPLIER_TITLES
from kb.walkthrough import PathId

__all__ = [
    "DONE_WORDS",
    "FOLLOW_UP_STATUS_WORDS",
    "READY_WORDS",
    "WAITING_WORDS",
    "elsewhere_words",
    "refund_owed_words",
    "seller_words",
    "service_words",
    "still_active_words",
    "unread_words",
]

WAITING_WORDS: Mapping[WaitingFor, str] = MappingProxyType({
    WaitingFor.SELLER_APPROVAL: "the seller to approve the cancellation",
    WaitingFor.SERVICE_ANSWER: "the fulfillment service to answer the cancellation request",
    WaitingFor.MANUAL_RECHECK: "a re-check by hand",
    WaitingFor.REFUND_OWED: "the refund owed to the customer",
    WaitingFor.SUPPLIER_STILL_ACTIVE: "the supplier order to be cancelled",
})

FOLLOW_UP_STATUS_WORDS: Mapping[FollowUpStatus, str] = MappingProxyType({
    FollowUpStatus.WAITING: "waiting",
    FollowUpStatus.READY: "ready to cancel on Shopify",
    FollowUpStatus.PERSON: "needs a person",
    FollowUpStatus.DONE: "done",
})

READY_WORDS = "the supplier side is cancelled: cancel on Shopify now"
DONE_WORDS = "cancelled on both sides; nothing is owed"

# Where the path went when a followed order no longer waits (the others read the walkthrough's title).
_ELSEWHERE: Mapping[PathId, str] = MappingProxyType({
    PathId.SUPPLIER_SHIPPED: "the supplier has shipped: this is now a return or a refusal, not a cancellation",
    PathId.FULFILLED: "Shopify shows the order fulfilled: handle it as a return",
    PathId.NEEDS_ATTENTION: "the order needs a closer look",
    PathId.CANCELLABLE: "the supplier order is live again (the cancellation was refused or withdrawn): "
                        "cancel it at the supplier again or talk to the seller",
    PathId.FULFILLMENT_IN_PROGRESS: "the fulfillment is in progress again (the request was rejected or resent)",
})


def _supplier_words(so: SupplierOrderState) -> str:
    return f"{SUPPLIER_TITLES[so.supplier]} order {so.order_id}"


def seller_words(pending: Sequence[SupplierOrderState]) -> str:
    """Supplier orders whose cancellation waits for the seller."""
    return "; ".join(f"{_supplier_words(so)}: cancellation asked, waiting for the seller" for so in pending)


def service_words(asked: Sequence[FulfillmentOrderState]) -> str:
    """Fulfillment orders whose cancellation request waits for the service."""
    where = [f"{fo.location_name or 'the fulfillment service'} ({fo.id.rsplit('/', 1)[-1]})" for fo in asked]
    return f"cancellation requested from {', '.join(where)}"


def unread_words(odd: Sequence[SupplierOrderState]) -> str:
    """Supplier orders to look at on the supplier's site (unreadable, held or unknown)."""
    words = [f"{_supplier_words(so)} {'could not be read' if so.read_error else 'is ' + so.status.value}"
             for so in odd]
    return "; ".join(words) + ": check it on the supplier's site"


def refund_owed_words(owed: Money) -> str:
    """Cancelled on Shopify with "refund later": what is still owed."""
    return f"cancelled on Shopify without a refund: {owed} is still owed to the customer"


def still_active_words(live: Sequence[SupplierOrderState]) -> str:
    """Cancelled on Shopify while these supplier orders are still live."""
    return "; ".join(f"{_supplier_words(so)} is still live" for so in live) + ": cancel it at the supplier"


def elsewhere_words(path: PathId, title: str, next_title: str | None) -> str:
    """Why a followed order needs a person: where its path went (`title` when unnamed), and its next step."""
    then = f" Next step: {next_title}." if next_title is not None else ""
    why = _ELSEWHERE.get(path, title)
    return f"{why[:1].upper()}{why[1:]}.{then}"
