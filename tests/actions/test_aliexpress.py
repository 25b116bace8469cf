"""AliExpress: signed order reads on the wire, every status, every error envelope, retries, no cancel API."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from actions.aliexpress import ORDER_GET, AliExpressClient, sign
from actions.errors import (
    ApiError,
    AuthenticationError,
    InputError,
    MalformedResponse,
    NotFoundError,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
)
from actions.settings import AliExpressSettings
from actions.suppliers import SupplierRefused
from kb.state import CancelChannel, Money, SupplierStatus
from tests.actions.supplier_payloads import (
    AE_STATUSES,
    Recorder,
    ae_error,
    ae_order,
    ae_success,
    form_of,
    iop_sign,
    json_response,
)

S = SupplierStatus
ORDER_ID = "3041872215631001"
SETTINGS = AliExpressSettings(app_key="34567890", app_secret="ae-secret-for-tests", access_token="ae-session-for-tests",
                              api_base_url="https://api-sg.aliexpress.com")
NOW = 1_777_000_000.0


def client_for(recorder: Recorder, sleeps: list[float] | None = None) -> AliExpressClient:
    waits = sleeps if sleeps is not None else []
    return AliExpressClient(recorder.client(), SETTINGS, clock=lambda: NOW, sleep=waits.append)


def answering(*bodies: object, status: int = 200) -> Recorder:
    """A server that answers each request with the next body (the last one repeats)."""
    queue = list(bodies)

    def route(request: httpx.Request) -> httpx.Response | Exception:
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(body, Exception):
            return body
        if isinstance(body, httpx.Response):
            return body
        return json_response(body, status)

    return Recorder(route)


# --- signing ---------------------------------------------------------------------------


def test_the_signature_matches_the_official_open_platform_vector() -> None:
    params = {"access_token": "test", "app_key": "123456", "order_id": "1234", "sign_method": "sha256",
              "timestamp": "1517820392000"}
    assert sign("helloworld", "/order/get", params) == "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"


def test_a_business_api_is_signed_without_its_name_as_prefix() -> None:
    params = {"app_key": "123456", "format": "json", "method": ORDER_GET, "session": "test", "sign_method": "sha256",
              "simplify": "false", "single_order_query": '{"order_id":"1234"}', "timestamp": "1517820392000"}
    assert sign("helloworld", ORDER_GET, params) == "EEF68C8344E54FED7AB11C8800038E705C4EC54F4EC844038518F11319B94155"


def test_the_sign_parameter_itself_is_never_signed() -> None:
    params = {"app_key": "1", "timestamp": "2"}
    assert sign("s", ORDER_GET, {**params, "sign": "OLD"}) == sign("s", ORDER_GET, params)


# --- the request on the wire ---------------------------------------------------------------


def test_an_order_read_is_one_signed_form_post_to_the_sync_gateway() -> None:
    recorder = answering(ae_success(ae_order("WAIT_SELLER_SEND_GOODS")))
    client = client_for(recorder)
    client.read_order(ORDER_ID)

    assert client.request_count == 1
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api-sg.aliexpress.com/sync"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = form_of(request)
    assert form["method"] == ORDER_GET
    assert form["app_key"] == "34567890"
    assert form["session"] == "ae-session-for-tests"
    assert form["timestamp"] == str(int(NOW * 1000))
    assert (form["sign_method"], form["format"], form["simplify"]) == ("sha256", "json", "false")
    assert json.loads(form["single_order_query"]) == {"order_id": int(ORDER_ID)}
    assert form["sign"] == iop_sign("ae-secret-for-tests", form)
    assert "ae-secret-for-tests" not in request.content.decode()
    assert "ae-session-for-tests" not in str(request.url)


# --- every status in the reference ------------------------------------------------------------

# (order_status, end_reason, logistics_status) -> what the merchant is told
WIRE_CASES = [
    ("PLACE_ORDER_SUCCESS", None, "DEFAULT", S.PLACED_UNPAID, CancelChannel.MANUAL),
    ("PAYMENT_PROCESSING", None, "DEFAULT", S.AWAITING_SHIPMENT, CancelChannel.MANUAL),
    ("WAIT_SELLER_EXAMINE_MONEY", None, "DEFAULT", S.AWAITING_SHIPMENT, CancelChannel.MANUAL),
    ("RISK_CONTROL", None, "DEFAULT", S.HELD, CancelChannel.NONE),
    ("RISK_CONTROL_HOLD", None, "DEFAULT", S.HELD, CancelChannel.NONE),
    ("WAIT_SELLER_SEND_GOODS", None, "WAIT_SELLER_SEND_GOODS", S.AWAITING_SHIPMENT, CancelChannel.MANUAL),
    ("SELLER_PART_SEND_GOODS", None, "SELLER_SEND_PART_GOODS", S.PARTIALLY_SHIPPED, CancelChannel.NONE),
    ("WAIT_BUYER_ACCEPT_GOODS", None, "SELLER_SEND_GOODS", S.SHIPPED, CancelChannel.NONE),
    ("FINISH", "CANCELED", "NO_LOGISTICS", S.CANCELLED, CancelChannel.NONE),
    ("FINISH", None, "BUYER_ACCEPT_GOODS", S.COMPLETED, CancelChannel.NONE),
    ("IN_CANCEL", None, "WAIT_SELLER_SEND_GOODS", S.CANCEL_REQUESTED, CancelChannel.NONE),
    ("WAIT_GROUP", None, "DEFAULT", S.HELD, CancelChannel.NONE),
    ("WAIT_COMPLETE_ADDRESS", None, "DEFAULT", S.HELD, CancelChannel.NONE),
    ("FUND_PROCESSING", None, "WAIT_SELLER_SEND_GOODS", S.IN_DISPUTE, CancelChannel.NONE),
    ("IN_ISSUE", None, "SELLER_SEND_GOODS", S.IN_DISPUTE, CancelChannel.NONE),
    ("IN_FROZEN", None, "DEFAULT", S.HELD, CancelChannel.NONE),
    ("SOMETHING_NEW_2027", None, "DEFAULT", S.UNKNOWN, CancelChannel.NONE),
]


def test_the_wire_cases_cover_every_status_in_the_reference() -> None:
    assert {case[0] for case in WIRE_CASES} >= set(AE_STATUSES)


@pytest.mark.parametrize("simplified", [False, True], ids=["aeop-wrapped", "simplified"])
@pytest.mark.parametrize(("raw", "end_reason", "logistics", "status", "channel"), WIRE_CASES,
                         ids=[f"{c[0]}-{c[3].value}" for c in WIRE_CASES])
def test_each_aliexpress_status_is_read_into_our_vocabulary(
    raw: str, end_reason: str | None, logistics: str, status: SupplierStatus, channel: CancelChannel, simplified: bool
) -> None:
    tracking = ("LP00512345678902",) if status in (S.SHIPPED, S.PARTIALLY_SHIPPED, S.COMPLETED) else ()
    body = ae_success(ae_order(raw, end_reason=end_reason, logistics_status=logistics, tracking=tracking,
                               simplified=simplified), simplified=simplified)
    state = client_for(answering(body)).read_order(ORDER_ID)

    assert state.supplier == "aliexpress"
    assert state.order_id == ORDER_ID
    assert state.status is status
    assert state.raw_status == raw
    assert state.end_reason == end_reason
    assert state.logistics_status == logistics
    assert state.tracking_number == (tracking[0] if tracking else None)
    assert state.amount == Money(amount=Decimal("26.80"), currency="USD")
    assert state.cancel_channel is channel
    assert state.cancel_note
    assert state.order_url == f"https://www.aliexpress.com/p/order/detail.html?orderId={ORDER_ID}"
    assert state.read_error is None


def test_a_paid_order_says_the_seller_must_approve_within_72_hours() -> None:
    state = client_for(answering(ae_success(ae_order("WAIT_SELLER_SEND_GOODS")))).read_order(ORDER_ID)
    assert "72 hours" in state.cancel_note


def test_a_numeric_amount_keeps_its_cents_exactly() -> None:
    result = ae_order("PLACE_ORDER_SUCCESS")
    result["order_amount"] = {"amount": 19.99, "currency_code": "EUR"}
    body = json_response(ae_success(result))
    state = client_for(answering(body)).read_order(ORDER_ID)
    assert state.amount == Money(amount=Decimal("19.99"), currency="EUR")


def test_an_answer_without_an_order_means_it_is_not_in_this_account() -> None:
    with pytest.raises(NotFoundError) as info:
        client_for(answering(ae_success(None, request_id="rid-empty"))).read_order(ORDER_ID)
    assert info.value.request_id == "rid-empty"


# --- error envelopes ------------------------------------------------------------------------------


def test_insufficient_permission_is_a_permission_problem_with_its_request_id() -> None:
    recorder = answering(ae_error("isv.insufficient-permission", sub_msg="Insufficient permission."))
    with pytest.raises(PermissionDenied) as info:
        client_for(recorder).read_order(ORDER_ID)
    assert info.value.request_id == "210126da17406391015547789"
    assert "permission" in str(info.value)
    assert "210126da17406391015547789" in str(info.value)
    assert len(recorder.requests) == 1  # not retried: it will not get better


def test_an_order_of_another_account_is_reported_as_not_in_yours() -> None:
    recorder = answering(ae_error("isv.invalid-authorization", type_="ISV"))
    with pytest.raises(NotFoundError) as info:
        client_for(recorder).read_order(ORDER_ID)
    assert "not in your AliExpress account" in str(info.value)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"type": "ISV", "code": "IllegalAccessToken", "message": "The specified access token is invalid or expired",
         "request_id": "2101e0b2"},
        ae_error("isv.invalid-session", type_="ISV"),
        {"type": "ISV", "code": "IncompleteSignature", "message": "The request signature does not conform",
         "request_id": "2101e0b3"},
    ],
    ids=["flat-illegal-token", "invalid-session", "bad-signature"],
)
def test_a_refused_token_or_signature_is_an_authentication_error(body: dict) -> None:
    recorder = answering(body)
    with pytest.raises(AuthenticationError) as info:
        client_for(recorder).read_order(ORDER_ID)
    assert "authorize the app again" in str(info.value)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        ae_error("isp.service-unavailable", sub_msg="Service unavailable, please retry"),
        ae_error("InternalError", type_="ISP"),
        ae_error(None, code="InternalError", type_="SYSTEM", msg="System error"),
    ],
    ids=["service-unavailable", "internal-error", "system"],
)
def test_a_busy_service_is_retried_three_times_with_backoff_then_reported(body: dict) -> None:
    sleeps: list[float] = []
    recorder = answering(body)
    with pytest.raises(ServerError) as info:
        client_for(recorder, sleeps).read_order(ORDER_ID)
    assert len(recorder.requests) == 3
    assert sleeps == [0.5, 1.5]
    assert "try again later" in str(info.value)


def test_a_busy_service_that_recovers_gives_the_order() -> None:
    sleeps: list[float] = []
    recorder = answering(ae_error("isp.service-unavailable"), ae_success(ae_order("IN_CANCEL")))
    state = client_for(recorder, sleeps).read_order(ORDER_ID)
    assert state.status is S.CANCEL_REQUESTED
    assert len(recorder.requests) == 2 and sleeps == [0.5]


def test_each_retry_is_signed_afresh_and_still_valid() -> None:
    recorder = answering(httpx.Response(502, text="Bad gateway"), ae_success(ae_order("PLACE_ORDER_SUCCESS")))
    client_for(recorder).read_order(ORDER_ID)
    assert all(form_of(r)["sign"] == iop_sign("ae-secret-for-tests", form_of(r)) for r in recorder.requests)


def test_a_timeout_is_retried_then_reported_as_a_transport_error() -> None:
    sleeps: list[float] = []
    recorder = answering(httpx.ReadTimeout("timed out"))
    with pytest.raises(TransportError) as info:
        client_for(recorder, sleeps).read_order(ORDER_ID)
    assert info.value.timeout
    assert len(recorder.requests) == 3 and sleeps == [0.5, 1.5]


def test_a_server_error_status_is_retried_then_reported() -> None:
    recorder = answering(httpx.Response(503, text="<html>Service Unavailable</html>"))
    with pytest.raises(ServerError) as info:
        client_for(recorder).read_order(ORDER_ID)
    assert info.value.status == 503
    assert len(recorder.requests) == 3


def test_a_rate_limit_is_retried_then_reported() -> None:
    recorder = answering(ae_error("ApiCallLimit", type_="ISV"))
    with pytest.raises(RateLimited):
        client_for(recorder).read_order(ORDER_ID)
    assert len(recorder.requests) == 3


def test_a_body_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedResponse):
        client_for(answering(httpx.Response(200, text="<html>maintenance</html>"))).read_order(ORDER_ID)


def test_an_unknown_error_keeps_the_suppliers_words() -> None:
    with pytest.raises(ApiError) as info:
        client_for(answering(ae_error("isv.param-error", type_="ISV", sub_msg="order_id is invalid"))).read_order(ORDER_ID)
    assert type(info.value) is ApiError
    assert "order_id is invalid" in str(info.value)


# --- ids and cancel ----------------------------------------------------------------------------------


@pytest.mark.parametrize("order_id", ["CJ2604221009", "3041 8722", "", "1" * 25, "304187&method=x"])
def test_an_id_that_cannot_be_an_aliexpress_order_is_refused_before_any_request(order_id: str) -> None:
    recorder = answering(ae_success(ae_order("PLACE_ORDER_SUCCESS")))
    with pytest.raises(InputError):
        client_for(recorder).read_order(order_id)
    assert recorder.requests == []


def test_cancelling_points_to_the_order_page_because_aliexpress_has_no_cancel_api() -> None:
    recorder = answering(ae_success(ae_order("PLACE_ORDER_SUCCESS")))
    with pytest.raises(SupplierRefused) as info:
        client_for(recorder).cancel(ORDER_ID)
    url = f"https://www.aliexpress.com/p/order/detail.html?orderId={ORDER_ID}"
    assert info.value.url == url
    assert url in str(info.value)
    assert "Cancel order" in str(info.value)
    assert recorder.requests == []  # nothing is ever sent to cancel


def test_the_order_url_is_the_order_detail_page() -> None:
    client = client_for(answering({}))
    assert client.order_url(ORDER_ID) == f"https://www.aliexpress.com/p/order/detail.html?orderId={ORDER_ID}"


def test_an_http_401_with_an_illegal_token_envelope_is_an_authentication_error() -> None:
    body = {"error_response": {"code": "IllegalAccessToken", "type": "ISV", "msg": "The specified access token is invalid",
                               "request_id": "rid-401"}}
    with pytest.raises(AuthenticationError) as info:
        client_for(answering(httpx.Response(401, json=body))).read_order(ORDER_ID)
    assert info.value.status == 401 and info.value.request_id == "rid-401"


def test_a_call_limit_is_a_rate_limit() -> None:
    recorder = answering(ae_error("isp.call-limited", code="ApiCallLimit", sub_msg="The API call frequency exceeds the limit"))
    with pytest.raises(RateLimited):
        client_for(recorder).read_order(ORDER_ID)
