"""Supplier order statuses in one vocabulary, and what cancellation each one allows.

Pure: the adapters in `actions/` read the raw values, this module decides what they mean.
Every raw value documented for AliExpress (DS API, plus three legacy seller-side values) and
CJ Dropshipping (API 2.0) is mapped on purpose; anything else is `UNKNOWN`, which is never
cancellable, so a status we have never seen can only lead to "look at it by hand".
Facts: AliExpress DS doc `aliexpress.trade.ds.order.get`, CJ API 2.0 shopping docs
(summarised in the project's supplier research notes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType

from kb.state import CancelChannel, SupplierName, SupplierStatus
from kb.wording.suppliers import (
    ANY_SUPPLIER,
    NOT_CANCELLABLE_WORDS,
    UNSUPPORTED_SUPPLIER,
    unknown_supplier,
    wrong_order_id,
)

__all__ = [
    "ALIEXPRESS_LOGISTICS_NOT_SHIPPED",
    "ALIEXPRESS_LOGISTICS_SHIPPED",
    "ALIEXPRESS_STATUSES",
    "CJ_STATUSES",
    "SUPPLIERS",
    "SUPPLIER_ALIASES",
    "SUPPLIER_TITLES",
    "SupplierRules",
    "supplier_title",
    "cancel_channel",
    "check_order_id",
    "normalize_aliexpress",
    "normalize_cj",
    "supplier_of_id",
    "supplier_order_url",
]

_S = SupplierStatus


ALIEXPRESS_STATUSES: Mapping[str, SupplierStatus] = MappingProxyType({
    # Placed, payment not taken yet: AliExpress cancels it at once from the order page.
    "PLACE_ORDER_SUCCESS": _S.PLACED_UNPAID,
    # The payment is being charged: money has moved, so a cancellation from here on is a
    # request the seller must approve, exactly as for a paid order.
    "PAYMENT_PROCESSING": _S.AWAITING_SHIPMENT,
    # Paid; the seller confirms the amount before preparing the parcel: paid, not shipped.
    "WAIT_SELLER_EXAMINE_MONEY": _S.AWAITING_SHIPMENT,
    # AliExpress' risk check after payment (up to 24 h): nothing moves until it ends; look at it.
    "RISK_CONTROL": _S.HELD,
    # An ongoing risk-control hold: same as above, it may end in a closure by AliExpress.
    "RISK_CONTROL_HOLD": _S.HELD,
    # Paid, waiting for the seller to ship: cancellable on the site with the seller's approval.
    "WAIT_SELLER_SEND_GOODS": _S.AWAITING_SHIPMENT,
    # Some items left the warehouse: the shipped part can only be returned or disputed.
    "SELLER_PART_SEND_GOODS": _S.PARTIALLY_SHIPPED,
    # Everything shipped, waiting for the buyer to confirm receipt.
    "WAIT_BUYER_ACCEPT_GOODS": _S.SHIPPED,
    # FINISH is both "completed" and "closed": `normalize_aliexpress` reads end_reason and
    # logistics_status to tell them apart; this entry is what FINISH means with no other hint.
    "FINISH": _S.COMPLETED,
    # A cancellation was requested and waits for the seller (up to 72 h, then AliExpress closes it).
    "IN_CANCEL": _S.CANCEL_REQUESTED,
    # A group-buy order waiting for enough buyers: it will not ship until the group forms.
    "WAIT_GROUP": _S.HELD,
    # AliExpress needs a complete shipping address before anything happens.
    "WAIT_COMPLETE_ADDRESS": _S.HELD,
    # Legacy: "buyer and seller agreed, funds processing", i.e. a refund agreement is being paid out.
    "FUND_PROCESSING": _S.IN_DISPUTE,
    # Legacy: a dispute is open.
    "IN_ISSUE": _S.IN_DISPUTE,
    # Legacy: the order is frozen (usually by a dispute or a risk check): look at it.
    "IN_FROZEN": _S.HELD,
})

CJ_STATUSES: Mapping[str, SupplierStatus] = MappingProxyType({
    # Created, waiting for confirmation: nothing paid, CJ's deleteOrder removes it.
    "CREATED": _S.PLACED_UNPAID,
    # In the CJ cart, waiting for confirmation: nothing paid.
    "IN_CART": _S.PLACED_UNPAID,
    # Confirmed with a CJ order number, not paid: still deletable.
    "UNPAID": _S.PLACED_UNPAID,
    # Paid, pending shipment: only CJ support (or a dispute) can stop it.
    "UNSHIPPED": _S.AWAITING_SHIPMENT,
    # In transit.
    "SHIPPED": _S.SHIPPED,
    # Delivered.
    "DELIVERED": _S.COMPLETED,
    # Cancelled (by the merchant or by CJ, e.g. out of stock).
    "CANCELLED": _S.CANCELLED,
    # CJ's catch-all: it says nothing we could act on, so it is not a status we know.
    "OTHER": _S.UNKNOWN,
})

# AliExpress `logistics_status` values that mean goods left the seller.
ALIEXPRESS_LOGISTICS_SHIPPED = frozenset({"SELLER_SEND_GOODS", "SELLER_SEND_PART_GOODS", "BUYER_ACCEPT_GOODS"})
# Values that mean nothing was sent (NO_LOGISTICS: no shipment was ever created).
ALIEXPRESS_LOGISTICS_NOT_SHIPPED = frozenset({"DEFAULT", "WAIT_SELLER_SEND_GOODS", "NO_LOGISTICS"})

# End reasons are free-ish identifiers (the DS doc shows "CANCELED"; legacy docs show values such as
# "buyer_cancel_order", "buyer_pay_timeout", "seller_send_goods_timeout", "risk_reject_closed",
# "buyer_accept_goods_timeout"). We read them by their words, confirmations first.
_COMPLETED_WORDS = ("ACCEPT_GOODS", "CONFIRM")
_CLOSED_WORDS = ("CANCEL", "CLOSE", "TIMEOUT", "REJECT", "REFUND")

_ALIEXPRESS_ID = re.compile(r"^[0-9]{1,20}$")
_CJ_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _key(value: str | None) -> str:
    return (value or "").strip().upper()


def _finish(end_reason: str | None, logistics_status: str | None) -> SupplierStatus:
    """FINISH is 'completed' or 'closed': goods that left mean completed, a closing reason means cancelled."""
    reason, logistics = _key(end_reason), _key(logistics_status)
    if logistics in ALIEXPRESS_LOGISTICS_SHIPPED or any(w in reason for w in _COMPLETED_WORDS):
        return _S.COMPLETED
    if any(w in reason for w in _CLOSED_WORDS):
        return _S.CANCELLED
    if logistics in ALIEXPRESS_LOGISTICS_NOT_SHIPPED:
        return _S.CANCELLED  # finished while nothing was ever sent: it was closed
    if not reason and not logistics:
        return _S.COMPLETED  # the DS doc reads FINISH as completed unless end_reason says otherwise
    return _S.UNKNOWN  # an end reason we cannot read, nothing else to go on: do not guess


def normalize_aliexpress(
    order_status: str | None, *, end_reason: str | None = None, logistics_status: str | None = None
) -> SupplierStatus:
    """An AliExpress DS `order_status` (with its end reason and logistics status) in our vocabulary."""
    key = _key(order_status)
    if key == "FINISH":
        return _finish(end_reason, logistics_status)
    return ALIEXPRESS_STATUSES.get(key, _S.UNKNOWN)


def normalize_cj(order_status: str | None) -> SupplierStatus:
    """A CJ Dropshipping `orderStatus` in our vocabulary."""
    return CJ_STATUSES.get(_key(order_status), _S.UNKNOWN)


@dataclass(frozen=True, slots=True)
class SupplierRules:
    """Everything the rules know about one supplier: one entry of `SUPPLIERS`.

    `channels`: how an order in each status can be cancelled now, and why (a status not listed is
    not cancellable: `kb.wording.suppliers.NOT_CANCELLABLE_WORDS` says why); the note says how, not whether
    it is paid: the walkthrough's step says that first (`kb.wording.steps`), and the CLI shows the status beside it. `closes_unanswered_after`: a
    marketplace that closes an order and refunds when the seller leaves a cancellation request unanswered that long.
    """

    name: SupplierName
    title: str
    aliases: tuple[str, ...]  # other names apps and merchants write for it (lower case)
    id_pattern: re.Pattern[str]
    id_shape: str  # the pattern in words, for an error message
    signature: re.Pattern[str]  # an id only this supplier's can be (matched at its start)
    order_url: str  # the order's page on the supplier's site, with `{order_id}`
    normalize: Callable[..., SupplierStatus]  # raw status (and its hints) -> our vocabulary
    channels: Mapping[SupplierStatus, tuple[CancelChannel, str]]
    seller_approves: bool  # a cancellation is a request a seller answers (not the supplier itself)
    closes_unanswered_after: timedelta | None = None

    def owns(self, order_id: str) -> bool:
        """The order id can be this supplier's."""
        return bool(self.id_pattern.fullmatch(order_id))


_C = CancelChannel
_ENTRIES: dict[SupplierName, SupplierRules] = {
    "aliexpress": SupplierRules(
        name="aliexpress",
        title="AliExpress",
        aliases=(),
        id_pattern=_ALIEXPRESS_ID,
        id_shape="numbers of at most 20 digits",
        signature=re.compile(r"[0-9]+$"),
        # The commonly used order-detail deep link (DSers and others link there); not officially documented.
        order_url="https://www.aliexpress.com/p/order/detail.html?orderId={order_id}",
        normalize=normalize_aliexpress,
        channels=MappingProxyType({
            _S.PLACED_UNPAID: (_C.MANUAL, (
                "Cancel it on AliExpress (order details, \u201cCancel order\u201d): AliExpress has no cancel API, "
                "and an unpaid order is cancelled at once.")),
            _S.AWAITING_SHIPMENT: (_C.MANUAL, (
                "Request the cancellation on AliExpress (order details, "
                "\u201cCancel order\u201d). The seller must approve it; if they do not answer within 72 hours, "
                "AliExpress closes the order and refunds you.")),
            _S.CANCEL_REQUESTED: (_C.NONE, (
                "A cancellation is already requested and waits for the seller's approval; do not ask twice. "
                "If the seller does not answer within 72 hours, AliExpress closes the order and refunds you: "
                "check again later.")),
        }),
        seller_approves=True,
        closes_unanswered_after=timedelta(hours=72),
    ),
    "cjdropshipping": SupplierRules(
        name="cjdropshipping",
        title="CJ Dropshipping",
        aliases=("cj",),
        id_pattern=_CJ_ID,
        id_shape="letters, digits and dashes (at most 64)",
        signature=re.compile(r"(?i:cj)"),
        # UNVERIFIED: CJ's order-detail route in the merchant dashboard, as seen in public links; CJ documents none.
        order_url="https://cjdropshipping.com/my.html#/order-detail?orderId={order_id}",
        normalize=normalize_cj,
        channels=MappingProxyType({
            _S.PLACED_UNPAID: (_C.API, "It can be cancelled here (CJ deletes the order)."),
            _S.AWAITING_SHIPMENT: (_C.MANUAL, (
                "CJ only cancels paid orders through its support or a dispute, "
                "so open the order on CJ and contact them.")),
        }),
        seller_approves=False,
    ),
}
SUPPLIERS: Mapping[SupplierName, SupplierRules] = MappingProxyType(_ENTRIES)


class _Titles(Mapping[str, str]):
    """Each supplier's title, read from its entry."""

    def __getitem__(self, name: str) -> str:
        return SUPPLIERS[name].title  # type: ignore[index]  # a str that is no SupplierName is a KeyError, as wanted

    def __iter__(self) -> Iterator[str]:
        return iter(SUPPLIERS)

    def __len__(self) -> int:
        return len(SUPPLIERS)


SUPPLIER_TITLES: Mapping[str, str] = _Titles()
# Every name a supplier is written with (settings, metafields, the CLI) -> its registry name.
SUPPLIER_ALIASES: Mapping[str, SupplierName] = MappingProxyType(
    {alias: name for name, rules in SUPPLIERS.items() for alias in (name, *rules.aliases)})


def supplier_of_id(order_id: str) -> SupplierName | None:
    """The one supplier an order id can belong to, by its shape (AliExpress ids are digits); None if unclear."""
    found = [name for name, rules in SUPPLIERS.items() if rules.signature.match(order_id)]
    return found[0] if len(found) == 1 else None


def supplier_title(supplier: str | None) -> str:
    """The supplier's name as a merchant writes it."""
    return SUPPLIER_TITLES.get(supplier or "", supplier or ANY_SUPPLIER)


def cancel_channel(supplier: SupplierName, status: SupplierStatus) -> tuple[CancelChannel, str]:
    """How this supplier order can be cancelled now (API, by hand on the site, not at all), and why."""
    rules = SUPPLIERS.get(supplier)
    if rules is None:
        return CancelChannel.NONE, UNSUPPORTED_SUPPLIER
    return rules.channels.get(status) or (CancelChannel.NONE,
                                          NOT_CANCELLABLE_WORDS.get(status, NOT_CANCELLABLE_WORDS[_S.UNKNOWN]))


def check_order_id(supplier: SupplierName, order_id: str) -> str:
    """The order id, stripped, if it can be one of this supplier's (ValueError otherwise).

    The message never echoes more than 40 characters of the input.
    """
    value = (order_id or "").strip()
    rules = SUPPLIERS.get(supplier)
    if rules is None:
        raise ValueError(unknown_supplier(repr(str(supplier)[:40])))
    if not rules.owns(value):
        raise ValueError(wrong_order_id(rules.title, rules.id_shape, repr(value[:40])))
    return value


def supplier_order_url(supplier: SupplierName, order_id: str) -> str:
    """The page of this order on the supplier's site, where the merchant cancels by hand."""
    return SUPPLIERS[supplier].order_url.format(order_id=check_order_id(supplier, order_id))
