"""One POST to Shopify's Admin GraphQL endpoint, with throttling, retries and error translation.

Reads are retried on throttling, 5xx and timeouts. Writes are retried only when Shopify says
THROTTLED (the mutation was not executed); any other failure of a write that may have reached
Shopify raises `AmbiguousWrite`, and the caller re-reads the order instead of sending it again.
Every message leaving this module goes through `redact`, so the token never shows.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from actions.errors import (
    ActionError,
    AmbiguousWrite,
    ApiError,
    AuthenticationError,
    GraphQLError,
    LockedError,
    MalformedResponse,
    NotFoundError,
    PaymentRequiredError,
    PermissionDenied,
    RateLimited,
    ServerError,
    TransportError,
    redact,
)
from actions.settings import ShopifySettings
from actions.shopify_documents import Document, is_registered
from actions.wire import json_object, object_or_empty, retry_read, send
from kb.wording import shopify_errors as say

__all__ = ["AmbiguousWrite", "GraphQLResult", "GraphQLTransport", "QueryCost"]

_SYSTEM = "shopify"
_SERVED_VERSION = re.compile(r"\d{4}-\d{2}|unstable")  # a header we show: only a version's shape is kept
_MAX_THROTTLE_RETRIES = 8
# Errors on these fields leave the rest of the order usable (protected customer data needs
# extra approval; without it Shopify answers ACCESS_DENIED on just these fields).
_OPTIONAL_FIELDS = frozenset({"customer", "email"})


class QueryCost(BaseModel):
    """`extensions.cost` of a response: what the query cost and how full the bucket is."""

    model_config = ConfigDict(frozen=True)

    requested: float | None = None
    actual: float | None = None
    available: float | None = None
    maximum: float | None = None
    restore_rate: float | None = None


class GraphQLResult(BaseModel):
    """The `data` of a successful response, with its request id and cost."""

    model_config = ConfigDict(frozen=True)

    data: dict[str, Any]
    request_id: str | None = None
    cost: QueryCost | None = None
    api_version: str | None = None  # the version that answered (Shopify's X-Shopify-API-Version), when it said


class _ThrottleBudget:
    """How often and how long one call has waited for the bucket so far, across its read retries."""

    def __init__(self) -> None:
        self.retries = 0
        self.waited = 0.0


class _Throttled(Exception):
    def __init__(self, wait: float, request_id: str | None) -> None:
        super().__init__("throttled")
        self.wait = wait
        self.request_id = request_id


class GraphQLTransport:
    """Sends registered documents to one shop and returns their `data`, or raises an ActionError."""

    def __init__(
        self,
        http: httpx.Client,
        settings: ShopifySettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_throttle_wait: float = 30.0,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._http = http
        self._settings = settings
        self._sleep = sleep
        self._max_throttle_wait = max_throttle_wait
        self._jitter = jitter
        self.request_count = 0
        self.last_cost: QueryCost | None = None

    def __repr__(self) -> str:
        return f"GraphQLTransport(shop={self._settings.shop!r})"

    def execute(self, document: Document, variables: Mapping[str, Any] | None = None) -> GraphQLResult:
        """Send `document`; reads are retried, writes only when Shopify says it did not run them."""
        if not is_registered(document):
            raise TypeError("only documents of actions.shopify_documents can be sent")
        body = {"query": document.text, "variables": dict(variables or {}), "operationName": document.name}
        budget = _ThrottleBudget()  # shared by every attempt of this one call

        def attempt() -> GraphQLResult:
            return self._send_when_bucket_allows(body, budget)

        if not document.is_write:
            return retry_read(attempt, sleep=self._sleep, what=f"Shopify {document.name}",
                              retryable=_worth_reading_again, jitter=self._jitter)
        try:
            return attempt()
        except ActionError as error:
            if not error.may_have_left:
                raise
            raise AmbiguousWrite(error.message, cause=error, request_id=error.request_id) from None

    # --- one attempt -------------------------------------------------------------------------

    def _send_when_bucket_allows(self, body: dict[str, Any], budget: _ThrottleBudget) -> GraphQLResult:
        """Send, waiting out THROTTLED answers until the bucket refills, within the budget."""
        while True:
            try:
                return self._send_once(body)
            except _Throttled as throttled:
                # A THROTTLED answer (HTTP 200 or 429) means Shopify refused the request before
                # running it, so sending it again is safe for a mutation too.
                wait = throttled.wait * (1.0 + 0.25 * self._jitter()) + 0.05
                budget.retries += 1
                if budget.retries > _MAX_THROTTLE_RETRIES or budget.waited + wait > self._max_throttle_wait:
                    raise RateLimited(
                        say.BUSY,
                        system=_SYSTEM,
                        retry_after=round(throttled.wait, 2),
                        status=429,
                        code="THROTTLED",
                        request_id=throttled.request_id,
                    ) from None
                budget.waited += wait
                self._sleep(wait)

    def _send_once(self, body: dict[str, Any]) -> GraphQLResult:
        headers = {
            "X-Shopify-Access-Token": self._settings.access_token.get_secret_value(),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.request_count += 1
        response = send(
            lambda: self._http.post(self._settings.graphql_url, json=body, headers=headers),
            system=_SYSTEM, title="Shopify", where=f"Shopify ({self._settings.shop})", secrets=self._secrets(),
        )
        request_id = response.headers.get("X-Request-Id")
        return self._read_response(response, request_id)

    def _read_response(self, response: httpx.Response, request_id: str | None) -> GraphQLResult:
        status = response.status_code
        payload = json_object(response) if status in (200, 429) else None
        if status == 429:
            raise _Throttled(self._throttle_wait(payload, response), request_id)
        if status != 200:
            raise self._status_error(status, request_id, response)
        if payload is None:
            raise MalformedResponse(say.ANSWER_NOT_JSON, system=_SYSTEM, status=status, request_id=request_id)
        cost = _cost(payload)
        if cost is not None:
            self.last_cost = cost
        errors = payload.get("errors")
        data = payload.get("data")
        if errors:
            if not isinstance(errors, list):
                errors = [errors]
            if any(_code(e) == "THROTTLED" for e in errors):
                raise _Throttled(self._throttle_wait(payload, response), request_id)
            blocking = [e for e in errors if not (isinstance(data, dict) and _on_optional_field(e))]
            if blocking:
                raise self._graphql_error(blocking, request_id)
        if not isinstance(data, dict):
            raise MalformedResponse(say.NO_DATA, system=_SYSTEM, status=status, request_id=request_id)
        served = response.headers.get("X-Shopify-API-Version", "").strip()
        return GraphQLResult(data=data, request_id=request_id, cost=cost,
                             api_version=served if _SERVED_VERSION.fullmatch(served) else None)

    def _throttle_wait(self, payload: dict[str, Any] | None, response: httpx.Response) -> float:
        """Seconds until the bucket holds the requested cost again: (requested - available) / restore."""
        cost = _cost(payload) if payload else None
        if cost and cost.requested is not None and cost.available is not None and cost.restore_rate:
            return max(0.0, (cost.requested - cost.available) / cost.restore_rate)
        retry_after = response.headers.get("Retry-After")
        try:
            return max(0.0, float(retry_after)) if retry_after else 1.0
        except ValueError:
            return 1.0

    def _status_error(self, status: int, request_id: str | None, response: httpx.Response) -> ActionError:
        shop = self._settings.shop
        kwargs: dict[str, Any] = {"system": _SYSTEM, "status": status, "request_id": request_id}
        if status == 401:
            return AuthenticationError(say.token_refused(shop), **kwargs)
        if status == 402:
            return PaymentRequiredError(say.frozen(shop), **kwargs)
        if status == 403:
            return PermissionDenied(say.MISSING_SCOPE, **kwargs)
        if status == 404:
            return NotFoundError(say.no_admin_api(shop, self._settings.api_version), **kwargs)
        if status == 423:
            return LockedError(say.locked(shop), **kwargs)
        if status >= 500:
            return ServerError(say.server_problem(status), **kwargs)
        detail = self._safe(response.text, limit=200) if response.text else ""
        return ApiError(say.http_refused(status, detail), **kwargs)

    def _graphql_error(self, errors: list[Any], request_id: str | None) -> ActionError:
        codes = [_code(e) for e in errors]
        messages = "; ".join(self._safe(str(e.get("message", "")) if isinstance(e, dict) else str(e), limit=200)
                             for e in errors[:3])
        code = next((c for c in codes if c), None)
        kwargs: dict[str, Any] = {"system": _SYSTEM, "status": 200, "code": code, "request_id": request_id}
        if code == "ACCESS_DENIED":
            return PermissionDenied(say.scope_or_permission(messages), **kwargs)
        if code in ("SHOP_INACTIVE",):
            return PaymentRequiredError(say.not_active(self._settings.shop, messages), **kwargs)
        if code == "INTERNAL_SERVER_ERROR":
            return ServerError(say.internal_error(messages), **kwargs)
        if code == "MAX_COST_EXCEEDED":
            return GraphQLError(say.too_large(messages), **kwargs)
        return GraphQLError(say.rejected(messages), **kwargs)

    def _secrets(self) -> tuple[str, ...]:
        return (self._settings.access_token.get_secret_value(),)

    def _safe(self, text: str, *, limit: int | None = None) -> str:
        return redact(text, self._secrets(), limit=limit)


def _worth_reading_again(error: ActionError) -> bool:
    """Timeouts, lost connections and 5xx; not RateLimited, which already waited its whole budget."""
    return isinstance(error, ServerError | TransportError)


def _code(error: Any) -> str | None:
    if not isinstance(error, dict):
        return None
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    return str(code) if code else None


def _on_optional_field(error: Any) -> bool:
    if not isinstance(error, dict):
        return False
    path = error.get("path")
    return isinstance(path, list) and bool(path) and path[-1] in _OPTIONAL_FIELDS


def _cost(payload: dict[str, Any]) -> QueryCost | None:
    extensions = payload.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, dict) else None
    if not isinstance(cost, dict):
        return None
    throttle = object_or_empty(cost.get("throttleStatus"))

    def number(value: Any) -> float | None:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    return QueryCost(
        requested=number(cost.get("requestedQueryCost")),
        actual=number(cost.get("actualQueryCost")),
        available=number(throttle.get("currentlyAvailable")),
        maximum=number(throttle.get("maximumAvailable")),
        restore_rate=number(throttle.get("restoreRate")),
    )
