"""Remote text is plain text wherever it is shown: in the Markdown customer reply and on a terminal.

A payment gateway name, an amount's currency or a supplier's error message comes from a remote
system; in the reply it must not become a link or an image, and printed by `status` it must not
carry terminal escape sequences, carriage returns or bidi overrides that repaint or reorder the screen.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from markdown_it import MarkdownIt

from actions.cli import _status_text, lookup_json
from actions.replies import customer_reply
from actions.sandbox import HOSTS
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    Money,
    OrderState,
    ShopifyOrderState,
)
from kb.walkthrough import PathId, Walkthrough
from tests.evidence.conftest import make_assistant, new_sandbox

EVIL = "evil.example"
GATEWAYS = (f"[Claim your refund](https://{EVIL}/claim)", f"![x](https://{EVIL}/p.png)", f"<https://{EVIL}>",
            "**urgent**\nsecond line")


def _order(financial: DisplayFinancialStatus, *, cancelled: bool, hostile: bool = True) -> OrderState:
    shop = ShopifyOrderState(
        id="gid://shopify/Order/5500000001001", name="#1001", fulfillment_status=DisplayFulfillmentStatus.UNFULFILLED,
        financial_status=financial, total=Money(amount=Decimal("49.90"), currency="EUR"),
        received=Money(amount=Decimal("49.90"), currency="[*]" if hostile else "EUR"),
        payment_gateways=GATEWAYS if hostile else ("shopify_payments",),
        cancelled_at="2026-01-02T03:04:05Z" if cancelled else None, customer_name="Ada",
    )
    return OrderState(shopify=shop)


def _walkthrough(path: PathId) -> Walkthrough:
    return Walkthrough(path=path, title=path.value, explanation="", cites="cancel-an-order#overview", steps=())


def _markup(markdown: str) -> list[str]:
    """Every link, image, raw HTML and emphasis the reply renders, in order."""
    found: list[str] = []

    def walk(tokens: list[Any]) -> None:
        for token in tokens:
            if token.type in ("link_open", "image", "html_inline", "html_block", "strong_open", "em_open"):
                found.append(token.type)
            walk(token.children or [])

    walk(MarkdownIt("commonmark").parse(markdown))
    return found


REPLIES = {
    "refunded": (DisplayFinancialStatus.REFUNDED, True, PathId.ALREADY_CANCELLED),
    "paid, cancelled": (DisplayFinancialStatus.PAID, True, PathId.ALREADY_CANCELLED),
    "in progress": (DisplayFinancialStatus.PAID, False, PathId.CANCELLABLE),
}


@pytest.mark.parametrize("case", REPLIES)
def test_gateway_names_and_currencies_are_plain_text_in_the_customer_reply(case: str) -> None:
    financial, cancelled, path = REPLIES[case]
    reply = customer_reply(_order(financial, cancelled=cancelled), _walkthrough(path))
    plain = customer_reply(_order(financial, cancelled=cancelled, hostile=False), _walkthrough(path))
    assert "claim your refund" in reply.lower() and "urgent" in reply.lower(), "the gateways are still named"
    assert _markup(reply) == _markup(plain), f"remote text renders as markup:\n{reply}"
    assert "\nsecond line" not in reply, "a line break in a remote string cannot start a new paragraph"


# --- the terminal -------------------------------------------------------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\rOK\u202egnp.exe\x9b31m"


def _aliexpress_says(text: str):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"error_response": {"code": "isv.param-error", "sub_msg": text,
                                                            "request_id": f"r{text}"}})
    return answer


class _Routed(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, aliexpress) -> None:
        self.inner, self.aliexpress = inner, aliexpress

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if HOSTS.get(request.url.host) == "aliexpress":
            return self.aliexpress(request)
        return self.inner.handle_request(request)


def test_status_text_strips_terminal_control_characters_from_remote_strings(tmp_path: Path) -> None:
    sandbox = new_sandbox()
    http = httpx.Client(transport=_Routed(sandbox.transport, _aliexpress_says(ESCAPES)))
    assistant = make_assistant(tmp_path, sandbox=sandbox, http=http)
    lookup = assistant.look_up("#1001")
    assert any(s.read_error and "\x1b" in s.read_error for s in lookup.state.suppliers), "the remote said it"
    out = io.StringIO()
    _status_text(lookup, assistant.mode, out)
    text = out.getvalue()
    assert "OK" in text and "pwned" in text, "the words are kept"
    for control in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
        assert control not in text, repr(control)
    assert "\x1b" not in json.dumps(lookup_json(lookup, assistant.mode), ensure_ascii=False), "JSON escapes them"
