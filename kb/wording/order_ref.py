"""Words for an order reference that cannot be read (`kb.order_ref`): what was wrong, and what would work.

`shown` is the part of what was typed that the message quotes, already cut and quoted by the caller.
"""

from __future__ import annotations

__all__ = [
    "ENTER_AN_ORDER",
    "NOT_AN_ORDER_URL",
    "NOT_POSITIVE",
    "NO_CREDENTIALS_IN_URL",
    "ONLY_ADMIN_URLS",
    "control_characters",
    "not_a_reference",
    "not_a_shopify_id",
    "not_an_order_id",
    "not_of_an_order",
    "order_id",
    "other_shop",
    "too_long",
    "unreadable_url",
]

ENTER_AN_ORDER = "Enter an order number such as #1001, an order id or an order's admin URL."
NOT_POSITIVE = "An order id is a positive number."
NO_CREDENTIALS_IN_URL = "An order's admin URL has no user name, password or port; copy it again from the admin."
ONLY_ADMIN_URLS = ("Only Shopify admin URLs (admin.shopify.com/store/… or your-store.myshopify.com/admin/…) "
                   "are accepted.")
NOT_AN_ORDER_URL = "That Shopify URL does not point at an order; open the order in the admin and copy its address."


def order_id(legacy_id: int | None) -> str:
    """An order known by its id, as a merchant reads it ("order id 5500000001001")."""
    return f"order id {legacy_id}"


def too_long(length: int, limit: int) -> str:
    return f"That is too long to be an order reference ({length} characters, at most {limit})."


def control_characters(shown: str) -> str:
    return f"{shown} contains invisible control characters; type the order number again."


def not_a_reference(shown: str) -> str:
    return (f"{shown} is not an order reference. Use the order number (#1001), "
            "the order id, or the order's URL from the Shopify admin.")


def not_a_shopify_id(shown: str) -> str:
    return f"{shown} is not a Shopify id; an order id looks like gid://shopify/Order/123."


def not_of_an_order(kind: str) -> str:
    """A Shopify id of something else (`kind`: its type, `Product`)."""
    return f"That is the id of a {kind}, not of an order; an order id looks like gid://shopify/Order/123."


def not_an_order_id(shown: str) -> str:
    return f"{shown} is not an order id; the part after Order/ must be a number."


def unreadable_url(shown: str) -> str:
    return f"{shown} is not a web address we can read."


def other_shop(store: str, expected: str) -> str:
    """An admin URL of another shop than the one this app serves."""
    return f"That order belongs to the shop {store!r}, not to {expected!r}; open it from this shop's admin."
