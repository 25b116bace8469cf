"""Finding an order from whatever the merchant or the ticket has."""

from __future__ import annotations

import pytest

from kb.order_ref import OrderRef, OrderRefError, parse_order_ref

SHOP = "cancel-assist-demo.myshopify.com"


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("#1001", "name", "#1001"),
        ("1001", "name", "#1001"),
        ("  #1001\n", "name", "#1001"),
        ("EN1001", "name", "EN1001"),
        ("#1001-A", "name", "#1001-A"),
        ("5500000001001", "id", "gid://shopify/Order/5500000001001"),
        ("gid://shopify/Order/5500000001001", "id", "gid://shopify/Order/5500000001001"),
        ("https://admin.shopify.com/store/cancel-assist-demo/orders/5500000001001", "id",
         "gid://shopify/Order/5500000001001"),
        ("https://admin.shopify.com/store/cancel-assist-demo/orders/5500000001001?tab=timeline", "id",
         "gid://shopify/Order/5500000001001"),
        ("admin.shopify.com/store/cancel-assist-demo/orders/42/", "id", "gid://shopify/Order/42"),
        ("https://cancel-assist-demo.myshopify.com/admin/orders/5500000001001", "id",
         "gid://shopify/Order/5500000001001"),
    ],
)
def test_every_form_a_merchant_pastes_finds_the_order(typed: str, kind: str, value: str) -> None:
    assert parse_order_ref(typed, shop=SHOP) == OrderRef(kind=kind, value=value)


def test_a_short_number_is_an_order_name_and_a_long_one_an_id() -> None:
    assert parse_order_ref("123456789").kind == "name"
    assert parse_order_ref("1234567890").kind == "id"


def test_display_says_what_was_found() -> None:
    assert parse_order_ref("1001").display == "#1001"
    assert parse_order_ref("5500000001001").display == "order id 5500000001001"
    assert parse_order_ref("5500000001001").legacy_id == 5500000001001


def test_an_admin_url_of_another_shop_is_refused() -> None:
    with pytest.raises(OrderRefError, match="belongs to the shop 'other-store'"):
        parse_order_ref("https://admin.shopify.com/store/other-store/orders/5500000001001", shop=SHOP)
    with pytest.raises(OrderRefError, match="not to 'cancel-assist-demo'"):
        parse_order_ref("https://other-store.myshopify.com/admin/orders/5500000001001", shop=SHOP)


def test_without_a_shop_any_store_url_is_read() -> None:
    assert parse_order_ref("https://admin.shopify.com/store/other-store/orders/7").value == "gid://shopify/Order/7"


@pytest.mark.parametrize(
    "typed",
    [
        "https://evil.example/admin/orders/5500000001001",
        "https://cancel-assist-demo.myshopify.com.evil.com/admin/orders/1",
        "https://user:pw@admin.shopify.com/store/cancel-assist-demo/orders/1",
        "https://admin.shopify.com:8443/store/cancel-assist-demo/orders/1",
        "https://admin.shopify.com/store/cancel-assist-demo/products/1",
        "https://admin.shopify.com/store/cancel-assist-demo/orders/abc",
    ],
)
def test_urls_that_are_not_this_shops_order_pages_are_refused(typed: str) -> None:
    with pytest.raises(OrderRefError):
        parse_order_ref(typed, shop=SHOP)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an order number"),
        ("   ", "Enter an order number"),
        ("gid://shopify/Customer/123", "id of a Customer, not of an order"),
        ("gid://shopify/Order/abc", "must be a number"),
        ("gid://shopify/Order/0", "positive"),
        ("#10\x0001", "control characters"),
        ("10\u200b01", "control characters"),
        ("cancel it please", "is not an order reference"),
        ("#", "is not an order reference"),
        ("DROP TABLE orders; --", "is not an order reference"),
    ],
)
def test_anything_else_is_refused_with_a_message_that_helps(typed: str, message: str) -> None:
    with pytest.raises(OrderRefError, match=message):
        parse_order_ref(typed)


def test_too_long_input_is_refused_without_being_echoed() -> None:
    typed = "#" + "9" * 250
    with pytest.raises(OrderRefError) as caught:
        parse_order_ref(typed)
    assert "at most 200" in str(caught.value)
    assert "9" * 81 not in str(caught.value)


def test_a_refusal_quotes_at_most_80_characters_of_the_input() -> None:
    typed = "x" * 150 + " no digits"
    with pytest.raises(OrderRefError) as caught:
        parse_order_ref(typed)
    assert "x" * 79 in str(caught.value)
    assert "x" * 81 not in str(caught.value)


def test_an_order_ref_is_frozen() -> None:
    ref = parse_order_ref("#1001")
    with pytest.raises(ValueError):
        ref.value = "#1002"  # type: ignore[misc]
