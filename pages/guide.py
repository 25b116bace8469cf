"""Learn mode: a guide as an interactive checklist, without an order.

The truth of what is ticked is a plain dict in session state (widget keys are dropped when the
page is left), so progress survives page switches for the whole session.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from kb.guide import Guide, GuideError, Step, guide_names, link_guides, load_guide
from kb.wording.guide_page import GUIDE, RESET, STEP_KIND_WORDS, broken_guide_words, steps_done
from pages._ui import ensure_frame, escape_md, page_query, state_key

ensure_frame()

_SELECTED = state_key("guide-selected")  # truth: the guide being read
_SELECT_WIDGET = state_key("guide-select")
_QUERY_APPLIED = state_key("guide-query-applied")


def _progress(name: str) -> dict[str, bool]:
    """The session's ticks for one guide: step id -> done."""
    return st.session_state.setdefault(state_key("guide-progress", name), {})


def _step_key(name: str, step_id: str) -> str:
    return state_key("guide", name, step_id)


def _remember_tick(name: str, step_id: str) -> None:
    _progress(name)[step_id] = bool(st.session_state[_step_key(name, step_id)])


def _remember_selection() -> None:
    st.session_state[_SELECTED] = st.session_state[_SELECT_WIDGET]


def _reset(name: str) -> None:
    _progress(name).clear()


def _selected_name(names: tuple[str, ...]) -> str:
    """The guide to show: a `?guide=` link (once per new value), else the session's choice."""
    linked = st.query_params.get("guide")
    if linked in names and st.session_state.get(_QUERY_APPLIED) != linked:
        st.session_state[_QUERY_APPLIED] = linked
        st.session_state[_SELECTED] = linked
    if st.session_state.get(_SELECTED) not in names:
        st.session_state[_SELECTED] = names[0]
    st.session_state[_SELECT_WIDGET] = st.session_state[_SELECTED]
    return st.selectbox(
        GUIDE, names, key=_SELECT_WIDGET, format_func=lambda n: load_guide(n).title, on_change=_remember_selection
    )


def _app_links(markdown: str) -> str:
    """Point links to sibling guides at this page (`?guide=<name>&order=..&ticket=..#<section>`), keeping the order and ticket."""
    return link_guides(markdown, lambda name, anchor: "?" + urlencode({"guide": name, **page_query()})
                       + (f"#{anchor}" if anchor else ""))


def _callouts(warnings: tuple[str, ...], notes: tuple[str, ...]) -> None:
    for warning in warnings:
        st.warning(_app_links(warning), icon="⚠️")
    for note in notes:
        st.info(_app_links(note), icon="ℹ️")


def _step(guide: Guide, step: Step) -> None:
    key = _step_key(guide.name, step.id)
    st.session_state[key] = _progress(guide.name).get(step.id, False)
    st.checkbox(step.title, key=key, on_change=_remember_tick, args=(guide.name, step.id))
    _, body = st.columns([1, 24])
    with body:
        st.caption(STEP_KIND_WORDS[step.kind])
        if step.body:
            st.markdown(_app_links(step.body))
        _callouts(step.warnings, step.notes)


def _checklist(guide: Guide) -> None:
    st.title(guide.title)
    if guide.intro:
        st.markdown(_app_links(guide.intro))
    progress = _progress(guide.name)
    total = len(guide.steps)
    done = sum(1 for step in guide.steps if progress.get(step.id))
    bar, reset = st.columns([4, 1], vertical_alignment="bottom")
    bar.progress(done / total if total else 0.0, text=steps_done(done, total))
    reset.button(RESET, key=state_key("guide-reset", guide.name), on_click=_reset, args=(guide.name,))
    for section in guide.sections:
        st.header(section.title, anchor=section.id, divider="gray")
        if section.body:
            st.markdown(_app_links(section.body))
        _callouts(section.warnings, section.notes)
        for step in section.steps:
            _step(guide, step)


try:
    _checklist(load_guide(_selected_name(guide_names())))
except GuideError as exc:  # a broken guide file: say where, never a traceback
    st.error(broken_guide_words(escape_md(exc)))
