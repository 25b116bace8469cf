"""In a real browser: the walkthrough holds few elements, because the browser redraws each one per click.

Streamlit's frontend redraws every element a page holds on each message of every rerun, a tick's
fragment rerun too. So the panels a merchant seldom opens hold nothing while folded (their content is
built when opened), and the checklist's lines in a row are one element, a paragraph each.
"""

from __future__ import annotations

import pytest

from kb.paths import PATH_TITLES
from kb.walkthrough import PathId
from kb.wording import walkthrough_page as words
from tests.e2e.conftest import open_fold, settled

pytestmark = pytest.mark.browser


def test_folded_panels_hold_no_element_until_opened(page, app_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{app_url}/?order=1003&ticket=ZD-42")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS])).to_be_visible()
    settled(page)
    for label in (words.LOOK_UP_ANOTHER, words.TICKET_PANEL, words.SANDBOX_CONTROLS):
        panel = page.get_by_test_id("stExpander").filter(has_text=label)
        expect(panel).to_have_count(1)
        assert panel.get_by_test_id("stElementContainer").count() == 0, f"{label!r} holds elements while folded"

    sandbox = open_fold(page, words.SANDBOX_CONTROLS)
    expect(sandbox.get_by_role("button", name=words.RESET_DEMO)).to_be_visible()
    ticket = open_fold(page, words.TICKET_PANEL)
    expect(ticket.get_by_test_id("stCode").first).to_contain_text("order=1003")


def test_the_checklist_lines_in_a_row_are_one_element(page, app_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{app_url}/?order=1003")
    expect(page.get_by_role("heading", name="Checklist")).to_be_visible()
    settled(page)
    done = page.get_by_test_id("stMarkdown").filter(has_text="✅")
    expect(done).to_have_count(1)
    assert done.locator("p").filter(has_text="✅").count() >= 4, "each line is a paragraph of that one element"


def test_the_order_looked_up_shows_first_with_the_look_up_box_folded(page, app_url: str) -> None:
    """A new order's page opens with its look-up box folded: the browser would keep an open one open."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/?order=1003")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS])).to_be_visible()
    settled(page)
    box = open_fold(page, words.LOOK_UP_ANOTHER)
    order = box.get_by_label(words.ORDER)
    expect(order).to_be_visible()
    order.fill("1006")
    box.get_by_role("button", name=words.LOOK_UP).click()
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLED])).to_be_visible()
    settled(page)
    box = page.get_by_test_id("stExpander").filter(has_text=words.LOOK_UP_ANOTHER)
    expect(box).to_have_count(1)
    assert box.get_by_test_id("stElementContainer").count() == 0, "the look-up box stays open over the new order"
