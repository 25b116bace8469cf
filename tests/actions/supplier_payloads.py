"""Realistic supplier responses, shaped like the AliExpress DS and CJ API 2.0 documentation shows them."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

import httpx

__all__ = [
    "AE_STATUSES",
    "CJ_STATUSES",
    "Recorder",
    "ae_error",
    "ae_order",
    "ae_success",
    "cj_error",
    "cj_ok",
    "cj_order_detail",
    "cj_token",
    "form_of",
    "iop_sign",
    "json_response",
]

# Every order_status of the DS doc and the legacy doc (reference §1.4), and every CJ orderStatus (§2).
AE_STATUSES = (
    "PLACE_ORDER_SUCCESS", "PAYMENT_PROCESSING", "WAIT_SELLER_EXAMINE_MONEY", "RISK_CONTROL", "RISK_CONTROL_HOLD",
    "WAIT_SELLER_SEND_GOODS", "SELLER_PART_SEND_GOODS", "WAIT_BUYER_ACCEPT_GOODS", "FINISH", "IN_CANCEL",
    "WAIT_GROUP", "WAIT_COMPLETE_ADDRESS", "FUND_PROCESSING", "IN_ISSUE", "IN_FROZEN",
)
CJ_STATUSES = ("CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED", "CANCELLED", "OTHER")


def iop_sign(secret: str, params: Mapping[str, str]) -> str:
    """The server's side of the /sync signature, written out independently of the client."""
    message = "".join(k + params[k] for k in sorted(params) if k != "sign")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


def form_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def ae_order(
    order_status: str,
    *,
    end_reason: str | None = None,
    logistics_status: str = "WAIT_SELLER_SEND_GOODS",
    amount: str = "26.80",
    currency: str = "USD",
    tracking: Sequence[str] = (),
    simplified: bool = False,
) -> dict[str, Any]:
    """The `result` of aliexpress.trade.ds.order.get (non-simplified `aeop_*` wrappers unless `simplified`)."""
    child = {
        "product_id": 1005006123456789, "sku_id": "12000036123456789", "product_name": "Wireless earbuds",
        "product_count": 1, "product_price": {"amount": amount, "currency_code": currency},
        "actual_fee": {"amount": amount, "currency_code": currency}, "already_include_tax": "false",
    }
    if end_reason is not None:
        child["end_reason"] = end_reason
    parcels = [{"logistics_no": no, "logistics_service": "CAINIAO_STANDARD"} for no in tracking]
    result: dict[str, Any] = {
        "gmt_create": "2026-04-21 10:12:03",
        "order_status": order_status,
        "logistics_status": logistics_status,
        "pay_timeout_second": 86400,
        "order_amount": {"amount": amount, "currency_code": currency},
        "user_order_amount": {"amount": amount, "currency_code": currency},
        "store_info": {"store_id": 912345, "store_name": "Sound Store", "store_url": "https://www.aliexpress.com/store/912345"},
        "child_order_list": [child] if simplified else {"aeop_child_order_info": [child]},
        "logistics_info_list": parcels if simplified else {"aeop_order_logistics_info": parcels},
    }
    return result


def ae_success(result: dict[str, Any] | None, *, request_id: str = "2101d1a617459000000001234", simplified: bool = False) -> dict[str, Any]:
    if simplified:
        return {"code": "0", "result": result, "request_id": request_id}
    return {"aliexpress_trade_ds_order_get_response": {"result": result, "request_id": request_id}}


def ae_error(
    sub_code: str | None,
    *,
    code: str = "15",
    type_: str = "ISP",
    msg: str = "Remote service error",
    sub_msg: str = "",
    request_id: str = "210126da17406391015547789",
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "type": type_, "msg": msg, "request_id": request_id}
    if sub_code is not None:
        error["sub_code"] = sub_code
        error["sub_msg"] = sub_msg or sub_code
    return {"error_response": error}


def cj_ok(data: Any, *, request_id: str = "9c1f0e7a-8d55-4f8f-bb0e-7d3a8c2b1a00") -> dict[str, Any]:
    return {"code": 200, "result": True, "message": "Success", "data": data, "requestId": request_id}


def cj_error(code: int, message: str, *, request_id: str = "5d7e9a31-2b0c-4d14-9a7e-000000000001") -> dict[str, Any]:
    return {"code": code, "result": False, "message": message, "data": None, "requestId": request_id}


def cj_token(access: str, *, expires: str = "2026-05-09T10:00:00+08:00", refresh: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "openId": 1234567890123, "accessToken": access, "accessTokenExpiryDate": expires,
        "createDate": "2026-04-24T10:00:00+08:00",
    }
    if refresh is not None:
        data["refreshToken"] = refresh
        data["refreshTokenExpiryDate"] = "2026-10-21T10:00:00+08:00"
    return cj_ok(data)


def cj_order_detail(order_id: str, status: str, *, amount: float | str = 14.62, track: str | None = None) -> dict[str, Any]:
    return {
        "orderId": order_id, "orderNum": "1001", "cjOrderId": f"CJPKL{order_id[-10:]}", "orderStatus": status,
        "orderAmount": amount, "logisticName": "CJPacket Ordinary", "trackNumber": track,
        "trackingUrl": f"https://cjpacket.com/?trackingNumber={track}" if track else None,
        "createDate": "2026-04-22 22:25:10", "paymentDate": None, "outWarehouseTime": None, "disputeId": None,
        "isComplete": False, "productList": [{"vid": "92511400-C758-4A43-9B48-C1E7A0D37B9A", "quantity": 1}],
    }


class Recorder:
    """A MockTransport handler that answers from `route` and keeps every request it saw."""

    def __init__(self, route: Callable[[httpx.Request], httpx.Response | Exception]) -> None:
        self.route = route
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.route(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path.rsplit('/', 1)[-1]}" for r in self.requests]


def json_response(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"content-type": "application/json"})
