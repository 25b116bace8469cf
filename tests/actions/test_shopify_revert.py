"""Reverting a fulfillment request with the mutation Shopify lists in the supported actions."""

from __future__ import annotations

import httpx
import pytest

from actions.errors import OutcomeUnknown, Refused, UserError
from actions.shopify import order_state_from_node
from kb.state import FulfillmentOrderAction as Action
from kb.state import FulfillmentOrderState

from .shopify_payloads import (
    FO_GID,
    FakeShopify,
    fulfillment_order,
    graphql,
    make_client,
    order_node,
    revert_payload,
    status,
)

NOTES = ("AliExpress Order",)


def _fo(status_: str, request_status: str, actions: list[str], holds=()) -> FulfillmentOrderState:
    node = order_node(1001, fulfillment_orders=[fulfillment_order(
        1001, status=status_, request_status=request_status, actions=actions, holds=holds)])
    [fo] = order_state_from_node(node, NOTES).fulfillment_orders
    assert fo.id == FO_GID
    return fo


SUBMITTED = ("IN_PROGRESS", "SUBMITTED", ["CANCEL_FULFILLMENT_ORDER"])
ACCEPTED = ("IN_PROGRESS", "ACCEPTED", ["REQUEST_CANCELLATION", "CREATE_FULFILLMENT"])
PROGRESS = ("IN_PROGRESS", "UNSUBMITTED", ["MARK_AS_OPEN", "CREATE_FULFILLMENT"])
ON_HOLD = ("ON_HOLD", "UNSUBMITTED", ["RELEASE_HOLD"])


def test_a_submitted_request_is_cancelled_with_fulfillment_order_cancel() -> None:
    replacement = "gid://shopify/FulfillmentOrder/6600000001002"
    fake = FakeShopify(graphql(revert_payload("fulfillmentOrderCancel", replacement=replacement), request_id="r-1"))
    outcome = make_client(fake).revert_fulfillment(_fo(*SUBMITTED), Action.CANCEL_FULFILLMENT_ORDER)
    assert fake.operations == ["FulfillmentOrderCancel"]
    assert fake.variables() == {"id": FO_GID}
    assert (outcome.fulfillment_order_id, outcome.status, outcome.request_status) == (
        FO_GID, "CLOSED", "CANCELLATION_ACCEPTED")
    assert outcome.replacement_id == replacement
    assert outcome.request_id == "r-1"


def test_an_accepted_request_asks_the_service_to_cancel_with_a_message() -> None:
    fake = FakeShopify(graphql(revert_payload(
        "fulfillmentOrderSubmitCancellationRequest", status="IN_PROGRESS", request_status="CANCELLATION_REQUESTED")))
    outcome = make_client(fake).revert_fulfillment(
        _fo(*ACCEPTED), Action.REQUEST_CANCELLATION, message="Customer cancelled; please do not ship.")
    assert fake.operations == ["FulfillmentOrderSubmitCancellationRequest"]
    assert fake.variables() == {"id": FO_GID, "message": "Customer cancelled; please do not ship."}
    assert outcome.request_status == "CANCELLATION_REQUESTED"


def test_progress_reported_by_hand_is_undone_by_marking_open() -> None:
    fake = FakeShopify(graphql(revert_payload("fulfillmentOrderOpen", status="OPEN", request_status="UNSUBMITTED")))
    outcome = make_client(fake).revert_fulfillment(_fo(*PROGRESS), Action.MARK_AS_OPEN)
    assert fake.operations == ["FulfillmentOrderOpen"]
    assert fake.variables() == {"id": FO_GID}
    assert outcome.status == "OPEN"


def test_a_hold_is_released_naming_its_hold_ids() -> None:
    hold = ("gid://shopify/FulfillmentHold/501", "OTHER")
    fake = FakeShopify(graphql(revert_payload("fulfillmentOrderReleaseHold", status="OPEN",
                                              request_status="UNSUBMITTED")))
    outcome = make_client(fake).revert_fulfillment(_fo(*ON_HOLD, holds=[hold]), Action.RELEASE_HOLD)
    assert fake.operations == ["FulfillmentOrderReleaseHold"]
    assert fake.variables() == {"id": FO_GID, "holdIds": ["gid://shopify/FulfillmentHold/501"]}
    assert outcome.status == "OPEN"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (ACCEPTED, Action.CANCEL_FULFILLMENT_ORDER),
        (SUBMITTED, Action.REQUEST_CANCELLATION),
        (ON_HOLD, Action.MARK_AS_OPEN),
        (PROGRESS, Action.RELEASE_HOLD),
    ],
)
def test_a_mutation_shopify_does_not_list_is_refused_before_sending(state: tuple, action: Action) -> None:
    fake = FakeShopify()
    with pytest.raises(Refused, match="does not allow us to"):
        make_client(fake).revert_fulfillment(_fo(*state), action)
    assert fake.requests == []


def test_an_action_that_is_no_revert_is_refused_even_when_supported() -> None:
    fake = FakeShopify()
    fo = _fo("OPEN", "UNSUBMITTED", ["CREATE_FULFILLMENT", "HOLD"])
    with pytest.raises(Refused, match="does not revert"):
        make_client(fake).revert_fulfillment(fo, Action.HOLD)
    assert fake.requests == []


def test_a_user_error_is_said_in_merchant_words() -> None:
    fake = FakeShopify(graphql(revert_payload("fulfillmentOrderCancel", errors=[
        ("FULFILLMENT_ORDER_HAS_MANUALLY_REPORTED_PROGRESS", "Fulfillment order has manually reported progress.")])))
    with pytest.raises(UserError, match="mark it as open instead") as caught:
        make_client(fake).revert_fulfillment(_fo(*SUBMITTED), Action.CANCEL_FULFILLMENT_ORDER)
    assert caught.value.code == "FULFILLMENT_ORDER_HAS_MANUALLY_REPORTED_PROGRESS"
    assert fake.operations == ["FulfillmentOrderCancel"]


def test_a_user_error_without_code_keeps_shopifys_message() -> None:
    fake = FakeShopify(graphql(revert_payload("fulfillmentOrderSubmitCancellationRequest", errors=[
        (None, "Fulfillment order is not in a state that allows a cancellation request.")])))
    with pytest.raises(UserError, match="not in a state that allows a cancellation request"):
        make_client(fake).revert_fulfillment(_fo(*ACCEPTED), Action.REQUEST_CANCELLATION)


def _order_with(status_: str, request_status: str, actions: list[str]) -> dict:
    return {"order": order_node(1001, fulfillment_orders=[fulfillment_order(
        1001, status=status_, request_status=request_status, actions=actions)])}


def test_a_timeout_on_a_revert_is_read_back_and_confirmed_not_resent() -> None:
    fake = FakeShopify(
        httpx.ReadTimeout("timed out"),
        graphql(_order_with("IN_PROGRESS", "CANCELLATION_REQUESTED", ["CANCEL_FULFILLMENT_ORDER"])),
    )
    outcome = make_client(fake).revert_fulfillment(
        _fo(*ACCEPTED), Action.REQUEST_CANCELLATION, order_id="gid://shopify/Order/5500000001001")
    assert fake.operations == ["FulfillmentOrderSubmitCancellationRequest", "OrderStateById"]
    assert outcome.confirmed_by_reread and outcome.request_status == "CANCELLATION_REQUESTED"


def test_the_order_of_a_fulfillment_order_read_earlier_is_remembered_for_the_read_back() -> None:
    before = _order_with(*SUBMITTED)
    fake = FakeShopify(graphql(before), status(504), graphql(_order_with("CLOSED", "CLOSED", [])))
    client = make_client(fake)
    [fo] = client.read_order("5500000001001").fulfillment_orders
    outcome = client.revert_fulfillment(fo, Action.CANCEL_FULFILLMENT_ORDER)
    assert fake.operations == ["OrderStateById", "FulfillmentOrderCancel", "OrderStateById"]
    assert outcome.status == "CLOSED" and outcome.confirmed_by_reread


def test_a_revert_that_never_shows_is_an_unknown_outcome_and_sent_once() -> None:
    fake = FakeShopify(status(502), *(graphql(_order_with(*PROGRESS)) for _ in range(3)))
    with pytest.raises(OutcomeUnknown, match="It was not sent again"):
        make_client(fake).revert_fulfillment(_fo(*PROGRESS), Action.MARK_AS_OPEN,
                                             order_id="gid://shopify/Order/5500000001001")
    assert fake.operations == ["FulfillmentOrderOpen"] + ["OrderStateById"] * 3


def test_without_knowing_the_order_an_ambiguous_revert_is_unknown_at_once() -> None:
    fake = FakeShopify(httpx.ReadTimeout("timed out"))
    with pytest.raises(OutcomeUnknown, match="refresh the order"):
        make_client(fake).revert_fulfillment(_fo(*ON_HOLD), Action.RELEASE_HOLD)
    assert fake.operations == ["FulfillmentOrderReleaseHold"]


def test_a_revert_answered_without_its_payload_is_read_back_not_resent() -> None:
    fake = FakeShopify(
        graphql({"fulfillmentOrderReleaseHold": None}),
        graphql(_order_with("OPEN", "UNSUBMITTED", ["CREATE_FULFILLMENT"])),
    )
    outcome = make_client(fake).revert_fulfillment(
        _fo(*ON_HOLD), Action.RELEASE_HOLD, order_id="gid://shopify/Order/5500000001001")
    assert fake.operations == ["FulfillmentOrderReleaseHold", "OrderStateById"]
    assert outcome.confirmed_by_reread and outcome.status == "OPEN"
