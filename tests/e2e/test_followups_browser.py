"""In a real browser: authorise "finish it for me" on #1030 (waiting for the seller), let the simulated seller
answer, run the check on the Follow-ups page, and find the order cancelled and the record on both pages.

Every wait follows the page (the expected text, and `settled` before each interaction); the context's
default limit applies, reached only on failure.
"""

from __future__ import annotations

import pytest

from kb.paths import PATH_TITLES
from kb.walkthrough import PathId
from tests.e2e.conftest import as_shown, open_fold, settled

pytestmark = pytest.mark.browser


def test_an_authorised_follow_up_is_cancelled_by_the_check_and_recorded_on_activity_and_follow_ups(
    page, prompt_sandbox_app_url: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{prompt_sandbox_app_url}/?order=1030&ticket=ZD-17")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.CANCELLATION_PENDING])).to_be_visible()
    expect(page.get_by_text("Follow-up: waiting", exact=False)).to_be_visible()
    settled(page)

    open_fold(page, "Finish it for me")
    name = page.get_by_label("Your name (recorded with the authorisation)")
    expect(name).to_be_visible()
    name.fill("Ana Ruiz")
    name.press("Enter")
    settled(page)
    page.get_by_role("button", name="Authorise", exact=True).click()
    expect(page.get_by_text("Authorised by Ana Ruiz", exact=False)).to_be_visible()
    settled(page)

    # The simulated seller answers one reply delay (0 here) after the order was first read: by now it has.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", name="Follow-ups")).to_be_visible()
    expect(page.get_by_test_id("stTable")).to_contain_text("1030")
    settled(page)
    page.get_by_role("button", name="Check due orders now").click()
    report = page.get_by_test_id("stAlertContentInfo").filter(has_text="Order #1030 is cancelled on Shopify")
    expect(report).to_contain_text("Authorised by Ana Ruiz, done by check run")
    expect(page.get_by_text("Reply to the customer of #1030", exact=False)).to_be_visible()
    settled(page)
    page.get_by_text("Show finished follow-ups").click()
    row = page.get_by_test_id("stTable").locator("tr").filter(has_text="1030")
    expect(row).to_contain_text("done")
    expect(row).to_contain_text(as_shown("used (Ana Ruiz"))
    settled(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    cancel = page.get_by_test_id("stTable").locator("tr").filter(has_text="Cancel on Shopify")
    expect(cancel).to_contain_text("ZD-17")
    expect(cancel).to_contain_text(as_shown("authorised by: Ana Ruiz"))
    expect(cancel).to_contain_text(as_shown("check run: check-"))
    expect(page.get_by_test_id("stTable")).to_contain_text("Authorise the cancel")
    settled(page)
