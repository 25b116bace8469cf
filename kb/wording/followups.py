"""Words for the follow-up list (`kb.followups`): who an order waits on, where a follow-up stands, and why;
the authorisations and the check run (`actions.followups`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from kb.state import CancelOptions, FollowUpStatus, FulfillmentOrderState, Money, SupplierOrderState, WaitingFor
from kb.suppliers import SUPPLIER_TITLES
from kb.walkthrough import PathId
from kb.wording.common import capitalised
from kb.wording.options import REFUND_WORDS, notify_words, restock_words

__all__ = [
    "AUTHORISATION_DAYS",
    "AUTHORISATION_UNREADABLE",
    "DONE_WORDS",
    "FOLLOW_UP_STATUS_WORDS",
    "LEASE_HELD",
    "NAME_RULE",
    "ONLY_WAITING",
    "READY_NO_AUTHORISATION",
    "READY_WORDS",
    "WAITING_WORDS",
    "WHO_ARE_YOU",
    "authorised_words",
    "check_record",
    "dispute_withdrawn_words",
    "recheck_words",
    "done_by_run",
    "elsewhere_words",
    "expired_words",
    "not_done_by_run",
    "options_words",
    "refund_owed_words",
    "run_agent",
    "seller_words",
    "service_words",
    "silent_service_words",
    "status_sentence",
    "still_active_words",
    "unread_words",
    "unreadable_in_check",
    "waiting_words",
    "withdrawn_words",
    "withdrew_words",
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


# Why a followed order needs a person when it waits on nothing (its path went elsewhere), in a few words.
_PERSON_WHY: Mapping[str, str] = MappingProxyType({
    PathId.SUPPLIER_SHIPPED: "the supplier has shipped (a return, not a cancellation)",
    PathId.FULFILLED: "Shopify shows the order fulfilled (a return)",
    PathId.NEEDS_ATTENTION: "the order needs a closer look",
    PathId.CANCELLABLE: "the supplier order is live again (the cancellation was refused or withdrawn)",
    PathId.FULFILLMENT_IN_PROGRESS: "the fulfillment request must be taken back first",
})


def waiting_words(status: FollowUpStatus, waiting: WaitingFor | None, path: str) -> str:
    """What a follow-up waits for, as its list shows it; one that needs a person says why (`path`: where it went)."""
    if waiting is not None:
        return WAITING_WORDS[waiting]
    if status is FollowUpStatus.PERSON:
        return f"you: {_PERSON_WHY.get(path, 'the order went another way: open its walkthrough')}"
    return FOLLOW_UP_STATUS_WORDS[status]


def _supplier_words(so: SupplierOrderState) -> str:
    return f"{SUPPLIER_TITLES[so.supplier]} order {so.order_id}"


def seller_words(pending: Sequence[SupplierOrderState]) -> str:
    """Supplier orders whose cancellation waits for the seller."""
    return "; ".join(f"{_supplier_words(so)}: cancellation asked, waiting for the seller" for so in pending)


def service_words(asked: Sequence[FulfillmentOrderState]) -> str:
    """Fulfillment orders whose cancellation request waits for the service."""
    where = [f"{fo.location_name or 'the fulfillment service'} ({fo.id.rsplit('/', 1)[-1]})" for fo in asked]
    return f"cancellation requested from {', '.join(where)}"


def silent_service_words(silent: Sequence[FulfillmentOrderState], next_title: str | None) -> str:
    """Cancellation requests a fulfillment service has left unanswered for 48 hours: the merchant takes them back."""
    then = f" Next step: {next_title}." if next_title is not None else ""
    asked = service_words(silent)
    return (f"{capitalised(asked)} has had no answer for 48 hours: stop waiting and cancel the "
            f"fulfillment request yourself (then stop the order in the app too).{then}")


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


# --- authorising the last step, and the check run (`actions.followups`) ------------------------------

WHO_ARE_YOU = "Say who you are (your name or email): an authorisation is recorded with it."
NAME_RULE = "A name is up to 200 letters, digits, spaces and . @ ' + - _"
AUTHORISATION_DAYS = "An authorisation lasts 1 to 30 days."
ONLY_WAITING = ("Only an order waiting for the seller or the fulfillment service to confirm the cancellation can be "
                "finished for you; open its walkthrough to see where it stands.")
READY_NO_AUTHORISATION = "Ready: cancel it on Shopify now (no authorisation to do it for you)."
AUTHORISATION_UNREADABLE = "The stored authorisation is unreadable; nothing was sent."
LEASE_HELD = "another check run is in progress"


def options_words(options: CancelOptions) -> str:
    """The cancel an authorisation will send, in short."""
    parts = [f"reason {options.reason.value.lower()}", REFUND_WORDS[options.refund].lower(),
             restock_words(options.restock), notify_words(options.notify_customer)]
    if options.staff_note:
        parts.append(f"note \u201c{options.staff_note}\u201d")
    return ", ".join(parts)


def authorised_words(agent: str, order_name: str, options: CancelOptions, days: int) -> str:
    return (f"{agent} authorised: when the supplier confirms the cancellation, cancel "
            f"{order_name} on Shopify ({options_words(options)}). Expires in {days} days.")


def withdrew_words(agent: str, giver: str, order_name: str) -> str:
    return f"{agent} withdrew the authorisation {giver} gave to cancel {order_name} on Shopify."


def expired_words(giver: str, expires_at: datetime) -> str:
    return f"The authorisation {giver} gave expired at {expires_at:%Y-%m-%d %H:%M} UTC; nothing was sent."


def withdrawn_words(giver: str) -> str:
    """An authorisation a check run withdrew: the order's path went where it did not cover."""
    return f"The authorisation {giver} gave was withdrawn: the order did not end as authorised."


def dispute_withdrawn_words(giver: str) -> str:
    """An authorisation to refund with the cancel, withdrawn by a check run: a chargeback has opened since."""
    return (f"The authorisation {giver} gave was withdrawn: it refunds with the cancel, and the customer has since "
            "opened a chargeback, so the bank may return that money too; nothing was sent.")


def run_agent(run: str) -> str:
    """A check run, named as the one who withdrew an authorisation."""
    return f"check run {run}"


def done_by_run(message: str, giver: str, run: str) -> str:
    """The authorised cancel, done by a check run."""
    return f"{message} Authorised by {giver}, done by {run_agent(run)}."


# An authorised cancel a check run tried that did not cancel the order, by the outcome recorded: one that
# may have reached Shopify is never said not to have gone through (the next look-up settles it).
NOT_DONE_BY_RUN: Mapping[str, str] = MappingProxyType({
    "unknown": "The authorised cancel was sent:",
    "already_done": "The authorised cancel was not needed:",
})
_NOT_SENT = "The authorised cancel did not go through:"


def not_done_by_run(message: str, *, outcome: str, stays: bool) -> str:
    """The authorised cancel that did not cancel the order (`stays`: nothing was sent, so it is kept)."""
    return f"{NOT_DONE_BY_RUN.get(outcome, _NOT_SENT)} {message}" + (
        " The authorisation stays for the next run." if stays else "")


def status_sentence(status: FollowUpStatus, waiting: WaitingFor | None) -> str:
    if status is FollowUpStatus.WAITING and waiting is not None:
        return f"waiting for {WAITING_WORDS[waiting]}"
    return FOLLOW_UP_STATUS_WORDS[status]


def recheck_words(before: str, after: str, detail: str, notes: Sequence[str], *, cancelled: bool) -> str:
    """What one re-read found (`before`, `after`: status sentences), with its notes first when it cancelled."""
    message = f"{before} -> {after}: {detail}"
    if notes:
        return " ".join(notes) + " Now: " + message if cancelled else message.rstrip(".") + ". " + " ".join(notes)
    return message


def check_record(run: str, message: str) -> str:
    """A check run's record of one order."""
    return f"Follow-up check {run}: {message}"


def unreadable_in_check(run: str, order_name: str, error: str) -> str:
    return check_record(run, f"order {order_name} could not be read: {error}")
