"""The Follow-ups page: every order waiting on a seller, a fulfillment service or a person, what is due first.

The list comes from the activity store (no scan of the shop); "Check due orders now" runs the same check
as `cancel-assist follow-ups --check`. Every cell is escaped (`table`): details quote remote text.
"""

from __future__ import annotations

import streamlit as st

from actions.errors import ActionError
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
        st.error(escape_md(getattr(report, "message", None) or "Another check is running; try again in a moment."))
        return
    if not report.checked:
        st.info(f"Check run {escape_md(report.run)}: nothing was due.")
        return
    st.success(f"Check run {escape_md(report.run)}: {len(report.checked)} order(s) re-read.")
    for c in report.checked:
        line = f"**{escape_md(c.order)}**: {escape_md(c.message)}"
        (st.error if c.error else st.warning if c.needs_person else st.info)(line)
        if c.reply:
            st.caption(f"Reply to the customer of {escape_md(c.order)} (Markdown, copy it into the ticket)")
            st.code(c.reply, language="markdown", wrap_lines=True)


def _show() -> None:
    st.title("Follow-ups")
    st.caption("Orders whose cancellation waits on a seller, a fulfillment service or a person, what is due "
               "first. An order is followed once its walkthrough shows it waiting. The check re-reads the due "
               "ones, records what changed against the ticket and finishes the cancellations an agent "
               "authorised; run it from cron with `cancel-assist follow-ups --check`.")
    op = f"follow-ups-check|{st.session_state.get(_RUNS, 0)}"
    st.button("Check due orders now", key=FOLLOW_UPS_CHECK, icon="🔁", type="primary", disabled=is_done(op),
              on_click=run_once, args=(op, _check, _REPORT, _checked))
    _report()
    show_closed = st.checkbox("Show finished follow-ups", key=FOLLOW_UPS_CLOSED)
    try:
        items = get_assistant().follow_ups(include_closed=show_closed)
    except ActionError as exc:
        st.error(escape_md(exc))
        return
    if not items:
        st.info("No order is waiting on anyone. Open a waiting order's walkthrough (in the sandbox: #1030 to "
                "#1036) and it is followed here.")
        return
    people = sum(1 for f in items if f.needs_person)
    st.caption(f"{len(items)} follow-up{'s' if len(items) != 1 else ''}; {people} need{'s' if people == 1 else ''} "
               "a person.")
    table([
        {
            "Order": f.order,
            "Ticket": f.ticket or "",
            "Status": f.status_words,
            "Waiting for": f.waiting_words,
            "Since (UTC)": f"{f.since:%Y-%m-%d %H:%M}",
            "Look again (UTC)": "finished" if f.closed_at else ("due now" if f.due else f"{f.due_at:%Y-%m-%d %H:%M}"),
            "Authorised": "" if f.authorisation is None else
            f"{f.authorisation.state} ({f.authorisation.agent}, until {f.authorisation.expires_at:%Y-%m-%d})",
            "Detail": f.detail,
        }
        for f in items
    ])


_show()
