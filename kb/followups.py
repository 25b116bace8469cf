"""What an order waits on, and what a re-check concludes: the rules of the follow-up list, as data.

`waits(state)` lists who the order is waiting on (the seller, the fulfillment service, the merchant's
own team), each with the time after which to look again. `settle(state, walkthrough)` says what a
fresh reading means for a follow-up: still waiting, ready for the Shopify cancel (the supplier has
confirmed), gone somewhere that needs a person, or finished. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from kb.state import (
    DisplayFinancialStatus,
    FulfillmentOrderRequestStatus,
    OrderState,
    SupplierOrderState,
    SupplierStatus,
)
from kb.suppliers import SUPPLIER_TITLES
from kb.walkthrough import ActionId, PathId, Walkthrough

__all__ = [
    "FOLLOW_UP_STATUS_WORDS",
    "RECHECK",
    "WAITING_WORDS",
    "FollowUpStatus",
    "Settled",
    "Wait",
    "WaitingFor",
    "ready_to_cancel",
    "settle",
    "waits",
]


class WaitingFor(StrEnum):
    """Who or what a follow-up waits on. The values are an interface (CLI JSON, the activity store)."""

    SELLER_APPROVAL = "seller_approval"  # a supplier cancellation waits for the seller
    SERVICE_ANSWER = "service_answer"  # a fulfillment cancellation request waits for the service
    MANUAL_RECHECK = "manual_recheck"  # a supplier order to look at again later (held, unreadable)
    REFUND_OWED = "refund_owed"  # cancelled on Shopify with "refund later": the refund is still owed
    SUPPLIER_STILL_ACTIVE = "supplier_still_active"  # cancelled on Shopify, the supplier order is live


class FollowUpStatus(StrEnum):
    """Where a follow-up stands after its last reading. The values are an interface."""

    WAITING = "waiting"  # on someone outside the shop: nothing for a person to do yet
    READY = "ready"  # the supplier confirmed: cancel on Shopify now (a check run does it when authorised)
    PERSON = "person"  # a person must act (refund, cancel at the supplier, look: the path went elsewhere)
    DONE = "done"  # nothing is left to wait for


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

# How long after a reading to look again (live shop); the sandbox shortens these to its reply delay.
RECHECK: Mapping[WaitingFor, timedelta] = MappingProxyType({
    WaitingFor.SELLER_APPROVAL: timedelta(hours=24),  # AliExpress sellers have 72 hours
    WaitingFor.SERVICE_ANSWER: timedelta(hours=1),
    WaitingFor.MANUAL_RECHECK: timedelta(hours=24),
    WaitingFor.REFUND_OWED: timedelta(hours=24),
    WaitingFor.SUPPLIER_STILL_ACTIVE: timedelta(hours=1),
})

# Waits only the merchant's own team can end: the order needs a person now. The others end by
# themselves (an answer, a hold released), so a check run re-reads them when due.
_ON_PERSON = frozenset({WaitingFor.REFUND_OWED, WaitingFor.SUPPLIER_STILL_ACTIVE})
_ACTIVE = frozenset({SupplierStatus.PLACED_UNPAID, SupplierStatus.AWAITING_SHIPMENT})
_OWED = frozenset({DisplayFinancialStatus.PAID, DisplayFinancialStatus.PARTIALLY_PAID})


class Wait(BaseModel):
    """One thing an order waits on, in words, with when to look again."""

    model_config = ConfigDict(frozen=True)

    waiting_for: WaitingFor
    detail: str
    recheck: timedelta
    on_person: bool


def _supplier_words(so: SupplierOrderState) -> str:
    return f"{SUPPLIER_TITLES[so.supplier]} order {so.order_id}"


def _seller(state: OrderState) -> str | None:
    pending = [so for so in state.suppliers if so.status is SupplierStatus.CANCEL_REQUESTED]
    return "; ".join(f"{_supplier_words(so)}: cancellation asked, waiting for the seller" for so in pending) or None


def _service(state: OrderState) -> str | None:
    if state.shopify.is_cancelled:
        return None
    asked = [fo for fo in state.shopify.fulfillment_orders
             if fo.request_status is FulfillmentOrderRequestStatus.CANCELLATION_REQUESTED]
    where = [f"{fo.location_name or 'the fulfillment service'} ({fo.id.rsplit('/', 1)[-1]})" for fo in asked]
    return f"cancellation requested from {', '.join(where)}" if where else None


def _manual(state: OrderState) -> str | None:
    odd = [so for so in state.suppliers if so.read_error or so.status in (SupplierStatus.HELD, SupplierStatus.UNKNOWN)]
    words = [f"{_supplier_words(so)} {'could not be read' if so.read_error else 'is ' + so.status.value}"
             for so in odd]
    return "; ".join(words) + ": check it on the supplier's site" if words else None


def _refund(state: OrderState) -> str | None:
    shop = state.shopify
    if not shop.is_cancelled or shop.financial_status not in _OWED:
        return None
    owed = shop.received or shop.total
    return f"cancelled on Shopify without a refund: {owed} is still owed to the customer"


def _still_active(state: OrderState) -> str | None:
    if not state.shopify.is_cancelled:
        return None
    live = [so for so in state.suppliers if so.status in _ACTIVE]
    return "; ".join(f"{_supplier_words(so)} is still live" for so in live) + ": cancel it at the supplier" \
        if live else None


# The rules, in the order the list shows them: who the order waits on, and the guard that says so.
_RULES: tuple[tuple[WaitingFor, Callable[[OrderState], str | None]], ...] = (
    (WaitingFor.SUPPLIER_STILL_ACTIVE, _still_active),
    (WaitingFor.SERVICE_ANSWER, _service),
    (WaitingFor.SELLER_APPROVAL, _seller),
    (WaitingFor.REFUND_OWED, _refund),
    (WaitingFor.MANUAL_RECHECK, _manual),
)


def waits(state: OrderState) -> tuple[Wait, ...]:
    """Everything this order waits on now, most urgent first (empty: nothing to follow up)."""
    out: list[Wait] = []
    for kind, guard in _RULES:
        detail = guard(state)
        if detail:
            out.append(Wait(waiting_for=kind, detail=detail, recheck=RECHECK[kind], on_person=kind in _ON_PERSON))
    return tuple(out)


def ready_to_cancel(state: OrderState, walkthrough: Walkthrough) -> bool:
    """The supplier side has confirmed: Shopify's cancel is the next step and every supplier order is cancelled."""
    nxt = walkthrough.next_step
    if nxt is None or nxt.action is not ActionId.CANCEL_ORDER or state.shopify.is_cancelled:
        return False
    return all(so.status is SupplierStatus.CANCELLED and not so.read_error for so in state.suppliers)


@dataclass(frozen=True)
class Settled:
    """What one reading means for a follow-up."""

    status: FollowUpStatus
    waiting_for: WaitingFor | None
    detail: str
    recheck: timedelta | None


_ELSEWHERE: Mapping[PathId, str] = MappingProxyType({
    PathId.SUPPLIER_SHIPPED: "the supplier has shipped: this is now a return or a refusal, not a cancellation",
    PathId.FULFILLED: "Shopify shows the order fulfilled: handle it as a return",
    PathId.NEEDS_ATTENTION: "the order needs a closer look",
    PathId.CANCELLABLE: "the supplier order is live again (the cancellation was refused or withdrawn): "
                        "cancel it at the supplier again or talk to the seller",
    PathId.FULFILLMENT_IN_PROGRESS: "the fulfillment is in progress again (the request was rejected or resent)",
})


def settle(state: OrderState, walkthrough: Walkthrough) -> Settled:
    """Where a followed order stands on this reading: waiting, ready, needs a person, or done."""
    found = waits(state)
    if ready_to_cancel(state, walkthrough):
        return Settled(FollowUpStatus.READY, None, "the supplier side is cancelled: cancel on Shopify now", None)
    if found:
        first = found[0]
        status = FollowUpStatus.PERSON if first.on_person else FollowUpStatus.WAITING
        return Settled(status, first.waiting_for, first.detail, first.recheck)
    if walkthrough.path is PathId.ALREADY_CANCELLED:
        return Settled(FollowUpStatus.DONE, None, "cancelled on both sides; nothing is owed", None)
    nxt = walkthrough.next_step
    then = f" Next step: {nxt.title}." if nxt else ""
    why = _ELSEWHERE.get(walkthrough.path, walkthrough.title)
    return Settled(FollowUpStatus.PERSON, None, f"{why[:1].upper()}{why[1:]}.{then}", None)
