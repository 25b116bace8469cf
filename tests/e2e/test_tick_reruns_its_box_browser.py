"""In a real browser: ticking a step done by hand reruns that box alone, not the page or the checklist.

A tick changes no path, so nothing else on the page has anything new to say. The page records every
websocket frame (`tests.ws_frames`); the rerun a tick starts must carry the box's checkbox and no
line of the checklist, no heading and no button: each of those is work the browser redoes per click.
"""

from __future__ import annotations

import pytest

from kb.paths import PATH_TITLES
from kb.walkthrough import PathId
from tests.e2e.conftest import WAIT_MS, settled
from tests.ws_frames import RECORDER_JS, decode_in, first_rerun

pytestmark = pytest.mark.browser


def _rerun_deltas(page, start: int) -> list[str]:
    """The element kinds the server sent for the first rerun after frame `start` (once it finished)."""
    rerun = first_rerun(page.evaluate(f"window.__wsLog.slice({start})"))
    assert rerun is not None, "the tick's rerun has not finished"
    kinds: list[str] = []
    for frame in rerun[1]:
        msg = decode_in(frame["b64"])
        if msg is not None and msg.WhichOneof("type") == "delta":
            delta = msg.delta
            kinds.append(delta.new_element.WhichOneof("type") if delta.WhichOneof("type") == "new_element"
                         else delta.WhichOneof("type"))
    return kinds


def test_a_tick_reruns_only_its_own_box(page, app_url: str) -> None:
    from playwright.sync_api import expect

    page.add_init_script(RECORDER_JS)
    page.goto(f"{app_url}/?order=1003")
    expect(page.get_by_role("heading", name=PATH_TITLES[PathId.FULFILLMENT_IN_PROGRESS])).to_be_visible()
    settled(page)
    box = page.get_by_role("checkbox", name="Done by hand").first
    start = page.evaluate("window.__wsLog.length")
    box.click(force=True)
    expect(box).to_be_checked()
    page.wait_for_function(f"window.__wsLog.slice({start}).some(f => f.dir === 'in')", timeout=WAIT_MS)
    settled(page)

    kinds = _rerun_deltas(page, start)
    assert "checkbox" in kinds
    assert not {"markdown", "heading", "button"} & set(kinds), kinds
    assert len(kinds) <= 3, kinds
