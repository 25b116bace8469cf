"""All supplier orders of an order are read at once; a failed read is shown, never raised; secrets never leak."""

from __future__ import annotations

import logging
import threading
import traceback

import httpx
import pytest

from actions.aliexpress import AliExpressClient
from actions.cjdropshipping import CJClient
from actions.errors import ActionError, InputError, NotFoundError
from actions.settings import AliExpressSettings, CJSettings
from actions.suppliers import SupplierClient, SupplierRefused, UnconfiguredSupplier, read_supplier_orders
from kb.state import CancelChannel, SupplierOrderState, SupplierRef, SupplierStatus
from tests.actions.supplier_payloads import (
    Recorder,
    ae_error,
    ae_order,
    ae_success,
    cj_error,
    cj_ok,
    cj_order_detail,
    cj_token,
    json_response,
)

S = SupplierStatus
AE_ID, AE_ID_2, CJ_ID = "3041872215631001", "3041872215631002", "CJ2604221009"


def ae_settings(secret: str = "ae-secret", session: str = "ae-session") -> AliExpressSettings:
    return AliExpressSettings(app_key="34567890", app_secret=secret, access_token=session)


def cj_settings(key: str = "cj-key") -> CJSettings:
    return CJSettings(api_key=key)


class StubClient:
    """A supplier client answering from a table, optionally failing, for the protocol-level tests."""

    def __init__(self, supplier: str, answers: dict[str, SupplierStatus | ActionError | Exception]) -> None:
        self.supplier = supplier
        self.request_count = 0
        self.answers = answers

    def order_url(self, order_id: str) -> str:
        return f"https://supplier.example/{order_id}"

    def read_order(self, order_id: str) -> SupplierOrderState:
        self.request_count += 1
        answer = self.answers[order_id]
        if isinstance(answer, Exception):
            raise answer
        return SupplierOrderState(supplier=self.supplier, order_id=order_id, status=answer)  # type: ignore[arg-type]

    def cancel(self, order_id: str) -> SupplierOrderState:
        raise SupplierRefused("no", url=self.order_url(order_id))


def test_the_adapters_and_the_placeholder_speak_the_supplier_protocol() -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    for client in (AliExpressClient(http, ae_settings()), CJClient(http, cj_settings()), UnconfiguredSupplier("aliexpress")):
        assert isinstance(client, SupplierClient)


def test_results_come_back_in_the_order_of_the_references() -> None:
    clients = {
        "aliexpress": StubClient("aliexpress", {AE_ID: S.SHIPPED, AE_ID_2: S.CANCELLED}),
        "cjdropshipping": StubClient("cjdropshipping", {CJ_ID: S.AWAITING_SHIPMENT}),
    }
    refs = [SupplierRef(supplier="cjdropshipping", order_id=CJ_ID), SupplierRef(supplier="aliexpress", order_id=AE_ID),
            SupplierRef(supplier="aliexpress", order_id=AE_ID_2)]
    states = read_supplier_orders(clients, refs)  # type: ignore[arg-type]
    assert [(s.order_id, s.status) for s in states] == [(CJ_ID, S.AWAITING_SHIPMENT), (AE_ID, S.SHIPPED),
                                                        (AE_ID_2, S.CANCELLED)]


def test_no_references_means_no_reads() -> None:
    assert read_supplier_orders({}, []) == ()


def test_reads_of_several_supplier_orders_are_in_flight_at_the_same_time() -> None:
    # Each request waits at a barrier for the other: read one after the other, the barrier breaks.
    barrier = threading.Barrier(2, timeout=5)

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/getAccessToken"):
            return json_response(cj_token("cj-access"))
        barrier.wait()
        if "cjdropshipping" in request.url.host:
            return json_response(cj_ok(cj_order_detail(CJ_ID, "UNSHIPPED")))
        return json_response(ae_success(ae_order("WAIT_BUYER_ACCEPT_GOODS")))

    http = httpx.Client(transport=httpx.MockTransport(route))
    clients = {"aliexpress": AliExpressClient(http, ae_settings(), sleep=lambda _: None),
               "cjdropshipping": CJClient(http, cj_settings(), sleep=lambda _: None)}
    refs = [SupplierRef(supplier="aliexpress", order_id=AE_ID), SupplierRef(supplier="cjdropshipping", order_id=CJ_ID)]
    states = read_supplier_orders(clients, refs)  # type: ignore[arg-type]
    assert [s.read_error for s in states] == [None, None]
    assert [s.status for s in states] == [S.SHIPPED, S.AWAITING_SHIPMENT]


def test_a_failed_read_becomes_an_unknown_order_with_the_reason_and_the_link() -> None:
    clients = {
        "aliexpress": StubClient("aliexpress", {
            AE_ID: NotFoundError(f"AliExpress has no order {AE_ID} in this account", request_id="rid-1"),
            AE_ID_2: S.PLACED_UNPAID,
        }),
    }
    refs = [SupplierRef(supplier="aliexpress", order_id=AE_ID), SupplierRef(supplier="aliexpress", order_id=AE_ID_2)]
    failed, ok = read_supplier_orders(clients, refs)  # type: ignore[arg-type]

    assert failed.status is S.UNKNOWN
    assert failed.cancel_channel is CancelChannel.NONE
    assert failed.read_error == f"AliExpress has no order {AE_ID} in this account (request id rid-1)"
    assert failed.order_url == f"https://www.aliexpress.com/p/order/detail.html?orderId={AE_ID}"
    assert ok.status is S.PLACED_UNPAID


def test_an_unexpected_crash_in_a_read_is_contained_and_not_echoed() -> None:
    clients = {"aliexpress": StubClient("aliexpress", {AE_ID: KeyError("internal detail ae-secret")})}
    (state,) = read_supplier_orders(clients, [SupplierRef(supplier="aliexpress", order_id=AE_ID)])  # type: ignore[arg-type]
    assert state.status is S.UNKNOWN
    assert state.read_error is not None and "internal detail" not in state.read_error


def test_a_supplier_without_a_client_is_reported_as_not_connected() -> None:
    (state,) = read_supplier_orders({}, [SupplierRef(supplier="cjdropshipping", order_id=CJ_ID)])
    assert state.status is S.UNKNOWN
    assert state.read_error == "CJ Dropshipping is not connected"


def test_an_invalid_supplier_id_becomes_an_unknown_order_without_a_link() -> None:
    clients = {"aliexpress": AliExpressClient(httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))),
                                              ae_settings())}
    (state,) = read_supplier_orders(clients, [SupplierRef(supplier="aliexpress", order_id="CJ2604221009")])
    assert state.status is S.UNKNOWN and state.order_url is None
    assert state.read_error is not None and "digits" in state.read_error


# --- unconfigured suppliers in live mode --------------------------------------------------------


def test_an_unconfigured_supplier_asks_the_merchant_to_check_by_hand_and_links_the_order() -> None:
    client = UnconfiguredSupplier("aliexpress")
    state = client.read_order(AE_ID)
    assert state.status is S.UNKNOWN
    assert state.cancel_channel is CancelChannel.NONE
    assert state.read_error is not None and "check it by hand on AliExpress" in state.read_error
    assert state.order_url == client.order_url(AE_ID)
    assert client.request_count == 0


def test_an_unconfigured_supplier_refuses_to_cancel_and_gives_the_link() -> None:
    client = UnconfiguredSupplier("cjdropshipping")
    with pytest.raises(SupplierRefused) as info:
        client.cancel(CJ_ID)
    assert info.value.url == client.order_url(CJ_ID)
    assert info.value.url in str(info.value)


def test_an_unconfigured_supplier_still_validates_the_order_id() -> None:
    with pytest.raises(InputError):
        UnconfiguredSupplier("aliexpress").read_order("not-an-id")


# --- secrets ------------------------------------------------------------------------------------

AE_SECRET = "AESECRET-7f3a9c1e5b2d48e6a0c4f1b9d7e2a5c3-never-show"
AE_SESSION = "AESESSION-50000a01b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6-never-show"
CJ_KEY = "CJKEY-CJUserNum@api@9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d-never-show"
CJ_ACCESS = "CJACCESS-eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.never-show"
CJ_REFRESH = "CJREFRESH-eyJhbGciOiJIUzI1NiJ9.cmVmcmVzaC10b2tlbg.never-show"
SECRETS = (AE_SECRET, AE_SESSION, CJ_KEY, CJ_ACCESS, CJ_REFRESH)


def _echoing(message: str, secrets: tuple[str, ...]) -> dict:
    """A buggy server that echoes back the secrets it received, in its error text."""
    return {"text": f"{message} {' '.join(secrets)}"}


def _ae(message: str) -> dict:
    return _echoing(message, (AE_SECRET, AE_SESSION))


def _cj(message: str) -> dict:
    return _echoing(message, (CJ_KEY, CJ_ACCESS, CJ_REFRESH))


AE_SCENARIOS = {
    "permission": lambda r: json_response(ae_error("isv.insufficient-permission", sub_msg=_ae("no")["text"])),
    "not-yours": lambda r: json_response(ae_error("isv.invalid-authorization", sub_msg=_ae("not yours")["text"])),
    "bad-token": lambda r: json_response({"type": "ISV", "code": "IllegalAccessToken",
                                          "message": _ae("bad token")["text"], "request_id": "r"}),
    "unknown": lambda r: json_response(ae_error("isv.param-error", sub_msg=_ae("bad param")["text"])),
    "busy": lambda r: json_response(ae_error("isp.service-unavailable", sub_msg=_ae("busy")["text"])),
    "5xx": lambda r: httpx.Response(502, text=_ae("gateway")["text"]),
    "timeout": lambda r: (_ for _ in ()).throw(httpx.ReadTimeout(_ae("timed out")["text"])),
    "not-json": lambda r: httpx.Response(200, text=_ae("<html>")["text"]),
    "ok": lambda r: json_response(ae_success(ae_order("WAIT_SELLER_SEND_GOODS"))),
}


def _cj_route(detail: object):
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/getAccessToken"):
            return json_response(cj_token(CJ_ACCESS, refresh=CJ_REFRESH))
        if request.url.path.endswith("/refreshAccessToken"):
            return json_response(cj_error(1600001, _cj("refresh refused")["text"]))
        if isinstance(detail, Exception):
            raise detail
        return detail if isinstance(detail, httpx.Response) else json_response(detail)
    return route


CJ_SCENARIOS = {
    "auth": _cj_route(cj_error(1600001, _cj("Invalid token")["text"])),
    "not-found": _cj_route(cj_error(1600300, _cj("not found")["text"])),
    "too-many": _cj_route(cj_error(1600200, _cj("Too Many Requests")["text"])),
    "unknown": _cj_route(cj_error(1600100, _cj("Param error")["text"])),
    "5xx": _cj_route(httpx.Response(500, text=_cj("oops")["text"])),
    "timeout": _cj_route(httpx.ConnectTimeout(_cj("connect timeout")["text"])),
    "ok-unpaid": _cj_route(cj_ok(cj_order_detail(CJ_ID, "UNPAID"))),
    "ok-shipped": _cj_route(cj_ok(cj_order_detail(CJ_ID, "SHIPPED"))),
}


def _exposed(*texts: str) -> list[str]:
    blob = "\n".join(texts)
    return [s[:12] for s in SECRETS if s in blob or s.split("-never")[0] in blob]


@pytest.mark.parametrize("scenario", sorted(AE_SCENARIOS))
def test_aliexpress_secrets_never_reach_an_error_a_log_or_a_result(scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    http = httpx.Client(transport=httpx.MockTransport(AE_SCENARIOS[scenario]))
    client = AliExpressClient(http, ae_settings(AE_SECRET, AE_SESSION), sleep=lambda _: None)
    texts = _run_everything(client, AE_ID)
    texts += [caplog.text, *(r.getMessage() for r in caplog.records)]
    assert _exposed(*texts) == []


@pytest.mark.parametrize("scenario", sorted(CJ_SCENARIOS))
def test_cj_secrets_and_tokens_never_reach_an_error_a_log_or_a_result(scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    http = httpx.Client(transport=httpx.MockTransport(CJ_SCENARIOS[scenario]))
    client = CJClient(http, cj_settings(CJ_KEY), sleep=lambda _: None)
    texts = _run_everything(client, CJ_ID)
    texts += [caplog.text, *(r.getMessage() for r in caplog.records), repr(client.__dict__)]
    assert _exposed(*texts) == []


def _run_everything(client: SupplierClient, order_id: str) -> list[str]:
    """Read, cancel and read-many; collect every text a merchant, a log or a record could see."""
    texts: list[str] = []
    for call in (client.read_order, client.cancel):
        try:
            texts.append(call(order_id).model_dump_json())
        except ActionError as exc:
            # The traceback too, as a log or a crash report would print it (causes and contexts included).
            texts += [str(exc), repr(exc), exc.message, repr(exc.args), "".join(traceback.format_exception(exc))]
    states = read_supplier_orders({client.supplier: client}, [SupplierRef(supplier=client.supplier, order_id=order_id)])
    texts += [s.model_dump_json() for s in states]
    return texts


def test_the_secret_scenarios_really_produce_errors_and_results() -> None:
    # Guard against a secrets test that passes because nothing happened.
    http = httpx.Client(transport=httpx.MockTransport(CJ_SCENARIOS["unknown"]))
    client = CJClient(http, cj_settings(CJ_KEY), sleep=lambda _: None)
    with pytest.raises(ActionError) as info:
        client.read_order(CJ_ID)
    assert "Param error" in str(info.value) and "[redacted]" in str(info.value)


# --- the same adapters against the sandbox (the simulated suppliers check signatures and tokens) -----


def test_the_adapters_read_and_cancel_through_the_sandbox_suppliers() -> None:
    from actions.sandbox import Sandbox

    sandbox = Sandbox()
    http = httpx.Client(transport=sandbox.transport)
    settings = sandbox.settings
    assert settings.aliexpress is not None and settings.cjdropshipping is not None
    clients = {"aliexpress": AliExpressClient(http, settings.aliexpress, sleep=lambda _: None),
               "cjdropshipping": CJClient(http, settings.cjdropshipping, sleep=lambda _: None)}
    refs = [SupplierRef(supplier="aliexpress", order_id="3041872215631001"),
            SupplierRef(supplier="cjdropshipping", order_id="CJ2604221009")]
    ae, cj = read_supplier_orders(clients, refs)  # type: ignore[arg-type]
    assert (ae.read_error, cj.read_error) == (None, None)
    assert ae.status is S.AWAITING_SHIPMENT and ae.cancel_channel is CancelChannel.MANUAL
    assert cj.status is S.PLACED_UNPAID and cj.cancel_channel is CancelChannel.API
    assert clients["cjdropshipping"].cancel("CJ2604221009").status is S.CANCELLED
