"""The walkthrough (default page): one order, the path it is on, and the guide's checklist with its buttons.

Thin by design: statuses, paths, card words, previews and replies all come from the assistant and `kb`;
this file only lays them out. The first screen is one card under the order heading (the path, why, and
the next action's button, or what we wait for and "Check now"); the quiet checklist, the supplier
orders, the ticket panel and the sandbox controls come below it. The order is read once per look-up
and kept in session state, so a checkbox click sends nothing (and reruns only its own box); it is
read again on Refresh / Check now, after an action, or for a new order. Every remote call runs inside
a progress box with its buttons disabled, then the page reruns on the fresh reading.
The browser redraws every element the page holds on each rerun, a tick's too: the panels seldom
opened (look up another order, the ticket, the sandbox controls) are built only while open.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st
from pydantic import ValidationError

from actions.assistant import ActionRequest, ActionResult, Assistant, Lookup
from actions.errors import ActionError, InputError
from kb.card import IRREVERSIBLE_CANCEL, READING, REFUND_METHOD_NOTE, Card, first_sentence, progress_words, step_line
from kb.guide import Step as GuideStep
from kb.guide import link_guides, load_guide
from kb.state import CancelOptions, CancelReason, RefundDestination, RefundTiming
from kb.suppliers import supplier_title
from kb.walkthrough import ActionId, StepStatus, WalkthroughStep
from kb.wording import walkthrough_page as words
from kb.wording.options import CANCEL_FORM, CANCEL_REASON_WORDS, REFUND_TO_WORDS, REFUND_WORDS
from pages._authorise import authorise_panel
from pages._supplier_check import hand_check_panel, supplier_panel
from pages._ui import (
    ensure_frame,
    INPUT_ERROR,
    LOOK_UP,
    ORDER_BOX,
    SANDBOX_PANEL,
    TICKET_BOX,
    TICKET_PANEL,
    Context,
    Failure,
    action_key,
    busy,
    cancel_option_key,
    cached_lookup,
    current_context,
    finish_queued,
    folded_panel,
    forget_lookups,
    get_assistant,
    has_lookup,
    heading,
    look_up_panel,
    is_done,
    page_query,
    plain,
    progress_key,
    set_context,
    start_once,
    state_key,
    step_key,
    store_lookup,
)

ensure_frame()

_ICONS = {
    StepStatus.DONE: "✅",
    StepStatus.NEXT: "➡️",
    StepStatus.BLOCKED: "⛔",
    StepStatus.NOT_NEEDED: "➖",
}
_OPEN = (StepStatus.NEXT, StepStatus.BLOCKED)  # manual steps the merchant can tick off
CARD_KEY = "ca-first-screen"  # the card's container key (CSS class st-key-ca-first-screen)
_DIALOG_SLOT = "dialog"


# --- keys per order -------------------------------------------------------------------------------


def _result_key(order: str) -> str:
    return state_key("result", order)


def _dialog_key(order: str) -> str:
    return state_key("dialog", order)


def _op(order: str, lookup: Lookup, action: ActionId, target: str | None) -> str:
    """The run-once id: one action, on one target, from one reading of the order."""
    return f"{order}|{action.value}|{target or '-'}|{lookup.read_at.isoformat()}"


def _slot(order: str) -> str:
    """The progress slot of an order's page actions (its buttons are disabled while one runs)."""
    return f"page|{order}"


def _guide_url(name: str, anchor: str | None = None) -> str:
    """The Guide page on guide `name` (and section `anchor`), keeping this order and ticket in the link."""
    return "guide?" + urlencode({"guide": name, **page_query()}) + (f"#{anchor}" if anchor else "")


# --- the order box ----------------------------------------------------------------------------------


def _submit_order() -> None:
    assistant = get_assistant()
    try:
        ctx = Context.from_input(st.session_state.get(ORDER_BOX), st.session_state.get(TICKET_BOX),
                                 shop=assistant.shop or None)
    except InputError as exc:
        st.session_state[INPUT_ERROR] = str(exc)
        return
    if ctx.order is None:
        st.session_state[INPUT_ERROR] = words.ENTER_AN_ORDER
        return
    set_context(ctx)
    st.session_state.pop(INPUT_ERROR, None)
    store_lookup(ctx.order, None)  # a look-up asked for is a fresh reading
    st.session_state.pop(_result_key(ctx.order), None)


def _order_form(ctx: Context) -> None:
    st.session_state.setdefault(ORDER_BOX, ctx.query_params().get("order", ""))
    st.session_state.setdefault(TICKET_BOX, ctx.ticket or "")
    with st.form(state_key("order-form"), border=False):
        left, right, button = st.columns([3, 2, 1], vertical_alignment="bottom")
        # No max_chars on the order box: a long paste must reach the parser, which says "too long".
        left.text_input(words.ORDER, key=ORDER_BOX, placeholder=words.ORDER_PLACEHOLDER)
        right.text_input(words.TICKET, key=TICKET_BOX, placeholder=words.TICKET_PLACEHOLDER, max_chars=64)
        button.form_submit_button(words.LOOK_UP, key=LOOK_UP, type="primary", on_click=_submit_order)
    if st.session_state.get(INPUT_ERROR):
        st.error(plain(st.session_state[INPUT_ERROR]))


def _order_box(ctx: Context) -> None:
    """With an order open, the box waits folded at the top (unless what was typed needs an answer)."""
    if ctx.order is None:
        _order_form(ctx)
        return
    with folded_panel(words.LOOK_UP_ANOTHER, look_up_panel(ctx.order)) as panel:  # an answer to what was typed shows inside
        if panel.open:
            _order_form(ctx)


# --- the order heading ----------------------------------------------------------------------------------


def _heading(order: str, lookup: Lookup) -> None:
    shop = lookup.state.shopify
    heading(words.order_heading(plain(shop.name)))
    facts = [shop.customer_name or shop.customer_email or "", str(shop.total),
             words.value_words(shop.financial_status.value if shop.financial_status else words.UNKNOWN),
             words.value_words(shop.fulfillment_status.value)]
    if shop.is_cancelled and shop.cancelled_at is not None:
        facts.append(words.cancelled_words(shop.cancelled_at))
    st.caption(plain(" · ".join(f for f in facts if f)) + words.read_at_words(lookup.read_at))


# --- actions ---------------------------------------------------------------------------------------------


def _run(request: ActionRequest) -> ActionResult:
    return get_assistant().run(request)


def _after_action(order: str) -> Any:
    def keep(result: ActionResult | Failure) -> None:
        if isinstance(result, ActionResult):
            store_lookup(order, result.lookup)  # None: the next run reads again
        else:
            store_lookup(order, None)
        st.session_state[_dialog_key(order)] = None
    return keep


def _request(ctx: Context, lookup: Lookup, step: WalkthroughStep, options: CancelOptions | None = None) -> ActionRequest:
    return ActionRequest(action=step.action, order=lookup.state.shopify.id, ticket=ctx.ticket, target=step.target,
                         options=options)


def _action_button(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep, label: str) -> None:
    op = _op(order, lookup, step.action, step.target)
    st.button(
        label, key=action_key(order, step), type="primary", disabled=is_done(op) or busy(_slot(order)),
        on_click=start_once, args=(op, lambda: _run(_request(ctx, lookup, step)), _result_key(order),
                                   _after_action(order), progress_words(step), _slot(order)),
    )


def _open_dialog(order: str, which: str) -> None:
    st.session_state.pop(_result_key(order), None)  # the dialog is the newest thing said
    st.session_state[_dialog_key(order)] = which


def _close_dialog(order: str) -> None:
    st.session_state[_dialog_key(order)] = None


def _next_button(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep, label: str) -> None:
    """The card's one button: a confirmation dialog for the cancels, the action itself for the rest."""
    if step.action is ActionId.CANCEL_SUPPLIER:
        st.button(label, key=action_key(order, step), type="primary", disabled=busy(_slot(order)),
                  on_click=_open_dialog, args=(order, f"supplier:{step.target}"))
    elif step.action is ActionId.CANCEL_ORDER:
        st.button(label, key=action_key(order, step), type="primary", disabled=busy(_slot(order)),
                  on_click=_open_dialog, args=(order, "shopify"))
    else:
        _action_button(ctx, order, lookup, step, label)


def _reread(order: str) -> Lookup | Failure:
    try:
        return get_assistant().look_up(order)
    except ActionError as exc:
        return Failure(message=str(exc))


def _after_reread(order: str) -> Any:
    def keep(reading: Lookup | Failure) -> None:
        st.session_state[state_key("lookup", order)] = reading  # a failed read is kept too: no hammering
    return keep


def _refresh_button(where: Any, order: str, lookup: Lookup | None, label: str, key: str, *,
                    primary: bool = False) -> None:
    """Read the order again (Refresh, Check now): the old messages go, the new state is shown."""
    stamp = lookup.read_at.isoformat() if lookup is not None else "failed"
    op = f"{order}|read|{stamp}|{key}"

    def start() -> None:
        st.session_state.pop(_result_key(order), None)
        start_once(op, lambda: _reread(order), state_key("reread", order), _after_reread(order), READING,
                   _slot(order))

    where.button(label, key=key, disabled=busy(_slot(order)), on_click=start,
                 type="primary" if primary else "secondary", icon="🔄")


# --- the first screen ------------------------------------------------------------------------------------


def _card(ctx: Context, order: str, lookup: Lookup, card: Card) -> None:
    with st.container(border=True, key=CARD_KEY, gap="xsmall"):  # tight: its button must fit a phone's first screen
        heading(card.title, 3)
        step = card.step
        if card.kind == "wait":  # what we wait for is the why; then when to look again, and Check now
            st.markdown(f"⏳ {plain(card.waiting_for)}")
            st.caption(plain(card.look_again))
            _refresh_button(st, order, lookup, words.CHECK_NOW, state_key("check-now", order), primary=True)
        else:
            st.markdown(plain(card.why))
        if card.kind == "act" and step is not None and card.label:
            _next_button(ctx, order, lookup, step, card.label)
        elif card.kind == "by_hand" and step is not None:
            form = _card_form(card)
            if form is None:
                st.markdown(words.next_by_hand(plain(step.title), plain(step_line(step))))
                _by_hand_controls(order, lookup, step)
            elif form is ActionId.FIND_SUPPLIER_ORDER:  # the question the Shopify cancel waits on, answered here
                supplier_panel(ctx, order, lookup, _result_key(order), compact=True)
            else:
                hand_check_panel(ctx, order, lookup, _result_key(order), compact=True)
        if card.kind != "wait":
            _refresh_button(st, order, lookup, words.REFRESH, state_key("refresh", order))
        _last_result(order)
        # A pressed button's call runs here, in a progress box under the buttons (drawn disabled above).
        finish_queued(_slot(order))
        cited = lookup.walkthrough.cites.partition("#")
        why = words.why_words(_cited(lookup.walkthrough.cites))
        st.markdown(f"📖 [{why}]({_guide_url(cited[0], cited[2] or None)})")


_FORMS = (ActionId.FIND_SUPPLIER_ORDER, ActionId.CHECK_BY_HAND)  # next steps answered in a form, not a button


def _card_form(card: Card) -> ActionId | None:
    """The supplier question the card asks itself (its next step is answered in a form), if any."""
    step = card.step
    if card.kind == "by_hand" and step is not None and step.action in _FORMS:
        return step.action
    return None


def _by_hand_controls(order: str, lookup: Lookup, step: WalkthroughStep) -> None:
    so = next((so for so in lookup.state.suppliers if so.order_id == step.target), None)
    if so is not None and so.order_url:
        st.link_button(words.open_order_at(supplier_title(so.supplier)), so.order_url, icon="↗️")
    if _tickable(step):
        _progress_box(lookup.state.shopify.id, step, words.DONE)


def _cited(cites: str) -> str:
    guide_name, _, section_id = cites.partition("#")
    try:
        guide = load_guide(guide_name)
        return words.citation(guide.title, guide.section(section_id).title)
    except (KeyError, OSError, ValueError):
        return cites


def _warnings(card: Card) -> None:
    for warning in card.warnings:
        st.warning(plain(warning), icon="⚠️")


# --- the last result ------------------------------------------------------------------------------------------


def _last_result(order: str) -> None:
    result = st.session_state.get(_result_key(order))
    if result is None:
        return
    if isinstance(result, Failure):
        st.error(plain(result.message))
        return
    if result.ok:
        st.success(plain(result.message), icon="✅")
    elif result.already_done:
        st.info(plain(result.message), icon="ℹ️")
    else:
        st.error(plain(result.message))
    if result.url:
        st.link_button(words.OPEN_SUPPLIER_ORDER, result.url, icon="↗️")


# --- the checklist ----------------------------------------------------------------------------------------


def _toggle_progress(order_id: str, step_key: str, widget_key: str) -> None:
    try:
        get_assistant().tick_step(order_id, step_key, bool(st.session_state.get(widget_key)))
    except ActionError as exc:
        st.session_state[state_key("progress-error", order_id)] = str(exc)


@st.cache_resource(show_spinner=False)
def _guide_steps() -> dict[str, GuideStep]:
    """The cancel guide's steps by id (an unreadable guide just shows no bodies)."""
    try:
        return {step.id: step for step in load_guide("cancel-an-order").steps}
    except (OSError, ValueError):
        return {}


def _tickable(step: WalkthroughStep) -> bool:
    guide = _guide_steps()
    return step.status in _OPEN and step.step_id in guide and guide[step.step_id].kind == "manual"


@st.fragment
def _progress_box(order_id: str, step: WalkthroughStep, label: str) -> None:
    """One "done by hand" tick: its own fragment, so a click reruns this box alone (a tick changes no path)."""
    key = progress_key(order_id, step)
    if key not in st.session_state:
        try:
            ticked = get_assistant().ticked_steps(order_id)
        except ActionError as exc:
            st.session_state[state_key("progress-error", order_id)] = str(exc)
            ticked = frozenset()
        st.session_state[key] = step_key(step) in ticked
    st.checkbox(label, key=key, on_change=_toggle_progress, args=(order_id, step_key(step), key))
    if st.session_state.get(state_key("progress-error", order_id)):
        st.error(plain(st.session_state.pop(state_key("progress-error", order_id))))


def _guide_text(step: WalkthroughStep) -> str | None:
    text = _guide_steps().get(step.step_id)
    if text is None or not text.body:
        return None
    return link_guides(text.body, _guide_url)  # our own guide: Markdown without HTML, links to the Guide page


def _step_line(step: WalkthroughStep) -> str:
    line = f"{_ICONS[step.status]} **{plain(step.title)}** · {plain(step_line(step))}"
    guide = _guide_steps().get(step.step_id)
    if guide is not None:
        line += f" [{words.GUIDE_LINK}]({_guide_url('cancel-an-order', guide.section_id)})"
    return line


def _next_row(step: WalkthroughStep) -> None:
    """The step to do now stands out: framed, with what the guide says about it behind a fold."""
    with st.container(border=True):
        st.markdown(_step_line(step))
        text = _guide_text(step)
        if text:
            with st.expander(words.WHAT_THE_GUIDE_SAYS):
                st.markdown(text)


@st.fragment
def _checklist(order: str, lookup: Lookup, card_step: WalkthroughStep | None) -> None:
    """The guide's steps, quiet: one line each, not-needed ones behind one toggle (reruns only itself).

    Lines in a row are one Markdown element (one paragraph each): the browser redraws every element on
    each message of every rerun, a tick's too, so a line of its own would cost each click.
    """
    order_id = lookup.state.shopify.id
    steps = lookup.walkthrough.steps
    hidden = sum(1 for s in steps if s.status is StepStatus.NOT_NEEDED)
    heading(words.CHECKLIST, 3)
    show_all = st.toggle(words.show_all_steps(hidden), key=state_key("all-steps", order), disabled=hidden == 0)
    lines: list[str] = []
    for step in steps:
        if step.status is StepStatus.NOT_NEEDED and not show_all:
            continue
        if step.status is StepStatus.NEXT:
            _lines(lines)
            _next_row(step)
        else:
            lines.append(_step_line(step))
        if _tickable(step) and step != card_step:
            _lines(lines)
            _progress_box(order_id, step, words.done_by_hand(step.title))
    _lines(lines)


def _lines(lines: list[str]) -> None:
    """Show the checklist lines gathered so far as one element, and start over."""
    if lines:
        st.markdown("\n\n".join(lines))
        lines.clear()


# --- the supplier orders ------------------------------------------------------------------------------------


def _supplier_orders(lookup: Lookup) -> None:
    if not lookup.state.suppliers:
        return
    lines = []
    for so in lookup.state.suppliers:
        text = words.supplier_order_line(supplier_title(so.supplier), so.order_id, so.status.value, so.raw_status,
                                         first_sentence(so.read_error) if so.read_error else None)
        lines.append(f"- {plain(text)}")
    st.caption(words.SUPPLIER_ORDERS)
    st.markdown("\n".join(lines))


# --- confirmations ------------------------------------------------------------------------------------------------


def _cancel_options(order: str) -> CancelOptions:
    ss = st.session_state
    return CancelOptions(
        refund=ss[cancel_option_key(order, "refund")],
        refund_to=ss.get(cancel_option_key(order, "refund_to"), RefundDestination.ORIGINAL),
        reason=ss[cancel_option_key(order, "reason")],
        staff_note=ss.get(cancel_option_key(order, "staff_note")) or None,
        restock=bool(ss[cancel_option_key(order, "restock")]),
        notify_customer=bool(ss[cancel_option_key(order, "notify")]),
    )


def _confirm_cancel_body(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep, card: Card) -> None:
    ss = st.session_state
    running = busy(_dialog_slot(order))
    defaults = get_assistant().default_cancel_options(lookup)
    ss.setdefault(cancel_option_key(order, "refund"), defaults.refund)
    ss.setdefault(cancel_option_key(order, "refund_to"), RefundDestination.ORIGINAL)
    ss.setdefault(cancel_option_key(order, "reason"), defaults.reason)
    ss.setdefault(cancel_option_key(order, "restock"), True)
    ss.setdefault(cancel_option_key(order, "notify"), False)
    if get_assistant().refund_choice(lookup):
        st.radio(CANCEL_FORM.refund, list(RefundTiming), key=cancel_option_key(order, "refund"), horizontal=True,
                 format_func=REFUND_WORDS.get, disabled=running)
        if ss[cancel_option_key(order, "refund")] is RefundTiming.NOW:
            st.radio(CANCEL_FORM.refund_to, list(RefundDestination), key=cancel_option_key(order, "refund_to"),
                     horizontal=True, format_func=REFUND_TO_WORDS.get, disabled=running)
        st.caption(CANCEL_FORM.refund_note)
    else:  # nothing to refund: no choice to make, and "What will happen" says why no refund is sent
        ss[cancel_option_key(order, "refund")] = RefundTiming.LATER
    st.selectbox(CANCEL_FORM.reason, list(CancelReason), key=cancel_option_key(order, "reason"),
                 format_func=CANCEL_REASON_WORDS.get, disabled=running)
    st.text_input(CANCEL_FORM.staff_note, key=cancel_option_key(order, "staff_note"), max_chars=255,
                  disabled=running)
    st.checkbox(CANCEL_FORM.restock, key=cancel_option_key(order, "restock"), disabled=running)
    st.checkbox(CANCEL_FORM.notify, key=cancel_option_key(order, "notify"), disabled=running)
    try:
        options = _cancel_options(order)
    except ValidationError:
        st.error(CANCEL_FORM.staff_note_too_long)
        return
    preview = get_assistant().preview_cancel(lookup, options)
    st.markdown(words.WHAT_WILL_HAPPEN)
    st.markdown("\n".join(f"- {plain(line)}" for line in preview.summary))
    for warning in card.dialog_warnings:  # the refund note is the caption above; "cannot be undone" the last line
        if warning in (REFUND_METHOD_NOTE, IRREVERSIBLE_CANCEL):
            continue
        st.caption(f"⚠️ {plain(warning)}")
    op = _op(order, lookup, ActionId.CANCEL_ORDER, step.target)
    st.button(
        words.CONFIRM_CANCEL, key=cancel_option_key(order, "confirm"), type="primary",
        disabled=is_done(op) or running, on_click=start_once,
        args=(op, lambda: _run(_request(ctx, lookup, step, _cancel_options(order))), _result_key(order),
              _after_action(order), progress_words(step), _dialog_slot(order)),
    )
    finish_queued(_dialog_slot(order))  # "Cancelling…" here, Confirm disabled, then the page shows the outcome


def _confirm_supplier_body(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep) -> None:
    supplier = supplier_title(step.supplier)
    st.markdown(words.confirm_supplier_question(plain(step.target or ''), plain(supplier)))
    op = _op(order, lookup, ActionId.CANCEL_SUPPLIER, step.target)
    st.button(
        words.confirm_supplier(supplier), key=state_key("confirm-supplier", order, step.target), type="primary",
        disabled=is_done(op) or busy(_dialog_slot(order)), on_click=start_once,
        args=(op, lambda: _run(_request(ctx, lookup, step)), _result_key(order), _after_action(order),
              progress_words(step), _dialog_slot(order)),
    )
    finish_queued(_dialog_slot(order))


def _dialog_slot(order: str) -> str:
    return f"{_DIALOG_SLOT}|{order}"


def _dialogs(ctx: Context, order: str, lookup: Lookup, card: Card) -> None:
    which = st.session_state.get(_dialog_key(order))
    if not which:
        return
    steps = {s.action: s for s in lookup.walkthrough.steps if s.status is StepStatus.NEXT and s.action}
    if which == "shopify" and ActionId.CANCEL_ORDER in steps:
        dialog = st.dialog(words.SHOPIFY_DIALOG, width="large", on_dismiss=lambda: _close_dialog(order))
        dialog(_confirm_cancel_body)(ctx, order, lookup, steps[ActionId.CANCEL_ORDER], card)
    elif which.startswith("supplier:"):
        target = which.removeprefix("supplier:")
        step = next((s for s in lookup.walkthrough.steps if s.action is ActionId.CANCEL_SUPPLIER
                     and s.status is StepStatus.NEXT and s.target == target), None)
        if step is not None:
            st.dialog(words.SUPPLIER_DIALOG, on_dismiss=lambda: _close_dialog(order))(_confirm_supplier_body)(
                ctx, order, lookup, step)
        else:
            _close_dialog(order)
    else:
        _close_dialog(order)


# --- the ticket ---------------------------------------------------------------------------------------------------------


_REPLY_MARKDOWN = state_key("reply-markdown")
_REPLY_MARKDOWN_KEPT = state_key("reply-markdown", "kept")  # outlives the toggle while the panel is folded


def _keep_reply_format() -> None:
    """The reply's format is the agent's choice for the session: a folded panel's toggle would forget it."""
    st.session_state[_REPLY_MARKDOWN_KEPT] = st.session_state[_REPLY_MARKDOWN]


def _ticket_panel(ctx: Context, order: str, lookup: Lookup) -> None:
    with folded_panel(words.TICKET_PANEL, TICKET_PANEL, icon="✉️") as panel:
        if not panel.open:
            return
        assistant = get_assistant()
        base = st.context.url or "http://localhost:8501/"
        try:
            link = assistant.link(base, order, ctx.ticket)
        except ActionError as exc:
            st.error(plain(exc))
        else:
            st.caption(words.TICKET_LINK_CAPTION)
            st.code(link, language=None)
        st.session_state.setdefault(_REPLY_MARKDOWN, st.session_state.get(_REPLY_MARKDOWN_KEPT, False))
        markdown = st.toggle(words.MARKDOWN, key=_REPLY_MARKDOWN, help=words.MARKDOWN_HELP, on_change=_keep_reply_format)
        st.caption(words.REPLY_CAPTION)
        st.code(assistant.customer_reply(lookup, markdown=markdown), language="markdown" if markdown else None,
                wrap_lines=True)


# --- the sandbox panel ------------------------------------------------------------------------------------------------


def _sandbox_call(order: str | None, fn: Any, *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # the simulator refusing (bad fault spec, no pending request) is an answer
        st.session_state[state_key("sandbox-message")] = words.sandbox_message(str(exc))
    else:
        st.session_state.pop(state_key("sandbox-message"), None)
    if order is not None:
        store_lookup(order, None)
        st.session_state.pop(_result_key(order), None)


def _reset_sandbox() -> None:
    assistant = get_assistant()
    demo = assistant.demo
    if demo is not None:
        _sandbox_call(None, demo.reset)
    forget_lookups()
    for key in [key for key in st.session_state if str(key).startswith(state_key("result", ""))]:
        del st.session_state[key]


def _sandbox_panel(order: str | None, lookup: Lookup | None) -> None:
    sandbox = get_assistant().demo
    if sandbox is None:
        return
    with folded_panel(words.SANDBOX_CONTROLS, SANDBOX_PANEL, icon="🧪") as panel:
        if not panel.open:
            return
        st.caption(words.SANDBOX_NOTE)
        st.button(words.RESET_DEMO, key=state_key("sandbox", "reset"), on_click=_reset_sandbox)
        # A box folded away forgets what it held: opened again, it shows the rules in effect.
        st.session_state.setdefault(state_key("sandbox", "faults"), sandbox.faults)
        st.text_input(words.FAULTS, key=state_key("sandbox", "faults"), placeholder=words.FAULTS_PLACEHOLDER)
        st.button(words.APPLY_FAULTS, key=state_key("sandbox", "apply-faults"), on_click=lambda: _sandbox_call(
            order, sandbox.set_faults, st.session_state.get(state_key("sandbox", "faults")) or ""))
        if lookup is not None and order is not None:
            left, right = st.columns(2)
            left.button(words.SERVICE_ACCEPTS, key=state_key("sandbox", "service-accept"),
                        on_click=lambda: _sandbox_call(order, sandbox.simulate_fulfillment_service_reply, accept=True))
            right.button(words.SERVICE_REJECTS, key=state_key("sandbox", "service-reject"),
                         on_click=lambda: _sandbox_call(order, sandbox.simulate_fulfillment_service_reply,
                                                        accept=False))
            for so in lookup.state.suppliers:
                left, right = st.columns(2)
                name = supplier_title(so.supplier)
                left.button(words.seller_reply(name, plain(so.order_id), accept=True),
                            key=state_key("sandbox", "seller-accept", so.order_id),
                            on_click=lambda so=so: _sandbox_call(order, sandbox.simulate_seller_reply, so.supplier,
                                                                 so.order_id, accept=True))
                right.button(words.seller_reply(name, plain(so.order_id), accept=False),
                             key=state_key("sandbox", "seller-reject", so.order_id),
                             on_click=lambda so=so: _sandbox_call(order, sandbox.simulate_seller_reply, so.supplier,
                                                                  so.order_id, accept=False))
        if st.session_state.get(state_key("sandbox-message")):
            st.info(plain(st.session_state[state_key("sandbox-message")]))


# --- the page -------------------------------------------------------------------------------------------------------------


def _read(assistant: Assistant, order: str) -> Lookup | Failure:
    if has_lookup(order):
        return cached_lookup(assistant, order)
    with st.spinner(READING):
        return cached_lookup(assistant, order)


def _show() -> None:
    assistant: Assistant = get_assistant()
    ctx = current_context()
    if ctx.order is None:
        st.title(words.NO_ORDER_TITLE)
        _order_box(ctx)
        st.info(words.NO_ORDER_HINT)
        if assistant.demo is not None:
            st.caption(words.NO_ORDER_DEMO)
        _sandbox_panel(None, None)
        return
    order = ctx.order
    link = ctx.query_params()
    if st.query_params.to_dict() != link:  # the address bar shows this order's deep link (sent once, not per rerun)
        st.query_params.from_dict(link)
    _order_box(ctx)
    lookup = _read(assistant, order)
    if isinstance(lookup, Failure):
        heading(words.order_heading(plain(order)))
        st.error(plain(lookup.message))
        _refresh_button(st, order, None, words.TRY_AGAIN, state_key("refresh", order))
        finish_queued(_slot(order))
        _sandbox_panel(order, None)
        return
    card = assistant.first_screen(lookup)
    _heading(order, lookup)
    _card(ctx, order, lookup, card)
    _warnings(card)
    authorise_panel(ctx, order, lookup)  # follow-ups: where it stands, "finish it for me" while it waits
    form = _card_form(card)  # the supplier questions come here unless the card asks them itself
    if form is not ActionId.FIND_SUPPLIER_ORDER:
        supplier_panel(ctx, order, lookup, _result_key(order))  # no supplier order known: enter it, or "none placed"
    if form is not ActionId.CHECK_BY_HAND:
        hand_check_panel(ctx, order, lookup, _result_key(order))  # unreadable supplier orders: what the site shows
    _checklist(order, lookup, card.step if card.kind == "by_hand" else None)
    _supplier_orders(lookup)
    _ticket_panel(ctx, order, lookup)
    _sandbox_panel(order, lookup)
    _dialogs(ctx, order, lookup, card)


_show()
