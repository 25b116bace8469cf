"""The Shopify Admin GraphQL client: read an order's whole state, cancel it, revert fulfillment.

One request reads everything the rules need. Writes are sent once: after an ambiguous failure
(timeout, 5xx, dropped connection, unreadable answer) the order is re-read and the outcome is
reported from what Shopify shows, never by sending the mutation again.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from actions.errors import (
    ActionError,
    AlreadyDone,
    AmbiguousWrite,
    ApiError,
    InputError,
    MalformedResponse,
    NotFoundError,
    OutcomeUnknown,
    Refused,
    UserError,
    redact,
)
from actions.graphql_transport import GraphQLResult, GraphQLTransport
from actions.settings import ShopifySettings
from actions.shopify_documents import (
    CANCEL_FULFILLMENT_ORDER,
    CANCEL_ORDER,
    CONNECTION_CHECK,
    FULFILLMENT_ORDERS_PAGE,
    JOB_STATUS,
    OPEN_FULFILLMENT_ORDER,
    ORDER_STATE_BY_ID,
    ORDER_STATE_BY_NAME,
    RELEASE_FULFILLMENT_HOLD,
    REQUEST_FULFILLMENT_CANCELLATION,
    Document,
)
from actions.wire import object_or_empty, read_back, reread
from kb.discovery import SupplierPattern, find_supplier_refs
from kb.order_ref import OrderRef, OrderRefError, parse_order_ref
from kb.wording import shopify_errors as say
from kb.wording.options import FO_ACTIONS
from kb.state import (
    CancelOptions,
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    Dispute,
    FulfillmentOrderAction,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderState,
    FulfillmentOrderStatus,
    FulfillmentState,
    LineItem,
    Money,
    RefundDestination,
    RefundTiming,
    ShopifyOrderState,
    SupplierRef,
)

__all__ = [
    "REQUIRED_SCOPES",
    "REVERT_ACTIONS",
    "CancelOutcome",
    "ConnectionReport",
    "RevertOutcome",
    "ShopifyClient",
    "missing_scopes",
    "order_state_from_node",
    "reverted",
    "supplier_refs",
]

_log = logging.getLogger(__name__)
_SYSTEM = "shopify"

# orderCancel needs write_orders; the revert mutations need the fulfillment-order scopes of
# both merchant-managed locations and third-party services (a dropshipping app is the latter).
REQUIRED_SCOPES: tuple[str, ...] = (
    "read_orders",
    "write_orders",
    "read_merchant_managed_fulfillment_orders",
    "write_merchant_managed_fulfillment_orders",
    "read_third_party_fulfillment_orders",
    "write_third_party_fulfillment_orders",
)

# The fulfillment-order actions that undo a fulfillment request, and the mutation of each.
REVERT_ACTIONS: Mapping[FulfillmentOrderAction, Document] = {
    FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER: CANCEL_FULFILLMENT_ORDER,
    FulfillmentOrderAction.REQUEST_CANCELLATION: REQUEST_FULFILLMENT_CANCELLATION,
    FulfillmentOrderAction.MARK_AS_OPEN: OPEN_FULFILLMENT_ORDER,
    FulfillmentOrderAction.RELEASE_HOLD: RELEASE_FULFILLMENT_HOLD,
}

_ORDER_GID = re.compile(r"gid://shopify/Order/\d{1,20}")
_FO_GID = re.compile(r"gid://shopify/FulfillmentOrder/\d{1,20}")




class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CancelOutcome(_Frozen):
    """What `orderCancel` led to; `confirmed` means the order now shows `cancelledAt`."""

    order: ShopifyOrderState
    job_id: str | None = None
    request_id: str | None = None
    confirmed: bool


class RevertOutcome(_Frozen):
    """A fulfillment order after a revert mutation (and its replacement, when Shopify made one)."""

    action: FulfillmentOrderAction
    fulfillment_order_id: str
    status: str
    request_status: str
    request_id: str | None = None
    replacement_id: str | None = None  # fulfillmentOrderCancel: the new order of the work left to do
    confirmed_by_reread: bool = False  # the mutation's answer was lost; the state was read back


class ConnectionReport(_Frozen):
    """Which shop the token opens, and which required access scopes it lacks."""

    shop_name: str
    shop_domain: str
    api_version: str  # the version that answered; Shopify serves a retired one as its oldest supported
    granted_scopes: tuple[str, ...]
    missing_scopes: tuple[str, ...]
    requested_version: str | None = None  # the settings' version, when it is not the one that answered

    @property
    def ok(self) -> bool:
        return not self.missing_scopes and self.requested_version in (None, self.api_version)


class ShopifyClient:
    """The Shopify side of Cancel Assist, over any httpx transport (live, sandbox or test)."""

    def __init__(
        self,
        http: httpx.Client,
        settings: ShopifySettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_throttle_wait: float = 30.0,
        poll_interval: float = 0.5,
        poll_timeout: float = 20.0,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._poll_interval = poll_interval
        self._poll_timeout = poll_timeout
        self._graphql = GraphQLTransport(http, settings, sleep=sleep, max_throttle_wait=max_throttle_wait)
        self._fo_orders: dict[str, str] = {}  # fulfillment order id -> order id, from reads

    def __repr__(self) -> str:
        return f"ShopifyClient(shop={self._settings.shop!r}, api_version={self._settings.api_version!r})"

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (every attempt counts)."""
        return self._graphql.request_count

    @property
    def settings(self) -> ShopifySettings:
        return self._settings

    # --- reads ---------------------------------------------------------------------------------

    def read_order(self, ref: OrderRef | str) -> ShopifyOrderState:
        """Read everything the rules need about one order, in exactly one request."""
        if isinstance(ref, str):
            try:
                ref = parse_order_ref(ref, shop=self._settings.shop)
            except OrderRefError as exc:
                raise InputError(str(exc), system=_SYSTEM) from None
        if ref.kind == "id":
            result = self._graphql.execute(ORDER_STATE_BY_ID, {"id": ref.value})
            node = result.data.get("order")
            if node is None:
                raise NotFoundError(
                    say.no_order(ref.display, self._settings.shop),
                    system=_SYSTEM,
                    code="NOT_FOUND",
                    request_id=result.request_id,
                )
        else:
            result = self._graphql.execute(ORDER_STATE_BY_NAME, {"query": f"name:{_search_value(ref.value)}"})
            node = self._exact_name_match(ref, result)
        state = self._translate(node, result.request_id)
        for fo in state.fulfillment_orders:
            self._fo_orders[fo.id] = state.id
        return state

    def check_connection(self) -> ConnectionReport:
        """Which shop the token opens and which required scopes are missing."""
        result = self._graphql.execute(CONNECTION_CHECK)
        try:
            shop = result.data["shop"]
            scopes = tuple(
                str(s["handle"]) for s in result.data["currentAppInstallation"]["accessScopes"]
            )
            name, domain = str(shop["name"]), str(shop["myshopifyDomain"])
        except (KeyError, TypeError):
            raise self._malformed(say.SHOP_AND_SCOPES, result) from None
        return ConnectionReport(
            shop_name=name,
            shop_domain=domain,
            api_version=result.api_version or self._settings.api_version,
            requested_version=self._settings.api_version,
            granted_scopes=scopes,
            missing_scopes=missing_scopes(scopes),
        )

    # --- orderCancel --------------------------------------------------------------------------

    def cancel_order(self, order_id: str, options: CancelOptions) -> CancelOutcome:
        """Cancel with the admin's options, follow Shopify's job, confirm with `cancelledAt`."""
        if not _ORDER_GID.fullmatch(order_id or ""):
            raise InputError(say.CANCEL_NEEDS_GID, system=_SYSTEM)
        variables = {
            "orderId": order_id,
            "reason": options.reason.value,
            "restock": options.restock,
            "refundMethod": _refund_method(options),
            "notifyCustomer": options.notify_customer,
            "staffNote": options.staff_note,
        }
        try:
            payload, request_id = self._mutate(CANCEL_ORDER, variables)
        except AmbiguousWrite as ambiguous:
            return self._cancel_after_ambiguity(order_id, ambiguous)
        errors = _user_errors(payload.get("orderCancelUserErrors"))
        if errors:
            raise self._cancel_user_error(order_id, errors, request_id)
        job = payload.get("job") if isinstance(payload.get("job"), dict) else None
        job_id = str(job["id"]) if job and job.get("id") else None
        done = bool(job and job.get("done"))
        # Shopify accepted the cancel: from here on, no failure may say "it failed" (it will land).
        if job_id and not done:
            try:
                done = self._wait_for_job(job_id)
            except ActionError as exc:  # the job could not be followed; the order itself says what happened
                _log.info("Following Shopify's cancel job failed (%s); reading the order", type(exc).__name__)
        try:
            order = read_back(lambda: self.read_order(OrderRef(kind="id", value=order_id)), sleep=self._sleep)
        except ActionError as exc:
            raise OutcomeUnknown(
                say.cancel_unconfirmed(exc.message),
                system=_SYSTEM,
                request_id=request_id,
            ) from exc
        if order.is_cancelled:
            return CancelOutcome(order=order, job_id=job_id, request_id=request_id, confirmed=True)
        if job_id and not done:
            # Still running after poll_timeout (or its poll failed): accepted, not yet visible. The caller checks again.
            return CancelOutcome(order=order, job_id=job_id, request_id=request_id, confirmed=False)
        raise OutcomeUnknown(
            say.cancel_not_shown(order.name),
            system=_SYSTEM,
            request_id=request_id,
        )

    def _wait_for_job(self, job_id: str) -> bool:
        """Poll `job(id)` every poll_interval until done or poll_timeout; True when done."""
        interval = self._poll_interval if self._poll_interval > 0 else 0.5  # 0 (tests) still ends
        for _ in range(max(1, math.ceil(self._poll_timeout / interval))):
            self._sleep(self._poll_interval)
            job = self._graphql.execute(JOB_STATUS, {"id": job_id}).data.get("job")
            if job is None or (isinstance(job, dict) and job.get("done")):
                return True  # a finished job may be gone; the order read says what happened
        return False

    def _cancel_user_error(
        self, order_id: str, errors: list[tuple[str | None, str]], request_id: str | None
    ) -> ActionError:
        codes = {code for code, _ in errors}
        if "NOT_FOUND" in codes:
            return NotFoundError(
                say.CANCEL_ERRORS["NOT_FOUND"], system=_SYSTEM, code="NOT_FOUND", request_id=request_id
            )
        if codes & {"INVALID", None} or any("already" in message.lower() for _, message in errors):
            # The usual INVALID is an order that is already cancelled: look before saying so.
            try:
                order = self.read_order(OrderRef(kind="id", value=order_id))
            except ActionError:
                order = None
            if order is not None and order.is_cancelled:
                return AlreadyDone(
                    say.already_cancelled(order.name),
                    system=_SYSTEM,
                    request_id=request_id,
                )
        return self._user_error(say.DID_NOT_CANCEL, errors, say.CANCEL_ERRORS, request_id)

    def _cancel_after_ambiguity(self, order_id: str, ambiguous: AmbiguousWrite) -> CancelOutcome:
        seen, order = reread(lambda: self.read_order(OrderRef(kind="id", value=order_id)),
                             lambda o: o is not None and o.is_cancelled, sleep=self._sleep)
        if order is not None and order.is_cancelled:
            return CancelOutcome(order=order, job_id=None, request_id=ambiguous.request_id, confirmed=True)
        raise OutcomeUnknown(
            say.cancel_unknown(ambiguous.message, seen),
            system=_SYSTEM,
            request_id=ambiguous.request_id,
        )

    # --- fulfillment-order reverts --------------------------------------------------------------

    def revert_fulfillment(
        self,
        fulfillment_order: FulfillmentOrderState,
        action: FulfillmentOrderAction,
        *,
        message: str | None = None,
        order_id: str | None = None,
    ) -> RevertOutcome:
        """Run the revert mutation Shopify lists in the fulfillment order's supported actions."""
        fo = fulfillment_order
        if action not in REVERT_ACTIONS:
            raise Refused(say.not_a_revert(action.value), system=_SYSTEM)
        if action not in fo.supported_actions:
            raise Refused(say.revert_not_allowed(FO_ACTIONS[action].verb, [a.value for a in fo.supported_actions]),
                          system=_SYSTEM)
        if not _FO_GID.fullmatch(fo.id):
            raise InputError(say.NOT_A_FO_ID, system=_SYSTEM)
        document = REVERT_ACTIONS[action]
        variables: dict[str, Any] = {"id": fo.id}
        if action is FulfillmentOrderAction.REQUEST_CANCELLATION:
            variables["message"] = (message or "").strip()[:255] or None
        elif action is FulfillmentOrderAction.RELEASE_HOLD:
            variables["holdIds"] = list(fo.hold_ids) or None
        try:
            payload, request_id = self._mutate(document, variables)
        except AmbiguousWrite as ambiguous:
            return self._revert_after_ambiguity(fo, action, order_id or self._fo_orders.get(fo.id), ambiguous)
        errors = _user_errors(payload.get("userErrors"))
        if errors:
            raise self._user_error(say.did_not(FO_ACTIONS[action].verb), errors, say.REVERT_ERRORS, request_id)
        after = object_or_empty(payload.get("fulfillmentOrder"))
        replacement = payload.get("replacementFulfillmentOrder")
        return RevertOutcome(
            action=action,
            fulfillment_order_id=str(after.get("id") or fo.id),
            status=str(after.get("status") or fo.status.value),
            request_status=str(after.get("requestStatus") or fo.request_status.value),
            request_id=request_id,
            replacement_id=str(replacement["id"]) if isinstance(replacement, dict) and replacement.get("id") else None,
        )

    def _revert_after_ambiguity(
        self,
        fo: FulfillmentOrderState,
        action: FulfillmentOrderAction,
        order_id: str | None,
        ambiguous: AmbiguousWrite,
    ) -> RevertOutcome:
        if order_id is None:
            raise OutcomeUnknown(
                say.revert_unknown(FO_ACTIONS[action].verb, ambiguous.message, None),
                system=_SYSTEM,
                request_id=ambiguous.request_id,
            )

        def current() -> FulfillmentOrderState | None:
            order = self.read_order(OrderRef(kind="id", value=order_id))
            return next((f for f in order.fulfillment_orders if f.id == fo.id), None)

        seen, after = reread(current, lambda f: reverted(action, f), sleep=self._sleep)
        if reverted(action, after):
            return RevertOutcome(
                action=action,
                fulfillment_order_id=fo.id,
                status=after.status.value if after else FulfillmentOrderStatus.CLOSED.value,
                request_status=after.request_status.value if after else FulfillmentOrderRequestStatus.CLOSED.value,
                request_id=ambiguous.request_id,
                confirmed_by_reread=True,
            )
        raise OutcomeUnknown(
            say.revert_unknown(FO_ACTIONS[action].verb, ambiguous.message, seen),
            system=_SYSTEM,
            request_id=ambiguous.request_id,
        )

    # --- shared helpers -----------------------------------------------------------------------

    def _mutate(self, document: Document, variables: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
        """Send a mutation once: its payload and request id, or AmbiguousWrite when it may have run unseen."""
        result = self._graphql.execute(document, variables)
        payload = next(iter(result.data.values()), None)  # a mutation selects exactly one root field
        if not isinstance(payload, dict):
            # Shopify answered, but without the mutation's payload: whether it ran is unknown.
            raise AmbiguousWrite(
                say.NO_RESULT,
                cause=MalformedResponse(f"no {document.name} payload", system=_SYSTEM),
                request_id=result.request_id,
            )
        return payload, result.request_id

    def _exact_name_match(self, ref: OrderRef, result: GraphQLResult) -> dict[str, Any]:
        orders = result.data.get("orders")
        nodes = orders.get("nodes") if isinstance(orders, dict) else None
        if not isinstance(nodes, list):
            raise self._malformed(say.ORDERS_LIST, result)
        wanted = ref.value.casefold()
        matches = [n for n in nodes if isinstance(n, dict) and str(n.get("name", "")).casefold() == wanted]
        if not matches:
            raise NotFoundError(
                say.no_order_named(ref.value, self._settings.shop),
                system=_SYSTEM,
                code="NOT_FOUND",
                request_id=result.request_id,
            )
        if len(matches) > 1:
            raise InputError(
                say.several_named(ref.value, self._settings.shop),
                system=_SYSTEM,
                request_id=result.request_id,
            )
        return matches[0]

    def _translate(self, node: Any, request_id: str | None) -> ShopifyOrderState:
        try:
            state = order_state_from_node(
                node, self._settings.supplier_note_attributes, self._settings.supplier_patterns)
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            raise MalformedResponse(
                say.MISSING_FIELDS,
                system=_SYSTEM,
                request_id=request_id,
            ) from _redacted(exc, self._secret())
        fos = node.get("fulfillmentOrders") or {}
        if (fos.get("pageInfo") or {}).get("hasNextPage"):
            raise ApiError(
                say.too_many_fulfillment_orders(state.name, FULFILLMENT_ORDERS_PAGE),
                system=_SYSTEM,
                code="TOO_MANY_FULFILLMENT_ORDERS",
                request_id=request_id,
            )
        return state

    def _user_error(
        self,
        prefix: str,
        errors: list[tuple[str | None, str]],
        words: Mapping[str, str],
        request_id: str | None,
    ) -> UserError:
        secret = self._secret()
        explained = [
            # INVALID is Shopify's catch-all (a hold it will not cancel through, ...): its own message says why.
            say.invalid_says(words[code], redact(message, [secret])) if code == "INVALID" and code in words
            else words.get(code or "", redact(message, [secret]))
            for code, message in errors
        ]
        codes = tuple((code, redact(message, [secret])) for code, message in errors)
        text = say.user_errors(prefix, explained)
        first = next((code for code, _ in errors if code), None)
        return UserError(text, errors=codes, system=_SYSTEM, code=first, request_id=request_id)

    def _malformed(self, what: str, result: GraphQLResult) -> MalformedResponse:
        return MalformedResponse(say.answer_lacks(what), system=_SYSTEM, request_id=result.request_id)

    def _secret(self) -> str:
        return self._settings.access_token.get_secret_value()


# --- translation (pure functions of the response) -----------------------------------------------


def order_state_from_node(
    node: Mapping[str, Any], note_attributes: Iterable[str], patterns: Sequence[SupplierPattern] = ()
) -> ShopifyOrderState:
    """Translate one `OrderStateFields` node into kb's vocabulary (KeyError/ValueError if broken)."""
    financial = node.get("displayFinancialStatus")
    customer = object_or_empty(node.get("customer"))
    fos = (node.get("fulfillmentOrders") or {}).get("nodes") or []
    return ShopifyOrderState(
        id=node["id"],
        name=node["name"],
        legacy_id=int(node["legacyResourceId"]) if node.get("legacyResourceId") is not None else None,
        created_at=node.get("createdAt"),
        cancelled_at=node.get("cancelledAt"),
        cancel_reason=node.get("cancelReason"),
        closed=bool(node.get("closed")),
        financial_status=DisplayFinancialStatus(financial) if financial else None,
        fulfillment_status=DisplayFulfillmentStatus(node.get("displayFulfillmentStatus") or "UNKNOWN"),
        return_status=node.get("returnStatus"),
        fulfillment_orders=tuple(_fulfillment_order(fo) for fo in fos),
        fulfillments=tuple(_fulfillment(f) for f in node.get("fulfillments") or ()),
        total=_money(node["totalPriceSet"]),
        received=_money(node["totalReceivedSet"]) if node.get("totalReceivedSet") else None,
        received_presentment=_presentment(node.get("totalReceivedSet")),
        refundable=_money(node["netPaymentSet"]) if node.get("netPaymentSet") else None,
        refundable_presentment=_presentment(node.get("netPaymentSet")),
        payment_gateways=tuple(str(g) for g in node.get("paymentGatewayNames") or ()),
        manual_payment=_manual_payment(node),
        disputes=tuple(
            Dispute(id=str(d["id"]), initiated_as=str(d.get("initiatedAs") or "UNKNOWN"),
                    status=str(d.get("status") or "UNKNOWN"))
            for d in node.get("disputes") or () if isinstance(d, dict) and d.get("id")
        ),
        line_items=tuple(_line_item(li) for li in (node.get("lineItems") or {}).get("nodes") or ()),
        customer_name=customer.get("displayName") or None,
        customer_email=node.get("email") or None,
        supplier_refs=supplier_refs(node, note_attributes, patterns),
        tags=_tags(node),
    )


def supplier_refs(
    node: Mapping[str, Any], note_attributes: Iterable[str], patterns: Sequence[SupplierPattern] = ()
) -> tuple[SupplierRef, ...]:
    """The supplier orders the order names, wherever an app put them (see `kb.discovery`)."""
    metafield = node.get("metafield")
    attributes = [
        (str(a.get("key") or ""), str(a.get("value") or ""))
        for a in node.get("customAttributes") or () if isinstance(a, dict)
    ]
    note = node.get("note")
    return find_supplier_refs(
        metafield=metafield.get("value") if isinstance(metafield, dict) else None,
        attributes=attributes,
        note=note if isinstance(note, str) else None,
        tags=_tags(node),
        note_attribute_names=note_attributes,
        patterns=patterns,
    )


def _tags(node: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(t) for t in node.get("tags") or () if isinstance(t, str))


def missing_scopes(granted: Iterable[str]) -> tuple[str, ...]:
    """Required scopes not granted; a write_X scope implies read_X."""
    have = set(granted)
    have |= {"read_" + s.removeprefix("write_") for s in have if s.startswith("write_")}
    return tuple(s for s in REQUIRED_SCOPES if s not in have)


def _refund_method(options: CancelOptions) -> dict[str, Any]:
    """`refundMethod` for these options: refund now to the original methods or as store credit.

    Refund later = no refund with the cancel; sent explicitly false rather than left to an
    undocumented default. Store credit carries no expiry (`expiresAt` null: it does not expire).
    """
    if options.refund is not RefundTiming.NOW:
        return {"originalPaymentMethodsRefund": False}
    if options.refund_to is RefundDestination.STORE_CREDIT:
        return {"originalPaymentMethodsRefund": False, "storeCreditRefund": {"expiresAt": None}}
    return {"originalPaymentMethodsRefund": True}


# Gateway names of Shopify's manual payment methods, for shops whose transactions we cannot read.
_MANUAL_GATEWAYS = ("cash on delivery", "cash_on_delivery", "cod", "bank deposit", "bank_deposit", "money order",
                    "money_order", "manual")


def _manual_payment(node: Mapping[str, Any]) -> bool:
    """Paid by a manual method (cash on delivery, bank deposit...): a transaction says so, or the gateway name."""
    transactions = [t for t in node.get("transactions") or () if isinstance(t, dict)]
    if transactions:
        return any(t.get("manualPaymentGateway") is True for t in transactions)
    names = [str(g).strip().casefold() for g in node.get("paymentGatewayNames") or ()]
    return bool(names) and all(
        any(name == m or name.startswith(m + " ") or f"({m})" in name for m in _MANUAL_GATEWAYS) for name in names)


def _presentment(bag: Any) -> Money | None:
    """The customer's-currency side of a MoneyBag, when Shopify sent it."""
    money = bag.get("presentmentMoney") if isinstance(bag, Mapping) else None
    if not isinstance(money, Mapping):
        return None
    return Money.model_validate({"amount": str(money["amount"]), "currency": money["currencyCode"]})


def _money(bag: Mapping[str, Any]) -> Money:
    shop_money = bag["shopMoney"]
    return Money.model_validate({"amount": str(shop_money["amount"]), "currency": shop_money["currencyCode"]})


def _fulfillment_order(node: Mapping[str, Any]) -> FulfillmentOrderState:
    location = object_or_empty(node.get("assignedLocation"))
    holds = [h for h in node.get("fulfillmentHolds") or () if isinstance(h, dict)]
    return FulfillmentOrderState(
        id=node["id"],
        status=FulfillmentOrderStatus(node["status"]),
        request_status=FulfillmentOrderRequestStatus(node.get("requestStatus") or "UNKNOWN"),
        supported_actions=tuple(
            FulfillmentOrderAction(a["action"]) for a in node.get("supportedActions") or () if isinstance(a, dict)
        ),
        location_name=location.get("name") or None,
        hold_ids=tuple(str(h["id"]) for h in holds if h.get("id")),
        hold_reasons=tuple(str(h["reason"]) for h in holds if h.get("reason")),
        cancellation_requested_at=_last_cancellation_request(node),
    )


def _last_cancellation_request(node: Mapping[str, Any]) -> datetime | None:
    """When the latest cancellation request went to the fulfillment service (for the 48-hour rule)."""
    requests = object_or_empty(node.get("merchantRequests"))
    sent = [str(r["sentAt"]) for r in requests.get("nodes") or () if isinstance(r, dict) and r.get("sentAt")]
    return _DATETIME.validate_python(max(sent)) if sent else None  # as the model's own field would read it


_DATETIME = TypeAdapter(datetime)


def _fulfillment(node: Mapping[str, Any]) -> FulfillmentState:
    tracking = next(iter(node.get("trackingInfo") or ()), None) or {}
    return FulfillmentState(
        id=node["id"],
        status=node["status"],
        display_status=node.get("displayStatus"),
        tracking_number=tracking.get("number") or None,
        tracking_company=tracking.get("company") or None,
    )


def _line_item(node: Mapping[str, Any]) -> LineItem:
    price = node.get("originalUnitPriceSet")
    return LineItem(
        id=node["id"],
        title=node["title"],
        quantity=node["quantity"],
        current_quantity=node.get("currentQuantity"),
        sku=node.get("sku") or None,
        unit_price=_money(price) if price else None,
        restockable=node.get("restockable", True) is not False,
    )


def reverted(action: FulfillmentOrderAction, fo: FulfillmentOrderState | None) -> bool:
    """Whether a re-read fulfillment order shows the effect of `action`."""
    if fo is None:
        return False
    status, request = fo.status, fo.request_status
    finished = status in (FulfillmentOrderStatus.CLOSED, FulfillmentOrderStatus.CANCELLED)
    if action is FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER:
        reopened = status is FulfillmentOrderStatus.OPEN and request is FulfillmentOrderRequestStatus.UNSUBMITTED
        return finished or reopened
    if action is FulfillmentOrderAction.REQUEST_CANCELLATION:
        return finished or request in (
            FulfillmentOrderRequestStatus.CANCELLATION_REQUESTED,
            FulfillmentOrderRequestStatus.CANCELLATION_ACCEPTED,
            FulfillmentOrderRequestStatus.CANCELLATION_REJECTED,
        )
    if action is FulfillmentOrderAction.MARK_AS_OPEN:
        return status is FulfillmentOrderStatus.OPEN
    if action is FulfillmentOrderAction.RELEASE_HOLD:
        return status not in (FulfillmentOrderStatus.ON_HOLD, FulfillmentOrderStatus.UNKNOWN)
    return False


def _user_errors(raw: Any) -> list[tuple[str | None, str]]:
    errors: list[tuple[str | None, str]] = []
    for error in raw or ():
        if isinstance(error, dict):
            code = error.get("code")
            errors.append((str(code) if code else None, str(error.get("message") or say.NO_MESSAGE)))
    return errors


def _search_value(value: str) -> str:
    """A value for Shopify's search syntax: bare when plain, else quoted with escapes."""
    if re.fullmatch(r"#?[A-Za-z0-9._-]+", value) and not value.startswith("-"):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _redacted(exc: Exception, secret: str) -> Exception:
    """The cause kept for debugging, with any secret removed from its text."""
    return MalformedResponse(redact(f"{type(exc).__name__}: {exc}", [secret], limit=300), system=_SYSTEM)
