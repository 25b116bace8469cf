"""Simulated CJ Dropshipping API 2.0: tokens, getOrderDetail and deleteOrder (cancel before payment).

Every answer uses CJ's envelope `{"code", "result", "message", "data", "requestId"}`; business
errors come with HTTP 200 and `result: false`, as CJ sends them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from actions.sandbox.world import World, cj_time

__all__ = ["SANDBOX_CJ_API_KEY", "CJSimulator", "envelope"]

SANDBOX_CJ_API_KEY = "CJ-sandbox-key"
_PREFIX = "/api2.0/v1"
CODE_INVALID_TOKEN = 1600001
CODE_PARAM = 1600100
CODE_TOO_MANY = 1600200
CODE_NOT_FOUND = 1600300
CODE_USER = 1601000


def _api_path(request: httpx.Request) -> str | None:
    """The path under CJ's API root (`/shopping/...`), or None for a path outside it."""
    path = request.url.path
    return path.removeprefix(_PREFIX) if path.startswith(_PREFIX + "/") else None


def envelope(code: int, message: str, data: Any = None) -> dict[str, Any]:
    """CJ's response envelope."""
    return {"code": code, "result": code == 200, "message": message, "data": data, "requestId": str(uuid.uuid4())}


class CJSimulator:
    """Answers `https://developers.cjdropshipping.com/api2.0/v1/...` for the sandbox key."""

    def __init__(self, world: World, *, api_key: str = SANDBOX_CJ_API_KEY) -> None:
        self._world = world
        self._api_key = api_key

    def classify(self, request: httpx.Request) -> tuple[str, bool]:
        path = _api_path(request)
        return path or request.url.path, path == "/shopping/order/deleteOrder"

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = _api_path(request)
        if path is None:  # outside /api2.0/v1 CJ serves no API, so a base URL without it must fail here too
            return _respond(404, envelope(404, "Not Found"))
        routes = {
            ("POST", "/authentication/getAccessToken"): self._get_token,
            ("POST", "/authentication/refreshAccessToken"): self._refresh_token,
            ("GET", "/shopping/order/getOrderDetail"): self._order_detail,
            ("DELETE", "/shopping/order/deleteOrder"): self._delete_order,
        }
        route = routes.get((request.method, path))
        if route is None:
            known = {p for _, p in routes}
            if path in known:
                return _respond(405, envelope(405, "Request method not supported"))
            return _respond(404, envelope(404, "Not Found"))
        if not path.startswith("/authentication/") and not self._world.cj_token_valid(
            request.headers.get("CJ-Access-Token")
        ):
            return _respond(200, envelope(CODE_INVALID_TOKEN, "Invalid API key or access token"))
        self._world.tick()
        return route(request)

    def _get_token(self, request: httpx.Request) -> httpx.Response:
        body = _json_body(request)
        token = self._world.cj_issue_token(body.get("apiKey") == self._api_key)
        if token is None:
            return _respond(200, envelope(CODE_USER, "User not find"))
        return _respond(200, envelope(200, "Success", _token_data(token)))

    def _refresh_token(self, request: httpx.Request) -> httpx.Response:
        token = self._world.cj_refresh(str(_json_body(request).get("refreshToken") or ""))
        if token is None:
            return _respond(200, envelope(CODE_INVALID_TOKEN, "Invalid refresh token"))
        return _respond(200, envelope(200, "Success", _token_data(token)))

    def _order_detail(self, request: httpx.Request) -> httpx.Response:
        order_id = request.url.params.get("orderId", "").strip()
        if not order_id:
            return _respond(200, envelope(CODE_NOT_FOUND, "orderId is empty"))
        with self._world.lock:
            order = self._world.cj_order(order_id)
            if order is None:
                return _respond(200, envelope(CODE_NOT_FOUND, "Order not found"))
            return _respond(200, envelope(200, "Success", _detail(order)))

    def _delete_order(self, request: httpx.Request) -> httpx.Response:
        order_id = request.url.params.get("orderId", "").strip()
        if not order_id:
            return _respond(200, envelope(CODE_PARAM, "orderId is empty"))
        problem = self._world.cj_delete(order_id)
        if problem == "Order not found":
            return _respond(200, envelope(CODE_NOT_FOUND, problem))
        if problem:
            return _respond(200, envelope(CODE_PARAM, problem))
        return _respond(200, envelope(200, "Success", order_id))


def _token_data(token: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "openId": token["open_id"],
        "accessToken": token["access_token"],
        "accessTokenExpiryDate": cj_time(token["expires"]),
        "refreshToken": token["refresh_token"],
        "refreshTokenExpiryDate": cj_time(token["refresh_expires"]),
        "createDate": cj_time(token["created"]),
    }


def _detail(order: Mapping[str, Any]) -> dict[str, Any]:
    tracking = order.get("track_number")
    return {
        "orderId": order["order_id"],
        "orderNum": order["order_num"],
        "cjOrderId": order["cj_order_id"],
        "shippingCountryCode": order["country"],
        "orderStatus": order["order_status"],
        "orderAmount": float(order["amount"]),
        "productAmount": float(order["product_amount"]),
        "postageAmount": float(order["postage"]),
        "logisticName": order["logistic_name"],
        "trackNumber": tracking,
        "trackingUrl": f"https://www.cjpacket.com/?trackingNumber={tracking}" if tracking else None,
        "createDate": order["created"],
        "paymentDate": order["paid"],
        "outWarehouseTime": order["out_warehouse_time"],
        "disputeId": None,
        "isComplete": order["order_status"] in ("DELIVERED", "CANCELLED"),
        "productList": [
            {"vid": p["vid"], "productName": p["name"], "quantity": p["quantity"], "sellPrice": float(p["sell_price"])}
            for p in order["products"]
        ],
    }


def _json_body(request: httpx.Request) -> dict[str, Any]:
    try:
        body = json.loads(request.content or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _respond(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
