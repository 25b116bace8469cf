"""Real servers for the tests and benchmarks: `streamlit run` on a free loopback port, and a live shop's remotes.

- `serve(...)`: `streamlit run streamlit_app.py` (or another script) headless on 127.0.0.1 and a free
  port, ready once `/_stcore/health` answers `ok` (one generous limit, reached only on failure), stopped
  when the block ends whatever happens; its output goes to a log quoted in any failure.
- `Forwarder`: one local HTTP server per remote system (Shopify, AliExpress, CJ) that hands each
  request to one `Sandbox` world, so a live shop configured only through its environment
  (`merchant_env`, every `*_API_BASE_URL` on this machine) crosses real sockets.
- `clean_env`: this process's environment without any shop, supplier or Cancel Assist setting.

Used by the browser tests, the live-wiring and shared-store tests, and `bench/` (one copy of each).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from actions.sandbox import HOSTS, SANDBOX_SHOP, SANDBOX_TOKEN, Sandbox

__all__ = [
    "APP",
    "LOOPBACK",
    "ROOT",
    "SERVER_START_TIMEOUT",
    "Forwarder",
    "Served",
    "clean_env",
    "free_port",
    "merchant_env",
    "sandbox_env",
    "serve",
    "stop",
    "streamlit_command",
    "wait_healthy",
]

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
LOOPBACK = "127.0.0.1"
SERVER_START_TIMEOUT = 180.0  # seconds until the server answers its health check (only a failure waits this long)
# Settings that could point a process at a real shop or supplier, change the app, or route through a proxy.
_SETTINGS_PREFIXES = ("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_")
_PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without shop, supplier or app settings (nor a proxy), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SETTINGS_PREFIXES) and k not in _PROXY_ENV}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def sandbox_env(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment on the sandbox (even if a .streamlit/secrets.toml names a live shop)."""
    return clean_env({"CANCEL_ASSIST_DATA_DIR": str(data_dir), "CANCEL_ASSIST_SANDBOX": "1", **(extra or {})})


def streamlit_command(script: Path | str, port: int, *, address: str | None = LOOPBACK,
                      flags: Sequence[str] = ()) -> list[str]:
    """`streamlit run SCRIPT` headless, without file watching or usage statistics (`address=None`: unset)."""
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--server.fileWatcherType", "none", "--server.runOnSave", "false",
               "--browser.gatherUsageStats", "false", *flags]
    if address is not None:
        command += ["--server.address", address]
    return command


def wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = SERVER_START_TIMEOUT) -> None:
    """Return once `base` answers its health check; stop the server and raise, quoting its log, if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise RuntimeError(f"streamlit did not become healthy at {base}; its log ends with:\n{tail}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if it lingers; always reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@dataclass
class Served:
    """A running server: where it answers, and its process (to kill it, or read its CPU and memory)."""

    base: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def serve(work: Path, env: Mapping[str, str], *, script: Path | str = APP, flags: Sequence[str] = (),
          port: int | None = None, log_name: str = "server.log") -> Iterator[Served]:
    """Run `streamlit run` on loopback (from the repository root, its log in `work`) until the block ends."""
    work.mkdir(parents=True, exist_ok=True)
    log = work / log_name
    port = port or free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(streamlit_command(script, port, flags=flags), cwd=ROOT, env=dict(env),
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{LOOPBACK}:{port}"
    try:
        wait_healthy(base, proc, log)
        yield Served(base, port, proc, log)
    finally:
        stop(proc)


# --- a live shop's remotes on this machine ---------------------------------------------------------

# Hop-by-hop headers and those the forwarder recomputes; everything else crosses unchanged.
_DROP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                   "host", "content-length", "content-encoding"})


class Forwarder:
    """One local HTTP server per remote system; each request is re-addressed to that system's host.

    `hold(operation)` makes every later request whose body names that GraphQL operation wait at the
    door until `release()`; `arrived` is set when the first one is waiting (a write on its way).
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._lock = threading.Lock()
        self.forwarded = 0
        self.failures: list[str] = []
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._held: bytes | None = None
        self.arrived = threading.Event()
        self._gate = threading.Event()
        self._gate.set()
        for host, system in HOSTS.items():
            server = ThreadingHTTPServer((LOOPBACK, 0), self._handler(host))
            server.daemon_threads = True
            self.servers[system] = server

    def base(self, system: str) -> str:
        return f"http://{LOOPBACK}:{self.servers[system].server_address[1]}"

    @property
    def ports(self) -> set[int]:
        return {s.server_address[1] for s in self.servers.values()}

    def start(self) -> None:
        for server in self.servers.values():
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._gate.set()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def hold(self, operation: str) -> None:
        self._held = operation.encode()
        self.arrived.clear()
        self._gate.clear()

    def release(self) -> None:
        self._held = None
        self._gate.set()

    def _forward(self, host: str, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> httpx.Response:
        held = self._held
        if held is not None and held in body:
            self.arrived.set()
            self._gate.wait()
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
                try:
                    self.send_response(status)
                    for key, value in headers:
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:
                    pass  # the caller is gone (a killed process): the remote did its part all the same

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _relay

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
                pass

        return Handler


def merchant_env(forwarder: Forwarder, world: Sandbox, data_dir: Path) -> dict[str, str]:
    """The settings a merchant sets for a live shop, with every base URL on this machine."""
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
        "CANCEL_ASSIST_DATA_DIR": str(data_dir),
    }
