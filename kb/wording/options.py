"""Words for the cancel dialog's options, one map per concept, shared by every page that shows them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kb.state import CancelReason, RefundTiming

__all__ = ["CANCEL_REASON_WORDS", "REFUND_WORDS"]

REFUND_WORDS: Mapping[RefundTiming, str] = MappingProxyType(
    {RefundTiming.NOW: "Refund now", RefundTiming.LATER: "Refund later"}
)
CANCEL_REASON_WORDS: Mapping[CancelReason, str] = MappingProxyType({
    CancelReason.CUSTOMER: "Customer changed or cancelled order",
    CancelReason.DECLINED: "Payment declined",
    CancelReason.FRAUD: "Fraudulent order",
    CancelReason.INVENTORY: "Items unavailable",
    CancelReason.STAFF: "Staff error",
    CancelReason.OTHER: "Other",
})
