""""Finish it for me": on a walkthrough that waits for the supplier, authorise the Shopify cancel for later.

Called from the walkthrough with one line (`authorise_panel(ctx, order, lookup)`). It shows where the
order's follow-up stands and, while the order waits for the seller or the fulfillment service, a form
with the cancel dialog's options; the check run (`cancel-assist follow-ups --check` or the Follow-ups
page) sends that cancel once the supplier confirms. Rules live in the assistant; this only renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from actions.errors import ActionError
from kb.state import CancelOptions, CancelReason, RefundTiming
from kb.wording import CANCEL_REASON_WORDS, REFUND_WORDS
from pages._ui import Context, Failure, escape_md, get_assistant, is_done, run_once, state_key

if TYPE_CHECKING:
    from actions.assistant import Lookup
    from actions.followups import AuthorisationView, FollowUp

__all__ = ["AGENT_BOX", "FOLLOW_UPS_CHECK", "FOLLOW_UPS_CLOSED", "authorise_key", "authorise_panel"]

AGENT_BOX = state_key("agent")  # who is working: asked once per session, kept for every authorisation
# The Follow-ups page's widgets (here, so tests can drive them without importing the page script).
FOLLOW_UPS_CHECK = state_key("follow-ups", "check")
FOLLOW_UPS_CLOSED = state_key("follow-ups", "closed")


def authorise_key(order: str, part: str) -> str:
    """The widget key of one field or button of this order's authorisation form."""
    return state_key("authorise", order, part)


def _follow_key(order: str) -> str:
    return state_key("follow-up", order)


def _forget(order: str) -> None:
    st.session_state.pop(_follow_key(order), None)


def _options(order: str) -> CancelOptions:
    ss = st.session_state
    return CancelOptions(
        reason=ss[authorise_key(order, "reason")], refund=ss[authorise_key(order, "refund")],
        restock=bool(ss[authorise_key(order, "restock")]), notify_customer=bool(ss[authorise_key(order, "notify")]),
        staff_note=ss.get(authorise_key(order, "staff_note")) or None,
    )


def _authorise(order_id: str, order: str, ticket: str | None) -> AuthorisationView:
    return get_assistant().authorise_cancel(
        order_id, _options(order), agent=st.session_state.get(AGENT_BOX) or "", ticket=ticket,
        days=int(st.session_state.get(authorise_key(order, "days")) or 7),
    )


def _withdraw(order_id: str) -> bool:
    return get_assistant().withdraw_authorisation(order_id, agent=st.session_state.get(AGENT_BOX) or "")


def _result(order: str) -> None:
    result = st.session_state.get(authorise_key(order, "result"))
    if isinstance(result, Failure):
        st.error(escape_md(result.message))
    elif result is True:
        st.success("Authorisation withdrawn: the check run will not cancel this order.")
    elif result is False:
        st.info("There was no authorisation left to withdraw.")


def _active(order: str, follow: FollowUp, auth: AuthorisationView) -> None:
    o = auth.options
    st.success(
        f"Authorised by {escape_md(auth.agent)} until {auth.expires_at:%Y-%m-%d %H:%M} UTC: when the supplier "
        f"confirms, the check run cancels on Shopify ({escape_md(REFUND_WORDS[o.refund].lower())}, "
        f"{escape_md(CANCEL_REASON_WORDS[o.reason].lower())}, {'restock' if o.restock else 'no restock'}, "
        f"{'notify the customer' if o.notify_customer else 'no email to the customer'}).", icon="✅")
    _agent_box()
    op = f"withdraw|{auth.id}"
    st.button("Withdraw the authorisation", key=authorise_key(order, "withdraw"), disabled=is_done(op),
              on_click=run_once, args=(op, lambda: _withdraw(follow.order_id), authorise_key(order, "result"),
                                       lambda _: _forget(order)))


def _agent_box() -> None:
    """Who is working (kept for the session: Streamlit forgets a widget's value on a run that does not draw it)."""
    st.session_state[AGENT_BOX] = st.session_state.get(AGENT_BOX) or get_assistant().agent or ""
    st.text_input("Your name (recorded with the authorisation)", key=AGENT_BOX, max_chars=200)


def _form(ctx: Context, order: str, follow: FollowUp) -> None:
    ss = st.session_state
    ss.setdefault(authorise_key(order, "refund"), RefundTiming.NOW)
    ss.setdefault(authorise_key(order, "reason"), CancelReason.CUSTOMER)
    ss.setdefault(authorise_key(order, "restock"), True)
    ss.setdefault(authorise_key(order, "notify"), False)
    ss.setdefault(authorise_key(order, "days"), 7)
    with st.expander("Finish it for me: cancel on Shopify when the supplier confirms", icon="⏩"):
        st.caption("The check run re-reads this order when it is due. If the supplier confirms the cancellation, "
                   "it cancels on Shopify with these options, once, and records it under your name and the ticket. "
                   "If anything else happens (the seller refuses, the supplier ships), it does nothing and lists "
                   "the order for a person.")
        _agent_box()
        st.radio("Refund", list(RefundTiming), key=authorise_key(order, "refund"), horizontal=True,
                 format_func=REFUND_WORDS.get)
        st.selectbox("Reason for cancellation", list(CancelReason), key=authorise_key(order, "reason"),
                     format_func=CANCEL_REASON_WORDS.get)
        st.text_input("Staff note (only your staff sees it)", key=authorise_key(order, "staff_note"), max_chars=255)
        st.checkbox("Restock the items", key=authorise_key(order, "restock"))
        st.checkbox("Send the customer a cancellation notice", key=authorise_key(order, "notify"))
        st.number_input("Expires after (days)", min_value=1, max_value=30, step=1, key=authorise_key(order, "days"))
        op = f"authorise|{follow.order_id}|{follow.authorisation.id if follow.authorisation else 0}"
        st.button("Authorise", key=authorise_key(order, "confirm"), type="primary", disabled=is_done(op),
                  on_click=run_once, args=(op, lambda: _authorise(follow.order_id, order, ctx.ticket),
                                           authorise_key(order, "result"), lambda _: _forget(order)))


def authorise_panel(ctx: Context, order: str, lookup: Lookup) -> None:
    """Where this order's follow-up stands, and the authorisation form (or the authorisation) while it waits."""
    cached = st.session_state.get(_follow_key(order))
    if cached is not None and cached[0] == lookup.read_at:
        follow = cached[1]  # a plain rerun reads nothing: only a new reading or an (un)authorisation does
    else:
        try:
            follow = get_assistant().follow_up(lookup, ctx.ticket)
        except ActionError as exc:
            st.error(escape_md(f"The follow-up list could not be updated: {exc}"))
            return
        st.session_state[_follow_key(order)] = (lookup.read_at, follow)
    if follow is None or follow.closed_at is not None:
        return
    due = "due now" if follow.due else f"next look {follow.due_at:%Y-%m-%d %H:%M} UTC"
    st.info(f"Follow-up: {escape_md(follow.status_words)} ({escape_md(follow.waiting_words)}) since "
            f"{follow.since:%Y-%m-%d %H:%M} UTC; {due}. It is on the Follow-ups page.", icon="⏳")
    _result(order)
    auth = follow.authorisation
    if auth is not None and auth.state == "active":
        _active(order, follow, auth)
    elif follow.can_authorise:
        _form(ctx, order, follow)
