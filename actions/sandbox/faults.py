"""Faults on demand: a small spec language, so settings, the sandbox panel and tests agree.

Spec: comma-separated rules `<system>[.read|.write]:<fault>[=<ms>][@<count>]`, for example
`shopify:throttled@2, aliexpress:5xx, cj.write:timeout_after@1, *:slow=800`.

- system: `shopify`, `aliexpress`, `cj` (or `cjdropshipping`), or `*` for every system.
- fault: `throttled` (Shopify's HTTP 200 THROTTLED body; a supplier's rate-limit error),
  `throttled429` (HTTP 429), `5xx`, `timeout` (httpx.ReadTimeout before the request reaches
  the world: nothing happened), `timeout_after` (the write is applied, then httpx.ReadTimeout:
  the ambiguous case), `malformed` (a body that is not JSON; the request is not applied),
  `slow` (waits `=<ms>` milliseconds, default 2000, then answers normally), `401`, `403`.
- `@N`: only the next N matching requests; without it, every matching request.
"""

from __future__ import annotations

import re
import threading
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict

from actions.errors import ConfigError

__all__ = ["FAULT_KINDS", "FaultKind", "FaultPlan", "FaultRule", "FaultSpecError", "System", "parse_faults"]

System = Literal["shopify", "aliexpress", "cj", "*"]
FaultKind = Literal["throttled", "throttled429", "5xx", "timeout", "timeout_after", "malformed", "slow", "401", "403"]
FAULT_KINDS: tuple[str, ...] = ("throttled", "throttled429", "5xx", "timeout", "timeout_after", "malformed", "slow", "401", "403")

_SYSTEMS = {"shopify": "shopify", "aliexpress": "aliexpress", "cj": "cj", "cjdropshipping": "cj", "*": "*", "all": "*"}
_RULE = re.compile(
    r"^(?P<system>[a-z*]+)(?:\.(?P<kind>read|write))?:(?P<fault>[a-z0-9_]+)(?:=(?P<ms>\d{1,6}))?(?:@(?P<count>\d{1,6}))?$"
)


class FaultSpecError(ConfigError, ValueError):
    """Raised when a fault spec cannot be parsed; the message names the bad rule.

    A setting like any other (`CANCEL_ASSIST_SANDBOX_FAULTS`), so the UI and the CLI report it as
    a configuration error in one sentence.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, system="sandbox")


class FaultRule(BaseModel):
    """One parsed rule: which requests it hits, what it does, how many times."""

    model_config = ConfigDict(frozen=True)

    system: System
    only: Literal["read", "write"] | None = None
    fault: FaultKind
    count: int | None = None  # None: every matching request
    delay_ms: int = 2000  # for `slow`

    def matches(self, system: str, is_write: bool) -> bool:
        if self.system != "*" and self.system != system:
            return False
        if self.only == "read" and is_write:
            return False
        return not (self.only == "write" and not is_write)


def parse_faults(spec: str) -> tuple[FaultRule, ...]:
    """Parse a spec string into rules; an empty spec means no faults."""
    rules: list[FaultRule] = []
    for raw in (part.strip().lower() for part in (spec or "").replace(";", ",").split(",")):
        if not raw:
            continue
        match = _RULE.match(raw.replace(" ", ""))
        if not match or match["system"] not in _SYSTEMS or match["fault"] not in FAULT_KINDS:
            raise FaultSpecError(
                f"fault rule {raw[:60]!r} is not <system>[.read|.write]:<fault>[@count] "
                f"(systems: shopify, aliexpress, cj, *; faults: {', '.join(FAULT_KINDS)})"
            )
        count = int(match["count"]) if match["count"] else None
        if count == 0:
            continue
        rules.append(
            FaultRule(
                # The pattern and the checks above admit only these values.
                system=cast(System, _SYSTEMS[match["system"]]),
                only=cast(Literal["read", "write"] | None, match["kind"]),
                fault=cast(FaultKind, match["fault"]),
                count=count,
                delay_ms=int(match["ms"]) if match["ms"] else 2000,
            )
        )
    return tuple(rules)


class FaultPlan:
    """The active rules with their remaining counts; thread-safe (requests arrive concurrently)."""

    def __init__(self, spec: str = "") -> None:
        self._lock = threading.Lock()
        self._rules: list[list[FaultRule | int | None]] = []
        self.spec = ""
        self.replace(spec)

    def replace(self, spec: str) -> None:
        """Swap in a new spec (parsed first, so a bad spec leaves the old one in place)."""
        rules = parse_faults(spec)
        with self._lock:
            self._rules = [[rule, rule.count] for rule in rules]
            self.spec = spec or ""

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        with self._lock:
            return tuple(cast(FaultRule, r[0]) for r in self._rules)  # each entry is [rule, count left]

    def take(self, system: str, is_write: bool) -> FaultRule | None:
        """The first rule that hits this request (consuming one of its uses), or None."""
        with self._lock:
            for entry in self._rules:
                rule, left = entry[0], entry[1]
                assert isinstance(rule, FaultRule)
                if left == 0 or not rule.matches(system, is_write):
                    continue
                if isinstance(left, int):
                    entry[1] = left - 1
                return rule
        return None
