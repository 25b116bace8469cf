"""One look-up is one Shopify request plus one per supplier order; a checkbox click sends nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.actions.sandbox_clock import Clock
from streamlit.testing.v1 import AppTest

from actions.assistant import build_assistant
from actions.sandbox import DEMO_ORDERS, Sandbox
from actions.settings import AppSettings
from pages._ui import ASSISTANT_KEY, state_key
from tests.conftest import APPTEST_TIMEOUT

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
_AUTH = {"/authentication/getAccessToken", "/authentication/refreshAccessToken"}


def _reads(requests) -> Counter:
    return Counter(r.system for r in requests if r.operation not in _AUTH)


@pytest.fixture(scope="module")
def clock() -> Clock:
    """The shared sandbox's time: each test moves it a minute on, so the throttle bucket is full again."""
    return Clock()


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory, clock: Clock):
    """The product's own wiring (build_assistant) over one sandbox, shared by the look-ups below."""
    sandbox = Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0, clock=clock)
    return build_assistant(AppSettings(data_dir=tmp_path_factory.mktemp("counts")), sandbox=sandbox)


@pytest.mark.parametrize("order", sorted(DEMO_ORDERS))
def test_a_look_up_sends_one_shopify_request_and_one_per_supplier_order(product, clock, order: str) -> None:
    clock.now += 60  # a full throttle bucket for each order: a throttled retry is not what is counted here
    log = product.sandbox.requests
    for _ in range(2):  # the first and a repeated look-up cost the same
        start = len(log)
        lookup = product.look_up(order)
        sent = log[start:]
        reads = _reads(sent)
        assert reads["shopify"] == 1
        assert reads["aliexpress"] + reads["cj"] == len(lookup.state.suppliers)
        assert sum(1 for r in sent if r.is_write) == 0


def test_the_split_order_reads_both_suppliers(product, clock) -> None:
    clock.now += 60  # a full throttle bucket (see above)
    start = len(product.sandbox.requests)
    product.look_up("#1010")
    assert _reads(product.sandbox.requests[start:]) == Counter({"shopify": 1, "aliexpress": 1, "cj": 1})


def test_cj_sells_its_access_token_once_per_client_not_once_per_look_up(tmp_path: Path) -> None:
    sandbox = Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0)
    assistant = build_assistant(AppSettings(data_dir=tmp_path), sandbox=sandbox)
    for order in ("#1009", "#1010", "#1013", "#1009"):
        assistant.look_up(order)
    assert sum(1 for r in sandbox.requests if r.operation in _AUTH) == 1


def _open(order: str, tmp_path: Path):
    sandbox = Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0)
    assistant = build_assistant(AppSettings(data_dir=tmp_path), sandbox=sandbox)
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    at.secrets["cancel_assist"] = {"sandbox": True}
    at.query_params["order"] = order.lstrip("#")
    at.session_state[ASSISTANT_KEY] = assistant
    return at.run(), sandbox


@pytest.mark.parametrize("order", ["#1001", "#1010"])
def test_a_checkbox_click_and_a_plain_rerun_of_the_walkthrough_send_no_request(order: str, tmp_path: Path) -> None:
    at, sandbox = _open(order, tmp_path)
    assert not at.exception
    first = len(sandbox.requests)
    assert first >= 2, "the first render reads the order"
    boxes = [b for b in at.checkbox if str(b.key or "").startswith(state_key("progress"))]
    assert boxes, "the checklist offers a checkbox"

    boxes[0].check().run()
    at.run()

    assert not at.exception
    assert len(sandbox.requests) == first
