"""What a merchant is told when a supplier's API refuses, fails or gives no clear answer (`actions.aliexpress`,
`actions.cjdropshipping`, `actions.suppliers`). The clients decide which failure it is; these only word it.

`said` is the remote's (or our client's) message, already redacted and cut.
"""

from __future__ import annotations

from kb.suppliers import supplier_title

__all__ = [
    "AE_PERMISSION",
    "AE_CREDENTIALS",
    "AE_RATE_LIMITED",
    "CJ_DELETED",
    "CJ_FORBIDDEN",
    "CJ_RATE_LIMITED",
    "NO_ACCESS_TOKEN",
    "NO_RESULT",
    "NOT_AN_OBJECT",
    "UNEXPECTED_ERROR",
    "UNREADABLE",
    "ae_no_cancel_api",
    "ae_no_order",
    "ae_not_yours",
    "ae_refused",
    "ae_returned_no_order",
    "ae_server_error",
    "ae_unavailable",
    "cj_cannot_cancel",
    "cj_credentials_refused",
    "cj_no_order",
    "cj_not_found",
    "cj_refused",
    "cj_server_error",
    "cj_still_shows",
    "cj_unconfirmed",
    "cj_unread_back",
    "no_api_access",
    "no_api_access_cancel",
    "not_connected",
    "unexpected_answer",
]

# What an answer lacked or got wrong, completing "<supplier> answered with something unexpected (...)".
NOT_AN_OBJECT = "the order is not an object"
NO_ACCESS_TOKEN = "no access token in the answer"
NO_RESULT = "no result in the answer"

# Why a supplier order could not be read (its `read_error`).
UNREADABLE = "it could not be read"
UNEXPECTED_ERROR = "it could not be read (an unexpected error)"


def unexpected_answer(supplier: str, what: str) -> str:
    """A response that is not what the supplier documents."""
    return f"{supplier_title(supplier)} answered with something unexpected ({what}); try again later"


def not_connected(supplier: str) -> str:
    return f"{supplier_title(supplier)} is not connected"


def no_api_access(supplier: str) -> str:
    """A supplier without API credentials: its order is not read."""
    title = supplier_title(supplier)
    return f"no {title} API access is set up, so it was not read; check it by hand on {title}"


def no_api_access_cancel(supplier: str, order_id: str, url: str) -> str:
    title = supplier_title(supplier)
    return f"No {title} API access is set up: open order {order_id} on {title} ({url}) and cancel it there."


# --- AliExpress ----------------------------------------------------------------------------------

AE_RATE_LIMITED = "AliExpress is limiting how often we can ask; try again in a minute"
AE_PERMISSION = ("Your AliExpress app is not allowed to read dropshipping orders (insufficient permission): "
                 "check the app's API permissions on the AliExpress Open Platform")
AE_CREDENTIALS = ("AliExpress refused our credentials (the access token may have expired): "
                  "authorize the app again and update the AliExpress settings")


def ae_no_cancel_api(order_id: str, url: str) -> str:
    """AliExpress has no public cancel API: how to cancel on its site."""
    return (f"AliExpress has no cancel API: open order {order_id} on AliExpress ({url}), click "
            "\u201cCancel order\u201d and pick a reason, then check its status here again. An unpaid order is "
            "cancelled at once; a paid one waits for the seller's approval (up to 72 hours).")


def ae_server_error(status: int) -> str:
    return f"AliExpress had a server error (HTTP {status}); try again later"


def ae_not_yours(order_id: str) -> str:
    return (f"Order {order_id} is not in your AliExpress account (AliExpress says it belongs to another "
            "buyer): check the supplier order number")


def ae_unavailable(said: str) -> str:
    return f"AliExpress is temporarily unavailable ({said}); try again later"


def ae_no_order(order_id: str) -> str:
    return f"AliExpress has no order {order_id} in this account"


def ae_refused(said: str) -> str:
    return f"AliExpress refused the request: {said}"


def ae_returned_no_order(order_id: str) -> str:
    return f"AliExpress returned no order {order_id} for this account"


# --- CJ Dropshipping -----------------------------------------------------------------------------

CJ_RATE_LIMITED = "CJ Dropshipping is limiting how often we can ask; try again in a minute"
CJ_FORBIDDEN = "CJ Dropshipping does not allow this account to do that"
CJ_DELETED = "CJ deleted the order; it no longer appears in your CJ account. Nothing more to do there."


def cj_cannot_cancel(order_id: str, note: str | None, url: str | None) -> str:
    """An order CJ's API cannot cancel (`note`: why, from its cancel channel)."""
    return f"CJ order {order_id} cannot be cancelled from here: {note} Open it on CJ: {url}"


def cj_still_shows(status: str) -> str:
    return f"Reading it back, it still shows as {status}."


def cj_unconfirmed(order_id: str, said: str, seen: str, url: str) -> str:
    """A delete with no clear answer (`seen`: what reading it back showed)."""
    return (f"CJ did not confirm the cancellation of order {order_id} ({said.rstrip('.')}). {seen} "
            "Do not cancel it again yet: check it again in a minute, "
            f"or open it on CJ ({url}).")


def cj_unread_back(order_id: str, said: str) -> str:
    return (f"CJ accepted the cancellation of order {order_id}, but it could not be read back to confirm it "
            f"({said.rstrip('.')}).")


def cj_no_order(order_id: str) -> str:
    return f"CJ has no order {order_id} in this account"


def cj_server_error(what: str) -> str:
    return f"CJ Dropshipping had a server error ({what}); try again later"


def cj_credentials_refused(*, api_key: bool) -> str:
    """CJ refused the API key (while fetching a token) or our access token."""
    what = "the CJ API key" if api_key else "our CJ access token"
    return f"CJ Dropshipping refused {what}: check the API key in the CJ settings"


def cj_not_found(order_id: str | None) -> str:
    which = f"order {order_id}" if order_id else "that order"
    return f"CJ has no {which} in this account: check the supplier order number"


def cj_refused(said: str) -> str:
    return f"CJ Dropshipping refused the request: {said or 'no reason given'}"
