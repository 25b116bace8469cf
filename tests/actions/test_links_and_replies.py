"""Ticket ids and deep links are validated; the confirmation and the customer reply say what really happens."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from actions.errors import InputError
from actions.links import deep_link, validate_ticket
from actions.replies import customer_reply, preview_cancel
from kb.state import (
    CancelOptions,
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentState,
    LineItem,
    Money,
    OrderState,
    RefundTiming,
    ShopifyOrderState,
)
from kb.walkthrough import PathId, Walkthrough


def _order(**changes: object) -> OrderState:
    shop = ShopifyOrderState(
        id="gid://shopify/Order/5500000001001", name="#1001", fulfillment_status=DisplayFulfillmentStatus.UNFULFILLED,
        financial_status=DisplayFinancialStatus.PAID, total=Money(amount=Decimal("49.90"), currency="EUR"),
        received=Money(amount=Decimal("44.90"), currency="EUR"), payment_gateways=("shopify_payments",),
        customer_name="Ada *Lovelace*",
        line_items=(
            LineItem(id="gid://shopify/LineItem/1", title="Desk lamp", quantity=2, current_quantity=2),
            LineItem(id="gid://shopify/LineItem/2", title="Gift card", quantity=1, restockable=False),
        ),
    )
    return OrderState(shopify=shop.model_copy(update=changes))


def _walkthrough(path: PathId) -> Walkthrough:
    return Walkthrough(path=path, title=path.value, explanation="", cites="cancel-an-order#overview", steps=())


def test_a_ticket_id_is_kept_and_a_blank_one_is_none() -> None:
    assert validate_ticket(" ZD-42 ") == "ZD-42"
    assert validate_ticket("") is None
    assert validate_ticket(None) is None


@pytest.mark.parametrize("bad", ["-42", "ZD 42", "ZD-42<script>", "x" * 65, "ticket\n1"])
def test_a_malformed_ticket_id_is_refused_in_plain_words(bad: str) -> None:
    with pytest.raises(InputError, match="not a ticket id"):
        validate_ticket(bad)


def test_the_deep_link_names_the_order_and_the_ticket() -> None:
    assert deep_link("http://localhost:8501", "#1001", "ZD-42") == "http://localhost:8501/?order=1001&ticket=ZD-42"
    assert deep_link("https://assist.example/app", "gid://shopify/Order/5500000001001", None) == (
        "https://assist.example/app?order=5500000001001"
    )


@pytest.mark.parametrize("base", ["javascript:alert(1)", "ftp://x", "https://user:pw@host", ""])
def test_a_deep_link_refuses_a_base_url_that_is_not_a_plain_web_address(base: str) -> None:
    with pytest.raises(InputError):
        deep_link(base, "#1001", None)


def test_a_deep_link_refuses_what_cannot_be_an_order() -> None:
    with pytest.raises(InputError):
        deep_link("http://localhost:8501", "gid://shopify/Customer/1", None)


def test_refund_now_returns_what_was_received_to_the_original_payment_method() -> None:
    preview = preview_cancel(_order(), CancelOptions(refund=RefundTiming.NOW, restock=True))
    assert preview.refund == Money(amount=Decimal("44.90"), currency="EUR")
    assert "original payment method" in preview.refund_method and "(Shopify Payments)" in preview.refund_method
    assert preview.restock_items == ("2 × Desk lamp",)
    assert any("cannot be undone" in line for line in preview.summary)


def test_refund_later_refunds_nothing_now_and_nothing_is_restocked_unless_asked() -> None:
    preview = preview_cancel(_order(), CancelOptions(refund=RefundTiming.LATER, restock=False, notify_customer=True))
    assert preview.refund is None
    assert preview.refund_method.startswith("no refund now")
    assert preview.restock_items == ()
    assert preview.notify is True
    assert any("not restocked" in line for line in preview.summary)


def test_the_reply_for_a_cancelled_and_refunded_order_says_how_much_where_and_when() -> None:
    state = _order(cancelled_at=datetime(2026, 1, 2, tzinfo=UTC), financial_status=DisplayFinancialStatus.REFUNDED)
    text = customer_reply(state, _walkthrough(PathId.ALREADY_CANCELLED))
    assert "#1001" in text and "cancelled" in text
    assert "44.90 EUR" in text and "original payment method" in text and "business days" in text
    assert text.startswith("Hi Ada,")


def test_the_reply_escapes_the_customer_name_so_it_cannot_inject_markdown() -> None:
    text = customer_reply(_order(customer_name="[click](http://evil)"), _walkthrough(PathId.CANCELLABLE))
    assert "[click](http://evil)" not in text


def test_the_reply_for_a_shipped_order_is_honest_and_offers_a_return() -> None:
    state = _order(fulfillments=(FulfillmentState(id="gid://shopify/Fulfillment/1", status="SUCCESS",
                                                  tracking_number="LP00123"),))
    text = customer_reply(state, _walkthrough(PathId.FULFILLED))
    assert "can no longer be cancelled" in text and "return" in text and "LP00123" in text
    assert "has been cancelled" not in text
