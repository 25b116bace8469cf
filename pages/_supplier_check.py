"""The supplier side when the assistant cannot read it: enter the supplier order, or say none was placed.

Called by the walkthrough with the order's reading; it only lays out the assistant's answer and calls
`Assistant.remember_supplier_ref` / `Assistant.confirm_no_supplier_order`. The reason shown (an app's
location, its status tags) is the rules' own step reason.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from actions.assistant import Lookup
from kb.hand_check import HandStatus
from kb.state import SupplierOrderState, SupplierRef
from kb.suppliers import SUPPLIER_TITLES, supplier_title
from kb.walkthrough import ActionId
from kb.wording.hand_check import HAND_STATUS_WORDS
from kb.wording.supplier_check_panel import (BAD_SUPPLIER_ID, CHOOSE_STATUS_FIRST, NAMES_NONE, NONE_PLACED,
                                             NONE_PLACED_SURE, RECORD, REMEMBER, SUPPLIER, SUPPLIER_ORDER_ID,
                                             TICK_FIRST, WHAT_IT_SHOWS, WHICH_ORDER, check_by_hand_heading,
                                             check_it_by_hand, checked_by_hand_note, none_confirmed_words,
                                             open_it_on, unread_note)
from pages._ui import Context, Failure, escape_md, get_assistant, run_once, state_key, store_lookup

__all__ = ["hand_check_panel", "supplier_panel"]


def _kept(order: str, result_key: str) -> Any:
    def keep(result: Any) -> None:
        if isinstance(result, Failure):
            st.session_state[result_key] = result
        else:  # the answer was taken: an earlier "tick the box first" or bad id no longer applies
            st.session_state.pop(result_key, None)
            store_lookup(order, result)
    return keep


def _remember_ref(ctx: Context, order: str, result_key: str) -> None:
    ss = st.session_state
    try:
        ref = SupplierRef(supplier=ss[state_key("ref-supplier", order)],
                          order_id=(ss.get(state_key("ref-id", order)) or "").strip(), source="entered")
    except ValidationError:
        ss[result_key] = Failure(message=BAD_SUPPLIER_ID)
        return
    op = f"{order}|remember|{ref.supplier}|{ref.order_id}"
    run_once(op, lambda: get_assistant().remember_supplier_ref(order, ref, ticket=ctx.ticket),
             state_key("ref-result", order), _kept(order, result_key))


def _confirm_none(ctx: Context, order: str, lookup: Lookup, result_key: str) -> None:
    if not st.session_state.get(state_key("none-sure", order)):
        st.session_state[result_key] = Failure(message=TICK_FIRST)
        return
    op = f"{order}|no-supplier-order|{lookup.read_at.isoformat()}"
    run_once(op, lambda: get_assistant().confirm_no_supplier_order(order, ticket=ctx.ticket),
             state_key("none-result", order), _kept(order, result_key))


def supplier_panel(ctx: Context, order: str, lookup: Lookup, result_key: str, *, compact: bool = False) -> None:
    """No supplier order known: the question the walkthrough waits on, with both ways to answer it.

    `compact`: asked inside the first-screen card (whose sentence already says no number was found), so
    the controls come first and the reason a supplier order probably exists follows them.
    """
    state = lookup.state
    if state.suppliers or state.shopify.is_cancelled:
        return
    asking = next((s for s in lookup.walkthrough.steps if s.action is ActionId.FIND_SUPPLIER_ORDER), None)
    with st.container(border=not compact, gap="xsmall" if compact else "small"):
        if asking is None:
            st.markdown(NAMES_NONE)
        elif not compact:  # in the card, its sentence asks the question: the controls come first
            st.markdown(WHICH_ORDER)
            st.caption(escape_md(asking.reason))
        left, right, button = st.columns([2, 3, 2], vertical_alignment="bottom")
        left.selectbox(SUPPLIER, list(SUPPLIER_TITLES), key=state_key("ref-supplier", order),
                       format_func=supplier_title)
        right.text_input(SUPPLIER_ORDER_ID, key=state_key("ref-id", order), max_chars=64)
        button.button(REMEMBER, key=state_key("ref-save", order), on_click=_remember_ref,
                      args=(ctx, order, result_key))
        if state.no_supplier_order is None:
            st.checkbox(NONE_PLACED_SURE,
                        key=state_key("none-sure", order))
            st.button(NONE_PLACED, key=state_key("none-save", order), on_click=_confirm_none,
                      args=(ctx, order, lookup, result_key))
        else:
            ruled = state.no_supplier_order
            st.caption(escape_md(none_confirmed_words(ruled.at, ruled.ticket)))
        if asking is not None and compact:
            st.caption(escape_md(asking.reason))


def _record_check(ctx: Context, order: str, lookup: Lookup, so: SupplierOrderState, result_key: str) -> None:
    status = st.session_state.get(state_key("hand-status", order, so.order_id))
    if status is None:
        st.session_state[result_key] = Failure(message=CHOOSE_STATUS_FIRST)
        return
    op = f"{order}|check-by-hand|{so.supplier}|{so.order_id}|{status}|{lookup.read_at.isoformat()}"
    run_once(op, lambda: get_assistant().record_supplier_check(order, so.order_id, status, supplier=so.supplier,
                                                               ticket=ctx.ticket),
             state_key("hand-result", order, so.order_id), _kept(order, result_key))


def hand_check_panel(ctx: Context, order: str, lookup: Lookup, result_key: str, *, compact: bool = False) -> None:
    """Supplier orders that cannot be read (or were checked by hand): the link, and what the site shows.

    `compact`: asked inside the first-screen card, whose sentence already says why it could not be read.
    """
    for so in lookup.state.suppliers:
        if so.read_error is None and so.source != "manual":
            continue
        title = supplier_title(so.supplier)
        with st.container(border=not compact, gap="xsmall" if compact else "small"):
            if compact and not (so.source == "manual" and so.checked_at is not None):
                st.markdown(check_it_by_hand(escape_md(title), escape_md(so.order_id)))
            else:
                st.markdown(check_by_hand_heading(escape_md(title), escape_md(so.order_id)))
            if so.source == "manual" and so.checked_at is not None:
                st.caption(escape_md(checked_by_hand_note(so.checked_at, so.raw_status)))
            elif not compact:
                st.caption(escape_md(unread_note(so.read_error, title)))
            if so.order_url and not compact:
                st.link_button(open_it_on(title), so.order_url, icon="↗️")
            st.radio(WHAT_IT_SHOWS, list(HandStatus), index=None, horizontal=compact,
                     key=state_key("hand-status", order, so.order_id), format_func=HAND_STATUS_WORDS.get,
                     label_visibility="collapsed" if compact else "visible")
            row = st.container(horizontal=True) if compact else st.container()
            row.button(RECORD, key=state_key("hand-save", order, so.order_id), on_click=_record_check,
                       args=(ctx, order, lookup, so, result_key))
            if so.order_url and compact:  # beside Record: the card keeps the whole question on a phone's first screen
                row.link_button(open_it_on(title), so.order_url, icon="↗️")
