"""Sign-in through a real OpenID Connect provider on loopback, in a real browser, on a live shop.

The app is served by `streamlit run` with a live shop (its API base URLs point at a local server that
hands each request to the sandbox) and an `[auth]` section naming an OIDC provider on 127.0.0.1
(`oidc-provider-mock`, where the user types who they are). A visitor who is not signed in sees only
the sign-in page; an allowed agent signs in from a ticket's link, comes back to that order and ticket
(`actions.sign_in_link`), cancels it and finds their e-mail on the Activity record; an agent who is
not on the allow-list is refused and sees no order.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app_server import Forwarder, clean_env, free_port, merchant_env, serve

TIMEOUT = 30_000
ALLOWED = "ana@example.com"


@contextlib.contextmanager
def _live_app_with_sign_in(work: Path, provider_port: int) -> Iterator[str]:
    from actions.sandbox import Sandbox

    world = Sandbox(service_reply_delay=0, seller_reply_delay=0, job_delay=0)
    forwarder = Forwarder(world)
    forwarder.start()
    port = free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-for-the-browser-test"\n'
        'client_id = "cancel-assist"\n'
        'client_secret = "client-secret-for-the-browser-test"\n'
        f'server_metadata_url = "http://127.0.0.1:{provider_port}/.well-known/openid-configuration"\n'
        "\n[cancel_assist]\n"
        f'allowed_users = ["{ALLOWED}", "@team.example"]\n',
        encoding="utf-8",
    )
    env = clean_env(merchant_env(forwarder, world, work / "data"))
    try:
        with serve(work, env, port=port, flags=["--secrets.files", str(secrets)]) as served:
            yield served.base
    finally:
        forwarder.stop()


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as provider:
        port = provider.server_port
        with _live_app_with_sign_in(tmp_path_factory.mktemp("sign-in"), port) as base:
            yield base


def _sign_in(page, base: str, who: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/?order=1011&ticket=ZD-77")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub]").fill(who)  # the provider's own page: who the user says they are
    page.get_by_role("button", name="Authorize").click()


def test_a_signed_out_visitor_sees_only_the_sign_in_page(page, signed_in_app: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{signed_in_app}/activity?order=1011")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Live shop")).to_have_count(0)
    expect(page.get_by_text("#1011")).to_have_count(0)
    expect(page.get_by_role("link", name="Activity")).to_have_count(0)


def _as_shown(text: str) -> re.Pattern[str]:
    """`text` as the page shows it: plain text keeps a word joiner before '.', ':' and '@' (never an autolink)."""
    return re.compile("".join(("\u2060?" + re.escape(c)) if c in ".:@" else re.escape(c) for c in text))


def test_an_allowed_agent_signs_in_cancels_and_finds_their_e_mail_on_the_record(
    page, signed_in_app: str, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    _sign_in(page, signed_in_app, ALLOWED)  # from the ticket's link, /?order=1011&ticket=ZD-77
    expect(page.get_by_text(_as_shown(f"Signed in as {ALLOWED}"))).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"/\?order=1011&ticket=ZD-77$"))  # the link came back through the sign-in
    expect(page.get_by_test_id("stSidebar").get_by_text("Ticket ZD-77")).to_be_visible(timeout=TIMEOUT)
    # #1011 names no supplier order: the Shopify cancel is offered once "none was placed" is confirmed
    sure = page.get_by_test_id("stCheckbox").filter(has_text="no supplier order was placed for this order")
    sure.click()  # on the label: the <input> itself is hidden
    expect(sure.get_by_role("checkbox")).to_be_checked(timeout=TIMEOUT)
    page.get_by_role("button", name="No supplier order was placed").click()
    page.get_by_role("button", name="Cancel on Shopify…").click()
    page.get_by_role("button", name="Confirm: cancel the order").click()
    expect(page.get_by_text("cancelled on Shopify").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Activity").click()
    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text("Cancel on Shopify", timeout=TIMEOUT)
    expect(table).to_contain_text(_as_shown(ALLOWED), timeout=TIMEOUT)
    expect(table).to_contain_text("ZD-77", timeout=TIMEOUT)
    page.screenshot(path=str(screenshot_dir / "signed-in-activity.png"), full_page=True)


def test_an_agent_not_on_the_allow_list_is_refused_and_sees_no_order(page, signed_in_app: str) -> None:
    from playwright.sync_api import expect

    _sign_in(page, signed_in_app, "mallory@evil.example")
    expect(page.get_by_text(_as_shown("mallory@evil.example is not allowed"))).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Live shop")).to_have_count(0)
    expect(page.get_by_role("button", name="Cancel on Shopify…")).to_have_count(0)
    page.goto(f"{signed_in_app}/activity")
    expect(page.get_by_text("is not allowed")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("stTable")).to_have_count(0)
