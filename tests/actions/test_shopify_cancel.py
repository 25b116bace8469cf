"""Cancelling on Shopify: every option of the admin's dialog, the job followed, the result confirmed."""

from __future__ import annotations

import httpx
import pytest

from actions.errors import AlreadyDone, InputError, NotFoundError, OutcomeUnknown, TransportError, UserError
from kb.state import CancelOptions, CancelReason, RefundTiming

from .shopify_payloads import (
    ORDER_GID,
    FakeShopify,
    cancel_payload,
    graphql,
    job_data,
    make_client,
    order_node,
    status,
)

CANCELLED = {"order": order_node(1001, cancelled_at="2026-05-03T11:00:00Z", cancel_reason="CUSTOMER",
                                 financial="REFUNDED")}
NOT_CANCELLED = {"order": order_node(1001)}


def test_refund_now_restock_notify_and_note_are_sent_as_the_admin_would() -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=True), request_id="req-cancel-1"), graphql(CANCELLED))
    options = CancelOptions(reason=CancelReason.INVENTORY, refund=RefundTiming.NOW, restock=True,
                            notify_customer=True, staff_note="  Supplier out of stock  ")
    outcome = make_client(fake).cancel_order(ORDER_GID, options)
    assert fake.variables(0) == {
        "orderId": ORDER_GID,
        "reason": "INVENTORY",
        "restock": True,
        "refundMethod": {"originalPaymentMethodsRefund": True},
        "notifyCustomer": True,
        "staffNote": "Supplier out of stock",
    }
    assert "refund" not in fake.variables(0)  # deprecated in 2026-04
    assert outcome.confirmed and outcome.order.is_cancelled
    assert outcome.request_id == "req-cancel-1"


def test_refund_later_sends_no_refund_to_the_original_payment_methods() -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=True)), graphql(CANCELLED))
    options = CancelOptions(reason=CancelReason.FRAUD, refund=RefundTiming.LATER, restock=False)
    make_client(fake).cancel_order(ORDER_GID, options)
    sent = fake.variables(0)
    assert sent["refundMethod"] == {"originalPaymentMethodsRefund": False}
    assert (sent["reason"], sent["restock"], sent["notifyCustomer"], sent["staffNote"]) == ("FRAUD", False, False, None)


def test_a_job_already_done_is_confirmed_with_one_order_read() -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=True)), graphql(CANCELLED))
    client = make_client(fake)
    outcome = client.cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations == ["OrderCancel", "OrderStateById"]
    assert client.request_count == 2
    assert outcome.job_id == "gid://shopify/Job/0f4b7c1e-2b8d-4a57-9d1e-6f1b2c3d4e5f"


def test_a_running_job_is_polled_until_done_then_confirmed() -> None:
    fake = FakeShopify(
        graphql(cancel_payload(job_done=False)),
        graphql(job_data(done=False)),
        graphql(job_data(done=False)),
        graphql(job_data(done=True)),
        graphql(CANCELLED),
    )
    client = make_client(fake, poll_interval=0.25)
    outcome = client.cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations == ["OrderCancel", "JobStatus", "JobStatus", "JobStatus", "OrderStateById"]
    assert fake.variables(1) == {"id": outcome.job_id}
    assert fake.sleeps == [0.25, 0.25, 0.25]
    assert outcome.confirmed and client.request_count == 5


def test_a_job_still_running_after_the_poll_timeout_is_reported_unconfirmed() -> None:
    fake = FakeShopify(
        graphql(cancel_payload(job_done=False)),
        graphql(job_data(done=False)),
        graphql(job_data(done=False)),
        graphql(NOT_CANCELLED),
    )
    outcome = make_client(fake, poll_interval=1.0, poll_timeout=2.0).cancel_order(ORDER_GID, CancelOptions())
    assert not outcome.confirmed and outcome.job_id is not None
    assert fake.operations.count("OrderCancel") == 1


def test_a_finished_job_that_did_not_cancel_is_an_unknown_outcome() -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=True)), graphql(NOT_CANCELLED))
    with pytest.raises(OutcomeUnknown, match="still shows as not cancelled"):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("NO_REFUND_PERMISSION", "Your staff account may not refund orders"),
        ("NO_REFUND_TO_STORE_CREDIT_PERMISSION", "may not refund to store credit"),
        ("STORE_CREDIT_REFUND_EXPIRATION_IN_PAST", "expiry date is in the past"),
        ("STORE_CREDIT_REFUND_MISSING_CUSTOMER", "needs a customer"),
        ("STORE_CREDIT_REFUND_B2B_NOT_SUPPORTED", "not available for B2B"),
        ("INTERNAL_ERROR", "internal problem"),
    ],
)
def test_each_user_error_code_is_said_in_merchant_words(code: str, words: str) -> None:
    fake = FakeShopify(graphql(cancel_payload(errors=[(code, "Shopify's own text")]), request_id="req-ue"))
    with pytest.raises(UserError) as caught:
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert words in str(caught.value)
    assert caught.value.code == code
    assert caught.value.errors == ((code, "Shopify's own text"),)
    assert caught.value.request_id == "req-ue"
    assert fake.operations == ["OrderCancel"]  # nothing re-sent


def test_an_invalid_cancel_of_a_live_order_is_a_user_error_after_looking() -> None:
    fake = FakeShopify(
        graphql(cancel_payload(errors=[("INVALID", "Cannot cancel an order with active returns.")])),
        graphql(NOT_CANCELLED),
    )
    with pytest.raises(UserError, match="cannot cancel this order as it is now") as caught:
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert caught.value.code == "INVALID"
    assert fake.operations == ["OrderCancel", "OrderStateById"]


def test_cancelling_an_already_cancelled_order_is_already_done() -> None:
    fake = FakeShopify(
        graphql(cancel_payload(errors=[("INVALID", "Order has already been cancelled.")])),
        graphql(CANCELLED),
    )
    with pytest.raises(AlreadyDone, match="#1001 is already cancelled"):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations.count("OrderCancel") == 1


def test_a_not_found_user_error_is_not_found() -> None:
    fake = FakeShopify(graphql(cancel_payload(errors=[("NOT_FOUND", "Order does not exist")])))
    with pytest.raises(NotFoundError):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())


def test_cancel_refuses_anything_but_an_order_gid_before_sending() -> None:
    fake = FakeShopify()
    with pytest.raises(InputError):
        make_client(fake).cancel_order("#1001", CancelOptions())
    assert fake.requests == []


def test_a_staff_note_over_255_characters_never_reaches_shopify() -> None:
    with pytest.raises(ValueError):
        CancelOptions(staff_note="x" * 256)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        status(502),
        status(503),
        httpx.Response(200, text="<html>upstream hiccup</html>"),
    ],
    ids=["timeout", "dropped", "502", "503", "malformed"],
)
def test_an_ambiguous_failure_is_read_back_not_resent(failure: object) -> None:
    fake = FakeShopify(failure, graphql(NOT_CANCELLED), graphql(CANCELLED))
    client = make_client(fake)
    outcome = client.cancel_order(ORDER_GID, CancelOptions())
    assert outcome.confirmed and outcome.order.is_cancelled
    assert fake.operations == ["OrderCancel", "OrderStateById", "OrderStateById"]


def test_an_ambiguous_failure_that_never_shows_a_cancel_is_an_unknown_outcome() -> None:
    fake = FakeShopify(httpx.ReadTimeout("timed out"), *(graphql(NOT_CANCELLED) for _ in range(3)))
    with pytest.raises(OutcomeUnknown) as caught:
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    message = str(caught.value)
    assert "did not answer in time" in message
    assert "shows no change yet" in message
    assert "not sent again" in message
    assert fake.operations == ["OrderCancel"] + ["OrderStateById"] * 3


def test_an_ambiguous_failure_whose_read_back_fails_too_says_so() -> None:
    fake = FakeShopify(status(500), *(status(500) for _ in range(9)))
    with pytest.raises(OutcomeUnknown, match="Reading it back failed too"):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations.count("OrderCancel") == 1


def test_a_connection_never_made_means_nothing_was_sent() -> None:
    fake = FakeShopify(httpx.ConnectError("connection refused"))
    with pytest.raises(TransportError, match="nothing was sent"):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations == ["OrderCancel"]


def test_polling_with_no_interval_still_ends_at_the_timeout() -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=False)), *(graphql(job_data(done=False)) for _ in range(40)),
                       graphql(NOT_CANCELLED))
    outcome = make_client(fake, poll_interval=0.0, poll_timeout=20.0).cancel_order(ORDER_GID, CancelOptions())
    assert not outcome.confirmed
    assert fake.operations.count("JobStatus") == 40


def test_a_cancel_answered_without_a_job_is_confirmed_by_the_order_itself() -> None:
    payload = cancel_payload()
    payload["orderCancel"]["job"] = None
    fake = FakeShopify(graphql(payload), graphql(CANCELLED))
    outcome = make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert outcome.confirmed and outcome.job_id is None
    assert fake.operations == ["OrderCancel", "OrderStateById"]


def test_a_cancel_answered_without_its_payload_is_read_back_not_resent() -> None:
    fake = FakeShopify(graphql({"orderCancel": None}), graphql(CANCELLED))
    assert make_client(fake).cancel_order(ORDER_GID, CancelOptions()).confirmed
    assert fake.operations == ["OrderCancel", "OrderStateById"]


@pytest.mark.parametrize("poll_failure", [status(401), status(403), httpx.Response(200, text="<html>oops")],
                         ids=["401", "403", "malformed"])
def test_a_job_poll_that_fails_after_shopify_accepted_the_cancel_is_settled_by_reading_the_order(
    poll_failure: httpx.Response,
) -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=False)), poll_failure, graphql(CANCELLED))
    outcome = make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert outcome.confirmed and outcome.order.is_cancelled
    assert fake.operations == ["OrderCancel", "JobStatus", "OrderStateById"]


@pytest.mark.parametrize("failure", [status(401), status(403), httpx.Response(200, text="<html>oops")],
                         ids=["401", "403", "malformed"])
def test_a_read_back_that_fails_after_shopify_accepted_the_cancel_is_an_unknown_outcome_not_an_error(
    failure: httpx.Response,
) -> None:
    fake = FakeShopify(graphql(cancel_payload(job_done=False)), failure, *(failure for _ in range(3)))
    with pytest.raises(OutcomeUnknown, match="Shopify accepted the cancellation") as caught:
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert "could not be read back" in str(caught.value)
    assert fake.operations.count("OrderCancel") == 1
