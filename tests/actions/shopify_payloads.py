"""Realistic Shopify Admin GraphQL responses, and a scripted shop behind httpx.MockTransport.

The builders return what Shopify returns (`nodes` connections, `shopMoney` bags, string ids
and amounts, `extensions.cost`), so the tests exercise the real translation. `FakeShopify`
answers requests in the order scripted and checks every request on the way in: the URL,
the token header, and that the document sent is one of the registry's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx

from actions.settings import ShopifySettings
from actions.shopify import ShopifyClient
from actions.shopify_documents import DOCUMENTS

__all__ = [
    "CONNECTION_SCOPES",
    "FO_GID",
    "ORDER_GID",
    "SHOP",
    "TOKEN",
    "FakeShopify",
    "cancel_payload",
    "connection_data",
    "fulfillment",
    "fulfillment_order",
    "graphql",
    "job_data",
    "line_item",
    "make_client",
    "money",
    "order_node",
    "orders_data",
    "revert_payload",
    "settings",
    "status",
    "throttled",
]

SHOP = "cancel-assist-demo.myshopify.com"
TOKEN = "shpat_0123456789abcdef0123456789abcdef"
# Write scopes only: each implies its read scope.
CONNECTION_SCOPES = ("write_orders", "write_merchant_managed_fulfillment_orders", "write_third_party_fulfillment_orders")
ORDER_GID = "gid://shopify/Order/5500000001001"
FO_GID = "gid://shopify/FulfillmentOrder/6600000001001"


def settings(**overrides: Any) -> ShopifySettings:
    values: dict[str, Any] = {"shop": SHOP, "access_token": TOKEN}
    values.update(overrides)
    return ShopifySettings(**values)


def money(amount: str, currency: str = "USD") -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


def line_item(n: int = 1, *, title: str = "Wireless earbuds", quantity: int = 1, price: str = "39.99",
              sku: str | None = "EAR-01", restockable: bool = True) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/LineItem/77000000{n:05d}",
        "title": title,
        "quantity": quantity,
        "currentQuantity": quantity,
        "sku": sku,
        "restockable": restockable,
        "originalUnitPriceSet": money(price),
    }


def fulfillment_order(
    n: int = 1001,
    *,
    status: str = "OPEN",
    request_status: str = "UNSUBMITTED",
    actions: Iterable[str] = ("CREATE_FULFILLMENT", "REQUEST_FULFILLMENT", "HOLD", "MOVE"),
    location: str | None = "DSers fulfillment",
    holds: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/FulfillmentOrder/660000000{n}",
        "status": status,
        "requestStatus": request_status,
        "assignedLocation": {"name": location},
        "supportedActions": [{"action": a} for a in actions],
        "fulfillmentHolds": [{"id": hold_id, "reason": reason} for hold_id, reason in holds],
    }


def fulfillment(n: int = 1, *, status: str = "SUCCESS", display: str | None = "IN_TRANSIT",
                tracking: tuple[str, str] | None = ("LP00123456789CN", "Cainiao")) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/Fulfillment/88000000{n:05d}",
        "status": status,
        "displayStatus": display,
        "trackingInfo": [{"number": tracking[0], "company": tracking[1]}] if tracking else [],
    }


def order_node(
    number: int = 1001,
    *,
    legacy_id: int = 5500000001001,
    cancelled_at: str | None = None,
    cancel_reason: str | None = None,
    financial: str | None = "PAID",
    fulfillment_status: str = "UNFULFILLED",
    fulfillment_orders: Iterable[dict[str, Any]] | None = None,
    fulfillments: Iterable[dict[str, Any]] = (),
    customer: str | None = "Ada Lovelace",
    email: str | None = "ada@example.com",
    metafield: str | None = None,
    attributes: Iterable[tuple[str, str]] = (),
    line_items: Iterable[dict[str, Any]] | None = None,
    total: str = "39.99",
    received: str = "39.99",
    more_fulfillment_orders: bool = False,
) -> dict[str, Any]:
    fos = list(fulfillment_orders) if fulfillment_orders is not None else [fulfillment_order(number)]
    return {
        "id": f"gid://shopify/Order/{legacy_id}",
        "name": f"#{number}",
        "legacyResourceId": str(legacy_id),
        "createdAt": "2026-05-02T09:14:03Z",
        "cancelledAt": cancelled_at,
        "cancelReason": cancel_reason,
        "closed": False,
        "displayFinancialStatus": financial,
        "displayFulfillmentStatus": fulfillment_status,
        "returnStatus": "NO_RETURN",
        "email": email,
        "paymentGatewayNames": ["shopify_payments"],
        "customer": {"displayName": customer} if customer else None,
        "totalPriceSet": money(total),
        "totalReceivedSet": money(received),
        "lineItems": {"nodes": list(line_items) if line_items is not None else [line_item()]},
        "fulfillments": list(fulfillments),
        "fulfillmentOrders": {
            "nodes": fos,
            "pageInfo": {"hasNextPage": more_fulfillment_orders,
                         "endCursor": "eyJsYXN0X2lkIjo2NjAwMDAwMDAxMDAxfQ==" if fos else None},
        },
        "metafield": {"value": metafield} if metafield is not None else None,
        "customAttributes": [{"key": k, "value": v} for k, v in attributes],
    }


def orders_data(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"orders": {"nodes": list(nodes)}}


def job_data(job_id: str = "gid://shopify/Job/0f4b7c1e-2b8d-4a57-9d1e-6f1b2c3d4e5f", done: bool = True) -> dict[str, Any]:
    return {"job": {"id": job_id, "done": done}}


def cancel_payload(*, job_done: bool = False, errors: Iterable[tuple[str | None, str]] = (),
                   job_id: str = "gid://shopify/Job/0f4b7c1e-2b8d-4a57-9d1e-6f1b2c3d4e5f") -> dict[str, Any]:
    errors = list(errors)
    return {
        "orderCancel": {
            "job": None if errors else {"id": job_id, "done": job_done},
            "orderCancelUserErrors": [
                {"field": ["orderId"], "message": message, "code": code} for code, message in errors
            ],
        }
    }


def revert_payload(mutation: str, *, fo_id: str = FO_GID, status: str = "CLOSED",
                   request_status: str = "CANCELLATION_ACCEPTED", replacement: str | None = None,
                   errors: Iterable[tuple[str | None, str]] = ()) -> dict[str, Any]:
    errors = list(errors)
    payload: dict[str, Any] = {
        "fulfillmentOrder": None if errors else {"id": fo_id, "status": status, "requestStatus": request_status},
        "userErrors": [
            {"field": ["id"], "message": message, **({"code": code} if code else {})} for code, message in errors
        ],
    }
    if mutation == "fulfillmentOrderCancel":
        payload["replacementFulfillmentOrder"] = (
            {"id": replacement, "status": "OPEN", "requestStatus": "UNSUBMITTED"} if replacement else None
        )
    return {mutation: payload}


def connection_data(scopes: Iterable[str], *, name: str = "Cancel Assist Demo") -> dict[str, Any]:
    return {
        "shop": {"name": name, "myshopifyDomain": SHOP},
        "currentAppInstallation": {"accessScopes": [{"handle": s} for s in scopes]},
    }


def _cost(requested: float = 12, available: float = 1988.0, restore: float = 100.0) -> dict[str, Any]:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": requested,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": restore},
    }


def graphql(data: Mapping[str, Any], *, request_id: str = "a1b2c3d4-0000-4000-8000-000000000001",
            errors: list[dict[str, Any]] | None = None) -> httpx.Response:
    """A 200 answer in Shopify's shape, with its cost extension and request id."""
    body: dict[str, Any] = {"data": dict(data), "extensions": {"cost": _cost()}}
    if errors:
        body["errors"] = errors
    return httpx.Response(200, json=body, headers={"X-Request-Id": request_id})


def throttled(*, http_status: int = 200, requested: float = 752, available: float = 666,
              restore: float = 50.0, request_id: str = "thr-0001") -> httpx.Response:
    """Shopify's THROTTLED answer (HTTP 200 in practice, 429 in some reports)."""
    body = {
        "errors": [{"message": "Throttled", "extensions": {
            "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
        "extensions": {"cost": {
            "requestedQueryCost": requested, "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": available, "restoreRate": restore},
        }},
    }
    return httpx.Response(http_status, json=body, headers={"X-Request-Id": request_id})


def status(code: int, *, request_id: str = "req-err-0001", text: str = "") -> httpx.Response:
    """A plain HTTP error, as Shopify's edge returns it."""
    body = text or json.dumps({"errors": f"[API] HTTP {code}"})
    return httpx.Response(code, text=body, headers={"X-Request-Id": request_id})


Scripted = httpx.Response | Exception | Callable[[httpx.Request, dict[str, Any]], httpx.Response]


class FakeShopify:
    """Answers each request with the next scripted item; records what was sent."""

    def __init__(self, *script: Scripted) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == f"https://{SHOP}/admin/api/2026-04/graphql.json"
        assert request.method == "POST"
        assert request.headers["X-Shopify-Access-Token"] == TOKEN
        assert request.headers["Content-Type"] == "application/json"
        body = json.loads(request.content)
        document = DOCUMENTS.get(body["operationName"])
        assert document is not None and body["query"] == document.text, "an unregistered GraphQL document was sent"
        self.requests.append(body)
        assert self.script, f"unexpected extra request {body['operationName']}"
        item = self.script.pop(0)
        if isinstance(item, Exception):
            if isinstance(item, httpx.RequestError):
                item.request = request
            raise item
        if callable(item):
            return item(request, body)
        return item

    @property
    def operations(self) -> list[str]:
        return [b["operationName"] for b in self.requests]

    def variables(self, index: int = -1) -> dict[str, Any]:
        return self.requests[index]["variables"]


def make_client(fake: FakeShopify, **kwargs: Any) -> ShopifyClient:
    http = httpx.Client(transport=httpx.MockTransport(fake))
    kwargs.setdefault("sleep", fake.sleeps.append)
    return ShopifyClient(http, kwargs.pop("settings", None) or settings(), **kwargs)
