"""Simulated Shopify Admin GraphQL endpoint: executes the incoming document against the schema.

Documents are parsed and validated with graphql-core against the vendored 2026-04 schema, so a
field or argument Shopify does not have gets Shopify's error shape, never a silent answer.
Resolvers read the world's data through small camelCase views; a schema field the sandbox does
not simulate is a GraphQL error naming it (so "serve more fields" is a visible, two-sided change).
Every response carries `extensions.cost` from a leaky bucket driven by the injected clock.
"""

from __future__ import annotations

import base64
import gc
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import httpx
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    build_schema,
    execute,
    get_named_type,
    is_leaf_type,
    is_list_type,
    parse,
    validate,
)
from graphql.language.ast import DocumentNode

from actions.sandbox.seed import SANDBOX_ACCESS_SCOPES
from actions.sandbox.slim_schema import FULL_SCHEMA_FILE, SLIM_SCHEMA_FILE
from actions.sandbox.world import World, display_fulfillment_status, supported_actions

__all__ = [
    "SANDBOX_API_VERSION",
    "SANDBOX_SHOP",
    "SANDBOX_TOKEN",
    "ShopifySimulator",
    "sandbox_schema",
    "shopify_schema",
    "validated",
]

SANDBOX_SHOP = "cancel-assist-demo.myshopify.com"
SANDBOX_TOKEN = "shpat_sandbox_demo_token"
SANDBOX_API_VERSION = "2026-04"
_PATH = re.compile(r"^/admin/api/(?P<version>[^/]+)/graphql\.json$")
_QUARTERLY = re.compile(r"\d{4}-(01|04|07|10)")
_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>\d{1,20})(?:\?.*)?$")
_MAX_QUERY_COST = 1000
_MUTATION_COST = 10


def _build(name: str) -> GraphQLSchema:
    source = resources.files("actions").joinpath(name).read_text(encoding="utf-8")
    # graphql-core 3.3 rejects Shopify's schema on validation of deprecated interface fields.
    return build_schema(source, assume_valid=True, no_location=True)


@lru_cache(maxsize=1)
def sandbox_schema() -> GraphQLSchema:
    """The slim schema: only what the app's registered documents select (milliseconds to build)."""
    return _build(SLIM_SCHEMA_FILE)


@lru_cache(maxsize=1)
def shopify_schema() -> GraphQLSchema:
    """The full vendored Admin API schema, built once per process and only when a document needs it.

    It is ~300k immutable objects (1-2 s of CPU to build): `gc.freeze()` moves them out of every
    later collection, so a Streamlit server that built it does not scan them after each rerun.
    """
    schema = _build(FULL_SCHEMA_FILE)
    gc.freeze()
    return schema


@lru_cache(maxsize=128)
def _parse_query(query: str) -> DocumentNode:
    """A document parsed once per text (the app sends the same dozen documents over and over)."""
    return parse(query)


@lru_cache(maxsize=128)
def validated(query: str) -> tuple[GraphQLSchema, tuple[GraphQLError, ...]]:
    """The schema to run `query` on, and Shopify's validation errors for it (GraphQLError if unparsable).

    The slim schema when the document is valid against it (every document the app sends); else the
    full schema, whose errors are Shopify's own (the slim one is a subset, so its errors would not be).
    """
    document = _parse_query(query)
    slim = sandbox_schema()
    if not validate(slim, document):
        return slim, ()
    full = shopify_schema()
    return full, tuple(validate(full, document))


def _served(version: str) -> bool:
    """Whether the sandbox answers for this API version: its own, and any older quarterly one, which falls
    forward to it as Shopify's retired versions fall forward to the oldest it supports; newer ones are 404."""
    return bool(_QUARTERLY.fullmatch(version)) and version <= SANDBOX_API_VERSION


def _json(status: int, body: Any, request_id: str, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "X-Request-Id": request_id, **(headers or {})},
    )


class _Parsed:
    """A request body parsed far enough to log it and pick faults: operation name and kind."""

    __slots__ = ("document", "error", "is_write", "operation", "operation_name", "query", "root_fields", "variables")

    def __init__(self) -> None:
        self.query = ""
        self.document: DocumentNode | None = None
        self.operation: OperationDefinitionNode | None = None
        self.operation_name: str | None = None
        self.variables: dict[str, Any] = {}
        self.is_write = False
        self.root_fields: tuple[str, ...] = ()
        self.error: httpx.Response | None = None


class ShopifySimulator:
    """Answers `POST /admin/api/2026-04/graphql.json` for the sandbox shop."""

    def __init__(self, world: World, *, token: str = SANDBOX_TOKEN, shop: str = SANDBOX_SHOP) -> None:
        self._world = world
        self._token = token
        self._shop = shop

    # --- classification (before faults) ------------------------------------------------------

    def classify(self, request: httpx.Request) -> tuple[str, bool]:
        """(operation, is_write) for the request log and fault rules; never raises."""
        parsed = self._parse(request)
        name = parsed.operation_name or (parsed.root_fields[0] if parsed.root_fields else request.url.path)
        return name, parsed.is_write

    def _parse(self, request: httpx.Request) -> _Parsed:
        parsed = _Parsed()
        request_id = _request_id()
        try:
            body = json.loads(request.content or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            parsed.error = _json(400, {"errors": {"query": "Required parameter missing or invalid"}}, request_id)
            return parsed
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            parsed.error = _json(400, {"errors": {"variables": "Invalid variables"}}, request_id)
            return parsed
        parsed.variables = variables
        parsed.query = body["query"]
        try:
            parsed.document = _parse_query(parsed.query)
        except GraphQLError as exc:
            parsed.error = _json(200, {"errors": [_error(exc, "GRAPHQL_PARSE_FAILED")],
                                       "extensions": {"cost": _cost(0, 0, self._world.bucket_level(), self._world)}},
                                 request_id)
            return parsed
        operations = [d for d in parsed.document.definitions if isinstance(d, OperationDefinitionNode)]
        wanted = body.get("operationName")
        chosen = [o for o in operations if wanted is None or (o.name and o.name.value == wanted)]
        if len(chosen) == 1:
            parsed.operation = chosen[0]
            parsed.operation_name = chosen[0].name.value if chosen[0].name else None
            parsed.is_write = chosen[0].operation == OperationType.MUTATION
            parsed.root_fields = tuple(
                s.name.value for s in chosen[0].selection_set.selections if isinstance(s, FieldNode)
            )
        parsed.operation_name = parsed.operation_name or (wanted if isinstance(wanted, str) else None)
        return parsed

    def prepare(self, request: httpx.Request) -> None:
        """Build the schema this request needs now, before the caller locks the world; never raises.

        A persisted sandbox handles each request under a file lock shared by every process, so a
        schema built inside it would make every other process wait for it.
        """
        try:
            body = json.loads(request.content or b"null")
            if isinstance(body, dict) and isinstance(body.get("query"), str):
                validated(body["query"])
        except (ValueError, TypeError, GraphQLError, RecursionError):
            return  # `handle` answers a bad body with Shopify's error

    # --- the endpoint ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        match = _PATH.match(request.url.path)
        if not match or not _served(match["version"]):
            return _json(404, {"errors": "Not Found"}, _request_id())
        response = self._answer(request)
        # Shopify names the version that answered: an older one falls forward to its oldest supported version.
        response.headers["X-Shopify-API-Version"] = SANDBOX_API_VERSION
        return response

    def _answer(self, request: httpx.Request) -> httpx.Response:
        request_id = _request_id()
        if request.method != "POST":
            return _json(405, {"errors": "Method Not Allowed"}, request_id)
        if request.headers.get("X-Shopify-Access-Token") != self._token:
            return _json(
                401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, request_id
            )
        content_type = request.headers.get("Content-Type", "application/json").split(";")[0].strip().lower()
        if content_type not in ("application/json", "application/graphql"):
            return _json(400, {"errors": "Content-Type must be application/json"}, request_id)
        parsed = self._parse(request)
        if parsed.error is not None:
            return parsed.error
        assert parsed.document is not None
        schema, problems = validated(parsed.query)
        if problems:
            body: dict[str, Any] = {"errors": [_error(e, "GRAPHQL_VALIDATION_FAILED") for e in problems],
                    "extensions": {"cost": _cost(0, 0, self._world.bucket_level(), self._world)}}
            return _json(200, body, request_id)
        requested = _estimate_cost(schema, parsed.document, parsed.operation, parsed.variables)
        if requested > _MAX_QUERY_COST:
            message = (
                f"Query cost is {requested}, which exceeds the single query max cost limit ({_MAX_QUERY_COST}).\n\n"
                "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                "cost of a query is calculated.\n\n"
                "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
            )
            body = {"errors": [{"message": message, "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                                                    "maxCost": _MAX_QUERY_COST}}],
                    "extensions": {"cost": _cost(requested, 0, self._world.bucket_level(), self._world)}}
            return _json(200, body, request_id)
        self._world.tick()
        ok, available = self._world.bucket_take(requested)
        if not ok:
            return _json(200, throttled_body(requested, available, self._world.restore_rate), request_id)
        with self._world.lock:
            result = execute(
                schema,
                parsed.document,
                root_value=self._root(parsed.is_write),
                variable_values=parsed.variables,
                operation_name=parsed.operation_name,
                field_resolver=_field_resolver,
                type_resolver=_type_resolver,
            )
            if parsed.is_write:
                self._world.save()
        assert isinstance(result, ExecutionResult)  # every resolver is synchronous
        actual = min(requested, _actual_cost(result.data) + (_MUTATION_COST * len(parsed.root_fields)
                                                              if parsed.is_write else 0))
        available = self._world.bucket_refund(requested - actual)
        body = {}
        if result.errors:
            body["errors"] = [_error(e, None) for e in result.errors]
        body["data"] = result.data
        body["extensions"] = {"cost": _cost(requested, actual, available, self._world)}
        return _json(200, body, request_id)

    # --- resolvers over the world -----------------------------------------------------------------

    def _root(self, is_write: bool) -> dict[str, Any]:
        world = self._world
        if is_write:
            return {
                "orderCancel": self._order_cancel,
                "fulfillmentOrderCancel": self._fo_cancel,
                "fulfillmentOrderSubmitCancellationRequest": self._fo_request_cancellation,
                "fulfillmentOrderOpen": self._fo_open,
                "fulfillmentOrderReleaseHold": self._fo_release_hold,
            }

        def order(id: str) -> dict[str, Any] | None:
            found = world.order(_gid_number(id, "Order"))
            return self._order_view(found) if found else None

        def orders(first: int | None = None, last: int | None = None, query: str | None = None, **_: Any) -> dict:
            if first is None and last is None:
                raise GraphQLError("you must provide one of first or last")
            matches = world.search_orders(query)
            if first is not None:
                page = matches[:first]
            else:
                assert last is not None  # checked above
                page = matches[-last:]
            return _connection([self._order_view(o) for o in page], has_next=len(matches) > len(page))

        def fulfillment_order(id: str) -> dict[str, Any] | None:
            found = world.fulfillment_order(_gid_number(id, "FulfillmentOrder"))
            return self._fo_view(found[0], found[1]) if found else None

        def job(id: str) -> dict[str, Any] | None:
            match = re.fullmatch(r"gid://shopify/Job/([0-9a-f-]+)", id)
            found = world.poll_job(match.group(1)) if match else None
            return _job_view(found) if found else None

        return {
            "order": order,
            "orders": orders,
            "fulfillmentOrder": fulfillment_order,
            "job": job,
            "shop": {
                "__typename": "Shop",
                "id": "gid://shopify/Shop/55000001",
                "name": world.state["shop"]["name"],
                "myshopifyDomain": self._shop,
                "currencyCode": world.state["shop"]["currency"],
                "url": f"https://{self._shop}",
            },
            "currentAppInstallation": {
                "__typename": "AppInstallation",
                "id": "gid://shopify/AppInstallation/55000002",
                "accessScopes": [{"handle": s, "description": s.replace("_", " ")} for s in SANDBOX_ACCESS_SCOPES],
            },
        }

    def _order_view(self, order: dict[str, Any]) -> dict[str, Any]:
        self._world.first_look(order)
        currency = order["currency"]
        gid = f"gid://shopify/Order/{order['id']}"
        presentment = order.get("presentment")  # {"currency", "rate"}: the customer paid in another currency

        def bag(amount: str) -> dict[str, Any]:
            return _money_bag(amount, currency, presentment)

        def transactions(first: int | None = None, **_: Any) -> list[dict[str, Any]]:
            manual = bool(order.get("manual_payment"))
            return [{"__typename": "OrderTransaction", "gateway": g, "manualPaymentGateway": manual}
                    for g in order["gateways"]][: first or None]

        def metafield(key: str, namespace: str | None = None) -> dict[str, Any] | None:
            if namespace == "cancel_assist" and key == "supplier_orders" and order["supplier_orders"] is not None:
                return {"__typename": "Metafield", "id": f"gid://shopify/Metafield/{order['id']}7",
                        "namespace": namespace, "key": key, "type": "json", "value": order["supplier_orders"]}
            return None

        def line_items(first: int | None = None, **_: Any) -> dict[str, Any]:
            items = order["line_items"]
            page = items[: first or len(items)]
            return _connection([_line_item_view(i, currency) for i in page], has_next=len(page) < len(items))

        def fulfillments(first: int | None = None, **_: Any) -> list[dict[str, Any]]:
            return [_fulfillment_view(f) for f in order["fulfillments"][: first or None]]

        def fulfillment_orders(first: int | None = None, **_: Any) -> dict[str, Any]:
            fos = order["fulfillment_orders"]
            page = fos[: first or len(fos)]
            return _connection([self._fo_view(order, fo) for fo in page], has_next=len(page) < len(fos))

        return {
            "__typename": "Order",
            "id": gid,
            "name": order["name"],
            "legacyResourceId": str(order["id"]),
            "createdAt": order["created_at"],
            "updatedAt": order["updated_at"],
            "processedAt": order["created_at"],
            "cancelledAt": order["cancelled_at"],
            "cancelReason": order["cancel_reason"],
            "cancellation": {"staffNote": order["staff_note"]} if order["cancelled_at"] else None,
            "closed": order["closed"],
            "closedAt": order["closed_at"],
            "currencyCode": currency,
            "displayFinancialStatus": order["financial_status"],
            "displayFulfillmentStatus": display_fulfillment_status(order),
            "returnStatus": order["return_status"],
            "email": order["email"],
            "paymentGatewayNames": list(order["gateways"]),
            "customer": _customer_view(order),
            "totalPriceSet": bag(order["total"]),
            "totalReceivedSet": bag(order["received"]),
            "totalRefundedSet": bag(_refunded(order)),
            "netPaymentSet": bag(_net_payment(order)),
            "transactions": transactions,
            "disputes": [{"__typename": "OrderDisputeSummary", "id": f"gid://shopify/ShopifyPaymentsDispute/{d['id']}",
                          "initiatedAs": d["initiated_as"], "status": d["status"]}
                         for d in order.get("disputes", [])],
            "lineItems": line_items,
            "fulfillments": fulfillments,
            "fulfillmentOrders": fulfillment_orders,
            "metafield": metafield,
            "customAttributes": [{"key": a["key"], "value": a["value"]} for a in order["note_attributes"]],
            "note": order.get("note"),
            "tags": list(order.get("tags") or ()),
        }

    def _fo_view(self, order: dict[str, Any], fo: dict[str, Any]) -> dict[str, Any]:
        location = fo["location"]
        return {
            "__typename": "FulfillmentOrder",
            "id": f"gid://shopify/FulfillmentOrder/{fo['id']}",
            "status": fo["status"],
            "requestStatus": fo["request_status"],
            "orderId": f"gid://shopify/Order/{order['id']}",
            "orderName": order["name"],
            "assignedLocation": {
                "name": location["name"],
                "location": {"id": f"gid://shopify/Location/{location['location_id']}", "name": location["name"]},
            },
            "supportedActions": [{"action": a, "externalUrl": None} for a in supported_actions(fo)],
            "merchantRequests": _merchant_requests(fo),
            "fulfillmentHolds": [
                {"__typename": "FulfillmentHold", "id": f"gid://shopify/FulfillmentHold/{h['id']}",
                 "reason": h["reason"], "handle": h.get("handle"), "reasonNotes": None}
                for h in fo["holds"]
            ],
        }

    def _brief_fo(self, fo: dict[str, Any] | None) -> dict[str, Any] | None:
        if fo is None:
            return None
        found = self._world.fulfillment_order(fo["id"])
        return self._fo_view(found[0], fo) if found else None

    # --- mutations ------------------------------------------------------------------------------

    def _order_cancel(
        self,
        orderId: str,  # noqa: N803 - GraphQL argument names
        reason: str,
        restock: bool,
        refund: bool | None = None,
        refundMethod: dict[str, Any] | None = None,  # noqa: N803
        notifyCustomer: bool | None = None,  # noqa: N803
        staffNote: str | None = None,  # noqa: N803
    ) -> dict[str, Any]:
        order_id = _gid_number(orderId, "Order")
        method = refundMethod or {}
        refund_now = bool(method.get("originalPaymentMethodsRefund")) or bool(refund)
        store_credit = method.get("storeCreditRefund") is not None
        job, errors = self._world.cancel_order(
            order_id,
            reason=reason,
            restock=restock,
            refund=refund_now,
            store_credit=store_credit,
            notify=bool(notifyCustomer),
            staff_note=staffNote,
        )
        return {
            "job": _job_view(job) if job else None,
            "orderCancelUserErrors": errors,
            "userErrors": [{"field": e["field"], "message": e["message"]} for e in errors],
        }

    def _fo_cancel(self, id: str) -> dict[str, Any]:
        fo, replacement, errors = self._world.cancel_fulfillment_order(_gid_number(id, "FulfillmentOrder"))
        return {
            "fulfillmentOrder": self._brief_fo(fo),
            "replacementFulfillmentOrder": self._brief_fo(replacement),
            "userErrors": errors,
        }

    def _fo_request_cancellation(self, id: str, message: str | None = None) -> dict[str, Any]:
        fo, errors = self._world.request_fulfillment_cancellation(_gid_number(id, "FulfillmentOrder"), message)
        return {"fulfillmentOrder": self._brief_fo(fo), "userErrors": errors}

    def _fo_open(self, id: str) -> dict[str, Any]:
        fo, errors = self._world.open_fulfillment_order(_gid_number(id, "FulfillmentOrder"))
        return {"fulfillmentOrder": self._brief_fo(fo), "userErrors": errors}

    def _fo_release_hold(self, id: str, holdIds: list[str] | None = None, externalId: str | None = None) -> dict:  # noqa: N803
        hold_numbers = [_gid_number(h, "FulfillmentHold") for h in holdIds] if holdIds else None
        fo, errors = self._world.release_hold(_gid_number(id, "FulfillmentOrder"), hold_numbers)
        return {"fulfillmentOrder": self._brief_fo(fo), "userErrors": errors}


# --- views -------------------------------------------------------------------------------------


def _money_bag(amount: str, currency: str, presentment: Mapping[str, str] | None = None) -> dict[str, Any]:
    money = {"amount": amount, "currencyCode": currency}
    if not presentment:
        return {"shopMoney": money, "presentmentMoney": dict(money)}
    converted = (Decimal(amount) * Decimal(presentment["rate"])).quantize(Decimal("0.01"))
    return {"shopMoney": money, "presentmentMoney": {"amount": f"{converted:.2f}", "currencyCode": presentment["currency"]}}


def _net_payment(order: dict[str, Any]) -> str:
    """netPaymentSet: received minus refunded."""
    return f"{Decimal(order['received']) - Decimal(_refunded(order)):.2f}"


def _merchant_requests(fo: dict[str, Any]) -> Any:
    """The fulfillment order's latest cancellation request (the only kind the sandbox records)."""
    sent = fo.get("cancellation_requested_at")
    nodes = []
    if fo["request_status"] == "CANCELLATION_REQUESTED" and sent is not None:
        at = datetime.fromtimestamp(sent, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(sent, (int, float)) \
            else str(sent)
        nodes.append({"__typename": "FulfillmentOrderMerchantRequest", "id": f"gid://shopify/FulfillmentOrderMerchantRequest/{fo['id']}",
                      "kind": "CANCELLATION_REQUEST", "sentAt": at, "message": fo.get("cancellation_message")})

    def connection(kind: str | None = None, first: int | None = None, **_: Any) -> dict[str, Any]:
        chosen = [n for n in nodes if kind in (None, n["kind"])][: first or None]
        return _connection(chosen, has_next=False)

    return connection


def _refunded(order: dict[str, Any]) -> str:
    total = sum((Decimal(r["amount"]) for r in order["refunds"]), start=Decimal("0"))
    return f"{total:.2f}"


def _customer_view(order: dict[str, Any]) -> dict[str, Any] | None:
    if not order["customer"]:
        return None
    first, _, last = order["customer"].partition(" ")
    return {"id": f"gid://shopify/Customer/{order['id'] + 1_000_000}", "displayName": order["customer"],
            "firstName": first, "lastName": last or None}


def _line_item_view(item: dict[str, Any], currency: str) -> dict[str, Any]:
    return {
        "__typename": "LineItem",
        "id": f"gid://shopify/LineItem/{item['id']}",
        "title": item["title"],
        "name": item["title"],
        "quantity": item["quantity"],
        "currentQuantity": item["current_quantity"],
        "sku": item["sku"],
        "restockable": item["restockable"] and item["current_quantity"] > 0,
        "originalUnitPriceSet": _money_bag(item["price"], currency),
    }


def _fulfillment_view(fulfillment: dict[str, Any]) -> dict[str, Any]:
    tracking = []
    if fulfillment.get("tracking_number"):
        tracking.append({"number": fulfillment["tracking_number"], "company": fulfillment.get("tracking_company"),
                         "url": None})

    def tracking_info(first: int | None = None) -> list[dict[str, Any]]:
        return tracking[: first or None]

    return {
        "__typename": "Fulfillment",
        "id": f"gid://shopify/Fulfillment/{fulfillment['id']}",
        "status": fulfillment["status"],
        "displayStatus": fulfillment.get("display_status"),
        "createdAt": fulfillment.get("created_at"),
        "trackingInfo": tracking_info,
    }


def _job_view(job: dict[str, Any]) -> dict[str, Any]:
    return {"__typename": "Job", "id": f"gid://shopify/Job/{job['id']}", "done": job["done"], "query": None}


def _connection(nodes: list[dict[str, Any]], *, has_next: bool) -> dict[str, Any]:
    cursors = [base64.b64encode(json.dumps({"last_id": n["id"]}).encode()).decode() for n in nodes]
    return {
        "nodes": nodes,
        "edges": [{"node": n, "cursor": c} for n, c in zip(nodes, cursors, strict=True)],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": False,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }


def _gid_number(value: str, kind: str) -> int:
    match = _GID.match(value or "")
    if not match or match["type"] != kind:
        raise GraphQLError(f"Invalid global id '{value[:80]}'", extensions={"code": "argumentLiteralsIncompatible",
                                                                          "typeName": "CoercionError"})
    return int(match["id"])


def _field_resolver(source: Any, info: Any, **args: Any) -> Any:
    """Dict views: a value, or a callable taking the field's arguments."""
    if not isinstance(source, Mapping):
        return None
    name = info.field_name
    if name not in source:
        raise GraphQLError(
            f"Field '{name}' on '{info.parent_type.name}' is not simulated by the Cancel Assist sandbox",
            extensions={"code": "SANDBOX_UNSUPPORTED_FIELD"},
        )
    value = source[name]
    return value(**args) if callable(value) else value


def _type_resolver(value: Any, info: Any, abstract_type: Any) -> str | None:
    return value.get("__typename") if isinstance(value, Mapping) else None


def _request_id() -> str:
    return str(uuid.uuid4())


def _error(error: GraphQLError, code: str | None) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    extensions = dict(error.extensions or {})
    if code:
        extensions.setdefault("code", code)
    if extensions:
        formatted["extensions"] = extensions
    return formatted


def throttled_body(requested: int, available: float, restore_rate: float) -> dict[str, Any]:
    """Shopify's THROTTLED answer: no data, the cost and the bucket state."""
    return {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": int(available),
                    "restoreRate": restore_rate,
                },
            }
        },
    }


def _cost(requested: int, actual: int, available: float, world: World) -> dict[str, Any]:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": {
            "maximumAvailable": world.bucket_max,
            "currentlyAvailable": int(available),
            "restoreRate": world.restore_rate,
        },
    }


def estimate_cost(request_body: bytes) -> int:
    """The requested cost of a request body (0 when it cannot be parsed); for throttle faults."""
    try:
        body = json.loads(request_body or b"null")
        query = body["query"]
        document = _parse_query(query)
        schema, _problems = validated(query)
    except (ValueError, KeyError, TypeError, GraphQLError):
        return 0
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return 0
    try:
        return _estimate_cost(schema, document, operations[0], body.get("variables") or {})
    except Exception:  # noqa: BLE001 - an estimate for a fault body must never fail the request
        return 0


def _estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variables: Mapping[str, Any],
) -> int:
    """Shopify's rule of thumb: objects 1, scalars 0, lists sized by first/last, mutations 10."""
    if operation is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.mutation_type if operation.operation == OperationType.MUTATION else schema.query_type
    if root is None:
        return 0
    cost = _selection_cost(schema, operation.selection_set, root, fragments, variables)
    if operation.operation == OperationType.MUTATION:
        cost += _MUTATION_COST * sum(1 for s in operation.selection_set.selections if isinstance(s, FieldNode))
    return cost


def _selection_cost(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode | None,
    parent: Any,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                target = schema.get_type(fragment.type_condition.name.value) or parent
                total += _selection_cost(schema, fragment.selection_set, target, fragments, variables)
            continue
        if isinstance(selection, InlineFragmentNode):
            target = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
            total += _selection_cost(schema, selection.selection_set, target or parent, fragments, variables)
            continue
        if not isinstance(selection, FieldNode) or selection.name.value.startswith("__"):
            continue
        fields = getattr(parent, "fields", None) or {}
        field = fields.get(selection.name.value)
        if field is None:
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            continue
        child = _selection_cost(schema, selection.selection_set, named, fragments, variables)
        size = _page_size(selection, variables)
        if named.name.endswith("Connection"):
            total += 2 + (size or 10) * max(child, 1)
        elif size is not None or _is_list(field.type):
            total += (size or 1) * (1 + child)
        else:
            total += 1 + child
    return total


def _is_list(type_: Any) -> bool:
    inner = getattr(type_, "of_type", None) if not is_list_type(type_) else type_
    return is_list_type(type_) or (inner is not None and is_list_type(inner))


def _page_size(field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            raw = variables.get(value.name.value)
            return int(raw) if isinstance(raw, int) else None
    return None


def _actual_cost(data: Any) -> int:
    """One point per object actually returned."""
    if isinstance(data, dict):
        return 1 + sum(_actual_cost(v) for v in data.values())
    if isinstance(data, list):
        return sum(_actual_cost(v) for v in data)
    return 0

