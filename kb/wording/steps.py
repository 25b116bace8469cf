"""Each step's reason, per situation (`kb.steps.Reason`): why the step has its status, in a merchant's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from kb import guards as g
from kb.facts import Facts, SupplierGroup, is_paid
from kb.precedence import PathVerdict
from kb.revert import SERVICE_SILENCE
from kb.state import FulfillmentOrderRequestStatus
from kb.steps import Reason, StepRow
from kb.suppliers import SUPPLIER_TITLES, SUPPLIERS
from kb.walkthrough import ActionId, PathId
from kb.wording.common import (
    DISPLAY_WORDS,
    ODDITY_WORDS,
    REVERT_WORDS,
    SUPPLIER_STATUS_WORDS,
    actions_words,
    amount_words,
    app_signs_words,
    capitalised,
    describe,
    fo_state_words,
    fo_of,
    fo_words,
    hours,
    listing,
    no_supplier_words,
    on_date,
    order_words,
    raw,
    refund_choice_words,
    so_of,
    request_words,
    supplier_oddity,
    unknown_words,
)
from kb.wording.paths import path_block_words

__all__ = ["STEP_REASONS", "after_words", "shopify_block_words", "step_reason"]

_Words = Callable[[Facts, PathVerdict, StepRow], str]
R = Reason


def step_reason(f: Facts, verdict: PathVerdict, row: StepRow) -> str:
    return STEP_REASONS[row.reason](f, verdict, row)


def after_words(reason: str, next_title: str) -> str:
    """A to-do that waits for the step chosen as next."""
    return f"{reason} (Do this after: {next_title}.)"


def _look_up_found(f: Facts, v: PathVerdict, row: StepRow) -> str:
    its = "its supplier orders are" if len(f.suppliers) > 1 else "its supplier order is"
    return f"Found {f.shopify.name} in Shopify ({f.shopify.total}); {its} {listing(order_words(so) for so in f.suppliers)}."


def _check_read(f: Facts, v: PathVerdict, row: StepRow) -> str:
    so = so_of(row.subject)
    if so.source == "manual":
        ticket = f" for ticket {so.checked_ticket}" if so.checked_ticket else ""
        return f"{order_words(so)}: {raw(so)}{ticket} ({SUPPLIER_STATUS_WORDS[so.status]})."
    return f"{SUPPLIERS[so.supplier].title} says: {raw(so)} ({SUPPLIER_STATUS_WORDS[so.status]})."


def _check_unread(f: Facts, v: PathVerdict, row: StepRow) -> str:
    # Unreadable (no API access, or the read failed): the merchant looks on the site and says what it shows.
    so = so_of(row.subject)
    link = f" ({so.order_url})" if so.order_url else ""
    return (f"{supplier_oddity(so)}. Open it on {SUPPLIER_TITLES[so.supplier]}{link} and say what it "
            "shows: awaiting payment, awaiting shipment, cancellation requested, cancelled or shipped.")


def _cancel_active(f: Facts, v: PathVerdict, row: StepRow) -> str:
    so = so_of(row.subject)
    how = so.cancel_note or (
        "We can cancel it for you." if row.action is ActionId.CANCEL_SUPPLIER
        else "Cancel it on the supplier's site (Order details > Cancel order); we open the page for you.")
    if is_paid(so):
        stake = "It is paid, so until it is cancelled the seller may ship it and you pay for goods nobody wants."
    else:
        stake = "It is not paid yet, so cancelling it now is immediate and costs nothing."
    return f"{order_words(so)} has not shipped: cancel it first. {stake} {how}"


def _confirm_wait(f: Facts, v: PathVerdict, row: StepRow) -> str:
    so = so_of(row.subject)
    name = order_words(so)
    rules = SUPPLIERS[so.supplier]
    if rules.seller_approves:
        closes = (f"; if the seller does not answer within {hours(rules.closes_unanswered_after)}, {rules.title} "
                  "closes the order and refunds you" if rules.closes_unanswered_after else "")
        return f"Waiting for the seller to approve the cancellation of {name}. Check again in about 24 hours{closes}."
    return f"Waiting for {rules.title} to confirm the cancellation of {name}. Check again in about 24 hours."


def _revert_held(f: Facts, v: PathVerdict, row: StepRow) -> str:
    return (f"{capitalised(listing(fo_words(fo) + ' ' + fo_state_words(fo) for fo in f.held))}. A hold does not "
            "stop Shopify's cancel, so it is not released: releasing it could let an app fulfil the "
            "order before you cancel it.")


def _revert_done(f: Facts, v: PathVerdict, row: StepRow) -> str:
    fo = fo_of(row.subject)
    where = fo_words(fo)
    if fo.request_status is FulfillmentOrderRequestStatus.CANCELLATION_ACCEPTED:
        return f"The fulfillment service accepted the cancellation of the fulfillment request for {where}."
    return (f"Shopify shows the fulfillment request for {where} closed before it was completed "
            f"({request_words(fo)}), with a replacement fulfillment order for the items: it was taken back.")


def _revert_waiting(f: Facts, v: PathVerdict, row: StepRow) -> str:
    return (f"You asked the fulfillment service to cancel {fo_words(fo_of(row.subject))}; waiting for it to accept. Check "
            "again in about an hour: once it accepts, the order shows Unfulfilled and can be cancelled. If it has "
            f"not answered {hours(SERVICE_SILENCE)} after the request, you may cancel the fulfillment order "
            "yourself.")


def _revert_after_supplier(f: Facts, v: PathVerdict, row: StepRow) -> str:
    unfinished = (so for so, group in zip(f.suppliers, f.groups) if group is not SupplierGroup.CANCELLED)
    assert row.revert is not None
    return (f"First finish at the supplier ({listing(describe(so) for so in unfinished)}): if the "
            f"supplier ships after all, you still want Shopify to track the fulfillment. Then "
            f"{REVERT_WORDS[row.revert]} for {fo_words(fo_of(row.subject))}.")


def _revert_after_find(f: Facts, v: PathVerdict, row: StepRow) -> str:
    assert row.revert is not None
    return (f"First find the supplier order (enter its number, or confirm none was placed): if a supplier "
            f"ships after all, you still want Shopify to track the fulfillment. Then {REVERT_WORDS[row.revert]} "
            f"for {fo_words(fo_of(row.subject))}.")


def _revert_now(f: Facts, v: PathVerdict, row: StepRow) -> str:
    fo = fo_of(row.subject)
    assert row.revert is not None
    return (f"{capitalised(fo_words(fo))} {fo_state_words(fo)}: {REVERT_WORDS[row.revert]}, so the order goes back to Unfulfilled "
            "and Shopify lets you cancel it.")


def _order_cancel_now(f: Facts, v: PathVerdict, row: StepRow) -> str:
    shopify = f.shopify
    if f.refused_cod:
        where = ("Shopify shows the order Fulfilled, but the payment was never collected (the parcel was "
                 "refused or not paid on delivery), so Shopify still lets you cancel it")
    else:
        where = f"Nothing is left at the supplier and Shopify shows the order {DISPLAY_WORDS[shopify.fulfillment_status]}"
    held = (" It is on hold: cancel it as it is; do not release the hold first (an app may fulfil it the "
            "moment it is released)." if f.held else "")
    return (f"{where}: cancel it. {refund_choice_words(shopify)} Then the reason, whether to restock and whether "
            f"to notify the customer.{held}")


def shopify_block_words(f: Facts, path: PathId) -> str:
    """Why Shopify's cancel is not offered now: every reason that holds."""
    reasons: list[str] = []
    if g.supplier_unknown(f):
        signs = f" ({app_signs_words(f.app_signs)})" if f.app_signs else ""
        reasons.append("no supplier order is known for this order: enter its number, or confirm that no supplier "
                       f"order was placed{signs}")
    if path is PathId.NEEDS_ATTENTION:
        reasons.append("something about this order needs a closer look first (see the explanation)")
    elif path is PathId.FULFILLED:
        reasons.append(path_block_words(path))
    if f.shipped:
        reasons.append("the supplier has shipped: cancelling now would refund the customer while the parcel still "
                       "reaches them")
    unfinished = [so for so, group in zip(f.suppliers, f.groups)
                  if group not in (SupplierGroup.CANCELLED, SupplierGroup.SHIPPED)]
    if unfinished:
        reasons.append(f"the supplier order is not cancelled yet ({listing(describe(so) for so in unfinished)})")
    if f.to_revert:
        reasons.append("a fulfillment request is still in progress and must be reverted first")
    if f.waiting_fos:
        reasons.append("the fulfillment service has not yet accepted the cancellation request")
    if not reasons:
        reasons.append(path_block_words(path))
    return "Not now: " + "; ".join(reasons) + "."


def _refund_owed(f: Facts, v: PathVerdict, row: StepRow) -> str:
    return (f"Refund {amount_words(f.shopify)} from the order page: {f.shopify.name} was cancelled with refund "
            "later, and Shopify does not show it refunded yet. Open the order, click Refund, and refund "
            "what is left.")


def _return_now(f: Facts, v: PathVerdict, row: StepRow) -> str:
    so = so_of(row.subject)
    tracking = f" (tracking {so.tracking_number})" if so.tracking_number else ""
    return (f"{order_words(so)} is {SUPPLIER_STATUS_WORDS[so.status]}{tracking}: it cannot be cancelled. Ask the "
            "seller for a return or refund on the supplier's site, or open a dispute if the item is not as described "
            "or does not arrive. A return usually costs you the return shipping.")


def _fulfilled_return(f: Facts, v: PathVerdict, row: StepRow) -> str:
    shopify = f.shopify
    return (f"Shopify shows {shopify.name} {DISPLAY_WORDS[shopify.fulfillment_status]}, so it cannot be cancelled as "
            "is. Handle it as a return: agree it with the customer, then refund on Shopify (Refund, not Cancel); "
            "the refund goes back to the original payment method.")


STEP_REASONS: Mapping[Reason, _Words] = MappingProxyType({
    R.LOOKUP_FOUND: _look_up_found,
    R.LOOKUP_ASK: lambda f, v, row: f"Found {f.shopify.name} in Shopify ({f.shopify.total}), but {unknown_words(f)}",
    R.LOOKUP_NONE: lambda f, v, row: f"Found {f.shopify.name} in Shopify ({f.shopify.total}). {no_supplier_words(f)}",
    R.SUPPLIER_NOT_KNOWN: lambda f, v, row: (
        "Not until the supplier order is known: enter its number, or confirm that no supplier order was placed."),
    R.NO_SUPPLIER: lambda f, v, row: no_supplier_words(f),
    R.CHECK_READ: _check_read,
    R.CHECK_ODD: lambda f, v, row: supplier_oddity(so_of(row.subject)) + ".",
    R.CHECK_UNREAD: _check_unread,
    R.CANCEL_ACTIVE: _cancel_active,
    R.CANCEL_REQUESTED: lambda f, v, row: f"The cancellation of {order_words(so_of(row.subject))} has been requested.",
    R.CANCEL_SHIPPED: lambda f, v, row: (
        f"{order_words(so_of(row.subject))} is {SUPPLIER_STATUS_WORDS[so_of(row.subject).status]}: {SUPPLIER_TITLES[so_of(row.subject).supplier]} "
        "no longer lets you cancel it. See 'When the supplier has already shipped'."),
    R.CANCEL_DONE: lambda f, v, row: f"{order_words(so_of(row.subject))} is cancelled at the supplier.",
    R.CANCEL_UNCLEAR: lambda f, v, row: (
        f"Not until the status of {order_words(so_of(row.subject))} is clear: {supplier_oddity(so_of(row.subject))}."),
    R.CONFIRM_AFTER_CANCEL: lambda f, v, row: f"Check {order_words(so_of(row.subject))} again after you have cancelled it.",
    R.CONFIRM_WAIT: _confirm_wait,
    R.CONFIRM_SHIPPED: lambda f, v, row: f"{order_words(so_of(row.subject))} shipped, so there is no cancellation to confirm.",
    R.CONFIRM_DONE: lambda f, v, row: (
        f"{SUPPLIER_TITLES[so_of(row.subject).supplier]} shows {so_of(row.subject).order_id} cancelled ({raw(so_of(row.subject))}); "
        "the supplier refunds what you paid for it."),
    R.CONFIRM_UNCLEAR: lambda f, v, row: f"Not until the status of {order_words(so_of(row.subject))} is clear.",
    R.SHOPIFY_SHOWS_CANCELLED: lambda f, v, row: f"Shopify shows {f.shopify.name} cancelled{on_date(f)}.",
    R.SHOPIFY_LOOK: lambda f, v, row: (
        "Look at the order in Shopify admin: " + "; ".join(ODDITY_WORDS[o.kind](f, o) for o in v.shopify_odd) + "."),
    R.SHOPIFY_SHOWS_STATUS: lambda f, v, row: (
        f"Shopify shows the order {DISPLAY_WORDS[f.shopify.fulfillment_status]}."),
    R.REVERT_ORDER_CANCELLED: lambda f, v, row: (
        "The order is already cancelled on Shopify; there is no fulfillment request to revert."),
    R.REVERT_HELD: _revert_held,
    R.REVERT_NOTHING_OPEN: lambda f, v, row: "No fulfillment request is open, so there is nothing to revert.",
    R.REVERT_DONE: _revert_done,
    R.REVERT_WAITING: _revert_waiting,
    R.REVERT_NOT_ALLOWED: lambda f, v, row: (
        f"Shopify allows no revert on {fo_words(fo_of(row.subject))} right now ({request_words(fo_of(row.subject))}; allowed actions: "
        f"{actions_words(fo_of(row.subject))})."),
    R.REVERT_NO_HELP: lambda f, v, row: (
        f"{capitalised(fo_words(fo_of(row.subject)))} {fo_state_words(fo_of(row.subject))}, but reverting it does not help here: "
        f"{path_block_words(v.path)}."),
    R.REVERT_AFTER_FIND: _revert_after_find,
    R.REVERT_AFTER_SUPPLIER: _revert_after_supplier,
    R.REVERT_NOW: _revert_now,
    R.ORDER_CANCELLED: lambda f, v, row: f"{f.shopify.name} was cancelled on Shopify{on_date(f)}.",
    R.ORDER_CANCEL_NOW: _order_cancel_now,
    R.ORDER_CANCEL_BLOCKED: lambda f, v, row: shopify_block_words(f, v.path),
    R.CONFIRM_AFTER_SHOPIFY: lambda f, v, row: "Check this after you have cancelled the order on Shopify.",
    R.REFUND_IF_LATER: lambda f, v, row: (
        "Only needed if you cancel with refund later: then refund from the order page afterwards."),
    R.REFUND_OWED: _refund_owed,
    R.REFUND_CHARGEBACK: lambda f, v, row: (
        "A chargeback is open: the dispute returns the customer's money, so do not refund separately."),
    R.REFUND_DONE: lambda f, v, row: "Shopify shows the order refunded.",
    R.REFUND_WITH_CANCEL: lambda f, v, row: "You cancelled with refund now: there is nothing to refund later.",
    R.REFUND_NOTHING_PAID: lambda f, v, row: "Nothing was paid, so there is nothing to refund.",
    R.TELL_DONE: lambda f, v, row: (
        "Shopify emailed the customer the cancellation notice when you cancelled. Answer their "
        "ticket too if they wrote in."),
    R.TELL_TODO: lambda f, v, row: (
        "Shopify was not asked to notify the customer when you cancelled, so they have heard "
        "nothing yet: send them the reply (the order is cancelled and how the money comes back)."),
    R.TELL_MAYBE: lambda f, v, row: (
        "The order is cancelled on Shopify. If you did not tick 'notify the customer' when you "
        "cancelled, send them a short note that the order is cancelled and when the refund arrives."),
    R.TELL_AFTER_SHIPPED: lambda f, v, row: (
        "Tell the customer once you have chosen what to do about the shipped parcel "
        "(return, refuse delivery or keep it)."),
    R.TELL_AFTER_CANCEL: lambda f, v, row: (
        "Tell the customer once the order is cancelled on Shopify (Shopify can email them for you)."),
    R.RETURN_NOW: _return_now,
    R.RETURN_CANCELLED: lambda f, v, row: f"{order_words(so_of(row.subject))} is cancelled: there is nothing to return.",
    R.RETURN_UNCLEAR: lambda f, v, row: (
        f"{order_words(so_of(row.subject))} is not known to have shipped; this applies only if it turns out it has."),
    R.RETURN_NOT_SHIPPED: lambda f, v, row: f"{order_words(so_of(row.subject))} has not shipped.",
    R.RETURN_NO_SUPPLIER: lambda f, v, row: "No supplier order is linked.",
    R.FULFILLED_NO: lambda f, v, row: "Shopify does not show the order fulfilled.",
    R.FULFILLED_UNPAID: lambda f, v, row: (
        "The payment was never collected, so there is nothing to refund: cancel the order instead."),
    R.FULFILLED_RETURN: _fulfilled_return,
})
