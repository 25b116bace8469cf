"""Money rules of a cancellation: what can still be refunded, in which currency, and the default choices.

Shopify's `netPaymentSet` is what the customer paid minus what was already refunded: the most a
refund can return. `totalReceivedSet` counts money *before* refunds, so quoting it for an order that
was already partly refunded would promise money twice. Every caller (rules, dialog, CLI, reply) reads
the amounts from here, so they all quote the same number.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from kb.revert import is_fraud_hold
from kb.state import (
    CancelOptions,
    CancelReason,
    DisplayFinancialStatus,
    Dispute,
    Money,
    RefundTiming,
    ShopifyOrderState,
)

__all__ = [
    "NoRefund",
    "default_reason",
    "default_refund",
    "effective_options",
    "no_refund",
    "REFUND_OWING",
    "REFUNDED",
    "open_chargebacks",
    "refund_owed",
    "refunds_into_a_dispute",
    "refundable",
    "refundable_presentment",
    "unpaid_manual_payment",
]

_ZERO = Decimal("0")


def refundable(shop: ShopifyOrderState) -> Money:
    """What a refund can still return, in the shop's currency (net payment; received when not read)."""
    if shop.refundable is not None:
        return shop.refundable
    if shop.received is not None:
        return shop.received
    return Money(amount=_ZERO, currency=shop.total.currency)


def refundable_presentment(shop: ShopifyOrderState) -> Money | None:
    """The same amount in the currency the customer paid in, or None when it is the shop's own."""
    money = shop.refundable_presentment
    if money is None or money.currency == refundable(shop).currency:
        return None
    return money


def unpaid_manual_payment(shop: ShopifyOrderState) -> bool:
    """Cash on delivery, bank deposit...: PENDING on a manual method with nothing received yet.

    Shopify shows such orders PENDING until the merchant marks them paid; they are not waiting on a
    payment authorization, so they can be cancelled, and there is nothing to refund.
    """
    if shop.financial_status is not DisplayFinancialStatus.PENDING or not shop.manual_payment:
        return False
    received = shop.received.amount if shop.received is not None else _ZERO
    return received <= _ZERO and refundable(shop).amount <= _ZERO


class NoRefund(StrEnum):
    """Why a cancel can send no refund at all, so refunding now or later is no choice."""

    UNPAID_MANUAL = "unpaid_manual"  # cash on delivery or another manual method, nothing received yet
    NOT_CAPTURED = "not_captured"  # only authorized (or pending, expired, voided): no money was taken
    ALREADY_REFUNDED = "already_refunded"  # what was paid has been refunded already
    NOTHING_LEFT = "nothing_left"  # nothing left to refund, for any other reason


_NOT_CAPTURED = frozenset({DisplayFinancialStatus.AUTHORIZED, DisplayFinancialStatus.PENDING,
                           DisplayFinancialStatus.EXPIRED, DisplayFinancialStatus.VOIDED})
# Financial statuses that show (some of) the payment refunded.
REFUNDED = frozenset({DisplayFinancialStatus.REFUNDED, DisplayFinancialStatus.PARTIALLY_REFUNDED})


def no_refund(shop: ShopifyOrderState) -> NoRefund | None:
    """Why nothing can be refunded with the cancel; None when something can (then now or later is a choice)."""
    if refundable(shop).amount > _ZERO:
        return None
    if unpaid_manual_payment(shop):
        return NoRefund.UNPAID_MANUAL
    if shop.financial_status in _NOT_CAPTURED:
        return NoRefund.NOT_CAPTURED
    if shop.financial_status in REFUNDED:
        return NoRefund.ALREADY_REFUNDED
    return NoRefund.NOTHING_LEFT


def open_chargebacks(shop: ShopifyOrderState) -> tuple[Dispute, ...]:
    """Disputes still open at the customer's bank: the dispute, not a refund, returns that money."""
    return tuple(d for d in shop.disputes if d.is_open)


def default_refund(shop: ShopifyOrderState) -> RefundTiming:
    """Refund now unless there is nothing left to refund or a chargeback will return the money."""
    if refundable(shop).amount <= _ZERO or open_chargebacks(shop):
        return RefundTiming.LATER
    return RefundTiming.NOW


def default_reason(shop: ShopifyOrderState) -> CancelReason:
    """Fraudulent order while a fulfillment is held for a high risk of fraud (the walkthrough's warning names that
    reason), else the customer's request."""
    if any(is_fraud_hold(fo) for fo in shop.fulfillment_orders):
        return CancelReason.FRAUD
    return CancelReason.CUSTOMER


# Financial statuses that still owe the customer money after a cancel with refund later.
REFUND_OWING = frozenset({DisplayFinancialStatus.PAID, DisplayFinancialStatus.PARTIALLY_PAID,
                          DisplayFinancialStatus.PARTIALLY_REFUNDED})


def refund_owed(shop: ShopifyOrderState) -> bool:
    """Cancelled with money still to return: refund later was chosen and Shopify does not show it refunded.

    Never while a chargeback is open: the dispute returns the money, a refund on top pays the customer twice.
    """
    return (shop.is_cancelled and shop.financial_status in REFUND_OWING and refundable(shop).amount > _ZERO
            and not open_chargebacks(shop))


def refunds_into_a_dispute(shop: ShopifyOrderState, options: CancelOptions) -> bool:
    """The cancel would refund while a chargeback is open: the bank may return that money to the customer too.

    A person may still choose it (the dialog warns); an unattended check run never sends it.
    """
    return options.refund is RefundTiming.NOW and refundable(shop).amount > _ZERO and bool(open_chargebacks(shop))


def effective_options(shop: ShopifyOrderState, options: CancelOptions) -> CancelOptions:
    """The options as sent: with nothing left to refund, the cancel asks for no refund at all."""
    if options.refund is RefundTiming.NOW and refundable(shop).amount <= _ZERO:
        return options.model_copy(update={"refund": RefundTiming.LATER})
    return options
