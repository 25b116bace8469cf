"""The sandbox as one httpx transport: routes by host, injects faults, logs every request.

It never touches the network: an unknown host raises `httpx.ConnectError`, as an unreachable
host would. Safe to call from several threads at once (the world and the fault plan lock).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Literal, Protocol

import httpx
from pydantic import BaseModel, ConfigDict

from actions.sandbox.aliexpress import error_body
from actions.sandbox.cjdropshipping import CODE_INVALID_TOKEN, CODE_TOO_MANY, envelope
from actions.sandbox.faults import FaultPlan, FaultRule
from actions.sandbox.shopify import SANDBOX_SHOP, estimate_cost, throttled_body

__all__ = ["HOSTS", "SandboxRequest", "SandboxTransport", "SystemName"]

SystemName = Literal["shopify", "aliexpress", "cj"]
HOSTS: dict[str, SystemName] = {
    SANDBOX_SHOP: "shopify",
    "api-sg.aliexpress.com": "aliexpress",
    "developers.cjdropshipping.com": "cj",
}


class SandboxRequest(BaseModel):
    """One request the sandbox received: which system, what operation, whether it writes."""

    model_config = ConfigDict(frozen=True)

    system: SystemName
    operation: str
    is_write: bool
    fault: str | None = None


class _Simulator(Protocol):
    def classify(self, request: httpx.Request) -> tuple[str, bool]: ...
    def handle(self, request: httpx.Request) -> httpx.Response: ...


class SandboxTransport(httpx.BaseTransport):
    """Routes to the simulators; applies latency and the active fault rules first."""

    def __init__(
        self,
        simulators: dict[SystemName, _Simulator],
        faults: FaultPlan,
        *,
        latency: Callable[[], float] = lambda: 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._simulators = simulators
        self._faults = faults
        self._latency = latency
        self._sleep = sleep
        self._log_lock = threading.Lock()
        self.requests: list[SandboxRequest] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        host = (request.url.host or "").lower()
        system = HOSTS.get(host)
        if system is None:
            raise httpx.ConnectError(f"sandbox: no such host {host[:80]!r} (the sandbox never uses the network)",
                                     request=request)
        simulator = self._simulators[system]
        operation, is_write = simulator.classify(request)
        rule = self._faults.take(system, is_write)
        with self._log_lock:
            self.requests.append(SandboxRequest(system=system, operation=operation, is_write=is_write,
                                                fault=rule.fault if rule else None))
        delay = self._latency()
        if delay > 0:
            self._sleep(delay)
        if rule is not None:
            early = self._before(rule, system, request)
            if early is not None:
                return early
        response = simulator.handle(request)
        if rule is not None and rule.fault == "timeout_after":
            raise httpx.ReadTimeout("sandbox: simulated timeout after the request was applied", request=request)
        return response

    def _before(self, rule: FaultRule, system: SystemName, request: httpx.Request) -> httpx.Response | None:
        """A fault that answers (or fails) before the world sees the request; None lets it through."""
        fault = rule.fault
        if fault == "slow":
            self._sleep(rule.delay_ms / 1000)
            return None
        if fault == "timeout_after":
            return None
        if fault == "timeout":
            raise httpx.ReadTimeout("sandbox: simulated timeout (the request was not applied)", request=request)
        if fault == "malformed":
            return httpx.Response(200, content=b'{"data": {"order": {"id": "gid://shop', headers=_headers(system))
        return _FAULT_RESPONSES[system](fault, request)


def _headers(system: SystemName, extra: dict[str, str] | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if system == "shopify":
        headers["X-Request-Id"] = str(uuid.uuid4())
    return {**headers, **(extra or {})}


def _response(system: SystemName, status: int, body: object, extra: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=_headers(system, extra))


def _shopify_fault(fault: str, request: httpx.Request) -> httpx.Response:
    if fault in ("throttled", "throttled429"):
        requested = max(estimate_cost(request.content), 1)
        body = throttled_body(requested, max(0.0, requested - 100.0), 100.0)
        if fault == "throttled":
            return _response("shopify", 200, body)
        return _response("shopify", 429, body, {"Retry-After": "1.0"})
    if fault == "401":
        return _response("shopify", 401,
                         {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
    if fault == "403":
        return _response("shopify", 403, {"errors": "[API] This action requires merchant approval for "
                                                    "write_orders scope."})
    return _response("shopify", 503, {"errors": "Service Unavailable"})


def _aliexpress_fault(fault: str, request: httpx.Request) -> httpx.Response:
    if fault in ("throttled", "throttled429"):
        status = 429 if fault == "throttled429" else 200
        return _response("aliexpress", status, error_body("ApiCallLimit", "App Call Limited", type_="ISP",
                                                          sub_code="isp.call-limited",
                                                          sub_msg="The API call frequency exceeds the limit"))
    if fault == "401":
        return _response("aliexpress", 401, error_body("IllegalAccessToken",
                                                       "The specified access token is invalid or expired"))
    if fault == "403":
        return _response("aliexpress", 403, error_body("15", "Remote service error",
                                                       sub_code="isv.insufficient-permission",
                                                       sub_msg="Insufficient permission."))
    return _response("aliexpress", 503, error_body("15", "Remote service error", type_="ISP",
                                                   sub_code="isp.service-unavailable",
                                                   sub_msg="The service is temporarily unavailable, please retry"))


def _cj_fault(fault: str, request: httpx.Request) -> httpx.Response:
    if fault in ("throttled", "throttled429"):
        status = 429 if fault == "throttled429" else 200
        return _response("cj", status, envelope(CODE_TOO_MANY, "Too Many Requests, QPS limit is 1 time/1second"))
    if fault == "401":
        return _response("cj", 401, envelope(CODE_INVALID_TOKEN, "Invalid API key or access token"))
    if fault == "403":
        return _response("cj", 403, envelope(1600002, "Permission denied"))
    return _response("cj", 503, envelope(1600000, "Interface internal error, please try again later"))


_FAULT_RESPONSES: dict[SystemName, Callable[[str, httpx.Request], httpx.Response]] = {
    "shopify": _shopify_fault,
    "aliexpress": _aliexpress_fault,
    "cj": _cj_fault,
}
