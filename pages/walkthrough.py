"""The walkthrough (default page): one order, the path it is on, and the guide's checklist with its buttons.

Thin by design: statuses, paths, previews and replies all come from the assistant and `kb`; this file
only lays them out. The order is read once per look-up and kept in session state, so a checkbox click
sends nothing; it is read again on Refresh, after an action, or for a new order.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from actions.assistant import ActionRequest, ActionResult, Assistant, Lookup
from actions.errors import ActionError, InputError
from kb.guide import Step as GuideStep
from kb.guide import load_guide
from kb.state import CancelOptions, CancelReason, FulfillmentOrderAction, RefundDestination, RefundTiming
from kb.suppliers import supplier_title
from kb.walkthrough import ActionId, StepStatus, WalkthroughStep
from pages._authorise import authorise_panel
from pages._supplier_check import hand_check_panel, supplier_panel
from pages._ui import (
    ensure_frame,
    INPUT_ERROR,
    LOOK_UP,
    ORDER_BOX,
    TICKET_BOX,
    Context,
    Failure,
    action_key,
    cancel_option_key,
    cached_lookup,
    current_context,
    escape_md,
    forget_lookups,
    get_assistant,
    is_done,
    page_query,
    progress_key,
    run_once,
    set_context,
    state_key,
    step_key,
    store_lookup,
    table,
)

ensure_frame()

_BADGES = {
    StepStatus.DONE: "✅ done",
    StepStatus.NEXT: "➡️ next",
    StepStatus.BLOCKED: "⛔ blocked",
    StepStatus.NOT_NEEDED: "➖ not needed",
}
_OPEN = (StepStatus.NEXT, StepStatus.BLOCKED)  # manual steps the merchant can tick off
_REVERT_LABELS = {
    FulfillmentOrderAction.CANCEL_FULFILLMENT_ORDER: "Cancel the fulfillment request",
    FulfillmentOrderAction.REQUEST_CANCELLATION: "Ask the fulfillment service to cancel",
    FulfillmentOrderAction.MARK_AS_OPEN: "Mark the items as open again",
    FulfillmentOrderAction.RELEASE_HOLD: "Release the hold",
}
_REFUND_WORDS = {RefundTiming.NOW: "Refund now", RefundTiming.LATER: "Refund later"}
_REFUND_TO_WORDS = {RefundDestination.ORIGINAL: "Original payment method", RefundDestination.STORE_CREDIT: "Store credit"}
_REASON_WORDS = {
    CancelReason.CUSTOMER: "Customer changed or cancelled order",
    CancelReason.DECLINED: "Payment declined",
    CancelReason.FRAUD: "Fraudulent order",
    CancelReason.INVENTORY: "Items unavailable",
    CancelReason.STAFF: "Staff error",
    CancelReason.OTHER: "Other",
}



# --- keys per order -------------------------------------------------------------------------------


def _result_key(order: str) -> str:
    return state_key("result", order)


def _dialog_key(order: str) -> str:
    return state_key("dialog", order)


def _op(order: str, lookup: Lookup, action: ActionId, target: str | None) -> str:
    """The run-once id: one action, on one target, from one reading of the order."""
    return f"{order}|{action.value}|{target or '-'}|{lookup.read_at.isoformat()}"


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
        st.session_state[INPUT_ERROR] = "Enter an order number such as #1001, an order id or an order's admin URL."
        return
    set_context(ctx)
    st.session_state.pop(INPUT_ERROR, None)
    store_lookup(ctx.order, None)  # a look-up asked for is a fresh reading
    st.session_state.pop(_result_key(ctx.order), None)


def _order_box(ctx: Context) -> None:
    st.session_state.setdefault(ORDER_BOX, ctx.query_params().get("order", ""))
    st.session_state.setdefault(TICKET_BOX, ctx.ticket or "")
    with st.form(state_key("order-form"), border=False):
        left, right, button = st.columns([3, 2, 1], vertical_alignment="bottom")
        left.text_input("Order", key=ORDER_BOX, placeholder="#1001, 1001, an order id or its admin URL",
                        max_chars=200)
        right.text_input("Ticket (optional)", key=TICKET_BOX, placeholder="ZD-42", max_chars=64)
        button.form_submit_button("Look up", key=LOOK_UP, type="primary", on_click=_submit_order)
    if st.session_state.get(INPUT_ERROR):
        st.error(escape_md(st.session_state[INPUT_ERROR]))


# --- the order summary --------------------------------------------------------------------------------


def _summary(lookup: Lookup) -> None:
    shop = lookup.state.shopify
    st.subheader(f"Order {escape_md(shop.name)}")
    cols = st.columns(4)
    cols[0].caption("Customer")
    cols[0].text(shop.customer_name or shop.customer_email or "—")
    cols[1].caption("Total")
    cols[1].text(str(shop.total))
    cols[2].caption("Payment")
    cols[2].text(_words(shop.financial_status.value if shop.financial_status else "unknown"))
    cols[3].caption("Fulfillment")
    cols[3].text(_words(shop.fulfillment_status.value))
    if shop.is_cancelled:
        st.caption(f"Cancelled on Shopify at {shop.cancelled_at:%Y-%m-%d %H:%M} UTC.")
    if lookup.state.suppliers:
        st.caption("Supplier orders (live status)")
        table([
            {
                "Supplier": supplier_title(so.supplier),
                "Order": so.order_id,
                "Status": _words(so.status.value) + (f" ({so.raw_status})" if so.raw_status else ""),
                "How to cancel": so.read_error or so.cancel_note or _words(so.cancel_channel.value),
            }
            for so in lookup.state.suppliers
        ])
    st.caption(f"Read at {lookup.read_at:%H:%M:%S} UTC.")


def _words(value: str) -> str:
    return value.replace("_", " ").lower()


# --- the path ---------------------------------------------------------------------------------------------


def _cited(cites: str) -> str:
    guide_name, _, section_id = cites.partition("#")
    try:
        guide = load_guide(guide_name)
        return f"{guide.title} › {guide.section(section_id).title}"
    except (KeyError, OSError, ValueError):
        return cites


def _path(lookup: Lookup) -> None:
    wt = lookup.walkthrough
    st.header(wt.title, anchor="path")
    st.markdown(escape_md(wt.explanation))
    st.caption(f"From the guide: {escape_md(_cited(wt.cites))}")
    st.page_link("pages/guide.py", label="Open the guide", icon="📖",
                 query_params={**page_query(), "guide": wt.cites.partition("#")[0]})
    for warning in wt.warnings:
        st.warning(escape_md(warning), icon="⚠️")
    nxt = wt.next_step
    if nxt is not None:
        st.info(f"**Next step:** {escape_md(nxt.title)}", icon="➡️")
    if wt.check_again_after is not None:
        hours = max(1, int(wt.check_again_after.total_seconds() // 3600))
        st.caption(f"Check again in about {hours} hour{'s' if hours != 1 else ''}.")


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


def _action_button(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep, label: str, *,
                   primary: bool = False) -> None:
    op = _op(order, lookup, step.action, step.target)
    st.button(
        label, key=action_key(order, step), type="primary" if primary else "secondary", disabled=is_done(op),
        on_click=run_once, args=(op, lambda: _run(_request(ctx, lookup, step)), _result_key(order),
                                 _after_action(order)),
    )


def _open_dialog(order: str, which: str) -> None:
    st.session_state[_dialog_key(order)] = which


def _close_dialog(order: str) -> None:
    st.session_state[_dialog_key(order)] = None


def _step_buttons(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep) -> None:
    action = step.action
    supplier = supplier_title(step.supplier)
    if action is None or step.status is StepStatus.NOT_NEEDED:
        return
    if action is ActionId.CHECK_SUPPLIER:
        _action_button(ctx, order, lookup, step, f"Re-check {supplier}", primary=step.status is StepStatus.NEXT)
        return
    if action is ActionId.OPEN_SUPPLIER:
        if step.status is StepStatus.NEXT:
            _action_button(ctx, order, lookup, step, f"Open the order at {supplier} to cancel it", primary=True)
        return
    if step.status is not StepStatus.NEXT:
        return
    if action is ActionId.REVERT_FULFILLMENT:
        label = _REVERT_LABELS.get(step.revert, "Revert the fulfillment request") if step.revert else \
            "Revert the fulfillment request"
        _action_button(ctx, order, lookup, step, label, primary=True)
    elif action is ActionId.CANCEL_SUPPLIER:
        st.button(f"Cancel at {supplier}…", key=action_key(order, step), type="primary",
                  on_click=_open_dialog, args=(order, f"supplier:{step.target}"))
    elif action is ActionId.CANCEL_ORDER:
        st.button("Cancel on Shopify…", key=action_key(order, step), type="primary",
                  on_click=_open_dialog, args=(order, "shopify"))


# --- the checklist ----------------------------------------------------------------------------------------


def _toggle_progress(order_id: str, step_key: str, widget_key: str) -> None:
    try:
        get_assistant().activity.set_progress(order_id, step_key, bool(st.session_state.get(widget_key)))
    except ActionError as exc:
        st.session_state[state_key("progress-error", order_id)] = str(exc)


def _guide_steps() -> dict[str, GuideStep]:
    """The cancel guide's steps by id (read once per run; an unreadable guide just shows no bodies)."""
    try:
        return {step.id: step for step in load_guide("cancel-an-order").steps}
    except (OSError, ValueError):
        return {}


def _checklist(ctx: Context, order: str, lookup: Lookup) -> None:
    assistant = get_assistant()
    order_id = lookup.state.shopify.id
    guide = _guide_steps()
    st.subheader("Checklist")
    manual = [s for s in lookup.walkthrough.steps
              if s.status in _OPEN and s.step_id in guide and guide[s.step_id].kind == "manual"]
    if any(progress_key(order_id, s) not in st.session_state for s in manual):
        try:
            ticked = assistant.activity.progress(order_id)
        except ActionError as exc:
            st.error(escape_md(exc))
            ticked = frozenset()
        for s in manual:
            st.session_state.setdefault(progress_key(order_id, s), step_key(s) in ticked)
    for step in lookup.walkthrough.steps:
        with st.container(border=True):
            badge, body = st.columns([1, 5])
            badge.markdown(f"**{_BADGES[step.status]}**")
            body.markdown(f"**{escape_md(step.title)}**")
            if step.reason:
                body.caption(escape_md(step.reason))
            text = guide[step.step_id].body if step.step_id in guide else None
            if text:
                with body.expander("What the guide says"):
                    st.markdown(text)  # our own guide, Markdown without HTML
            with body:
                _step_buttons(ctx, order, lookup, step)
            if step in manual:
                key = progress_key(order_id, step)
                body.checkbox("Done by hand", key=key, on_change=_toggle_progress,
                              args=(order_id, step_key(step), key))
    if st.session_state.get(state_key("progress-error", order_id)):
        st.error(escape_md(st.session_state.pop(state_key("progress-error", order_id))))


# --- the last result ------------------------------------------------------------------------------------------


def _last_result(order: str) -> None:
    result = st.session_state.get(_result_key(order))
    if result is None:
        return
    if isinstance(result, Failure):
        st.error(escape_md(result.message))
        return
    if result.ok:
        st.success(escape_md(result.message), icon="✅")
    elif result.already_done:
        st.info(escape_md(result.message), icon="ℹ️")
    else:
        st.error(escape_md(result.message))
    if result.url:
        st.link_button("Open the supplier order", result.url, icon="↗️")


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


def _confirm_cancel_body(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep) -> None:
    ss = st.session_state
    ss.setdefault(cancel_option_key(order, "refund"), get_assistant().default_cancel_options(lookup).refund)
    ss.setdefault(cancel_option_key(order, "refund_to"), RefundDestination.ORIGINAL)
    ss.setdefault(cancel_option_key(order, "reason"), CancelReason.CUSTOMER)
    ss.setdefault(cancel_option_key(order, "restock"), True)
    ss.setdefault(cancel_option_key(order, "notify"), False)
    st.radio("Refund", list(RefundTiming), key=cancel_option_key(order, "refund"), horizontal=True,
             format_func=_REFUND_WORDS.get)
    if ss[cancel_option_key(order, "refund")] is RefundTiming.NOW:
        st.radio("Refund to", list(RefundDestination), key=cancel_option_key(order, "refund_to"), horizontal=True,
                 format_func=_REFUND_TO_WORDS.get)
    st.caption("A refund goes back to the original payment method, or as store credit if you choose it. With "
               "'Refund later' you refund from the order page afterwards.")
    st.selectbox("Reason for cancellation", list(CancelReason), key=cancel_option_key(order, "reason"),
                 format_func=_REASON_WORDS.get)
    st.text_input("Staff note (only your staff sees it)", key=cancel_option_key(order, "staff_note"), max_chars=255)
    st.checkbox("Restock the items", key=cancel_option_key(order, "restock"))
    st.checkbox("Send the customer a cancellation notice", key=cancel_option_key(order, "notify"))
    try:
        options = _cancel_options(order)
    except ValidationError:
        st.error("The staff note can be at most 255 characters.")
        return
    preview = get_assistant().preview_cancel(lookup, options)
    st.markdown("**What will happen**")
    st.markdown("\n".join(f"- {escape_md(line)}" for line in preview.summary))
    op = _op(order, lookup, ActionId.CANCEL_ORDER, step.target)
    st.button(
        "Confirm: cancel the order", key=cancel_option_key(order, "confirm"), type="primary", disabled=is_done(op),
        on_click=run_once,
        args=(op, lambda: _run(_request(ctx, lookup, step, _cancel_options(order))), _result_key(order),
              _after_action(order)),
    )
    if is_done(op):
        st.rerun()  # leave the dialog: the page shows the outcome


def _confirm_supplier_body(ctx: Context, order: str, lookup: Lookup, step: WalkthroughStep) -> None:
    supplier = supplier_title(step.supplier)
    st.markdown(f"Cancel supplier order **{escape_md(step.target or '')}** at {escape_md(supplier)}? "
                "A cancelled supplier order cannot be reopened.")
    op = _op(order, lookup, ActionId.CANCEL_SUPPLIER, step.target)
    st.button(
        f"Confirm: cancel at {supplier}", key=state_key("confirm-supplier", order, step.target), type="primary",
        disabled=is_done(op), on_click=run_once,
        args=(op, lambda: _run(_request(ctx, lookup, step)), _result_key(order), _after_action(order)),
    )
    if is_done(op):
        st.rerun()


def _dialogs(ctx: Context, order: str, lookup: Lookup) -> None:
    which = st.session_state.get(_dialog_key(order))
    if not which:
        return
    steps = {s.action: s for s in lookup.walkthrough.steps if s.status is StepStatus.NEXT and s.action}
    if which == "shopify" and ActionId.CANCEL_ORDER in steps:
        dialog = st.dialog("Cancel the order on Shopify", width="large", on_dismiss=lambda: _close_dialog(order))
        dialog(_confirm_cancel_body)(ctx, order, lookup, steps[ActionId.CANCEL_ORDER])
    elif which.startswith("supplier:"):
        target = which.removeprefix("supplier:")
        step = next((s for s in lookup.walkthrough.steps if s.action is ActionId.CANCEL_SUPPLIER
                     and s.status is StepStatus.NEXT and s.target == target), None)
        if step is not None:
            st.dialog("Cancel at the supplier", on_dismiss=lambda: _close_dialog(order))(_confirm_supplier_body)(
                ctx, order, lookup, step)
        else:
            _close_dialog(order)
    else:
        _close_dialog(order)


# --- the ticket ---------------------------------------------------------------------------------------------------------


def _ticket_panel(ctx: Context, order: str, lookup: Lookup) -> None:
    assistant = get_assistant()
    st.subheader("For the ticket")
    base = st.context.url or "http://localhost:8501/"
    try:
        link = assistant.link(base, order, ctx.ticket)
    except ActionError as exc:
        st.error(escape_md(exc))
    else:
        st.caption("Link for this ticket (opens this order here, and records actions against the ticket)")
        st.code(link, language=None)
    st.caption("Reply to the customer (Markdown, copy it into the ticket)")
    st.code(assistant.customer_reply(lookup), language="markdown", wrap_lines=True)


# --- the sandbox panel ------------------------------------------------------------------------------------------------


def _sandbox_call(order: str | None, fn: Any, *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # the simulator refusing (bad fault spec, no pending request) is an answer
        st.session_state[state_key("sandbox-message")] = f"Sandbox: {exc}"
    else:
        st.session_state.pop(state_key("sandbox-message"), None)
    if order is not None:
        store_lookup(order, None)


def _reset_sandbox() -> None:
    assistant = get_assistant()
    _sandbox_call(None, assistant.sandbox.reset)
    forget_lookups()
    for key in [key for key in st.session_state if str(key).startswith(state_key("result", ""))]:
        del st.session_state[key]


def _sandbox_panel(order: str | None, lookup: Lookup | None) -> None:
    sandbox = get_assistant().sandbox
    if sandbox is None:
        return
    with st.expander("Sandbox controls", icon="🧪"):
        st.button("Reset the sandbox to its demo orders", key=state_key("sandbox", "reset"), on_click=_reset_sandbox)
        st.text_input("Faults on demand", key=state_key("sandbox", "faults"),
                      placeholder="shopify:throttled, aliexpress:5xx, cj:timeout")
        st.button("Apply faults", key=state_key("sandbox", "apply-faults"), on_click=lambda: _sandbox_call(
            order, sandbox.set_faults, st.session_state.get(state_key("sandbox", "faults")) or ""))
        if lookup is not None and order is not None:
            left, right = st.columns(2)
            left.button("Simulate fulfillment service reply (accept)", key=state_key("sandbox", "service-accept"),
                        on_click=lambda: _sandbox_call(order, sandbox.simulate_fulfillment_service_reply, accept=True))
            right.button("Simulate fulfillment service reply (reject)", key=state_key("sandbox", "service-reject"),
                         on_click=lambda: _sandbox_call(order, sandbox.simulate_fulfillment_service_reply,
                                                        accept=False))
            for so in lookup.state.suppliers:
                left, right = st.columns(2)
                name = supplier_title(so.supplier)
                left.button(f"Simulate seller reply: {name} {escape_md(so.order_id)} accepts",
                            key=state_key("sandbox", "seller-accept", so.order_id),
                            on_click=lambda so=so: _sandbox_call(order, sandbox.simulate_seller_reply, so.supplier,
                                                                 so.order_id, accept=True))
                right.button(f"Simulate seller reply: {name} {escape_md(so.order_id)} refuses",
                             key=state_key("sandbox", "seller-reject", so.order_id),
                             on_click=lambda so=so: _sandbox_call(order, sandbox.simulate_seller_reply, so.supplier,
                                                                  so.order_id, accept=False))
        if st.session_state.get(state_key("sandbox-message")):
            st.info(escape_md(st.session_state[state_key("sandbox-message")]))


# --- the page -------------------------------------------------------------------------------------------------------------


def _refresh(order: str) -> None:
    store_lookup(order, None)


def _show() -> None:
    assistant: Assistant = get_assistant()
    ctx = current_context()
    st.title("Cancel an order")
    _order_box(ctx)
    if ctx.order is None:
        st.info("Enter the order to cancel (from the ticket or the Shopify admin) to see what to do, step by step.")
        _sandbox_panel(None, None)
        return
    order = ctx.order
    link = ctx.query_params()
    if st.query_params.to_dict() != link:  # the address bar shows this order's deep link (sent once, not per rerun)
        st.query_params.from_dict(link)
    lookup = cached_lookup(assistant, order)
    if isinstance(lookup, Failure):
        st.error(escape_md(lookup.message))
        st.button("Try again", key=state_key("refresh", order), on_click=_refresh, args=(order,))
        _sandbox_panel(order, None)
        return
    _last_result(order)
    _summary(lookup)
    st.button("Refresh", key=state_key("refresh", order), icon="🔄", on_click=_refresh, args=(order,))
    _path(lookup)
    authorise_panel(ctx, order, lookup)  # follow-ups: where it stands, "finish it for me" while it waits
    supplier_panel(ctx, order, lookup, _result_key(order))  # no supplier order known: enter it, or "none placed"
    hand_check_panel(ctx, order, lookup, _result_key(order))  # unreadable supplier orders: what the site shows
    _checklist(ctx, order, lookup)
    _ticket_panel(ctx, order, lookup)
    _sandbox_panel(order, lookup)
    _dialogs(ctx, order, lookup)


_show()
