"""Words of "Finish it for me" on the walkthrough (`pages/_authorise.py`): where the order's follow-up stands, the
authorisation form, and an authorisation in force.

The form's option fields are `kb.wording.options.CANCEL_FORM`; refund timing and reason, its maps.
"""

from __future__ import annotations

from datetime import datetime

from kb.state import CancelOptions
from kb.wording.followups_page import DUE_NOW
from kb.wording.frame import PAGE_TITLES
from kb.wording.options import CANCEL_REASON_WORDS, REFUND_WORDS, notify_words, restock_words

__all__ = [
    "AGENT",
    "AUTHORISE",
    "EXPIRES_AFTER",
    "FORM_NOTE",
    "FORM_TITLE",
    "NOTHING_TO_WITHDRAW",
    "WITHDRAW",
    "WITHDRAWN",
    "authorised_words",
    "follow_up_words",
    "unlisted_words",
]

WITHDRAWN = "Authorisation withdrawn: the check run will not cancel this order."
NOTHING_TO_WITHDRAW = "There was no authorisation left to withdraw."
WITHDRAW = "Withdraw the authorisation"
AGENT = "Your name (recorded with the authorisation)"
FORM_TITLE = "Finish it for me: cancel on Shopify when the supplier confirms"
FORM_NOTE = ("The check run re-reads this order when it is due. If the supplier confirms the cancellation, "
             "it cancels on Shopify with these options, once, and records it under your name and the ticket. "
             "If anything else happens (the seller refuses, the supplier ships), it does nothing and lists "
             "the order for a person.")
EXPIRES_AFTER = "Expires after (days)"
AUTHORISE = "Authorise"


def authorised_words(agent: str, expires_at: datetime, options: CancelOptions) -> str:
    """An authorisation in force: who, until when, and the cancel it will send (`agent` as the page shows it)."""
    return (f"Authorised by {agent} until {expires_at:%Y-%m-%d %H:%M} UTC: when the supplier "
            f"confirms, the check run cancels on Shopify ({REFUND_WORDS[options.refund].lower()}, "
            f"{CANCEL_REASON_WORDS[options.reason].lower()}, {restock_words(options.restock)}, "
            f"{notify_words(options.notify_customer)}).")


def follow_up_words(status: str, waiting: str, since: datetime, *, due: bool, due_at: datetime) -> str:
    """Where the order's follow-up stands (`status`, `waiting` as the page shows them)."""
    when = DUE_NOW if due else f"next look {due_at:%Y-%m-%d %H:%M} UTC"
    what = f"{status} ({waiting})" if waiting != status else status  # a ready order waits for nothing else
    return (f"Follow-up: {what} since "
            f"{since:%Y-%m-%d %H:%M} UTC; {when}. It is on the {PAGE_TITLES['followups']} page.")


def unlisted_words(problem: str) -> str:
    return f"The follow-up list could not be updated: {problem}"
