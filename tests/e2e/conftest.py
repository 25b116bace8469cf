"""Real-browser harness: the app served by `streamlit run` on a free port, driven by Debian's Chromium.

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
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
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
SERVER_START_TIMEOUT = 180.0  # seconds until the server answers its health check (only a failure waits this long)
WAIT_MS = 180_000  # the limit of every browser wait: a clock for failures, never a pace for passing tests
# Settings that could point the served app at a real shop or supplier, or change the sandbox.
_LIVE_ENV_PREFIXES = ("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_")

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sandbox_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any shop or supplier credentials: the app runs on the sandbox."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(_LIVE_ENV_PREFIXES)}
    env["CANCEL_ASSIST_DATA_DIR"] = str(data_dir)
    env["CANCEL_ASSIST_SANDBOX"] = "1"  # even if a .streamlit/secrets.toml names a live shop
    env.update(extra or {})
    return env


def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(timeout=10)
            tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise RuntimeError(f"streamlit did not become healthy at {base}; its log ends with:\n{tail}")
        time.sleep(0.2)


@contextlib.contextmanager
def _serve(work: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `streamlit run streamlit_app.py` headless on a free port until the block ends."""
    log = work / "server.log"
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=_sandbox_env(work / "data", extra_env), stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, log)
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


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


def as_shown(text: str) -> re.Pattern[str]:
    """`text` as the page shows an echoed string: `plain()` puts an invisible word joiner (U+2060) before
    each `.`, `:` and `@` so no autolink forms. The pattern matches exactly `text` with those joiners."""
    return re.compile("".join(f"\u2060?{re.escape(c)}" if c in ".:@" else re.escape(c) for c in text))
