"""AliExpress Open Platform (dropshipper API): signed reads of an order's status.

`aliexpress.trade.ds.order.get` is called on the `/sync` gateway with a form-encoded POST,
signed with HMAC-SHA256 over the sorted parameters (`sign`). AliExpress documents no cancel
API for dropshipping orders, so `cancel` refuses with the link to the order page, where the
merchant clicks "Cancel order"; a later read shows IN_CANCEL (waiting for the seller, up to
72 h) or FINISH (closed). Secrets travel only in the form body and never reach a message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from actions.errors import (
    ActionError,
    ApiError,
    AuthenticationError,
    NotFoundError,
    PermissionDenied,
    RateLimited,
    ServerError,
    SupplierRefused,
)
from actions.settings import AliExpressSettings
from actions.suppliers import malformed, validate_order_id
from actions.wire import RequestCounter, json_object, retry_read, safe_text, send, text_or_none
from kb.state import Money, SupplierName, SupplierOrderState
from kb.suppliers import cancel_channel, normalize_aliexpress, supplier_order_url
from kb.wording import supplier_errors as say

__all__ = ["ORDER_GET", "AliExpressClient", "sign"]

_log = logging.getLogger(__name__)
_SYSTEM = "aliexpress"
ORDER_GET = "aliexpress.trade.ds.order.get"
_RESPONSE_KEY = "aliexpress_trade_ds_order_get_response"

# Error codes (sub_code first, then code) and what they mean for the merchant.
_PROBE_ORDER = "1"  # an order id no account has: the credential check's read
_PROBE_QUERY = json.dumps({"order_id": int(_PROBE_ORDER)}, separators=(",", ":"))
_PERMISSION = {"isv.insufficient-permission", "insufficientpermission"}
_NOT_YOURS = {"isv.invalid-authorization"}
_UNAVAILABLE = {"isp.service-unavailable", "internalerror", "isp.internal-error", "isp.unknown-error", "servicetimeout"}
_RATE_LIMIT = {"apicalllimit", "isp.call-limited", "accessoutoffrequencylimit", "isv.call-limited", "frequencylimit", "applimit"}
# Codes about the token, the app key or the signature: the credentials are wrong or expired.
_AUTH_WORDS = ("token", "session", "signature", "appkey", "app_key", "illegalaccess", "invalidapp")


def sign(secret: str, api_name: str, params: Mapping[str, str]) -> str:
    """The IOP signature: HMAC-SHA256 of the sorted `key+value` pairs, uppercase hex.

    System APIs (`/auth/token/create`, called on `/rest`) prefix the path; business APIs
    (dotted names on `/sync`) do not, since `method` is already among the parameters.
    """
    body = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    if "/" in api_name:
        body = api_name + body
    return hmac.new(secret.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).hexdigest().upper()


class AliExpressClient:
    """Reads AliExpress dropshipping orders; cancels nothing (AliExpress has no cancel API)."""

    supplier: SupplierName = "aliexpress"

    def __init__(
        self,
        http: httpx.Client,
        settings: AliExpressSettings,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._count = RequestCounter()
        self.last_request_id: str | None = None

    @property
    def request_count(self) -> int:
        return self._count.value

    def order_url(self, order_id: str) -> str:
        return supplier_order_url("aliexpress", validate_order_id("aliexpress", order_id))

    def read_order(self, order_id: str) -> SupplierOrderState:
        """One order's status, amount and tracking; retried on timeouts and a busy service."""
        order_id = validate_order_id("aliexpress", order_id)
        query = json.dumps({"order_id": int(order_id)}, separators=(",", ":"))
        body, request_id = retry_read(
            lambda: self._call(ORDER_GET, {"single_order_query": query}, order_id=order_id),
            sleep=self._sleep, what=f"AliExpress {ORDER_GET}",
        )
        return self._state(order_id, body, request_id)

    def cancel(self, order_id: str) -> SupplierOrderState:
        """Refuse: AliExpress has no public cancel API; the merchant cancels on the order page."""
        url = self.order_url(order_id)
        raise SupplierRefused(say.ae_no_cancel_api(order_id.strip(), url), system=_SYSTEM, url=url)

    def check_credentials(self) -> None:
        """Ask for an order no one has: the gateway checks app key, signature and session before the order.

        "No such order (of yours)" is its answer once all three are accepted; a refused one raises.
        """
        try:
            self._call(ORDER_GET, {"single_order_query": _PROBE_QUERY}, order_id=_PROBE_ORDER)
        except NotFoundError:
            return

    # --- wire ---------------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        return (self._settings.app_secret.get_secret_value(), self._settings.access_token.get_secret_value())

    def _params(self, method: str, business: Mapping[str, str]) -> dict[str, str]:
        params = {
            "app_key": self._settings.app_key,
            "method": method,
            "session": self._settings.access_token.get_secret_value(),
            "timestamp": str(int(self._clock() * 1000)),
            "sign_method": "sha256",
            "format": "json",
            "simplify": "false",
            **business,
        }
        params["sign"] = sign(self._settings.app_secret.get_secret_value(), method, params)
        return params

    def _call(self, method: str, business: Mapping[str, str], *, order_id: str) -> tuple[dict[str, Any], str | None]:
        url = f"{self._settings.api_base_url}/sync"
        self._count.increment()
        response = send(lambda: self._http.post(url, data=self._params(method, business)),
                        system=_SYSTEM, title="AliExpress", secrets=self._secrets())
        body = json_object(response, parse_float=Decimal)
        if body is not None:
            error = body.get("error_response")
            if isinstance(error, dict):
                raise self._error(error, order_id=order_id, status=response.status_code)
            code = body.get("code")
            if _RESPONSE_KEY not in body and code not in (None, "0", 0) and ("type" in body or "message" in body):
                raise self._error(body, order_id=order_id, status=response.status_code)  # IOP's flat error shape
        if response.status_code >= 500:
            raise ServerError(say.ae_server_error(response.status_code), system=_SYSTEM, status=response.status_code)
        if response.status_code == 429:
            raise RateLimited(say.AE_RATE_LIMITED, system=_SYSTEM, status=429)
        if response.status_code in (401, 403):
            raise self._error({"code": str(response.status_code)}, order_id=order_id, status=response.status_code)
        if response.status_code >= 400 or body is None:
            raise malformed(_SYSTEM, f"HTTP {response.status_code}", status=response.status_code)
        wrapper = body.get(_RESPONSE_KEY)
        if isinstance(wrapper, dict):
            request_id = text_or_none(wrapper.get("request_id")) or text_or_none(body.get("request_id"))
            payload = wrapper
        else:
            request_id = text_or_none(body.get("request_id"))
            payload = body  # simplify=true: the result sits at the top level
        self.last_request_id = request_id
        return payload, request_id

    def _error(self, error: Mapping[str, Any], *, order_id: str, status: int | None) -> ActionError:
        """Translate an error envelope into the error hierarchy, in a merchant's words."""
        secrets = self._secrets()
        sub_code = text_or_none(error.get("sub_code")) or ""
        code = text_or_none(error.get("code")) or ""
        kind = (text_or_none(error.get("type")) or "").upper()
        request_id = text_or_none(error.get("request_id"))
        detail = safe_text(error.get("sub_msg") or error.get("msg") or error.get("message") or code, secrets, limit=160)
        keys = {sub_code.lower(), code.lower()}
        label = safe_text(sub_code or code, secrets, limit=80) or None
        common: dict[str, Any] = {"system": _SYSTEM, "code": label, "status": status, "request_id": request_id}
        self.last_request_id = request_id
        if keys & _PERMISSION or code == "403":
            return PermissionDenied(say.AE_PERMISSION, **common)
        if keys & _NOT_YOURS:
            return NotFoundError(say.ae_not_yours(order_id), **common)
        if keys & _RATE_LIMIT:
            return RateLimited(say.AE_RATE_LIMITED, **common)
        if keys & _UNAVAILABLE or kind == "SYSTEM" or sub_code.lower().startswith("isp."):
            return ServerError(say.ae_unavailable(detail), **common)
        joined = f"{sub_code} {code}".lower().replace("-", "").replace(".", "")
        if code == "401" or any(word in joined for word in _AUTH_WORDS):
            return AuthenticationError(say.AE_CREDENTIALS, **common)
        if "notexist" in joined or "notfound" in joined:
            return NotFoundError(say.ae_no_order(order_id), **common)
        return ApiError(say.ae_refused(detail), **common)

    def _state(self, order_id: str, payload: Mapping[str, Any], request_id: str | None) -> SupplierOrderState:
        result = payload.get("result")
        if result is None and "order_status" in payload:
            result = payload
        if result is None:
            raise NotFoundError(say.ae_returned_no_order(order_id), system=_SYSTEM, request_id=request_id)
        if not isinstance(result, dict):
            raise malformed(_SYSTEM, say.NOT_AN_OBJECT, request_id=request_id)
        raw_status = text_or_none(result.get("order_status"))
        logistics_status = text_or_none(result.get("logistics_status"))
        children = _unwrap(result.get("child_order_list"), "aeop_child_order_info")
        end_reason = next((r for c in children if isinstance(c, dict) and (r := text_or_none(c.get("end_reason")))), None)
        end_reason = end_reason or text_or_none(result.get("end_reason"))
        parcels = _unwrap(result.get("logistics_info_list"), "aeop_order_logistics_info")
        tracking = next((t for p in parcels if isinstance(p, dict) and (t := text_or_none(p.get("logistics_no")))), None)
        status = normalize_aliexpress(raw_status, end_reason=end_reason, logistics_status=logistics_status)
        channel, note = cancel_channel("aliexpress", status)
        return SupplierOrderState(
            supplier="aliexpress",
            order_id=order_id,
            status=status,
            raw_status=raw_status,
            end_reason=end_reason,
            logistics_status=logistics_status,
            tracking_number=tracking,
            amount=_money(result.get("order_amount")),
            cancel_channel=channel,
            cancel_note=note,
            order_url=supplier_order_url("aliexpress", order_id),
        )


def _unwrap(value: object, key: str) -> list[Any]:
    """`{"aeop_x": [...]}` (simplify=false) or `[...]` (simplify=true) -> the list."""
    if isinstance(value, dict):
        value = value.get(key)
    if isinstance(value, dict):  # a single item sometimes comes unwrapped
        return [value]
    return list(value) if isinstance(value, list) else []


def _money(value: object) -> Money | None:
    """`{amount, currency_code}` -> Money; an unreadable amount is left out, not guessed."""
    if not isinstance(value, dict):
        return None
    amount, currency = value.get("amount"), text_or_none(value.get("currency_code"))
    if amount is None or not currency or len(currency) != 3:
        return None
    try:
        return Money(amount=Decimal(str(amount)), currency=currency.upper())
    except (InvalidOperation, ValueError):
        return None
