"""Words for the first screen (`kb.card`): each button and what its progress box says, and when to look again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import NamedTuple

from kb.walkthrough import ActionId
from kb.wording.walkthrough_page import CHECK_NOW, SANDBOX_CONTROLS

__all__ = ["ACTION_WORDS", "NO_SUPPLIER", "READING", "REVERTING", "WORKING", "ActionWords", "look_again_words"]


class ActionWords(NamedTuple):
    button: str  # the button's label; {supplier} is the step's supplier
    progress: str  # what the progress box says while it runs; {button} is the button's label


# One row per button a step can offer (the revert's label is the fulfillment-order action's own, FO_ACTIONS).
# The supplier questions (FIND_SUPPLIER_ORDER, CHECK_BY_HAND) are forms, not buttons: no row.
ACTION_WORDS: Mapping[ActionId, ActionWords] = MappingProxyType({
    ActionId.CHECK_SUPPLIER: ActionWords("Re-check {supplier}", "Reading the order at {supplier}…"),
    ActionId.OPEN_SUPPLIER: ActionWords("Open the order at {supplier} to cancel it",
                                        "Preparing the order at {supplier}…"),
    ActionId.REVERT_FULFILLMENT: ActionWords("Revert the fulfillment request", "{button}: sending it to Shopify…"),
    ActionId.CANCEL_SUPPLIER: ActionWords("Cancel at {supplier}…",
                                          "Cancelling… at {supplier}, then reading the order again"),
    ActionId.CANCEL_ORDER: ActionWords("Cancel on Shopify…", "Cancelling… on Shopify, then reading the order again"),
})

NO_SUPPLIER = "the supplier"  # {supplier} when the step names none
WORKING = "Working…"  # the progress box of a step with no row above
REVERTING = "Reverting the fulfillment request"  # {button} when the revert offers no button
READING = "Reading the order again from Shopify and the suppliers…"

_SANDBOX_REPLY = 60  # seconds: a simulated answer quicker than this is read with Check now, not hours later


def look_again_words(after: timedelta | None, reply_seconds: float | None) -> str:
    """When to look again for a step that waits (`reply_seconds`: the sandbox's simulated answer delay; infinite
    when the sandbox answers only when someone plays the other side)."""
    if reply_seconds == float("inf"):
        return (f"On the sandbox this answer comes only when you play it: open {SANDBOX_CONTROLS} below, choose the "
                f"reply, then press {CHECK_NOW}.")
    if reply_seconds is not None and reply_seconds < _SANDBOX_REPLY:
        return f"On the sandbox the simulated answer comes in a few seconds: press {CHECK_NOW} to read it."
    if after is None:
        return "Check again later."
    hours = max(1, int(after.total_seconds() // 3600))
    return f"Check again in about {'an hour' if hours == 1 else f'{hours} hours'}."
