"""What a merchant is told when Shopify refuses, fails or gives no clear answer (`actions.shopify`,
`actions.graphql_transport`). The clients decide which failure it is; these only word it.

`said` is a remote's (or our client's) message, already redacted; `seen` what reading the order back showed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

__all__ = [
    "ANSWER_NOT_JSON",
    "BUSY",
    "CANCEL_ERRORS",
    "CANCEL_NEEDS_GID",
    "DID_NOT_CANCEL",
    "MISSING_FIELDS",
    "MISSING_SCOPE",
    "NOT_A_FO_ID",
    "NO_DATA",
    "NO_MESSAGE",
    "NO_RESULT",
    "ORDERS_LIST",
    "REVERT_ERRORS",
    "SHOP_AND_SCOPES",
    "already_cancelled",
    "answer_lacks",
    "cancel_not_shown",
    "cancel_unconfirmed",
    "cancel_unknown",
    "did_not",
    "frozen",
    "http_refused",
    "internal_error",
    "invalid_says",
    "locked",
    "no_admin_api",
    "no_order",
    "no_order_named",
    "not_a_revert",
    "not_active",
    "rejected",
    "revert_not_allowed",
    "revert_unknown",
    "scope_or_permission",
    "several_named",
    "server_problem",
    "token_refused",
    "too_large",
    "too_many_fulfillment_orders",
    "user_errors",
]

# orderCancelUserErrors codes in a merchant's words.
CANCEL_ERRORS: Mapping[str, str] = MappingProxyType({
    "NO_REFUND_PERMISSION": (
        "Your staff account may not refund orders, so Shopify did not cancel with a refund. "
        "Ask the store owner for the refund permission, or cancel with 'refund later'."
    ),
    "NO_REFUND_TO_STORE_CREDIT_PERMISSION": "Your staff account may not refund to store credit.",
    "STORE_CREDIT_REFUND_EXPIRATION_IN_PAST": "The store credit expiry date is in the past.",
    "STORE_CREDIT_REFUND_MISSING_CUSTOMER": "Store credit needs a customer on the order, and this order has none.",
    "STORE_CREDIT_REFUND_B2B_NOT_SUPPORTED": "Store credit refunds are not available for B2B orders.",
    "NOT_FOUND": "Shopify could not find this order any more.",
    "INVALID": "Shopify cannot cancel this order as it is now.",
    "INTERNAL_ERROR": "Shopify had an internal problem cancelling this order; nothing was cancelled. Try again.",
})

# The fulfillment-order mutations' userErrors codes in a merchant's words.
REVERT_ERRORS: Mapping[str, str] = MappingProxyType({
    "FULFILLMENT_ORDER_HAS_MANUALLY_REPORTED_PROGRESS": (
        "Progress was reported on this fulfillment order by hand, so it cannot be cancelled; "
        "mark it as open instead."
    ),
    "FULFILLMENT_ORDER_NOT_FOUND": "Shopify could not find this fulfillment order any more; refresh the order.",
    "INVALID_ACCESS": "This app may not change this fulfillment order (it belongs to another app or location).",
})

CANCEL_NEEDS_GID = "Cancel needs the order's Shopify id (gid://shopify/Order/…)."
DID_NOT_CANCEL = "Shopify did not cancel the order"
NO_MESSAGE = "no message"  # a userError Shopify sent without one
NOT_A_FO_ID = "That is not a Shopify fulfillment order id."
NO_RESULT = "Shopify's answer had no result."
MISSING_FIELDS = "Shopify's answer about the order was missing fields we need."
# What an answer lacked, completing "Shopify's answer did not contain ...".
SHOP_AND_SCOPES = "the shop and its access scopes"
ORDERS_LIST = "the orders list"

# The transport (`actions.graphql_transport`).
BUSY = "Shopify is busy with this shop's other apps (rate limit). Wait a few seconds and try again."
ANSWER_NOT_JSON = "Shopify sent an answer we could not read (not JSON)."
NO_DATA = "Shopify's answer had no data."
MISSING_SCOPE = ("Shopify refused this request: the app is missing an access scope. Open the Connection page to see "
                 "which scopes to grant.")


def _cut(said: str) -> str:
    return said.rstrip(".")


# --- reading an order ------------------------------------------------------------------------------

def no_order(display: str, shop: str) -> str:
    """An order id (or GID, or admin URL) the shop does not have."""
    return f"There is no {display} in {shop}. Check the number, or that it is this shop's."


def no_order_named(name: str, shop: str) -> str:
    return f"There is no order named {name} in {shop}. Check the number, or paste the order's admin URL."


def several_named(name: str, shop: str) -> str:
    return f"More than one order is named {name} in {shop}. Paste the order's admin URL or id to say which one."


def too_many_fulfillment_orders(order_name: str, page: int) -> str:
    return (f"{order_name} has more than {page} fulfillment orders; "
            "Cancel Assist cannot check them all. Handle this order in the Shopify admin.")


def answer_lacks(what: str) -> str:
    return f"Shopify's answer did not contain {what}."


# --- cancelling --------------------------------------------------------------------------------------

def cancel_unconfirmed(said: str) -> str:
    """Accepted, but the order could not be read back."""
    return f"Shopify accepted the cancellation, but the order could not be read back to confirm it ({_cut(said)})."


def cancel_not_shown(order_name: str) -> str:
    """Accepted and finished, yet the order reads as not cancelled."""
    return (f"Shopify accepted the cancellation of {order_name} and finished its job, but the order still "
            "shows as not cancelled. Open it in the Shopify admin to see why; nothing was sent twice.")


def already_cancelled(order_name: str) -> str:
    return f"{order_name} is already cancelled on Shopify; nothing was changed."


def cancel_unknown(said: str, seen: str) -> str:
    return (f"We could not tell whether Shopify cancelled the order: {_cut(said)}. "
            f"{seen} The cancel was not sent again; check the order in the Shopify admin before retrying.")


# --- reverting a fulfillment request -----------------------------------------------------------------

def not_a_revert(action: str) -> str:
    return f"{action} does not revert a fulfillment request."


def revert_not_allowed(verb: str, allowed: Sequence[str]) -> str:
    """A revert the fulfillment order's supported actions do not list (`allowed`: the ones they do)."""
    return (f"Shopify does not allow us to {verb} on this fulfillment order right now "
            f"(it allows: {', '.join(allowed) or 'none'}). Refresh the order and follow the step it shows.")


def did_not(verb: str) -> str:
    return f"Shopify did not {verb}"


def revert_unknown(verb: str, said: str, seen: str | None) -> str:
    """A revert with no clear answer (`seen`: what reading it back showed; None when it could not be read)."""
    if seen is None:
        return (f"We could not tell whether Shopify managed to {verb}: "
                f"{_cut(said)}. It was not sent again; refresh the order to see where it stands.")
    return (f"We could not tell whether Shopify managed to {verb}: "
            f"{_cut(said)}. {seen} It was not sent again; refresh the order before retrying.")


# --- userErrors --------------------------------------------------------------------------------------

def invalid_says(words: str, said: str) -> str:
    """INVALID is Shopify's catch-all: our words, then its own message saying why."""
    return f"{_cut(words)}. Shopify says: {said}"


def user_errors(prefix: str, explained: Sequence[str]) -> str:
    """A mutation's userErrors, each said once (`prefix`: what Shopify did not do)."""
    return f"{prefix}: " + " ".join(dict.fromkeys(e.rstrip(".") + "." for e in explained))


# --- the transport's HTTP and GraphQL errors ---------------------------------------------------------

def token_refused(shop: str) -> str:
    return (f"Shopify refused the access token for {shop}: it is wrong or was revoked. "
            "Create a new Admin API token and update the settings.")


def frozen(shop: str) -> str:
    return f"{shop} is frozen by Shopify until its bill is paid; nothing can change until the owner pays."


def no_admin_api(shop: str, api_version: str) -> str:
    return (f"Shopify has no Admin API at this address for {shop} (API version {api_version}). "
            "Check the shop domain and the API version.")


def locked(shop: str) -> str:
    return f"{shop} is locked by Shopify; contact Shopify support."


def server_problem(status: int) -> str:
    return f"Shopify had a problem answering (HTTP {status}). Try again shortly."


def http_refused(status: int, said: str) -> str:
    return f"Shopify refused the request (HTTP {status}). {said}".strip()


def scope_or_permission(said: str) -> str:
    return f"Shopify refused this for lack of an access scope or staff permission: {said}"


def not_active(shop: str, said: str) -> str:
    return f"{shop} is not active on Shopify: {said}"


def internal_error(said: str) -> str:
    return f"Shopify had an internal error: {said}"


def too_large(said: str) -> str:
    return f"This request is too large for Shopify: {said}"


def rejected(said: str) -> str:
    return f"Shopify rejected the request: {said}"

