"""Words of the Activity page (`pages/activity.py`): its filters, its counts, its table's columns, its export.

The record's own values (actions, outcomes, options) are worded by `kb.wording.record`.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "ANY_OUTCOME",
    "COLUMNS",
    "EXPORT",
    "FILTERS",
    "INTRO",
    "NOTHING_RECORDED",
    "SINCE_AFTER_UNTIL",
    "UNUSABLE_FILTERS",
    "ActivityColumns",
    "FilterWords",
    "export_help",
    "page_picker",
    "record_count",
]

INTRO = ("Every action taken from this app or the command line: when, which order and ticket, who acted, "
         "what was asked and what came of it.")


class FilterWords(NamedTuple):
    order: str
    order_placeholder: str
    ticket: str
    ticket_placeholder: str
    outcome: str
    since: str
    until: str


FILTERS = FilterWords("Order", "#1001 (all orders when empty)", "Ticket", "ZD-42 (all tickets when empty)",
                      "Outcome", "From (UTC)", "To (UTC)")
ANY_OUTCOME = "Any outcome"
SINCE_AFTER_UNTIL = "The From date is after the To date."
UNUSABLE_FILTERS = "Those filters cannot be used."
NOTHING_RECORDED = "Nothing recorded yet for these filters."
EXPORT = "Export CSV"


class ActivityColumns(NamedTuple):
    when: str
    order: str
    ticket: str
    agent: str
    action: str
    options: str
    outcome: str
    message: str
    request_id: str


COLUMNS = ActivityColumns("When (UTC)", "Order", "Ticket", "Agent", "Action", "Options", "Outcome", "Message",
                          "Request id")


def record_count(total: int, first: int, shown: int) -> str:
    """How many records match, and which of them this page shows (`first`: the offset of the first one)."""
    showing = f"; showing {first + 1:,}–{first + shown:,}" if total > shown else ""
    return f"{total:,} record{'s' if total != 1 else ''}, newest first{showing}."


def export_help(total: int) -> str:
    return f"All {total:,} records that match the filters, not only this page."


def page_picker(pages: int) -> str:
    return f"Page (of {pages:,})"
