"""Every GraphQL document Cancel Assist sends to the Shopify Admin API, in one registry.

Only this module constructs a `Document`, and the transport refuses anything that is not
registered here, so `tests/actions/test_graphql_documents.py` can validate every document the
project sends against the vendored 2026-04 schema. The order fields are exactly those the
sandbox serves (docs: interfaces §6); adding one means changing both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

__all__ = [
    "CANCEL_FULFILLMENT_ORDER",
    "CANCEL_ORDER",
    "CONNECTION_CHECK",
    "DOCUMENTS",
    "FULFILLMENT_ORDERS_PAGE",
    "JOB_STATUS",
    "LINE_ITEMS_PAGE",
    "OPEN_FULFILLMENT_ORDER",
    "ORDER_STATE_BY_ID",
    "ORDER_STATE_BY_NAME",
    "RELEASE_FULFILLMENT_HOLD",
    "REQUEST_FULFILLMENT_CANCELLATION",
    "Document",
    "is_registered",
]

FULFILLMENT_ORDERS_PAGE = 20  # more than real orders have; a next page is reported, never guessed
# Kept small on purpose: by-name reads ask for 2 orders, and a query above 1000 points is refused.
LINE_ITEMS_PAGE = 50
_FULFILLMENTS_PAGE = 10

_SEAL = object()  # only this module can build a Document


class Document:
    """One named GraphQL operation, with its fragments, exactly as it goes on the wire."""

    __slots__ = ("kind", "name", "text")

    def __init__(self, name: str, kind: Literal["query", "mutation"], text: str, *, _seal: object = None) -> None:
        if _seal is not _SEAL:
            raise TypeError("GraphQL documents are declared in actions/shopify_documents.py only")
        self.name = name
        self.kind = kind
        self.text = text

    @property
    def is_write(self) -> bool:
        """A mutation: never resent after an ambiguous failure."""
        return self.kind == "mutation"

    def __repr__(self) -> str:
        return f"Document({self.name!r}, {self.kind})"


_registry: dict[str, Document] = {}


def _declare(name: str, kind: Literal["query", "mutation"], text: str) -> Document:
    if name in _registry:
        raise ValueError(f"duplicate GraphQL document {name}")
    document = Document(name, kind, text.strip() + "\n", _seal=_SEAL)
    _registry[name] = document
    return document


_MONEY = "shopMoney { amount currencyCode }"
# Both currencies: the shop's, and the one the customer paid in (what a reply to them quotes).
_MONEY_BAG = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
_TRANSACTIONS_PAGE = 5  # enough to tell a manual payment method (cash on delivery...) from a provider

# Everything the rules need about one order, shared by the look-up by id and by name.
_ORDER_STATE_FIELDS = f"""
fragment OrderStateFields on Order {{
  id
  name
  legacyResourceId
  createdAt
  cancelledAt
  cancelReason
  closed
  displayFinancialStatus
  displayFulfillmentStatus
  returnStatus
  email
  paymentGatewayNames
  customer {{ displayName }}
  totalPriceSet {{ {_MONEY} }}
  totalReceivedSet {{ {_MONEY_BAG} }}
  netPaymentSet {{ {_MONEY_BAG} }}
  transactions(first: {_TRANSACTIONS_PAGE}) {{ gateway manualPaymentGateway }}
  disputes {{ id initiatedAs status }}
  lineItems(first: {LINE_ITEMS_PAGE}) {{
    nodes {{
      id
      title
      quantity
      currentQuantity
      sku
      restockable
      originalUnitPriceSet {{ {_MONEY} }}
    }}
  }}
  fulfillments(first: {_FULFILLMENTS_PAGE}) {{
    id
    status
    displayStatus
    trackingInfo(first: 1) {{ number company }}
  }}
  fulfillmentOrders(first: {FULFILLMENT_ORDERS_PAGE}) {{
    nodes {{
      id
      status
      requestStatus
      assignedLocation {{ name }}
      supportedActions {{ action }}
      fulfillmentHolds {{ id reason }}
      merchantRequests(first: 1, kind: CANCELLATION_REQUEST, reverse: true) {{ nodes {{ sentAt }} }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
  metafield(namespace: "cancel_assist", key: "supplier_orders") {{ value }}
  customAttributes {{ key value }}
  note
  tags
}}
"""

ORDER_STATE_BY_ID = _declare(
    "OrderStateById",
    "query",
    """
query OrderStateById($id: ID!) {
  order(id: $id) { ...OrderStateFields }
}
"""
    + _ORDER_STATE_FIELDS,
)

# `first: 2`: a second exact match means the name is ambiguous, which we say instead of guessing.
ORDER_STATE_BY_NAME = _declare(
    "OrderStateByName",
    "query",
    """
query OrderStateByName($query: String!) {
  orders(first: 2, query: $query) {
    nodes { ...OrderStateFields }
  }
}
"""
    + _ORDER_STATE_FIELDS,
)

JOB_STATUS = _declare(
    "JobStatus",
    "query",
    """
query JobStatus($id: ID!) {
  job(id: $id) { id done }
}
""",
)

CONNECTION_CHECK = _declare(
    "ConnectionCheck",
    "query",
    """
query ConnectionCheck {
  shop { name myshopifyDomain }
  currentAppInstallation { accessScopes { handle } }
}
""",
)

CANCEL_ORDER = _declare(
    "OrderCancel",
    "mutation",
    """
mutation OrderCancel(
  $orderId: ID!
  $reason: OrderCancelReason!
  $restock: Boolean!
  $refundMethod: OrderCancelRefundMethodInput
  $notifyCustomer: Boolean
  $staffNote: String
) {
  orderCancel(
    orderId: $orderId
    reason: $reason
    restock: $restock
    refundMethod: $refundMethod
    notifyCustomer: $notifyCustomer
    staffNote: $staffNote
  ) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
""",
)

_FO = "id status requestStatus"

CANCEL_FULFILLMENT_ORDER = _declare(
    "FulfillmentOrderCancel",
    "mutation",
    f"""
mutation FulfillmentOrderCancel($id: ID!) {{
  fulfillmentOrderCancel(id: $id) {{
    fulfillmentOrder {{ {_FO} }}
    replacementFulfillmentOrder {{ {_FO} }}
    userErrors {{ field message code }}
  }}
}}
""",
)

REQUEST_FULFILLMENT_CANCELLATION = _declare(
    "FulfillmentOrderSubmitCancellationRequest",
    "mutation",
    f"""
mutation FulfillmentOrderSubmitCancellationRequest($id: ID!, $message: String) {{
  fulfillmentOrderSubmitCancellationRequest(id: $id, message: $message) {{
    fulfillmentOrder {{ {_FO} }}
    userErrors {{ field message }}
  }}
}}
""",
)

OPEN_FULFILLMENT_ORDER = _declare(
    "FulfillmentOrderOpen",
    "mutation",
    f"""
mutation FulfillmentOrderOpen($id: ID!) {{
  fulfillmentOrderOpen(id: $id) {{
    fulfillmentOrder {{ {_FO} }}
    userErrors {{ field message }}
  }}
}}
""",
)

RELEASE_FULFILLMENT_HOLD = _declare(
    "FulfillmentOrderReleaseHold",
    "mutation",
    f"""
mutation FulfillmentOrderReleaseHold($id: ID!, $holdIds: [ID!]) {{
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) {{
    fulfillmentOrder {{ {_FO} }}
    userErrors {{ field message code }}
  }}
}}
""",
)

DOCUMENTS: Mapping[str, Document] = MappingProxyType(_registry)


def is_registered(document: object) -> bool:
    """True only for a document of this registry (the transport sends nothing else)."""
    return isinstance(document, Document) and DOCUMENTS.get(document.name) is document
