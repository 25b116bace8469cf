"""Words of the Follow-ups page (`pages/followups.py`): the check run's report, the list's counts and columns.

Where a follow-up stands and what it waits for are `kb.wording.followups`' words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

__all__ = [
    "CHECK_NOW",
    "COLUMNS",
    "DUE_NOW",
    "FINISHED",
    "INTRO",
    "NOTHING_WAITING",
    "OTHER_CHECK_RUNNING",
    "SHOW_FINISHED",
    "FollowUpColumns",
    "authorised_cell",
    "checked_words",
    "follow_up_count",
    "look_again_cell",
    "nothing_due_words",
    "reply_caption",
]

INTRO = ("Orders whose cancellation waits on a seller, a fulfillment service or a person, what is due "
         "first. An order is followed once its walkthrough shows it waiting. The check re-reads the due "
         "ones, records what changed against the ticket and finishes the cancellations an agent "
         "authorised; run it from cron with `cancel-assist follow-ups --check`.")
CHECK_NOW = "Check due orders now"
SHOW_FINISHED = "Show finished follow-ups"
OTHER_CHECK_RUNNING = "Another check is running; try again in a moment."
NOTHING_WAITING = ("No order is waiting on anyone. Open a waiting order's walkthrough (in the sandbox: #1030 to "
                   "#1036) and it is followed here.")
DUE_NOW = "due now"
FINISHED = "finished"


class FollowUpColumns(NamedTuple):
    order: str
    ticket: str
    status: str
    waiting_for: str
    since: str
    look_again: str
    authorised: str
    detail: str


COLUMNS = FollowUpColumns("Order", "Ticket", "Status", "Waiting for", "Since (UTC)", "Look again (UTC)", "Authorised",
                          "Detail")


def nothing_due_words(run: str) -> str:
    return f"Check run {run}: nothing was due."


def checked_words(run: str, count: int) -> str:
    return f"Check run {run}: {count} order(s) re-read."


def reply_caption(order: str) -> str:
    return f"Reply to the customer of {order} (Markdown, copy it into the ticket)"


def follow_up_count(total: int, people: int) -> str:
    """How many follow-ups are listed, and how many of them need a person."""
    return f"{total} follow-up{'s' if total != 1 else ''}; {people} need{'s' if people == 1 else ''} a person."


def look_again_cell(*, finished: bool, due: bool, due_at: datetime) -> str:
    return FINISHED if finished else (DUE_NOW if due else f"{due_at:%Y-%m-%d %H:%M}")


def authorised_cell(state: str, agent: str, expires: date) -> str:
    return f"{state} ({agent}, until {expires:%Y-%m-%d})"
