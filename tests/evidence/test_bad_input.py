"""Bad input from outside (order box, deep-link params, ticket ids, shop domains, settings) never crashes,
never renders as HTML or Markdown, and never makes a request leave for a host that is not configured.

The same hostile strings go through every door: `parse_order_ref`, the assistant, the CLI, the
walkthrough page (order box and `?order=&ticket=`), the activity page's filters, and `load_settings`.
A recording transport in front of the sandbox lists every host a request was sent to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from actions.assistant import Assistant
from actions.errors import ActionError, ConfigError, InputError
from actions.links import deep_link, validate_ticket
from actions.sandbox import HOSTS
from actions.settings import load_settings
from kb.order_ref import MAX_INPUT_LENGTH, OrderRefError, parse_order_ref
from pages._ui import ACTIVITY_ORDER, ACTIVITY_TICKET, ASSISTANT_KEY, LOOK_UP, ORDER_BOX, TICKET_BOX
from tests.conftest import APPTEST_TIMEOUT
from tests.app.conftest import headings, open_panels
from tests.evidence.conftest import TRACEBACK, make_assistant, new_sandbox

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
SHOP = "cancel-assist-demo.myshopify.com"
EVIL = "evil.example"

BAD_ORDERS = {
    "empty": "",
    "blank": "   \t ",
    "very long": "1" * 5000,
    "long name": "#" + "A1" * 150,
    "unicode letters": "заказ №1001",
    "fullwidth digits": "＃１００１",
    "right-to-left override": "#1001\u202e",
    "null byte": "1001\x00",
    "emoji": "🧾1001",
    "html": "<script>alert(1)</script>",
    "html attribute": '"><img src=x onerror=alert(1)>',
    "markdown image": f"![x](https://{EVIL}/pixel.png)",
    "markdown link": f"[#1001](https://{EVIL}/phish)",
    "sql": "1001' OR '1'='1",
    "sql statement": "1001; DROP TABLE activity;--",
    "path": "../../etc/passwd",
    "windows path": "..\\..\\windows\\win.ini",
    "gid of a customer": "gid://shopify/Customer/5500000001001",
    "gid without a number": "gid://shopify/Order/abc",
    "gid with a path": "gid://shopify/Order/1/../../Shop/1",
    "url of another shop": "https://admin.shopify.com/store/other-shop/orders/5500000001001",
    "legacy url of another shop": "https://other-shop.myshopify.com/admin/orders/5500000001001",
    "url of another host": f"https://{EVIL}/admin/orders/5500000001001",
    "shop as a subdomain of evil": f"https://{SHOP}.{EVIL}/admin/orders/5500000001001",
    "url with userinfo": f"https://user:pw@{SHOP}/admin/orders/5500000001001",
    "url with a port": f"https://{SHOP}:8443/admin/orders/5500000001001",
    "javascript url": "javascript:alert(1)",
    "query string": "1001?order=1002&ticket=x",
    "negative": "-1001",
    "zero id": "0000000000",
    "huge id": "9" * 40,
}
BAD_TICKETS = {
    "html": "<b>ZD</b>",
    "markdown image": f"![x](https://{EVIL}/t.png)",
    "space": "ZD 42",
    "too long": "Z" * 65,
    "sql": "ZD'--",
    "newline": "ZD-1\nX",
    "unicode": "ЗД-42",
    "path": "../ZD",
}
_ORDER_VALUE = re.compile(r"^(#?[A-Za-z0-9][A-Za-z0-9._-]{0,39}|gid://shopify/Order/[1-9]\d{0,19})$")


class RecordingTransport(httpx.BaseTransport):
    """Writes down the host of every request, then lets the sandbox answer it."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.hosts: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.append(request.url.host)
        return self.inner.handle_request(request)


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[tuple[Assistant, RecordingTransport]]:
    sandbox = new_sandbox()
    transport = RecordingTransport(sandbox.transport)
    yield make_assistant(tmp_path, sandbox=sandbox, http=httpx.Client(transport=transport)), transport


def _only_configured_hosts(hosts: list[str]) -> None:
    assert set(hosts) <= set(HOSTS), f"a request left for {set(hosts) - set(HOSTS)}"


def _clear(message: str, bad: str) -> None:
    assert message.strip()
    assert not TRACEBACK.search(message), message
    assert len(message) < 600, "a message, not a dump"
    if len(bad) > 100:
        assert bad[:100] not in message, "never echoes more than 80 characters of input"


# --- the order reference, the ticket, the deep link ---------------------------------------------------


@pytest.mark.parametrize("bad", BAD_ORDERS.values(), ids=BAD_ORDERS.keys())
def test_a_bad_order_reference_is_refused_in_words_or_read_as_a_plain_order_name(bad: str) -> None:
    try:
        ref = parse_order_ref(bad, shop=SHOP)
    except OrderRefError as exc:
        _clear(str(exc), bad)
    else:
        assert _ORDER_VALUE.fullmatch(ref.value), f"{bad!r} became {ref.value!r}"


def test_a_reference_longer_than_the_limit_is_refused_before_anything_else() -> None:
    with pytest.raises(OrderRefError, match="too long"):
        parse_order_ref("#1" + "0" * MAX_INPUT_LENGTH)


@pytest.mark.parametrize("bad", BAD_TICKETS.values(), ids=BAD_TICKETS.keys())
def test_a_bad_ticket_id_is_refused_in_words(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_ticket(bad)
    _clear(str(caught.value), bad)
    with pytest.raises(InputError):
        deep_link("http://localhost:8501", "1001", bad)


@pytest.mark.parametrize("bad", BAD_ORDERS.values(), ids=BAD_ORDERS.keys())
def test_a_deep_link_is_only_ever_made_of_a_clean_order_and_ticket(bad: str) -> None:
    try:
        link = deep_link("http://localhost:8501", bad, "ZD-42", shop=SHOP)
    except InputError as exc:
        _clear(str(exc), bad)
    else:
        assert re.fullmatch(r"http://localhost:8501/\?order=[A-Za-z0-9._%-]+&ticket=ZD-42", link), link


# --- the assistant and the CLI --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_ORDERS.values(), ids=BAD_ORDERS.keys())
def test_the_assistant_answers_bad_input_in_words_and_asks_only_the_shop_and_suppliers(recorded, bad: str) -> None:
    assistant, transport = recorded
    try:
        lookup = assistant.look_up(bad)
    except ActionError as exc:
        _clear(str(exc), bad)
    else:
        assert lookup.state.shopify.name.startswith("#")
    _only_configured_hosts(transport.hosts)
    assert not [r for r in assistant.sandbox.requests if r.is_write]


@pytest.mark.parametrize("bad", [BAD_ORDERS[k] for k in ("html", "sql statement", "path", "url of another host",
                                                          "gid of a customer", "very long", "null byte")])
def test_the_cli_answers_bad_input_with_one_sentence_and_exit_status_2(bad: str, capsys, tmp_path: Path) -> None:
    from actions.cli import EXIT_REFUSED, main

    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}
    assert main(["status", bad], env=env) == EXIT_REFUSED
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("cancel-assist: ") and err.count("\n") == 1
    _clear(err, bad)


def test_the_cli_refuses_a_bad_ticket_before_cancelling_anything(capsys, tmp_path: Path) -> None:
    from actions.cli import EXIT_REFUSED, main

    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}
    code = main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--ticket", "<b>x</b>", "--yes"], env=env)
    assert code == EXIT_REFUSED
    assert "not a ticket id" in capsys.readouterr().err
    main(["status", "1011", "--json"], env=env)
    assert '"cancelled": false' in capsys.readouterr().out


# --- shop domains and settings ------------------------------------------------------------------------------

BAD_SHOPS = [
    EVIL, f"{SHOP}.{EVIL}", f"x.myshopify.com.{EVIL}", "127.0.0.1", "169.254.169.254", "[::1]", "10.0.0.1:8080",
    f"{SHOP}:8443", f"https://{SHOP}:443", f"https://user:pw@{SHOP}", f"https://{EVIL}@{SHOP}",
    f"https://{SHOP}@{EVIL}", f"{SHOP}/admin", f"https://{SHOP}/?x=1", f"https://{SHOP}#@{EVIL}",
    f"{SHOP}\n{EVIL}", f"{SHOP}%2F@{EVIL}", "myshopify.com", ".myshopify.com", "-x.myshopify.com",
    "x" * 70 + ".myshopify.com", "ftp://x.myshopify.com", "", "ｘ.myshopify.com",
]
TOKEN = "shpat_super_secret_0123456789"


@pytest.mark.parametrize("shop", BAD_SHOPS)
def test_a_shop_that_is_not_a_myshopify_domain_is_refused_and_the_token_is_never_shown(shop: str) -> None:
    try:
        settings = load_settings({"shopify": {"shop": shop, "access_token": TOKEN}}, {})
    except ConfigError as exc:
        assert TOKEN not in str(exc)
        _clear(str(exc), shop)
    else:  # accepted only as the token-less sandbox (a blank shop means "not configured")
        assert settings.shopify is None and settings.mode == "sandbox", f"{shop!r} was accepted"


@pytest.mark.parametrize("shop", [SHOP, SHOP.upper(), f"https://{SHOP}", f"https://{SHOP}/", f"  {SHOP}  "])
def test_a_good_shop_domain_in_any_usual_form_means_requests_go_to_that_shop_only(shop: str) -> None:
    settings = load_settings({"shopify": {"shop": shop, "access_token": TOKEN}}, {})
    assert settings.shopify is not None
    assert httpx.URL(settings.shopify.graphql_url).host == SHOP
    assert TOKEN not in repr(settings)


MALFORMED_SETTINGS: dict[str, dict[str, Any]] = {
    "shopify is not a table": {"shopify": "cancel-assist-demo.myshopify.com"},
    "app section is not a table": {"cancel_assist": ["sandbox"]},
    "token without a shop": {"shopify": {"access_token": TOKEN}},
    "shop as a number": {"shopify": {"shop": 1001, "access_token": TOKEN}},
    "bad api version": {"shopify": {"shop": SHOP, "access_token": TOKEN, "api_version": "2026-13"}},
    "note attributes as a number": {"shopify": {"shop": SHOP, "access_token": TOKEN, "supplier_note_attributes": 5}},
    "aliexpress key only": {"aliexpress": {"app_key": "k"}},
    "aliexpress base url with a password": {"aliexpress": {"app_key": "k", "app_secret": TOKEN, "access_token": "t",
                                                           "api_base_url": f"https://u:p@{EVIL}"}},
    "cj base url not http": {"cjdropshipping": {"api_key": TOKEN, "api_base_url": "file:///etc/passwd"}},
    "markdown in the shop": {"shopify": {"shop": f"![x](https://{EVIL}/s.png)", "access_token": TOKEN}},
}


@pytest.mark.parametrize("secrets", MALFORMED_SETTINGS.values(), ids=MALFORMED_SETTINGS.keys())
def test_malformed_settings_are_a_config_error_in_words_never_a_crash(secrets: dict[str, Any]) -> None:
    try:
        load_settings(secrets, {})
    except ConfigError as exc:
        assert TOKEN not in str(exc)
        _clear(str(exc), "")


# --- the pages ------------------------------------------------------------------------------------------------------

_LINK = re.compile(r"(?<!\\)\]\s*\(")  # a live Markdown link or image: the browser would fetch or follow it
_HTML = re.compile(r"<\s*(script|img|b|a)\b", re.I)


def _rendered(at: AppTest) -> list[tuple[str, str, bool]]:
    """(element type, body, allow_html) of every element that renders Markdown."""
    out: list[tuple[str, str, bool]] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        kind = type(proto).__name__ if proto is not None else ""
        if kind == "Markdown":
            out.append(("markdown", proto.body, bool(proto.allow_html)))
        elif kind == "Alert":
            out.append(("alert", proto.body, False))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def _assert_inert(at: AppTest, bad: str) -> None:
    """The page ran, and nothing that came from outside renders as HTML or as a live link or image."""
    assert not at.exception, at.exception
    for kind, body, allow_html in _rendered(at):
        if EVIL in body or "<script" in body.lower() or "<b>" in body.lower():
            assert not (allow_html and _HTML.search(body)), f"{kind} renders raw HTML: {body[:120]!r}"
            assert not _LINK.search(body), f"{kind} renders outside input as a link or image: {body[:160]!r}"
    assert not TRACEBACK.search("\n".join(body for _, body, _ in _rendered(at)))


def _app(tmp_path: Path, query: dict[str, str] | None = None) -> tuple[AppTest, RecordingTransport, Assistant]:
    sandbox = new_sandbox()
    transport = RecordingTransport(sandbox.transport)
    assistant = make_assistant(tmp_path, sandbox=sandbox, http=httpx.Client(transport=transport))
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    at.secrets["cancel_assist"] = {"sandbox": True}
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.session_state[ASSISTANT_KEY] = assistant
    open_panels(at)  # the folded panels too: nothing in them may render what came in either
    return at.run(), transport, assistant


_PAGE_ORDERS = {k: BAD_ORDERS[k] for k in (
    "very long", "unicode letters", "html", "html attribute", "markdown image", "markdown link", "sql statement",
    "path", "gid of a customer", "url of another shop", "url of another host", "null byte")}


@pytest.mark.parametrize("bad", _PAGE_ORDERS.values(), ids=_PAGE_ORDERS.keys())
def test_a_deep_link_with_bad_params_shows_a_clear_error_and_nothing_it_contains_is_rendered(
    bad: str, tmp_path: Path
) -> None:
    at, transport, assistant = _app(tmp_path, {"order": bad, "ticket": BAD_TICKETS["markdown image"]})
    _assert_inert(at, bad)
    assert at.error, "the link's problem is said"
    _only_configured_hosts(transport.hosts)
    assert not [r for r in assistant.sandbox.requests if r.is_write]


@pytest.mark.parametrize("bad", _PAGE_ORDERS.values(), ids=_PAGE_ORDERS.keys())
def test_bad_input_in_the_order_box_shows_a_clear_error_and_nothing_it_contains_is_rendered(
    bad: str, tmp_path: Path
) -> None:
    at, transport, assistant = _app(tmp_path)
    at.text_input(key=ORDER_BOX).input(bad[:200])
    at.text_input(key=TICKET_BOX).input("ZD-42")
    at.button(key=LOOK_UP).click().run()
    _assert_inert(at, bad)
    assert at.error or headings(at), "either an error or an order's path is shown"
    _only_configured_hosts(transport.hosts)
    assert not [r for r in assistant.sandbox.requests if r.is_write]


@pytest.mark.parametrize("bad", [BAD_TICKETS["markdown image"], BAD_TICKETS["html"], BAD_ORDERS["markdown link"]])
def test_bad_activity_filters_show_a_clear_error_and_nothing_they_contain_is_rendered(bad: str, tmp_path: Path) -> None:
    at, _, _ = _app(tmp_path)
    at.switch_page("pages/activity.py").run()
    at.text_input(key=ACTIVITY_ORDER).input(bad[:200]).run()
    _assert_inert(at, bad)
    at.text_input(key=ACTIVITY_ORDER).input("").run()
    at.text_input(key=ACTIVITY_TICKET).input(bad[:64]).run()
    _assert_inert(at, bad)


@pytest.mark.parametrize("secrets", [
    {"shopify": {"shop": f"![x](https://{EVIL}/s.png)", "access_token": TOKEN}},
    {"shopify": {"shop": "<script>alert(1)</script>", "access_token": TOKEN}},
    {"shopify": "not a table"},
    {"cancel_assist": {"sandbox": True, "sandbox_faults": "<b>bogus</b>"}},
], ids=["markdown shop", "html shop", "not a table", "bad fault spec"])
def test_the_app_with_malformed_settings_says_it_cannot_start_and_renders_nothing_from_them(
    secrets: dict[str, Any],
) -> None:
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    for name, value in secrets.items():
        at.secrets[name] = value
    at.run()
    _assert_inert(at, "")
    assert any("cannot start" in e.value for e in at.error)
    assert TOKEN not in "\n".join(body for _, body, _ in _rendered(at))


def test_the_cli_with_a_malformed_fault_spec_says_so_in_one_sentence(capsys, tmp_path: Path) -> None:
    from actions.cli import main

    code = main(["status", "1001"], env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path),
                                         "CANCEL_ASSIST_SANDBOX_FAULTS": "bogus"})
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("cancel-assist: ") and "fault" in err
    _clear(err, "bogus")
