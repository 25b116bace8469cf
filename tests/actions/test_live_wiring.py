"""A live shop configured like a merchant's, over real HTTP: the sandbox answers behind a local server.

Every other test reaches the clients through an in-process transport. Here nothing is injected: the
settings come from the environment (`*_API_BASE_URL` pointing at 127.0.0.1), `build_assistant` builds
its own live httpx client, and each request crosses a real socket to a stdlib HTTP server that hands
it to the sandbox as if it had reached Shopify, AliExpress or CJ, and writes the sandbox's answer back.
So the live path's URLs, headers, bodies, redirects and connection handling are exercised for real.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from actions.assistant import ActionRequest, Assistant, build_assistant
from actions.sandbox import DEMO_PATHS, HOSTS, SANDBOX_SHOP, SANDBOX_TOKEN, Sandbox
from actions.settings import AppSettings, load_settings
from kb.state import CancelOptions, RefundTiming
from kb.walkthrough import ActionId, PathId

_ROOT = Path(__file__).resolve().parents[2]
_LOOPBACK = "127.0.0.1"
# Hop-by-hop headers and those the forwarder recomputes; everything else crosses unchanged.
_DROP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                   "host", "content-length", "content-encoding"})
_SETTINGS_ENV = ("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "http_proxy", "https_proxy", "all_proxy")


class _Forwarder:
    """One local HTTP server per remote system; each request is re-addressed to that system's host."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._lock = threading.Lock()
        self.forwarded = 0
        self.failures: list[str] = []
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        for host, system in HOSTS.items():
            server = ThreadingHTTPServer((_LOOPBACK, 0), self._handler(host))
            server.daemon_threads = True
            self.servers[system] = server

    def base(self, system: str) -> str:
        return f"http://{_LOOPBACK}:{self.servers[system].server_address[1]}"

    @property
    def ports(self) -> set[int]:
        return {s.server_address[1] for s in self.servers.values()}

    def start(self) -> None:
        for server in self.servers.values():
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _forward(self, host: str, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> httpx.Response:
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP] + [("Host", host)]
        request = httpx.Request(method, f"https://{host}{path}", headers=kept, content=body)
        with self._lock:
            self.forwarded += 1
        response = self._sandbox.transport.handle_request(request)
        response.read()
        return response

    def _handler(self, host: str) -> type[BaseHTTPRequestHandler]:
        forwarder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as httpx uses it against a real API
            timeout = 10  # an idle or stuck connection never holds a thread past the test

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Transfer-Encoding"):
                    forwarder.failures.append(f"chunked body on {self.path}")
                body = self.rfile.read(length) if length else b""
                try:
                    response = forwarder._forward(host, self.command, self.path, list(self.headers.items()), body)
                except httpx.HTTPError as exc:  # a sandbox fault or an unknown route: a gateway error, noted
                    forwarder.failures.append(f"{self.command} {self.path}: {type(exc).__name__}")
                    self._write(502, [("Content-Type", "text/plain")], b"bad gateway")
                    return
                self._write(response.status_code,
                            [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROP],
                            response.content)

            def _write(self, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _relay

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
                pass

        return Handler


@pytest.fixture()
def world() -> Sandbox:
    return Sandbox(service_reply_delay=0, seller_reply_delay=0, job_delay=0)


@pytest.fixture()
def forwarder(world: Sandbox) -> Iterator[_Forwarder]:
    forwarder = _Forwarder(world)
    forwarder.start()
    try:
        yield forwarder
    finally:
        forwarder.stop()


@pytest.fixture()
def merchant_env(forwarder: _Forwarder, world: Sandbox, tmp_path: Path) -> dict[str, str]:
    """The environment a merchant sets for a live shop, with every base URL on this machine."""
    creds = world.settings
    assert creds.aliexpress is not None and creds.cjdropshipping is not None
    return {
        "SHOPIFY_SHOP": SANDBOX_SHOP,
        "SHOPIFY_ACCESS_TOKEN": SANDBOX_TOKEN,
        "SHOPIFY_API_BASE_URL": forwarder.base("shopify"),
        "ALIEXPRESS_APP_KEY": creds.aliexpress.app_key,
        "ALIEXPRESS_APP_SECRET": creds.aliexpress.app_secret.get_secret_value(),
        "ALIEXPRESS_ACCESS_TOKEN": creds.aliexpress.access_token.get_secret_value(),
        "ALIEXPRESS_API_BASE_URL": forwarder.base("aliexpress"),
        "CJ_API_KEY": creds.cjdropshipping.api_key.get_secret_value(),
        "CJ_API_BASE_URL": forwarder.base("cj") + "/api2.0/v1",
        "CANCEL_ASSIST_DATA_DIR": str(tmp_path / "data"),
    }


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
    live: Assistant, forwarder: _Forwarder, world: Sandbox, connections: list[tuple[str, int]], tmp_path: Path
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
    assert connections and {host for host, _ in connections} == {_LOOPBACK}
    assert {port for _, port in connections} <= forwarder.ports
    assert forwarder.failures == []
    assert forwarder.forwarded == len(world.requests) > 0


def test_the_cj_order_is_cancelled_over_http_in_the_guide_s_order_and_recorded(
    live: Assistant, forwarder: _Forwarder, world: Sandbox, merchant_env: dict[str, str],
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

    assert {host for host, _ in connections} == {_LOOPBACK}
    assert forwarder.failures == []
    assert forwarder.forwarded == len(world.requests)


def test_the_connection_check_reports_the_shop_behind_the_base_url(
    live: Assistant, forwarder: _Forwarder, world: Sandbox, connections: list[tuple[str, int]]
) -> None:
    info = live.connection()
    assert info.mode == "live" and info.ok, info.message
    assert info.shop == SANDBOX_SHOP and info.missing_scopes == ()
    assert "write_orders" in info.granted_scopes
    assert info.suppliers == {"aliexpress": True, "cjdropshipping": True}
    assert {host for host, _ in connections} == {_LOOPBACK}
    assert forwarder.forwarded == len(world.requests) > 0


def test_the_cli_as_a_process_reads_the_live_shop_through_its_environment(
    merchant_env: dict[str, str], forwarder: _Forwarder, world: Sandbox, tmp_path: Path
) -> None:
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(_SETTINGS_ENV)}
    work = tmp_path / "work"
    work.mkdir()  # no .streamlit/secrets.toml here: the environment is the whole configuration
    done = subprocess.run(
        [sys.executable, "-m", "actions.cli", "status", "1001", "--json"],
        env={**base_env, "PYTHONPATH": str(_ROOT), **merchant_env}, cwd=work,
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
