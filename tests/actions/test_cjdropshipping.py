"""CJ Dropshipping: token caching and renewal, order reads for every status, errors, and deleteOrder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from actions.cjdropshipping import CJClient
from actions.errors import (
    ApiError,
    AuthenticationError,
    InputError,
    NotFoundError,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
)
from actions.settings import CJSettings
from actions.suppliers import SupplierRefused
from kb.state import CancelChannel, Money, SupplierStatus
from tests.actions.supplier_payloads import (
    CJ_STATUSES,
    Recorder,
    cj_error,
    cj_ok,
    cj_order_detail,
    cj_token,
    json_response,
)

S = SupplierStatus
BASE = "https://developers.cjdropshipping.com/api2.0/v1"
ORDER_ID = "CJ2604221009"
API_KEY = "CJ-key-for-tests"
SETTINGS = CJSettings(api_key=API_KEY, api_base_url=BASE)
NOW = datetime(2026, 4, 24, 2, 0, tzinfo=UTC).timestamp()
IN_15_DAYS = "2026-05-09T10:00:00+08:00"


class FakeCJ:
    """A CJ server: tokens, order details and deletes, with faults injected per test."""

    def __init__(self, status: str = "UNPAID", *, token_expires: str = IN_15_DAYS, refresh: bool = True) -> None:
        self.status = status
        self.token_expires = token_expires
        self.refresh = refresh
        self.issued = 0
        self.valid_tokens: set[str] = set()
        self.detail_faults: list[object] = []  # answers to serve before the real ones
        self.delete_faults: list[object] = []
        self.delete_applies_on_timeout = True
        self.delete_applies_despite_fault = False  # CJ deleted it, then the answer got lost or garbled
        self.deleted_removes_order = False
        self.recorder = Recorder(self.route)

    def _issue(self) -> httpx.Response:
        self.issued += 1
        token = f"cj-access-{self.issued}"
        self.valid_tokens.add(token)
        refresh = f"cj-refresh-{self.issued}" if self.refresh else None
        return json_response(cj_token(token, expires=self.token_expires, refresh=refresh))

    def route(self, request: httpx.Request) -> httpx.Response | Exception:
        path = request.url.path.removeprefix("/api2.0/v1")
        if path == "/authentication/getAccessToken":
            if json.loads(request.content) != {"apiKey": API_KEY}:
                return json_response(cj_error(1601000, "User not find"))
            return self._issue()
        if path == "/authentication/refreshAccessToken":
            return self._issue()
        if request.headers.get("CJ-Access-Token") not in self.valid_tokens:
            return json_response(cj_error(1600001, "Invalid API key or access token"))
        if request.url.params.get("orderId") != ORDER_ID:
            return json_response(cj_error(1600300, "Order not found"))
        if path == "/shopping/order/getOrderDetail":
            if self.detail_faults:
                return _as_answer(self.detail_faults.pop(0))
            if self.status == "DELETED":
                return json_response(cj_error(1600300, "Order not found"))
            return json_response(cj_ok(cj_order_detail(ORDER_ID, self.status, amount=14.62)))
        if path == "/shopping/order/deleteOrder" and request.method == "DELETE":
            if self.delete_faults:
                fault = self.delete_faults.pop(0)
                timed_out = isinstance(fault, httpx.TimeoutException) and self.delete_applies_on_timeout
                if timed_out or self.delete_applies_despite_fault:
                    self._delete()
                return _as_answer(fault)
            self._delete()
            return json_response(cj_ok(ORDER_ID))
        return httpx.Response(404)

    def _delete(self) -> None:
        self.status = "DELETED" if self.deleted_removes_order else "CANCELLED"

    def client(self, sleeps: list[float] | None = None, clock: list[float] | None = None) -> CJClient:
        now = clock if clock is not None else [NOW]
        waits = sleeps if sleeps is not None else []
        return CJClient(self.recorder.client(), SETTINGS, clock=lambda: now[0], sleep=waits.append)

    def calls(self) -> list[str]:
        return self.recorder.paths()


def _as_answer(fault: object) -> httpx.Response | Exception:
    if isinstance(fault, Exception | httpx.Response):
        return fault
    return json_response(fault)


# --- tokens --------------------------------------------------------------------------------------


def test_the_api_key_buys_one_token_that_is_reused_until_it_expires() -> None:
    cj = FakeCJ()
    client = cj.client()
    client.read_order(ORDER_ID)
    client.read_order(ORDER_ID)

    assert cj.calls() == ["POST getAccessToken", "GET getOrderDetail", "GET getOrderDetail"]
    assert cj.recorder.requests[1].headers["CJ-Access-Token"] == "cj-access-1"
    assert cj.recorder.requests[2].headers["CJ-Access-Token"] == "cj-access-1"
    assert client.token_fetches == 1
    assert client.request_count == 3


def test_an_expired_token_is_refreshed_with_the_refresh_token() -> None:
    cj = FakeCJ()
    clock = [NOW]
    client = cj.client(clock=clock)
    client.read_order(ORDER_ID)
    clock[0] = datetime(2026, 5, 10, tzinfo=UTC).timestamp()  # past the 15 days
    client.read_order(ORDER_ID)

    assert cj.calls() == ["POST getAccessToken", "GET getOrderDetail", "POST refreshAccessToken", "GET getOrderDetail"]
    assert json.loads(cj.recorder.requests[2].content) == {"refreshToken": "cj-refresh-1"}
    assert cj.recorder.requests[3].headers["CJ-Access-Token"] == "cj-access-2"


def test_a_token_about_to_expire_is_renewed_before_use() -> None:
    cj = FakeCJ(refresh=False)
    clock = [NOW]
    client = cj.client(clock=clock)
    client.read_order(ORDER_ID)
    clock[0] = datetime.fromisoformat(IN_15_DAYS).timestamp() - 60  # one minute left
    client.read_order(ORDER_ID)
    assert cj.calls().count("POST getAccessToken") == 2


def test_a_token_cj_refuses_is_replaced_once_and_the_read_sent_again() -> None:
    cj = FakeCJ()
    client = cj.client()
    client.read_order(ORDER_ID)
    cj.valid_tokens.clear()  # CJ revoked it (e.g. a new token was made elsewhere)
    state = client.read_order(ORDER_ID)

    assert state.status is S.PLACED_UNPAID
    assert cj.calls()[2:] == ["GET getOrderDetail", "POST refreshAccessToken", "GET getOrderDetail"]


def test_a_token_refused_twice_is_an_authentication_error_without_looping() -> None:
    cj = FakeCJ()
    client = cj.client()
    cj.detail_faults = [cj_error(1600001, "Invalid API key or access token")] * 5
    with pytest.raises(AuthenticationError):
        client.read_order(ORDER_ID)
    assert cj.calls().count("GET getOrderDetail") == 2


def test_a_wrong_api_key_says_so_without_showing_it() -> None:
    cj = FakeCJ()
    client = CJClient(cj.recorder.client(), CJSettings(api_key="CJ-wrong-key-0123456789", api_base_url=BASE),
                      clock=lambda: NOW, sleep=lambda _: None)
    with pytest.raises(AuthenticationError) as info:
        client.read_order(ORDER_ID)
    assert "API key" in str(info.value)
    assert "CJ-wrong-key-0123456789" not in str(info.value) + repr(info.value)


def test_an_unreadable_expiry_date_keeps_the_token_for_an_hour_only() -> None:
    cj = FakeCJ(token_expires="soon", refresh=False)
    clock = [NOW]
    client = cj.client(clock=clock)
    client.read_order(ORDER_ID)
    clock[0] = NOW + 2 * 3600
    client.read_order(ORDER_ID)
    assert cj.calls().count("POST getAccessToken") == 2


# --- reads for every status ------------------------------------------------------------------------

WIRE_CASES = [
    ("CREATED", S.PLACED_UNPAID, CancelChannel.API),
    ("IN_CART", S.PLACED_UNPAID, CancelChannel.API),
    ("UNPAID", S.PLACED_UNPAID, CancelChannel.API),
    ("UNSHIPPED", S.AWAITING_SHIPMENT, CancelChannel.MANUAL),
    ("SHIPPED", S.SHIPPED, CancelChannel.NONE),
    ("DELIVERED", S.COMPLETED, CancelChannel.NONE),
    ("CANCELLED", S.CANCELLED, CancelChannel.NONE),
    ("OTHER", S.UNKNOWN, CancelChannel.NONE),
    ("SOMETHING_NEW", S.UNKNOWN, CancelChannel.NONE),
]


def test_the_wire_cases_cover_every_cj_status_in_the_reference() -> None:
    assert {case[0] for case in WIRE_CASES} >= set(CJ_STATUSES)


@pytest.mark.parametrize(("raw", "status", "channel"), WIRE_CASES, ids=[c[0] for c in WIRE_CASES])
def test_each_cj_status_is_read_into_our_vocabulary(raw: str, status: SupplierStatus, channel: CancelChannel) -> None:
    cj = FakeCJ(raw)
    state = cj.client().read_order(ORDER_ID)

    request = cj.recorder.requests[-1]
    assert (request.method, request.url.path) == ("GET", "/api2.0/v1/shopping/order/getOrderDetail")
    assert request.url.params["orderId"] == ORDER_ID
    assert state.supplier == "cjdropshipping"
    assert state.status is status
    assert state.raw_status == raw
    assert state.cancel_channel is channel
    assert state.cancel_note
    assert state.amount == Money(amount=Decimal("14.62"), currency="USD")
    assert state.order_url is not None and state.order_url.endswith(f"orderId={ORDER_ID}")


def test_the_tracking_number_is_read() -> None:
    cj = FakeCJ()
    cj.detail_faults = [cj_ok(cj_order_detail(ORDER_ID, "SHIPPED", track="CJPKL7160102171YQ"))]
    assert cj.client().read_order(ORDER_ID).tracking_number == "CJPKL7160102171YQ"


def test_an_unknown_order_is_not_found_with_the_request_id() -> None:
    cj = FakeCJ()
    cj.detail_faults = [cj_error(1600300, "orderId is empty or order not found", request_id="rq-404")]
    with pytest.raises(NotFoundError) as info:
        cj.client().read_order(ORDER_ID)
    assert info.value.request_id == "rq-404"
    assert ORDER_ID in str(info.value) and "rq-404" in str(info.value)


@pytest.mark.parametrize(
    "fault",
    [
        cj_error(1600200, "Too Many Requests"),
        httpx.Response(429, text="Too Many Requests"),
    ],
    ids=["envelope", "http-429"],
)
def test_too_many_requests_is_retried_then_reported_as_rate_limited(fault: object) -> None:
    cj = FakeCJ()
    cj.detail_faults = [fault] * 3
    sleeps: list[float] = []
    with pytest.raises(RateLimited):
        cj.client(sleeps).read_order(ORDER_ID)
    assert cj.calls().count("GET getOrderDetail") == 3
    assert sleeps == [0.5, 1.5]


def test_a_timeout_then_an_answer_gives_the_order() -> None:
    cj = FakeCJ("UNSHIPPED")
    cj.detail_faults = [httpx.ReadTimeout("timed out")]
    sleeps: list[float] = []
    assert cj.client(sleeps).read_order(ORDER_ID).status is S.AWAITING_SHIPMENT
    assert sleeps == [0.5]


def test_a_server_error_is_retried_then_reported() -> None:
    cj = FakeCJ()
    cj.detail_faults = [httpx.Response(502, text="Bad gateway")] * 3
    with pytest.raises(ServerError):
        cj.client().read_order(ORDER_ID)
    assert cj.calls().count("GET getOrderDetail") == 3


def test_an_unknown_error_keeps_cjs_words() -> None:
    cj = FakeCJ()
    cj.detail_faults = [cj_error(1600100, "Param error: orderId")]
    with pytest.raises(ApiError) as info:
        cj.client().read_order(ORDER_ID)
    assert type(info.value) is ApiError and "Param error" in str(info.value)


@pytest.mark.parametrize("order_id", ["CJ 1", "../x", "", "a" * 65, "CJ1?orderId=2"])
def test_an_id_that_cannot_be_a_cj_order_is_refused_before_any_request(order_id: str) -> None:
    cj = FakeCJ()
    with pytest.raises(InputError):
        cj.client().read_order(order_id)
    assert cj.recorder.requests == []


# --- cancel ----------------------------------------------------------------------------------------


def test_an_unpaid_order_is_deleted_and_read_back_cancelled() -> None:
    cj = FakeCJ("UNPAID")
    state = cj.client().cancel(ORDER_ID)

    assert state.status is S.CANCELLED
    assert state.cancel_channel is CancelChannel.NONE
    assert cj.calls() == ["POST getAccessToken", "GET getOrderDetail", "DELETE deleteOrder", "GET getOrderDetail"]
    assert cj.recorder.requests[2].url.params["orderId"] == ORDER_ID


def test_an_order_cj_removes_on_delete_reads_as_cancelled() -> None:
    cj = FakeCJ("CREATED")
    cj.deleted_removes_order = True
    state = cj.client().cancel(ORDER_ID)
    assert state.status is S.CANCELLED
    assert "deleted" in state.cancel_note


@pytest.mark.parametrize(("raw", "words"), [("UNSHIPPED", "support"), ("SHIPPED", "return"), ("OTHER", "status")])
def test_an_order_past_payment_is_not_deleted_and_the_reason_and_link_are_given(raw: str, words: str) -> None:
    cj = FakeCJ(raw)
    with pytest.raises(SupplierRefused) as info:
        cj.client().cancel(ORDER_ID)
    assert "DELETE deleteOrder" not in cj.calls()
    assert words in str(info.value)
    assert info.value.url is not None and info.value.url in str(info.value)


def test_an_order_already_cancelled_is_returned_as_is_without_a_delete() -> None:
    cj = FakeCJ("CANCELLED")
    assert cj.client().cancel(ORDER_ID).status is S.CANCELLED
    assert "DELETE deleteOrder" not in cj.calls()


def test_a_delete_that_times_out_is_never_sent_again_the_order_is_re_read() -> None:
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [httpx.ReadTimeout("timed out")]  # applied at CJ, the answer lost
    state = cj.client().cancel(ORDER_ID)
    assert state.status is S.CANCELLED
    assert cj.calls().count("DELETE deleteOrder") == 1


def test_a_delete_that_times_out_and_did_not_apply_is_an_unknown_outcome_not_a_second_delete() -> None:
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [httpx.ReadTimeout("timed out")]
    cj.delete_applies_on_timeout = False
    with pytest.raises(OutcomeUnknown) as info:
        cj.client().cancel(ORDER_ID)
    assert cj.calls().count("DELETE deleteOrder") == 1
    assert "Do not cancel it again yet" in str(info.value)


def test_a_delete_refused_by_cj_is_reported_with_its_words() -> None:
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [cj_error(1600100, "The order status does not allow deletion")]
    with pytest.raises(ApiError) as info:
        cj.client().cancel(ORDER_ID)
    assert "does not allow deletion" in str(info.value)
    assert cj.calls().count("DELETE deleteOrder") == 1


def test_a_delete_with_a_stale_token_gets_one_new_token_and_is_sent_once_more() -> None:
    cj = FakeCJ("UNPAID")
    client = cj.client()
    client.read_order(ORDER_ID)
    cj.delete_faults = [cj_error(1600001, "Invalid API key or access token")]
    assert client.cancel(ORDER_ID).status is S.CANCELLED
    assert cj.calls().count("DELETE deleteOrder") == 2  # the first was refused for its token: nothing was done


def test_a_transport_error_during_the_delete_cannot_hide_as_success() -> None:
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [httpx.ReadError("connection reset by peer")]
    cj.delete_applies_on_timeout = False
    with pytest.raises(OutcomeUnknown):
        cj.client().cancel(ORDER_ID)


_AMBIGUOUS_ANSWERS = [
    httpx.ReadTimeout("timed out"),
    httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    httpx.Response(502, text="Bad Gateway"),
    httpx.Response(200, text="<html>upstream hiccup</html>"),
    httpx.Response(200, content=b'{"code": 200, "result": tr'),
]
_AMBIGUOUS_IDS = ["timeout", "dropped", "502", "html", "truncated"]


@pytest.mark.parametrize("answer", _AMBIGUOUS_ANSWERS, ids=_AMBIGUOUS_IDS)
def test_a_delete_whose_answer_is_lost_or_garbled_is_read_back_not_resent(answer: object) -> None:
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [answer]
    cj.delete_applies_despite_fault = True
    state = cj.client().cancel(ORDER_ID)
    assert state.status is S.CANCELLED
    assert cj.calls().count("DELETE deleteOrder") == 1


@pytest.mark.parametrize("answer", _AMBIGUOUS_ANSWERS, ids=_AMBIGUOUS_IDS)
def test_a_delete_whose_answer_is_lost_or_garbled_and_that_did_not_apply_is_unknown_never_an_error(
    answer: object,
) -> None:
    """The same rule as Shopify's orderCancel: an answer that may hide a done write is settled by reading."""
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [answer]
    cj.delete_applies_on_timeout = False
    with pytest.raises(OutcomeUnknown) as info:
        cj.client().cancel(ORDER_ID)
    message = str(info.value)
    assert "still shows as UNPAID" in message
    assert "Do not cancel it again yet" in message
    assert cj.calls().count("DELETE deleteOrder") == 1


def test_a_delete_whose_connection_was_never_made_means_nothing_was_sent() -> None:
    cj = FakeCJ("UNPAID")
    cj.delete_faults = [httpx.ConnectError("connection refused")]
    with pytest.raises(TransportError, match="nothing was sent") as info:
        cj.client().cancel(ORDER_ID)
    assert not isinstance(info.value, OutcomeUnknown)
    assert cj.calls()[-1] == "DELETE deleteOrder"  # no re-read needed: CJ never saw it
    assert cj.status == "UNPAID"


def test_reads_after_a_transport_failure_still_retry() -> None:
    cj = FakeCJ()
    cj.detail_faults = [httpx.ConnectError("refused"), httpx.ConnectError("refused"), httpx.ConnectError("refused")]
    with pytest.raises(TransportError):
        cj.client().read_order(ORDER_ID)
    assert cj.calls().count("GET getOrderDetail") == 3


def test_an_internal_error_is_retried_then_reported_as_a_server_error() -> None:
    cj = FakeCJ()
    cj.detail_faults = [httpx.Response(503, json=cj_error(1600000, "Interface internal error, please try again later"))] * 3
    with pytest.raises(ServerError) as info:
        cj.client().read_order(ORDER_ID)
    assert "try again later" in str(info.value)
    assert cj.calls().count("GET getOrderDetail") == 3


def test_a_forbidden_answer_is_a_permission_problem_not_a_token_problem() -> None:
    cj = FakeCJ()
    cj.detail_faults = [httpx.Response(403, json=cj_error(1600002, "Permission denied"))]
    with pytest.raises(PermissionDenied):
        cj.client().read_order(ORDER_ID)
    assert cj.calls().count("POST getAccessToken") == 1


_READ_BACK_FAILURES = [
    httpx.Response(403, content=json.dumps({"code": 1600002, "result": False, "message": "Permission denied"}).encode()),
    httpx.Response(200, text="<html>upstream hiccup</html>"),
    httpx.Response(503, text="Service Unavailable"),
]


@pytest.mark.parametrize("failure", _READ_BACK_FAILURES, ids=["403", "malformed", "503"])
def test_a_delete_cj_accepted_whose_read_back_fails_is_unknown_never_an_error(failure: httpx.Response) -> None:
    """CJ answered the delete with success: a failing read-back cannot make it 'try again later'."""
    cj = FakeCJ("UNPAID")
    delete = cj._delete

    def delete_then_fail_reads() -> None:
        delete()
        cj.detail_faults = [failure] * 20

    cj._delete = delete_then_fail_reads  # type: ignore[method-assign]
    with pytest.raises(OutcomeUnknown) as info:
        cj.client().cancel(ORDER_ID)
    assert "CJ accepted the cancellation" in str(info.value)
    assert cj.calls().count("DELETE deleteOrder") == 1
    assert cj.status == "CANCELLED"
