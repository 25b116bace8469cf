"""The real clients, unchanged, against the sandbox: every demo order read, every transition made."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from actions.aliexpress import AliExpressClient
from actions.cjdropshipping import CJClient
from actions.errors import AlreadyDone, OutcomeUnknown, Refused, UserError
from actions.sandbox import DEMO_ORDERS, DEMO_PATHS, Sandbox
from actions.shopify import ShopifyClient
from actions.suppliers import read_supplier_orders
from kb.paths import decide
from kb.state import (
    CancelOptions,
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    OrderState,
    RefundTiming,
    SupplierStatus,
)
from tests.actions.sandbox_clock import Clock


@dataclass
class Demo:
    sandbox: Sandbox
    clock: Clock
    shopify: ShopifyClient
    aliexpress: AliExpressClient
    cj: CJClient

    def look_up(self, name: str) -> OrderState:
        order = self.shopify.read_order(name)
        suppliers = read_supplier_orders({"aliexpress": self.aliexpress, "cjdropshipping": self.cj},
                                         order.supplier_refs)
        source = order.supplier_refs[0].source if order.supplier_refs else "none"
        return OrderState(shopify=order, suppliers=suppliers, supplier_refs_source=source,
                          checked_at=self.sandbox.now())  # the time-based rules read the sandbox's clock


def no_sleep(_: float) -> None:
    return None


def make_demo(faults: str = "") -> Demo:
    clock = Clock()
    sandbox = Sandbox(clock=clock, sleep=no_sleep, faults=faults)
    settings = sandbox.settings
    http = sandbox.client()
    assert settings.shopify and settings.aliexpress and settings.cjdropshipping
    return Demo(
        sandbox=sandbox,
        clock=clock,
        shopify=ShopifyClient(http, settings.shopify, sleep=clock.sleep, poll_interval=0.0),
        aliexpress=AliExpressClient(http, settings.aliexpress, clock=clock, sleep=clock.sleep),
        cj=CJClient(http, settings.cjdropshipping, clock=clock, sleep=clock.sleep),
    )


@pytest.fixture
def demo() -> Demo:
    return make_demo()


# --- every demo order, read by the real clients ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DEMO_ORDERS))
def test_every_demo_order_reads_in_one_shopify_request_with_its_supplier_orders(demo: Demo, name: str) -> None:
    state = demo.look_up(name)
    assert state.shopify.name == name
    assert demo.shopify.request_count == 1
    # #1018's AliExpress order was placed from another account: the API cannot read it (a check by hand).
    unread = [s.order_id for s in state.suppliers if s.read_error is not None]
    assert unread == (["3041872215631018"] if name == "#1018" else []), [s.read_error for s in state.suppliers]
    assert len(state.suppliers) == len(state.shopify.supplier_refs)


@pytest.mark.parametrize(("name", "path"), sorted(DEMO_PATHS.items()))
def test_each_demo_order_takes_the_path_it_is_named_for(demo: Demo, name: str, path: str) -> None:
    assert decide(demo.look_up(name)).path.value == path


def test_supplier_references_come_from_the_metafield_or_the_note_attribute(demo: Demo) -> None:
    assert [r.source for r in demo.shopify.read_order("#1001").supplier_refs] == ["metafield"]
    assert [(r.supplier, r.source) for r in demo.shopify.read_order("#1002").supplier_refs] == [
        ("aliexpress", "note_attribute")
    ]
    assert demo.shopify.read_order("#1011").supplier_refs == ()
    assert [r.supplier for r in demo.shopify.read_order("#1010").supplier_refs] == ["aliexpress", "cjdropshipping"]


def test_the_split_order_has_one_shipped_and_one_unshipped_supplier_order(demo: Demo) -> None:
    statuses = [s.status for s in demo.look_up("#1010").suppliers]
    assert statuses == [SupplierStatus.SHIPPED, SupplierStatus.AWAITING_SHIPMENT]


def test_the_connection_check_sees_the_demo_shop_with_every_scope(demo: Demo) -> None:
    report = demo.shopify.check_connection()
    assert report.shop_domain == "cancel-assist-demo.myshopify.com"
    assert report.missing_scopes == ()


# --- transitions ----------------------------------------------------------------------------------------


def test_cancellable_supplier_first_then_shopify_with_refund_and_restock(demo: Demo) -> None:
    demo.sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631001")
    assert demo.aliexpress.read_order("3041872215631001").status is SupplierStatus.CANCEL_REQUESTED
    demo.clock.now += 4  # the seller approves
    assert demo.aliexpress.read_order("3041872215631001").status is SupplierStatus.CANCELLED
    order = demo.shopify.read_order("#1001")
    outcome = demo.shopify.cancel_order(order.id, CancelOptions(refund=RefundTiming.NOW, restock=True))
    assert outcome.confirmed and outcome.job_id
    assert outcome.order.financial_status is DisplayFinancialStatus.REFUNDED
    assert all(item.current_quantity == 0 for item in outcome.order.line_items)


def test_cancelling_twice_is_already_done(demo: Demo) -> None:
    order = demo.shopify.read_order("#1004")
    with pytest.raises(AlreadyDone):
        demo.shopify.cancel_order(order.id, CancelOptions())


def test_an_accepted_request_is_reverted_by_a_cancellation_request_and_the_service_reply(demo: Demo) -> None:
    order = demo.shopify.read_order("#1003")
    [fo] = order.fulfillment_orders
    outcome = demo.shopify.revert_fulfillment(fo, FulfillmentOrderAction.REQUEST_CANCELLATION, message="Customer cancelled")
    assert outcome.request_status == FulfillmentOrderRequestStatus.CANCELLATION_REQUESTED.value
    with pytest.raises(UserError):  # still in progress until the service answers
        demo.shopify.cancel_order(order.id, CancelOptions())
    demo.sandbox.simulate_fulfillment_service_reply(fo.id)
    reverted = demo.shopify.read_order("#1003")
    assert reverted.fulfillment_status is DisplayFulfillmentStatus.UNFULFILLED
    assert demo.shopify.cancel_order(order.id, CancelOptions()).confirmed


def test_a_submitted_request_is_cancelled_at_once_and_the_cj_order_deleted(demo: Demo) -> None:
    order = demo.shopify.read_order("#1009")
    [fo] = order.fulfillment_orders
    outcome = demo.shopify.revert_fulfillment(fo, FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER)
    assert outcome.status == FulfillmentOrderStatus.CLOSED.value
    assert demo.shopify.read_order("#1009").fulfillment_status is DisplayFulfillmentStatus.UNFULFILLED
    assert demo.cj.cancel("CJ2604221009").status is SupplierStatus.CANCELLED
    assert demo.shopify.cancel_order(order.id, CancelOptions()).confirmed


def test_an_action_shopify_does_not_offer_is_refused_before_sending(demo: Demo) -> None:
    [fo] = demo.shopify.read_order("#1003").fulfillment_orders
    sent = demo.shopify.request_count
    with pytest.raises(Refused):
        demo.shopify.revert_fulfillment(fo, FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER)
    assert demo.shopify.request_count == sent


def test_a_hold_is_released_and_the_unpaid_aliexpress_order_closes_at_once(demo: Demo) -> None:
    [fo] = demo.shopify.read_order("#1012").fulfillment_orders
    assert demo.shopify.revert_fulfillment(fo, FulfillmentOrderAction.RELEASE_HOLD).status == "OPEN"
    demo.sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631012")
    assert demo.aliexpress.read_order("3041872215631012").status is SupplierStatus.CANCELLED


def test_a_merchant_fulfillment_in_progress_is_marked_open(demo: Demo) -> None:
    [fo] = demo.shopify.read_order("#1014").fulfillment_orders
    assert demo.shopify.revert_fulfillment(fo, FulfillmentOrderAction.MARK_AS_OPEN).status == "OPEN"
    assert demo.shopify.read_order("#1014").fulfillment_status is DisplayFulfillmentStatus.UNFULFILLED


def test_an_authorized_payment_is_voided_and_the_created_cj_order_deleted(demo: Demo) -> None:
    assert demo.cj.cancel("CJ2604231013").status is SupplierStatus.CANCELLED
    order = demo.shopify.read_order("#1013")
    outcome = demo.shopify.cancel_order(order.id, CancelOptions(refund=RefundTiming.LATER))
    assert outcome.order.financial_status is DisplayFinancialStatus.VOIDED


def test_a_paid_cj_order_is_not_deleted_through_the_api(demo: Demo) -> None:
    with pytest.raises(Refused):
        demo.cj.cancel("CJ2604191010")
    assert demo.cj.read_order("CJ2604191010").status is SupplierStatus.AWAITING_SHIPMENT


def test_the_pending_aliexpress_cancellation_closes_when_the_seller_approves(demo: Demo) -> None:
    assert demo.aliexpress.read_order("3041872215631005").status is SupplierStatus.CANCEL_REQUESTED
    demo.sandbox.simulate_seller_reply("aliexpress", "3041872215631005")
    assert demo.aliexpress.read_order("3041872215631005").status is SupplierStatus.CANCELLED


def test_a_fulfilled_order_is_not_cancelled(demo: Demo) -> None:
    order = demo.shopify.read_order("#1006")
    assert order.fulfillments[0].tracking_number
    with pytest.raises(UserError):
        demo.shopify.cancel_order(order.id, CancelOptions())


# --- reliability: the clients against faults -----------------------------------------------------------


def test_a_throttled_read_is_waited_out_and_answered() -> None:
    demo = make_demo("shopify:throttled@1")
    assert demo.shopify.read_order("#1001").name == "#1001"
    assert demo.shopify.request_count == 2


def test_a_cancel_whose_answer_is_lost_is_confirmed_by_reading_back() -> None:
    demo = make_demo("shopify.write:timeout_after@1")
    order = demo.shopify.read_order("#1001")
    outcome = demo.shopify.cancel_order(order.id, CancelOptions())
    assert outcome.confirmed and outcome.order.is_cancelled
    assert sum(1 for r in demo.sandbox.requests if r.is_write) == 1  # never sent twice


def test_a_cancel_that_never_arrived_is_reported_unknown_not_resent() -> None:
    demo = make_demo("shopify.write:timeout")
    order = demo.shopify.read_order("#1001")
    with pytest.raises(OutcomeUnknown):
        demo.shopify.cancel_order(order.id, CancelOptions())
    assert sum(1 for r in demo.sandbox.requests if r.is_write) == 1


def test_supplier_faults_become_an_unknown_status_never_an_exception() -> None:
    demo = make_demo("aliexpress:5xx, cj:malformed")
    state = demo.look_up("#1010")
    assert [s.status for s in state.suppliers] == [SupplierStatus.UNKNOWN, SupplierStatus.UNKNOWN]
    assert all(s.read_error for s in state.suppliers)


def test_a_single_supplier_hiccup_is_retried() -> None:
    demo = make_demo("aliexpress:5xx@1")
    assert demo.aliexpress.read_order("3041872215631002").status is SupplierStatus.SHIPPED
