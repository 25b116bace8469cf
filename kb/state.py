"""The vocabulary of order states: what Shopify and the suppliers say, in our own words.

Adapters in `actions/` translate remote payloads into these frozen models; the rules in
`kb.paths` read nothing else. Remote enum values we do not know become `UNKNOWN`, never a
guess, so an unexpected state can only ever lead to `needs_attention`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CancelChannel",
    "CancelOptions",
    "CancelReason",
    "Dispute",
    "DisplayFinancialStatus",
    "DisplayFulfillmentStatus",
    "FulfillmentOrderAction",
    "FulfillmentOrderRequestStatus",
    "FulfillmentOrderState",
    "FulfillmentOrderStatus",
    "FollowUpStatus",
    "FulfillmentState",
    "HandStatus",
    "LineItem",
    "Money",
    "NoSupplierOrder",
    "OrderState",
    "RefundDestination",
    "RefundTiming",
    "ShopifyOrderState",
    "SupplierName",
    "SupplierOrderState",
    "SupplierReadSource",
    "SupplierRef",
    "SupplierRefSource",
    "SupplierStatus",
    "WaitingFor",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _OpenEnum(StrEnum):
    """A remote enum: values we have never seen read as UNKNOWN instead of failing."""

    @classmethod
    def _missing_(cls, value: object) -> _OpenEnum:
        return cls["UNKNOWN"]


class Money(_Frozen):
    """An amount with its currency; never a float."""

    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


# --- Shopify -------------------------------------------------------------------------------


class DisplayFulfillmentStatus(_OpenEnum):
    """`Order.displayFulfillmentStatus` (legacy values kept: old orders still carry them)."""

    UNFULFILLED = "UNFULFILLED"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED"
    FULFILLED = "FULFILLED"
    IN_PROGRESS = "IN_PROGRESS"
    ON_HOLD = "ON_HOLD"
    SCHEDULED = "SCHEDULED"
    REQUEST_DECLINED = "REQUEST_DECLINED"
    RESTOCKED = "RESTOCKED"
    PENDING_FULFILLMENT = "PENDING_FULFILLMENT"
    OPEN = "OPEN"
    UNKNOWN = "UNKNOWN"


class DisplayFinancialStatus(_OpenEnum):
    """`Order.displayFinancialStatus`."""

    PENDING = "PENDING"
    AUTHORIZED = "AUTHORIZED"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    VOIDED = "VOIDED"
    PAID = "PAID"
    REFUNDED = "REFUNDED"
    EXPIRED = "EXPIRED"
    UNKNOWN = "UNKNOWN"


class FulfillmentOrderStatus(_OpenEnum):
    """`FulfillmentOrder.status`."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    CANCELLED = "CANCELLED"
    INCOMPLETE = "INCOMPLETE"
    CLOSED = "CLOSED"
    SCHEDULED = "SCHEDULED"
    ON_HOLD = "ON_HOLD"
    UNKNOWN = "UNKNOWN"


class FulfillmentOrderRequestStatus(_OpenEnum):
    """`FulfillmentOrder.requestStatus`: where a request to a fulfillment service stands."""

    UNSUBMITTED = "UNSUBMITTED"
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    CANCELLATION_REQUESTED = "CANCELLATION_REQUESTED"
    CANCELLATION_ACCEPTED = "CANCELLATION_ACCEPTED"
    CANCELLATION_REJECTED = "CANCELLATION_REJECTED"
    CLOSED = "CLOSED"
    UNKNOWN = "UNKNOWN"


class FulfillmentOrderAction(_OpenEnum):
    """`FulfillmentOrderSupportedAction.action`: what Shopify allows on a fulfillment order now."""

    CREATE_FULFILLMENT = "CREATE_FULFILLMENT"
    REQUEST_FULFILLMENT = "REQUEST_FULFILLMENT"
    CANCEL_FULFILLMENT_ORDER = "CANCEL_FULFILLMENT_ORDER"
    REQUEST_CANCELLATION = "REQUEST_CANCELLATION"
    MARK_AS_OPEN = "MARK_AS_OPEN"
    RELEASE_HOLD = "RELEASE_HOLD"
    HOLD = "HOLD"
    MOVE = "MOVE"
    SPLIT = "SPLIT"
    MERGE = "MERGE"
    EXTERNAL = "EXTERNAL"
    REPORT_PROGRESS = "REPORT_PROGRESS"
    MARK_AS_IN_PROGRESS = "MARK_AS_IN_PROGRESS"
    UNKNOWN = "UNKNOWN"


class CancelReason(StrEnum):
    """`OrderCancelReason`: the reasons Shopify's cancel dialog offers."""

    CUSTOMER = "CUSTOMER"
    DECLINED = "DECLINED"
    FRAUD = "FRAUD"
    INVENTORY = "INVENTORY"
    STAFF = "STAFF"
    OTHER = "OTHER"


class RefundTiming(StrEnum):
    """Refund now (to the original payment methods) or later (no refund with the cancel)."""

    NOW = "now"
    LATER = "later"


class RefundDestination(StrEnum):
    """Where a refund made with the cancel goes: the original payment methods or store credit."""

    ORIGINAL = "original"
    STORE_CREDIT = "store_credit"


class FulfillmentOrderState(_Frozen):
    """One fulfillment order: the unit Shopify asks a location or service to fulfill."""

    id: str
    status: FulfillmentOrderStatus
    request_status: FulfillmentOrderRequestStatus
    supported_actions: tuple[FulfillmentOrderAction, ...] = ()
    location_name: str | None = None
    hold_ids: tuple[str, ...] = ()
    hold_reasons: tuple[str, ...] = ()
    cancellation_requested_at: datetime | None = None  # when the last cancellation request was sent


class Dispute(_Frozen):
    """`OrderDisputeSummary`: a chargeback or inquiry the customer opened with their bank."""

    id: str
    initiated_as: str  # DisputeType: CHARGEBACK or INQUIRY
    status: str  # DisputeStatus: NEEDS_RESPONSE, UNDER_REVIEW, ACCEPTED, WON, LOST, ...

    @property
    def is_open(self) -> bool:
        """Still being decided: the bank may yet return the money to the customer."""
        return self.status in ("NEEDS_RESPONSE", "UNDER_REVIEW")


class FulfillmentState(_Frozen):
    """One fulfillment (items marked as shipped), with its tracking if any."""

    id: str
    status: str
    display_status: str | None = None
    tracking_number: str | None = None
    tracking_company: str | None = None


class LineItem(_Frozen):
    """An ordered item, as much as a cancellation needs (what is refunded and restocked)."""

    id: str
    title: str
    quantity: int
    current_quantity: int | None = None
    sku: str | None = None
    unit_price: Money | None = None
    restockable: bool = True


SupplierName = Literal["aliexpress", "cjdropshipping"]
SupplierRefSource = Literal["metafield", "note_attribute", "note", "tag", "entered", "none"]
SupplierReadSource = Literal["api", "manual"]


class SupplierRef(_Frozen):
    """A pointer from a Shopify order to the order placed at a supplier."""

    supplier: SupplierName
    order_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    source: SupplierRefSource = "metafield"


class ShopifyOrderState(_Frozen):
    """Everything the rules need to know about the Shopify side of one order."""

    id: str  # GID, e.g. gid://shopify/Order/5500000001001
    name: str  # "#1001"
    legacy_id: int | None = None
    created_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    closed: bool = False
    financial_status: DisplayFinancialStatus | None = None
    fulfillment_status: DisplayFulfillmentStatus
    return_status: str | None = None  # OrderReturnStatus, e.g. NO_RETURN, IN_PROGRESS
    fulfillment_orders: tuple[FulfillmentOrderState, ...] = ()
    fulfillments: tuple[FulfillmentState, ...] = ()
    total: Money
    received: Money | None = None  # what the customer paid, before refunds (totalReceivedSet)
    received_presentment: Money | None = None  # the same in the customer's currency
    # netPaymentSet: received minus refunded, what a refund can still return (None: not read).
    refundable: Money | None = None
    refundable_presentment: Money | None = None
    payment_gateways: tuple[str, ...] = ()
    manual_payment: bool = False  # paid (or to be paid) by a manual method: cash on delivery, bank deposit...
    disputes: tuple[Dispute, ...] = ()
    line_items: tuple[LineItem, ...] = ()
    customer_name: str | None = None
    customer_email: str | None = None
    supplier_refs: tuple[SupplierRef, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


# --- Suppliers -----------------------------------------------------------------------------


class SupplierStatus(StrEnum):
    """A supplier order's status in one vocabulary for every supplier.

    The mapping from each supplier's raw values lives in `kb.suppliers`.
    """

    PLACED_UNPAID = "placed_unpaid"  # placed, not paid: the supplier cancels at once
    AWAITING_SHIPMENT = "awaiting_shipment"  # paid, not shipped: cancel needs the seller's approval
    HELD = "held"  # risk control, waiting for an address or a group: look at it
    CANCEL_REQUESTED = "cancel_requested"  # a cancellation waits for the seller
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    COMPLETED = "completed"  # delivered or confirmed received
    CANCELLED = "cancelled"  # closed without shipping; the supplier refunds
    IN_DISPUTE = "in_dispute"  # a dispute or refund is open
    UNKNOWN = "unknown"  # a raw value we do not know, or the order could not be read


class HandStatus(StrEnum):
    """What the supplier's order page can show, in the words of the CLI (`--status`)."""

    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"


class CancelChannel(StrEnum):
    """How a supplier order can be cancelled right now."""

    API = "api"  # we can cancel it for the merchant
    MANUAL = "manual"  # only by hand on the supplier's site (we deep-link there)
    NONE = "none"  # not at all (shipped, closed, ...)


class SupplierOrderState(_Frozen):
    """One order at a supplier, normalized, with what cancellation it allows and why."""

    supplier: SupplierName
    order_id: str
    status: SupplierStatus
    raw_status: str | None = None
    end_reason: str | None = None
    logistics_status: str | None = None
    tracking_number: str | None = None
    amount: Money | None = None
    cancel_channel: CancelChannel = CancelChannel.NONE
    cancel_note: str = ""  # why that channel, in a merchant's words
    order_url: str | None = None
    read_error: str | None = None  # set when the order could not be read (status is UNKNOWN)
    source: SupplierReadSource = "api"  # "manual": the status is what the merchant saw on the site
    checked_at: datetime | None = None  # when it was checked by hand (source "manual")
    checked_ticket: str | None = None


class NoSupplierOrder(_Frozen):
    """The merchant confirmed that no supplier order was placed for this order (when, for which ticket)."""

    at: datetime
    ticket: str | None = None


class OrderState(_Frozen):
    """One order seen from both sides: the input of `kb.decide`."""

    shopify: ShopifyOrderState
    suppliers: tuple[SupplierOrderState, ...] = ()
    supplier_refs_source: SupplierRefSource = "none"
    # Whether Shopify was asked to email the customer when the assistant cancelled the order
    # (None: not cancelled by the assistant, so unknown).
    customer_notified: bool | None = None
    # The refund our cancel asked for (None: not cancelled by the assistant, so unknown).
    cancel_refund: RefundTiming | None = None
    cancel_refund_to: RefundDestination | None = None  # where that refund went (refund now only)
    checked_at: datetime | None = None  # when this state was read (time-based rules need it)
    no_supplier_order: NoSupplierOrder | None = None  # ruled out by hand: the supplier side is clear


# --- What the merchant asks for --------------------------------------------------------------


class CancelOptions(_Frozen):
    """The options of Shopify's cancel dialog, validated before anything is sent."""

    reason: CancelReason = CancelReason.CUSTOMER
    refund: RefundTiming = RefundTiming.NOW
    refund_to: RefundDestination = RefundDestination.ORIGINAL
    restock: bool = True
    notify_customer: bool = False
    staff_note: str | None = Field(default=None, max_length=255)

    @field_validator("staff_note")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None


class WaitingFor(StrEnum):
    """Who or what a follow-up waits on. The values are an interface (CLI JSON, the activity store)."""

    SELLER_APPROVAL = "seller_approval"  # a supplier cancellation waits for the seller
    SERVICE_ANSWER = "service_answer"  # a fulfillment cancellation request waits for the service
    MANUAL_RECHECK = "manual_recheck"  # a supplier order to look at again later (held, unreadable)
    REFUND_OWED = "refund_owed"  # cancelled on Shopify with "refund later": the refund is still owed
    SUPPLIER_STILL_ACTIVE = "supplier_still_active"  # cancelled on Shopify, the supplier order is live


class FollowUpStatus(StrEnum):
    """Where a follow-up stands after its last reading (`kb.followups`). The values are an interface."""

    WAITING = "waiting"  # on someone outside the shop: nothing for a person to do yet
    READY = "ready"  # the supplier confirmed: cancel on Shopify now (a check run does it when authorised)
    PERSON = "person"  # a person must act (refund, cancel at the supplier, look: the path went elsewhere)
    DONE = "done"  # nothing is left to wait for
