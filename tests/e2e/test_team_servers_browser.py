"""Two app servers and two CLIs on one PostgreSQL database: one write however many press at once, no record lost.

Two real `streamlit run` servers (a live shop whose Shopify, AliExpress and CJ are one sandbox world
behind local HTTP servers) and two CLI processes share only the database named by
CANCEL_ASSIST_DATABASE_URL and the remote. An agent on each server and each CLI cancel #1011 at
the same moment: one `orderCancel` reaches Shopify, the other three are told "already", and the
record holds all four attempts, each naming its agent (on a server without sign-in, the OS user it
runs as). A server killed while its `orderCancel` is on the wire loses nothing: its record is there,
closed by the next look-up from the other server, and nothing is sent twice.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from actions.activity import ActivityStore
from actions.sandbox import Sandbox
from tests.app_server import Forwarder, Served, clean_env, merchant_env, serve
from tests.e2e.conftest import WAIT_MS, settled

pytestmark = pytest.mark.postgres

_ORDER = "1011"  # names no supplier order: once "none was placed" is recorded, the Shopify cancel is next
_OUTCOME = re.compile(r"cancelled on Shopify|already", re.IGNORECASE)


@pytest.fixture()
def world() -> Iterator[tuple[Sandbox, Forwarder]]:
    sandbox = Sandbox(service_reply_delay=0, seller_reply_delay=0, job_delay=0)
    forwarder = Forwarder(sandbox)
    forwarder.start()
    try:
        yield sandbox, forwarder
    finally:
        forwarder.stop()


@pytest.fixture()
def shop_env(world: tuple[Sandbox, Forwarder], pg_url: str, tmp_path: Path) -> dict[str, str]:
    """A live shop's settings on one shared database, as every server and CLI of the team has them."""
    sandbox, forwarder = world
    (tmp_path / "secrets.toml").write_text("", encoding="utf-8")  # never the developer's own secrets
    return {**merchant_env(forwarder, sandbox, tmp_path / "data"), "CANCEL_ASSIST_DATABASE_URL": pg_url}


def _cli(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "actions.cli", *args], cwd=tmp_path, env=clean_env(env),
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run_cli(tmp_path: Path, env: dict[str, str], *args: str) -> str:
    proc = _cli(tmp_path, env, *args)
    out, err = proc.communicate(timeout=WAIT_MS / 1000)
    assert proc.returncode == 0, (out, err)
    return out


@contextmanager
def _servers(tmp_path: Path, env: dict[str, str], agents: tuple[str, ...]) -> Iterator[list[Served]]:
    """One `streamlit run` per agent, each running as that OS user (LOGNAME), all on the same settings."""
    flags = ["--secrets.files", str(tmp_path / "secrets.toml")]
    with ExitStack() as stack:
        yield [stack.enter_context(serve(tmp_path / agent, clean_env({**env, "LOGNAME": agent, "USER": agent}),
                                         flags=flags)) for agent in agents]


def _open_confirmation(browser, base: str, ticket: str):  # type: ignore[no-untyped-def]
    """A page on the order with the cancel confirmation open: one click from sending."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{base}/?order={_ORDER}&ticket={ticket}")
    settled(page)
    page.get_by_role("button", name="Cancel on Shopify…").click()
    expect(page.get_by_role("button", name="Confirm: cancel the order")).to_be_visible()
    settled(page)
    return page


def _outcome(page) -> str:  # type: ignore[no-untyped-def]
    """What the page says came of the press (the success, or the "already" notice)."""
    from playwright.sync_api import expect

    said = page.locator('[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentInfo"],'
                        ' [data-testid="stAlertContentError"]').filter(has_text=_OUTCOME)
    expect(said.first).to_be_visible()
    return said.first.inner_text()


def _order_cancels(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.system == "shopify" and r.operation == "OrderCancel")


def _records(pg_url: str) -> list:
    store = ActivityStore(pg_url)
    try:
        return [r for r in store.list(order=f"#{_ORDER}") if r.action == "cancel_order"]
    finally:
        store.close()


def test_two_app_servers_and_two_clis_on_one_database_send_one_order_cancel(
    browser, world: tuple[Sandbox, Forwarder], shop_env: dict[str, str], pg_url: str, tmp_path: Path,
) -> None:
    sandbox, forwarder = world
    _run_cli(tmp_path, shop_env, "supplier", _ORDER, "--none", "--ticket", "ZD-16")
    with _servers(tmp_path, shop_env, ("desk1", "desk2")) as servers:
        pages = [_open_confirmation(browser, s.base, f"ZD-S{i}") for i, s in enumerate(servers, 1)]
        cancel = ("cancel", _ORDER, "--reason", "customer", "--refund", "now", "--yes")
        clis = [_cli(tmp_path, shop_env, *cancel, "--ticket", f"ZD-C{i}", "--agent", f"cli{i}@example.com")
                for i in (1, 2)]
        for page in pages:  # both agents press while the two CLIs start
            page.get_by_role("button", name="Confirm: cancel the order").click()
        said = [_outcome(page) for page in pages]
        cli_out = [p.communicate(timeout=WAIT_MS / 1000) for p in clis]
        for page in pages:
            page.context.close()

    assert all("Traceback" not in err for _, err in cli_out), cli_out
    told = said + [out + err for out, err in cli_out]
    sent = [text for text in said if "already" not in text.lower()]
    sent += [out for p, (out, _) in zip(clis, cli_out) if p.returncode == 0]
    assert len(sent) == 1, told
    assert sum("already" in text.lower() for text in told) == 3, told
    assert _order_cancels(sandbox) == 1
    assert forwarder.failures == []

    records = _records(pg_url)
    assert sorted(r.outcome for r in records) == ["already_done"] * 3 + ["ok"], [(r.outcome, r.message) for r in records]
    assert sorted(r.agent for r in records) == ["cli1@example.com", "cli2@example.com", "desk1", "desk2"]
    assert {r.ticket for r in records} == {"ZD-S1", "ZD-S2", "ZD-C1", "ZD-C2"}
    assert not list((tmp_path / "data").glob("*.sqlite3"))  # the record went to the database, not a file


def test_a_server_killed_while_its_order_cancel_is_on_the_wire_loses_no_record(
    browser, world: tuple[Sandbox, Forwarder], shop_env: dict[str, str], pg_url: str, tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    sandbox, forwarder = world
    _run_cli(tmp_path, shop_env, "supplier", _ORDER, "--none", "--ticket", "ZD-16")
    with _servers(tmp_path, shop_env, ("desk1", "desk2")) as (first, second):
        page = _open_confirmation(browser, first.base, "ZD-K1")
        forwarder.hold("mutation OrderCancel(")
        page.get_by_role("button", name="Confirm: cancel the order").click()
        assert forwarder.arrived.wait(timeout=WAIT_MS / 1000), "the orderCancel never left the first server"
        first.proc.kill()  # SIGKILL while the write is at Shopify's door
        first.proc.wait(timeout=60)
        page.context.close()
        [started] = _records(pg_url)
        assert (started.outcome, started.agent, started.ticket) == ("started", "desk1", "ZD-K1")
        forwarder.release()  # Shopify carries the write out all the same
        deadline = time.monotonic() + WAIT_MS / 1000
        while _order_cancels(sandbox) < 1:  # the remote's own record of the write: waited on, not timed
            assert time.monotonic() < deadline, "the held orderCancel never reached the remote"
            time.sleep(0.05)

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        other = context.new_page()
        other.goto(f"{second.base}/?order={_ORDER}&ticket=ZD-K2")  # the other server reads the order again
        settled(other)
        expect(other.get_by_role("button", name="Cancel on Shopify…")).to_have_count(0)
        context.close()

    status = json.loads(_run_cli(tmp_path, shop_env, "status", _ORDER, "--json"))
    [closed] = [h for h in status["history"] if h["action"] == "cancel_order"]
    assert (closed["outcome"], closed["agent"], closed["ticket"]) == ("ok", "desk1", "ZD-K1"), closed
    assert _order_cancels(sandbox) == 1
