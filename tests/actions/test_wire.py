"""actions.wire.send hands every client an answer whose secrets are already masked; redact masks, then cuts."""

from __future__ import annotations

import httpx
import pytest

from actions.errors import MASK, redact
from actions.wire import NotSent, json_object, send

SECRET = "CJUserNum@api@9a8b7c6d5e4f/3a2b1c0d9e8f"


def _send(response: httpx.Response) -> httpx.Response:
    http = httpx.Client(transport=httpx.MockTransport(lambda request: response))
    return send(lambda: http.get("https://api.example/x"), system="test", title="Test", secrets=[SECRET, None])


def test_a_secret_in_a_header_or_the_body_is_masked_before_the_client_reads_it() -> None:
    answer = _send(httpx.Response(401, headers={"X-Request-Id": f"req-{SECRET}"},
                                  json={"requestId": SECRET, "message": f"bad key {SECRET}"}))
    assert answer.status_code == 401
    assert answer.headers["X-Request-Id"] == f"req-{MASK}"
    assert json_object(answer) == {"requestId": MASK, "message": f"bad key {MASK}"}
    assert SECRET not in answer.text


@pytest.mark.parametrize("echo", [SECRET.replace("/", "\\/"), SECRET.replace("@", "%40").replace("/", "%2F")],
                         ids=["json-escaped", "url-encoded"])
def test_a_secret_echoed_in_an_escaped_form_is_masked_too(echo: str) -> None:
    answer = _send(httpx.Response(400, text=f'{{"requestId": "{echo}"}}'))
    assert "9a8b7c6d5e4f" not in answer.text


def test_an_answer_without_secrets_is_handed_over_as_it_came() -> None:
    original = httpx.Response(200, json={"data": {"order": "#1001"}})
    assert _send(original) is original


def test_a_masked_answer_still_reads_as_json_in_its_own_encoding() -> None:
    body = f'{{"note": "Grüße", "id": "{SECRET}"}}'.encode()
    answer = _send(httpx.Response(200, headers={"Content-Type": "application/json; charset=utf-8"}, content=body))
    assert json_object(answer) == {"note": "Grüße", "id": MASK}


def test_redact_masks_first_then_cuts_so_no_part_of_a_secret_survives_the_cut() -> None:
    text = "x" * 30 + SECRET
    cut = redact(text, [SECRET], limit=40)
    assert cut == ("x" * 30 + MASK)[:40]
    assert SECRET[:8] not in cut


@pytest.mark.parametrize("url", ["https://api.exa\tmple.com/x", "ftp://api.example/x"])
def test_an_address_httpx_refuses_to_build_is_not_sent_never_a_crash(url: str) -> None:
    http = httpx.Client()  # the real transport: both fail before any connection is tried
    with pytest.raises(NotSent, match="not a valid URL"):
        send(lambda: http.get(url), system="test", title="Test", secrets=[])
