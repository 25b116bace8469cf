"""A remote system that echoes a secret back never gets it shown: not in a request id, not in a cut message.

Buggy servers (or a proxy) echo what they were sent: Shopify's `X-Request-Id` carrying the access
token, AliExpress's `request_id` carrying the session token, CJ's `requestId` carrying the API key
or the access token. Each is checked where a merchant would see it: the walkthrough page, the
`status` text and `--json`, the supplier table, the activity log and its CSV. A secret longer than
the cut that follows (200 characters of a 4xx body) must not leave its first part behind either.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from actions.assistant import ActionRequest, Assistant, build_assistant
from actions.cli import _status_text, lookup_json
from actions.errors import ActionError
from actions.sandbox import HOSTS
from actions.sandbox.shopify import SANDBOX_TOKEN
from actions.settings import load_settings
from kb.state import CancelOptions, CancelReason, RefundTiming
from kb.walkthrough import ActionId
from pages._ui import ASSISTANT_KEY, LOOK_UP, ORDER_BOX
from tests.conftest import APPTEST_TIMEOUT
from tests.app.conftest import all_text, open_panels
from tests.evidence.conftest import make_assistant, new_sandbox

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
SHOP = "cancel-assist-demo.myshopify.com"
LIVE_TOKEN = "shpat_live_secret_for_echo_tests_0123456789"


def _leaks(text: str, secret: str) -> list[str]:
    """Every 8-character piece of the secret's private part found in `text` (Markdown escapes removed)."""
    plain = text.replace("\\", "")
    private = secret.removeprefix("shpat_")
    return [private[i:i + 8] for i in range(len(private) - 7) if private[i:i + 8] in plain]


class Echoing(httpx.BaseTransport):
    """The sandbox, except that the systems in `echo` answer with an error echoing the secret they were sent."""

    def __init__(self, inner: httpx.BaseTransport, answer: dict[str, object]) -> None:
        self.inner = inner
        self.answer = answer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        system = HOSTS.get(request.url.host, "shopify")
        answer = self.answer.get(system)
        if answer is None:
            return self.inner.handle_request(request)
        return answer(request)  # type: ignore[operator]


def _shopify_secret(request: httpx.Request) -> str:
    return request.headers["X-Shopify-Access-Token"]


def _shopify_401(request: httpx.Request) -> httpx.Response:
    secret = _shopify_secret(request)
    return httpx.Response(401, headers={"X-Request-Id": f"req-{secret}"}, json={"errors": "[API] Invalid token"})


def _aliexpress_echo(request: httpx.Request) -> httpx.Response:
    session = parse_qs(request.content.decode())["session"][0]
    return httpx.Response(200, json={"error_response": {
        "code": "isv.insufficient-permission", "msg": "no", "request_id": f"{session}"}})


def _cj_key_echo(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/getAccessToken"):
        key = json.loads(request.content)["apiKey"]
        return httpx.Response(200, json={"code": 1600001, "result": False, "message": "Invalid API key",
                                         "requestId": key, "data": None})
    raise AssertionError("no other CJ call is made without a token")


def _cj_token_echo(inner: httpx.BaseTransport):
    def answer(request: httpx.Request) -> httpx.Response:
        if "/authentication/" in request.url.path:
            return inner.handle_request(request)
        token = request.headers["CJ-Access-Token"]
        return httpx.Response(403, json={"code": 1600500, "result": False, "message": "Forbidden",
                                         "requestId": token, "data": None})
    return answer


def _page(assistant: Assistant, order: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    at.secrets["cancel_assist"] = {"sandbox": True}
    at.session_state[ASSISTANT_KEY] = assistant
    open_panels(at)  # the folded panels too: no secret may show in them either
    at.run()
    at.text_input(key=ORDER_BOX).input(order)
    at.button(key=LOOK_UP).click().run()
    assert not at.exception, at.exception
    return at


# --- Shopify: the look-up path ---------------------------------------------------------------------------------


def _live(tmp_path: Path, answer) -> Assistant:
    settings = load_settings({"shopify": {"shop": SHOP, "access_token": LIVE_TOKEN},
                              "cancel_assist": {"data_dir": str(tmp_path)}}, {})
    http = httpx.Client(transport=Echoing(httpx.MockTransport(lambda r: httpx.Response(500)), {"shopify": answer}))
    return build_assistant(settings, http=http, sleep=lambda _: None)


def test_a_shopify_request_id_echoing_the_token_is_masked_in_the_look_up_error(tmp_path: Path) -> None:
    assistant = _live(tmp_path, _shopify_401)
    with pytest.raises(ActionError) as caught:
        assistant.look_up("#1001")
    assert caught.value.request_id is not None and caught.value.request_id.startswith("req-")
    assert _leaks(str(caught.value), LIVE_TOKEN) == []
    assert _leaks(caught.value.request_id, LIVE_TOKEN) == []


def test_a_shopify_request_id_echoing_the_token_never_reaches_the_walkthrough_page(tmp_path: Path) -> None:
    at = _page(_live(tmp_path, _shopify_401), "1001")
    assert at.error, "the refusal is said"
    assert "req-" in all_text(at).replace("\\", ""), "the request id is still shown, masked"
    assert _leaks(all_text(at), LIVE_TOKEN) == []


# --- the suppliers: status text, --json, the supplier table ----------------------------------------------------

SUPPLIER_ECHOES = {
    "aliexpress request_id echoing the session token": lambda inner: {"aliexpress": _aliexpress_echo},
    "cj requestId echoing the api key": lambda inner: {"cj": _cj_key_echo},
    "cj requestId echoing the access token": lambda inner: {"cj": _cj_token_echo(inner)},
}


def _suppliers_echoing(tmp_path: Path, case: str) -> Assistant:
    sandbox = new_sandbox()
    http = httpx.Client(transport=Echoing(sandbox.transport, SUPPLIER_ECHOES[case](sandbox.transport)))
    return make_assistant(tmp_path, sandbox=sandbox, http=http)


def _secrets_of(assistant: Assistant) -> tuple[str, ...]:
    """The configured secrets and every token CJ handed out."""
    assert assistant.sandbox is not None
    tokens = getattr(assistant.suppliers["cjdropshipping"], "_seen_tokens", [])
    return (*assistant.sandbox.settings.secrets(), *(t.get_secret_value() for t in tokens))


@pytest.mark.parametrize("case", sorted(SUPPLIER_ECHOES))
def test_a_supplier_request_id_echoing_a_secret_is_masked_in_status_text_and_json(case: str, tmp_path: Path) -> None:
    assistant = _suppliers_echoing(tmp_path, case)
    lookup = assistant.look_up("#1010")
    assert [s for s in lookup.state.suppliers if s.read_error], "the echoing supplier could not be read"
    text = io.StringIO()
    _status_text(lookup, assistant.mode, text)
    shown = text.getvalue() + json.dumps(lookup_json(lookup, assistant.mode), ensure_ascii=False)
    assert "request id" in shown, "the request id is still given, masked"
    for secret in _secrets_of(assistant):
        assert _leaks(shown, secret) == [], secret[:6]


@pytest.mark.parametrize("case", sorted(SUPPLIER_ECHOES))
def test_a_supplier_request_id_echoing_a_secret_never_reaches_the_supplier_table(case: str, tmp_path: Path) -> None:
    assistant = _suppliers_echoing(tmp_path, case)
    page = all_text(_page(assistant, "1010"))
    assert "request id" in page.replace("\\", "")
    for secret in _secrets_of(assistant):
        assert _leaks(page, secret) == [], secret[:6]


# --- redact first, then cut --------------------------------------------------------------------------------------


def _cancel_refused_with_a_long_body(inner: httpx.BaseTransport):
    """Shopify answers the cancel with a 400 whose body puts the token across the 200th character."""
    def answer(request: httpx.Request) -> httpx.Response:
        if b"orderCancel" not in request.content:
            return inner.handle_request(request)
        secret = _shopify_secret(request)
        before = 200 - len(secret) + 3  # the cut at 200 keeps all of the token but its last 3 characters
        return httpx.Response(400, text="x" * before + secret + " and more after it")
    return answer


def test_a_4xx_body_is_masked_before_it_is_cut_so_no_part_of_the_token_is_recorded(tmp_path: Path) -> None:
    sandbox = new_sandbox()
    http = httpx.Client(transport=Echoing(sandbox.transport, {"shopify": _cancel_refused_with_a_long_body(
        sandbox.transport)}))
    assistant = make_assistant(tmp_path, sandbox=sandbox, http=http)
    options = CancelOptions(reason=CancelReason.CUSTOMER, refund=RefundTiming.NOW)
    assistant.confirm_no_supplier_order("#1011", ticket="ZD-1")  # #1011 names none: the cancel waits for this
    result = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1011", ticket="ZD-1", options=options))
    assert not result.ok
    assert "HTTP 400" in result.message
    records = assistant.activity.list()
    csv_text = assistant.activity.to_csv(records)
    for shown in (result.message, csv_text, *(r.message for r in records)):
        assert _leaks(shown, SANDBOX_TOKEN) == [], shown[-120:]
