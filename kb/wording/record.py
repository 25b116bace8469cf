"""Words a merchant reads for the values the activity record keeps: actions, outcomes, cancel options. Pure.

The record keeps stable machine values (`cancel_order`, `INVENTORY`, `gid://shopify/...`); pages and
exports show these words instead, so a value renamed here never changes what was recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from kb.state import HandStatus
from kb.suppliers import supplier_title
from kb.wording.hand_check import HAND_STATUS_WORDS
from kb.wording.options import CANCEL_REASON_WORDS, FO_ACTIONS, REFUND_DESTINATIONS, REFUND_WORDS

__all__ = [
    "ACTION_LABELS",
    "OUTCOME_LABELS",
    "REASON_LABELS",
    "REFUND_LABELS",
    "REFUND_TO_LABELS",
    "REVERT_LABELS",
    "action_label",
    "gid_words",
    "option_words",
    "outcome_label",
]

ACTION_LABELS: Mapping[str, str] = MappingProxyType({
    "check_supplier": "Re-check the supplier order",
    "cancel_supplier": "Cancel at the supplier",
    "open_supplier": "Open the supplier order to cancel it",
    "revert_fulfillment": "Revert the fulfillment request",
    "cancel_order": "Cancel on Shopify",
    "enter_supplier_ref": "Enter the supplier order number",
    "find_supplier_order": "Find the supplier order",
    "check_by_hand": "Check the supplier order by hand",
    "no_supplier_order": "No supplier order was placed",
    "authorise_cancel": "Authorise the cancel (finish it for me)",
    "withdraw_authorisation": "Withdraw the authorisation",
    "follow_up_check": "Follow-up check",
})
OUTCOME_LABELS: Mapping[str, str] = MappingProxyType({
    "started": "Started, no answer yet",
    "ok": "Done",
    "refused": "Refused",
    "error": "Failed",
    "unknown": "Unknown: read the order to know",
    "already_done": "Already done",
})
# Keyed by the stored value; the words are kb.wording.options' (one map per concept for every caller).
REASON_LABELS: Mapping[str, str] = MappingProxyType({r.value: w for r, w in CANCEL_REASON_WORDS.items()})
REFUND_LABELS: Mapping[str, str] = MappingProxyType({t.value: w for t, w in REFUND_WORDS.items()})
REFUND_TO_LABELS: Mapping[str, str] = MappingProxyType({d.value: w.phrase for d, w in REFUND_DESTINATIONS.items()})
REVERT_LABELS: Mapping[str, str] = MappingProxyType({a.value: w.label for a, w in FO_ACTIONS.items()})

_IDENTIFIER = re.compile(r"[a-z]+(?:_[a-z]+)+")  # a stored status such as `seller_approval`
_GID_NOUNS = {"Order": "order", "FulfillmentOrder": "fulfillment", "Fulfillment": "fulfillment"}


def _fallback(value: str) -> str:
    return value.replace("_", " ").strip().capitalize()


def action_label(action: str) -> str:
    """`cancel_order` -> "Cancel on Shopify" (an action this version does not know: its id in words)."""
    return ACTION_LABELS.get(action) or _fallback(action)


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome) or _fallback(outcome)


def gid_words(value: str, *, order_name: str | None = None) -> str:
    """`gid://shopify/FulfillmentOrder/5003` -> "fulfillment 5003"; an Order GID -> its name when known."""
    if not value.startswith("gid://shopify/"):
        return value
    kind, _, number = value.removeprefix("gid://shopify/").partition("/")
    if kind == "Order" and order_name:
        return order_name
    return f"{_GID_NOUNS.get(kind, _fallback(kind).lower())} {number}".strip()


def _yes(value: Any) -> str:
    return "yes" if value is True or str(value).lower() == "true" else "no"


def option_words(options: Mapping[str, Any], *, order_name: str | None = None) -> str:
    """The options an action was taken with, in words: "Refund later · Items unavailable · restock: yes"."""
    words: list[str] = []
    for name, value in options.items():
        if value in (None, ""):
            continue
        text = str(value)
        if name == "refund":
            words.append(REFUND_LABELS.get(text, _fallback(text)))
        elif name == "refund_to":
            if str(options.get("refund", "")).lower() != "later":  # refund later sends nothing anywhere
                words.append(REFUND_TO_LABELS.get(text, _fallback(text)))
        elif name == "status" and text in {s.value for s in HandStatus}:
            words.append(f"shows: {HAND_STATUS_WORDS[HandStatus(text)].lower()}")
        elif name == "reason":
            words.append(REASON_LABELS.get(text, _fallback(text)))
        elif name == "restock":
            words.append(f"restock: {_yes(value)}")
        elif name == "notify_customer":
            words.append(f"notify the customer: {_yes(value)}")
        elif name == "staff_note":
            words.append(f"staff note: {text}")
        elif name == "supplier":
            words.append(supplier_title(text))
        elif name == "revert":
            words.append(REVERT_LABELS.get(text, _fallback(text)))
        elif name in ("target", "order_id"):
            words.append(gid_words(text, order_name=order_name))
        else:
            value_words = text.replace("_", " ") if _IDENTIFIER.fullmatch(text) else gid_words(text, order_name=order_name)
            words.append(f"{name.replace('_', ' ')}: {value_words}")
    return " · ".join(words)
