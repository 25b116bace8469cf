"""What `cancel-assist` prints for people (`actions.cli`): the status report, confirmations, follow-ups, errors.

The flags' help stays beside each flag in `actions.cli` (argparse prints it from there). The CLI decides
what happened; these functions only word it. Every line ends with its newline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple

from kb.refunds import refundable, refundable_presentment
from kb.state import OrderState, ShopifyOrderState
from kb.walkthrough import Walkthrough
from kb.wording.record import action_label, outcome_label

__all__ = [
    "ALL_NEEDS_CHECK",
    "CLOSED_NOT_WITH_CHECK",
    "FROM_FORMAT",
    "HISTORY_SHOWN",
    "INTERRUPTED",
    "NEEDS_A_PERSON",
    "NONE_TAKES_NO_STATUS",
    "NOTHING_NEEDS_A_PERSON",
    "NOT_CONFIRMED",
    "HistoryLine",
    "NO_FOLLOW_UPS",
    "ORDER_ID_NEEDS_STATUS",
    "REFUND_TO_NEEDS_NOW",
    "STAFF_NOTE_PROBLEMS",
    "TO_FORMAT",
    "api_wins",
    "check_it_with",
    "check_run",
    "checked_line",
    "copied",
    "failed",
    "history_text",
    "follow_up_line",
    "no_activity_log",
    "not_a_file",
    "nothing_done",
    "os_failed",
    "path_now",
    "recorded_check",
    "recorded_none",
    "reply_ready",
    "sandbox_file_not_regular",
    "status_text",
    "toml_invalid",
    "would_do",
]

PROG = "cancel-assist"
INTERRUPTED = f"{PROG}: interrupted\n"
FROM_FORMAT = "--from is sqlite:PATH or a postgresql:// URL"
TO_FORMAT = "--to is a postgresql:// URL (or sqlite:PATH)"
NONE_TAKES_NO_STATUS = "--none takes no --status or --supplier"
ORDER_ID_NEEDS_STATUS = "--order-id needs --status (what the supplier's order page shows)"
ALL_NEEDS_CHECK = "--all goes with --check (re-read every open follow-up); to list finished ones too, use --closed"
CLOSED_NOT_WITH_CHECK = "--closed lists finished follow-ups, without --check; a check re-reads only open ones"
REFUND_TO_NEEDS_NOW = ("--refund-to goes with --refund now: a refund later is made from the order page, where you "
                       "choose where it goes")
NOT_CONFIRMED = "Nothing was done. Add --yes to confirm: a cancellation cannot be undone.\n"
NO_FOLLOW_UPS = "No follow-ups: no order is waiting on a seller, a fulfillment service or a person.\n"
NEEDS_A_PERSON = "Needs a person:\n"
NOTHING_NEEDS_A_PERSON = "Nothing needs a person.\n"

# A staff note pydantic refused, by its error type (any other type reads as the first).
STAFF_NOTE_PROBLEMS: Mapping[str, str] = MappingProxyType({
    "string_too_long": "the staff note must be at most 255 characters",
    "string_unicode": "the staff note is not valid text (it holds bytes that are not UTF-8, as a terminal set to "
                      "another encoding sends): type it again in a UTF-8 terminal",
})


def _utc(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


# --- failures --------------------------------------------------------------------------------------

def failed(message: str) -> str:
    """An expected failure, one line on stderr."""
    return f"{PROG}: {message}\n"


def os_failed(problem: str, filename: str | None) -> str:
    """A file or folder of ours (data dir, sandbox file) that cannot be used."""
    where = f" ({filename})" if filename else ""
    return failed(f"{problem}{where}: check the data folder and its permissions")


def toml_invalid(path: str, detail: str) -> str:
    return f"{path} is not valid TOML: {detail[:120]}"


def not_a_file(path: str, problem: str) -> str:
    return f"{path} cannot be read ({problem})"


def sandbox_file_not_regular(path: str) -> str:
    return (f"{path} should be the sandbox's saved file, but it is a folder or not a regular file: "
            "move it aside and run the command again (a fresh sandbox starts)")


# --- db copy ---------------------------------------------------------------------------------------

def no_activity_log(path: str) -> str:
    return f"there is no activity log at {path}"


def copied(counts: Mapping[str, int], target: str) -> str:
    """What `db copy` copied, by table."""
    return (f"Copied {counts['activity']} activity records, {counts['progress']} ticked steps, "
            f"{counts['supplier_refs']} entered supplier orders, "
            f"{counts['no_supplier_orders'] + counts['supplier_checks']} checks by hand, "
            f"{counts['followups']} follow-ups and {counts['authorisations']} authorisations to {target}.\n")


# --- status ----------------------------------------------------------------------------------------

def _refundable_words(shop: ShopifyOrderState) -> str:
    customer = refundable_presentment(shop)
    return f"{refundable(shop)}" + (f" ({customer} in the customer's currency)" if customer else "")


class HistoryLine(NamedTuple):
    """One record of the order's history, as `status` prints it (the record's values, not yet worded)."""

    at: datetime
    agent: str | None
    ticket: str | None
    action: str
    outcome: str
    message: str


HISTORY_SHOWN = 5


def history_text(history: Sequence[HistoryLine]) -> str:
    """`status`: who did what to the order, when, for which ticket, newest first (the last few)."""
    if not history:
        return ""
    lines = ["\nHistory (newest first):\n"]
    for h in history[:HISTORY_SHOWN]:
        who = f" {h.agent}" if h.agent else ""
        ticket = f" (ticket {h.ticket})" if h.ticket else ""
        lines.append(f"  {_utc(h.at)}{who}{ticket}: {action_label(h.action)}: {outcome_label(h.outcome)}\n"
                     f"      {h.message}\n")
    if len(history) > HISTORY_SHOWN:
        lines.append(f"  ... {len(history) - HISTORY_SHOWN} older: {PROG} status ORDER --json has them all\n")
    return "".join(lines)


def status_text(state: OrderState, wt: Walkthrough, mode: str) -> str:
    """`status`: the order's path, both sides' states, the steps and the warnings."""
    shop = state.shopify
    lines = [f"Order {shop.name} ({'sandbox' if mode == 'sandbox' else 'live shop'})\n",
             f"Path: {wt.title} [{wt.path.value}]\n",
             f"{wt.explanation}\n(guide: {wt.cites})\n\n"]
    cancelled = f"cancelled {_utc(shop.cancelled_at)}" if shop.cancelled_at else "not cancelled"
    payment = shop.financial_status.value.lower() if shop.financial_status else "unknown"
    lines.append(f"Shopify: {cancelled}; fulfillment {shop.fulfillment_status.value.lower()}; payment {payment}; "
                 f"total {shop.total}; refundable {_refundable_words(shop)}\n")
    for fo in shop.fulfillment_orders:
        lines.append(f"  fulfillment order {fo.id}: {fo.status.value.lower()}, "
                     f"request {fo.request_status.value.lower()}\n")
    if not state.suppliers and state.no_supplier_order is not None:
        lines.append(f"Supplier: none placed (confirmed {_utc(state.no_supplier_order.at)})\n")
    elif not state.suppliers:
        lines.append("Supplier: no supplier order known for this order\n")
    for s in state.suppliers:
        raw = f" ({s.raw_status})" if s.raw_status else ""
        problem = f"; could not be read: {s.read_error}" if s.read_error else ""
        lines.append(f"Supplier {s.supplier} {s.order_id}: {s.status.value.replace('_', ' ')}{raw}; "
                     f"cancel: {s.cancel_channel.value}{problem}\n")
    lines.append("\nSteps:\n")
    for step in wt.steps:
        action = f"  -> {step.action.value}" + (f" {step.target}" if step.target else "") if step.action else ""
        lines.append(f"  [{step.status.value}] {step.step_id}: {step.title}{action}\n")
        if step.reason:
            lines.append(f"      {step.reason}\n")
    if wt.warnings:
        lines.append("\nWarnings:\n")
        lines.extend(f"  ! {warning}\n" for warning in wt.warnings)
    return "".join(lines)


def path_now(wt: Walkthrough) -> str:
    return f"Path now: {wt.title} [{wt.path.value}]\n"


# --- supplier --------------------------------------------------------------------------------------

def _ticket(ticket: str | None) -> str:
    return f" (ticket {ticket})" if ticket else ""


def recorded_none(order_name: str, ticket: str | None) -> str:
    return f"Recorded: no supplier order was placed for {order_name}{_ticket(ticket)}.\n"


def recorded_check(order_id: str, status: str, ticket: str | None) -> str:
    return f"Recorded: {order_id} shows {status.replace('_', ' ')}{_ticket(ticket)}.\n"


def api_wins(status: str) -> str:
    """A check by hand of a supplier order its API reads: the read wins."""
    return (f"Note: the supplier's API reads it ({status.replace('_', ' ')}), and a read wins "
            "over a check by hand; yours is kept for when it cannot be read.\n")


# --- cancel ----------------------------------------------------------------------------------------

def would_do(summary: Sequence[str]) -> str:
    """A cancel without --yes: what it would do."""
    return "This would:\n" + "".join(f"  - {line}\n" for line in summary)


def check_it_with(order: str) -> str:
    """A cancel whose outcome is unknown (`order`: shell-quoted)."""
    return f"Check it with: {PROG} status {order}\n"


# --- follow-ups ------------------------------------------------------------------------------------

def follow_up_line(*, order: str, ticket: str | None, is_waiting: bool, waiting_words: str, status_words: str,
                   since: datetime, due: bool, due_at: datetime, authorised_by: str | None,
                   authorised_until: datetime | None, closed_at: datetime | None, detail: str) -> str:
    """One followed order (`authorised_by`, `authorised_until`: its active authorisation's, else None)."""
    waiting = f"waiting for {waiting_words}" if is_waiting else status_words
    when = "due now" if due else f"look again {_utc(due_at)}"
    tag = f" [{ticket}]" if ticket else ""
    auth = f"; authorised by {authorised_by} until {_utc(authorised_until)}" \
        if authorised_by is not None and authorised_until is not None else ""
    closed = f"; closed {_utc(closed_at)}" if closed_at else ""
    return f"{order}{tag}: {waiting} since {_utc(since)}; {when}{auth}{closed}\n    {detail}\n"


def nothing_done(held_by: str | None) -> str:
    return f"Nothing done: {held_by}; try again in a moment.\n"


def check_run(run: str, count: int) -> str:
    return f"Check run {run}: {count} order(s) re-read.\n"


def checked_line(mark: str, order: str, ticket: str | None, message: str) -> str:
    return f"  {mark} {order}{f' [{ticket}]' if ticket else ''}: {message}\n"


def reply_ready(order_number: str) -> str:
    return f"    Customer reply ready: {PROG} reply {order_number}\n"
