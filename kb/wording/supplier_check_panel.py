"""Words of the supplier questions on the walkthrough (`pages/_supplier_check.py`): which supplier order this is,
that none was placed, and what a supplier order checked by hand shows.

A hand-checked status itself is worded by `kb.wording.hand_check`.
"""

from __future__ import annotations

from datetime import datetime

__all__ = [
    "BAD_SUPPLIER_ID",
    "CHOOSE_STATUS_FIRST",
    "NAMES_NONE",
    "NONE_PLACED",
    "NONE_PLACED_SURE",
    "RECORD",
    "REMEMBER",
    "SUPPLIER",
    "SUPPLIER_ORDER_ID",
    "TICK_FIRST",
    "WHAT_IT_SHOWS",
    "WHICH_ORDER",
    "check_by_hand_heading",
    "check_it_by_hand",
    "checked_by_hand_note",
    "none_confirmed_words",
    "open_it_on",
    "unread_note",
]

BAD_SUPPLIER_ID = "A supplier order id is letters, digits, - and _ (up to 64)."
TICK_FIRST = "Tick the box first: you checked in your dropshipping app that no supplier order was placed."
CHOOSE_STATUS_FIRST = "Choose what the supplier's order page shows first."
NAMES_NONE = "**This order names no supplier order.** Enter it to check and cancel it here."
WHICH_ORDER = "**Which supplier order is this?** No supplier order number was found on this order."
SUPPLIER = "Supplier"
SUPPLIER_ORDER_ID = "Supplier order id"
REMEMBER = "Remember it"
NONE_PLACED_SURE = "I checked in the dropshipping app: no supplier order was placed for this order"
NONE_PLACED = "No supplier order was placed"
WHAT_IT_SHOWS = "What the order page shows"
RECORD = "Record what it shows"


def none_confirmed_words(at: datetime, ticket: str | None) -> str:
    """When someone said no supplier order was placed (and for which ticket)."""
    for_ticket = f" for ticket {ticket}" if ticket else ""
    return f"Confirmed at {at:%Y-%m-%d %H:%M} UTC{for_ticket}: no supplier order was placed."


def check_it_by_hand(title: str, order_id: str) -> str:
    """The question inside the first-screen card (`title`, `order_id` as the page shows them)."""
    return f"**Check it by hand:** open {title} order {order_id} and say what it shows."


def check_by_hand_heading(title: str, order_id: str) -> str:
    return f"**Check {title} order {order_id} by hand**"


def checked_by_hand_note(checked_at: datetime, raw_status: str | None) -> str:
    return (f"Checked by hand at {checked_at:%H:%M} UTC: {raw_status or ''}. "
            "Say again what it shows once it changes (after you cancel it there, say so).")


def unread_note(read_error: str | None, title: str) -> str:
    """Why a supplier order is asked by hand: it could not be read."""
    return (f"It could not be read ({read_error}). Open it on {title} and say what "
            "its order page shows; the walkthrough then follows your answer.")


def open_it_on(title: str) -> str:
    return f"Open it on {title}"
