"""Path precedence: which path an order is on, as ordered `(path, guard)` tables. First match wins.

The order is the rule. Once Shopify shows the order cancelled, what still costs money comes
first; before, anything odd comes first, and cancelling is what is left when nothing stands in
the way. A hold never blocks the cancel and is never released to make way for it. Split orders
need no rule of their own: the tables ask "is any supplier order ...", so the whole order takes
the most constraining path of its parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from kb import guards as g
from kb.facts import Facts, Odd, Oddity, SupplierGroup
from kb.walkthrough import PathId

__all__ = ["CANCELLED_RULES", "GROUP_PATHS", "OPEN_RULES", "PathVerdict", "choose_path", "supplier_path"]

Guard = Callable[[Facts], bool]

# Shopify shows the order cancelled.
CANCELLED_RULES: tuple[tuple[PathId, Guard], ...] = (
    (PathId.SUPPLIER_STILL_ACTIVE, g.supplier_active),  # money leaking
    (PathId.CANCELLATION_PENDING, g.supplier_pending),
    (PathId.SUPPLIER_SHIPPED, g.supplier_shipped),  # goods going to a refunded customer
    (PathId.NEEDS_ATTENTION, g.supplier_odd),
    (PathId.ALREADY_CANCELLED, g.always),
)

# Shopify shows the order not cancelled.
OPEN_RULES: tuple[tuple[PathId, Guard], ...] = (
    (PathId.NEEDS_ATTENTION, g.anything_odd),
    (PathId.FULFILLED, g.shopify_fulfilled),
    (PathId.SUPPLIER_SHIPPED, g.supplier_shipped_and_paid),
    (PathId.CANCELLATION_PENDING, g.waiting_for_an_answer),
    (PathId.NEEDS_ATTENTION, g.in_progress_without_revert),
    (PathId.FULFILLMENT_IN_PROGRESS, g.fulfillment_in_progress),
    (PathId.CANCELLABLE, g.always),
)

# One supplier order of a (split) order, on its own: (path while Shopify is open, once cancelled).
GROUP_PATHS: Mapping[SupplierGroup, tuple[PathId, PathId]] = MappingProxyType({
    SupplierGroup.ACTIVE: (PathId.CANCELLABLE, PathId.SUPPLIER_STILL_ACTIVE),
    SupplierGroup.PENDING: (PathId.CANCELLATION_PENDING, PathId.CANCELLATION_PENDING),
    SupplierGroup.SHIPPED: (PathId.SUPPLIER_SHIPPED, PathId.SUPPLIER_SHIPPED),
    SupplierGroup.CANCELLED: (PathId.ALREADY_CANCELLED, PathId.ALREADY_CANCELLED),
    SupplierGroup.ODD: (PathId.NEEDS_ATTENTION, PathId.NEEDS_ATTENTION),
})


class PathVerdict(NamedTuple):
    """The whole order's path and, for needs_attention, what is odd on the Shopify side."""

    path: PathId
    shopify_odd: tuple[Oddity, ...] = ()


def choose_path(f: Facts) -> PathVerdict:
    rules = CANCELLED_RULES if f.cancelled else OPEN_RULES
    path = next(path for path, guard in rules if guard(f))
    if path is not PathId.NEEDS_ATTENTION or f.cancelled:
        return PathVerdict(path)
    if g.anything_odd(f):
        return PathVerdict(path, f.shopify_odd)
    if not f.to_revert:
        return PathVerdict(path, (Oddity(Odd.IN_PROGRESS_NO_REVERT),))
    return PathVerdict(path, tuple(Oddity(Odd.REVERT_NOT_ALLOWED, fo) for fo, action in f.to_revert if action is None))


def supplier_path(group: SupplierGroup, *, shopify_cancelled: bool) -> PathId:
    return GROUP_PATHS[group][shopify_cancelled]
