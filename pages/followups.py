"""The Follow-ups page: every order waiting on a seller, a fulfillment service or a person, what is due first.

The list comes from the activity store (no scan of the shop); "Check due orders now" runs the same check
as `cancel-assist follow-ups --check`. Every cell is escaped (`table`): details quote remote text.
"""

from __future__ import annotations

import streamlit as st

from actions.errors import ActionError
from kb.wording.followups_page import (CHECK_NOW, COLUMNS, INTRO, NOTHING_WAITING, OTHER_CHECK_RUNNING, SHOW_FINISHED,
                                       authorised_cell, checked_words, follow_up_count, look_again_cell,
                                       nothing_due_words, reply_caption)
from kb.wording.frame import PAGE_TITLES
from pages._authorise import FOLLOW_UPS_CHECK, FOLLOW_UPS_CLOSED
from pages._ui import ensure_frame, escape_md, get_assistant, is_done, run_once, state_key, table

ensure_frame()

_REPORT = state_key("follow-ups", "report")
_RUNS = state_key("follow-ups", "runs")


def _check() -> object:
    return get_assistant().check_follow_ups()


def _checked(_: object) -> None:
    st.session_state[_RUNS] = int(st.session_state.get(_RUNS, 0)) + 1


def _report() -> None:
    report = st.session_state.get(_REPORT)
    if report is None:
        return
    if not getattr(report, "ran", False):
        st.error(escape_md(getattr(report, "message", None) or OTHER_CHECK_RUNNING))
        return
    if not report.checked:
        st.info(nothing_due_words(escape_md(report.run)))
        return
    st.success(checked_words(escape_md(report.run), len(report.checked)))
    for c in report.checked:
        line = f"**{escape_md(c.order)}**: {escape_md(c.message)}"
        (st.error if c.error else st.warning if c.needs_person else st.info)(line)
        if c.reply:
            st.caption(reply_caption(escape_md(c.order)))
            st.code(c.reply, language="markdown", wrap_lines=True)


def _show() -> None:
    st.title(PAGE_TITLES["followups"])
    st.caption(INTRO)
    op = f"follow-ups-check|{st.session_state.get(_RUNS, 0)}"
    st.button(CHECK_NOW, key=FOLLOW_UPS_CHECK, icon="🔁", type="primary", disabled=is_done(op),
              on_click=run_once, args=(op, _check, _REPORT, _checked))
    _report()
    show_closed = st.checkbox(SHOW_FINISHED, key=FOLLOW_UPS_CLOSED)
    try:
        items = get_assistant().follow_ups(include_closed=show_closed)
    except ActionError as exc:
        st.error(escape_md(exc))
        return
    if not items:
        st.info(NOTHING_WAITING)
        return
    people = sum(1 for f in items if f.needs_person)
    st.caption(follow_up_count(len(items), people))
    table([
        {
            COLUMNS.order: f.order,
            COLUMNS.ticket: f.ticket or "",
            COLUMNS.status: f.status_words,
            COLUMNS.waiting_for: f.waiting_words,
            COLUMNS.since: f"{f.since:%Y-%m-%d %H:%M}",
            COLUMNS.look_again: look_again_cell(finished=bool(f.closed_at), due=f.due, due_at=f.due_at),
            COLUMNS.authorised: "" if f.authorisation is None else
            authorised_cell(f.authorisation.state, f.authorisation.agent, f.authorisation.expires_at),
            COLUMNS.detail: f.detail,
        }
        for f in items
    ])


_show()
