"""In a real browser: a ticket's deep link opens #1003, the merchant reverts, cancels with a later refund,
and finds the action under the ticket on the activity page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.paths import FOLLOW_UP_TITLE, PATH_TITLES
from kb.walkthrough import PathId
from tests.e2e.conftest import open_fold, settled

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _shoot(page, screenshot_dir: Path, name: str) -> None:
    """Save the whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it."""
    shot = screenshot_dir / name
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 900")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 6000))})
    try:
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.set_viewport_size(size)
    assert shot.stat().st_size > 0
    if os.environ.get("CANCEL_ASSIST_UPDATE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_a_ticket_link_walks_order_1003_to_cancelled_and_the_activity_shows_the_ticket(
    page, app_url: str, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{app_url}/?order=1003&ticket=ZD-42")
    expect(page.get_by_text("Sandbox", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS])).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text("3041872215631003")
    expect(page.get_by_role("heading", name="Checklist")).to_be_visible()
    settled(page)
    _shoot(page, screenshot_dir, "walkthrough-1003.png")

    revert = page.get_by_test_id("stButton").get_by_role("button", name="Ask the fulfillment service to cancel")
    revert.dblclick()  # a double click still sends one request
    success = page.get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("cancellation request was sent")
    settled(page)

    open_fold(page, "Sandbox controls")
    accept = page.get_by_role("button", name="Simulate fulfillment service reply (accept)")
    expect(accept).to_be_visible()
    accept.click()
    cancel = page.get_by_test_id("stButton").get_by_role("button", name="Cancel on Shopify…")
    expect(cancel).to_be_visible()
    settled(page)
    cancel.click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("What will happen")
    settled(page)
    dialog.get_by_text("Refund later", exact=True).click()
    expect(dialog).to_contain_text("No refund now")
    settled(page)
    _shoot(page, screenshot_dir, "cancel-dialog-1003.png")
    dialog.get_by_role("button", name="Confirm: cancel the order").click()

    # Cancelled with refund later: the refund (and telling the customer) is still to do.
    expect(page.get_by_role("heading", name=FOLLOW_UP_TITLE)).to_be_visible()
    expect(success).to_contain_text("is cancelled on Shopify")
    expect(page.get_by_role("dialog")).to_have_count(0)
    settled(page)
    _shoot(page, screenshot_dir, "walkthrough-1003-cancelled.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    records = page.get_by_test_id("stTable")
    expect(records).to_contain_text("ZD-42")
    expect(records).to_contain_text("Cancel on Shopify")
    expect(records).to_contain_text("Revert the fulfillment request")
    expect(page.get_by_role("button", name="Export CSV")).to_be_visible()
    settled(page)
    _shoot(page, screenshot_dir, "activity-zd-42.png")


def test_opening_a_page_directly_on_a_fresh_server_still_goes_through_the_frame(page, fresh_app_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{fresh_app_url}/activity?ticket=ZD-42")
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    expect(page.get_by_text("Sandbox", exact=False).first).to_be_visible()
    settled(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_label("Ticket")).to_have_value("ZD-42")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Activity")).to_be_visible()
    expect(nav.get_by_role("link", name="ui", exact=True)).to_have_count(0)
