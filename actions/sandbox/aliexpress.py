"""Simulated AliExpress Open Platform `/sync` gateway for `aliexpress.trade.ds.order.get`.

Params arrive as a form body or a query string, as the official SDK sends them. The sandbox
checks the app key, the user token (`session`) and the HMAC-SHA256 signature, then answers with
the real non-simplified envelope (`aeop_*` wrappers) or the gateway's `error_response`.
"""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx

from actions.aliexpress import sign  # the gateway checks with the one algorithm, tested on the official vector
from actions.sandbox.world import World

__all__ = [
    "SANDBOX_APP_KEY",
    "SANDBOX_APP_SECRET",
    "SANDBOX_SESSION",
    "AliExpressSimulator",
    "error_body",
]

SANDBOX_APP_KEY = "sandbox-app"
SANDBOX_APP_SECRET = "sandbox-secret"
SANDBOX_SESSION = "sandbox-session"
_ORDER_GET = "aliexpress.trade.ds.order.get"


def error_body(code: str, msg: str, *, type_: str = "ISV", sub_code: str | None = None, sub_msg: str | None = None,
               request_id: str | None = None) -> dict[str, Any]:
    """The gateway's `error_response` envelope."""
    error: dict[str, Any] = {"type": type_, "code": code, "msg": msg, "request_id": request_id or _request_id()}
    if sub_code:
        error["sub_code"] = sub_code
        error["sub_msg"] = sub_msg or ""
    return {"error_response": error}


class AliExpressSimulator:
    """Answers `/sync` for the sandbox app; reads orders from the world."""

    def __init__(self, world: World, *, app_key: str = SANDBOX_APP_KEY, app_secret: str = SANDBOX_APP_SECRET,
                 session: str = SANDBOX_SESSION) -> None:
        self._world = world
        self._app_key = app_key
        self._secret = app_secret
        self._session = session

    def classify(self, request: httpx.Request) -> tuple[str, bool]:
        """(operation, is_write): every DS API the sandbox knows is a read."""
        params = _params(request)
        return params.get("method") or request.url.path, False

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/") != "/sync":
            return _respond(404, {"error_response": {"type": "ISV", "code": "InvalidApiPath",
                                                     "msg": "The specified API path is invalid",
                                                     "request_id": _request_id()}})
        params = _params(request)
        missing = [k for k in ("app_key", "method", "sign", "sign_method", "timestamp") if not params.get(k)]
        if missing:
            return _respond(200, error_body("MissingParameter", f"The input parameter \"{missing[0]}\" that is "
                                            "mandatory for processing this request is not supplied."))
        if params["app_key"] != self._app_key:
            return _respond(200, error_body("InvalidAppKey", "The specified app key is invalid"))
        if params["sign_method"].lower() != "sha256":
            return _respond(200, error_body("InvalidSignMethod", "The specified signature method is not supported"))
        expected = sign(self._secret, params["method"], {k: v for k, v in params.items() if k != "sign"})
        if not hmac.compare_digest(expected, params["sign"].upper()):
            return _respond(200, error_body("IncompleteSignature",
                                            "The request signature does not conform to platform standards"))
        if params.get("session", params.get("access_token")) != self._session:
            return _respond(200, error_body("IllegalAccessToken", "The specified access token is invalid or expired"))
        if params["method"] != _ORDER_GET:
            return _respond(200, error_body("InvalidApi", "The specified API name is invalid or not granted"))
        try:
            query = json.loads(params.get("single_order_query") or "")
            order_id = str(int(query["order_id"]))
        except (ValueError, KeyError, TypeError):
            return _respond(200, error_body("15", "Remote service error", sub_code="isv.parameter-invalid",
                                            sub_msg="single_order_query must be {\"order_id\": <number>}"))
        self._world.tick()
        with self._world.lock:
            order = self._world.aliexpress_order(order_id)
            if order is None:
                return _respond(200, error_body("15", "Remote service error", sub_code="isv.invalid-authorization",
                                                sub_msg="The order does not exist or does not belong to this user"))
            self._world.first_look(order)
            result = _result(order)
        request_id = _request_id()
        simplify = params.get("simplify", "false").lower() == "true"
        payload = {"result": _simplified(result) if simplify else result, "request_id": request_id}
        return _respond(200, {"aliexpress_trade_ds_order_get_response": payload, "code": "0",
                              "request_id": request_id})


def _params(request: httpx.Request) -> dict[str, str]:
    params = dict(request.url.params)
    content_type = request.headers.get("Content-Type", "")
    if request.content and "application/x-www-form-urlencoded" in content_type:
        params.update(parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def _money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency_code": currency}


def _result(order: Mapping[str, Any]) -> dict[str, Any]:
    currency = order["currency"]
    children = [
        {
            "product_id": item["product_id"],
            "sku_id": item["sku_id"],
            "product_name": item["name"],
            "product_count": item["count"],
            "product_price": _money(item["price"], currency),
            "sale_fee": _money(item["price"], currency),
            "sale_discount_fee": _money("0.00", currency),
            "shipping_fee": _money("0.00", currency),
            "shipping_discount_fee": _money("0.00", currency),
            "actual_shipping_fee": _money("0.00", currency),
            "actual_tax_fee": _money("0.00", currency),
            "actual_fee": _money(item["price"], currency),
            "already_include_tax": "false",
            "end_reason": order["end_reason"] or "",
        }
        for item in order["items"]
    ]
    result: dict[str, Any] = {
        "gmt_create": order["gmt_create"],
        "order_status": order["order_status"],
        "logistics_status": order["logistics_status"],
        "pay_timeout_second": "86400",
        "order_amount": _money(order["amount"], currency),
        "user_order_amount": _money(order["amount"], currency),
        "store_info": dict(order["store"]),
        "child_order_list": {"aeop_child_order_info": children},
        "logistics_info_list": {"aeop_order_logistics_info": [dict(t) for t in order["tracking"]]},
    }
    if order.get("paid_at"):
        result["order_paidtime_string"] = order["paid_at"]
    return result


def _simplified(result: dict[str, Any]) -> dict[str, Any]:
    flat = dict(result)
    flat["child_order_list"] = result["child_order_list"]["aeop_child_order_info"]
    flat["logistics_info_list"] = result["logistics_info_list"]["aeop_order_logistics_info"]
    return flat


def _request_id() -> str:
    return uuid.uuid4().hex[:22]


def _respond(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
