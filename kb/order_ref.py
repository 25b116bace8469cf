"""What a merchant or a ticket calls an order, turned into something Shopify can look up.

People paste order numbers in every shape: `#1001`, `1001`, the long numeric id, a GID, or
the admin URL copied from the browser. `parse_order_ref` accepts each of them and refuses
anything else with a message that says what would work, before any request is made.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from kb.wording import order_ref as words

__all__ = ["MAX_INPUT_LENGTH", "OrderRef", "OrderRefError", "parse_order_ref"]

MAX_INPUT_LENGTH = 200
_ECHO = 80  # never repeat more than this much of what was typed
_MIN_ID_DIGITS = 10  # order ids are long; a short number is an order name (#1001)

_NAME = re.compile(r"#?(?=[A-Za-z0-9._-]*\d)[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_DIGITS = re.compile(r"\d{1,20}")
_GID = re.compile(r"gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>[^/?#\s]+)")
_STORE = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
_ADMIN_PATH = re.compile(r"/store/(?P<store>[^/]+)/orders/(?P<id>\d{1,20})/?")
_LEGACY_ADMIN_PATH = re.compile(r"/admin/orders/(?P<id>\d{1,20})/?")


class OrderRefError(ValueError):
    """Raised when the text cannot be an order of this shop; the message says what would work."""


class OrderRef(BaseModel):
    """An order as Shopify can find it: by name (`#1001`) or by GID."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["name", "id"]
    value: str  # "#1001" or "gid://shopify/Order/5500000001001"

    @property
    def legacy_id(self) -> int | None:
        """The numeric id of a GID reference (the number in admin URLs)."""
        return int(self.value.rsplit("/", 1)[1]) if self.kind == "id" else None

    @property
    def display(self) -> str:
        """How to show the reference to a merchant."""
        return self.value if self.kind == "name" else words.order_id(self.legacy_id)

    def __str__(self) -> str:
        return self.display


def parse_order_ref(text: str, *, shop: str | None = None) -> OrderRef:
    """Read an order reference; `shop` (`<name>.myshopify.com`) refuses URLs of other shops."""
    if not isinstance(text, str):
        raise OrderRefError(words.ENTER_AN_ORDER)
    stripped = text.strip()
    if not stripped:
        raise OrderRefError(words.ENTER_AN_ORDER)
    if len(stripped) > MAX_INPUT_LENGTH:
        raise OrderRefError(words.too_long(len(stripped), MAX_INPUT_LENGTH))
    if any(unicodedata.category(ch).startswith("C") for ch in stripped):
        raise OrderRefError(words.control_characters(_echo(stripped)))
    lowered = stripped.lower()
    if lowered.startswith("gid://"):
        return _from_gid(stripped)
    if lowered.startswith(("https://", "http://", "admin.shopify.com/")) or ".myshopify.com/" in lowered:
        return _from_url(stripped, shop)
    if _DIGITS.fullmatch(stripped):
        if len(stripped) >= _MIN_ID_DIGITS:
            return _by_id(stripped)
        return OrderRef(kind="name", value=f"#{stripped}")
    if _NAME.fullmatch(stripped):
        return OrderRef(kind="name", value=stripped)
    raise OrderRefError(words.not_a_reference(_echo(stripped)))


def _by_id(digits: str) -> OrderRef:
    number = int(digits)
    if number <= 0:
        raise OrderRefError(words.NOT_POSITIVE)
    return OrderRef(kind="id", value=f"gid://shopify/Order/{number}")


def _from_gid(text: str) -> OrderRef:
    match = _GID.fullmatch(text)
    if not match:
        raise OrderRefError(words.not_a_shopify_id(_echo(text)))
    if match["type"] != "Order":
        raise OrderRefError(words.not_of_an_order(match["type"]))
    if not _DIGITS.fullmatch(match["id"]):
        raise OrderRefError(words.not_an_order_id(_echo(text)))
    return _by_id(match["id"])


def _from_url(text: str, shop: str | None) -> OrderRef:
    if not text.lower().startswith(("https://", "http://")):
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        raise OrderRefError(words.unreadable_url(_echo(text))) from None
    if parts.username or parts.password or port is not None:
        raise OrderRefError(words.NO_CREDENTIALS_IN_URL)
    expected = _store_name(shop) if shop else None
    if host == "admin.shopify.com":
        match = _ADMIN_PATH.fullmatch(parts.path)
        store = match["store"].lower() if match else ""
    elif host.endswith(".myshopify.com"):
        match = _LEGACY_ADMIN_PATH.fullmatch(parts.path)
        store = host.removesuffix(".myshopify.com")
    else:
        raise OrderRefError(words.ONLY_ADMIN_URLS)
    if not match or not _STORE.fullmatch(store):
        raise OrderRefError(words.NOT_AN_ORDER_URL)
    if expected is not None and store != expected:
        raise OrderRefError(words.other_shop(store, expected))
    return _by_id(match["id"])


def _store_name(shop: str) -> str:
    return shop.strip().lower().removeprefix("https://").rstrip("/").removesuffix(".myshopify.com")


def _echo(text: str) -> str:
    """Quote at most `_ECHO` characters of user input in a message."""
    shown = text if len(text) <= _ECHO else text[: _ECHO - 1] + "…"
    return repr(shown)
