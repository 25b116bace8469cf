"""A live shop configured like a merchant's, over real HTTP: the sandbox answers behind a local server.

Every other test reaches the clients through an in-process transport. Here nothing is injected: the
settings come from the environment (`*_API_BASE_URL` pointing at 127.0.0.1), `build_assistant` builds
its own live httpx client, and each request crosses a real socket to a stdlib HTTP server that hands
it to the sandbox as if it had reached Shopify, AliExpress or CJ, and writes the sandbox's answer back.
So the live path's URLs, headers, bodies, redirects and connection handling are exercised for real.
The local servers are `tests.app_server.Forwarder`, shared with the browser tests of a live shop.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.assistant import ActionRequest, Assistant, build_assistant
from actions.sandbox import DEMO_PATHS, SANDBOX_SHOP, Sandbox
from actions.settings import AppSettings, load_settings
from kb.state import CancelOptions, RefundTiming
from kb.walkthrough import ActionId, PathId
from tests.app_server import LOOPBACK, Forwarder, clean_env
from tests.app_server import merchant_env as shop_env


@pytest.fixture()
def world() -> Sandbox:
    return Sandbox(service_reply_delay=0, seller_reply_delay=0, job_delay=0)


@pytest.fixture()
def forwarder(world: Sandbox) -> Iterator[Forwarder]:
    forwarder = Forwarder(world)
    forwarder.start()
    try:
        yield forwarder
    finally:
        forwarder.stop()


@pytest.fixture()
def merchant_env(forwarder: Forwarder, world: Sandbox, tmp_path: Path) -> dict[str, str]:
    """The environment a merchant sets for a live shop, with every base URL on this machine."""
    return shop_env(forwarder, world, tmp_path / "data")


@pytest.fixture()
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every TCP connection this process opens (httpcore connects through socket.create_connection)."""
    opened: list[tuple[str, int]] = []
    real = socket.create_connection

    def recording(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        opened.append((str(address[0]), int(address[1])))
        return real(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", recording)
    return opened


@pytest.fixture()
def live(merchant_env: dict[str, str], connections: list[tuple[str, int]]) -> Assistant:
    settings = load_settings({}, merchant_env)
    assert settings.mode == "live"
    return build_assistant(settings)


def _reference(tmp_path: Path) -> Assistant:
    """The same demo world read through the in-process transport: what the live wire must agree with."""
    return build_assistant(AppSettings(data_dir=tmp_path / "reference"),
                           sandbox=Sandbox(service_reply_delay=0, seller_reply_delay=0, job_delay=0))


def test_a_live_shop_is_read_over_http_to_the_same_paths_as_the_sandbox(
    live: Assistant, forwarder: Forwarder, world: Sandbox, connections: list[tuple[str, int]], tmp_path: Path
) -> None:
    assert live.mode == "live" and live.sandbox is None
    reference = _reference(tmp_path)
    for order in ("#1001", "#1009", "#1010"):
        lookup = live.look_up(order)
        expected = reference.look_up(order)
        assert lookup.state.shopify.name == order
        assert all(s.read_error is None for s in lookup.state.suppliers), order
        assert lookup.walkthrough.path is expected.walkthrough.path, order
        assert lookup.walkthrough.steps == expected.walkthrough.steps, order
        if order in DEMO_PATHS:
            assert lookup.walkthrough.path.value == DEMO_PATHS[order]
    assert {s.supplier for s in live.look_up("#1010").state.suppliers} == {"aliexpress", "cjdropshipping"}
    assert connections and {host for host, _ in connections} == {LOOPBACK}
    assert {port for _, port in connections} <= forwarder.ports
    assert forwarder.failures == []
    assert forwarder.forwarded == len(world.requests) > 0


def test_the_cj_order_is_cancelled_over_http_in_the_guide_s_order_and_recorded(
    live: Assistant, forwarder: Forwarder, world: Sandbox, merchant_env: dict[str, str],
    connections: list[tuple[str, int]],
) -> None:
    lookup = live.look_up("#1009")
    assert lookup.walkthrough.path is PathId.FULFILLMENT_IN_PROGRESS
    taken: list[ActionId] = []
    for _ in range(6):
        step = lookup.walkthrough.next_step
        if lookup.walkthrough.path is PathId.ALREADY_CANCELLED or step is None or step.action is None:
            break
        options = CancelOptions(refund=RefundTiming.LATER) if step.action is ActionId.CANCEL_ORDER else None
        result = live.run(ActionRequest(action=step.action, order="#1009", ticket="ZD-77", target=step.target,
                                        options=options))
        assert result.ok, result.message
        assert result.lookup is not None
        taken.append(step.action)
        lookup = result.lookup

    assert taken == [ActionId.CANCEL_SUPPLIER, ActionId.REVERT_FULFILLMENT, ActionId.CANCEL_ORDER]
    assert lookup.walkthrough.path is PathId.ALREADY_CANCELLED and lookup.state.shopify.is_cancelled
    writes = [(r.system, r.operation) for r in world.requests if r.is_write]
    assert [system for system, _ in writes] == ["cj", "shopify", "shopify"], writes

    records = live.activity.list(order="#1009")
    assert [(r.action, r.outcome) for r in records][::-1] == [(a.value, "ok") for a in taken]
    assert all(r.ticket == "ZD-77" for r in records)
    assert next(r for r in records if r.action == "cancel_order").options["refund"] == "later"
    assert live.activity.path == Path(merchant_env["CANCEL_ASSIST_DATA_DIR"]) / "cancel-assist.sqlite3"
    raw = b"".join(p.read_bytes() for p in live.activity.path.parent.glob(f"{live.activity.path.name}*"))
    assert b"ZD-77" in raw and all(s.encode() not in raw for s in live.settings.secrets())

    assert {host for host, _ in connections} == {LOOPBACK}
    assert forwarder.failures == []
    assert forwarder.forwarded == len(world.requests)


def test_the_connection_check_reports_the_shop_behind_the_base_url(
    live: Assistant, forwarder: Forwarder, world: Sandbox, connections: list[tuple[str, int]]
) -> None:
    info = live.connection()
    assert info.mode == "live" and info.ok, info.message
    assert info.shop == SANDBOX_SHOP and info.missing_scopes == ()
    assert "write_orders" in info.granted_scopes
    assert info.suppliers == {"aliexpress": True, "cjdropshipping": True}
    assert {host for host, _ in connections} == {LOOPBACK}
    assert forwarder.forwarded == len(world.requests) > 0


def test_the_cli_as_a_process_reads_the_live_shop_through_its_environment(
    merchant_env: dict[str, str], forwarder: Forwarder, world: Sandbox, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()  # no .streamlit/secrets.toml here: the environment is the whole configuration
    done = subprocess.run(
        [sys.executable, "-m", "actions.cli", "status", "1001", "--json"],
        env=clean_env(merchant_env), cwd=work,
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["mode"] == "live"
    assert status["order"] == "#1001" and status["path"] == DEMO_PATHS["#1001"]
    assert [s["read_error"] for s in status["suppliers"]] == [None]
    assert {r.system for r in world.requests} == {"shopify", "aliexpress"}
    assert forwarder.failures == []
    assert forwarder.forwarded == len(world.requests) > 0
    assert not (Path(merchant_env["CANCEL_ASSIST_DATA_DIR"]) / "sandbox.json").exists()


def test_tokens_pasted_with_a_trailing_line_break_still_open_the_shop_and_both_suppliers(
    merchant_env: dict[str, str], forwarder: Forwarder, world: Sandbox
) -> None:
    # A token read from a file (or copied with its line) ends in "\n": httpx refused it as a header value,
    # and the merchant was told "The connection to Shopify failed (LocalProtocolError)".
    pasted = {var: merchant_env[var] + "\n" for var in ("SHOPIFY_ACCESS_TOKEN", "ALIEXPRESS_APP_SECRET",
                                                       "ALIEXPRESS_ACCESS_TOKEN", "CJ_API_KEY")}
    live = build_assistant(load_settings({}, {**merchant_env, **pasted}))
    assert live.connection().ok
    lookup = live.look_up("#1010")
    assert [s.read_error for s in lookup.state.suppliers] == [None, None]
    assert {s.supplier for s in lookup.state.suppliers} == {"aliexpress", "cjdropshipping"}
    assert forwarder.failures == []


def test_the_connection_check_asks_each_supplier_whether_it_accepts_the_credentials(
    merchant_env: dict[str, str], forwarder: Forwarder, world: Sandbox
) -> None:
    # A session that expired, or a CJ key that was regenerated, showed "configured" on the Connection page;
    # the merchant found out at the first order, in a warning under its steps.
    accepted = build_assistant(load_settings({}, merchant_env)).connection()
    assert accepted.ok and accepted.supplier_problems == {}
    wrong = {"ALIEXPRESS_ACCESS_TOKEN": "expired-session-4821", "CJ_API_KEY": "CJ99@api@regenerated-key-7310"}
    refused = build_assistant(load_settings({}, {**merchant_env, **wrong})).connection()
    assert refused.ok, refused.message  # Shopify itself is fine
    assert refused.suppliers == {"aliexpress": True, "cjdropshipping": True}
    assert refused.supplier_problems["aliexpress"].startswith("AliExpress refused our credentials")
    assert refused.supplier_problems["cjdropshipping"].startswith("CJ Dropshipping refused the CJ API key")
    shown = " ".join(refused.supplier_problems.values())
    assert "4821" not in shown and "7310" not in shown
    assert forwarder.failures == []


def test_a_token_without_a_required_scope_is_told_which_and_what_to_do(
    live: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import actions.sandbox.shopify as simulated

    granted = tuple(s for s in simulated.SANDBOX_ACCESS_SCOPES if s != "write_orders")
    monkeypatch.setattr(simulated, "SANDBOX_ACCESS_SCOPES", granted)
    info = live.connection()
    assert not info.ok and info.missing_scopes == ("write_orders",)
    assert "lacks the scopes: write_orders" in info.message
    assert "grant them to the app in the Shopify admin" in info.message and "Check again" in info.message


def test_an_api_version_shopify_no_longer_serves_is_named_with_the_one_that_answered_and_the_fix(
    merchant_env: dict[str, str], forwarder: Forwarder
) -> None:
    # Shopify answers a retired version with its oldest supported one, silently: the page said "API 2025-07"
    # and "Connected", while every read ran on another version's schema.
    live = build_assistant(load_settings({}, {**merchant_env, "SHOPIFY_API_VERSION": "2025-07"}))
    info = live.connection()
    assert not info.ok and info.api_version == "2026-04"
    assert "no longer serves API version 2025-07: it answered with 2026-04" in info.message
    assert "Set api_version to 2026-04" in info.message
    assert live.look_up("#1001").state.shopify.name == "#1001"  # reads still work; the page says what to fix
    assert build_assistant(load_settings({}, merchant_env)).connection().ok
    assert forwarder.failures == []
