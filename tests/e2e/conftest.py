"""Real-browser harness: the app served by `streamlit run` on a free port (`tests.app_server`), driven by Debian's Chromium.

Playwright never downloads a browser here (no `playwright install`): it drives /usr/bin/chromium.
Without that binary the browser tests are skipped with a visible reason, except under CI
(`CI=true`), where a missing browser is a failure: CI must never pass by skipping.

Tests wait on what the page shows (`expect(...)`, `settled`), never on sleeps. Every wait has the
same generous limit, `WAIT_MS`: it is reached only when the page never shows what was expected, and a
busy machine (two cores shared with other jobs) can take tens of seconds to rerun a script.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.app_server import sandbox_env, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 180_000  # the limit of every browser wait: a clock for failures, never a pace for passing tests

_E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if _E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing_browser(reason: str) -> None:
    """Skip with a visible reason; under CI, fail instead (never skip there)."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true and {reason}: browser tests must run in CI", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def _serve(work: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `streamlit run streamlit_app.py` headless on a free port until the block ends."""
    with serve(work, sandbox_env(work / "data", extra_env)) as served:
        yield served.base


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served once for the session (sandbox mode, throw-away data dir)."""
    with _serve(tmp_path_factory.mktemp("streamlit")) as base:
        yield base


@pytest.fixture
def fresh_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in a server of its own, for what only a freshly started process shows."""
    with _serve(tmp_path_factory.mktemp("streamlit-fresh")) as base:
        yield base


@pytest.fixture
def prompt_sandbox_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in a server whose simulated sellers and fulfillment services answer at once (reply delay 0)."""
    with _serve(tmp_path_factory.mktemp("streamlit-prompt"), {"CANCEL_ASSIST_SANDBOX_REPLY_DELAY": "0"}) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright; `expect` waits up to WAIT_MS."""
    if not CHROMIUM.exists():
        _missing_browser(f"{CHROMIUM} is missing (install Debian's chromium: `make chromium`)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing_browser("the playwright package is not installed (pip install -e '.[test]')")
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own Streamlit session) and page per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save screenshots (under pytest's tmp dir)."""
    return tmp_path_factory.mktemp("screenshots")


# Streamlit marks its root element with the session's state: connected to the server, and the script
# not running (the "Running..." indicator gone). Interactions start from there, so a click never lands
# on a page that is still being rebuilt by the previous one.
_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def settled(page: Page) -> None:
    """Wait until the app is connected and its script has finished running (no fixed sleep)."""
    page.locator(_IDLE).wait_for(state="attached", timeout=WAIT_MS)


def open_fold(page: Page, label: str) -> Locator:
    """Open the expander labelled `label` (unless it is open) and wait until it has finished opening.

    The fold grows in an animation of about 300 ms. A press on a link or button inside it while it
    grows makes the browser scroll the growing fold to the pressed element, so the release lands
    on another element and the click does nothing (seen: a guide link that opened no tab). Waits
    for the page to settle first: a run still under way redraws a fold closed after a click.
    """
    settled(page)
    fold = page.get_by_test_id("stExpander").filter(has_text=label)
    details = fold.locator("details").first
    if not details.evaluate("details => details.open"):
        fold.locator("summary").first.click()
    page.wait_for_function("details => details.open && details.getAnimations({subtree: true}).length === 0",
                           arg=details.element_handle(), timeout=WAIT_MS)
    return fold


def as_shown(text: str) -> re.Pattern[str]:
    """`text` as the page shows an echoed string: `plain()` puts an invisible word joiner (U+2060) before
    each `.`, `:` and `@` so no autolink forms. The pattern matches exactly `text` with those joiners."""
    return re.compile("".join(f"\u2060?{re.escape(c)}" if c in ".:@" else re.escape(c) for c in text))
