"""The simulated Shopify Admin GraphQL endpoint, spoken to directly on the wire with httpx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from actions.sandbox import SANDBOX_SHOP, SANDBOX_TOKEN, Sandbox, order_gid
from tests.actions.sandbox_clock import Clock

URL = f"https://{SANDBOX_SHOP}/admin/api/2026-04/graphql.json"
AUTH = {"X-Shopify-Access-Token": SANDBOX_TOKEN}

ORDER_QUERY = """
query Order($id: ID!) {
  order(id: $id) {
    id name cancelledAt cancelReason closed displayFinancialStatus displayFulfillmentStatus
    lineItems(first: 5) { nodes { currentQuantity restockable } }
    fulfillmentOrders(first: 5) { nodes { id status requestStatus supportedActions { action }
                                          fulfillmentHolds { id reason } } }
  }
}
"""
CANCEL = """
mutation Cancel($orderId: ID!, $refund: Boolean!) {
  orderCancel(orderId: $orderId, reason: CUSTOMER, restock: true,
              refundMethod: {originalPaymentMethodsRefund: $refund}, staffNote: "test") {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""
JOB = "query Job($id: ID!) { job(id: $id) { id done } }"
FO_CANCEL = """
mutation FoCancel($id: ID!) {
  fulfillmentOrderCancel(id: $id) {
    fulfillmentOrder { id status requestStatus }
    replacementFulfillmentOrder { id status requestStatus }
    userErrors { field message code }
  }
}
"""
FO_REQUEST = """
mutation FoRequest($id: ID!) {
  fulfillmentOrderSubmitCancellationRequest(id: $id, message: "Customer cancelled") {
    fulfillmentOrder { id status requestStatus }
    userErrors { field message }
  }
}
"""
RELEASE = """
mutation Release($id: ID!, $holdIds: [ID!]) {
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) {
    fulfillmentOrder { id status requestStatus }
    userErrors { field message code }
  }
}
"""


def post(sandbox: Sandbox, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
    with sandbox.client() as http:
        headers = kwargs.pop("headers", AUTH)
        return http.post(kwargs.pop("url", URL), json={"query": query, "variables": variables or {}},
                         headers=headers, **kwargs)


def data(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def order(sandbox: Sandbox, number: int) -> dict[str, Any]:
    return data(post(sandbox, ORDER_QUERY, {"id": order_gid(number)}))["order"]


def fo_id(sandbox: Sandbox, number: int, index: int = 0) -> str:
    return order(sandbox, number)["fulfillmentOrders"]["nodes"][index]["id"]


# --- the document is checked against the schema ----------------------------------------------------


def test_a_document_that_is_not_valid_for_the_schema_gets_shopifys_error_shape(sandbox: Sandbox) -> None:
    response = post(sandbox, "{ order(id: \"gid://shopify/Order/5500000001001\") { notAField } }")
    body = response.json()
    assert response.status_code == 200
    assert "data" not in body
    [error] = body["errors"]
    assert "notAField" in error["message"]
    assert error["locations"] == [{"line": 1, "column": 52}]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_wrong_enum_value_in_a_mutation_is_refused_before_anything_changes(sandbox: Sandbox) -> None:
    bad = CANCEL.replace("reason: CUSTOMER", "reason: BOGUS")
    body = post(sandbox, bad, {"orderId": order_gid(1001), "refund": True}).json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert order(sandbox, 1001)["cancelledAt"] is None
    assert not [r for r in sandbox.requests if r.is_write and r.operation == "Cancel" and r.fault]


def test_a_syntax_error_is_reported_with_its_location(sandbox: Sandbox) -> None:
    body = post(sandbox, "{ shop { name ").json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert body["errors"][0]["locations"]


def test_a_field_the_schema_has_but_the_sandbox_does_not_serve_is_an_error_naming_it(sandbox: Sandbox) -> None:
    body = post(sandbox, f'{{ order(id: "{order_gid(1001)}") {{ id riskLevel }} }}').json()
    messages = " ".join(e["message"] for e in body.get("errors", []))
    assert "riskLevel" in messages


def test_a_body_without_a_query_is_a_400(sandbox: Sandbox) -> None:
    with sandbox.client() as http:
        response = http.post(URL, json={"variables": {}}, headers=AUTH)
    assert response.status_code == 400
    assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


def test_a_malformed_global_id_is_a_coercion_error(sandbox: Sandbox) -> None:
    body = post(sandbox, ORDER_QUERY, {"id": "1001"}).json()
    assert body["errors"][0]["message"] == "Invalid global id '1001'"
    assert body["errors"][0]["path"] == ["order"]


# --- endpoint, auth, headers, cost ----------------------------------------------------------------------


def test_a_wrong_token_gets_401_with_shopifys_message(sandbox: Sandbox) -> None:
    response = post(sandbox, "{ shop { name } }", headers={"X-Shopify-Access-Token": "shpat_wrong"})
    assert response.status_code == 401
    assert response.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


def test_a_retired_api_version_falls_forward_and_says_which_version_answered(sandbox: Sandbox) -> None:
    # Shopify serves a version it no longer supports as its oldest supported one (the sandbox's: 2026-04)
    # and names it in X-Shopify-API-Version; it never answers 404 for it.
    response = post(sandbox, "{ shop { name } }", url=URL.replace("2026-04", "2025-01"))
    assert response.status_code == 200 and response.json()["data"]["shop"]["name"]
    assert response.headers["X-Shopify-API-Version"] == "2026-04"
    assert post(sandbox, "{ shop { name } }").headers["X-Shopify-API-Version"] == "2026-04"


@pytest.mark.parametrize("version", ["2027-01", "2026-05", "unstable", "latest"])
def test_a_version_the_sandbox_does_not_serve_is_not_found(sandbox: Sandbox, version: str) -> None:
    response = post(sandbox, "{ shop { name } }", url=URL.replace("2026-04", version))
    assert response.status_code == 404


def test_every_answer_has_a_request_id_and_the_query_cost(sandbox: Sandbox) -> None:
    response = post(sandbox, ORDER_QUERY, {"id": order_gid(1003)})
    cost = response.json()["extensions"]["cost"]
    assert response.headers["X-Request-Id"]
    assert cost["requestedQueryCost"] >= cost["actualQueryCost"] > 0
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    assert cost["throttleStatus"]["restoreRate"] == 100.0
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000 - cost["actualQueryCost"]


def test_the_leaky_bucket_throttles_a_burst_and_refills_with_time(sandbox: Sandbox, clock: Clock) -> None:
    heavy = ("{ orders(first: 14) { nodes { lineItems(first: 10) { nodes { id originalUnitPriceSet { shopMoney "
             "{ amount } } } } fulfillmentOrders(first: 5) { nodes { id supportedActions { action } } } } } }")
    answer: dict[str, Any] = {}
    for _ in range(100):  # the clock does not move: only the actual costs drain the bucket
        answer = post(sandbox, heavy).json()
        if answer.get("errors"):
            break
    assert answer["errors"][0]["extensions"]["code"] == "THROTTLED"
    cost = answer["extensions"]["cost"]
    assert cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"]
    clock.now += 20  # 100 points a second
    assert "errors" not in post(sandbox, heavy).json()


def test_a_query_above_the_single_query_limit_is_refused(sandbox: Sandbox) -> None:
    body = post(sandbox, "{ orders(first: 50) { nodes { lineItems(first: 250) { nodes { id } } } } }").json()
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_orders_are_found_by_name_with_or_without_the_hash(sandbox: Sandbox) -> None:
    query = "query($q: String!) { orders(first: 2, query: $q) { nodes { name } } }"
    for text in ("name:#1004", "name:1004", 'name:"#1004"'):
        assert data(post(sandbox, query, {"q": text}))["orders"]["nodes"] == [{"name": "#1004"}]
    assert data(post(sandbox, query, {"q": "name:#9999"}))["orders"]["nodes"] == []


# --- orderCancel ----------------------------------------------------------------------------------------


def test_order_cancel_returns_a_job_and_only_the_finished_job_cancels(sandbox: Sandbox) -> None:
    payload = data(post(sandbox, CANCEL, {"orderId": order_gid(1001), "refund": True}))["orderCancel"]
    assert payload["orderCancelUserErrors"] == []
    assert payload["job"]["done"] is False
    assert order(sandbox, 1001)["cancelledAt"] is None  # asynchronous, as Shopify is
    polls = [data(post(sandbox, JOB, {"id": payload["job"]["id"]}))["job"]["done"] for _ in range(2)]
    assert polls == [False, True]
    after = order(sandbox, 1001)
    assert after["cancelledAt"] and after["cancelReason"] == "CUSTOMER" and after["closed"]
    assert after["displayFinancialStatus"] == "REFUNDED"
    assert [i["currentQuantity"] for i in after["lineItems"]["nodes"]] == [0, 0]
    assert [fo["status"] for fo in after["fulfillmentOrders"]["nodes"]] == ["CLOSED"]


def test_a_job_also_finishes_after_its_delay_on_the_clock(sandbox: Sandbox, clock: Clock) -> None:
    data(post(sandbox, CANCEL, {"orderId": order_gid(1001), "refund": False}))
    clock.now += 5
    after = order(sandbox, 1001)
    assert after["cancelledAt"] is not None
    assert after["displayFinancialStatus"] == "PAID"  # refund later: the money stays until refunded


def test_cancelling_an_authorized_order_voids_the_authorization(sandbox: Sandbox, clock: Clock) -> None:
    data(post(sandbox, CANCEL, {"orderId": order_gid(1013), "refund": False}))
    clock.now += 5
    assert order(sandbox, 1013)["displayFinancialStatus"] == "VOIDED"


def test_cancelling_an_already_cancelled_order_gives_the_user_error(sandbox: Sandbox) -> None:
    payload = data(post(sandbox, CANCEL, {"orderId": order_gid(1004), "refund": True}))["orderCancel"]
    assert payload["job"] is None
    assert payload["orderCancelUserErrors"] == [
        {"field": ["orderId"], "message": "Order has already been cancelled", "code": "INVALID"}
    ]


def test_a_second_cancel_while_the_first_job_runs_is_refused(sandbox: Sandbox) -> None:
    data(post(sandbox, CANCEL, {"orderId": order_gid(1001), "refund": True}))
    again = data(post(sandbox, CANCEL, {"orderId": order_gid(1001), "refund": True}))["orderCancel"]
    assert again["job"] is None and again["orderCancelUserErrors"][0]["code"] == "INVALID"


@pytest.mark.parametrize("number", [1003, 1009, 1014])
def test_an_order_with_a_fulfillment_in_progress_cannot_be_cancelled(sandbox: Sandbox, number: int) -> None:
    payload = data(post(sandbox, CANCEL, {"orderId": order_gid(number), "refund": True}))["orderCancel"]
    assert payload["job"] is None
    assert "in progress" in payload["orderCancelUserErrors"][0]["message"]


def test_a_fulfilled_order_cannot_be_cancelled(sandbox: Sandbox) -> None:
    payload = data(post(sandbox, CANCEL, {"orderId": order_gid(1006), "refund": True}))["orderCancel"]
    assert payload["orderCancelUserErrors"][0]["code"] == "INVALID"


def test_an_unknown_order_is_not_found(sandbox: Sandbox) -> None:
    payload = data(post(sandbox, CANCEL, {"orderId": "gid://shopify/Order/42", "refund": True}))["orderCancel"]
    assert payload["orderCancelUserErrors"][0]["code"] == "NOT_FOUND"


# --- fulfillment-order reverts ------------------------------------------------------------------------


def test_a_submitted_request_is_cancelled_at_once_with_a_replacement(sandbox: Sandbox) -> None:
    assert order(sandbox, 1009)["displayFulfillmentStatus"] == "IN_PROGRESS"
    payload = data(post(sandbox, FO_CANCEL, {"id": fo_id(sandbox, 1009)}))["fulfillmentOrderCancel"]
    assert payload["userErrors"] == []
    assert (payload["fulfillmentOrder"]["status"], payload["replacementFulfillmentOrder"]["status"]) == ("CLOSED", "OPEN")
    assert payload["replacementFulfillmentOrder"]["requestStatus"] == "UNSUBMITTED"
    assert order(sandbox, 1009)["displayFulfillmentStatus"] == "UNFULFILLED"


def test_an_accepted_request_cannot_be_cancelled_directly(sandbox: Sandbox) -> None:
    payload = data(post(sandbox, FO_CANCEL, {"id": fo_id(sandbox, 1003)}))["fulfillmentOrderCancel"]
    assert payload["replacementFulfillmentOrder"] is None
    assert "cancelable" in payload["userErrors"][0]["message"]
    assert order(sandbox, 1003)["fulfillmentOrders"]["nodes"][0]["requestStatus"] == "ACCEPTED"


def test_an_accepted_request_needs_a_cancellation_request_then_the_service_reply(sandbox: Sandbox, clock: Clock) -> None:
    payload = data(post(sandbox, FO_REQUEST, {"id": fo_id(sandbox, 1003)}))["fulfillmentOrderSubmitCancellationRequest"]
    assert payload["userErrors"] == []
    assert payload["fulfillmentOrder"]["requestStatus"] == "CANCELLATION_REQUESTED"
    waiting = order(sandbox, 1003)
    assert waiting["displayFulfillmentStatus"] == "IN_PROGRESS"
    # Shopify lets the merchant stop waiting with fulfillmentOrderCancel (the rules offer it only after 48 hours).
    assert waiting["fulfillmentOrders"]["nodes"][0]["supportedActions"] == [{"action": "CANCEL_FULFILLMENT_ORDER"}]
    clock.now += 3.5  # the simulated fulfillment service answers after service_reply_delay
    after = order(sandbox, 1003)
    fo = after["fulfillmentOrders"]["nodes"][0]
    assert (fo["status"], fo["requestStatus"]) == ("OPEN", "CANCELLATION_ACCEPTED")
    assert after["displayFulfillmentStatus"] == "UNFULFILLED"


def test_the_fulfillment_service_can_refuse_the_cancellation(sandbox: Sandbox) -> None:
    data(post(sandbox, FO_REQUEST, {"id": fo_id(sandbox, 1003)}))
    sandbox.simulate_fulfillment_service_reply(fo_id(sandbox, 1003), accept=False)
    fo = order(sandbox, 1003)["fulfillmentOrders"]["nodes"][0]
    assert (fo["status"], fo["requestStatus"]) == ("IN_PROGRESS", "CANCELLATION_REJECTED")
    assert fo["supportedActions"] == [{"action": "REQUEST_CANCELLATION"}]


def test_a_cancellation_request_on_an_open_fulfillment_order_is_a_user_error(sandbox: Sandbox) -> None:
    payload = data(post(sandbox, FO_REQUEST, {"id": fo_id(sandbox, 1001)}))["fulfillmentOrderSubmitCancellationRequest"]
    assert payload["userErrors"] and payload["userErrors"][0]["field"] == ["id"]


def test_releasing_the_hold_opens_the_fulfillment_order(sandbox: Sandbox) -> None:
    held = order(sandbox, 1012)["fulfillmentOrders"]["nodes"][0]
    assert held["status"] == "ON_HOLD" and {"action": "RELEASE_HOLD"} in held["supportedActions"]
    wrong = data(post(sandbox, RELEASE, {"id": held["id"], "holdIds": ["gid://shopify/FulfillmentHold/1"]}))
    assert wrong["fulfillmentOrderReleaseHold"]["userErrors"]
    hold_ids = [h["id"] for h in held["fulfillmentHolds"]]
    released = data(post(sandbox, RELEASE, {"id": held["id"], "holdIds": hold_ids}))["fulfillmentOrderReleaseHold"]
    assert released["userErrors"] == [] and released["fulfillmentOrder"]["status"] == "OPEN"
    assert order(sandbox, 1012)["displayFulfillmentStatus"] == "UNFULFILLED"


def test_marking_a_merchant_fulfillment_order_open_reverts_its_progress(sandbox: Sandbox) -> None:
    query = "mutation($id: ID!) { fulfillmentOrderOpen(id: $id) { fulfillmentOrder { status } userErrors { message } } }"
    first = data(post(sandbox, query, {"id": fo_id(sandbox, 1014)}))["fulfillmentOrderOpen"]
    assert first == {"fulfillmentOrder": {"status": "OPEN"}, "userErrors": []}
    second = data(post(sandbox, query, {"id": fo_id(sandbox, 1014)}))["fulfillmentOrderOpen"]
    assert second["userErrors"]
