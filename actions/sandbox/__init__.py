"""The sandbox: simulated Shopify, AliExpress and CJ as one httpx transport, seeded with demo orders.

The real clients run unchanged against it: build them with `httpx.Client(transport=sandbox.transport)`
and `sandbox.settings`. State lives in the `Sandbox` instance (one per app session), never in the
module, and can be persisted under `.data/`. Controls such as `simulate_manual_supplier_cancel`
stand in for what the merchant, a seller or a fulfillment service does outside the app.

A persisted sandbox is shared: every `Sandbox` (in this process or another) on the same file sees
the others' writes at its next request, because each request and each control runs in one world
transaction (file lock, reload if changed, save once). Its write requests are also kept in the
file (`snapshot()["write_log"]`), so writes sent by several processes can be counted. Fault rules,
the request log and the throttle bucket stay per instance.
"""

from __future__ import annotations

from datetime import UTC, datetime

import copy
import math
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from actions.sandbox.aliexpress import SANDBOX_APP_KEY, SANDBOX_APP_SECRET, SANDBOX_SESSION, AliExpressSimulator
from actions.sandbox.cjdropshipping import SANDBOX_CJ_API_KEY, CJSimulator
from actions.sandbox.faults import FaultPlan, FaultRule, FaultSpecError, parse_faults
from actions.sandbox.seed import DEMO_ORDERS, DEMO_PATHS, order_gid
from actions.sandbox.shopify import SANDBOX_API_VERSION, SANDBOX_SHOP, SANDBOX_TOKEN, ShopifySimulator
from actions.sandbox.transport import HOSTS, SandboxRequest, SandboxTransport, SystemName
from actions.sandbox.world import World, WorldError
from actions.settings import AliExpressSettings, AppSettings, CJSettings, ShopifySettings
from actions.supplier_registry import SUPPLIER_ADAPTERS
from kb.suppliers import SUPPLIER_ALIASES

__all__ = [
    "DEMO_ORDERS",
    "DEMO_PATHS",
    "HOSTS",
    "SANDBOX_API_VERSION",
    "SANDBOX_SHOP",
    "SANDBOX_TOKEN",
    "FaultRule",
    "FaultSpecError",
    "Sandbox",
    "SandboxRequest",
    "WorldError",
    "order_gid",
    "parse_faults",
    "sandbox_settings",
]

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Every name a supplier is written with -> the simulated system that answers for it (its registry entry).
_SUPPLIERS = {alias: SUPPLIER_ADAPTERS[name].sandbox_system for alias, name in SUPPLIER_ALIASES.items()}


def sandbox_settings(base: AppSettings | None = None, *, faults: str = "") -> AppSettings:
    """Settings holding the sandbox's credentials (mode "sandbox"), keeping `base`'s app options."""
    base = base or AppSettings()
    return base.model_copy(
        update={
            "shopify": ShopifySettings(shop=SANDBOX_SHOP, access_token=SecretStr(SANDBOX_TOKEN),
                                       api_version=SANDBOX_API_VERSION),
            "aliexpress": AliExpressSettings(app_key=SANDBOX_APP_KEY, app_secret=SecretStr(SANDBOX_APP_SECRET),
                                             access_token=SecretStr(SANDBOX_SESSION)),
            "cjdropshipping": CJSettings(api_key=SecretStr(SANDBOX_CJ_API_KEY)),
            "force_sandbox": True,
            "sandbox_faults": faults,
        }
    )


class Sandbox:
    """One simulated world (shop + suppliers) with its transport, settings, faults and controls."""

    def __init__(
        self,
        *,
        faults: str = "",
        persist_path: Path | None = None,
        clock: Callable[[], float] = time.time,
        service_reply_delay: float = 3.0,
        seller_reply_delay: float = 3.0,
        job_delay: float = 1.0,
        job_polls_before_done: int = 1,
        latency: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._faults = FaultPlan(faults)
        self._world = World(
            clock=clock,
            persist_path=persist_path,
            service_reply_delay=service_reply_delay,
            seller_reply_delay=seller_reply_delay,
            job_delay=job_delay,
            job_polls_before_done=job_polls_before_done,
        )
        self.latency = latency
        simulators: dict[SystemName, _Simulator] = {
            "shopify": ShopifySimulator(self._world),
            "aliexpress": AliExpressSimulator(self._world),
            "cj": CJSimulator(self._world),
        }
        if persist_path is not None:  # in memory, the simulators' own locking is all there is to do
            simulators = {name: _Shared(name, sim, self._world) for name, sim in simulators.items()}
        self.transport: SandboxTransport = SandboxTransport(
            simulators,
            self._faults,
            latency=lambda: self.latency,
            sleep=sleep,
        )
        self.settings: AppSettings = sandbox_settings(faults=faults)

    @classmethod
    def from_settings(cls, settings: AppSettings, *, session_id: str = "default", **kwargs: Any) -> Sandbox:
        """The sandbox for one app session: faults from settings; persisted under data_dir if asked."""
        if not _SESSION_ID.fullmatch(session_id):
            raise ValueError("a sandbox session id is 1-64 letters, digits, '-' or '_'")
        path = settings.data_dir / "sandbox" / f"{session_id}.json" if settings.sandbox_persist else None
        sandbox = cls(faults=settings.sandbox_faults, persist_path=path, **kwargs)
        sandbox.settings = sandbox_settings(settings, faults=settings.sandbox_faults)
        return sandbox

    # --- plumbing ---------------------------------------------------------------------------------

    @property
    def requests(self) -> list[SandboxRequest]:
        """Every request received so far (system, operation, is_write, fault)."""
        return self.transport.requests

    @property
    def faults(self) -> str:
        return self._faults.spec

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client wired to this sandbox (what the real clients are given)."""
        return httpx.Client(transport=self.transport, **kwargs)

    def now(self) -> datetime:
        """The sandbox's time (its injected clock), which the time-based rules must read too."""
        return datetime.fromtimestamp(self._world.clock(), tz=UTC)

    def reset(self) -> None:
        """Back to the seed: every demo order in its starting state; the request log is kept."""
        self._world.reset()

    def set_faults(self, spec: str) -> None:
        """Replace the fault rules (FaultSpecError on a bad spec, leaving the old rules)."""
        self._faults.replace(spec)
        self.settings = self.settings.model_copy(update={"sandbox_faults": spec})

    # --- what happens outside the app ---------------------------------------------------------

    def simulate_manual_supplier_cancel(self, supplier: str, order_id: str) -> None:
        """The merchant cancels on the supplier's site (ValueError when the supplier would refuse)."""
        manual_cancels = {"aliexpress": self._world.aliexpress_manual_cancel, "cj": self._world.cj_manual_cancel}
        manual_cancels[_supplier(supplier)](order_id)

    def simulate_fulfillment_service_reply(self, fulfillment_order_id: str | None = None, *, accept: bool = True) -> None:
        """The fulfillment service answers a cancellation request (one FO by GID, or every pending one)."""
        fo_id = None
        if fulfillment_order_id is not None:
            match = re.fullmatch(r"(?:gid://shopify/FulfillmentOrder/)?(\d{1,20})", fulfillment_order_id.strip())
            if not match:
                raise ValueError(f"not a fulfillment order id: {fulfillment_order_id[:80]!r}")
            fo_id = int(match.group(1))
        self._world.fulfillment_service_reply(fo_id, accept=accept)

    def simulate_seller_reply(self, supplier: str, order_id: str, *, accept: bool = True) -> None:
        """The seller approves (or refuses) a waiting cancellation."""
        if _supplier(supplier) != "aliexpress":
            raise WorldError("CJ orders have no cancellation waiting for a seller")
        self._world.aliexpress_seller_reply(order_id, accept=accept)

    @property
    def reply_delay(self) -> float:
        """Seconds until the simulated fulfillment service and sellers answer (the longer of the two)."""
        return max(self._world.service_reply_delay, self._world.seller_reply_delay)

    def reply_delay_for(self, supplier_orders: Iterable[tuple[str, str]]) -> float:
        """Seconds until the simulated answers to these (supplier, order id) come; infinite when a seller's answer
        comes only from `simulate_seller_reply` (a seeded pending cancellation such as #1005's has no clock)."""
        for supplier, order_id in supplier_orders:
            if _supplier(supplier) == "aliexpress" and not self._world.seller_answers_by_itself(order_id):
                return math.inf
        return self.reply_delay

    @property
    def persist_path(self) -> Path | None:
        """The file this sandbox is saved in and shared through (None: in memory only)."""
        return self._world.persist_path

    def snapshot(self) -> dict[str, object]:
        """A copy of the raw world now, other processes' writes included (for the panel and tests)."""
        with self._world.transaction():
            self._world.tick()
            return copy.deepcopy(self._world.state)


class _Simulator(Protocol):
    def classify(self, request: httpx.Request) -> tuple[str, bool]: ...
    def handle(self, request: httpx.Request) -> httpx.Response: ...


class _Shared:
    """A simulator on a persisted world: each request is one transaction, and its writes are logged in the file."""

    def __init__(self, system: str, simulator: _Simulator, world: World) -> None:
        self._system = system
        self._simulator = simulator
        self._world = world

    def classify(self, request: httpx.Request) -> tuple[str, bool]:
        return self._simulator.classify(request)

    def handle(self, request: httpx.Request) -> httpx.Response:
        prepare = getattr(self._simulator, "prepare", None)
        if prepare is not None:  # slow, state-free work (building a schema) before the lock, not under it
            prepare(request)
        with self._world.transaction():
            response = self._simulator.handle(request)
            operation, is_write = self._simulator.classify(request)
            if is_write:
                self._world.record_write(self._system, operation)
            return response


def _supplier(name: str) -> str:
    key = _SUPPLIERS.get(name.strip().lower())
    if key is None:
        raise ValueError(f"unknown supplier {name[:40]!r}: {' or '.join(SUPPLIER_ADAPTERS)}")
    return key
