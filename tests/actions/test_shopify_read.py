"""Reading an order: one request, whatever the merchant typed, translated into kb's vocabulary."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from actions.errors import ApiError, InputError, MalformedResponse, NotFoundError
from actions.shopify import order_state_from_node
from kb.order_ref import OrderRef
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    Money,
    SupplierRef,
)

from .shopify_payloads import (
    FakeShopify,
    fulfillment,
    fulfillment_order,
    graphql,
    line_item,
    make_client,
    order_node,
    orders_data,
    settings,
)

NOTES = ("AliExpress Order", "aliexpress_order_id")


@pytest.mark.parametrize("typed", ["#1001", "1001"])
def test_an_order_number_is_looked_up_by_name_in_one_request(typed: str) -> None:
    fake = FakeShopify(graphql(orders_data(order_node(1001))))
    client = make_client(fake)
    state = client.read_order(typed)
    assert (state.name, state.id) == ("#1001", "gid://shopify/Order/5500000001001")
    assert fake.operations == ["OrderStateByName"]
    assert fake.variables() == {"query": "name:#1001"}
    assert client.request_count == 1


@pytest.mark.parametrize(
    "typed",
    [
        "5500000001001",
        "gid://shopify/Order/5500000001001",
        "https://admin.shopify.com/store/cancel-assist-demo/orders/5500000001001",
        "https://cancel-assist-demo.myshopify.com/admin/orders/5500000001001",
        OrderRef(kind="id", value="gid://shopify/Order/5500000001001"),
    ],
)
def test_an_id_gid_or_admin_url_is_looked_up_by_id_in_one_request(typed: str | OrderRef) -> None:
    fake = FakeShopify(graphql({"order": order_node(1001)}))
    client = make_client(fake)
    assert client.read_order(typed).name == "#1001"
    assert fake.operations == ["OrderStateById"]
    assert fake.variables() == {"id": "gid://shopify/Order/5500000001001"}
    assert client.request_count == 1


def test_another_shops_admin_url_is_refused_before_any_request() -> None:
    fake = FakeShopify()
    with pytest.raises(InputError, match="belongs to the shop 'other-store'"):
        make_client(fake).read_order("https://admin.shopify.com/store/other-store/orders/5500000001001")
    assert fake.requests == []


def test_a_name_nobody_has_is_not_found_with_a_clear_message() -> None:
    fake = FakeShopify(graphql(orders_data(), request_id="req-nf-1"))
    with pytest.raises(NotFoundError) as caught:
        make_client(fake).read_order("#4040")
    assert "There is no order named #4040 in cancel-assist-demo.myshopify.com" in str(caught.value)
    assert caught.value.request_id == "req-nf-1"


def test_a_search_hit_with_a_different_name_is_not_taken_for_the_order() -> None:
    fake = FakeShopify(graphql(orders_data(order_node(10010))))
    with pytest.raises(NotFoundError):
        make_client(fake).read_order("#1001")


def test_two_orders_with_exactly_that_name_are_reported_as_ambiguous() -> None:
    twins = orders_data(order_node(1001, legacy_id=5500000001001), order_node(1001, legacy_id=5500000009999))
    fake = FakeShopify(graphql(twins))
    with pytest.raises(InputError, match="More than one order is named #1001"):
        make_client(fake).read_order("1001")


def test_an_unknown_id_is_not_found() -> None:
    fake = FakeShopify(graphql({"order": None}))
    with pytest.raises(NotFoundError, match="no order id 5500000000000"):
        make_client(fake).read_order("5500000000000")


def test_an_unfulfilled_paid_order_translates_field_by_field() -> None:
    fake = FakeShopify(graphql({"order": order_node(
        1001, line_items=[line_item(1, quantity=2, price="19.50"), line_item(2, title="Case", sku=None)],
        total="78.99", received="78.99",
    )}))
    state = make_client(fake).read_order("5500000001001")
    assert state.legacy_id == 5500000001001
    assert state.created_at == datetime(2026, 5, 2, 9, 14, 3, tzinfo=UTC)
    assert state.cancelled_at is None and not state.is_cancelled
    assert state.financial_status is DisplayFinancialStatus.PAID
    assert state.fulfillment_status is DisplayFulfillmentStatus.UNFULFILLED
    assert state.return_status == "NO_RETURN"
    assert state.total == Money(amount=Decimal("78.99"), currency="USD")
    assert state.received == Money(amount=Decimal("78.99"), currency="USD")
    assert state.payment_gateways == ("shopify_payments",)
    assert [(li.title, li.quantity, li.sku, str(li.unit_price)) for li in state.line_items] == [
        ("Wireless earbuds", 2, "EAR-01", "19.50 USD"), ("Case", 1, None, "39.99 USD"),
    ]
    assert (state.customer_name, state.customer_email) == ("Ada Lovelace", "ada@example.com")
    [fo] = state.fulfillment_orders
    assert (fo.status, fo.request_status) == (FulfillmentOrderStatus.OPEN, FulfillmentOrderRequestStatus.UNSUBMITTED)
    assert FulfillmentOrderAction.REQUEST_FULFILLMENT in fo.supported_actions
    assert fo.location_name == "DSers fulfillment"


def test_a_split_order_keeps_each_fulfillment_order_with_its_own_state() -> None:
    node = order_node(
        1010,
        fulfillment_status="PARTIALLY_FULFILLED",
        fulfillment_orders=[
            fulfillment_order(1, status="IN_PROGRESS", request_status="ACCEPTED",
                              actions=["REQUEST_CANCELLATION"], location="AliExpress (DSers)"),
            fulfillment_order(2, status="ON_HOLD", request_status="UNSUBMITTED", actions=["RELEASE_HOLD"],
                              location="CJ warehouse",
                              holds=[("gid://shopify/FulfillmentHold/1", "AWAITING_PAYMENT")]),
            fulfillment_order(3, status="CLOSED", request_status="CLOSED", actions=[]),
        ],
        fulfillments=[fulfillment(1)],
    )
    state = order_state_from_node(node, NOTES)
    assert [(fo.status.value, fo.request_status.value) for fo in state.fulfillment_orders] == [
        ("IN_PROGRESS", "ACCEPTED"), ("ON_HOLD", "UNSUBMITTED"), ("CLOSED", "CLOSED"),
    ]
    assert state.fulfillment_orders[0].supported_actions == (FulfillmentOrderAction.REQUEST_CANCELLATION,)
    assert state.fulfillment_orders[1].hold_ids == ("gid://shopify/FulfillmentHold/1",)
    assert state.fulfillment_orders[1].hold_reasons == ("AWAITING_PAYMENT",)
    assert state.fulfillment_orders[2].supported_actions == ()
    [shipped] = state.fulfillments
    assert (shipped.tracking_number, shipped.tracking_company, shipped.display_status) == (
        "LP00123456789CN", "Cainiao", "IN_TRANSIT")
    assert state.fulfillment_status is DisplayFulfillmentStatus.PARTIALLY_FULFILLED


def test_missing_optional_fields_read_as_absent_not_as_errors() -> None:
    node = order_node(1002, customer=None, email=None, financial=None, fulfillment_orders=[])
    node["totalReceivedSet"] = None
    node["fulfillments"] = [fulfillment(1, display=None, tracking=None)]
    state = order_state_from_node(node, NOTES)
    assert state.customer_name is None and state.customer_email is None
    assert state.financial_status is None
    assert state.received is None
    assert state.fulfillment_orders == ()
    assert state.fulfillments[0].tracking_number is None
    assert state.supplier_refs == ()


def test_values_shopify_adds_later_read_as_unknown() -> None:
    node = order_node(1003, financial="SOMETHING_NEW", fulfillment_status="TELEPORTED",
                      fulfillment_orders=[fulfillment_order(1, status="LEVITATING", actions=["FOLD"])])
    state = order_state_from_node(node, NOTES)
    assert state.financial_status is DisplayFinancialStatus.UNKNOWN
    assert state.fulfillment_status is DisplayFulfillmentStatus.UNKNOWN
    assert state.fulfillment_orders[0].status is FulfillmentOrderStatus.UNKNOWN
    assert state.fulfillment_orders[0].supported_actions == (FulfillmentOrderAction.UNKNOWN,)


def test_a_cancelled_order_shows_when_and_why() -> None:
    node = order_node(1009, cancelled_at="2026-05-03T11:00:00Z", cancel_reason="CUSTOMER", financial="REFUNDED")
    state = order_state_from_node(node, NOTES)
    assert state.is_cancelled and state.cancel_reason == "CUSTOMER"


def test_supplier_orders_come_from_the_metafield() -> None:
    value = '[{"supplier": "aliexpress", "order_id": "8190000000000001"}, {"supplier": "cjdropshipping", "order_id": "CJ2605021234"}]'
    state = order_state_from_node(order_node(1010, metafield=value, attributes=[("AliExpress Order", "999")]), NOTES)
    assert state.supplier_refs == (
        SupplierRef(supplier="aliexpress", order_id="8190000000000001", source="metafield"),
        SupplierRef(supplier="cjdropshipping", order_id="CJ2605021234", source="metafield"),
    )


def test_without_a_metafield_the_configured_note_attributes_are_read() -> None:
    node = order_node(1004, attributes=[("Gift wrap", "yes"), ("AliExpress Order", "8190000000000002"),
                                        ("aliexpress_order_id", "8190000000000003, 8190000000000002")])
    state = order_state_from_node(node, NOTES)
    assert [(r.supplier, r.order_id, r.source) for r in state.supplier_refs] == [
        ("aliexpress", "8190000000000002", "note_attribute"),
        ("aliexpress", "8190000000000003", "note_attribute"),
    ]


def test_note_attributes_named_in_the_settings_are_read_besides_the_built_in_shapes() -> None:
    node = order_node(1004, attributes=[("Supplier ref", "81900004"), ("AliExpress Order", "8190000000000005")])
    state = order_state_from_node(node, ("Supplier ref",))
    assert [r.order_id for r in state.supplier_refs] == ["81900004", "8190000000000005"]


@pytest.mark.parametrize(
    "value",
    ["not json", "{\"supplier\": ", "42", '[{"supplier": "temu", "order_id": "1"}]',
     '[{"supplier": "aliexpress", "order_id": "has spaces and ;"}]', '[null, "x", {"order_id": "1"}]'],
)
def test_a_bad_metafield_is_ignored_without_a_crash(value: str) -> None:
    state = order_state_from_node(order_node(1005, metafield=value), NOTES)
    assert state.supplier_refs == ()


def test_a_bad_metafield_falls_back_to_the_note_attribute() -> None:
    node = order_node(1005, metafield="oops", attributes=[("AliExpress Order", "8190000000000006")])
    assert [r.source for r in order_state_from_node(node, NOTES).supplier_refs] == ["note_attribute"]


def test_the_client_reads_note_attributes_named_in_the_settings() -> None:
    fake = FakeShopify(graphql({"order": order_node(1004, attributes=[("Supplier ref", "8190000000000007")])}))
    client = make_client(fake, settings=settings(supplier_note_attributes=("Supplier ref",)))
    assert [r.order_id for r in client.read_order("5500000001001").supplier_refs] == ["8190000000000007"]


def test_an_order_missing_required_fields_is_a_malformed_response() -> None:
    node = order_node(1006)
    del node["totalPriceSet"]
    fake = FakeShopify(graphql({"order": node}, request_id="req-bad"))
    with pytest.raises(MalformedResponse) as caught:
        make_client(fake).read_order("5500000001001")
    assert caught.value.request_id == "req-bad"


def test_more_fulfillment_orders_than_one_page_is_said_not_guessed() -> None:
    fake = FakeShopify(graphql({"order": order_node(1007, more_fulfillment_orders=True)}))
    with pytest.raises(ApiError, match="more than 20 fulfillment orders"):
        make_client(fake).read_order("5500000001001")


def test_protected_customer_fields_denied_leave_the_rest_of_the_order_usable() -> None:
    node = order_node(1008, customer=None, email=None)
    denied = [{"message": "Access denied for customer field.", "path": ["order", "customer"],
               "extensions": {"code": "ACCESS_DENIED"}}]
    fake = FakeShopify(graphql({"order": node}, errors=denied))
    state = make_client(fake).read_order("5500000001001")
    assert state.name == "#1008" and state.customer_name is None
