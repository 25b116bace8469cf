"""In a real browser: the guide page renders, and ticking a step moves the progress bar."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.guide import load_guide
from tests.e2e.conftest import settled

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_ticking_a_step_on_the_guide_page_moves_the_progress_bar(page, app_url: str, screenshot_dir: Path) -> None:
    from playwright.sync_api import expect

    guide = load_guide("cancel-an-order")
    total = len(guide.steps)
    step = guide.step("supplier-check-status")

    page.goto(f"{app_url}/guide")
    heading = page.get_by_role("heading", name=guide.title)
    expect(heading).to_be_visible()
    progress = page.get_by_test_id("stProgress")
    expect(progress).to_contain_text(f"0/{total} steps done")
    settled(page)

    checkbox = page.get_by_test_id("stCheckbox").filter(has_text=step.title)
    checkbox.click()  # on the label: the <input> itself is hidden
    expect(progress).to_contain_text(f"1/{total} steps done")
    expect(checkbox.get_by_role("checkbox")).to_be_checked()
    settled(page)

    heading.scroll_into_view_if_needed()  # the picture shows the title and the moved progress bar
    shot = screenshot_dir / "guide.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    if os.environ.get("CANCEL_ASSIST_UPDATE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots" / "guide.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_a_deep_link_on_a_fresh_server_goes_through_the_router(page, fresh_app_url: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{fresh_app_url}/guide")
    expect(page.get_by_role("heading", name=load_guide("cancel-an-order").title)).to_be_visible()
    settled(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Guide", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="ui", exact=True)).to_have_count(0)
