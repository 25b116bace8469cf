"""The walkthrough page: the order's path, the guide's checklist, and buttons that act exactly once."""

from __future__ import annotations

import html
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from actions.sandbox.seed import DEMO_PATHS
from kb.guide import load_guide
from kb.paths import FIND_SUPPLIER_TITLE, FOLLOW_UP_TITLE, PATH_TITLES
from kb.state import RefundTiming
from kb.walkthrough import ActionId, PathId, StepStatus
from pages._ui import (
    LOOK_UP,
    ORDER_BOX,
    SANDBOX_PANEL,
    TICKET_BOX,
    TICKET_PANEL,
    action_key,
    cancel_option_key,
    escape_md,
    plain,
    progress_key,
    state_key,
)
from tests.conftest import APPTEST_TIMEOUT
from tests.app.conftest import HOSTILE, all_text, headings, new_assistant, open_panels, table_cells

DEMO = [f"#{n}" for n in range(1001, 1011)]
CANCEL_GUIDE = load_guide("cancel-an-order")
_BADGE = {StepStatus.DONE: "✅", StepStatus.NEXT: "➡️", StepStatus.BLOCKED: "⛔", StepStatus.NOT_NEEDED: "➖"}


def _tickable(step) -> bool:
    """A manual step of the guide that is still to do: the merchant ticks it off by hand."""
    return CANCEL_GUIDE.step(step.step_id).kind == "manual" and step.status in (StepStatus.NEXT, StepStatus.BLOCKED)


def _lookup(at: AppTest, order: str):
    """The reading the page is showing (kept in session state, namespaced by order)."""
    return at.session_state[state_key("lookup", order)]


def _reads(assistant) -> Counter:
    """Requests the sandbox received that read an order, per system."""
    return Counter(r.system for r in assistant.sandbox.requests if not r.is_write and "token" not in r.operation.lower())


def _writes(assistant, operation: str | None = None) -> int:
    """Writes the sandbox received (of one operation, e.g. the `OrderCancel` mutation)."""
    return sum(1 for r in assistant.sandbox.requests if r.is_write and operation in (None, r.operation))


def _press_next(at: AppTest, order: str, *, refund: RefundTiming = RefundTiming.NOW) -> ActionId:
    """Press the button of the next step (through the confirmation dialog when it has one)."""
    step = _lookup(at, order).walkthrough.next_step
    assert step is not None and step.action is not None, "the next step offers a button"
    at.button(key=action_key(order, step)).click().run()
    if step.action is ActionId.CANCEL_ORDER:
        at.radio(key=cancel_option_key(order, "refund")).set_value(refund).run()
        at.button(key=cancel_option_key(order, "confirm")).click().run()
    elif step.action is ActionId.CANCEL_SUPPLIER:
        at.button(key=state_key("confirm-supplier", order, step.target)).click().run()
    assert not at.exception
    return step.action


def _path_title(at: AppTest) -> list[str]:
    """The first screen card's title (the path), or [] when the page shows no card."""
    return [h for h in headings(at, 3) if h != "Checklist"][:1]


def _step_icons(at: AppTest) -> list[str]:
    """The icon of each checklist line, in order (lines in a row share one Markdown element, a paragraph each)."""
    lines = [line for m in at.markdown for line in m.value.split("\n\n")]
    return [line.split()[0] for line in lines if line.split() and line.split()[0] in _BADGE.values() and " **" in line]


@pytest.mark.parametrize("order", DEMO)
def test_every_demo_order_shows_its_path_and_next_action_first_and_a_quiet_checklist(open_app, order: str) -> None:
    assistant = new_assistant()
    lookup = assistant.look_up(order)
    expected, card = lookup.walkthrough, assistant.first_screen(lookup)
    at = open_app({"order": order.lstrip("#"), "ticket": "ZD-42"}, assistant=assistant)

    assert not at.exception
    assert _path_title(at) == [expected.title]
    assert expected.title in (PATH_TITLES[expected.path], FOLLOW_UP_TITLE, FIND_SUPPLIER_TITLE)
    if order in DEMO_PATHS:  # the seed says which path each demo order is there to show
        assert expected.path.value == DEMO_PATHS[order]
    if card.kind == "act":
        assert at.button(key=action_key(order, card.step)).label == card.label
    elif card.kind == "wait":
        assert at.button(key=state_key("check-now", order)).label == "Check now"
        assert any(plain(card.waiting_for) in m.value for m in at.markdown)
    # Quiet: the not-needed steps wait behind one toggle; each shown step is one line with its icon.
    assert _step_icons(at) == [_BADGE[s.status] for s in expected.steps if s.status is not StepStatus.NOT_NEEDED]
    at.toggle(key=state_key("all-steps", order)).set_value(True).run()
    assert _step_icons(at) == [_BADGE[s.status] for s in expected.steps]
    # Each warning once, and the two that belong with the cancel confirmation not on the page.
    warnings = [w.value for w in at.warning if "Sandbox" not in w.value]
    assert warnings == [plain(w) for w in card.warnings]
    assert not any("cannot be undone" in w or "original payment method" in w for w in warnings)


def test_on_the_sandbox_the_waiting_card_promises_a_simulated_answer_only_where_one_comes(open_app) -> None:
    """#1030's seller answers by itself a few seconds after the first read; #1005's never does (it stays pending
    until someone plays the seller in the sandbox controls): "press Check now" there would be pressed forever."""
    import os

    from actions.assistant import build_assistant
    from actions.sandbox import Sandbox
    from actions.settings import load_settings
    from tests.app.conftest import SANDBOX_SECRETS

    assistant = build_assistant(load_settings(SANDBOX_SECRETS, os.environ), sandbox=Sandbox())  # 3 s replies
    for order, by_itself in (("1030", True), ("1005", False)):
        at = open_app({"order": order}, assistant=assistant)
        card = assistant.first_screen(_lookup(at, f"#{order}"))
        assert card.kind == "wait"
        assert ("comes in a few seconds" in all_text(at)) is by_itself, card.look_again
        if not by_itself:
            assert "Sandbox controls" in card.look_again and "Check now" in card.look_again


def test_the_walkthrough_wording_comes_from_the_assistant_not_the_page() -> None:
    assistant = new_assistant()
    card = assistant.first_screen(assistant.look_up("#1003"))
    assert card.kind == "act" and card.label == "Ask the fulfillment service to cancel"
    assert card.why.endswith(".") and card.why.count(". ") == 0
    waiting = assistant.first_screen(assistant.look_up("#1030"))
    assert waiting.kind == "wait" and "few seconds" in (waiting.look_again or "")
    played = assistant.first_screen(assistant.look_up("#1005"))  # its seller answers only from the sandbox controls
    assert played.kind == "wait" and "Sandbox controls" in (played.look_again or "")


def test_the_folded_panels_hold_nothing_until_opened(open_app) -> None:
    """The browser redraws every element of the page on each rerun, a tick's too: a folded panel holds none."""
    at = open_app({"order": "1003", "ticket": "ZD-42"}, panels_open=False)
    assert {"Look up another order", "Sandbox controls"} <= {e.label for e in at.expander}
    assert not at.code and not at.text_input
    assert not [b for b in at.button if b.key and b.key.startswith(state_key("sandbox"))]
    open_panels(at).run()
    assert not at.exception
    assert at.text_input(key=ORDER_BOX).value == "1003" and at.text_input(key=TICKET_BOX).value == "ZD-42"
    assert any(c.value.endswith("?order=1003&ticket=ZD-42") for c in at.code)
    assert at.button(key=state_key("sandbox", "reset")).label == "Reset demo"


def test_the_order_looked_up_shows_with_the_look_up_box_folded(open_app) -> None:
    """Looking up another order from the open box: the new order's walkthrough comes first, not the box."""
    at = open_app({"order": "1003"})
    at.text_input(key=ORDER_BOX).input("1006")
    at.button(key=LOOK_UP).click().run()
    assert not at.exception
    assert _path_title(at) == [PATH_TITLES[PathId.FULFILLED]]
    assert "Look up another order" in {e.label for e in at.expander}
    assert not [t for t in at.text_input if t.key == ORDER_BOX], "the look-up box is folded for the new order"


def test_the_sandbox_is_shown_prominently(open_app) -> None:
    at = open_app({"order": "1001"})
    assert any("Sandbox" in w.value for w in at.warning)


@pytest.mark.parametrize("order", ["#1001", "#1003", "#1009"])
def test_pressing_the_actions_in_order_ends_already_cancelled_with_the_activity_recorded(open_app, order: str) -> None:
    assistant = new_assistant()
    at = open_app({"order": order.lstrip("#"), "ticket": "ZD-42"}, assistant=assistant)
    pressed = []
    while _lookup(at, order).walkthrough.path is not PathId.ALREADY_CANCELLED:
        assert len(pressed) < 8, f"{order} reached no end: pressed {pressed}"
        pressed.append(_press_next(at, order, refund=RefundTiming.LATER))

    assert pressed[-1] is ActionId.CANCEL_ORDER
    # Cancelled with refund later and no notice to the customer: the follow-up is still to do.
    assert _path_title(at) == [FOLLOW_UP_TITLE]
    assert _lookup(at, order).walkthrough.next_step.step_id == "shopify-refund-later"
    assert any("cancelled on Shopify" in s.value for s in at.success)
    records = assistant.activity.list(order=order)
    assert {r.ticket for r in records} == {"ZD-42"}
    cancels = [r for r in records if r.action == ActionId.CANCEL_ORDER.value]
    assert [(r.outcome, r.options["refund"]) for r in cancels] == [("ok", "later")]
    assert _writes(assistant, "OrderCancel") == 1


def test_a_rerun_after_an_action_does_not_act_again(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1003", "ticket": "ZD-7"}, assistant=assistant)
    assert _press_next(at, "#1003") is ActionId.REVERT_FULFILLMENT
    assert _writes(assistant) == 1
    at.run()
    at.run()
    assert not at.exception
    assert _writes(assistant) == 1
    reverts = [r for r in assistant.activity.list(order="#1003") if r.action == ActionId.REVERT_FULFILLMENT.value]
    assert [(r.outcome, r.ticket) for r in reverts] == [("ok", "ZD-7")]


def test_a_second_click_from_a_stale_page_does_not_act_twice(open_app) -> None:
    """Two tabs show the same order; both press Revert: the second is re-decided and sends nothing."""
    assistant = new_assistant()
    first = open_app({"order": "1003", "ticket": "ZD-7"}, assistant=assistant)
    second = open_app({"order": "1003", "ticket": "ZD-7"}, assistant=assistant)
    step = _lookup(second, "#1003").walkthrough.next_step
    assert step is not None and step.action is ActionId.REVERT_FULFILLMENT

    _press_next(first, "#1003")
    second.button(key=action_key("#1003", step)).click().run()
    assert not second.exception
    assert _writes(assistant) == 1
    assert not second.success, "the stale click is not reported as a success"
    assert _lookup(second, "#1003").walkthrough.next_step.action is not ActionId.REVERT_FULFILLMENT


def test_a_confirmation_pressed_in_two_tabs_cancels_at_the_supplier_once(open_app) -> None:
    assistant = new_assistant()
    tabs = [open_app({"order": "1009"}, assistant=assistant) for _ in range(2)]
    step = _lookup(tabs[0], "#1009").walkthrough.next_step
    assert step is not None and step.action is ActionId.CANCEL_SUPPLIER
    for at in tabs:
        at.button(key=action_key("#1009", step)).click().run()
    assert _writes(assistant) == 0, "opening the confirmation sends nothing"

    for at in tabs:
        at.button(key=state_key("confirm-supplier", "#1009", step.target)).click().run()
        assert not at.exception
    assert _writes(assistant) == 1
    assert any("cancellation sent" in s.value for s in tabs[0].success)
    assert not tabs[1].success


def test_the_run_once_helper_ignores_a_click_on_a_disabled_button() -> None:
    """The guard itself: callback, flag set before the call, result kept, button disabled after."""

    def app() -> None:
        import streamlit as st

        from pages._ui import is_done, run_once

        calls = st.session_state.setdefault("calls", [])
        act = ("op", lambda: calls.append(1) or len(calls), "result")
        st.button("Act", key="act", disabled=is_done("op"), on_click=run_once, args=act)
        st.button("Act (as the page showed it before)", key="stale", on_click=run_once, args=act)
        st.text(f"result={st.session_state.get('result')}")

    at = AppTest.from_function(app, default_timeout=APPTEST_TIMEOUT).run()
    at.button(key="act").click().run()
    assert at.button(key="act").disabled
    at.button(key="stale").click().run()  # a second click that reaches the server anyway
    at.run()
    assert not at.exception
    assert at.session_state["calls"] == [1]
    assert at.text[0].value == "result=1"


@pytest.mark.parametrize("arrives", ["before the call", "after the call", "in the page's after-step"])
@pytest.mark.parametrize("helper", ["run_once", "start_once"])
def test_a_second_click_that_arrives_while_the_action_runs_neither_loses_its_result_nor_sends_it_twice(
    helper: str, arrives: str,
) -> None:
    """A double click: the second click's rerun request reaches the running code at its next
    session-state access (Streamlit's yield point), which raises and unwinds it. The action must then
    either not have started (and run on the rerun) or have its result kept and shown, button disabled.
    `run_once` runs it in the button's callback; `start_once` queues it for `finish_queued`, which the
    page runs inside a progress box (its slot must be free again afterwards)."""

    def app() -> None:
        import streamlit as st
        from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        from pages._ui import busy, finish_queued, is_done, run_once, start_once

        where = st.session_state["arrives"]

        def second_click() -> None:
            clicks = st.session_state["second clicks"]
            if clicks:  # the double click has one second click
                return
            clicks.append(1)
            ctx = get_script_run_ctx()
            ctx.script_requests.request_rerun(RerunData(query_string=ctx.query_string,
                                                        page_script_hash=ctx.page_script_hash))

        def act() -> int:
            calls = st.session_state["calls"]  # the page reads its state before the one remote call
            if where == "before the call":
                second_click()
                st.session_state["noticed"] = True  # the next access to session state is the yield point
            calls.append(1)
            if where == "after the call":
                second_click()
            return len(calls)

        def after(result: int) -> None:
            if where == "in the page's after-step":
                second_click()
            st.session_state["kept"] = result

        st.session_state.setdefault("calls", [])
        st.session_state.setdefault("second clicks", [])
        if st.session_state["helper"] == "run_once":
            st.button("Act", key="act", disabled=is_done("op"), on_click=run_once, args=("op", act, "result", after))
        else:
            st.button("Act", key="act", disabled=is_done("op") or busy("slot"), on_click=start_once,
                      args=("op", act, "result", after, "Acting…", "slot"))
            finish_queued("slot")
        st.text(f"result={st.session_state.get('result')} kept={st.session_state.get('kept')} busy={busy('slot')}")

    at = AppTest.from_function(app, default_timeout=APPTEST_TIMEOUT)
    at.session_state["arrives"] = arrives
    at.session_state["helper"] = helper
    at.run()
    at.button(key="act").click().run()
    at.run()
    if arrives == "before the call" and helper == "run_once":  # nothing was sent: the button is free again
        assert at.session_state["calls"] == [] and not at.button(key="act").disabled
        at.button(key="act").click().run()
    assert not at.exception
    assert at.session_state["calls"] == [1], "sent exactly once"
    assert at.text[0].value == "result=1 kept=1 busy=False", "the result and the fresh reading are kept"
    assert at.button(key="act").disabled


def test_the_cancel_dialog_shows_exactly_what_will_happen_before_anything_is_sent(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1009"}, assistant=assistant)
    while (step := _lookup(at, "#1009").walkthrough.next_step).action is not ActionId.CANCEL_ORDER:
        _press_next(at, "#1009")
    at.button(key=action_key("#1009", step)).click().run()
    at.radio(key=cancel_option_key("#1009", "refund")).set_value(RefundTiming.NOW).run()
    at.checkbox(key=cancel_option_key("#1009", "restock")).check().run()

    preview = assistant.preview_cancel(_lookup(at, "#1009"), _cancel_options(at, "#1009"))
    shown = "\n".join(m.value for m in at.markdown)
    for line in preview.summary:
        assert escape_md(line) in shown
    assert preview.refund is not None and str(preview.refund) in "\n".join(preview.summary)
    assert _writes(assistant, "OrderCancel") == 0


def test_a_fraud_hold_starts_the_cancel_dialog_on_the_reason_its_warning_names(open_app) -> None:
    """#1022's warning says "consider the reason 'Fraudulent order'": the dialog must not start on "Customer changed
    or cancelled order", which a new merchant confirms as it is."""
    from kb.state import CancelReason

    assistant = new_assistant()
    at = open_app({"order": "1022", "ticket": "ZD-42"}, assistant=assistant)
    assert any("Fraudulent order" in w for w in _lookup(at, "#1022").walkthrough.warnings)
    step = _lookup(at, "#1022").walkthrough.next_step
    at.button(key=action_key("#1022", step)).click().run()
    assert at.selectbox(key=cancel_option_key("#1022", "reason")).value is CancelReason.FRAUD
    at.button(key=cancel_option_key("#1022", "confirm")).click().run()
    assert not at.exception
    [record] = [r for r in assistant.activity.list(ticket="ZD-42") if r.action == "cancel_order"]
    assert record.outcome == "ok" and "FRAUD" in str(record.options)

    other = open_app({"order": "1025"}, assistant=assistant)  # no hold: the customer's request, as before
    other.button(key=action_key("#1025", _lookup(other, "#1025").walkthrough.next_step)).click().run()
    assert other.selectbox(key=cancel_option_key("#1025", "reason")).value is CancelReason.CUSTOMER


def test_the_cancel_dialog_says_once_that_it_cannot_be_undone(open_app) -> None:
    """#1025's dialog read "... this cannot be undone." as its last line and again as a warning under it."""
    import html

    at = open_app({"order": "1025", "ticket": "ZD-42"})
    at.button(key=action_key("#1025", _lookup(at, "#1025").walkthrough.next_step)).click().run()
    assert at.button(key=cancel_option_key("#1025", "confirm"))
    shown = html.unescape(all_text(at))
    assert shown.count("cannot be undone") == 1, shown.count("cannot be undone")


@pytest.mark.parametrize("order", ["1020", "1024"])
def test_the_cancel_dialog_offers_no_refund_choice_when_nothing_can_be_refunded(open_app, order: str) -> None:
    """#1020 (cash on delivery, unpaid) and #1024 (refunded in full) offered "Refund now"/"Refund later"; the
    cancel refunds nothing either way, and "What will happen" says why."""
    assistant = new_assistant()
    at = open_app({"order": order, "ticket": "ZD-42"}, assistant=assistant)
    name = f"#{order}"
    while (step := _lookup(at, name).walkthrough.next_step).action is not ActionId.CANCEL_ORDER:
        _press_next(at, name)
    at.button(key=action_key(name, step)).click().run()
    assert not [r for r in at.radio if r.key == cancel_option_key(name, "refund")], "no refund choice"
    shown = html.unescape(all_text(at))
    assert "so the cancel sends no refund" in shown and "Refund later" not in shown
    at.button(key=cancel_option_key(name, "confirm")).click().run()
    assert not at.exception
    [record] = [r for r in assistant.activity.list(ticket="ZD-42") if r.action == "cancel_order"]
    assert record.outcome == "ok" and record.options["refund"] == "later"


def _cancel_options(at: AppTest, order: str):
    from kb.state import CancelOptions

    return CancelOptions(
        refund=at.radio(key=cancel_option_key(order, "refund")).value,
        reason=at.selectbox(key=cancel_option_key(order, "reason")).value,
        restock=at.checkbox(key=cancel_option_key(order, "restock")).value,
        notify_customer=at.checkbox(key=cancel_option_key(order, "notify")).value,
    )


def test_bad_order_input_gives_a_clear_message_and_changes_nothing(open_app) -> None:
    at = open_app({"order": "1001"})
    title = headings(at)[0]
    at.text_input(key=ORDER_BOX).input("gid://shopify/Customer/7")
    at.button(key=LOOK_UP).click().run()

    assert not at.exception
    assert any("not an order" in e.value or "of a Customer" in e.value for e in at.error)
    assert headings(at) == [title]


def test_the_walkthrough_headings_are_markdown_headings_which_a_tick_redraws_cheaply(open_app) -> None:
    """Chromium redraws a header element on every message of a tick's rerun at ~15x a Markdown heading's cost."""
    at = open_app({"order": "1003"})
    assert not at.exception
    assert not at.title and not at.header and not at.subheader
    assert headings(at) == [f"Order {plain('#1003')}"]
    assert headings(at, 3) == [PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS], "Checklist"]


def test_a_bad_deep_link_is_refused_with_a_clear_message(open_app) -> None:
    at = open_app({"order": "1001", "ticket": "<script>"})
    assert not at.exception
    assert any("The link could not be opened" in e.value and "ticket" in e.value for e in at.error)
    assert not headings(at)


def test_an_order_typed_in_the_box_becomes_the_context(open_app) -> None:
    at = open_app()
    at.text_input(key=ORDER_BOX).input("#1006")
    at.text_input(key=TICKET_BOX).input("ZD-9")
    at.button(key=LOOK_UP).click().run()
    assert not at.exception
    assert _path_title(at) == [PATH_TITLES[PathId.FULFILLED]]
    assert any("?order=1006&ticket=ZD-9" in c.value for c in at.code)


def test_a_look_up_reads_once_and_a_checkbox_click_reads_nothing(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1010"}, assistant=assistant)
    lookup = _lookup(at, "#1010")
    assert _reads(assistant) == Counter({"shopify": 1, "aliexpress": 1, "cj": 1})

    manual = next(s for s in lookup.walkthrough.steps if _tickable(s))
    at.checkbox(key=progress_key(lookup.state.shopify.id, manual)).check().run()
    assert _reads(assistant) == Counter({"shopify": 1, "aliexpress": 1, "cj": 1})
    assert manual.step_id in {k.split(":")[0] for k in assistant.activity.progress(lookup.state.shopify.id)}

    at.button(key=state_key("refresh", "#1010")).click().run()
    assert _reads(assistant) == Counter({"shopify": 2, "aliexpress": 2, "cj": 2})


def test_an_order_that_cannot_be_read_is_not_read_again_until_asked(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "9999"}, assistant=assistant)
    assert any("no order named" in e.value for e in at.error)
    sent = len(assistant.sandbox.requests)
    at.run()
    at.run()
    assert len(assistant.sandbox.requests) == sent, "a plain rerun sends nothing, even after a failed read"
    at.button(key=state_key("refresh", "#9999")).click().run()
    assert not at.exception
    assert len(assistant.sandbox.requests) == sent + 1
    assert any("no order named" in e.value for e in at.error)


def test_manual_progress_is_remembered_per_order_in_the_activity_store(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1002"}, assistant=assistant)
    lookup = _lookup(at, "#1002")
    manual = next(s for s in lookup.walkthrough.steps if _tickable(s))
    key = progress_key(lookup.state.shopify.id, manual)
    at.checkbox(key=key).check().run()

    again = open_app({"order": "1002"}, assistant=assistant)  # a new session on the same store
    assert again.checkbox(key=key).value is True
    other = open_app({"order": "1006"}, assistant=assistant)
    assert all(not box.value for box in other.checkbox if box.key and box.key.startswith(state_key("progress")))


def test_the_ticket_gets_a_deep_link_and_a_customer_reply(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1004", "ticket": "ZD-42"}, assistant=assistant)
    codes = [c.value for c in at.code]
    assert any(c.endswith("?order=1004&ticket=ZD-42") for c in codes)
    plain_reply = assistant.customer_reply(_lookup(at, "#1004"), markdown=False)
    assert plain_reply.strip() in codes, "plain text by default: helpdesks that show raw text show no asterisks"
    assert "**" not in plain_reply and "#1004" in plain_reply
    at.toggle(key=state_key("reply-markdown")).set_value(True).run()
    assert assistant.customer_reply(_lookup(at, "#1004")).strip() in [c.value for c in at.code]


def test_an_order_without_a_supplier_order_asks_for_its_number(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1011", "ticket": "ZD-5"}, assistant=assistant)
    assert not _lookup(at, "#1011").state.suppliers
    at.selectbox(key=state_key("ref-supplier", "#1011")).set_value("aliexpress")
    at.text_input(key=state_key("ref-id", "#1011")).input("3041872215631099")
    at.button(key=state_key("ref-save", "#1011")).click().run()

    assert not at.exception
    assert [s.order_id for s in _lookup(at, "#1011").state.suppliers] == ["3041872215631099"]
    assert [r.action for r in assistant.activity.list(ticket="ZD-5")] == ["enter_supplier_ref"]


def test_sandbox_reset_brings_the_demo_orders_back(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1003"}, assistant=assistant)
    first = _path_title(at)
    assert _press_next(at, "#1003") is ActionId.REVERT_FULFILLMENT
    assert _lookup(at, "#1003").walkthrough.next_step.action is not ActionId.REVERT_FULFILLMENT

    at.button(key=state_key("sandbox", "reset")).click().run()
    assert not at.exception
    assert _path_title(at) == first
    assert _lookup(at, "#1003").walkthrough.next_step.action is ActionId.REVERT_FULFILLMENT


def test_what_a_supplier_says_about_its_order_is_shown_as_text_never_as_markdown(open_app) -> None:
    assistant = new_assistant()
    real = assistant.look_up

    def hostile_supplier(order: str):
        lookup = real(order)
        so = lookup.state.suppliers[0].model_copy(update={"raw_status": HOSTILE, "cancel_note": HOSTILE})
        return lookup.model_copy(update={"state": lookup.state.model_copy(update={"suppliers": (so,)})})

    assistant.look_up = hostile_supplier
    at = open_app({"order": "1005"}, assistant=assistant)
    assert not at.exception
    assert not at.table, "no st.table on the walkthrough"
    shown = [m.value for m in at.markdown]
    assert any(plain(HOSTILE) in m for m in shown)
    assert not [m for m in shown if HOSTILE in m or "evil.example" in m]


def test_no_secret_is_ever_shown(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1001", "ticket": "ZD-42"}, assistant=assistant)
    shown = all_text(at)
    for secret in assistant.settings.secrets():
        assert secret not in shown


def test_the_sandbox_panel_simulates_the_sellers_reply(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1005"}, assistant=assistant)
    assert _lookup(at, "#1005").walkthrough.path is PathId.CANCELLATION_PENDING
    supplier = _lookup(at, "#1005").state.suppliers[0]
    at.button(key=state_key("sandbox", "seller-accept", supplier.order_id)).click().run()
    assert not at.exception
    after = _lookup(at, "#1005")
    assert after.state.suppliers[0].status.value == "cancelled"
    assert after.walkthrough.path is not PathId.CANCELLATION_PENDING


def test_a_fault_on_demand_is_shown_as_a_clear_error_never_a_traceback(open_app) -> None:
    assistant = new_assistant()
    at = open_app({"order": "1001"}, assistant=assistant)
    at.text_input(key=state_key("sandbox", "faults")).input("shopify:401")
    at.button(key=state_key("sandbox", "apply-faults")).click().run()
    at.button(key=state_key("refresh", "#1001")).click().run()
    assert not at.exception
    assert at.error and not _path_title(at)
    at.text_input(key=state_key("sandbox", "faults")).input("")
    at.button(key=state_key("sandbox", "apply-faults")).click().run()
    at.button(key=state_key("refresh", "#1001")).click().run()
    assert _path_title(at) == [PATH_TITLES[PathId.CANCELLABLE]]


def test_the_faults_box_shows_the_rules_in_effect_when_opened_again(open_app) -> None:
    at = open_app({"order": "1001"})
    at.text_input(key=state_key("sandbox", "faults")).input("shopify:401")
    at.button(key=state_key("sandbox", "apply-faults")).click().run()
    at.session_state[SANDBOX_PANEL] = False  # the merchant folds the panel: its box is not built
    at.run()
    assert not [t for t in at.text_input if t.key == state_key("sandbox", "faults")]
    at.session_state[SANDBOX_PANEL] = True
    at.run()
    assert not at.exception
    assert at.text_input(key=state_key("sandbox", "faults")).value == "shopify:401"


def test_the_reply_format_chosen_outlives_a_fold_of_the_ticket_panel(open_app) -> None:
    at = open_app({"order": "1001", "ticket": "ZD-42"})
    at.toggle(key=state_key("reply-markdown")).set_value(True).run()
    markdown_reply = at.code[-1].value
    at.session_state[TICKET_PANEL] = False  # the merchant folds the panel: its toggle is not built
    at.run()
    assert not [t for t in at.toggle if t.key == state_key("reply-markdown")]
    at.session_state[TICKET_PANEL] = True
    at.run()
    assert not at.exception
    assert at.toggle(key=state_key("reply-markdown")).value is True
    assert at.code[-1].value == markdown_reply


def test_a_fault_spec_that_makes_no_sense_is_said_plainly(open_app) -> None:
    at = open_app({"order": "1001"})
    at.text_input(key=state_key("sandbox", "faults")).input("shopify:explode")
    at.button(key=state_key("sandbox", "apply-faults")).click().run()
    assert not at.exception
    assert any(i.value.startswith("Sandbox") for i in at.info)


LIVE_SECRETS = {"shopify": {"shop": "example-store.myshopify.com", "access_token": "shpat_notarealtoken123"}}


def test_live_mode_starts_only_when_shopify_credentials_are_configured(open_app) -> None:
    at = open_app(secrets=LIVE_SECRETS, fresh_assistant=False)  # no order: nothing is sent anywhere
    assert not at.exception
    assert any("Live shop" in s.value and escape_md("example-store.myshopify.com") in s.value for s in at.success)
    assert not any("Sandbox" in w.value for w in at.warning)
    assert "shpat_notarealtoken123" not in all_text(at)


def test_live_sessions_share_one_assistant_so_they_share_the_cj_token_and_connections(open_app) -> None:
    from pages._ui import ASSISTANT_KEY

    first = open_app(secrets=LIVE_SECRETS, fresh_assistant=False)
    second = open_app(secrets=LIVE_SECRETS, fresh_assistant=False)
    other_shop = open_app(secrets={"shopify": {**LIVE_SECRETS["shopify"], "access_token": "shpat_anothertoken456"}},
                          fresh_assistant=False)
    one, two, other = (at.session_state[ASSISTANT_KEY] for at in (first, second, other_shop))
    # each session holds its own copy (it names its agent); the clients and the store behind it are one
    assert one.shopify is two.shopify and one.suppliers["cjdropshipping"] is two.suppliers["cjdropshipping"]
    assert one.activity is two.activity
    assert other.shopify is not one.shopify


def test_the_sandbox_can_be_forced_even_with_credentials(open_app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCEL_ASSIST_SANDBOX", "1")
    at = open_app({"order": "1001"}, secrets=LIVE_SECRETS, fresh_assistant=False)
    assert not at.exception
    assert any("Sandbox" in w.value for w in at.warning)
    assert _path_title(at) == [PATH_TITLES[PathId.CANCELLABLE]]


def test_invalid_settings_are_shown_clearly_and_the_guide_still_opens(open_app) -> None:
    bad = {"shopify": {"shop": "example.com", "access_token": "shpat_notarealtoken123"}}
    at = open_app(secrets=bad, fresh_assistant=False)
    assert not at.exception
    assert any("cannot start" in e.value and "shop" in e.value for e in at.error)
    assert "shpat_notarealtoken123" not in all_text(at)


def test_the_sandbox_screen_without_an_order_offers_demo_orders_and_the_guide(open_app) -> None:
    # A new merchant on the sandbox has no ticket and no admin to take an order number from.
    demo = [c.value for c in open_app().caption if "?order=1001" in c.value]
    assert demo and "[1001](?order=1001)" in demo[0] and "[1011](?order=1011)" in demo[0]
    assert "Guide page" in demo[0]
    assert not [c for c in open_app({"order": "1003"}).caption if "?order=1001" in c.value]
