"""The activity page: every recorded action, filtered by order and ticket, exportable as CSV.

The record is the activity store's; this page only lists it, a page at a time, and says how many
records match; the export holds all of them. st.table renders Markdown in its cells,
so every cell is escaped (`table`).
"""

from __future__ import annotations

import streamlit as st

from actions.errors import ActionError, InputError
from pages._ui import (ACTIVITY_EXPORT, ACTIVITY_ORDER, ACTIVITY_PAGE, ACTIVITY_TICKET, Context, current_context,
                      ensure_frame, escape_md, get_assistant, table)

ensure_frame()

PAGE_SIZE = 100


def _filters(ctx: Context) -> tuple[Context | None, str | None]:
    """The validated filters (None and a message when what was typed cannot be an order or ticket)."""
    st.session_state.setdefault(ACTIVITY_ORDER, ctx.query_params().get("order", ""))
    st.session_state.setdefault(ACTIVITY_TICKET, ctx.ticket or "")
    left, right = st.columns(2)
    left.text_input("Order", key=ACTIVITY_ORDER, placeholder="#1001 (all orders when empty)", max_chars=200)
    right.text_input("Ticket", key=ACTIVITY_TICKET, placeholder="ZD-42 (all tickets when empty)", max_chars=64)
    try:
        return Context.from_input(st.session_state[ACTIVITY_ORDER], st.session_state[ACTIVITY_TICKET],
                                  shop=get_assistant().shop or None), None
    except InputError as exc:
        return None, str(exc)


def _show() -> None:
    st.title("Activity")
    st.caption("Every action taken from this app or the command line: when, which order and ticket, who acted, "
               "what was asked and what came of it.")
    wanted, problem = _filters(current_context())
    if wanted is None:
        st.error(escape_md(problem or "Those filters cannot be used."))
        return
    activity = get_assistant().activity
    try:
        total = activity.count(order=wanted.order, ticket=wanted.ticket)
        if not total:
            st.info("Nothing recorded yet for these filters.")
            return
        first = _page_of(total)
        records = activity.list(order=wanted.order, ticket=wanted.ticket, limit=PAGE_SIZE, offset=first)
    except ActionError as exc:
        st.error(escape_md(exc))
        return
    shown = f"; showing {first + 1:,}–{first + len(records):,}" if total > len(records) else ""
    st.caption(f"{total:,} record{'s' if total != 1 else ''}, newest first{shown}.")
    table([
        {
            "When (UTC)": f"{rec.at:%Y-%m-%d %H:%M:%S}",
            "Order": rec.order_name,
            "Ticket": rec.ticket or "",
            "Agent": rec.agent or "",
            "Action": rec.action.replace("_", " "),
            "Options": ", ".join(f"{k}: {v}" for k, v in rec.options.items() if v not in (None, "")),
            "Outcome": rec.outcome.replace("_", " "),
            "Message": rec.message,
            "Request id": rec.request_id or "",
        }
        for rec in records
    ])
    st.download_button(
        "Export CSV", data=lambda: activity.export_csv(order=wanted.order, ticket=wanted.ticket),
        file_name="cancel-assist-activity.csv", mime="text/csv", key=ACTIVITY_EXPORT, icon="⬇️",
        # No rerun on click: a rerun registers the file anew and can drop the one the click asked for.
        on_click="ignore",
        help=f"All {total:,} records that match the filters, not only this page.",
    )


def _page_of(total: int) -> int:
    """The page picker (when there is more than one page); returns the offset of the first record shown."""
    pages = -(-total // PAGE_SIZE)
    if pages <= 1:
        return 0
    if st.session_state.get(ACTIVITY_PAGE, 1) > pages:  # the filters changed: fewer pages than before
        st.session_state[ACTIVITY_PAGE] = pages
    page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=ACTIVITY_PAGE)
    return (int(page) - 1) * PAGE_SIZE


_show()
