"""Per path: its title, the guide section it cites, its explanation and why it blocks Shopify's cancel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from kb.facts import Facts, SupplierGroup, is_paid
from kb.guards import supplier_unknown
from kb.precedence import PathVerdict
from kb.refunds import no_refund, open_chargebacks, refund_owed
from kb.steps import recheck
from kb.state import SupplierOrderState
from kb.suppliers import SUPPLIERS
from kb.walkthrough import PathId
from kb.wording.common import (
    DISPLAY_WORDS,
    ODDITY_WORDS,
    REVERT_WORDS,
    SUPPLIER_STATUS_WORDS,
    amount_words,
    app_signs_words,
    capitalised,
    describe,
    fo_words,
    hours,
    listing,
    no_supplier_words,
    on_date,
    order_words,
    supplier_oddity,
)

__all__ = [
    "CANCEL_GUIDE",
    "FIND_SUPPLIER_TITLE",
    "FOLLOW_UP_TITLE",
    "PATH_TITLES",
    "REVERT_GUIDE",
    "cites",
    "explain",
    "path_block_words",
    "path_title",
    "supplier_reason",
]

CANCEL_GUIDE = "cancel-an-order"
REVERT_GUIDE = "revert-fulfillment-request"

PATH_TITLES: Mapping[PathId, str] = MappingProxyType({
    PathId.CANCELLABLE: "You can cancel this order",
    PathId.FULFILLMENT_IN_PROGRESS: "Fulfillment in progress: revert before cancelling",
    PathId.CANCELLATION_PENDING: "Cancellation asked for: waiting for an answer",
    PathId.SUPPLIER_SHIPPED: "The supplier has already shipped",
    PathId.FULFILLED: "Shopify shows the order fulfilled",
    PathId.SUPPLIER_STILL_ACTIVE: "Cancelled on Shopify, but the supplier order is still active",
    PathId.ALREADY_CANCELLED: "Already cancelled: nothing left to do",
    PathId.NEEDS_ATTENTION: "Needs a closer look before cancelling",
})
# already_cancelled while a follow-up (a refund chosen for later, telling the customer) is still to do.
FOLLOW_UP_TITLE = "Cancelled on Shopify: follow-up still to do"
# cancellable while no supplier order is known and none was ruled out: Shopify's cancel waits for that answer.
FIND_SUPPLIER_TITLE = "Find the supplier order"


def path_title(f: Facts, path: PathId, *, follow_up: bool) -> str:
    """The path's title, never promising what the next step does not allow."""
    if follow_up:
        return FOLLOW_UP_TITLE
    if path is PathId.CANCELLABLE and supplier_unknown(f):
        return FIND_SUPPLIER_TITLE
    return PATH_TITLES[path]

# The guide section each path cites; cancellable and cancellation_pending depend on the order (see `cites`).
_CITES: Mapping[PathId, str] = MappingProxyType({
    PathId.FULFILLMENT_IN_PROGRESS: f"{REVERT_GUIDE}#which-revert",
    PathId.SUPPLIER_SHIPPED: f"{CANCEL_GUIDE}#when-supplier-shipped",
    PathId.FULFILLED: f"{CANCEL_GUIDE}#when-fulfilled",
    PathId.SUPPLIER_STILL_ACTIVE: f"{CANCEL_GUIDE}#supplier",
    PathId.ALREADY_CANCELLED: f"{CANCEL_GUIDE}#customer",
    PathId.NEEDS_ATTENTION: f"{CANCEL_GUIDE}#overview",
})

# Why a path stops Shopify's cancel, as a clause after "Not now:" or "reverting it does not help here:".
_BLOCKED_BECAUSE: Mapping[PathId, str] = MappingProxyType({
    PathId.FULFILLED: "Shopify only cancels unfulfilled orders (see 'When Shopify shows the order fulfilled')",
    PathId.SUPPLIER_SHIPPED: "the supplier has shipped (see 'When the supplier has already shipped')",
    PathId.NEEDS_ATTENTION: "something about this order needs a closer look first (see the explanation)",
})


def path_block_words(path: PathId) -> str:
    return _BLOCKED_BECAUSE.get(path, "finish the earlier steps first")


def cites(f: Facts, path: PathId) -> str:
    if path is PathId.CANCELLABLE:
        if f.active:
            return f"{CANCEL_GUIDE}#supplier"
        if f.held:
            return f"{CANCEL_GUIDE}#on-hold"
        if f.unpaid_manual:
            return f"{CANCEL_GUIDE}#manual-payment"
        if open_chargebacks(f.shopify):
            return f"{CANCEL_GUIDE}#chargeback"
        return f"{CANCEL_GUIDE}#shopify"
    if path is PathId.CANCELLATION_PENDING:
        return f"{REVERT_GUIDE}#after-revert" if not f.pending else f"{CANCEL_GUIDE}#supplier"
    return _CITES[path]


def _active(f: Facts) -> str:
    return listing(describe(so) for so in f.active)


def _display(f: Facts) -> str:
    return DISPLAY_WORDS[f.shopify.fulfillment_status]


def _cancellable(f: Facts, verdict: PathVerdict) -> str:
    return _explain_cancellable(f) + _cancellable_extras(f)


def _explain_cancellable(f: Facts) -> str:
    name, display, active = f.shopify.name, _display(f), _active(f)
    if f.refused_cod:
        shipped = (f" {listing(order_words(so) for so in f.shipped)} shipped: ask the seller about a return (see "
                   "'When the supplier has already shipped')." if f.shipped else "")
        return (f"Shopify shows {name} Fulfilled, but its payment was never collected (cash on delivery or another "
                f"manual payment, and the parcel was refused or not paid), so Shopify still lets you cancel it, with "
                f"nothing to refund.{shipped}" + (f" First cancel {active} at the supplier." if f.active else ""))
    if f.active:
        return (f"Nothing has shipped yet, so {name} can still be cancelled cleanly. Follow the guide's order: "
                f"first cancel {active} at the supplier, so you are not charged for goods the customer will not "
                f"get; then cancel {name} on Shopify, which shows it {display}.")
    if f.suppliers:  # every one cancelled (an active one is above; any other kind leads to another path)
        verb = "are" if len(f.suppliers) > 1 else "is"
        return (f"{listing(order_words(so) for so in f.suppliers)} {verb} already cancelled at the supplier and Shopify "
                f"shows {name} {display}, so you can now cancel it on Shopify: {_choices(f)}.")
    if f.no_supplier_order is None:
        signs = f" A supplier order was probably placed: {app_signs_words(f.app_signs)}." if f.app_signs else ""
        return (f"Shopify shows {name} {display}, but no supplier order number was found on it.{signs} Before "
                "cancelling on Shopify, enter the supplier order number(s) so they can be checked and "
                "cancelled first, or confirm that no supplier order was placed.")
    return f"{no_supplier_words(f)} Shopify shows {name} {display}, so you can cancel it on Shopify: {_choices(f)}."


def _choices(f: Facts) -> str:
    """What the cancel dialog asks: the refund only when there is something to refund."""
    if no_refund(f.shopify) is None:
        return "choose whether to refund now or later, the reason, and whether to restock and notify the customer"
    return "choose the reason and whether to restock and notify the customer (there is nothing to refund)"


def _cancellable_extras(f: Facts) -> str:
    """What the cancellable explanation adds for a held order, a manual payment or a chargeback."""
    out = ""
    if f.held:
        out += (f" {capitalised(listing(fo_words(fo) for fo in f.held))} is on hold: cancel the order as it is. The assistant "
                "never releases a hold to cancel, because an app waiting on it may fulfil the order the moment it "
                "is released; if Shopify refuses the cancel, its message says why.")
    if f.unpaid_manual and not f.refused_cod:
        out += (" The order is paid by cash on delivery or another manual method and nothing was received, so the "
                "cancel refunds nothing.")
    if open_chargebacks(f.shopify):
        out += (" The customer opened a chargeback: do not refund separately, the dispute returns the money if the "
                "bank decides for them.")
    return out


def _fulfillment_in_progress(f: Facts, verdict: PathVerdict) -> str:
    reverts = listing(f"{REVERT_WORDS[a]} for {fo_words(fo)}" for fo, a in f.to_revert if a is not None)
    first = (f"First cancel {_active(f)} at the supplier; then " if f.active else "Revert it first: ")
    return (f"Shopify shows {f.shopify.name} {_display(f)}: a fulfillment is requested, held or in progress, and "
            f"Shopify does not let you cancel an order until it is taken back. {first}{reverts}. Once the order "
            "shows Unfulfilled again, cancel it on Shopify.")


def _cancellation_pending(f: Facts, verdict: PathVerdict) -> str:
    waits = [f"the seller of {order_words(so)} has not answered the cancellation request yet" for so in f.pending]
    waits += [f"the fulfillment service has not accepted the cancellation of {fo_words(fo)} yet"
              for fo in f.waiting_fos]
    also = f" Meanwhile cancel {_active(f)} at the supplier: it has not shipped." if f.active else ""
    closing = [SUPPLIERS[name] for name in dict.fromkeys(so.supplier for so in f.pending)]
    note = "".join(f" {rules.title} closes an order and refunds you if the seller does not answer a cancellation "
                   f"within {hours(rules.closes_unanswered_after)}." for rules in closing if rules.closes_unanswered_after)
    then = "" if f.cancelled else f" Once every cancellation is confirmed, cancel {f.shopify.name} on Shopify."
    return (f"A cancellation was asked for and the other side has not answered: {listing(waits)}. There is "
            f"nothing to click until they do; check again in about {hours(recheck(f))}.{note}{also}{then}")


def _supplier_shipped(f: Facts, verdict: PathVerdict) -> str:
    name = f.shopify.name
    shipped = listing(order_words(so) for so in f.shipped)
    also = f" {_active(f)} has not shipped: cancel it now, that still saves money." if f.active else ""
    if f.cancelled:
        shop = (f"{name} is already cancelled on Shopify, so the parcel is going to a customer who has their "
                "money back: ask them to refuse the delivery or send it back.")
    else:
        shop = (f"On Shopify, do not cancel {name} now: that refunds the customer while the parcel still reaches "
                "them. Tell the customer; once the parcel is refused or returned, refund them on Shopify. The "
                "return shipping is usually your cost.")
    return (f"{shipped} has already shipped, so it can no longer be cancelled at the supplier. Ask the seller for "
            f"a return or refund, or open a dispute on the supplier's site if the item is not as described or "
            f"never arrives. {shop}{also}")


def _fulfilled(f: Facts, verdict: PathVerdict) -> str:
    also = f" {_active(f)} has not shipped: cancel it at the supplier now, that still saves money." if f.active else ""
    return (f"Shopify shows {f.shopify.name} {_display(f)}, and Shopify only cancels unfulfilled orders, so it cannot "
            "be cancelled as is. Treat it as a return: agree it with the customer, ask the seller for a return or "
            "refund if the supplier shipped, and refund the customer on Shopify with Refund (not Cancel) once "
            f"you know what comes back.{also}")


def _supplier_still_active(f: Facts, verdict: PathVerdict) -> str:
    if any(is_paid(so) for so in f.active):
        stake = ("Money is leaking: the supplier will ship, and charge you for, an order your customer no longer "
                 "pays for.")
    else:  # placed, not paid: nothing is lost until it is paid (an app or a bulk payment may pay it)
        stake = ("It is not paid yet, so cancelling it costs nothing; once it is paid, the supplier ships, and "
                 "charges you for, an order your customer no longer pays for.")
    return (f"{f.shopify.name} was cancelled on Shopify{on_date(f)}, but {_active(f)} is still active at the "
            f"supplier. {stake} Cancel it at the supplier now.")


def _already_cancelled(f: Facts, verdict: PathVerdict) -> str:
    name = f.shopify.name
    sup = (f", and {listing(order_words(so) for so in f.suppliers)} is cancelled at the supplier too"
           if f.suppliers else "")
    left = []
    if refund_owed(f.shopify):
        left.append(f"refund {amount_words(f.shopify)} from the order page (it was cancelled with refund later)")
    if f.customer_notified is False:
        left.append("tell the customer (Shopify was not asked to notify them)")
    if left:
        return f"{name} was cancelled on Shopify{on_date(f)}{sup}. Still to do: {'; '.join(left)}."
    return f"{name} was cancelled on Shopify{on_date(f)}{sup}. Nothing is left to do."


def _needs_attention(f: Facts, verdict: PathVerdict) -> str:
    odd = [*(ODDITY_WORDS[o.kind](f, o) for o in verdict.shopify_odd), *(supplier_oddity(so) for so in f.odd)]
    also = f" Cancelling {_active(f)} at the supplier is still safe and saves money." if f.active else ""
    return (f"Something about {f.shopify.name} does not add up, so the assistant will not offer to cancel it on "
            f"Shopify until you have looked: {'; '.join(odd)}.{also}")


_EXPLANATIONS: Mapping[PathId, Callable[[Facts, PathVerdict], str]] = MappingProxyType({
    PathId.CANCELLABLE: _cancellable,
    PathId.FULFILLMENT_IN_PROGRESS: _fulfillment_in_progress,
    PathId.CANCELLATION_PENDING: _cancellation_pending,
    PathId.SUPPLIER_SHIPPED: _supplier_shipped,
    PathId.FULFILLED: _fulfilled,
    PathId.SUPPLIER_STILL_ACTIVE: _supplier_still_active,
    PathId.ALREADY_CANCELLED: _already_cancelled,
    PathId.NEEDS_ATTENTION: _needs_attention,
})


def explain(f: Facts, verdict: PathVerdict) -> str:
    """The path's explanation: one paragraph a new merchant understands."""
    return _EXPLANATIONS[verdict.path](f, verdict)


def supplier_reason(so: SupplierOrderState, group: SupplierGroup, *, shopify_cancelled: bool) -> str:
    """One supplier order's own verdict, in words."""
    name = order_words(so)
    if group is SupplierGroup.ACTIVE:
        if shopify_cancelled:
            return (f"{name} is {SUPPLIER_STATUS_WORDS[so.status]} although the order is cancelled on Shopify: "
                    "cancel it at the supplier now")
        return f"{name} is {SUPPLIER_STATUS_WORDS[so.status]}: it can still be cancelled at the supplier"
    if group is SupplierGroup.PENDING:
        return f"{name}: cancellation requested, waiting for the seller's answer"
    if group is SupplierGroup.SHIPPED:
        return f"{name} is {SUPPLIER_STATUS_WORDS[so.status]}: it can no longer be cancelled, only returned or disputed"
    if group is SupplierGroup.CANCELLED:
        return f"{name} is cancelled at the supplier: nothing left to do there"
    return supplier_oddity(so)
