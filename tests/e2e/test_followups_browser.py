"""In a real browser: authorise "finish it for me" on #1030 (waiting for the seller), let the simulated seller
answer, run the check on the Follow-ups page, and find the order cancelled and the record on both pages."""

from __future__ import annotations

import pytest

from kb.paths import PATH_TITLES
from kb.walkthrough import PathId

pytestmark = pytest.mark.browser

TIMEOUT = 60_000  # ms, a cap (not a budget): a fresh server on a loaded 2-core machine can take a while


def test_an_authorised_follow_up_is_cancelled_by_the_check_and_recorded_on_activity_and_follow_ups(
    page, prompt_sandbox_app_url: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{prompt_sandbox_app_url}/?order=1030&ticket=ZD-17")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.CANCELLATION_PENDING])).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Follow-up: waiting", exact=False)).to_be_visible(timeout=TIMEOUT)

    page.get_by_test_id("stExpander").filter(has_text="Finish it for me").get_by_text("Finish it for me").click()
    page.get_by_label("Your name (recorded with the authorisation)").fill("Ana Ruiz")
    page.get_by_label("Your name (recorded with the authorisation)").press("Enter")
    page.get_by_role("button", name="Authorise", exact=True).click()
    expect(page.get_by_text("Authorised by Ana Ruiz", exact=False)).to_be_visible(timeout=TIMEOUT)

    # The simulated seller answers one reply delay (0 here) after the order was first read: by now it has.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", name="Follow-ups")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stTable")).to_contain_text("1030", timeout=TIMEOUT)
    page.get_by_role("button", name="Check due orders now").click()
    report = page.get_by_test_id("stAlertContentInfo").filter(has_text="Order #1030 is cancelled on Shopify")
    expect(report).to_be_visible(timeout=TIMEOUT)
    expect(report).to_contain_text("Authorised by Ana Ruiz, done by check run", timeout=TIMEOUT)
    expect(page.get_by_text("Reply to the customer of #1030", exact=False)).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("Show finished follow-ups").click()
    row = page.get_by_test_id("stTable").locator("tr").filter(has_text="1030")
    expect(row).to_contain_text("done", timeout=TIMEOUT)
    expect(row).to_contain_text("used (Ana Ruiz", timeout=TIMEOUT)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible(timeout=TIMEOUT)
    cancel = page.get_by_test_id("stTable").locator("tr").filter(has_text="cancel order")
    expect(cancel).to_contain_text("ZD-17", timeout=TIMEOUT)
    expect(cancel).to_contain_text("agent: Ana Ruiz", timeout=TIMEOUT)
    expect(cancel).to_contain_text("check_run: check-", timeout=TIMEOUT)
    expect(page.get_by_test_id("stTable")).to_contain_text("authorise cancel", timeout=TIMEOUT)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Walkthrough").click()
    page.get_by_role("button", name="Refresh").click()
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.ALREADY_CANCELLED])).to_be_visible(timeout=TIMEOUT)
