"""What a merchant feels in a real browser: the walkthrough against a bare one-checkbox page, side by side.

Two `streamlit run` servers on loopback (the app on the sandbox, and a page holding one checkbox)
driven by Debian's Chromium through Playwright. A recorder injected into each page timestamps every
websocket frame with the page's own clock, so polling from here never adds to a figure:
- a click's time runs from the rerun message the browser sends to the `script_finished` message
  that ends that rerun (the checklist's "Done by hand" on `/?order=1003` vs the bare checkbox),
  medians of CLICKS clicks taken alternately on the two pages;
- a first render runs from navigation start to the last `script_finished` before the page goes
  quiet (the app looks the order up and may rerun), medians of FIRST_RENDERS fresh sessions each,
  alternated;
- the server's CPU per click (user + system of its process, all threads) and the websocket
  messages and bytes of one click's rerun.
- a reference page: as many plain lines as the walkthrough has elements, and one checkbox in a
  fragment (`reference_page`): the floor Streamlit's browser side sets for a page that size;
- a frame page: the app's frame (a five-page sidebar navigation, the sandbox banner, a sidebar
  caption) around one checkbox in a fragment (`frame_page`): the floor for any page of this app.
Targets (issue 15): click <= 1.5x the bare page, first render <= 1.3x. They are reported, not
enforced: `budget_ok` only fails on a breakage (no measurement) or a gross regression.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench._server import (
    BARE_PAGE,
    CHROMIUM,
    CHROMIUM_ARGS,
    RECORDER_JS,
    Server,
    decode_in,
    is_script_finished,
    serve,
)
from tests.ws_frames import first_rerun

__all__ = ["CLICKS", "FIRST_RENDERS", "frame_page", "reference_page", "run"]

CLICKS = 21
FIRST_RENDERS = 15
ORDER = "1003"
_WAIT_S = 120.0  # a bound on any one wait: a broken page fails the benchmark instead of hanging it
_QUIET_S = 0.6
_GROSS = 20.0  # budget: only a regression by this factor fails `make bench`


def reference_page(lines: int) -> str:
    """Streamlit's own floor for a page this size: `lines` plain lines and one checkbox in a fragment.

    A click on a fragment's checkbox reruns the fragment alone, yet the browser still redraws every
    element of the page on each of the rerun's messages; this page does nothing else, so the walkthrough
    cannot get under its time with that many elements.
    """
    return ("import streamlit as st\n\n"
            f"for i in range({lines}):\n"
            "    st.markdown(f'Line {i}: a step of the checklist, with a [link](#) and **a few** words.')\n\n"
            "@st.fragment\ndef _box():\n    st.checkbox('Done', key='done')\n\n_box()\n")


def frame_page() -> str:
    """The app's frame around one checkbox in a fragment, and nothing else: what a tick costs on any page here.

    As the entry file draws it on the walkthrough: the sidebar navigation of five pages, the sandbox
    banner and the order's caption in the sidebar. The walkthrough cannot get under this page's time.
    """
    from kb.wording.frame import PAGE_TITLES, SANDBOX_BANNER
    from pages._ui import NAV_PAGES

    pages = ", ".join(f"st.Page(_page, title={PAGE_TITLES[name]!r}, icon={icon!r}, url_path={name!r}"
                      f"{', default=True' if i == 0 else ''})" for i, (name, icon) in enumerate(NAV_PAGES.items()))
    return ("import streamlit as st\n\n"
            "def _page():\n"
            "    @st.fragment\n    def _box():\n        st.checkbox('Done', key='done')\n\n    _box()\n\n"
            f"st.warning({SANDBOX_BANNER!r}, icon='🧪')\n"
            "st.sidebar.caption('Order #1003')\n"
            f"st.navigation([{pages}]).run()\n")


def _log(page: Any, start: int = 0) -> list[dict[str, Any]]:
    return page.evaluate(f"window.__wsLog.slice({start})")  # type: ignore[no-any-return]


def _wait_quiet(page: Any) -> list[dict[str, Any]]:
    """The frames so far, once none has arrived for _QUIET_S and at least one run has finished."""
    deadline = time.monotonic() + _WAIT_S
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        log = _log(page)
        if len(log) != seen:
            seen, since = len(log), time.monotonic()
        elif time.monotonic() - since >= _QUIET_S and any(is_script_finished(decode_in(e["b64"])) for e in log
                                                          if e["dir"] == "in"):
            return log
        time.sleep(0.05)
    raise RuntimeError("the page never finished its script run")


class _Page:
    """One browser context (one Streamlit session) on one server, with its frame log."""

    def __init__(self, browser: Any, server: Server, path: str, ready: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_init_script(RECORDER_JS)
        self.page = self.context.new_page()
        self.page.goto(server.base + path, timeout=_WAIT_S * 1000)
        ready(self.page).wait_for(timeout=_WAIT_S * 1000)
        log = _wait_quiet(self.page)
        self.first_render_ms = max(e["t"] for e in log if e["dir"] == "in" and is_script_finished(decode_in(e["b64"])))

    def click(self, target: Any) -> tuple[float, int, int]:
        """(ms from the rerun message to its script_finished, messages in, bytes in) for one click."""
        start = len(_log(self.page))
        target(self.page).click(force=True)
        deadline = time.monotonic() + _WAIT_S
        while time.monotonic() < deadline:
            rerun = first_rerun(_log(self.page, start))
            if rerun is not None:
                sent, got = rerun
                return got[-1]["t"] - sent["t"], len(got), sum(e["len"] for e in got)
            time.sleep(0.05)
        raise RuntimeError("a click never finished its rerun")

    def close(self) -> None:
        self.context.close()


def _bare_ready(page: Any) -> Any:
    return page.get_by_text("Done", exact=True)


def _app_ready(page: Any) -> Any:
    return page.get_by_role("heading", name="Checklist")


def _bare_box(page: Any) -> Any:
    return page.get_by_role("checkbox", name="Done")


def _app_box(page: Any) -> Any:
    return page.get_by_role("checkbox", name="Done by hand").first


def run() -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing (`make chromium` installs Debian's chromium)")
    with serve(BARE_PAGE) as bare, serve() as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            # Warm both servers (imports, first session, guide cache): not counted.
            for server, path, ready in ((bare, "/", _bare_ready), (app, f"/?order={ORDER}", _app_ready)):
                _Page(browser, server, path, ready).close()

            first: dict[str, list[float]] = {"bare": [], "app": []}
            for _ in range(FIRST_RENDERS):
                for name, server, path, ready in (("bare", bare, "/", _bare_ready),
                                                  ("app", app, f"/?order={ORDER}", _app_ready)):
                    page = _Page(browser, server, path, ready)
                    first[name].append(page.first_render_ms)
                    page.close()

            app_page = _Page(browser, app, f"/?order={ORDER}", _app_ready)
            elements = app_page.page.locator("[data-testid=stElementContainer]").count()
            with serve(reference_page(elements)) as reference, serve(frame_page()) as frame:
                _Page(browser, reference, "/", _bare_ready).close()
                _Page(browser, frame, "/", _bare_ready).close()
                pages = {"bare": _Page(browser, bare, "/", _bare_ready), "app": app_page,
                         "reference": _Page(browser, reference, "/", _bare_ready),
                         "frame": _Page(browser, frame, "/", _bare_ready)}
                boxes = {"bare": _bare_box, "app": _app_box, "reference": _bare_box, "frame": _bare_box}
                servers = {"bare": bare, "app": app, "reference": reference, "frame": frame}
                for name in pages:  # one click each to warm the rerun path
                    pages[name].click(boxes[name])
                clicks: dict[str, list[tuple[float, int, int]]] = {name: [] for name in pages}
                cpu = dict.fromkeys(pages, 0.0)
                for _ in range(CLICKS):
                    for name in pages:
                        before = servers[name].cpu_seconds()
                        clicks[name].append(pages[name].click(boxes[name]))
                        time.sleep(_QUIET_S)  # let the rerun's trailing messages settle before reading the CPU
                        cpu[name] += servers[name].cpu_seconds() - before
                for page in pages.values():
                    page.close()
        finally:
            browser.close()

    def med(values: list[float]) -> float:
        return statistics.median(values)

    click_ms = {n: med([c[0] for c in clicks[n]]) for n in clicks}
    first_ms = {n: med(first[n]) for n in first}
    click_ratio = click_ms["app"] / click_ms["bare"]
    first_ratio = first_ms["app"] / first_ms["bare"]
    return {
        "clicks (median of, interleaved)": CLICKS,
        "walkthrough click -> script_finished ms": round(click_ms["app"], 1),
        "bare page click -> script_finished ms": round(click_ms["bare"], 1),
        "click ratio (walkthrough / bare; target <= 1.5)": round(click_ratio, 2),
        "click target met": click_ratio <= 1.5,
        "walkthrough elements on the page": elements,
        "reference page click -> script_finished ms": round(click_ms["reference"], 1),
        "reference ratio (same number of plain lines, checkbox in a fragment / bare)":
            round(click_ms["reference"] / click_ms["bare"], 2),
        "frame page click -> script_finished ms": round(click_ms["frame"], 1),
        "frame ratio (the app's frame around one checkbox in a fragment / bare)":
            round(click_ms["frame"] / click_ms["bare"], 2),
        "walkthrough / frame page": round(click_ms["app"] / click_ms["frame"], 2),
        "first renders (median of, interleaved)": FIRST_RENDERS,
        f"walkthrough /?order={ORDER} first render ms": round(first_ms["app"], 1),
        "bare page first render ms": round(first_ms["bare"], 1),
        "first render ratio (walkthrough / bare; target <= 1.3)": round(first_ratio, 2),
        "first render target met": first_ratio <= 1.3,
        "walkthrough server CPU ms per click": round(cpu["app"] / CLICKS * 1000, 1),
        "bare page server CPU ms per click": round(cpu["bare"] / CLICKS * 1000, 1),
        "walkthrough messages per click": med([c[1] for c in clicks["app"]]),
        "walkthrough bytes per click": med([c[2] for c in clicks["app"]]),
        "bare page messages per click": med([c[1] for c in clicks["bare"]]),
        "bare page bytes per click": med([c[2] for c in clicks["bare"]]),
        "budget_ok": click_ratio < _GROSS and first_ratio < _GROSS,
    }
