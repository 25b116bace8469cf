"""Rate limits, retries and errors: reads persist, writes are never repeated blindly, tokens never show."""

from __future__ import annotations

import httpx
import pytest

from actions.errors import (
    ActionError,
    ApiError,
    AuthenticationError,
    GraphQLError,
    LockedError,
    NotFoundError,
    OutcomeUnknown,
    PaymentRequiredError,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
)
from kb.state import CancelOptions

from .shopify_payloads import (
    CONNECTION_SCOPES,
    ORDER_GID,
    TOKEN,
    FakeShopify,
    cancel_payload,
    connection_data,
    graphql,
    make_client,
    order_node,
    status,
    throttled,
)

ORDER = {"order": order_node(1001)}
CANCELLED = {"order": order_node(1001, cancelled_at="2026-05-03T11:00:00Z", cancel_reason="CUSTOMER")}


@pytest.mark.parametrize("http_status", [200, 429])
def test_a_throttled_read_waits_for_the_bucket_then_succeeds(http_status: int) -> None:
    fake = FakeShopify(throttled(http_status=http_status, requested=752, available=666, restore=50.0),
                       graphql(ORDER))
    client = make_client(fake)
    assert client.read_order("5500000001001").name == "#1001"
    [wait] = fake.sleeps
    needed = (752 - 666) / 50.0  # (requested - available) / restore rate
    assert needed <= wait <= needed * 1.25 + 0.05
    assert client.request_count == 2


def test_a_429_without_cost_waits_as_retry_after_says() -> None:
    fake = FakeShopify(httpx.Response(429, text="Too Many Requests", headers={"Retry-After": "2.0"}), graphql(ORDER))
    make_client(fake).read_order("5500000001001")
    assert 2.0 <= fake.sleeps[0] <= 2.0 * 1.25 + 0.05


def test_a_throttled_write_is_retried_because_shopify_did_not_run_it() -> None:
    fake = FakeShopify(throttled(), graphql(cancel_payload(job_done=True)), graphql(CANCELLED))
    outcome = make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations == ["OrderCancel", "OrderCancel", "OrderStateById"]
    assert outcome.confirmed


def test_throttling_longer_than_the_cap_gives_up_with_retry_after() -> None:
    fake = FakeShopify(throttled(requested=1000, available=0, restore=50.0, request_id="thr-9"))
    with pytest.raises(RateLimited) as caught:
        make_client(fake, max_throttle_wait=5.0).read_order("5500000001001")
    assert caught.value.retry_after == 20.0
    assert caught.value.request_id == "thr-9"
    assert fake.sleeps == []
    assert "Wait a few seconds" in str(caught.value)


def test_total_throttle_waiting_is_capped() -> None:
    fake = FakeShopify(*(throttled(requested=200, available=0, restore=100.0) for _ in range(4)))
    with pytest.raises(RateLimited):
        make_client(fake, max_throttle_wait=5.0).read_order("5500000001001")
    assert sum(fake.sleeps) <= 5.0
    assert len(fake.sleeps) >= 1


def test_the_throttle_cap_holds_across_the_retries_of_one_read() -> None:
    # 3 s of waiting, a 503 (retried), then 3 s more would pass a 5 s cap: Shopify is told to wait.
    bucket = {"requested": 300, "available": 0, "restore": 100.0}
    fake = FakeShopify(throttled(**bucket), status(503), throttled(**bucket), graphql(ORDER))
    with pytest.raises(RateLimited):
        make_client(fake, max_throttle_wait=5.0).read_order("5500000001001")
    assert fake.operations == ["OrderStateById"] * 3
    assert len(fake.sleeps) == 2  # one bucket wait, one backoff before the retry


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        (401, AuthenticationError, "refused the access token"),
        (402, PaymentRequiredError, "frozen"),
        (403, PermissionDenied, "missing an access scope"),
        (404, NotFoundError, "Check the shop domain and the API version"),
        (423, LockedError, "locked"),
        (400, ApiError, "HTTP 400"),
    ],
)
def test_each_refusal_status_is_its_own_error_with_the_request_id_and_no_retry(
    code: int, error: type[ActionError], words: str
) -> None:
    fake = FakeShopify(status(code, request_id=f"req-{code}"))
    client = make_client(fake)
    with pytest.raises(error) as caught:
        client.read_order("5500000001001")
    assert words in str(caught.value)
    assert caught.value.status == code  # type: ignore[attr-defined]
    assert str(caught.value).endswith(f"(request id req-{code})")
    assert client.request_count == 1


@pytest.mark.parametrize("code", [401, 402, 403, 404, 423])
def test_a_refused_write_is_raised_as_is_and_never_repeated(code: int) -> None:
    fake = FakeShopify(status(code))
    with pytest.raises(ApiError):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations == ["OrderCancel"]


def test_a_read_is_retried_after_5xx_and_timeouts_then_succeeds() -> None:
    fake = FakeShopify(status(503), httpx.ReadTimeout("timed out"), graphql(ORDER))
    client = make_client(fake)
    assert client.read_order("5500000001001").name == "#1001"
    assert client.request_count == 3
    assert len(fake.sleeps) == 2 and fake.sleeps[0] < fake.sleeps[1]


def test_a_read_gives_up_after_three_attempts() -> None:
    fake = FakeShopify(status(500), status(502), status(503, request_id="req-last"))
    with pytest.raises(ServerError) as caught:
        make_client(fake).read_order("5500000001001")
    assert caught.value.request_id == "req-last"
    assert len(fake.requests) == 3


def test_a_timeout_on_every_read_is_a_transport_error() -> None:
    fake = FakeShopify(*(httpx.ReadTimeout("timed out") for _ in range(3)))
    with pytest.raises(TransportError) as caught:
        make_client(fake).read_order("5500000001001")
    assert caught.value.timeout


def test_a_write_that_timed_out_is_sent_once_whatever_follows() -> None:
    fake = FakeShopify(httpx.ReadTimeout("timed out"), *(status(503) for _ in range(9)))
    with pytest.raises(OutcomeUnknown):
        make_client(fake).cancel_order(ORDER_GID, CancelOptions())
    assert fake.operations.count("OrderCancel") == 1


def test_graphql_errors_are_reported_with_their_code() -> None:
    errors = [{"message": "Field 'bogus' doesn't exist on type 'Order'", "extensions": {"code": "undefinedField"}}]
    fake = FakeShopify(httpx.Response(200, json={"errors": errors}, headers={"X-Request-Id": "req-gql"}))
    with pytest.raises(GraphQLError, match="doesn't exist") as caught:
        make_client(fake).read_order("5500000001001")
    assert caught.value.code == "undefinedField"


def test_access_denied_is_a_missing_permission() -> None:
    errors = [{"message": "Access denied for order field. Required access: `read_orders` access scope.",
               "path": ["order"], "extensions": {"code": "ACCESS_DENIED"}}]
    fake = FakeShopify(graphql({"order": None}, errors=errors))
    with pytest.raises(PermissionDenied, match="read_orders"):
        make_client(fake).read_order("5500000001001")


def _leaky_responses() -> list[httpx.Response | Exception]:
    leak = f"token {TOKEN} was rejected"
    return [
        httpx.Response(400, text=leak),
        httpx.Response(200, json={"errors": [{"message": leak, "extensions": {"code": "BAD"}}]}),
        httpx.Response(200, json={"data": {"orderCancel": {"job": None, "orderCancelUserErrors": [
            {"field": None, "message": leak, "code": None}]}}}),
    ]


@pytest.mark.parametrize("index", range(3))
def test_the_token_never_appears_in_an_error_even_when_shopify_echoes_it(index: int) -> None:
    response = _leaky_responses()[index]
    fake = FakeShopify(response, graphql(ORDER), graphql(ORDER))
    client = make_client(fake)
    with pytest.raises(ActionError) as caught:
        if index == 2:
            client.cancel_order(ORDER_GID, CancelOptions())
        else:
            client.read_order("5500000001001")
    texts = [str(caught.value), repr(caught.value), caught.value.message, repr(caught.value.__cause__)]
    texts += [repr(getattr(caught.value, "errors", ""))]
    assert all(TOKEN not in text for text in texts)
    assert "[redacted]" in str(caught.value)


def test_the_client_and_its_settings_never_show_the_token() -> None:
    client = make_client(FakeShopify())
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(client.settings) and TOKEN not in str(client.settings)


def test_connection_check_names_the_shop_and_the_missing_scopes() -> None:
    fake = FakeShopify(graphql(connection_data(["read_orders", "write_merchant_managed_fulfillment_orders"])))
    report = make_client(fake).check_connection()
    assert (report.shop_name, report.shop_domain, report.api_version) == (
        "Cancel Assist Demo", "cancel-assist-demo.myshopify.com", "2026-04")
    assert report.missing_scopes == (
        "write_orders", "read_third_party_fulfillment_orders", "write_third_party_fulfillment_orders")
    assert not report.ok
    assert fake.operations == ["ConnectionCheck"]


def test_a_write_scope_counts_as_its_read_scope() -> None:
    fake = FakeShopify(graphql(connection_data(CONNECTION_SCOPES)))
    report = make_client(fake).check_connection()
    assert report.missing_scopes == () and report.ok
    assert "read_orders" not in report.granted_scopes


def test_a_revoked_token_fails_the_connection_check_clearly() -> None:
    fake = FakeShopify(status(401, text='{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}'))
    with pytest.raises(AuthenticationError, match="wrong or was revoked"):
        make_client(fake).check_connection()


@pytest.mark.parametrize(("header", "shown"), [("2026-07", "2026-07"), ("<b>2026-07</b>", "2026-04"),
                                               ("2026-07 " + TOKEN, "2026-04")])
def test_the_connection_check_reports_the_version_that_answered_and_only_a_version(header: str, shown: str) -> None:
    answer = graphql(connection_data(CONNECTION_SCOPES))
    answer.headers["X-Shopify-API-Version"] = header
    report = make_client(FakeShopify(answer)).check_connection()
    assert report.api_version == shown and report.requested_version == "2026-04"
    assert report.ok is (shown == "2026-04")
