"""What an order waits on, and what a re-check concludes: the rules of the follow-up list, as data.

`waits(state)` lists who the order is waiting on (the seller, the fulfillment service, the merchant's
own team), each with the time after which to look again. `settle(state, walkthrough)` says what a
fresh reading means for a follow-up: still waiting, ready for the Shopify cancel (the supplier has
confirmed), gone somewhere that needs a person, or finished. Pure: no I/O, no clock. Its words live
in `kb.wording.followups`; `WaitingFor` and `FollowUpStatus` are vocabulary (`kb.state`), re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from kb.refunds import refund_owed, refundable
from kb.revert import is_waiting, service_silent
from kb.state import (
    FollowUpStatus,
    OrderState,
    SupplierStatus,
    WaitingFor,
)
from kb.walkthrough import ActionId, PathId, Walkthrough
from kb.wording.followups import (
    DONE_WORDS,
    READY_WORDS,
    elsewhere_words,
    silent_service_words,
    refund_owed_words,
    seller_words,
    service_words,
    still_active_words,
    unread_words,
)

__all__ = [
    "RECHECK",
    "FollowUpStatus",
    "Settled",
    "Wait",
    "WaitingFor",
    "ready_to_cancel",
    "settle",
    "waits",
]


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


class Wait(BaseModel):
    """One thing an order waits on, in words, with when to look again."""

    model_config = ConfigDict(frozen=True)

    waiting_for: WaitingFor
    detail: str
    recheck: timedelta
    on_person: bool


def _seller(state: OrderState) -> str | None:
    pending = [so for so in state.suppliers if so.status is SupplierStatus.CANCEL_REQUESTED]
    return seller_words(pending) if pending else None


def _service(state: OrderState) -> str | None:
    if state.shopify.is_cancelled:
        return None
    # As the walkthrough reads it: a service silent for 48 hours, whose request Shopify lets the merchant cancel, is
    # waited on no longer (the walkthrough offers that cancel now).
    asked = [fo for fo in state.shopify.fulfillment_orders if is_waiting(fo, state.checked_at)]
    return service_words(asked) if asked else None


def _manual(state: OrderState) -> str | None:
    odd = [so for so in state.suppliers if so.read_error or so.status in (SupplierStatus.HELD, SupplierStatus.UNKNOWN)]
    return unread_words(odd) if odd else None


def _refund(state: OrderState) -> str | None:
    """Owed exactly when the walkthrough's "Refund later" step says so (`kb.refunds.refund_owed`): what is left."""
    return refund_owed_words(refundable(state.shopify)) if refund_owed(state.shopify) else None


def _still_active(state: OrderState) -> str | None:
    if not state.shopify.is_cancelled:
        return None
    live = [so for so in state.suppliers if so.status in _ACTIVE]
    return still_active_words(live) if live else None


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


def settle(state: OrderState, walkthrough: Walkthrough) -> Settled:
    """Where a followed order stands on this reading: waiting, ready, needs a person, or done."""
    found = waits(state)
    if ready_to_cancel(state, walkthrough):
        return Settled(FollowUpStatus.READY, None, READY_WORDS, None)
    if found:
        first = found[0]
        status = FollowUpStatus.PERSON if first.on_person else FollowUpStatus.WAITING
        return Settled(status, first.waiting_for, first.detail, first.recheck)
    if walkthrough.path is PathId.ALREADY_CANCELLED:
        return Settled(FollowUpStatus.DONE, None, DONE_WORDS, None)
    nxt = walkthrough.next_step
    silent = [fo for fo in state.shopify.fulfillment_orders if service_silent(fo, state.checked_at)]
    if silent and not state.shopify.is_cancelled:
        return Settled(FollowUpStatus.PERSON, None, silent_service_words(silent, nxt.title if nxt else None), None)
    words = elsewhere_words(walkthrough.path, walkthrough.title, nxt.title if nxt else None)
    return Settled(FollowUpStatus.PERSON, None, words, None)
