"""The assistant: look up -> decide -> act, the one place the pages and the CLI share.

Every action re-reads the order and re-decides its path right before it writes, claims a unique
idempotency key in the activity store (so two sessions or two processes send one write), acts
through the real client, resolves an unknown result by reading, re-reads and re-decides after,
and records what happened against the ticket. Neither the pages nor the CLI hold a rule.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

import httpx
from pydantic import BaseModel, ConfigDict

from actions.activity import ActivityRecord, ActivityStore, HandCheck, Outcome
from actions.followups import DEFAULT_AUTHORISATION_DAYS, AuthorisationView, CheckReport, FollowUp, FollowUps
from actions.errors import (
    ActionError,
    AlreadyDone,
    InputError,
    OutcomeUnknown,
    Refused,
    ServerError,
    TransportError,
    redact,
)
from actions.links import deep_link, validate_ticket
from actions.replies import CancelPreview, customer_reply, preview_cancel
from actions.settings import DEFAULT_API_VERSION, AppSettings
from actions.shopify import REQUIRED_SCOPES, ShopifyClient, reverted
from actions.suppliers import SupplierClient, UnconfiguredSupplier, read_supplier_orders, validate_order_id
from kb.card import Card, first_screen
from kb.hand_check import RECHECK_AFTER, HandStatus, hand_checked_state, is_stale
from kb.order_ref import OrderRef, OrderRefError, parse_order_ref
from kb.paths import decide, revert_action_for
from kb.refunds import default_reason, default_refund, effective_options, no_refund
from kb.state import (
    CancelChannel,
    CancelOptions,
    FulfillmentOrderAction,
    FulfillmentOrderState,
    OrderState,
    RefundDestination,
    RefundTiming,
    ShopifyOrderState,
    SupplierOrderState,
    SupplierName,
    SupplierRef,
    SupplierRefSource,
    SupplierStatus,
)
from kb.suppliers import SUPPLIERS, supplier_of_id
from kb.walkthrough import ActionId, StepStatus, Walkthrough, WalkthroughStep
from kb.wording import assistant as say
from kb.wording.connection import connected
from kb.wording.errors import with_request_id
from kb.wording.hand_check import stale_words
from kb.wording.record import option_words

if TYPE_CHECKING:  # the sandbox is imported only when it is used (never in live mode)
    from actions.sandbox import Sandbox
    from actions.supplier_registry import SupplierAdapter

__all__ = [
    "REQUIRED_SCOPES",
    "ActionRequest",
    "ActionResult",
    "Assistant",
    "CancelPreview",
    "ConnectionInfo",
    "DemoControls",
    "Lookup",
    "build_assistant",
    "deep_link",
    "sandbox_path",
]

_WRITES = frozenset({ActionId.CANCEL_ORDER, ActionId.CANCEL_SUPPLIER, ActionId.REVERT_FULFILLMENT})
_ANY_STEP = frozenset({ActionId.CHECK_SUPPLIER, ActionId.OPEN_SUPPLIER})
# The guide step each write belongs to: a done step carries no action any more, only its id and target.
_WRITE_STEPS = {
    ActionId.CANCEL_ORDER: "shopify-cancel",
    ActionId.CANCEL_SUPPLIER: "supplier-cancel",
    ActionId.REVERT_FULFILLMENT: "shopify-revert-fulfillment",
}


def _supplier_of(order_id: str) -> SupplierName:
    """The supplier an order id can only belong to (AliExpress ids are digits); InputError when unclear."""
    supplier = supplier_of_id(order_id)
    if supplier is None:
        raise InputError(say.say_which_supplier(order_id, SUPPLIERS), system="order")
    return supplier


class DemoControls(Protocol):
    """What a page may do to the simulated world: reset it, inject faults, play the other side's answers."""

    @property
    def faults(self) -> str: ...

    @property
    def reply_delay(self) -> float: ...

    def reset(self) -> None: ...

    def set_faults(self, spec: str) -> None: ...

    def simulate_fulfillment_service_reply(self, fulfillment_order_id: str | None = None, *,
                                           accept: bool = True) -> None: ...

    def simulate_seller_reply(self, supplier: str, order_id: str, *, accept: bool = True) -> None: ...


class _Acted(NamedTuple):
    """What one write did: done, refused before anything was sent, or sent with no clear answer yet."""

    outcome: Literal["ok", "refused", "unknown"]
    message: str
    request_id: str | None = None
    system: str = ""

    @property
    def said(self) -> str:
        """The message as an error would say it (with the remote's request id)."""
        return with_request_id(self.message, self.request_id)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Lookup(_Frozen):
    """One fresh reading of an order on both sides and the path it is on."""

    state: OrderState
    walkthrough: Walkthrough
    read_at: datetime


class ActionRequest(_Frozen):
    """A button press: which action, on which order (as typed), for which ticket and target."""

    action: ActionId
    order: str
    ticket: str | None = None
    target: str | None = None
    options: CancelOptions | None = None
    message: str | None = None
    authorised_by: str | None = None  # the agent whose authorisation a follow-up check run is carrying out
    check_run: str | None = None  # that check run (the record's agent is whoever runs the check)


class ActionResult(_Frozen):
    """What came of an action, in merchant words, with the order read again afterwards."""

    ok: bool
    action: ActionId
    message: str
    lookup: Lookup | None
    url: str | None = None
    already_done: bool = False
    record_id: int | None = None
    outcome: Outcome = "ok"  # as recorded: ok, refused, error, unknown, already_done


class ConnectionInfo(_Frozen):
    """What the connection page shows: mode, shop, API version, scopes, suppliers configured."""

    mode: Literal["sandbox", "live"]
    shop: str
    ok: bool
    message: str
    shop_name: str | None = None
    api_version: str | None = None
    granted_scopes: tuple[str, ...] = ()
    missing_scopes: tuple[str, ...] = ()
    suppliers: Mapping[str, bool] = {}
    # Each configured supplier whose API refused our credentials (or could not be asked): why, in words.
    supplier_problems: Mapping[str, str] = {}


# What a cancel was sent with, as a second agent needs to hear it (the staff note and the target stay in the record).
_CANCEL_CHOICES = ("refund", "refund_to", "reason", "restock", "notify_customer", "authorised_by")


def _now() -> datetime:
    return datetime.now(UTC)


class Assistant:
    """Look up an order, say its path, and run the one action its walkthrough offers next."""

    def __init__(
        self,
        *,
        settings: AppSettings,
        shopify: ShopifyClient,
        suppliers: Mapping[str, SupplierClient],
        activity: ActivityStore,
        sandbox: Sandbox | None = None,
        clock: Callable[[], datetime] = _now,
        read_clock: Callable[[], datetime] = _now,
        supplier_site: Callable[[str, str], None] | None = None,
        answer_delay: Callable[[OrderState], float] | None = None,
    ) -> None:
        """`read_clock` stamps each reading (the remote's time: the sandbox's own clock on the sandbox);
        `supplier_site` is the merchant's click on a supplier's site when a world simulates it (the sandbox);
        `answer_delay` is how many seconds a simulated service or seller takes to answer this order (None: real
        ones; infinite: only when someone plays them)."""
        self.settings = settings
        self._clock = clock
        self._read_clock = read_clock
        self._supplier_site = supplier_site
        self._answer_delay = answer_delay
        self.mode: Literal["sandbox", "live"] = settings.mode
        self.shop = settings.shopify.shop if settings.shopify else ""
        self.shopify = shopify
        self.suppliers = dict(suppliers)
        self.activity = activity
        self.sandbox = sandbox
        self._secrets = settings.secrets()
        self.agent: str | None = None  # who acts: the signed-in e-mail, the CLI's --agent or OS user

    def as_agent(self, agent: str | None) -> Assistant:
        """This assistant acting for one agent: the same clients and store, every record names `agent`.

        A live assistant is shared by every session of a server; each session holds its own copy.
        """
        clone = copy.copy(self)
        clone.agent = (agent or "").strip()[:200] or None
        return clone

    # --- reading ----------------------------------------------------------------------------

    def parse(self, order: str) -> OrderRef:
        """The order as typed (name, id, GID, admin URL of this shop) or InputError."""
        try:
            return parse_order_ref(order, shop=self.shop or None)
        except OrderRefError as exc:
            raise InputError(str(exc), system="order") from None

    def look_up(self, order: str) -> Lookup:
        """One Shopify read, the supplier reads (concurrent), then the path; raises ActionError.

        What the reading proves is written to the activity log: a write whose process died before
        recording its result, or whose result was unknown, is closed with what the order shows.
        """
        shop_state = self.shopify.read_order(self.parse(order))
        lookup = self._complete(shop_state)
        self._settle(lookup)
        return lookup

    def _complete(self, shop_state: ShopifyOrderState) -> Lookup:
        refs = shop_state.supplier_refs
        source: SupplierRefSource = refs[0].source if refs else "none"
        if not refs:
            refs = self.activity.supplier_refs(shop_state.id)
            source = "entered" if refs else "none"
        suppliers = read_supplier_orders(self.suppliers, refs) if refs else ()
        if any(so.read_error is not None for so in suppliers):
            suppliers = self._checked_by_hand(shop_state.id, suppliers)
        ruled_out = None if refs else self.activity.no_supplier_order(shop_state.id)
        notified, refund, refund_to = self._our_cancel(shop_state)
        now = self._now()
        state = OrderState(shopify=shop_state, suppliers=tuple(suppliers), supplier_refs_source=source,
                           customer_notified=notified, cancel_refund=refund, cancel_refund_to=refund_to,
                           checked_at=now,
                           no_supplier_order=ruled_out)
        return Lookup(state=state, walkthrough=decide(state), read_at=now)

    def _now(self) -> datetime:
        """When a reading is taken, on the remote's clock (the sandbox stamps its answers with its own)."""
        return self._read_clock()

    def _our_cancel(
            self, shop_state: ShopifyOrderState) -> tuple[bool | None, RefundTiming | None, RefundDestination | None]:
        """What our cancel of this order asked for: whether Shopify emails the customer, the refund (now or later)
        and where a refund now went; all None when not cancelled by us."""
        if not shop_state.is_cancelled:
            return None, None, None
        for record in self.activity.list(order=shop_state.id, limit=50):
            # "started": the cancel being recorded right now; "unknown": ours, settled later by this very read.
            if record.action == ActionId.CANCEL_ORDER.value and record.outcome in ("ok", "started", "unknown"):
                refund = record.options.get("refund")
                timing = RefundTiming(refund) if refund in {t.value for t in RefundTiming} else None
                to = record.options.get("refund_to")
                where = (RefundDestination(to) if timing is RefundTiming.NOW and isinstance(to, str)
                         and to in {d.value for d in RefundDestination} else None)
                return bool(record.options.get("notify_customer")), timing, where
        return None, None, None

    def history(self, lookup: Lookup) -> tuple[ActivityRecord, ...]:
        """This order's activity record, newest first (who did what, when, and what came of it)."""
        return self.activity.list(order=lookup.state.shopify.id)

    def remember_supplier_ref(self, order: str, ref: SupplierRef, *, ticket: str | None = None) -> Lookup:
        """Remember a supplier order id the merchant typed for this order, then read it."""
        ticket = validate_ticket(ticket)
        shop_state = self.shopify.read_order(self.parse(order))
        if shop_state.supplier_refs:
            raise InputError(say.names_its_supplier_orders(shop_state.name), system="order")
        entered = SupplierRef(supplier=ref.supplier, order_id=ref.order_id, source="entered")
        self.activity.add_supplier_ref(shop_state.id, entered)
        self.activity.record(
            agent=self.agent,
            order_id=shop_state.id, order_name=shop_state.name, ticket=ticket, action="enter_supplier_ref",
            options={"supplier": ref.supplier, "order_id": ref.order_id}, outcome="ok",
            message=say.supplier_ref_remembered(ref.supplier, ref.order_id),
        )
        return self._complete(shop_state)

    def _checked_by_hand(
        self, order_id: str, suppliers: tuple[SupplierOrderState, ...]
    ) -> tuple[SupplierOrderState, ...]:
        """Unreadable supplier orders take what was last seen on the supplier's site, while it still holds."""
        checks = {(c.supplier, c.order_id): c for c in self.activity.supplier_checks(order_id)}
        now = self._clock()
        out: list[SupplierOrderState] = []
        for so in suppliers:
            check = checks.get((so.supplier, so.order_id)) if so.read_error is not None else None
            try:
                status = HandStatus(check.status) if check else None
            except ValueError:
                status = None
            if check is None or status is None:
                out.append(so)
            elif is_stale(status, check.at, now):
                out.append(so.model_copy(update={"read_error": f"{so.read_error}; {stale_words(status, check.at, RECHECK_AFTER[status])}"}))
            else:
                out.append(hand_checked_state(so.supplier, so.order_id, status, check.at, check.ticket))
        return tuple(out)

    def record_supplier_check(
        self, order: str, order_id: str, status: HandStatus | str, *, supplier: SupplierName | None = None,
        ticket: str | None = None,
    ) -> Lookup:
        """Record what the supplier's site shows for one supplier order of this order (time, ticket), then decide.

        The supplier order must be one the order names; an order that names none gets it remembered
        (`entered`), which also answers "which supplier order is this?".
        """
        ticket = validate_ticket(ticket)
        try:
            hand = HandStatus(status)
        except ValueError:
            raise InputError(say.status_choices(HandStatus), system="order") from None
        shop_state = self.shopify.read_order(self.parse(order))
        named = shop_state.supplier_refs
        entered = () if named else self.activity.supplier_refs(shop_state.id)
        value = (order_id or "").strip()
        match = [r for r in (*named, *entered) if r.order_id == value and supplier in (None, r.supplier)]
        if match:
            ref = match[0]
        elif named:
            raise InputError(say.check_one_of(shop_state.name, named, value), system="order")
        else:
            name = supplier or _supplier_of(value)
            ref = SupplierRef(supplier=name, order_id=validate_order_id(name, value), source="entered")
            self.activity.add_supplier_ref(shop_state.id, ref)
        at = self._clock()
        self.activity.add_supplier_check(shop_state.id, HandCheck(
            supplier=ref.supplier, order_id=ref.order_id, status=hand.value, at=at, ticket=ticket))
        self.activity.record(
            agent=self.agent,
            order_id=shop_state.id, order_name=shop_state.name, ticket=ticket, action=ActionId.CHECK_BY_HAND.value,
            options={"supplier": ref.supplier, "order_id": ref.order_id, "status": hand.value}, outcome="ok",
            message=say.supplier_check_recorded(ref.supplier, ref.order_id, at, hand),
        )
        return self._complete(shop_state)

    def confirm_no_supplier_order(self, order: str, *, ticket: str | None = None) -> Lookup:
        """Record (time, ticket) that no supplier order was placed for this order, then decide again.

        Only for an order with no supplier order known: one the order names, or one entered here,
        is checked and cancelled instead.
        """
        ticket = validate_ticket(ticket)
        shop_state = self.shopify.read_order(self.parse(order))
        known = shop_state.supplier_refs or self.activity.supplier_refs(shop_state.id)
        if known:
            raise InputError(say.has_supplier_orders(shop_state.name, known), system="order")
        self.activity.add_no_supplier_order(shop_state.id, ticket)
        self.activity.record(
            agent=self.agent,
            order_id=shop_state.id, order_name=shop_state.name, ticket=ticket, action="no_supplier_order",
            outcome="ok", message=say.no_supplier_order_confirmed(shop_state.name),
        )
        return self._complete(shop_state)

    def preview_cancel(self, lookup: Lookup, options: CancelOptions) -> CancelPreview:
        """What exactly a Shopify cancel with these options will do."""
        return preview_cancel(lookup.state, options)

    def default_cancel_options(self, lookup: Lookup) -> CancelOptions:
        """The cancel dialog's starting choice: no refund when nothing is left or a chargeback is open; the
        reason "Fraudulent order" for a fraud hold."""
        shop = lookup.state.shopify
        return CancelOptions(refund=default_refund(shop), reason=default_reason(shop))

    def refund_choice(self, lookup: Lookup) -> bool:
        """Whether the cancel dialog offers refund now or later: only when something is left to refund."""
        return no_refund(lookup.state.shopify) is None

    def customer_reply(self, lookup: Lookup, *, markdown: bool = True) -> str:
        """The reply for the customer's ticket, from the order's outcome (Markdown, or plain text)."""
        return customer_reply(lookup.state, lookup.walkthrough, markdown=markdown)

    def first_screen(self, lookup: Lookup) -> Card:
        """What the walkthrough's first screen says; on the sandbox, that its simulated answers come in seconds."""
        reply = self._answer_delay(lookup.state) if self._answer_delay is not None else None
        return first_screen(lookup.walkthrough, reply_seconds=reply)

    def link(self, base_url: str, order: str, ticket: str | None = None) -> str:
        """The deep link for this order (and ticket)."""
        return deep_link(base_url, order, ticket, shop=self.shop or None)

    # --- the record, the checklist and the demo: what the pages reach only through here ----------

    def records(self, *, order: str | None = None, ticket: str | None = None, outcome: str | None = None,
                since: datetime | None = None, until: datetime | None = None, limit: int = 500,
                offset: int = 0) -> tuple[ActivityRecord, ...]:
        """One page of the activity record, newest first."""
        return self.activity.list(order=order, ticket=ticket, outcome=outcome, since=since, until=until,
                                  limit=limit, offset=offset)

    def count_records(self, *, order: str | None = None, ticket: str | None = None, outcome: str | None = None,
                      since: datetime | None = None, until: datetime | None = None) -> int:
        return self.activity.count(order=order, ticket=ticket, outcome=outcome, since=since, until=until)

    def export_records(self, *, order: str | None = None, ticket: str | None = None, outcome: str | None = None,
                       since: datetime | None = None, until: datetime | None = None) -> str:
        """Every matching record as CSV text, for a download."""
        return self.activity.export_csv(order=order, ticket=ticket, outcome=outcome, since=since, until=until)

    def ticked_steps(self, order_id: str) -> frozenset[str]:
        """The manual checklist steps ticked for this order."""
        return self.activity.progress(order_id)

    def tick_step(self, order_id: str, step_key: str, done: bool) -> None:
        self.activity.set_progress(order_id, step_key, done)

    @property
    def demo(self) -> DemoControls | None:
        """The simulated world's controls (reset, faults, the other side's answers); None on a live shop."""
        return self.sandbox

    def connection(self) -> ConnectionInfo:
        """Check the Shopify credentials and scopes; never raises for an expected failure."""
        suppliers = {name: not isinstance(client, UnconfiguredSupplier) for name, client in self.suppliers.items()}
        problems = self._supplier_problems()
        try:
            report = self.shopify.check_connection()
        except ActionError as exc:
            return ConnectionInfo(
                mode=self.mode, shop=self.shop, ok=False, message=self._safe(str(exc)), suppliers=suppliers,
                supplier_problems=problems,
                api_version=self.settings.shopify.api_version if self.settings.shopify else None,
            )
        missing = tuple(report.missing_scopes)
        message = connected(report.shop_name, report.shop_domain, report.api_version, missing,
                            requested_version=report.requested_version, built_for=DEFAULT_API_VERSION)
        return ConnectionInfo(
            mode=self.mode, shop=report.shop_domain or self.shop, ok=report.ok, message=message,
            shop_name=report.shop_name, api_version=report.api_version,
            granted_scopes=tuple(report.granted_scopes), missing_scopes=missing, suppliers=suppliers,
            supplier_problems=problems,
        )

    def _supplier_problems(self) -> dict[str, str]:
        """Ask each configured supplier whether it takes our credentials: a refused key shows here, not at the first order."""
        problems: dict[str, str] = {}
        for name, client in self.suppliers.items():
            if isinstance(client, UnconfiguredSupplier):
                continue
            try:
                client.check_credentials()
            except ActionError as exc:
                problems[name] = self._safe(str(exc))
        return problems

    # --- acting -----------------------------------------------------------------------------

    def run(self, request: ActionRequest) -> ActionResult:
        """Re-read, check the path offers the action, claim it, act once, resolve, re-read, record.

        Raises InputError only for a malformed request (ticket or order text) and StoreError when the
        activity log cannot be used; every other failure is an ActionResult with ok=False and a
        recorded outcome. The reading after the action updates the order's follow-up.
        """
        result = self._run(request)
        if result.lookup is not None:
            self.followups.track(result.lookup, ticket=validate_ticket(request.ticket), agent=self.agent)
        return result

    # --- follow-ups (actions.followups) ------------------------------------------------------

    @property
    def followups(self) -> FollowUps:
        """The follow-up list and check run, acting as this assistant (and its agent)."""
        return FollowUps(self)

    def follow_ups(self, *, include_closed: bool = False) -> tuple[FollowUp, ...]:
        """Every followed order, what is due first (from the activity store; no shop scan)."""
        return self.followups.list(include_closed=include_closed)

    def follow_up(self, lookup: Lookup, ticket: str | None = None) -> FollowUp | None:
        """The order's follow-up after this reading (started if it waits on someone; None if not followed)."""
        return self.followups.track(lookup, ticket=validate_ticket(ticket))

    def authorise_cancel(self, order_id: str, options: CancelOptions, *, agent: str | None = None,
                         ticket: str | None = None,
                         days: int = DEFAULT_AUTHORISATION_DAYS) -> AuthorisationView:
        """Authorise the Shopify cancel for when the supplier confirms (InputError when not waiting for that)."""
        return self.followups.authorise(order_id, options, agent=agent, ticket=ticket, days=days)

    def withdraw_authorisation(self, order_id: str, *, agent: str | None = None) -> bool:
        """Withdraw the order's open authorisation (False when none was left)."""
        return self.followups.withdraw(order_id, agent=agent)

    def check_follow_ups(self, *, every: bool = False) -> CheckReport:
        """Re-read the due follow-ups (all open ones with `every`); a second concurrent run does nothing."""
        return self.followups.check(every=every)

    def _run(self, request: ActionRequest) -> ActionResult:
        ticket = validate_ticket(request.ticket)
        request = request.model_copy(update={"ticket": ticket})
        ref = self.parse(request.order)
        try:
            before = self.look_up(request.order)
        except ActionError as exc:
            message = say.could_not_read_order(self._safe(request.order, limit=80), self._safe(str(exc)))
            rid = self.activity.record(  # under the order as the filters read it ("#1011"), not as typed ("1011")
                agent=self.agent,
                order_id=self._safe(ref.value, limit=200), order_name=self._safe(ref.value, limit=80),
                ticket=ticket,
                action=request.action.value, options=self._options(request, None), outcome="error", message=message,
                request_id=exc.request_id,
            )
            return ActionResult(ok=False, action=request.action, message=message, lookup=None, record_id=rid,
                                outcome="error")

        if request.action is ActionId.CHECK_BY_HAND:  # a form, not a button: say what to use
            return self._finish_unclaimed(before, request, "refused", say.ANSWER_THE_SUPPLIER_CHECK, ok=False)
        if request.action is ActionId.FIND_SUPPLIER_ORDER:  # a form, not a button: say what to use
            return self._finish_unclaimed(before, request, "refused", say.ANSWER_THE_SUPPLIER_QUESTION, ok=False)
        step = self._offered(before, request)
        if step is None:
            return self._not_offered(before, request)
        if request.action in _WRITES:
            return self._write(before, request, step)
        if request.action is ActionId.OPEN_SUPPLIER:
            return self._open_supplier(before, request, step)
        return self._check_supplier(before, request, step)

    def _offered(self, lookup: Lookup, request: ActionRequest) -> WalkthroughStep | None:
        """The step that offers this action now: the next step for a write; any supplier step for a look."""
        steps = [s for s in lookup.walkthrough.steps if request.target is None or s.target == request.target]
        for step in steps:
            if step.action is request.action and (request.action in _ANY_STEP or step.status is StepStatus.NEXT):
                return step
        if request.action in _ANY_STEP:  # checking or opening a supplier order is harmless at any time
            return next((s for s in steps if s.supplier and s.target), None)
        return None

    def _done_already(self, lookup: Lookup, request: ActionRequest) -> str | None:
        """Why the action is already done, from the state just read (None when it is not)."""
        state = lookup.state
        if request.action is ActionId.CANCEL_ORDER and state.shopify.is_cancelled:
            return self._already_cancelled(state.shopify)
        if request.action is ActionId.CANCEL_SUPPLIER:
            supplier = self._supplier_state(state, request.target)
            if supplier is not None and supplier.status in (SupplierStatus.CANCELLED, SupplierStatus.CANCEL_REQUESTED):
                return say.supplier_already(supplier.supplier, supplier.order_id, supplier.status)
        for step in lookup.walkthrough.steps:
            ours = step.action is request.action or step.step_id == _WRITE_STEPS.get(request.action)
            if ours and step.status is StepStatus.DONE and request.target in (None, step.target):
                return say.step_already_done(step.title, step.reason)
        return None

    def _already_cancelled(self, shop: ShopifyOrderState) -> str:
        """'Already cancelled', naming who cancelled it from here, when, for which ticket and with what options."""
        done = next((r for r in self.activity.list(order=shop.id, outcome="ok", limit=100)
                     if r.action == ActionId.CANCEL_ORDER.value), None)
        if done is None:  # cancelled in the Shopify admin, or before this record
            return say.already_cancelled(shop.name)
        chosen = {k: done.options[k] for k in _CANCEL_CHOICES if k in done.options}  # the refund first
        return say.already_cancelled(shop.name, by=done.agent, at=done.at, ticket=done.ticket,
                                     how=option_words(chosen, order_name=shop.name))

    def why_not(self, lookup: Lookup, request: ActionRequest) -> str | None:
        """Why `run` would refuse this action on the order as read (None when the path offers it); records nothing."""
        if self._offered(lookup, request) is not None:
            return None
        return self._done_already(lookup, request) or self._not_now(lookup, request)

    def _not_offered(self, lookup: Lookup, request: ActionRequest) -> ActionResult:
        done = self._done_already(lookup, request)
        if done:
            return self._finish_unclaimed(lookup, request, "already_done", done, ok=False, already_done=True)
        return self._finish_unclaimed(lookup, request, "refused", self._not_now(lookup, request), ok=False)

    def _not_now(self, lookup: Lookup, request: ActionRequest) -> str:
        wt = lookup.walkthrough
        write_step = _WRITE_STEPS.get(request.action)
        same = [s for s in wt.steps if (s.action is request.action or s.step_id == write_step)
                and request.target in (None, s.target)]  # a blocked step offers no action, yet says why
        nxt = wt.next_step
        return say.not_now(lookup.state.shopify.name, request.action,
                           same[0].reason if same else None, nxt.title if nxt else None)

    def _finish_unclaimed(
        self, lookup: Lookup, request: ActionRequest, outcome: Outcome, message: str, *, ok: bool,
        already_done: bool = False, url: str | None = None, request_id: str | None = None,
    ) -> ActionResult:
        shop = lookup.state.shopify
        rid = self.activity.record(
            agent=self.agent,
            order_id=shop.id, order_name=shop.name, ticket=request.ticket, action=request.action.value,
            options=self._options(request, None), outcome=outcome, message=message, request_id=request_id,
        )
        return ActionResult(ok=ok, action=request.action, message=message, lookup=lookup, url=url,
                            already_done=already_done, record_id=rid, outcome=outcome)

    # --- reads that act ----------------------------------------------------------------------

    def _check_supplier(self, before: Lookup, request: ActionRequest, step: WalkthroughStep) -> ActionResult:
        """`before` was read just now, suppliers included: that reading is the check (no second one)."""
        supplier = self._supplier_state(before.state, step.target)
        if supplier is None:
            message = say.CHECKED_AGAIN
        elif supplier.read_error:
            message = say.supplier_unreadable(supplier.supplier, self._safe(supplier.read_error))
        else:
            message = say.supplier_read(supplier.supplier, supplier.order_id, supplier.status, supplier.raw_status)
        outcome: Outcome = "error" if supplier is not None and supplier.read_error else "ok"
        return self._finish_unclaimed(before, request, outcome, message, ok=outcome == "ok")

    def _open_supplier(self, before: Lookup, request: ActionRequest, step: WalkthroughStep) -> ActionResult:
        target = step.target or ""
        supplier_name = step.supplier or ""
        supplier = self._supplier_state(before.state, target)
        client = self.suppliers.get(supplier_name)
        url = (supplier.order_url if supplier and supplier.order_url else None) or (
            client.order_url(target) if client else None
        )
        message = say.open_supplier_order(supplier_name, target)
        if self._supplier_site is not None and supplier is not None and supplier.cancel_channel is CancelChannel.MANUAL:
            try:
                self._supplier_site(supplier_name, target)
            except Exception as exc:  # the simulated website refusing is an answer, not a crash
                message += say.sandbox_site_refused(self._safe(str(exc)))
            else:
                message += say.SANDBOX_SITE_CANCELLED
                before = self._after(before) or before  # the simulated click changed the supplier order
        return self._finish_unclaimed(before, request, "ok", message, ok=True, url=url)

    # --- writes -----------------------------------------------------------------------------

    def _key(self, lookup: Lookup, request: ActionRequest, step: WalkthroughStep) -> str:
        if request.action is ActionId.CANCEL_ORDER:
            return f"cancel_order:{lookup.state.shopify.id}"
        if request.action is ActionId.CANCEL_SUPPLIER:
            return f"cancel_supplier:{step.supplier}:{step.target}"
        fo = self._fulfillment_order(lookup.state, step.target)
        status = fo.request_status.value if fo else "UNKNOWN"
        revert = step.revert.value if step.revert else "UNKNOWN"
        return f"revert:{step.target}:{status}:{revert}"

    def _write(self, before: Lookup, request: ActionRequest, step: WalkthroughStep) -> ActionResult:
        key = self._key(before, request, step)
        shop = before.state.shopify
        options = self._options(request, step)
        claim: dict[str, Any] = dict(order_id=shop.id, order_name=shop.name, ticket=request.ticket, action=request.action.value,
                     options=options)
        rid = self.activity.claim(key, agent=self.agent, **claim)
        if rid is None:
            # Someone holds the key: read again. If the action is still needed and the holder has
            # finished (a reset sandbox, a request that came back), take the key over; else say so.
            # A holder whose process died is no "someone else": the look-up below has closed its record.
            try:
                fresh = self.look_up(request.order)
            except ActionError as exc:
                return self._finish_unclaimed(before, request, "error", say.could_not_read_again(self._safe(str(exc))),
                                              ok=False)
            again = self._offered(fresh, request)
            if again is not None and self._key(fresh, request, again) == key:
                rid = self.activity.claim(key, agent=self.agent, replace_finished=True, **claim)
            if rid is None:
                holder = self.activity.holder(key)
                done = self._done_already(fresh, request)
                if done:
                    message = say.someone_else_did_it(done)
                elif holder is not None and holder.outcome == "started":
                    message = say.already_in_progress(holder.at, holder.ticket, holder.agent)
                elif holder is not None and holder.outcome == "unknown":
                    message = say.last_attempt_unknown(holder.at)
                    return self._finish_unclaimed(fresh, request, "refused", message, ok=False)
                else:
                    return self._not_offered(fresh, request)
                return self._finish_unclaimed(fresh, request, "already_done", message, ok=False, already_done=True)
            assert again is not None  # the key was taken over only for a step offered again
            before, step = fresh, again

        outcome: Outcome
        request_id: str | None = None
        release = False
        try:
            acted = self._act(before, request, step)
        except AlreadyDone as exc:
            outcome, message, request_id = "already_done", self._safe(str(exc)), exc.request_id
        except (OutcomeUnknown, ServerError, TransportError) as exc:
            request_id = exc.request_id
            # Nothing reached the remote: the connection was never made (even by a connect timeout, which
            # actions.wire reports as NotSent), or a read before the write failed without a timeout (the
            # clients turn a failed write into AmbiguousWrite or OutcomeUnknown, so this one was a read).
            if not exc.may_have_left or (isinstance(exc, TransportError) and not exc.timeout):
                outcome, message, release = "error", self._safe(str(exc)), True
            else:
                outcome, message, release = self._resolve(before, request, step, system=exc.system, said=str(exc))
        except Refused as exc:
            outcome, message, request_id, release = "refused", self._safe(str(exc)), exc.request_id, True
        except ActionError as exc:
            outcome, message, request_id, release = "error", self._safe(str(exc)), exc.request_id, True
        except BaseException as exc:  # a bug or an interrupt: never leave the claim dangling as "started"
            self.activity.finish(rid, outcome="unknown", message=self._safe(say.stopped_unexpectedly(type(exc).__name__)))
            raise
        else:
            request_id = acted.request_id
            if acted.outcome == "ok":
                outcome, message = "ok", acted.message
            elif acted.outcome == "refused":
                outcome, message, release = "refused", self._safe(acted.said), True
            else:  # sent, and the answer does not say it is done: read again and say what happened
                outcome, message, release = self._resolve(before, request, step, system=acted.system, said=acted.said)
        after = self._after(before)
        if after is None and outcome != "unknown":  # an unknown outcome already says to look again
            message += say.NOT_READ_AFTER
        self.activity.finish(rid, outcome=outcome, message=message, request_id=request_id, release=release)
        return ActionResult(
            ok=outcome == "ok", action=request.action, message=message, lookup=after, record_id=rid,
            already_done=outcome == "already_done", outcome=outcome,
        )

    def _act(self, lookup: Lookup, request: ActionRequest, step: WalkthroughStep) -> _Acted:
        """Send the one write (or refuse it before sending); what it did, as a value. Failures raise."""
        state = lookup.state
        if request.action is ActionId.CANCEL_ORDER:
            # Nothing left to refund (cash on delivery, already refunded): the cancel asks for no refund.
            options = effective_options(state.shopify, request.options or CancelOptions())
            result = self.shopify.cancel_order(state.shopify.id, options)
            preview = preview_cancel(state, options)
            if result.confirmed or result.order.is_cancelled:
                return _Acted("ok", say.cancelled_on_shopify(state.shopify.name, preview.refund, preview.refund_method,
                                                             preview.refund_presentment), result.request_id)
            return _Acted("unknown", say.SHOPIFY_STILL_PROCESSING, result.request_id, system="shopify")
        if request.action is ActionId.REVERT_FULFILLMENT:
            fo = self._fulfillment_order(state, step.target)
            if fo is None:
                return _Acted("refused", say.FO_GONE, system="shopify")
            action = step.revert or revert_action_for(fo, now=state.checked_at)
            if action is None:
                return _Acted("refused", say.NO_REVERT_NOW, system="shopify")
            if action is FulfillmentOrderAction.RELEASE_HOLD:  # never, whatever asked: an app may fulfil at once
                return _Acted("refused", say.NEVER_RELEASES_HOLD, system="shopify")
            revert = self.shopify.revert_fulfillment(fo, action, message=request.message, order_id=state.shopify.id)
            return _Acted("ok", say.reverted(revert.action, revert.status), revert.request_id)
        supplier_name = step.supplier or ""
        client = self.suppliers.get(supplier_name)
        if client is None:
            return _Acted("refused", say.not_connected(supplier_name))
        cancelled = client.cancel(step.target or "")
        return _Acted("ok", say.supplier_cancel_sent(supplier_name, cancelled.order_id, cancelled.status))

    def _resolve(
        self, before: Lookup, request: ActionRequest, step: WalkthroughStep, *, system: str, said: str
    ) -> tuple[Outcome, str, bool]:
        """A write whose result is unknown: read again and say what actually happened.

        `system` is the remote that gave no clear answer, `said` what it (or our client) said.
        """
        remote = system
        system = say.remote_title(remote)
        # Whatever fails from here on, the key stays held: the write may still land. A retry is allowed
        # only once the claim goes stale, never by sending it again now.
        check = say.look_again(system if remote and remote != "shopify" else say.SHOPIFY_ADMIN)
        try:
            fresh = self.look_up(request.order)
        except ActionError:
            return "unknown", say.read_again_failed(self._safe(said), check), False
        happened = self._happened(before, fresh, request, step)
        if happened:
            return "ok", say.read_again_worked(system, happened), False
        return "unknown", say.read_again_no_change(self._safe(said), check), False

    def _happened(self, before: Lookup, fresh: Lookup, request: ActionRequest, step: WalkthroughStep) -> str | None:
        if request.action is ActionId.CANCEL_ORDER:
            return say.order_cancelled(fresh.state.shopify.name) if fresh.state.shopify.is_cancelled else None
        if request.action is ActionId.CANCEL_SUPPLIER:
            supplier = self._supplier_state(fresh.state, step.target)
            if supplier and supplier.status in (SupplierStatus.CANCELLED, SupplierStatus.CANCEL_REQUESTED):
                return say.supplier_now(supplier.order_id, supplier.status)
            return None
        old = self._fulfillment_order(before.state, step.target)
        new = self._fulfillment_order(fresh.state, step.target)
        if old is not None and (new is None or (new.status, new.request_status) != (old.status, old.request_status)):
            return say.fo_now(new.status, new.request_status) if new is not None else say.fo_now(None, None)
        return None

    # --- settling what a look-up proves ---------------------------------------------------------

    def _settle(self, lookup: Lookup) -> None:
        """Close the open records of this order that the reading settles; never fails the look-up.

        An `unknown` result whose effect now shows becomes `ok`. A `started` claim whose process
        ended (or that went stale) becomes `ok` when its effect shows, else `unknown`: it may have
        been sent, so its key stays held. A claim whose process is still at work is left to it.
        """
        try:
            records = self.activity.open_claims(lookup.state.shopify.id)
        except ActionError:
            return  # the log is unusable: the look-up itself still stands, and the next write says why
        for record in records:
            found = self._effect_shown(lookup, record)
            if record.outcome == "unknown":
                if found:
                    self._close(record, "ok", say.effect_settled(record.message, lookup.read_at, found))
                continue
            if not self.activity.abandoned(record):
                continue
            stopped = say.process_stopped(record.at)
            if found:
                self._close(record, "ok", say.found_done(stopped, lookup.read_at, found))
            else:
                self._close(record, "unknown", say.no_change_after_stop(stopped, lookup.read_at))

    def _close(self, record: ActivityRecord, outcome: Outcome, message: str) -> None:
        try:
            self.activity.settle(record.id, was=record.outcome, outcome=outcome, message=self._safe(message))
        except ActionError:
            pass  # best effort: the record stays open and the next look-up tries again

    def _effect_shown(self, lookup: Lookup, record: ActivityRecord) -> str | None:
        """What in this reading shows a recorded write took effect (None when nothing does)."""
        state, target = lookup.state, record.options.get("target")
        if record.action == ActionId.CANCEL_ORDER.value:
            return say.order_cancelled(state.shopify.name) if state.shopify.is_cancelled else None
        if record.action == ActionId.CANCEL_SUPPLIER.value:
            supplier = self._supplier_state(state, target) if target else None
            if supplier and supplier.status in (SupplierStatus.CANCELLED, SupplierStatus.CANCEL_REQUESTED):
                return say.supplier_now(supplier.order_id, supplier.status)
            return None
        if record.action == ActionId.REVERT_FULFILLMENT.value and target:
            try:
                action = FulfillmentOrderAction(str(record.options.get("revert")))
            except ValueError:
                return None
            fo = self._fulfillment_order(state, target)
            if fo is not None and reverted(action, fo):
                return say.fo_now(fo.status, fo.request_status)
        return None

    # --- helpers ----------------------------------------------------------------------------

    def _after(self, before: Lookup) -> Lookup | None:
        try:
            return self._complete(self.shopify.read_order(before.state.shopify.id))
        except ActionError:
            return None

    @staticmethod
    def _supplier_state(state: OrderState, target: str | None) -> SupplierOrderState | None:
        return next((s for s in state.suppliers if target is None or s.order_id == target), None)

    @staticmethod
    def _fulfillment_order(state: OrderState, target: str | None) -> FulfillmentOrderState | None:
        return next((f for f in state.shopify.fulfillment_orders if f.id == target), None)

    def _options(self, request: ActionRequest, step: WalkthroughStep | None) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if request.options is not None and request.action is ActionId.CANCEL_ORDER:
            options.update(request.options.model_dump(mode="json"))
        target = request.target or (step.target if step else None)
        if target:
            options["target"] = target
        if step is not None and step.supplier:
            options["supplier"] = step.supplier
        if step is not None and step.revert:
            options["revert"] = step.revert.value
        if request.message:
            options["message"] = self._safe(request.message, limit=255)
        if request.authorised_by:
            options["authorised_by"] = self._safe(request.authorised_by, limit=64)
        if request.check_run:
            options["check_run"] = self._safe(request.check_run, limit=80)
        return options

    def _safe(self, text: str, *, limit: int | None = None) -> str:
        """Text for a message or the record: secrets masked first, then cut (never the other way round)."""
        return redact(text, self._secrets, limit=limit)


def _live_http() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(20.0, connect=5.0), follow_redirects=False)


def build_assistant(
    settings: AppSettings,
    *,
    sandbox: Sandbox | None = None,
    http: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = _now,
) -> Assistant:
    """The assistant for these settings: a live shop when configured, else the sandbox (given or new).

    `sleep` is what every client waits with (retries, throttling, job polls): tests and benchmarks
    pass a no-op so faults cost no time, and still get the product's own wiring.
    """
    from actions.supplier_registry import SUPPLIER_ADAPTERS  # the clients: imported when first needed

    if settings.mode == "live" and sandbox is None:
        wired, client, secrets = settings, http or _live_http(), settings.secrets()
    else:
        from actions.sandbox import Sandbox

        if sandbox is None:
            persist = sandbox_path(settings) if settings.sandbox_persist else None
            delays: dict[str, Any] = {}
            if settings.sandbox_reply_delay is not None:
                delays = {"service_reply_delay": settings.sandbox_reply_delay,
                          "seller_reply_delay": settings.sandbox_reply_delay}
            sandbox = Sandbox(faults=settings.sandbox_faults, persist_path=persist, **delays)
        client = http or httpx.Client(transport=sandbox.transport, timeout=httpx.Timeout(20.0, connect=5.0))
        # The sandbox's own credentials, our data dir; mode stays "sandbox", so the log is the sandbox's file.
        wired = sandbox.settings.model_copy(
            update={
                "data_dir": settings.data_dir, "sandbox_faults": settings.sandbox_faults,
                "database_url": settings.database_url,
            }
        )
        secrets = (*settings.secrets(), *sandbox.settings.secrets())
    assert wired.shopify is not None
    return Assistant(
        settings=wired,
        shopify=ShopifyClient(client, wired.shopify, sleep=sleep),
        suppliers={name: _supplier_client(adapter, client, getattr(wired, name), sleep)
                   for name, adapter in SUPPLIER_ADAPTERS.items()},
        activity=ActivityStore(wired.activity_location, secrets=secrets, namespace=wired.activity_namespace),
        sandbox=sandbox,
        clock=clock,
        read_clock=sandbox.now if sandbox is not None else _now,
        supplier_site=sandbox.simulate_manual_supplier_cancel if sandbox is not None else None,
        answer_delay=(lambda state: sandbox.reply_delay_for((so.supplier, so.order_id) for so in state.suppliers))
        if sandbox is not None else None,
    )


def _supplier_client(adapter: SupplierAdapter, http: httpx.Client, settings: object | None,
                     sleep: Callable[[float], None]) -> SupplierClient:
    """The supplier's client, or, without its credentials, one that sends the merchant to check by hand."""
    return adapter.client(http, settings, sleep) if settings is not None else UnconfiguredSupplier(adapter.name)


def sandbox_path(settings: AppSettings) -> Path:
    """Where the CLI keeps its sandbox so successive commands see each other's effects."""
    return settings.data_dir / "sandbox.json"
