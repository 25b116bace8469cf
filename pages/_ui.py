"""Shared UI helpers: session-state keys, the deep-link context, the mode banner, the run-once helper.

Only the entry file and the pages import Streamlit; this module is the pages' common vocabulary so
that every page builds its keys, shows the mode and runs a side effect the same way.
"""

from __future__ import annotations

import functools
import gc
import re
from dataclasses import dataclass
from types import MappingProxyType
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import streamlit as st
from pydantic import BaseModel, ConfigDict, ValidationError
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException, StopException

from actions.errors import ActionError, InputError
from actions.links import link_order_value, validate_ticket
from kb.order_ref import OrderRefError, parse_order_ref
from kb.wording.frame import SANDBOX_BANNER, live_banner, unsendable_words

if TYPE_CHECKING:  # the pages get the assistant from session state; importing it here is for types only
    from actions.assistant import Assistant, Lookup
    from kb.walkthrough import WalkthroughStep

__all__ = [
    "ACTIVITY_EXPORT",
    "ACTIVITY_ORDER",
    "ACTIVITY_TICKET",
    "ASSISTANT_KEY",
    "MAY_ACT_KEY",
    "CONNECTION_CHECK",
    "INPUT_ERROR",
    "LOOK_UP",
    "NAV_PAGES",
    "ORDER_BOX",
    "FOLDED_PANELS",
    "SANDBOX_PANEL",
    "TICKET_PANEL",
    "TICKET_BOX",
    "action_key",
    "cancel_option_key",
    "progress_key",
    "step_key",
    "CONTEXT_ERROR_KEY",
    "CONTEXT_KEY",
    "Context",
    "Failure",
    "cached_lookup",
    "current_context",
    "escape_md",
    "plain",
    "busy",
    "finish_queued",
    "has_lookup",
    "start_once",
    "folded_panel",
    "forget_lookups",
    "get_assistant",
    "heading",
    "is_done",
    "look_up_panel",
    "k",
    "mode_banner",
    "page_query",
    "run_once",
    "set_context",
    "state_key",
    "store_lookup",
    "table",
]

_PREFIX = "ca"


@functools.cache
def freeze_startup_objects() -> None:
    """Once per server process, after its first full run: take what is loaded so far out of later GCs.

    Python's full collections (and Streamlit's after every run, `runner.postScriptGC`, which the
    project's config turns off because it also scans every open session) used to rescan every
    module object of Streamlit, pydantic and the app each time (~110k objects, 30-60 ms of CPU).
    They live as long as the process, so they are collected once and frozen (`gc.freeze()`); what
    sessions create later is still collected.
    """
    gc.collect()
    gc.freeze()


def state_key(*parts: object) -> str:
    """Build one namespaced session-state key, e.g. `state_key("step", "#1001", "tell-customer")`."""
    return ":".join((_PREFIX, *(str(p) for p in parts)))


k = state_key  # the short name the style guide uses

ASSISTANT_KEY = state_key("assistant")
# The entry file's gate, asked again by a button's callback: callbacks run before the entry file's next gate.
MAY_ACT_KEY = state_key("may-act")
CONTEXT_KEY = state_key("context")
CONTEXT_ERROR_KEY = state_key("context-error")

# Widget keys the pages use (here, so tests can drive the widgets without importing a page script).
ORDER_BOX = state_key("order-box")
TICKET_BOX = state_key("ticket-box")
LOOK_UP = state_key("look-up")
INPUT_ERROR = state_key("input-error")
# Folded panels whose content is built only while open (`folded_panel`): their open state lives here.
TICKET_PANEL = state_key("panel", "ticket")
SANDBOX_PANEL = state_key("panel", "sandbox")
FOLDED_PANELS = (TICKET_PANEL, SANDBOX_PANEL)


def look_up_panel(order: str) -> str:
    """The "look up another order" panel's key, one per order: the next order's page opens with it folded.

    The browser's panel keeps its own open state while its key stays the same, and a value set from the
    script does not fold it; a new key is a new panel, folded, so the order just looked up shows at once.
    """
    return state_key("panel", "look-up", order)


# The app's pages in navigation order, each url path (its file under pages/) with its icon; the first is
# the default. The entry file declares them from here, and the browser bench draws the same frame.
NAV_PAGES: Mapping[str, str] = MappingProxyType({
    "walkthrough": "🧭",
    "guide": "📘",
    "activity": "🗂️",
    "followups": "⏳",
    "connection": "🔌",
})
ACTIVITY_ORDER = state_key("activity", "order")
ACTIVITY_TICKET = state_key("activity", "ticket")
ACTIVITY_EXPORT = state_key("activity", "export")
ACTIVITY_PAGE = state_key("activity", "page")
CONNECTION_CHECK = state_key("connection", "check")


def step_key(step: WalkthroughStep) -> str:
    """A step of one order, as the activity store keeps its progress (`step-id` or `step-id:target`)."""
    return f"{step.step_id}:{step.target}" if step.target else step.step_id


def action_key(order: str, step: WalkthroughStep) -> str:
    """The widget key of a step's action button (stable, so tests and people can find it)."""
    return state_key("act", order, step.step_id, step.target or "-")


def cancel_option_key(order: str, option: str) -> str:
    """The widget key of one option (or the Confirm button) in the cancel dialog."""
    return state_key("cancel", order, option)


def progress_key(order_id: str, step: WalkthroughStep) -> str:
    """The widget key of a manual step's checkbox (namespaced by the order's id)."""
    return state_key("progress", order_id, step_key(step))

# Every ASCII punctuation character: each may start Markdown, HTML, an autolink (`www.`, `http:`, `a@b`),
# a directive (`:red[...]`), maths (`$`) or an entity (`&`).
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def plain(text: object) -> str:
    """`text` as plain words inside anything Streamlit renders as Markdown (alerts, captions, labels, cells).

    The one helper for every string a person typed or a remote system sent: each punctuation character
    becomes a numeric character reference, which Markdown shows as that character and never reads as
    syntax. So no emphasis, link, image, autolink, HTML or maths, and no visible backslash (a
    backslash escape leaves one when a renderer does not take it, and does not stop `http://` autolinks).
    The text reads the same; only an invisible word joiner stands before each `:` and `@` and before the
    `.` of `www.`, so an amount, an id or a plain domain copied from the page (`68.45`) is what was sent.
    Line breaks become spaces: an echo is one line.
    """
    return _PUNCTUATION.sub(_reference, " ".join(str(text).splitlines()))


def _reference(match: re.Match[str]) -> str:
    char = match.group()
    # Streamlit's Markdown also finds links in the decoded text: `http://` (and `mailto:`), `a@b.c` and
    # `www.x.y`, in any case, and nothing else (`example.com`, `68.45` stay text), and emoji in `:name:`.
    # An invisible word joiner before each `:` and `@`, and before the `.` after `www`, breaks every one.
    start = match.start()
    guard = char in ":@" or (char == "." and match.string[max(start - 3, 0):start].lower() == "www")
    return ("\u2060" if guard else "") + f"&#{ord(char)};"


escape_md = plain  # the earlier name, kept for the pages and helpers that import it


def table(rows: list[dict[str, object]]) -> None:
    """Show rows with st.table, every cell plain: st.table renders each cell as Markdown (links, images)."""
    st.table([{name: plain(value) for name, value in row.items()} for row in rows])


# --- the deep-link context --------------------------------------------------------------------


class Context(BaseModel):
    """Which order (and ticket) this session works on: from a deep link or the order box, validated."""

    model_config = ConfigDict(frozen=True)

    order: str | None = None  # "#1001" or "gid://shopify/Order/…", as parse_order_ref reads it
    ticket: str | None = None

    @classmethod
    def from_input(cls, order: str | None, ticket: str | None, *, shop: str | None = None) -> Context:
        """Validate what was typed or linked; raise InputError with a message a merchant understands."""
        ref = None
        if order is not None and order.strip():
            try:
                ref = parse_order_ref(order, shop=shop)
            except OrderRefError as exc:
                raise InputError(str(exc), system="order") from None
        return cls(order=ref.value if ref else None, ticket=validate_ticket(ticket))

    def query_params(self) -> dict[str, str]:
        """The deep-link parameters for this context (`order=1001&ticket=ZD-42`)."""
        params: dict[str, str] = {}
        if self.order:
            params["order"] = link_order_value(parse_order_ref(self.order))
        if self.ticket:
            params["ticket"] = self.ticket
        return params


def current_context() -> Context:
    """The session's context (empty until a deep link or the order box sets it)."""
    ctx = st.session_state.get(CONTEXT_KEY)
    return ctx if isinstance(ctx, Context) else Context()


def set_context(ctx: Context) -> None:
    """Make `ctx` the session's context and clear any earlier context error."""
    st.session_state[CONTEXT_KEY] = ctx
    st.session_state.pop(CONTEXT_ERROR_KEY, None)


def page_query() -> dict[str, str]:
    """Query params to pass on page links: navigation clears the URL's own."""
    return current_context().query_params()


# --- the frame -----------------------------------------------------------------------------------


def ensure_frame() -> None:
    """Send a page that Streamlit's legacy `pages/` discovery ran directly through the entry file.

    With a folder named `pages/`, a freshly started server serves a URL such as `/guide` without
    running `streamlit_app.py` until some session has called `st.navigation`: no frame, no deep-link
    context, and the sidebar lists files. Leaving legacy mode (what `st.navigation` does on its first
    call) and rerunning serves this same URL, query params kept, through the router. Call it first.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# --- the assistant and its cached look-ups ------------------------------------------------------


def get_assistant() -> Assistant:
    """The session's assistant: the entry file builds it before routing (`ensure_frame` makes sure it ran)."""
    return st.session_state[ASSISTANT_KEY]


def _lookup_key(order: str) -> str:
    return state_key("lookup", order)


class Failure(BaseModel):
    """An action or a look-up that raised instead of answering: shown with st.error, never as a traceback."""

    model_config = ConfigDict(frozen=True)

    ok: bool = False
    message: str


def cached_lookup(assistant: Assistant, order: str) -> Lookup | Failure:
    """The order's last reading, or why it failed; read only when there is none (a plain rerun sends nothing)."""
    key = _lookup_key(order)
    reading = st.session_state.get(key)
    if reading is None:
        try:
            reading = assistant.look_up(order)
        except ActionError as exc:  # kept too: a rerun must not hammer a shop that refused or throttled us
            reading = Failure(message=str(exc))
        st.session_state[key] = reading
    return reading


def store_lookup(order: str, lookup: Lookup | None) -> None:
    """Keep a fresh reading (from an action or a refresh); None forgets it so the next run reads."""
    if lookup is None:
        st.session_state.pop(_lookup_key(order), None)
    else:
        st.session_state[_lookup_key(order)] = lookup


def forget_lookups() -> None:
    """Forget every cached reading (after a sandbox reset, every order reads again)."""
    for key in [key for key in st.session_state if str(key).startswith(state_key("lookup", ""))]:
        del st.session_state[key]


# --- the mode banner ----------------------------------------------------------------------------


def folded_panel(label: str, key: str, *, icon: str | None = None) -> Any:
    """A folded expander whose content the page builds only while it is open (`with ... as panel: if panel.open:`).

    The browser redraws every element a page holds on each message of every rerun, a tick's too; a panel
    seldom opened then costs nothing while folded. Opening or folding it reruns the page. Only the
    merchant opens or folds it: a value set from the script would not move the browser's panel.
    """
    return st.expander(label, icon=icon, key=key, on_change="rerun")


def heading(text: str, level: int = 2) -> None:
    """A heading (level 2 as st.header, 3 as st.subheader) drawn as one Markdown element, for pages a tick reruns.

    The browser draws both with the same heading component (same font, size and spacing), but redraws a
    header element on each message of every rerun, a tick's too, at ~15x the cost of a Markdown heading
    (20 of each around a fragment checkbox: +15 against +1 ms of Chromium's CPU before the tick's
    `script_finished`). A Markdown heading shows a link to itself on hover. `text` is Markdown (`plain` first).
    """
    st.markdown(f"{'#' * level} {text}")


def mode_banner(assistant: Assistant) -> None:
    """Say loudly whether this session talks to a live shop or to the sandbox."""
    if assistant.mode == "sandbox":
        st.warning(SANDBOX_BANNER, icon="🧪")
    else:
        st.success(live_banner(escape_md(assistant.shop)), icon="🟢")


# --- the one run-once helper ---------------------------------------------------------------------


_OPS = state_key("ops")  # op -> its result, or _IN_FLIGHT while the call is out


class _InFlight:
    """The mark of an op whose call has started and not yet returned."""


_IN_FLIGHT = _InFlight()


def _ops() -> dict[str, Any]:
    """This session's run-once ledger: a plain dict, so reading and writing it is never a yield point."""
    return st.session_state.setdefault(_OPS, {})


def is_done(op: str) -> bool:
    """True once `op` has been started in this session (its button then stays disabled)."""
    return op in _ops()


def _uninterrupted(step: Callable[[], None]) -> ScriptControlException | None:
    """Run `step` to its end even if a rerun request arrives meanwhile; return that request.

    Every access to `st.session_state` is a yield point where Streamlit raises a pending rerun
    (a second click, a checkbox) before the access takes effect. `step` is re-run from its start,
    so it must be safe to repeat; a stop (the session is going away) is raised at once.
    """
    pending: ScriptControlException | None = None
    while True:
        try:
            step()
            return pending
        except StopException:
            raise
        except ScriptControlException as exc:  # a rerun: it was handed over once, keep it for the end
            pending = exc


def run_once(op: str, fn: Callable[[], Any], result_key: str, after: Callable[[Any], None] | None = None) -> None:
    """Run `fn` at most once for `op`; use as a button's `on_click` (with `args=`).

    The in-flight mark is set before the call, so a second click or a rerun that reaches this
    callback again does nothing; the result (or a `Failure`) is stored under `result_key`, and
    `after(result)` lets the page keep the fresh reading. The assistant's idempotency claim is
    the second guard, for other tabs, sessions and processes.

    A second click arrives as a rerun request raised at the callback's next session-state access.
    `fn` reads session state only before its one assistant call (the assistant never touches
    Streamlit), so an interruption inside `fn` means nothing was sent: the mark is taken back and
    the rerun goes on. Once `fn` has returned, the result is kept in the ledger and published in
    full before the rerun is let through, so a write that landed is never shown as nothing.
    """
    ops = _ops()
    if op in ops or not _may_act():
        return
    ops[op] = _IN_FLIGHT
    try:
        result = _call(fn)
    except ScriptControlException:
        del ops[op]
        raise
    ops[op] = result
    _publish(result, result_key, after)


def _may_act() -> bool:
    """Whether this session may still act: signed out, or taken off `allowed_users`, since the page was drawn
    is refused here, and the run this click starts shows only the sign-in page."""
    may_act = st.session_state.get(MAY_ACT_KEY)  # set by every run of the entry file, refused or not
    return may_act is None or bool(may_act())


def _call(fn: Callable[[], Any]) -> Any:
    """`fn`'s result, or a `Failure` saying in one sentence why the action could not be done."""
    try:
        return fn()
    except ActionError as exc:
        return Failure(message=str(exc))
    except ValidationError as exc:  # options that cannot be sent (e.g. a staff note over 255 characters)
        return Failure(message=unsendable_words([err["msg"] for err in exc.errors(include_input=False,
                                                                                   include_url=False)]))


def _publish(result: Any, result_key: str, after: Callable[[Any], None] | None) -> None:
    """Store `result` under `result_key` and run `after` in full, then let a rerun that arrived meanwhile through."""

    def publish() -> None:
        st.session_state[result_key] = result
        if after is not None:
            after(result)

    pending = _uninterrupted(publish)
    if pending is not None:
        raise pending


# --- an action with visible progress ----------------------------------------------------------------


@dataclass(frozen=True)
class _Queued:
    """A pressed button's action, waiting for the script body to run it inside a progress box."""

    op: str
    fn: Callable[[], Any]
    result_key: str
    after: Callable[[Any], None] | None
    progress: str  # what is happening, in words ("Cancelling… on Shopify")


_QUEUES = state_key("queued")  # slot -> the action queued there (one at a time)


def _queues() -> dict[str, _Queued]:
    """This session's queued actions by slot: a plain dict, like the run-once ledger (no yield points)."""
    return st.session_state.setdefault(_QUEUES, {})


def start_once(op: str, fn: Callable[[], Any], result_key: str, after: Callable[[Any], None] | None,
               progress: str, slot: str) -> None:
    """A button's `on_click`: claim `op` (as `run_once` does) and leave the call for `finish_queued(slot)`.

    The callback itself sends nothing, so the run it starts can first draw the page with every button
    of `slot` disabled (`busy(slot)`) and a progress box saying what happens, then send. The mark and
    the queue entry are set together with no session-state access between them, so a rerun request
    (a second click) can never leave one without the other.
    """
    ops, queues = _ops(), _queues()
    if op in ops or slot in queues or not _may_act():
        return
    ops[op] = _IN_FLIGHT
    queues[slot] = _Queued(op=op, fn=fn, result_key=result_key, after=after, progress=progress)


def busy(slot: str) -> bool:
    """True while an action of `slot` is queued or running: its buttons are drawn disabled."""
    return slot in _queues()


def finish_queued(slot: str) -> None:
    """Run the action queued for `slot` inside `st.status` (its words), keep its result, then rerun.

    A rerun request that interrupts the page before the call returns sent nothing (`fn` reads session
    state only before its one assistant call): the action stays queued and the next run sends it. Once
    the call has returned, it leaves the queue and its result is published in full before any rerun is
    let through, so what the remote system answered is never lost and never asked for twice.
    """
    ops, queues = _ops(), _queues()
    queued = queues.get(slot)
    if queued is None:
        return
    with st.status(queued.progress, state="running") as status:
        result = _call(queued.fn)
        del queues[slot]
        ops[queued.op] = result
        _publish(result, queued.result_key, queued.after)
        status.update(state="complete")
    st.rerun()


def has_lookup(order: str) -> bool:
    """True when the order has a reading in this session (showing it sends nothing)."""
    return st.session_state.get(_lookup_key(order)) is not None
