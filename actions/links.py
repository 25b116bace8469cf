"""Ticket ids and deep links: the bridge between a support ticket and a walkthrough.

A link such as `https://assist.example/?order=1001&ticket=ZD-42` opens the walkthrough for order
#1001 and records every action against ticket ZD-42. Both values come from outside, so both are
validated here, once, for the pages and the CLI alike.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from actions.errors import InputError
from kb.order_ref import OrderRef, OrderRefError, parse_order_ref
from kb.wording import settings_errors as say

__all__ = ["TICKET_PATTERN", "deep_link", "link_order_value", "validate_ticket"]

TICKET_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._#:-]{0,63}$")


def validate_ticket(ticket: str | None) -> str | None:
    """Return the ticket id stripped (None when blank) or raise InputError in plain words."""
    if ticket is None:
        return None
    text = ticket.strip()
    if not text:
        return None
    if not TICKET_PATTERN.fullmatch(text):
        shown = text[:40] + ("..." if len(text) > 40 else "")
        raise InputError(say.not_a_ticket(shown), system="ticket")
    return text


def link_order_value(ref: OrderRef) -> str:
    """The order as it appears in a link: the number of a name ("1001") or the numeric id of a GID."""
    if ref.kind == "name":
        return ref.value.lstrip("#")
    return ref.value.rsplit("/", 1)[-1]


def _base(base_url: str) -> tuple[str, str, str]:
    text = (base_url or "").strip()
    refused = InputError(say.LINK_BASE_URL, system="link")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise refused
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port  # both raise ValueError on a malformed host or port
    except ValueError:
        raise refused from None
    if parts.scheme not in ("http", "https") or not host:
        raise refused
    if parts.username or parts.password:
        raise InputError(say.LINK_BASE_CREDENTIALS, system="link")
    return parts.scheme, parts.netloc, parts.path or "/"


def deep_link(base_url: str, order: str, ticket: str | None = None, *, shop: str | None = None) -> str:
    """A link that opens this order's walkthrough (and its ticket); raises InputError on bad input."""
    scheme, netloc, path = _base(base_url)
    try:
        ref = parse_order_ref(order, shop=shop)
    except OrderRefError as exc:
        raise InputError(str(exc), system="link") from None
    params = {"order": link_order_value(ref)}
    checked = validate_ticket(ticket)
    if checked:
        params["ticket"] = checked
    return urlunsplit((scheme, netloc, path, urlencode(params), ""))
