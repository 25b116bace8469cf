"""What the rules answer: the path an order is on and the guide's steps with their status.

`kb.paths.decide` builds a `Walkthrough`; pages and the CLI only render it.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from kb.state import FulfillmentOrderAction, SupplierName

__all__ = [
    "ActionId",
    "PathId",
    "StepStatus",
    "SupplierVerdict",
    "Walkthrough",
    "WalkthroughStep",
]


class PathId(StrEnum):
    """The paths an order can be on. The values are an interface (CLI JSON, tests, links)."""

    CANCELLABLE = "cancellable"
    FULFILLMENT_IN_PROGRESS = "fulfillment_in_progress"
    CANCELLATION_PENDING = "cancellation_pending"
    SUPPLIER_SHIPPED = "supplier_shipped"
    FULFILLED = "fulfilled"
    SUPPLIER_STILL_ACTIVE = "supplier_still_active"
    ALREADY_CANCELLED = "already_cancelled"
    NEEDS_ATTENTION = "needs_attention"


class StepStatus(StrEnum):
    DONE = "done"
    NEXT = "next"
    BLOCKED = "blocked"
    NOT_NEEDED = "not_needed"


class ActionId(StrEnum):
    """The buttons a step can offer; `actions.assistant` knows how to run each one."""

    CHECK_SUPPLIER = "check_supplier"  # re-read the supplier order
    CANCEL_SUPPLIER = "cancel_supplier"  # cancel at the supplier through its API
    OPEN_SUPPLIER = "open_supplier"  # open the order on the supplier's site to cancel by hand
    REVERT_FULFILLMENT = "revert_fulfillment"  # the fulfillment-order mutation Shopify allows
    CANCEL_ORDER = "cancel_order"  # Shopify's orderCancel, after a confirmation
    # No supplier order found: enter its number(s), or confirm none was placed (a form, not a button).
    FIND_SUPPLIER_ORDER = "find_supplier_order"
    # The supplier order could not be read: open it on the supplier's site and say what it shows (a form).
    CHECK_BY_HAND = "check_by_hand"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WalkthroughStep(_Frozen):
    """One guide step for this order: its status, why, and the button it offers."""

    step_id: str  # a step id of kb/guides/cancel-an-order.md
    title: str
    status: StepStatus
    reason: str  # plain words: why this status
    action: ActionId | None = None
    target: str | None = None  # supplier order id or fulfillment order GID the action is for
    supplier: SupplierName | None = None
    revert: FulfillmentOrderAction | None = None  # the revert mutation, from supported actions


class SupplierVerdict(_Frozen):
    """The decision for one supplier order of a (possibly split) order."""

    supplier: SupplierName
    order_id: str
    path: PathId
    reason: str


class Walkthrough(_Frozen):
    """The whole answer for one order."""

    path: PathId
    title: str
    explanation: str  # one paragraph a new merchant understands
    cites: str  # guide section id the explanation comes from
    steps: tuple[WalkthroughStep, ...]
    warnings: tuple[str, ...] = ()
    suppliers: tuple[SupplierVerdict, ...] = ()
    check_again_after: timedelta | None = None

    @property
    def next_step(self) -> WalkthroughStep | None:
        return next((s for s in self.steps if s.status is StepStatus.NEXT), None)
