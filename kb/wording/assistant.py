"""What the assistant says about an action (`actions.assistant`): done, refused, already done, unknown.

The assistant decides which outcome an action had and what the order shows; these functions only word it.
Texts a remote system or our clients wrote (`said`, `error`) come in already redacted and cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType

from kb.state import (
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    HandStatus,
    Money,
    SupplierRef,
    SupplierStatus,
)
from kb.suppliers import supplier_title
from kb.walkthrough import ActionId
from kb.wording.hand_check import HAND_STATUS_WORDS, checked_words
from kb.wording.options import FO_ACTIONS

__all__ = [
    "ACTION_VERBS",
    "ANSWER_THE_SUPPLIER_CHECK",
    "ANSWER_THE_SUPPLIER_QUESTION",
    "CHECKED_AGAIN",
    "FO_GONE",
    "NEVER_RELEASES_HOLD",
    "NOT_READ_AFTER",
    "NO_REVERT_NOW",
    "SANDBOX_SITE_CANCELLED",
    "SHOPIFY_ADMIN",
    "SHOPIFY_STILL_PROCESSING",
    "already_cancelled",
    "already_in_progress",
    "cancelled_on_shopify",
    "check_one_of",
    "could_not_read_again",
    "could_not_read_order",
    "effect_settled",
    "found_done",
    "fo_now",
    "has_supplier_orders",
    "last_attempt_unknown",
    "look_again",
    "names_its_supplier_orders",
    "no_change_after_stop",
    "no_supplier_order_confirmed",
    "not_connected",
    "not_now",
    "open_supplier_order",
    "order_cancelled",
    "process_stopped",
    "read_again_failed",
    "read_again_no_change",
    "read_again_worked",
    "remote_title",
    "reverted",
    "sandbox_site_refused",
    "say_which_supplier",
    "someone_else_did_it",
    "status_choices",
    "step_already_done",
    "stopped_unexpectedly",
    "supplier_already",
    "supplier_cancel_sent",
    "supplier_check_recorded",
    "supplier_now",
    "supplier_read",
    "supplier_ref_remembered",
    "supplier_unreadable",
]

# What doing each action means, completing "which does not let you ...".
ACTION_VERBS: Mapping[ActionId, str] = MappingProxyType({
    ActionId.CHECK_SUPPLIER: "check the supplier order",
    ActionId.CANCEL_SUPPLIER: "cancel at the supplier",
    ActionId.OPEN_SUPPLIER: "open the order on the supplier's site",
    ActionId.REVERT_FULFILLMENT: "revert the fulfillment request",
    ActionId.CANCEL_ORDER: "cancel the order on Shopify",
    ActionId.FIND_SUPPLIER_ORDER: "enter the supplier order",
    ActionId.CHECK_BY_HAND: "record what the supplier's site shows",
})

# A supplier order whose cancellation is already under way, by its status.
_ALREADY: Mapping[SupplierStatus, str] = MappingProxyType({
    SupplierStatus.CANCELLED: "cancelled",
    SupplierStatus.CANCEL_REQUESTED: "waiting for the seller to accept the cancellation",
})

SHOPIFY_ADMIN = "the Shopify admin"  # where to check a Shopify write that may have landed
CHECKED_AGAIN = "Checked the supplier order again."
NOT_READ_AFTER = " (The order could not be read again afterwards; refresh to see where it stands.)"
SHOPIFY_STILL_PROCESSING = "Shopify accepted the cancellation and is still processing it."
FO_GONE = "That fulfillment request is no longer on the order."
NO_REVERT_NOW = "Shopify offers no way to revert this fulfillment request now."
NEVER_RELEASES_HOLD = "Cancel Assist never releases a hold; cancel the held order as it is."
SANDBOX_SITE_CANCELLED = (" Sandbox: the supplier's website is simulated, so this cancellation was made for you "
                          "as if you had clicked it.")
# The supplier questions are forms, not buttons: what to use instead of clicking.
ANSWER_THE_SUPPLIER_CHECK = (
    "This step is answered, not clicked: open the order on the supplier's site and say what it shows "
    "on the walkthrough page (or `cancel-assist supplier ORDER --order-id ID --status S`).")
ANSWER_THE_SUPPLIER_QUESTION = (
    "This step is answered, not clicked: enter the supplier order number on the walkthrough page "
    "(or `cancel-assist supplier ORDER --order-id ID --status S`), or confirm there that no supplier "
    "order was placed (`cancel-assist supplier ORDER --none`).")


def _at(at: datetime) -> str:
    return f"{at:%H:%M:%S} UTC"


def _refs(refs: Iterable[SupplierRef]) -> str:
    return ", ".join(f"{supplier_title(r.supplier)} {r.order_id}" for r in refs)


def _status(status: SupplierStatus) -> str:
    return status.value.replace("_", " ")


def remote_title(system: str) -> str:
    """The remote system a write went to, as the subject of a sentence ("The remote" when none is named)."""
    return {"shopify": "Shopify"}.get(system, supplier_title(system) if system else "The remote")


def look_again(where: str) -> str:
    """What a merchant is told to do when a write may have landed but no reading shows it yet."""
    return (f"look the order up again in a minute (or check it in {where}) before doing anything else; "
            "the next look-up will show whether it went through.")


# --- the merchant's input ------------------------------------------------------------------------

def say_which_supplier(order_id: str, suppliers: Iterable[str]) -> str:
    """A supplier order id that could be any supplier's."""
    return f"Say which supplier order {order_id[:40]!r} is (--supplier {'|'.join(suppliers)})."


def names_its_supplier_orders(order_name: str) -> str:
    """An order whose supplier orders Shopify names cannot take one typed here."""
    return (f"Order {order_name} already names its supplier order(s) in Shopify; "
            "change them there if they are wrong.")


def supplier_ref_remembered(supplier: str, order_id: str) -> str:
    return f"Supplier order {order_id} at {supplier_title(supplier)} remembered for this order."


def status_choices(statuses: Iterable[HandStatus]) -> str:
    """A status checked by hand that is none of these."""
    return f"The status must be one of: {', '.join(h.value for h in statuses)}."


def check_one_of(order_name: str, named: Iterable[SupplierRef], value: str) -> str:
    """A supplier order checked by hand that the order does not name."""
    return (f"Order {order_name} names the supplier order(s) {_refs(named)}, not {value[:40]!r}: "
            "check one of those.")


def supplier_check_recorded(supplier: str, order_id: str, at: datetime, status: HandStatus) -> str:
    return f"{supplier_title(supplier)} order {order_id} {checked_words(at)}: {HAND_STATUS_WORDS[status].lower()}."


def has_supplier_orders(order_name: str, known: Iterable[SupplierRef]) -> str:
    """"No supplier order" said of an order that has some."""
    return f"Order {order_name} has supplier order(s) {_refs(known)}: check and cancel them instead."


def no_supplier_order_confirmed(order_name: str) -> str:
    return f"Confirmed that no supplier order was placed for {order_name}."


# --- reading and refusing ------------------------------------------------------------------------

def could_not_read_order(order: str, error: str) -> str:
    return f"Could not read order {order}: {error}"


def could_not_read_again(error: str) -> str:
    return f"Could not read the order again: {error}"


def already_cancelled(order_name: str, *, by: str | None = None, at: datetime | None = None,
                      ticket: str | None = None, how: str = "") -> str:
    """An order already cancelled; when our record holds that cancel, who sent it, when, for which ticket, how."""
    if at is None:
        return f"Order {order_name} is already cancelled on Shopify."
    who = by or "someone"
    for_ticket = f" for ticket {ticket}" if ticket else ""
    options = f" ({how})" if how else ""
    return (f"Order {order_name} is already cancelled on Shopify: {who} cancelled it at {at:%Y-%m-%d %H:%M} UTC"
            f"{for_ticket}{options}.")


def supplier_already(supplier: str, order_id: str, status: SupplierStatus) -> str:
    """A supplier order already cancelled, or whose cancellation waits for the seller."""
    return f"Supplier order {order_id} at {supplier_title(supplier)} is already {_ALREADY[status]}."


def step_already_done(title: str, reason: str) -> str:
    return f"{title}: already done. {reason}".strip()


_NOT_NOW = "Not now: "  # how a blocked step's reason starts (`kb.wording.steps`)


def not_now(order_name: str, action: ActionId, reason: str | None, next_title: str | None) -> str:
    """An action the order's path does not offer now (`reason`: that step's; `next_title`: what comes next).

    Says what blocks it, never the path's title: "You can cancel this order" does not let you cancel on
    Shopify while the supplier order is live, and quoting it there reads as a contradiction.
    """
    out = f"{_NOT_NOW}you cannot {ACTION_VERBS[action]} for {order_name} at this point"
    if reason and reason.startswith(_NOT_NOW):
        out += ": " + reason.removeprefix(_NOT_NOW)
    elif reason:
        out += ". " + reason
    else:
        out += "."
    return out + (f" The next step is: {next_title}." if next_title else "")


def supplier_unreadable(supplier: str, error: str) -> str:
    return f"{supplier_title(supplier)} could not be read: {error}"


def supplier_read(supplier: str, order_id: str, status: SupplierStatus, raw_status: str | None) -> str:
    """A supplier order checked again: its status (and the supplier's own word for it)."""
    raw = f" ({raw_status})" if raw_status else ""
    return f"Supplier order {order_id} at {supplier_title(supplier)}: {_status(status)}{raw}."


def open_supplier_order(supplier: str, order_id: str) -> str:
    return f"Open supplier order {order_id} on {supplier_title(supplier)} and click \u201cCancel order\u201d there."


def sandbox_site_refused(error: str) -> str:
    return f" (Sandbox: the simulated website did not cancel it: {error})"


# --- two sessions at one write -------------------------------------------------------------------

def someone_else_did_it(done: str) -> str:
    return f"{done} Someone else has just done it; nothing was sent again."


def already_in_progress(at: datetime, ticket: str | None, agent: str | None = None) -> str:
    by = f" for ticket {ticket}" if ticket else ""
    return (f"Already in progress: {agent or 'someone else'} started this at {_at(at)}{by}. "
            "Nothing was sent again; refresh in a moment to see the result.")


def last_attempt_unknown(at: datetime) -> str:
    return (f"The last attempt, at {_at(at)}, got no clear answer and may still land, "
            "so nothing was sent again. Check the order in the Shopify admin and refresh in a few "
            "minutes before trying again.")


def stopped_unexpectedly(error_type: str) -> str:
    return f"Stopped by an unexpected {error_type}; check the order before trying again."


# --- what a write did ----------------------------------------------------------------------------

def cancelled_on_shopify(order_name: str, refund: Money | None, refund_method: str,
                         refund_presentment: Money | None = None) -> str:
    """The cancel done: its refund (`refund`: the amount, None for none; in the customer's currency too when they paid
    in another) and where it goes or why none."""
    amount = f"{refund_presentment} ({refund} in the shop's currency)" if refund_presentment else str(refund)
    said = f"Refund: {amount} to {refund_method}." if refund else refund_method[:1].upper() + refund_method[1:] + "."
    return f"Order {order_name} is cancelled on Shopify. {said}"


def reverted(action: FulfillmentOrderAction, status: str) -> str:
    """The revert done, and the fulfillment order's status now (Shopify's word for it)."""
    done = FO_ACTIONS.get(action)
    words = done.done if done is not None else "The fulfillment request was reverted"
    return f"{words} (now {status.lower().replace('_', ' ')})."


def not_connected(supplier: str) -> str:
    return f"{supplier_title(supplier)} is not connected; cancel it on its website."


def supplier_cancel_sent(supplier: str, order_id: str, status: SupplierStatus) -> str:
    return f"Supplier order {order_id} at {supplier_title(supplier)}: cancellation sent (now {_status(status)})."


# --- a write with no clear answer, read again ----------------------------------------------------

def read_again_failed(said: str, check: str) -> str:
    return (f"{said} Reading the order again failed too, so it is not known yet "
            f"whether it took effect. It was sent once and not again: {check}")


def read_again_worked(system: str, happened: str) -> str:
    return f"{system} gave no clear answer, but reading the order again shows it worked: {happened}"


def read_again_no_change(said: str, check: str) -> str:
    return f"{said} Reading the order again shows no change yet. It was sent once and not again: {check}"


def order_cancelled(order_name: str) -> str:
    return f"order {order_name} is cancelled."


def supplier_now(order_id: str, status: SupplierStatus) -> str:
    return f"supplier order {order_id} is {_status(status).lower()}."


def fo_now(status: FulfillmentOrderStatus | None, request_status: FulfillmentOrderRequestStatus | None) -> str:
    """A fulfillment order's status and request status now (None: it is gone from the order)."""
    now = f"{status.value.lower()}, request {request_status.value.lower()}" \
        if status is not None and request_status is not None else "gone"
    return f"the fulfillment order is now {now.replace('_', ' ')}."


# --- settling what a look-up proves --------------------------------------------------------------

def effect_settled(message: str, read_at: datetime, found: str) -> str:
    """An unknown result that a later look-up shows done."""
    return f"{message} A look-up at {_at(read_at)} settled it: {found}"


def process_stopped(at: datetime) -> str:
    return f"The process that started this at {_at(at)} stopped before recording its result."


def found_done(stopped: str, read_at: datetime, found: str) -> str:
    return f"{stopped} A look-up at {_at(read_at)} found it done: {found}"


def no_change_after_stop(stopped: str, read_at: datetime) -> str:
    return (f"{stopped} A look-up at {_at(read_at)} shows no change yet: it may not "
            "have been sent, or may still land, so it was not sent again. Check the order before "
            "trying again.")
