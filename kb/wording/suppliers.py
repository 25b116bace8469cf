"""Words for why a supplier order cannot be cancelled now, whatever the supplier (`kb.suppliers.cancel_channel`).

How each supplier cancels an order in a status it can cancel is its registry entry's own sentence
(`kb.suppliers.SupplierRules.channels`), so adding a supplier stays one entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kb.state import SupplierStatus

__all__ = ["ANY_SUPPLIER", "NOT_CANCELLABLE_WORDS", "UNSUPPORTED_SUPPLIER", "unknown_supplier", "wrong_order_id"]

_S = SupplierStatus

# Per status no supplier can cancel in, why (a status missing here reads as UNKNOWN's).
NOT_CANCELLABLE_WORDS: Mapping[SupplierStatus, str] = MappingProxyType({
    _S.HELD: "It is on hold at the supplier (risk control, a missing address or a group buy): "
             "open it on the supplier's site and see what the supplier needs before cancelling anything.",
    _S.CANCEL_REQUESTED: "A cancellation is already requested and waits for the seller; do not ask twice. "
                         "Check again later.",
    _S.PARTIALLY_SHIPPED: "Part of it has shipped, so it can no longer be cancelled: "
                          "ask the supplier for a return or open a dispute.",
    _S.SHIPPED: "It has shipped, so it can no longer be cancelled: ask the supplier for a return "
                "or open a dispute once it arrives.",
    _S.COMPLETED: "It is delivered and completed, so there is nothing to cancel: "
                  "use a return or a dispute if needed.",
    _S.CANCELLED: "It is already cancelled at the supplier; nothing more to do there.",
    _S.IN_DISPUTE: "A dispute or refund case is open: follow it on the supplier's site instead of cancelling.",
    _S.UNKNOWN: "We do not know its status, so we cannot tell whether it can be cancelled: "
                "check it on the supplier's site.",
})
ANY_SUPPLIER = "the supplier"  # a supplier order whose supplier is not named
UNSUPPORTED_SUPPLIER = "This supplier is not supported: check the order on the supplier's site."


def unknown_supplier(shown: str) -> str:
    """A supplier name that has no registry entry (`shown`: the name, cut and quoted by the caller)."""
    return f"unknown supplier {shown}"


def wrong_order_id(title: str, shape: str, shown: str) -> str:
    """An order id that cannot be this supplier's (`shape`: its ids in words, the entry's `id_shape`)."""
    return f"{title} order ids are {shape}, not {shown}"
