"""The simulated AliExpress /sync gateway and CJ API 2.0, spoken to directly on the wire."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actions.aliexpress import sign
from actions.sandbox import Sandbox
from tests.actions.sandbox_clock import Clock

SYNC = "https://api-sg.aliexpress.com/sync"
CJ = "https://developers.cjdropshipping.com/api2.0/v1"


def ae_params(order_id: Any, **overrides: str) -> dict[str, str]:
    params = {
        "app_key": "sandbox-app",
        "method": "aliexpress.trade.ds.order.get",
        "session": "sandbox-session",
        "timestamp": "1780000000000",
        "sign_method": "sha256",
        "format": "json",
        "simplify": "false",
        "single_order_query": json.dumps({"order_id": order_id}),
    }
    params.update(overrides)
    params["sign"] = sign("sandbox-secret", params["method"], params)
    return params


def ae_get(sandbox: Sandbox, order_id: Any, **overrides: str) -> dict[str, Any]:
    with sandbox.client() as http:
        return http.post(SYNC, data=ae_params(order_id, **overrides)).json()


def ae_result(sandbox: Sandbox, order_id: Any) -> dict[str, Any]:
    body = ae_get(sandbox, order_id)
    assert "error_response" not in body, body
    return body["aliexpress_trade_ds_order_get_response"]["result"]


# --- AliExpress --------------------------------------------------------------------------------------


def test_a_signed_read_gets_the_non_simplified_envelope(sandbox: Sandbox) -> None:
    body = ae_get(sandbox, 3041872215631002)
    response = body["aliexpress_trade_ds_order_get_response"]
    result = response["result"]
    assert response["request_id"]
    assert (result["order_status"], result["logistics_status"]) == ("WAIT_BUYER_ACCEPT_GOODS", "SELLER_SEND_GOODS")
    assert result["order_amount"] == {"amount": "17.05", "currency_code": "USD"}
    [child] = result["child_order_list"]["aeop_child_order_info"]
    assert child["end_reason"] == "" and child["product_count"] == 1
    [parcel] = result["logistics_info_list"]["aeop_order_logistics_info"]
    assert parcel["logistics_no"].startswith("LP")


def test_query_string_params_work_like_a_form_body(sandbox: Sandbox) -> None:
    with sandbox.client() as http:
        body = http.get(SYNC, params=ae_params("3041872215631001")).json()
    assert body["aliexpress_trade_ds_order_get_response"]["result"]["order_status"] == "WAIT_SELLER_SEND_GOODS"


def test_simplify_flattens_the_aeop_wrappers(sandbox: Sandbox) -> None:
    result = ae_get(sandbox, 3041872215631002, simplify="true")["aliexpress_trade_ds_order_get_response"]["result"]
    assert isinstance(result["child_order_list"], list) and isinstance(result["logistics_info_list"], list)


def test_a_bad_signature_is_refused(sandbox: Sandbox) -> None:
    params = ae_params(3041872215631001)
    params["sign"] = "0" * 64
    with sandbox.client() as http:
        error = http.post(SYNC, data=params).json()["error_response"]
    assert error["code"] == "IncompleteSignature" and error["request_id"]


def test_a_wrong_session_is_an_illegal_access_token(sandbox: Sandbox) -> None:
    assert ae_get(sandbox, 3041872215631001, session="someone-else")["error_response"]["code"] == "IllegalAccessToken"


def test_an_order_of_another_account_is_invalid_authorization(sandbox: Sandbox) -> None:
    error = ae_get(sandbox, 3000000000000000)["error_response"]
    assert error["sub_code"] == "isv.invalid-authorization"


def test_an_unpaid_order_cancelled_by_hand_closes_at_once(sandbox: Sandbox) -> None:
    sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631012")
    result = ae_result(sandbox, 3041872215631012)
    assert result["order_status"] == "FINISH"
    assert result["child_order_list"]["aeop_child_order_info"][0]["end_reason"] == "CANCELED"


def test_a_paid_order_waits_for_the_seller_then_closes(sandbox: Sandbox, clock: Clock) -> None:
    sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631001")
    assert ae_result(sandbox, 3041872215631001)["order_status"] == "IN_CANCEL"
    clock.now += 3.5  # seller_reply_delay
    assert ae_result(sandbox, 3041872215631001)["order_status"] == "FINISH"


def test_the_seller_can_refuse_a_cancellation(sandbox: Sandbox) -> None:
    sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631001")
    sandbox.simulate_seller_reply("aliexpress", "3041872215631001", accept=False)
    assert ae_result(sandbox, 3041872215631001)["order_status"] == "WAIT_SELLER_SEND_GOODS"


def test_the_seeded_pending_cancellation_waits_until_the_seller_answers(sandbox: Sandbox, clock: Clock) -> None:
    clock.now += 3600
    assert ae_result(sandbox, 3041872215631005)["order_status"] == "IN_CANCEL"
    sandbox.simulate_seller_reply("aliexpress", "3041872215631005")
    assert ae_result(sandbox, 3041872215631005)["order_status"] == "FINISH"


@pytest.mark.parametrize("order_id", ["3041872215631002", "3041872215631004", "3041872215631005"])
def test_shipped_closed_or_pending_orders_cannot_be_cancelled_by_hand(sandbox: Sandbox, order_id: str) -> None:
    with pytest.raises(ValueError, match=order_id):
        sandbox.simulate_manual_supplier_cancel("aliexpress", order_id)


# --- CJ ------------------------------------------------------------------------------------------------


def cj_token(sandbox: Sandbox) -> dict[str, Any]:
    with sandbox.client() as http:
        return http.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": "CJ-sandbox-key"}).json()


def cj(sandbox: Sandbox, method: str, path: str, order_id: str, token: str) -> dict[str, Any]:
    with sandbox.client() as http:
        return http.request(method, f"{CJ}{path}", params={"orderId": order_id},
                            headers={"CJ-Access-Token": token}).json()


def test_cj_issues_a_token_with_expiry_dates_in_its_format(sandbox: Sandbox) -> None:
    body = cj_token(sandbox)
    assert (body["code"], body["result"], body["message"]) == (200, True, "Success")
    token = body["data"]
    assert token["accessTokenExpiryDate"].endswith("+08:00") and token["refreshTokenExpiryDate"] > token["createDate"]
    assert cj_token(sandbox)["data"]["accessToken"] == token["accessToken"]  # cached for 24 h


def test_cj_refuses_an_unknown_key_and_a_missing_token(sandbox: Sandbox) -> None:
    with sandbox.client() as http:
        bad = http.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": "nope"}).json()
    assert bad["result"] is False and bad["data"] is None
    denied = cj(sandbox, "GET", "/shopping/order/getOrderDetail", "CJ2604221009", "API@CJ:forged")
    assert denied["result"] is False and denied["code"] == 1600001


def test_cj_refresh_replaces_the_token(sandbox: Sandbox) -> None:
    first = cj_token(sandbox)["data"]
    with sandbox.client() as http:
        fresh = http.post(f"{CJ}/authentication/refreshAccessToken",
                          json={"refreshToken": first["refreshToken"]}).json()["data"]
    assert fresh["accessToken"] != first["accessToken"]
    old = cj(sandbox, "GET", "/shopping/order/getOrderDetail", "CJ2604221009", first["accessToken"])
    assert old["code"] == 1600001
    assert cj(sandbox, "GET", "/shopping/order/getOrderDetail", "CJ2604221009", fresh["accessToken"])["result"]


def test_cj_tokens_expire_after_fifteen_days(sandbox: Sandbox, clock: Clock) -> None:
    token = cj_token(sandbox)["data"]["accessToken"]
    clock.now += 16 * 86400
    assert cj(sandbox, "GET", "/shopping/order/getOrderDetail", "CJ2604221009", token)["code"] == 1600001


def test_cj_deletes_an_unpaid_order_and_refuses_a_paid_one(sandbox: Sandbox) -> None:
    token = cj_token(sandbox)["data"]["accessToken"]
    deleted = cj(sandbox, "DELETE", "/shopping/order/deleteOrder", "CJ2604221009", token)
    assert deleted["result"] is True and deleted["data"] == "CJ2604221009"
    detail = cj(sandbox, "GET", "/shopping/order/getOrderDetail", "CJ2604221009", token)["data"]
    assert detail["orderStatus"] == "CANCELLED"
    refused = cj(sandbox, "DELETE", "/shopping/order/deleteOrder", "CJ2604191010", token)
    assert refused["result"] is False and "UNSHIPPED" in refused["message"]
    again = cj(sandbox, "DELETE", "/shopping/order/deleteOrder", "CJ2604221009", token)
    assert again["result"] is False


def test_cj_says_when_an_order_does_not_exist(sandbox: Sandbox) -> None:
    token = cj_token(sandbox)["data"]["accessToken"]
    body = cj(sandbox, "GET", "/shopping/order/getOrderDetail", "CJ0000", token)
    assert body["code"] == 1600300 and body["result"] is False
