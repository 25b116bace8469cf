"""The guide page (learn mode): a checklist whose ticks stay for the session, with a reset."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kb.guide import load_guide
from pages._ui import state_key
from tests.conftest import APPTEST_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
CANCEL = load_guide("cancel-an-order")
REVERT = load_guide("revert-fulfillment-request")
TOTAL = len(CANCEL.steps)


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APPTEST_TIMEOUT)
    app.secrets["cancel_assist"] = {"sandbox": True}  # never read a developer's real secrets
    return app


def _open_guide(at: AppTest, **query: str) -> AppTest:
    for name, value in query.items():
        at.query_params[name] = value
    at.run()  # through the router, whichever page is its default
    at.switch_page("pages/guide.py").run()
    assert not at.exception
    return at


def _checkbox(at: AppTest, title: str):
    matches = [box for box in at.checkbox if box.label == title]
    assert len(matches) == 1, f"one checkbox titled {title!r}"
    return matches[0]


def _progress(at: AppTest) -> tuple[int, str]:
    bar = at.get("progress")[0].proto
    return bar.value, bar.text


def test_the_guide_renders_as_a_checklist_with_every_step(at: AppTest) -> None:
    _open_guide(at)
    assert at.title[0].value == CANCEL.title
    assert [box.label for box in at.checkbox] == [step.title for step in CANCEL.steps]
    assert [h.value for h in at.header] == [section.title for section in CANCEL.sections]
    assert _progress(at) == (0, f"0/{TOTAL} steps done")


def test_each_step_shows_its_kind_and_its_body(at: AppTest) -> None:
    _open_guide(at)
    captions = [c.value for c in at.caption]
    assert captions.count("Do by hand") == sum(1 for s in CANCEL.steps if s.kind == "manual")
    assert sum(1 for c in captions if c.startswith("Action")) == sum(1 for s in CANCEL.steps if s.kind == "action")
    markdown = "\n".join(m.value for m in at.markdown)
    assert "**My Orders**" in markdown and "**Restock inventory**" in markdown


def test_warnings_and_notes_are_shown_as_callouts(at: AppTest) -> None:
    _open_guide(at)
    warnings = "\n".join(w.value for w in at.warning)
    notes = "\n".join(i.value for i in at.info)
    assert "supplier first, Shopify second" in warnings
    assert "cannot be reversed" in warnings
    assert "original payment method" in notes
    guide_warnings = [w for w in at.warning if not w.value.startswith("**Sandbox**")]  # the frame's mode banner
    assert len(guide_warnings) == sum(len(s.warnings) + sum(len(t.warnings) for t in s.steps) for s in CANCEL.sections)


def test_links_to_the_other_guide_open_it_on_this_page(at: AppTest) -> None:
    _open_guide(at)
    markdown = "\n".join(m.value for m in at.markdown)
    assert "(?guide=revert-fulfillment-request)" in markdown
    assert ".md)" not in markdown


def test_no_element_is_allowed_raw_html(at: AppTest) -> None:
    _open_guide(at)
    elements = [*at.markdown, *at.caption, *at.warning, *at.info]
    assert elements and not [e for e in elements if getattr(e.proto, "allow_html", False)]


def test_a_ticked_step_stays_ticked_and_moves_the_progress_bar(at: AppTest) -> None:
    _open_guide(at)
    step = CANCEL.step("supplier-check-status")
    _checkbox(at, step.title).check().run()
    assert not at.exception
    assert _checkbox(at, step.title).value is True
    assert _progress(at) == (round(100 / TOTAL), f"1/{TOTAL} steps done")
    at.run()
    at.run()
    assert _checkbox(at, step.title).value is True
    assert _progress(at)[1] == f"1/{TOTAL} steps done"


_TWO_PAGE_ROUTER = """
import streamlit as st
st.navigation([
    st.Page({guide!r}, url_path="guide", title="Guide"),
    st.Page("elsewhere.py", url_path="elsewhere", title="Elsewhere"),
]).run()
"""


def _app_with_another_page(tmp_path: Path) -> tuple[AppTest, str, str]:
    """The real router when it registers another page; else the guide page next to an empty one.

    Returns the app (on the guide page), the guide page's path and the other page's path.
    """
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APPTEST_TIMEOUT)
    app.secrets["cancel_assist"] = {"sandbox": True}
    app.run()
    for page in sorted((ROOT / "pages").glob("*.py")):
        if page.name == "guide.py" or page.name.startswith("_"):
            continue
        try:
            app.switch_page(f"pages/{page.name}")
        except ValueError:  # a page file the router does not (yet) list
            continue
        app.switch_page("pages/guide.py").run()
        return app, "pages/guide.py", f"pages/{page.name}"
    (tmp_path / "elsewhere.py").write_text("import streamlit as st\nst.write('Elsewhere')\n", encoding="utf-8")
    entry = tmp_path / "router.py"
    guide = str(ROOT / "pages" / "guide.py")
    entry.write_text(_TWO_PAGE_ROUTER.format(guide=guide), encoding="utf-8")
    app = AppTest.from_file(str(entry), default_timeout=APPTEST_TIMEOUT)
    app.secrets["cancel_assist"] = {"sandbox": True}
    app.run()
    app.switch_page(guide).run()
    return app, guide, "elsewhere.py"


def test_progress_survives_leaving_the_page(tmp_path: Path) -> None:
    at, guide, elsewhere = _app_with_another_page(tmp_path)
    assert not at.exception
    step = CANCEL.step("look-up-order")
    _checkbox(at, step.title).check().run()
    at.switch_page(elsewhere).run()
    assert not [box for box in at.checkbox if box.label == step.title], "the guide page is left"
    at.run()
    at.switch_page(guide).run()
    assert not at.exception
    assert _checkbox(at, step.title).value is True
    assert _progress(at)[1] == f"1/{TOTAL} steps done"


def test_reset_clears_every_tick(at: AppTest) -> None:
    _open_guide(at)
    for step in CANCEL.steps[:3]:
        _checkbox(at, step.title).check().run()
    assert _progress(at)[1] == f"3/{TOTAL} steps done"
    at.button(key=next(b.key for b in at.button if b.label == "Reset")).click().run()
    assert not at.exception
    assert _progress(at) == (0, f"0/{TOTAL} steps done")
    assert not [box for box in at.checkbox if box.value]


def test_the_selector_switches_guides_and_each_keeps_its_own_progress(at: AppTest) -> None:
    _open_guide(at)
    _checkbox(at, CANCEL.step("look-up-order").title).check().run()
    at.selectbox[0].select("revert-fulfillment-request").run()
    assert at.title[0].value == REVERT.title
    assert _progress(at)[1] == f"0/{len(REVERT.steps)} steps done"
    _checkbox(at, REVERT.step("revert-check-request").title).check().run()
    at.selectbox[0].select("cancel-an-order").run()
    assert at.title[0].value == CANCEL.title
    assert _checkbox(at, CANCEL.step("look-up-order").title).value is True
    assert _progress(at)[1] == f"1/{TOTAL} steps done"


def test_a_guide_link_opens_that_guide(at: AppTest) -> None:
    _open_guide(at, guide="revert-fulfillment-request")
    assert at.title[0].value == REVERT.title
    at.selectbox[0].select("cancel-an-order").run()
    assert at.title[0].value == CANCEL.title, "the link applies once; the merchant's choice wins after"


def test_an_unknown_guide_link_is_ignored(at: AppTest) -> None:
    _open_guide(at, guide="../../etc/passwd")
    assert at.title[0].value == CANCEL.title


def test_links_to_the_other_guide_keep_the_order_and_ticket(at: AppTest) -> None:
    _open_guide(at, order="1003", ticket="ZD-42")
    markdown = "\n".join(m.value for m in at.markdown)
    assert "(?guide=revert-fulfillment-request&order=1003&ticket=ZD-42)" in markdown
