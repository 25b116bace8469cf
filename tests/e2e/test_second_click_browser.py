"""In a real browser: a second click while a write is out neither loses the write's answer nor sends it twice.

Streamlit turns every click into a rerun request. With `runner.fastReruns` it stops the running
script and starts the next run at once, on another thread, while the first is still waiting for
the shop: the first run's answer then has no page left to land on (the button stayed disabled, the
path unchanged, no result). The project's config queues the click instead; this test holds the
write open long enough that the second click always arrives while it is out.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kb.paths import PATH_TITLES
from kb.walkthrough import PathId
from tests.e2e.conftest import _serve, settled

pytestmark = pytest.mark.browser

SLOW_WRITE_MS = 4000


@pytest.fixture
def slow_write_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a sandbox whose Shopify writes take SLOW_WRITE_MS to answer."""
    env = {"CANCEL_ASSIST_SANDBOX_FAULTS": f"shopify.write:slow={SLOW_WRITE_MS}"}
    with _serve(tmp_path_factory.mktemp("streamlit-slow-write"), env) as base:
        yield base


def test_a_second_click_during_a_slow_revert_still_shows_the_request_sent_and_the_next_path(
    page, slow_write_app_url: str
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{slow_write_app_url}/?order=1003&ticket=ZD-42")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS])).to_be_visible()
    settled(page)
    revert = page.get_by_test_id("stButton").get_by_role("button", name="Ask the fulfillment service to cancel")
    revert.click()
    revert.click(force=True)  # the impatient second click, while the write is still out

    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("cancellation request was sent")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS])).to_have_count(0)
    settled(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
