"""Faults on demand, the transport's routing, and the sandbox's life cycle (reset, sessions, persistence)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions.sandbox import SANDBOX_SHOP, SANDBOX_TOKEN, FaultSpecError, Sandbox, order_gid, parse_faults
from actions.settings import load_settings

URL = f"https://{SANDBOX_SHOP}/admin/api/2026-04/graphql.json"
AUTH = {"X-Shopify-Access-Token": SANDBOX_TOKEN}
CJ = "https://developers.cjdropshipping.com/api2.0/v1"
READ = {"query": '{ order(id: "gid://shopify/Order/5500000001001") { id cancelledAt } }'}
FO_CANCEL = {
    "query": "mutation($id: ID!) { fulfillmentOrderCancel(id: $id) { fulfillmentOrder { status } "
    "userErrors { message } } }",
    "variables": {"id": "gid://shopify/FulfillmentOrder/6500000010091"},
}


class Sleeps(list[float]):
    """An injected sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def shopify(sandbox: Sandbox, body: dict[str, Any]) -> httpx.Response:
    with sandbox.client() as http:
        return http.post(URL, json=body, headers=AUTH)


def fo_status(sandbox: Sandbox) -> str:
    return sandbox.snapshot()["orders"]["5500000001009"]["fulfillment_orders"][0]["status"]  # type: ignore[index]


def cj_token(sandbox: Sandbox) -> str:
    with sandbox.client() as http:
        return http.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": "CJ-sandbox-key"}).json()["data"][
            "accessToken"
        ]


# --- the spec ----------------------------------------------------------------------------------------


def test_a_fault_spec_reads_system_kind_fault_and_count() -> None:
    rules = parse_faults("shopify:throttled@2, aliexpress.read:5xx, cjdropshipping.write:timeout_after@1, *:slow=750")
    assert [(r.system, r.only, r.fault, r.count) for r in rules] == [
        ("shopify", None, "throttled", 2),
        ("aliexpress", "read", "5xx", None),
        ("cj", "write", "timeout_after", 1),
        ("*", None, "slow", None),
    ]
    assert rules[3].delay_ms == 750


@pytest.mark.parametrize("spec", ["shopify", "shopify:explode", "ebay:5xx", "shopify.delete:5xx"])
def test_a_bad_fault_spec_is_refused_with_the_rule_named(spec: str) -> None:
    with pytest.raises(FaultSpecError, match="fault rule"):
        parse_faults(spec)


def test_a_bad_spec_leaves_the_previous_faults_in_place() -> None:
    sandbox = Sandbox(faults="shopify:5xx")
    with pytest.raises(FaultSpecError):
        sandbox.set_faults("shopify:nonsense")
    assert sandbox.faults == "shopify:5xx"


# --- each fault ----------------------------------------------------------------------------------------


def test_a_counted_fault_hits_only_the_next_matching_requests() -> None:
    sandbox = Sandbox(faults="shopify:throttled@2")
    codes = [shopify(sandbox, READ).json().get("errors", [{}])[0].get("extensions", {}).get("code") for _ in range(3)]
    assert codes == ["THROTTLED", "THROTTLED", None]
    assert [r.fault for r in sandbox.requests] == ["throttled", "throttled", None]


def test_throttled_has_shopifys_shape_with_the_bucket_state() -> None:
    body = shopify(Sandbox(faults="shopify:throttled"), READ).json()
    cost = body["extensions"]["cost"]
    assert "data" not in body
    assert cost["actualQueryCost"] is None and cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"]


def test_throttled429_answers_429_with_retry_after() -> None:
    response = shopify(Sandbox(faults="shopify:throttled429"), READ)
    assert response.status_code == 429 and float(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(("fault", "status"), [("5xx", 503), ("401", 401), ("403", 403)])
def test_status_faults_answer_with_that_status(fault: str, status: int) -> None:
    assert shopify(Sandbox(faults=f"shopify:{fault}"), READ).status_code == status


def test_a_malformed_body_is_not_json() -> None:
    response = shopify(Sandbox(faults="shopify:malformed"), READ)
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_a_supplier_5xx_carries_the_service_unavailable_envelope() -> None:
    sandbox = Sandbox(faults="aliexpress:5xx")
    with sandbox.client() as http:
        response = http.post("https://api-sg.aliexpress.com/sync", data={"method": "aliexpress.trade.ds.order.get"})
    assert response.status_code == 503
    assert response.json()["error_response"]["sub_code"] == "isp.service-unavailable"


def test_a_cj_fault_uses_cjs_envelope() -> None:
    sandbox = Sandbox(faults="cj:throttled")
    with sandbox.client() as http:
        body = http.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": "CJ-sandbox-key"}).json()
    assert body["result"] is False and body["code"] == 1600200


def test_a_timeout_before_the_world_changes_nothing() -> None:
    sandbox = Sandbox(faults="shopify.write:timeout")
    with pytest.raises(httpx.ReadTimeout):
        shopify(sandbox, FO_CANCEL)
    assert fo_status(sandbox) == "IN_PROGRESS"
    assert shopify(sandbox, READ).status_code == 200  # reads are not hit by a write rule


def test_a_timeout_after_the_write_applies_it_and_still_times_out() -> None:
    sandbox = Sandbox(faults="shopify.write:timeout_after@1")
    with pytest.raises(httpx.ReadTimeout):
        shopify(sandbox, FO_CANCEL)
    assert fo_status(sandbox) == "CLOSED"


def test_a_cj_delete_that_times_out_after_being_applied_is_applied() -> None:
    sandbox = Sandbox(faults="cj.write:timeout_after")
    token = cj_token(sandbox)
    with sandbox.client() as http, pytest.raises(httpx.ReadTimeout):
        http.delete(f"{CJ}/shopping/order/deleteOrder", params={"orderId": "CJ2604221009"},
                    headers={"CJ-Access-Token": token})
    assert sandbox.snapshot()["cj"]["orders"]["CJ2604221009"]["order_status"] == "CANCELLED"  # type: ignore[index]


def test_slow_and_latency_wait_through_the_injected_sleep() -> None:
    sleeps = Sleeps()
    sandbox = Sandbox(faults="shopify:slow=1500@1", latency=0.05, sleep=sleeps)
    assert shopify(sandbox, READ).status_code == 200
    assert shopify(sandbox, READ).status_code == 200
    assert sleeps == [0.05, 1.5, 0.05]


def test_faults_come_from_settings_and_can_be_replaced() -> None:
    settings = load_settings(env={"CANCEL_ASSIST_SANDBOX_FAULTS": "shopify:5xx"})
    sandbox = Sandbox.from_settings(settings)
    assert shopify(sandbox, READ).status_code == 503
    sandbox.set_faults("")
    assert shopify(sandbox, READ).status_code == 200
    assert sandbox.settings.sandbox_faults == ""


# --- transport ----------------------------------------------------------------------------------------


def test_another_host_is_never_reached() -> None:
    with Sandbox().client() as http, pytest.raises(httpx.ConnectError, match="no such host"):
        http.get("https://example.com/")


def test_the_request_log_says_system_operation_and_write() -> None:
    sandbox = Sandbox()
    shopify(sandbox, {"query": "query Look { shop { name } }"})
    shopify(sandbox, FO_CANCEL)
    cj_token(sandbox)
    assert [(r.system, r.operation, r.is_write) for r in sandbox.requests] == [
        ("shopify", "Look", False),
        ("shopify", "fulfillmentOrderCancel", True),
        ("cj", "/authentication/getAccessToken", False),
    ]


def test_concurrent_requests_from_threads_are_all_answered_and_logged() -> None:
    sandbox = Sandbox()
    results: list[int] = []
    lock = threading.Lock()

    def read() -> None:
        with sandbox.client() as http:
            for _ in range(5):
                status = http.post(URL, json=READ, headers=AUTH).status_code
                with lock:
                    results.append(status)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 40
    assert len(sandbox.requests) == 40


# --- life cycle ----------------------------------------------------------------------------------------


def test_reset_restores_the_seed() -> None:
    sandbox = Sandbox()
    shopify(sandbox, FO_CANCEL)
    sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631001")
    sandbox.reset()
    assert fo_status(sandbox) == "IN_PROGRESS"
    assert sandbox.snapshot()["aliexpress"]["3041872215631001"]["order_status"] == "WAIT_SELLER_SEND_GOODS"  # type: ignore[index]


def test_two_sandboxes_do_not_share_state() -> None:
    mine, yours = Sandbox(), Sandbox()
    shopify(mine, FO_CANCEL)
    assert (fo_status(mine), fo_status(yours)) == ("CLOSED", "IN_PROGRESS")


def test_a_persisted_sandbox_survives_a_restart_and_reset_is_saved_too(tmp_path: Path) -> None:
    path = tmp_path / "sandbox" / "session.json"
    first = Sandbox(persist_path=path)
    shopify(first, FO_CANCEL)
    assert fo_status(Sandbox(persist_path=path)) == "CLOSED"
    first.reset()
    assert fo_status(Sandbox(persist_path=path)) == "IN_PROGRESS"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".sandbox-")]  # no temp files left


def test_a_corrupt_save_starts_from_the_seed(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text("{not json", encoding="utf-8")
    assert fo_status(Sandbox(persist_path=path)) == "IN_PROGRESS"


def test_from_settings_persists_per_session_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path), "CANCEL_ASSIST_SANDBOX_PERSIST": "1"})
    sandbox = Sandbox.from_settings(settings, session_id="alice")
    shopify(sandbox, FO_CANCEL)
    assert (tmp_path / "sandbox" / "alice.json").exists()
    assert fo_status(Sandbox.from_settings(settings, session_id="bob")) == "IN_PROGRESS"
    assert sandbox.settings.mode == "sandbox" and sandbox.settings.data_dir == tmp_path
    with pytest.raises(ValueError):
        Sandbox.from_settings(settings, session_id="../escape")


def test_the_sandbox_settings_hold_the_sandbox_credentials() -> None:
    settings = Sandbox().settings
    assert settings.mode == "sandbox"
    assert settings.shopify is not None and settings.shopify.shop == SANDBOX_SHOP
    assert settings.shopify.access_token.get_secret_value() == SANDBOX_TOKEN
    assert settings.aliexpress is not None and settings.aliexpress.app_key == "sandbox-app"
    assert settings.cjdropshipping is not None
    assert order_gid(1001) == "gid://shopify/Order/5500000001001"
