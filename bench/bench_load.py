"""A support team on one server process: memory per session, and 50 agents clicking for two minutes.

One `streamlit run` of the app on the sandbox, on loopback. Chromium opens `/?order=1003` once and
ticks a checklist box twice; the three messages it sent (the first run, tick, untick) are what
each simulated agent sends over its own websocket session, exactly as a browser would:
- memory: the server's RSS once 1, 10 and 50 agents have each opened the order (MB per session);
- one agent alone clicking BASELINE_CLICKS times (its p50/p95: the reference);
- AGENTS agents, their clicks spread evenly, each clicking every CLICK_EVERY_S for DURATION_S:
  latency from sending the click to its `script_finished`, p50/p95, and errors (a click with no
  answer in CLICK_TIMEOUT_S, an exception on the page, a dropped connection).
Bounded and self-stopping: every wait has a timeout and the server is stopped whatever happens.
Target (issue 15): p95 with 50 agents <= 2x the one-agent p95, and 0 errors (reported, not enforced).
"""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from typing import Any

from bench._server import CHROMIUM, CHROMIUM_ARGS, Server, serve
from tests.ws_frames import is_rerun_sent

__all__ = ["AGENTS", "CLICK_EVERY_S", "DURATION_S", "run"]

AGENTS = 50
CLICK_EVERY_S = 20.0
DURATION_S = 120.0
BASELINE_CLICKS = 30
CLICK_TIMEOUT_S = 60.0
ORDER = "1003"
_HARD_STOP_S = DURATION_S + 3 * CLICK_TIMEOUT_S


def _capture(server: Server) -> tuple[bytes, list[bytes]]:
    """What a browser sends: the first run of /?order=1003, then a tick and an untick of one box."""
    import base64

    from playwright.sync_api import sync_playwright

    from bench.bench_browser import _app_box, _app_ready, _Page

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing (`make chromium` installs Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = _Page(browser, server, f"/?order={ORDER}", _app_ready)
            page.click(_app_box)
            page.click(_app_box)
            log = page.page.evaluate("window.__wsLog")
            page.close()
        finally:
            browser.close()
    sent = [base64.b64decode(e["b64"]) for e in log if is_rerun_sent(e)]
    if len(sent) < 3:
        raise RuntimeError(f"expected 3 rerun messages from the browser, saw {len(sent)}")
    return sent[0], sent[-2:]


class _Agent:
    """One support agent: a websocket session that opened the order and ticks a box."""

    def __init__(self, server: Server, first: bytes, clicks: list[bytes]) -> None:
        self._url = f"ws://127.0.0.1:{server.port}/_stcore/stream"
        self._origin = server.base
        self._first, self._clicks = first, clicks
        self._ws: Any = None
        self.clicked = 0
        self.errors: list[str] = []

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self._ws = await asyncio.wait_for(
            connect(self._url, subprotocols=["streamlit"], origin=self._origin, max_size=None),  # type: ignore[arg-type]
            CLICK_TIMEOUT_S,
        )
        await self._ws.send(self._first)
        await self._finished()

    async def click(self) -> float | None:
        """Seconds from sending a click to its script_finished (None: an error, recorded)."""
        message = self._clicks[self.clicked % 2]
        self.clicked += 1
        started = time.perf_counter()
        try:
            await self._ws.send(message)
            await self._finished()
        except Exception as exc:  # noqa: BLE001 - every failure is a counted error, never a crash of the run
            self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            return None
        return time.perf_counter() - started

    async def _finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        deadline = time.monotonic() + CLICK_TIMEOUT_S
        while True:
            raw = await asyncio.wait_for(self._ws.recv(), max(0.1, deadline - time.monotonic()))
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                    and msg.delta.new_element.WhichOneof("type") == "exception":
                raise RuntimeError(f"exception on the page: {msg.delta.new_element.exception.message[:120]}")
            if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the script failed to compile")
                return

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


def _pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def _team(server: Server, first: bytes, clicks: list[bytes]) -> dict[str, object]:
    agents = [_Agent(server, first, clicks) for _ in range(AGENTS)]
    rss: dict[int, float] = {}
    open_errors = 0
    try:
        await agents[0].open()
        await asyncio.sleep(1.0)
        rss[1] = server.rss_mb()
        baseline = []
        cpu_alone = server.cpu_seconds()
        for _ in range(BASELINE_CLICKS):
            latency = await agents[0].click()
            if latency is not None:
                baseline.append(latency)
            await asyncio.sleep(0.5)
        cpu_alone = server.cpu_seconds() - cpu_alone
        for lo, hi in ((1, 10), (10, AGENTS)):
            for start in range(lo, hi, 10):
                results = await asyncio.gather(*(a.open() for a in agents[start:min(hi, start + 10)]),
                                               return_exceptions=True)
                open_errors += sum(1 for r in results if isinstance(r, BaseException))
            await asyncio.sleep(1.0)
            rss[hi] = server.rss_mb()

        latencies: list[float] = []
        began = time.monotonic()

        async def agent_loop(i: int, agent: _Agent) -> None:
            await asyncio.sleep(i * CLICK_EVERY_S / AGENTS)
            while time.monotonic() - began < DURATION_S:
                due = time.monotonic() + CLICK_EVERY_S
                latency = await agent.click()
                if latency is not None:
                    latencies.append(latency)
                await asyncio.sleep(max(0.0, due - time.monotonic()))

        cpu_before = server.cpu_seconds()
        await asyncio.wait_for(asyncio.gather(*(agent_loop(i, a) for i, a in enumerate(agents))), _HARD_STOP_S)
        cpu = server.cpu_seconds() - cpu_before
        elapsed = time.monotonic() - began
    finally:
        await asyncio.gather(*(a.close() for a in agents), return_exceptions=True)

    errors = open_errors + sum(len(a.errors) for a in agents)
    clicks_sent = sum(a.clicked for a in agents) - BASELINE_CLICKS
    p95_one = _pct(baseline, 0.95)
    p95_team = _pct(latencies, 0.95) if latencies else float("inf")
    ratio = p95_team / p95_one
    return {
        "agents": AGENTS,
        "RSS MB with 1 session": round(rss[1], 1),
        "RSS MB with 10 sessions": round(rss[10], 1),
        f"RSS MB with {AGENTS} sessions": round(rss[AGENTS], 1),
        "MB per extra session": round((rss[AGENTS] - rss[1]) / (AGENTS - 1), 2),
        "1 agent click p50 ms": round(statistics.median(baseline) * 1000, 1),
        "1 agent click p95 ms": round(p95_one * 1000, 1),
        f"{AGENTS} agents clicks": clicks_sent,
        f"{AGENTS} agents clicks per second": round(clicks_sent / elapsed, 2),
        f"{AGENTS} agents click p50 ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        f"{AGENTS} agents click p95 ms": round(p95_team * 1000, 1),
        f"{AGENTS} agents server CPU share of one core": round(cpu / elapsed, 2),
        "1 agent server CPU ms per click": round(cpu_alone / BASELINE_CLICKS * 1000, 1),
        "server CPU ms per click under load": round(cpu / clicks_sent * 1000, 1) if clicks_sent else None,
        "clicks per second one server core can serve": round(clicks_sent / cpu, 1) if cpu else None,
        "errors": errors,
        "first errors": "; ".join(sorted({e for a in agents for e in a.errors})[:3]) or "none",
        "p95 ratio (50 agents / 1 agent; target <= 2)": round(ratio, 2),
        "p50 ratio (50 agents / 1 agent)": round(statistics.median(latencies) / statistics.median(baseline), 2)
        if latencies else None,
        "team target met": ratio <= 2.0 and errors == 0,
        "budget_ok": errors < clicks_sent * 0.5 if clicks_sent else False,
    }


def run() -> dict[str, object]:
    with serve() as server:
        first, clicks = _capture(server)
        return asyncio.run(_team(server, first, clicks))
