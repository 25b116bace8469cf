"""Words of the walkthrough page (`pages/walkthrough.py`) around what the assistant says about the order: the order
box, the heading, the card's controls, the checklist, the supplier orders, the confirmations, the ticket panel
and the sandbox controls.

The card's own sentences (title, why, buttons, progress) are `kb.wording.card`'s; the cancel form's fields,
`kb.wording.options.CANCEL_FORM`.
"""

from __future__ import annotations

from datetime import datetime

from kb.wording.frame import PAGE_TITLES
from kb.wording.order_ref import ENTER_AN_ORDER  # the order box left empty: what the parser says too

__all__ = [
    "APPLY_FAULTS",
    "CHECKLIST",
    "CHECK_NOW",
    "CONFIRM_CANCEL",
    "DONE",
    "ENTER_AN_ORDER",
    "FAULTS",
    "FAULTS_PLACEHOLDER",
    "GUIDE_LINK",
    "LOOK_UP",
    "LOOK_UP_ANOTHER",
    "MARKDOWN",
    "MARKDOWN_HELP",
    "NO_ORDER_DEMO",
    "NO_ORDER_HINT",
    "NO_ORDER_TITLE",
    "OPEN_SUPPLIER_ORDER",
    "ORDER",
    "ORDER_PLACEHOLDER",
    "REFRESH",
    "REPLY_CAPTION",
    "RESET_DEMO",
    "SANDBOX_CONTROLS",
    "SANDBOX_NOTE",
    "SERVICE_ACCEPTS",
    "SERVICE_REJECTS",
    "SHOPIFY_DIALOG",
    "SUPPLIER_DIALOG",
    "SUPPLIER_ORDERS",
    "TICKET",
    "TICKET_LINK_CAPTION",
    "TICKET_PANEL",
    "TICKET_PLACEHOLDER",
    "TRY_AGAIN",
    "UNKNOWN",
    "WHAT_THE_GUIDE_SAYS",
    "WHAT_WILL_HAPPEN",
    "cancelled_words",
    "citation",
    "confirm_supplier",
    "confirm_supplier_question",
    "done_by_hand",
    "next_by_hand",
    "open_order_at",
    "order_heading",
    "read_at_words",
    "sandbox_message",
    "seller_reply",
    "show_all_steps",
    "supplier_order_line",
    "value_words",
    "why_words",
]

# The order box
ORDER = "Order"
ORDER_PLACEHOLDER = "#1001, 1001, an order id or its admin URL"
TICKET = "Ticket (optional)"
TICKET_PLACEHOLDER = "ZD-42"
LOOK_UP = "Look up"
LOOK_UP_ANOTHER = "Look up another order"
NO_ORDER_TITLE = "Cancel an order"
NO_ORDER_HINT = "Enter the order to cancel (from the ticket or the Shopify admin) to see what to do, step by step."
# On the sandbox a new merchant has no ticket and no admin: demo orders to open, and where to learn without one.
NO_ORDER_DEMO = (
    "On the sandbox, open a demo order: [1001](?order=1001) (nothing shipped: cancel it cleanly), "
    "[1003](?order=1003) (a fulfillment request to revert first), [1002](?order=1002) (the supplier shipped it), "
    "[1011](?order=1011) (no supplier order known). The README lists all 36. To learn the steps without an order, "
    "open the Guide page."
)

# The heading and the card's controls
UNKNOWN = "unknown"  # a financial status Shopify did not give
CHECK_NOW = "Check now"
REFRESH = "Refresh"
TRY_AGAIN = "Try again"
DONE = "Done"
OPEN_SUPPLIER_ORDER = "Open the supplier order"

# The checklist and the supplier orders
CHECKLIST = "Checklist"
GUIDE_LINK = "guide"  # after a step's line, the link to its section of the guide
WHAT_THE_GUIDE_SAYS = "What the guide says"
SUPPLIER_ORDERS = "Supplier orders (live status)"

# The confirmations
SHOPIFY_DIALOG = "Cancel the order on Shopify"
SUPPLIER_DIALOG = "Cancel at the supplier"
WHAT_WILL_HAPPEN = "**What will happen**"
CONFIRM_CANCEL = "Confirm: cancel the order"

# The ticket panel
TICKET_PANEL = "For the ticket: its link and the reply to the customer"
TICKET_LINK_CAPTION = "Link for this ticket (opens this order here, and records actions against the ticket)"
MARKDOWN = "Markdown"
MARKDOWN_HELP = "For helpdesks that render Markdown; plain text otherwise."
REPLY_CAPTION = "Reply to the customer: copy it with the button at the top right of the box"

# The sandbox controls
SANDBOX_CONTROLS = "Sandbox controls"
RESET_DEMO = "Reset demo"
SANDBOX_NOTE = (f"One sandbox for every tab and reload of this server: the {PAGE_TITLES['activity']} page and "
                f"every tab show the same demo. {RESET_DEMO} puts every demo order back for everyone.")
FAULTS = "Faults on demand"
FAULTS_PLACEHOLDER = "shopify:throttled, aliexpress:5xx, cj:timeout"
APPLY_FAULTS = "Apply faults"
SERVICE_ACCEPTS = "Simulate fulfillment service reply (accept)"
SERVICE_REJECTS = "Simulate fulfillment service reply (reject)"


def value_words(value: str) -> str:
    """A stored status in words (`partially_paid` -> "partially paid")."""
    return value.replace("_", " ").lower()


def order_heading(name: str) -> str:
    return f"Order {name}"


def cancelled_words(at: datetime) -> str:
    return f"cancelled {at:%Y-%m-%d %H:%M} UTC"


def read_at_words(at: datetime) -> str:
    """When the order was read, after the heading's facts."""
    return f" · read at {at:%H:%M:%S} UTC"


def next_by_hand(title: str, line: str) -> str:
    """The card's by-hand step (`title`, `line` as the page shows them)."""
    return f"**Next, by hand:** {title}. {line}"


def open_order_at(supplier: str) -> str:
    return f"Open the order at {supplier}"


def citation(guide_title: str, section_title: str) -> str:
    """Where the guide says why: "Cancel an order › Before you cancel"."""
    return f"{guide_title} › {section_title}"


def why_words(cited: str) -> str:
    """The card's link to the guide's section (`cited`: its `citation`)."""
    return f"Why: {cited}"


def done_by_hand(title: str) -> str:
    return f"Done by hand: {title}"


def show_all_steps(hidden: int) -> str:
    return f"Show all steps ({hidden} not needed)"


def supplier_order_line(supplier: str, order_id: str, status: str, raw_status: str | None,
                        unread: str | None) -> str:
    """One supplier order under "Supplier orders" (`unread`: why it could not be read, its first sentence)."""
    text = f"{supplier} order {order_id}: {value_words(status)}" + (f" ({raw_status})" if raw_status else "")
    if unread is not None:
        text += f". Could not be read: {unread}"
    return text


def confirm_supplier_question(order_id: str, supplier: str) -> str:
    """The supplier cancel's confirmation (`order_id`, `supplier` as the page shows them)."""
    return (f"Cancel supplier order **{order_id}** at {supplier}? "
            "A cancelled supplier order cannot be reopened.")


def confirm_supplier(supplier: str) -> str:
    return f"Confirm: cancel at {supplier}"


def seller_reply(supplier: str, order_id: str, *, accept: bool) -> str:
    """A sandbox button that makes the seller answer a cancellation."""
    return f"Simulate seller reply: {supplier} {order_id} {'accepts' if accept else 'refuses'}"


def sandbox_message(problem: str) -> str:
    """What the simulator said when it refused (a bad fault spec, no pending request)."""
    return f"Sandbox: {problem}"
