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
from kb.wording.authorise_panel import (AGENT, AUTHORISE, EXPIRES_AFTER, FORM_NOTE, FORM_TITLE, NOTHING_TO_WITHDRAW,
                                        WITHDRAW, WITHDRAWN, authorised_words, follow_up_words, unlisted_words)
from kb.wording.options import CANCEL_FORM
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
        st.success(WITHDRAWN)
    elif result is False:
        st.info(NOTHING_TO_WITHDRAW)


def _active(order: str, follow: FollowUp, auth: AuthorisationView) -> None:
    st.success(authorised_words(escape_md(auth.agent), auth.expires_at, auth.options), icon="✅")
    _agent_box()
    op = f"withdraw|{auth.id}"
    st.button(WITHDRAW, key=authorise_key(order, "withdraw"), disabled=is_done(op),
              on_click=run_once, args=(op, lambda: _withdraw(follow.order_id), authorise_key(order, "result"),
                                       lambda _: _forget(order)))


def _agent_box() -> None:
    """Who is working (kept for the session: Streamlit forgets a widget's value on a run that does not draw it)."""
    st.session_state[AGENT_BOX] = st.session_state.get(AGENT_BOX) or get_assistant().agent or ""
    st.text_input(AGENT, key=AGENT_BOX, max_chars=200)


def _form(ctx: Context, order: str, follow: FollowUp, lookup: Lookup) -> None:
    ss = st.session_state
    defaults = get_assistant().default_cancel_options(lookup)  # the cancel dialog's: no refund over a chargeback
    ss.setdefault(authorise_key(order, "refund"), defaults.refund)
    ss.setdefault(authorise_key(order, "reason"), defaults.reason)
    ss.setdefault(authorise_key(order, "restock"), True)
    ss.setdefault(authorise_key(order, "notify"), False)
    ss.setdefault(authorise_key(order, "days"), 7)
    with st.expander(FORM_TITLE, icon="⏩"):
        st.caption(FORM_NOTE)
        _agent_box()
        if get_assistant().refund_choice(lookup):  # as the cancel dialog: no choice when nothing can be refunded
            st.radio(CANCEL_FORM.refund, list(RefundTiming), key=authorise_key(order, "refund"), horizontal=True,
                     format_func=REFUND_WORDS.get)
        else:
            ss[authorise_key(order, "refund")] = RefundTiming.LATER
        st.selectbox(CANCEL_FORM.reason, list(CancelReason), key=authorise_key(order, "reason"),
                     format_func=CANCEL_REASON_WORDS.get)
        st.text_input(CANCEL_FORM.staff_note, key=authorise_key(order, "staff_note"), max_chars=255)
        st.checkbox(CANCEL_FORM.restock, key=authorise_key(order, "restock"))
        st.checkbox(CANCEL_FORM.notify, key=authorise_key(order, "notify"))
        st.number_input(EXPIRES_AFTER, min_value=1, max_value=30, step=1, key=authorise_key(order, "days"))
        op = f"authorise|{follow.order_id}|{follow.authorisation.id if follow.authorisation else 0}"
        st.button(AUTHORISE, key=authorise_key(order, "confirm"), type="primary", disabled=is_done(op),
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
            st.error(escape_md(unlisted_words(str(exc))))
            return
        st.session_state[_follow_key(order)] = (lookup.read_at, follow)
    if follow is None or follow.closed_at is not None:
        return
    st.info(follow_up_words(escape_md(follow.status_words), escape_md(follow.waiting_words), follow.since,
                            due=follow.due, due_at=follow.due_at), icon="⏳")
    _result(order)
    auth = follow.authorisation
    if auth is not None and auth.state == "active":
        _active(order, follow, auth)
    elif follow.can_authorise:
        _form(ctx, order, follow, lookup)
