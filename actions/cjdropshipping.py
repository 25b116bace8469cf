"""CJ Dropshipping API 2.0: order reads, and cancellation by deleteOrder while an order is unpaid.

The API key buys an access token (`getAccessToken`, which CJ allows once per 5 minutes), kept
in this client until it expires and then refreshed; a request refused for its token gets one
new token and one more try. `cancel` re-reads the order, deletes it only when `kb.suppliers`
says the API may (before payment), and re-reads again. A delete whose answer is lost or garbled
is never sent twice: the order is read back, as Shopify's client does after an unclear write, and
an order that still shows no change is an unknown outcome. Tokens and the key never reach a message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr

from actions.errors import (
    ActionError,
    ApiError,
    AuthenticationError,
    NotFoundError,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ServerError,
    SupplierRefused,
)
from actions.settings import CJSettings
from actions.suppliers import malformed, validate_order_id
from actions.wire import (
    RequestCounter,
    json_object,
    read_back,
    reread,
    retry_read,
    safe_text,
    send,
    text_or_none,
)
from kb.state import CancelChannel, Money, SupplierName, SupplierOrderState, SupplierStatus
from kb.suppliers import cancel_channel, normalize_cj, supplier_order_url
from kb.wording import supplier_errors as say

__all__ = ["CJClient", "TOKEN_MARGIN_SECONDS"]

_log = logging.getLogger(__name__)
_SYSTEM = "cjdropshipping"
TOKEN_MARGIN_SECONDS = 300.0  # a token this close to its expiry is renewed before use
_FALLBACK_LIFETIME = 3600.0  # when CJ's expiry date cannot be read, assume an hour rather than 15 days
_CURRENCY = "USD"  # CJ bills in US dollars; its order amounts carry no currency

_AUTH_CODES = {1600001, 1601000}  # invalid key or token; "User not find" for an unknown API key
_SERVER_CODES = {1600000}  # "Interface internal error, please try again later"
_NOT_FOUND_CODES = {1600300}
_RATE_CODES = {1600200, 1600429}


class _Token(BaseModel):
    """An access token and when it stops working (refresh token too, when CJ gives one)."""

    model_config = ConfigDict(frozen=True)

    access: SecretStr
    expires_at: float
    refresh: SecretStr | None = None
    refresh_expires_at: float | None = None


class CJClient:
    """Reads CJ orders and deletes an unpaid one; one token per client, shared by its threads."""

    supplier: SupplierName = "cjdropshipping"

    def __init__(
        self,
        http: httpx.Client,
        settings: CJSettings,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._settings = settings
        self._clock = clock
        self._sleep = sleep
        self._count = RequestCounter()
        self._token: _Token | None = None
        self._token_lock = threading.Lock()
        self._seen_tokens: list[SecretStr] = []  # every token CJ gave us, redacted from anything we say
        self.token_fetches = 0  # getAccessToken + refreshAccessToken calls, for tests and the bench
        self.last_request_id: str | None = None

    @property
    def request_count(self) -> int:
        return self._count.value

    def order_url(self, order_id: str) -> str:
        return supplier_order_url("cjdropshipping", validate_order_id("cjdropshipping", order_id))

    def read_order(self, order_id: str) -> SupplierOrderState:
        """One order's status, amount and tracking; retried on timeouts, 5xx and rate limits."""
        order_id = validate_order_id("cjdropshipping", order_id)
        data = retry_read(
            lambda: self._authorized("GET", "/shopping/order/getOrderDetail", order_id=order_id),
            sleep=self._sleep, what="CJ getOrderDetail",
        )
        return self._state(order_id, data)

    def cancel(self, order_id: str) -> SupplierOrderState:
        """Delete the order at CJ if it is unpaid; otherwise refuse with the reason and the link."""
        order_id = validate_order_id("cjdropshipping", order_id)
        before = self.read_order(order_id)
        if before.status is SupplierStatus.CANCELLED:
            return before
        if before.cancel_channel is not CancelChannel.API:
            raise SupplierRefused(say.cj_cannot_cancel(order_id, before.cancel_note, before.order_url),
                                  system=_SYSTEM, url=before.order_url)
        try:
            self._authorized("DELETE", "/shopping/order/deleteOrder", order_id=order_id)
        except ActionError as exc:
            if not exc.may_have_left:
                raise  # never sent, or clearly refused: CJ did nothing, and the merchant may simply try again
            # It may have been applied: look, never resend.
            _log.warning("CJ deleteOrder outcome unclear (%s); re-reading the order", type(exc).__name__)
            return self._settle_unclear_delete(order_id, exc)
        return self._read_back_delete(order_id, self.last_request_id)

    # --- orders -------------------------------------------------------------------------

    def _settle_unclear_delete(self, order_id: str, exc: ActionError) -> SupplierOrderState:
        """A delete whose answer was lost or garbled: read the order back (as Shopify's client does), say what shows."""
        seen, after = reread(lambda: self._read_after_delete(order_id), _is_cancelled, sleep=self._sleep)
        if after is not None and _is_cancelled(after):
            return after
        if after is not None:
            seen = say.cj_still_shows(after.raw_status or after.status.value)
        raise OutcomeUnknown(
            say.cj_unconfirmed(order_id, exc.message, seen, self.order_url(order_id)),
            system=_SYSTEM,
            request_id=exc.request_id,
        ) from exc

    def _read_back_delete(self, order_id: str, request_id: str | None) -> SupplierOrderState:
        """The order after a delete CJ accepted; a failed read-back leaves the outcome unknown, never an error."""
        try:
            return read_back(lambda: self._read_after_delete(order_id), sleep=self._sleep)
        except ActionError as exc:
            raise OutcomeUnknown(
                say.cj_unread_back(order_id, exc.message),
                system=_SYSTEM,
                request_id=request_id,
            ) from exc

    def _read_after_delete(self, order_id: str) -> SupplierOrderState:
        """The order after a delete: CANCELLED, or gone from CJ (deleteOrder may remove it)."""
        try:
            return self.read_order(order_id)
        except NotFoundError:
            return SupplierOrderState(
                supplier="cjdropshipping", order_id=order_id, status=SupplierStatus.CANCELLED,
                cancel_channel=CancelChannel.NONE,
                cancel_note=say.CJ_DELETED,
                order_url=supplier_order_url("cjdropshipping", order_id),
            )

    def _state(self, order_id: str, data: object) -> SupplierOrderState:
        if data is None:
            raise NotFoundError(say.cj_no_order(order_id), system=_SYSTEM, request_id=self.last_request_id)
        if not isinstance(data, dict):
            raise malformed(_SYSTEM, say.NOT_AN_OBJECT, request_id=self.last_request_id)
        raw_status = text_or_none(data.get("orderStatus"))
        status = normalize_cj(raw_status)
        channel, note = cancel_channel("cjdropshipping", status)
        return SupplierOrderState(
            supplier="cjdropshipping",
            order_id=order_id,
            status=status,
            raw_status=raw_status,
            tracking_number=text_or_none(data.get("trackNumber")),
            amount=_money(data.get("orderAmount")),
            cancel_channel=channel,
            cancel_note=note,
            order_url=supplier_order_url("cjdropshipping", order_id),
        )

    # --- tokens -------------------------------------------------------------------------

    def check_credentials(self) -> None:
        """CJ sells an access token only for a key it accepts (the client keeps it for the next read)."""
        self._access_token()

    def _secrets(self) -> tuple[str, ...]:
        seen = sorted({t.get_secret_value() for t in self._seen_tokens}, key=len, reverse=True)
        return (self._settings.api_key.get_secret_value(), *seen)

    def _access_token(self, *, stale: str | None = None) -> str:
        """A working token: the cached one, a refreshed one, or a new one from the API key.

        `stale` is a token CJ just refused: it is replaced unless another thread already did.
        """
        with self._token_lock:
            now = self._clock()
            token = self._token
            if token is not None and stale is not None and token.access.get_secret_value() == stale:
                token = self._token = token.model_copy(update={"expires_at": 0.0})  # refused: treat as expired
            if token is not None and token.expires_at - TOKEN_MARGIN_SECONDS > now:
                return token.access.get_secret_value()
            if token is not None and token.refresh is not None and (token.refresh_expires_at or 0) - TOKEN_MARGIN_SECONDS > now:
                try:
                    self._token = self._fetch_token("/authentication/refreshAccessToken",
                                                    {"refreshToken": token.refresh.get_secret_value()})
                    return self._token.access.get_secret_value()
                except AuthenticationError:
                    _log.info("CJ refused the refresh token; asking for a new access token with the API key")
            self._token = self._fetch_token("/authentication/getAccessToken",
                                            {"apiKey": self._settings.api_key.get_secret_value()})
            return self._token.access.get_secret_value()

    def _fetch_token(self, path: str, body: Mapping[str, str]) -> _Token:
        self.token_fetches += 1
        data = retry_read(lambda: self._send("POST", path, json=body, auth_call=True),
                          sleep=self._sleep, what=f"CJ {path.rsplit('/', 1)[-1]}")
        if not isinstance(data, dict) or not text_or_none(data.get("accessToken")):
            raise malformed(_SYSTEM, say.NO_ACCESS_TOKEN, request_id=self.last_request_id)
        now = self._clock()
        refresh = text_or_none(data.get("refreshToken"))
        self._seen_tokens += [SecretStr(t) for t in (str(data["accessToken"]), refresh) if t]
        return _Token(
            access=SecretStr(str(data["accessToken"])),
            expires_at=_expiry(data.get("accessTokenExpiryDate"), now),
            refresh=SecretStr(refresh) if refresh else None,
            refresh_expires_at=_expiry(data.get("refreshTokenExpiryDate"), now) if refresh else None,
        )

    # --- wire ---------------------------------------------------------------------------

    def _authorized(self, method: Literal["GET", "DELETE"], path: str, *, order_id: str) -> Any:
        """A call with the access token; a token CJ refuses is replaced once and the call sent again."""
        token = self._access_token()
        try:
            return self._send(method, path, params={"orderId": order_id}, token=token, order_id=order_id)
        except AuthenticationError:
            _log.info("CJ refused the access token; getting a new one and trying once more")
            token = self._access_token(stale=token)
            return self._send(method, path, params={"orderId": order_id}, token=token, order_id=order_id)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Mapping[str, str] | None = None,
        token: str | None = None,
        order_id: str | None = None,
        auth_call: bool = False,
    ) -> Any:
        url = f"{self._settings.api_base_url}{path}"
        headers = {"CJ-Access-Token": token} if token else {}
        self._count.increment()
        # A token call's answer carries tokens we may have seen before (CJ returns the same one for
        # 24 h), so only the key is masked in it; its request id is masked against every token below.
        secrets = (self._settings.api_key.get_secret_value(),) if auth_call else self._secrets()
        response = send(lambda: self._http.request(method, url, params=params, json=json, headers=headers),
                        system=_SYSTEM, title="CJ Dropshipping", secrets=secrets)
        body = json_object(response, parse_float=Decimal)
        request_id = text_or_none(body.get("requestId")) if body is not None else None
        request_id = request_id or response.headers.get("x-request-id") or response.headers.get("requestid")
        if request_id and auth_call:
            request_id = safe_text(request_id, self._secrets())
        self.last_request_id = request_id
        if body is not None and body.get("result") is True and body.get("code") in (200, "200", None):
            return body.get("data")
        raise self._error(response, body, request_id=request_id, order_id=order_id, auth_call=auth_call)

    def _error(
        self, response: httpx.Response, body: object, *, request_id: str | None, order_id: str | None, auth_call: bool
    ) -> ActionError:
        """Translate CJ's envelope (or a bare HTTP error) into the error hierarchy, in a merchant's words."""
        status = response.status_code
        envelope = body if isinstance(body, dict) else {}
        raw_code = envelope.get("code")
        try:
            code = int(raw_code) if raw_code is not None else None
        except (TypeError, ValueError):
            code = None
        message = safe_text(envelope.get("message") or "", self._secrets(), limit=160)
        lowered = message.lower()
        common: dict[str, Any] = {"system": _SYSTEM, "status": status, "code": str(code) if code is not None else None,
                                  "request_id": request_id}
        if status == 429 or code in _RATE_CODES or "too many requests" in lowered:
            return RateLimited(say.CJ_RATE_LIMITED, retry_after=_retry_after(response), **common)
        if status >= 500 or code in _SERVER_CODES or "internal error" in lowered:
            what = message or f"HTTP {status}"
            return ServerError(say.cj_server_error(what), **common)
        if status == 403 and code not in _AUTH_CODES:
            return PermissionDenied(say.CJ_FORBIDDEN, **common)
        if status == 401 or code in _AUTH_CODES or ("token" in lowered and ("invalid" in lowered or "expire" in lowered)):
            return AuthenticationError(say.cj_credentials_refused(api_key=auth_call), **common)
        if code in _NOT_FOUND_CODES or status == 404:
            return NotFoundError(say.cj_not_found(order_id), **common)
        if not isinstance(body, dict):
            return malformed(_SYSTEM, f"HTTP {status}", status=status, request_id=request_id)
        if code is None and body.get("result") is None:
            return malformed(_SYSTEM, say.NO_RESULT, status=status, request_id=request_id)
        return ApiError(say.cj_refused(message), **common)


def _is_cancelled(state: SupplierOrderState | None) -> bool:
    return state is not None and state.status is SupplierStatus.CANCELLED


def _money(value: object) -> Money | None:
    """CJ's `orderAmount` (a number, in US dollars) -> Money; an unreadable amount is left out."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    try:
        return Money(amount=Decimal(str(value)), currency=_CURRENCY)
    except (InvalidOperation, ValueError):
        return None


def _expiry(value: object, now: float) -> float:
    """CJ's expiry date (ISO 8601, usually with an offset) as epoch seconds; unreadable -> an hour from now."""
    text = text_or_none(value)
    if text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.timestamp()
    return now + _FALLBACK_LIFETIME


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None
