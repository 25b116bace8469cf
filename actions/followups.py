"""Follow-ups: the orders whose cancellation waits on someone, re-checked when due, finished when authorised.

Built from the activity store, never from a scan of the shop: an order is followed once the assistant
has read it waiting (after an action, or when its walkthrough is open on the page), and every later
reading updates it. `check` re-reads the due ones (one Shopify read + one per supplier order each,
through the same throttle-aware clients), records what changed against the ticket and, where an agent
authorised it, sends the one Shopify cancel through the assistant's own `run` (same re-read, same
idempotency claim). A lease in the activity store makes two check runs never overlap, across
processes. The assistant exposes all of this; pages and the CLI call the assistant only.
"""

from __future__ import annotations

import os
import re
import secrets as _secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from actions.activity import Authorisation, FollowUpRow
from actions.errors import ActionError, InputError
from actions.links import validate_ticket
from kb.followups import (
    FollowUpStatus,
    Settled,
    WaitingFor,
    settle,
)
from kb.refunds import refunds_into_a_dispute
from kb.state import CancelOptions
from kb.walkthrough import ActionId
from kb.wording import followups as say
from kb.wording.followups import FOLLOW_UP_STATUS_WORDS

if TYPE_CHECKING:
    from actions.assistant import Assistant, Lookup

__all__ = [
    "CHECK_LEASE",
    "DEFAULT_AUTHORISATION_DAYS",
    "AuthorisationView",
    "CheckReport",
    "CheckedOrder",
    "FollowUp",
    "validate_agent",
]

CHECK_LEASE = "follow-ups-check"
DEFAULT_AUTHORISATION_DAYS = 7
_LEASE_TTL = timedelta(minutes=10)  # renewed after every order; a crashed run frees it after this
_RETRY_AFTER_ERROR = timedelta(minutes=15)
_PERSON_RECHECK = timedelta(hours=1)  # an order waiting on a person is re-read hourly, to see it was handled
_AGENT = re.compile(r"^[\w .@'+-]{1,200}$")
_WAITING_STATES = frozenset({WaitingFor.SELLER_APPROVAL, WaitingFor.SERVICE_ANSWER})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AuthorisationView(_Frozen):
    """An authorisation as the list and the walkthrough show it."""

    id: int
    agent: str
    options: CancelOptions
    created_at: datetime
    expires_at: datetime
    state: Literal["active", "withdrawn", "expired", "used"]
    withdrawn_by: str | None = None
    used_by_run: str | None = None
    record_id: int | None = None


class FollowUp(_Frozen):
    """One followed order: its ticket, what it waits for, since when, when to look again."""

    order_id: str
    order: str  # the order name, e.g. "#1030"
    ticket: str | None
    agent: str | None
    status: FollowUpStatus
    status_words: str
    waiting_for: WaitingFor | None
    waiting_words: str
    detail: str
    path: str
    since: datetime
    due_at: datetime
    checked_at: datetime | None
    closed_at: datetime | None
    due: bool
    needs_person: bool
    can_authorise: bool  # waits for the supplier side to confirm, with no authorisation in force
    authorisation: AuthorisationView | None = None


class CheckedOrder(_Frozen):
    """What one re-check found and did."""

    order_id: str
    order: str
    ticket: str | None
    before: FollowUpStatus
    status: FollowUpStatus
    waiting_for: WaitingFor | None
    message: str
    changed: bool
    needs_person: bool
    error: bool = False
    cancelled: bool = False  # the authorised Shopify cancel was sent and confirmed by this run
    authorised_by: str | None = None
    record_id: int | None = None
    reply: str | None = None  # the customer reply, ready once this run cancelled the order


class CheckReport(_Frozen):
    """One check run: its id, whether it ran (or another held the lock), and each order it re-read."""

    run: str
    ran: bool
    held_by: str | None = None
    at: datetime
    checked: tuple[CheckedOrder, ...] = ()
    needs_person: tuple[FollowUp, ...] = ()  # every open follow-up a person must act on, after the run

    @property
    def errors(self) -> int:
        return sum(1 for c in self.checked if c.error)


def validate_agent(agent: str | None) -> str:
    """The agent's name as typed (stripped) or InputError: a name is needed to authorise or withdraw."""
    text = (agent or "").strip()
    if not text:
        raise InputError(say.WHO_ARE_YOU, system="agent")
    if not _AGENT.fullmatch(text):
        raise InputError(say.NAME_RULE, system="agent")
    return text


def new_run_id(now: datetime) -> str:
    """A check run's id: when, which process, and a few random letters (unique across processes)."""
    return f"check-{now:%Y%m%dT%H%M%SZ}-{os.getpid()}-{_secrets.token_hex(3)}"


def _now() -> datetime:
    return datetime.now(UTC)


class FollowUps:
    """The follow-up list and the check run of one assistant (its store, clients and sandbox)."""

    def __init__(self, assistant: Assistant) -> None:
        self._a = assistant

    # --- timing ------------------------------------------------------------------------------

    def recheck_after(self, settled: Settled) -> timedelta:
        """When to look again: the rules' time on a live shop; the sandbox's reply delay on the sandbox."""
        if self._a.sandbox is not None:
            return timedelta(seconds=self._a.sandbox.reply_delay)
        return settled.recheck or _PERSON_RECHECK

    # --- the list ----------------------------------------------------------------------------

    def list(self, *, now: datetime | None = None, include_closed: bool = False) -> tuple[FollowUp, ...]:
        """Open follow-ups, what is due first (closed ones too if asked, after the open ones)."""
        now = now or _now()
        rows = self._a.activity.follow_ups(include_closed=include_closed)
        views = [self._view(r, now) for r in rows]
        return tuple(sorted(views, key=lambda f: (f.closed_at is not None, not f.due, f.due_at, f.order)))

    def get(self, order_id: str, *, now: datetime | None = None) -> FollowUp | None:
        row = self._a.activity.follow_up(order_id)
        return self._view(row, now or _now()) if row else None

    def _view(self, row: FollowUpRow, now: datetime) -> FollowUp:
        status = _status(row.status)
        waiting = _waiting(row.waiting_for)
        auth = self._a.activity.authorisation(row.order_id)
        view = _auth_view(auth, now) if auth else None
        return FollowUp(
            order_id=row.order_id, order=row.order_name, ticket=row.ticket, agent=row.agent, status=status,
            status_words=FOLLOW_UP_STATUS_WORDS[status],
            waiting_words=say.waiting_words(status, waiting, row.path),
            waiting_for=waiting, detail=row.detail, path=row.path, since=row.since, due_at=row.due_at,
            checked_at=row.checked_at, closed_at=row.closed_at,
            due=row.closed_at is None and row.due_at <= now,
            needs_person=row.closed_at is None and status in (FollowUpStatus.READY, FollowUpStatus.PERSON),
            can_authorise=row.closed_at is None and waiting in _WAITING_STATES
            and (view is None or view.state != "active"),
            authorisation=view,
        )

    # --- following an order --------------------------------------------------------------------

    def track(self, lookup: Lookup, *, ticket: str | None = None, agent: str | None = None,
              now: datetime | None = None, checked: bool = False, record_id: int | None = None) -> FollowUp | None:
        """Update the order's follow-up from a fresh reading; start one only when the order waits on someone.

        A reading on the page keeps the due time; a check run's reading (`checked`) sets the next one.
        Writes only when something changed, so a page rerun costs a read of the store and nothing else.
        """
        now = now or _now()
        shop = lookup.state.shopify
        settled = settle(lookup.state, lookup.walkthrough)
        row = self._a.activity.follow_up(shop.id)
        open_row = row if row is not None and row.closed_at is None else None
        if open_row is None and (settled.waiting_for is None or settled.status is FollowUpStatus.DONE):
            return self._view(row, now) if row else None
        same = open_row is not None and (open_row.status, open_row.waiting_for) == (
            settled.status.value, settled.waiting_for.value if settled.waiting_for else None)
        since = open_row.since if same and open_row else now
        if checked:
            due = now + self.recheck_after(settled)
        elif same and open_row is not None:
            due = open_row.due_at  # a look on the page never postpones a re-check
        elif settled.status is FollowUpStatus.WAITING:
            due = now + self.recheck_after(settled)
        else:
            due = now  # a person's turn: due at once
        closed = now if settled.status is FollowUpStatus.DONE else None
        values: dict[str, Any] = dict(
            order_id=shop.id, order_name=shop.name, ticket=ticket or (row.ticket if row else None),
            agent=agent or (row.agent if row else None), status=settled.status.value,
            waiting_for=settled.waiting_for.value if settled.waiting_for else None, detail=settled.detail,
            path=lookup.walkthrough.path.value, since=since, due_at=due,
            checked_at=now if checked else (row.checked_at if row else None), closed_at=closed,
            last_record_id=record_id,
        )
        if row is not None and not checked and record_id is None and _unchanged(row, values):
            return self._view(row, now)
        self._a.activity.save_follow_up(**values)
        return self.get(shop.id, now=now)

    # --- authorising the last step ---------------------------------------------------------------

    def authorise(self, order_id: str, options: CancelOptions, *, agent: str | None = None, ticket: str | None = None,
                  days: int = DEFAULT_AUTHORISATION_DAYS, now: datetime | None = None) -> AuthorisationView:
        """Authorise the Shopify cancel for when the supplier confirms; only on an order that waits for that.

        `agent` is who authorises: the name given, else the assistant's own agent (the signed-in user).
        """
        now = now or _now()
        agent = validate_agent(agent or self._a.agent)
        ticket = validate_ticket(ticket)
        if not 1 <= int(days) <= 30:
            raise InputError(say.AUTHORISATION_DAYS, system="authorisation")
        row = self._a.activity.follow_up(order_id)
        if row is None or row.closed_at is not None or _waiting(row.waiting_for) not in _WAITING_STATES:
            raise InputError(say.ONLY_WAITING, system="authorisation")
        previous = self._a.activity.authorisation(order_id)
        auth_id = self._a.activity.authorise(  # withdraws the one in force, if any: one authorisation at a time
            order_id=row.order_id, order_name=row.order_name, ticket=ticket or row.ticket, agent=agent,
            options=options.model_dump(mode="json"), expires_at=now + timedelta(days=int(days)),
        )
        if previous is not None and previous.active(now):  # never silently: the record says it was replaced
            self._a.activity.record(
                order_id=previous.order_id, order_name=previous.order_name, ticket=previous.ticket,
                action="withdraw_authorisation", options={"agent": agent, "authorisation": previous.id},
                outcome="ok", message=say.withdrew_words(agent, previous.agent, previous.order_name), agent=agent,
            )
        self._a.activity.record(
            order_id=row.order_id, order_name=row.order_name, ticket=ticket or row.ticket,
            action="authorise_cancel", options={**options.model_dump(mode="json"), "agent": agent, "days": int(days),
                                                "authorisation": auth_id},
            outcome="ok", message=say.authorised_words(agent, row.order_name, options, int(days)),
            agent=agent,
        )
        auth = self._a.activity.authorisation(row.order_id)
        assert auth is not None
        return _auth_view(auth, now)

    def withdraw(self, order_id: str, *, agent: str | None = None, now: datetime | None = None) -> bool:
        """Withdraw the order's open authorisation (False when there was none left to withdraw)."""
        now = now or _now()
        agent = validate_agent(agent or self._a.agent)
        auth = self._a.activity.authorisation(order_id)
        if auth is None or not self._a.activity.withdraw_authorisation(auth.id, agent=agent):
            return False
        self._a.activity.record(
            order_id=auth.order_id, order_name=auth.order_name, ticket=auth.ticket, action="withdraw_authorisation",
            options={"agent": agent, "authorisation": auth.id}, outcome="ok",
            message=say.withdrew_words(agent, auth.agent, auth.order_name),
            agent=agent,
        )
        return True

    # --- the check run -------------------------------------------------------------------------

    def check(self, *, now: datetime | None = None, run: str | None = None, every: bool = False) -> CheckReport:
        """Re-read every due follow-up (every open one with `every`), once per run, never two runs at once."""
        now = now or _now()
        run = run or new_run_id(now)
        store = self._a.activity
        if not store.take_lease(CHECK_LEASE, holder=run, ttl=_LEASE_TTL):
            return CheckReport(run=run, ran=False, at=now, held_by=say.LEASE_HELD,
                               needs_person=tuple(f for f in self.list(now=now) if f.needs_person))
        try:
            rows = store.follow_ups(due_by=None if every else now)
            checked: list[CheckedOrder] = []
            for row in rows:
                checked.append(self._check_one(row, run=run, now=now))
                store.take_lease(CHECK_LEASE, holder=run, ttl=_LEASE_TTL)  # still ours: renew
        finally:
            store.release_lease(CHECK_LEASE, holder=run)
        return CheckReport(run=run, ran=True, at=now, checked=tuple(checked),
                           needs_person=tuple(f for f in self.list(now=now) if f.needs_person))

    def _check_one(self, row: FollowUpRow, *, run: str, now: datetime) -> CheckedOrder:
        store = self._a.activity
        before = _status(row.status)
        ticket = row.ticket
        try:
            fresh = self._a.look_up(row.order_id)
        except ActionError as exc:
            message = say.unreadable_in_check(run, row.order_name, self._a._safe(str(exc)))
            rid = store.record(order_id=row.order_id, order_name=row.order_name, ticket=ticket,
                               action="follow_up_check", options={"check_run": run}, outcome="error",
                               message=message, request_id=exc.request_id, agent=self._a.agent)
            store.save_follow_up(**{**row.model_dump(), "checked_at": now, "due_at": now + _RETRY_AFTER_ERROR,
                                    "last_record_id": rid})
            return CheckedOrder(order_id=row.order_id, order=row.order_name, ticket=ticket, before=before,
                                status=before, waiting_for=_waiting(row.waiting_for), message=message, changed=False,
                                needs_person=True, error=True, record_id=rid)

        lookup: Lookup | None = fresh  # None once a cancel could not read the order back
        settled = settle(fresh.state, fresh.walkthrough)
        auth = store.authorisation(row.order_id)
        notes: list[str] = []
        news = False  # a note says something new (a note that only restates where the order stands is not)
        tried = False  # this run sent (or tried to send) the authorised cancel
        cancelled, reply, record_id, authorised_by = False, None, None, None
        if settled.status is FollowUpStatus.READY and auth is not None:
            if auth.active(now) and _refunds_into_a_dispute(fresh, auth):
                # A chargeback opened after the authorisation: its refund could pay the customer twice.
                store.withdraw_authorisation(auth.id, agent=say.run_agent(run))
                notes.append(say.dispute_withdrawn_words(auth.agent))
                news = True
            elif auth.active(now) and store.take_authorisation(auth.id, run=run, now=now):
                lookup, cancelled, record_id, note = self._finish(fresh, auth, run=run, ticket=ticket)
                notes.append(note)  # says what became of it: never followed by "cancel it on Shopify now"
                news = tried = True
                authorised_by = auth.agent
                if cancelled and lookup is not None:
                    reply = self._a.customer_reply(lookup)
                settled = settle(lookup.state, lookup.walkthrough) if lookup is not None else settled
            elif auth.withdrawn_at is None and auth.used_by_run is None and auth.expires_at <= now:
                notes.append(say.expired_words(auth.agent, auth.expires_at))
                news = row.checked_at is None or row.checked_at < auth.expires_at  # expired since the last check
        elif auth is not None and auth.active(now) and settled.status is FollowUpStatus.PERSON:
            # The path went somewhere the authorisation did not cover: never let it fire later by surprise.
            store.withdraw_authorisation(auth.id, agent=say.run_agent(run))
            notes.append(say.withdrawn_words(auth.agent))
            news = True
        if settled.status is FollowUpStatus.READY and not tried:
            notes.append(say.READY_NO_AUTHORISATION)

        after_status = settled.status
        changed = cancelled or (after_status.value, settled.waiting_for.value if settled.waiting_for else None) != (
            row.status, row.waiting_for)
        message = say.recheck_words(say.status_sentence(before, _waiting(row.waiting_for)),
                                    say.status_sentence(after_status, settled.waiting_for), settled.detail, notes,
                                    cancelled=cancelled)
        if changed or news:  # an order left as it was gets no new record on every run
            shop = lookup.state.shopify if lookup is not None else None
            record_id = store.record(
                order_id=row.order_id, order_name=shop.name if shop else row.order_name, ticket=ticket,
                action="follow_up_check",
                options={"check_run": run, "status": after_status.value,
                         "waiting_for": settled.waiting_for.value if settled.waiting_for else None,
                         **({"authorised_by": authorised_by} if authorised_by else {})},
                outcome="ok", message=say.check_record(run, message), agent=self._a.agent,
            ) if not cancelled else record_id
        if lookup is not None:
            self.track(lookup, ticket=ticket, now=now, checked=True, record_id=record_id)
        return CheckedOrder(
            order_id=row.order_id, order=row.order_name, ticket=ticket, before=before, status=after_status,
            waiting_for=settled.waiting_for, message=message, changed=changed,
            needs_person=after_status in (FollowUpStatus.READY, FollowUpStatus.PERSON), cancelled=cancelled,
            authorised_by=authorised_by, record_id=record_id, reply=reply,
        )

    def _finish(self, lookup: Lookup, auth: Authorisation, *, run: str,
                ticket: str | None) -> tuple[Lookup | None, bool, int | None, str]:
        """The authorised write, through the assistant's own run (re-read, claim, one orderCancel, record)."""
        from actions.assistant import ActionRequest

        try:
            options = CancelOptions.model_validate(auth.options)
        except ValidationError:
            self._a.activity.settle_authorisation(auth.id, record_id=None, give_back=False)
            return lookup, False, None, say.AUTHORISATION_UNREADABLE
        result = self._a.run(ActionRequest(
            action=ActionId.CANCEL_ORDER, order=lookup.state.shopify.id, ticket=ticket or auth.ticket,
            options=options, authorised_by=auth.agent, check_run=run,
        ))
        nothing_sent = result.outcome in ("refused", "error")
        self._a.activity.settle_authorisation(auth.id, record_id=result.record_id, give_back=nothing_sent)
        if result.ok:
            return result.lookup, True, result.record_id, say.done_by_run(result.message, auth.agent, run)
        message = say.not_done_by_run(result.message, outcome=result.outcome, stays=nothing_sent)
        return result.lookup or lookup, False, result.record_id, message


def _refunds_into_a_dispute(lookup: Lookup, auth: Authorisation) -> bool:
    """The authorised cancel refunds, and the order now has a chargeback open (unreadable options: `_finish` says so)."""
    try:
        options = CancelOptions.model_validate(auth.options)
    except ValidationError:
        return False
    return refunds_into_a_dispute(lookup.state.shopify, options)


def _status(value: str) -> FollowUpStatus:
    try:
        return FollowUpStatus(value)
    except ValueError:
        return FollowUpStatus.PERSON  # a value written by a newer version: show it to a person


def _waiting(value: str | None) -> WaitingFor | None:
    try:
        return WaitingFor(value) if value else None
    except ValueError:
        return None


def _unchanged(row: FollowUpRow, values: Mapping[str, object]) -> bool:
    current = row.model_dump()
    return all(current.get(k) == v for k, v in values.items() if k != "last_record_id")


def _auth_view(auth: Authorisation, now: datetime) -> AuthorisationView:
    if auth.used_by_run is not None:
        state: Literal["active", "withdrawn", "expired", "used"] = "used"
    elif auth.withdrawn_at is not None:
        state = "withdrawn"
    elif auth.expires_at <= now:
        state = "expired"
    else:
        state = "active"
    try:
        options = CancelOptions.model_validate(auth.options)
    except ValidationError:
        options, state = CancelOptions(), "withdrawn"  # an unreadable row can never fire
    return AuthorisationView(id=auth.id, agent=auth.agent, options=options, created_at=auth.created_at,
                             expires_at=auth.expires_at, state=state, withdrawn_by=auth.withdrawn_by,
                             used_by_run=auth.used_by_run, record_id=auth.record_id)

