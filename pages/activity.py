"""The activity page: every recorded action, filtered by order, ticket, outcome and date, exportable as CSV.

The record is the activity store's; this page only lists it, a page at a time, in words (`kb.wording.record`:
"Cancel on Shopify", "Refund later", "fulfillment 5003" instead of `cancel_order`, `later` and a GID),
and says how many records match; the export holds all of them, with the stored values. st.table renders
Markdown in its cells, so every cell is plain text (`table`). The page is wide so the request id is
shown whole.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from actions.errors import ActionError, InputError
from kb.wording.record import OUTCOME_LABELS, action_label, gid_words, option_words, outcome_label
from kb.wording.activity_page import (ANY_OUTCOME, COLUMNS, EXPORT, FILTERS, INTRO, NOTHING_RECORDED, SINCE_AFTER_UNTIL,
                                      UNUSABLE_FILTERS, export_help, page_picker, record_count)
from kb.wording.frame import PAGE_TITLES
from pages._ui import (ACTIVITY_EXPORT, ACTIVITY_ORDER, ACTIVITY_PAGE, ACTIVITY_TICKET, Context, current_context,
                      ensure_frame, get_assistant, plain, state_key, table)

ensure_frame()
st.set_page_config(layout="wide")

PAGE_SIZE = 25
ACTIVITY_OUTCOME = state_key("activity", "outcome")
ACTIVITY_SINCE = state_key("activity", "since")
ACTIVITY_UNTIL = state_key("activity", "until")
_ANY = ""


class _Wanted:
    """The validated filters, as the activity store takes them (dates are whole UTC days)."""

    def __init__(self, ctx: Context, outcome: str | None, since: date | None, until: date | None) -> None:
        self.order, self.ticket, self.outcome = ctx.order, ctx.ticket, outcome
        self.since = datetime.combine(since, time.min, tzinfo=UTC) if since else None
        self.until = datetime.combine(until, time.min, tzinfo=UTC) + timedelta(days=1) if until else None

    def args(self) -> dict[str, object]:
        return {"order": self.order, "ticket": self.ticket, "outcome": self.outcome, "since": self.since,
                "until": self.until}


def _filters(ctx: Context) -> tuple[_Wanted | None, str | None]:
    """The validated filters (None and a message when what was typed cannot be used)."""
    ss = st.session_state
    ss.setdefault(ACTIVITY_ORDER, ctx.query_params().get("order", ""))
    ss.setdefault(ACTIVITY_TICKET, ctx.ticket or "")
    order, ticket, outcome, since, until = st.columns([3, 2, 2, 2, 2], vertical_alignment="bottom")
    order.text_input(FILTERS.order, key=ACTIVITY_ORDER, placeholder=FILTERS.order_placeholder, max_chars=200)
    ticket.text_input(FILTERS.ticket, key=ACTIVITY_TICKET, placeholder=FILTERS.ticket_placeholder, max_chars=64)
    outcome.selectbox(FILTERS.outcome, [_ANY, *OUTCOME_LABELS], key=ACTIVITY_OUTCOME,
                      format_func=lambda value: OUTCOME_LABELS.get(value, ANY_OUTCOME))
    since.date_input(FILTERS.since, value=None, key=ACTIVITY_SINCE, format="YYYY-MM-DD")
    until.date_input(FILTERS.until, value=None, key=ACTIVITY_UNTIL, format="YYYY-MM-DD")
    first, last = ss.get(ACTIVITY_SINCE), ss.get(ACTIVITY_UNTIL)
    if first and last and first > last:
        return None, SINCE_AFTER_UNTIL
    try:
        ctx = Context.from_input(ss[ACTIVITY_ORDER], ss[ACTIVITY_TICKET], shop=get_assistant().shop or None)
    except InputError as exc:
        return None, str(exc)
    return _Wanted(ctx, ss.get(ACTIVITY_OUTCOME) or None, first, last), None


def _show() -> None:
    st.title(PAGE_TITLES["activity"])
    st.caption(INTRO)
    wanted, problem = _filters(current_context())
    if wanted is None:
        st.error(plain(problem or UNUSABLE_FILTERS))
        return
    assistant = get_assistant()
    try:
        total = assistant.count_records(**wanted.args())
        if not total:
            st.info(NOTHING_RECORDED)
            return
        first = _page_of(total)
        records = assistant.records(**wanted.args(), limit=PAGE_SIZE, offset=first)
    except ActionError as exc:
        st.error(plain(exc))
        return
    st.caption(record_count(total, first, len(records)))
    table([
        {
            COLUMNS.when: f"{rec.at:%Y-%m-%d %H:%M:%S}",
            COLUMNS.order: gid_words(rec.order_name),
            COLUMNS.ticket: rec.ticket or "",
            COLUMNS.agent: rec.agent or "",
            COLUMNS.action: action_label(rec.action),
            COLUMNS.options: option_words(rec.options, order_name=rec.order_name),
            COLUMNS.outcome: outcome_label(rec.outcome),
            COLUMNS.message: rec.message,
            COLUMNS.request_id: rec.request_id or "",
        }
        for rec in records
    ])
    st.download_button(
        EXPORT, data=lambda: assistant.export_records(**wanted.args()),
        file_name="cancel-assist-activity.csv", mime="text/csv", key=ACTIVITY_EXPORT, icon="⬇️",
        # No rerun on click: a rerun registers the file anew and can drop the one the click asked for.
        on_click="ignore",
        help=export_help(total),
    )


def _page_of(total: int) -> int:
    """The page picker (when there is more than one page); returns the offset of the first record shown."""
    pages = -(-total // PAGE_SIZE)
    if pages <= 1:
        return 0
    if st.session_state.get(ACTIVITY_PAGE, 1) > pages:  # the filters changed: fewer pages than before
        st.session_state[ACTIVITY_PAGE] = pages
    page = st.number_input(page_picker(pages), min_value=1, max_value=pages, step=1, key=ACTIVITY_PAGE)
    return (int(page) - 1) * PAGE_SIZE


_show()
