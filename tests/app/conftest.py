"""AppTest helpers: the real app from its entry file, on a fresh sandbox, with secrets always set.

Every app gets its own `Sandbox` (replies from the simulated fulfillment service and sellers come at
once: delays 0) and the per-test data dir that tests/conftest.py sets, so no test sees another's
activity and no test ever reads a developer's real secrets.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from streamlit.testing.v1 import AppTest

from actions.errors import InputError
from actions.settings import load_settings
from pages._ui import ASSISTANT_KEY, FOLDED_PANELS, Context, look_up_panel
from tests.conftest import APPTEST_TIMEOUT

if TYPE_CHECKING:
    from actions.assistant import Assistant

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
SANDBOX_SECRETS = {"cancel_assist": {"sandbox": True}}
# Remote text that would load an image from elsewhere and draw a link if it were rendered as Markdown.
HOSTILE = "![seen](https://evil.example/p.png) [refund here](https://evil.example) **urgent**"

__all__ = ["APP", "HOSTILE", "SANDBOX_SECRETS", "all_text", "new_assistant", "open_app", "open_panels", "table_cells"]


@pytest.fixture(autouse=True)
def _served_on_localhost() -> Iterator[None]:
    """AppTest sessions are local ones: the server address a live shop without sign-in requires."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    yield
    config.set_option("server.address", before)


def new_assistant() -> Assistant:
    """A sandbox assistant whose simulated service and sellers answer at once."""
    from actions.assistant import build_assistant  # imported late: the guide tests need none of it
    from actions.sandbox import Sandbox

    settings = load_settings(SANDBOX_SECRETS, os.environ)
    return build_assistant(settings, sandbox=Sandbox(service_reply_delay=0, seller_reply_delay=0))


def _open(query: dict[str, str] | None = None, *, assistant: Assistant | None = None,
          secrets: dict[str, Any] | None = None, panels_open: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    for name, value in (secrets or SANDBOX_SECRETS).items():
        at.secrets[name] = value
    for name, value in (query or {}).items():
        at.query_params[name] = value
    if panels_open:  # every folded panel opened, as a merchant who opened them: the whole page is checked
        open_panels(at)
    if assistant is not None:
        at.session_state[ASSISTANT_KEY] = assistant
    return at.run()


@pytest.fixture
def open_app() -> Iterator[Callable[..., AppTest]]:
    """Open the app (first run done): `open_app({"order": "1001", "ticket": "ZD-42"})`."""

    def factory(query: dict[str, str] | None = None, *, assistant: Assistant | None = None,
                secrets: dict[str, Any] | None = None, fresh_assistant: bool = True,
                panels_open: bool = True) -> AppTest:
        if assistant is None and fresh_assistant:
            assistant = new_assistant()
        return _open(query, assistant=assistant, secrets=secrets, panels_open=panels_open)

    yield factory


def open_panels(at: AppTest) -> AppTest:
    """Open every folded panel (the ticket, the sandbox controls, and the look-up box of the order the
    address names) from the next run on."""
    for key in FOLDED_PANELS:
        at.session_state[key] = True
    order = at.query_params.get("order")
    if order:  # the look-up box has a key per order (`look_up_panel`): the order as the page reads it
        value = order[0] if isinstance(order, list) else order
        try:
            at.session_state[look_up_panel(Context.from_input(value, None).order or "")] = True
        except InputError:  # a deep link the page refuses shows no look-up box
            pass
    return at


def all_text(at: AppTest) -> str:
    """Everything the page shows as text (every element's protobuf, as read), to check what never appears."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    # What a person reads: character references decoded and the invisible word joiners of `plain` dropped,
    # so a secret or a request id is found however the page escaped it.
    return html.unescape("\n".join(out)).replace("\u2060", "")


def headings(at: AppTest, level: int = 2) -> list[str]:
    """The page's headings of one level, as `pages._ui.heading` draws them (Markdown `## ...`), without the hashes."""
    mark = "#" * level + " "
    return [m.value.removeprefix(mark) for m in at.markdown if m.value.startswith(mark)]


def table_cells(at: AppTest) -> list[str]:
    """Every cell of every st.table on the page (the browser renders each one as Markdown)."""
    return [str(cell) for tbl in at.table for row in tbl.value.itertuples(index=False) for cell in row]
