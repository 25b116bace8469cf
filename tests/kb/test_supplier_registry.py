"""A supplier's registry entry is all the rules need: swap one entry and every rule and sentence follows it.

The entry under test replaces CJ Dropshipping's by a made-up marketplace ("Temu" here): other ids, another
site, its own status map, cancel channels and seller rules. Nothing else changes, so any rule that named
a supplier instead of reading its entry would show CJ's behaviour or words below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

import kb.suppliers
from kb.hand_check import HandStatus, hand_checked_state
from kb.paths import decide
from kb.state import CancelChannel, SupplierName, SupplierOrderState, SupplierStatus
from kb.suppliers import SUPPLIERS, SupplierRules, cancel_channel, check_order_id, supplier_of_id, supplier_order_url
from kb.walkthrough import ActionId, PathId, StepStatus
from tests.kb.states import order, shopify_order

S = SupplierStatus
_TEMU = SupplierRules(
    name="cjdropshipping",
    title="Temu",
    aliases=(),
    id_pattern=re.compile(r"^PO-[0-9]{3}-[0-9]{6,20}$"),
    id_shape="PO numbers such as PO-211-123456",
    signature=re.compile(r"PO-"),
    order_url="https://www.temu.example/orders.html?parent_order_sn={order_id}",
    normalize=lambda raw, **_: {"UNPAID": S.PLACED_UNPAID, "TO_SHIP": S.AWAITING_SHIPMENT,
                                "CANCELLING": S.CANCEL_REQUESTED}.get(raw or "", S.UNKNOWN),
    channels={
        S.PLACED_UNPAID: (CancelChannel.API, "Unpaid: Temu cancels it at once."),
        S.AWAITING_SHIPMENT: (CancelChannel.API, "Paid, not shipped: Temu cancels it through its API."),
    },
    seller_approves=True,
    closes_unanswered_after=timedelta(hours=48),
)
_ID = "PO-211-1234567"


@pytest.fixture()
def temu(monkeypatch: pytest.MonkeyPatch) -> Iterator[SupplierRules]:
    monkeypatch.setitem(kb.suppliers._ENTRIES, "cjdropshipping", _TEMU)
    yield _TEMU


def _temu_order(raw: str) -> SupplierOrderState:
    name: SupplierName = "cjdropshipping"
    status = SUPPLIERS[name].normalize(raw)
    channel, note = cancel_channel(name, status)
    return SupplierOrderState(supplier=name, order_id=check_order_id(name, _ID), status=status, raw_status=raw,
                              cancel_channel=channel, cancel_note=note, order_url=supplier_order_url(name, _ID))


def test_ids_urls_status_map_and_channels_come_from_the_entry(temu: SupplierRules) -> None:
    assert supplier_order_url("cjdropshipping", _ID) == f"https://www.temu.example/orders.html?parent_order_sn={_ID}"
    assert supplier_of_id(_ID) == "cjdropshipping" and supplier_of_id("CJ2603021234") is None
    with pytest.raises(ValueError, match="Temu order ids are PO numbers"):
        check_order_id("cjdropshipping", "CJ2603021234")
    paid = _temu_order("TO_SHIP")
    assert (paid.status, paid.cancel_channel) == (S.AWAITING_SHIPMENT, CancelChannel.API)


def test_the_walkthrough_offers_the_entrys_cancel_and_speaks_of_it_by_its_title(temu: SupplierRules) -> None:
    w = decide(order(shopify_order(), _temu_order("TO_SHIP")))
    assert w.path is PathId.CANCELLABLE
    step = w.next_step
    assert step is not None and (step.step_id, step.action) == ("supplier-cancel", ActionId.CANCEL_SUPPLIER)
    assert f"Temu order {_ID} has not shipped" in step.reason and "Temu cancels it through its API" in step.reason
    assert "CJ" not in w.model_dump_json()


def test_a_marketplace_whose_sellers_answer_cancellations_gets_the_sellers_wait_and_its_own_deadline(
        temu: SupplierRules) -> None:
    w = decide(order(shopify_order(), _temu_order("CANCELLING")))
    assert w.path is PathId.CANCELLATION_PENDING
    wait = next(s for s in w.steps if s.step_id == "supplier-confirm-cancelled")
    assert wait.status is StepStatus.NEXT
    assert wait.reason.startswith(f"Waiting for the seller to approve the cancellation of Temu order {_ID}")
    assert "within 48 hours, Temu closes the order and refunds you" in wait.reason
    assert "Temu closes an order and refunds you if the seller does not answer a cancellation within 48 hours" in (
        w.explanation)


def test_a_check_by_hand_links_to_the_entrys_site(temu: SupplierRules) -> None:
    checked = hand_checked_state("cjdropshipping", _ID, HandStatus.AWAITING_SHIPMENT,
                                 datetime(2026, 3, 3, tzinfo=UTC))
    assert checked.order_url is not None and checked.order_url.startswith("https://www.temu.example/")
    assert "cancel it on Temu's site" in (checked.cancel_note or "")


def test_every_supplier_name_has_exactly_one_entry() -> None:
    from typing import get_args

    assert set(SUPPLIERS) == set(get_args(SupplierName))
    assert all(name == rules.name for name, rules in SUPPLIERS.items())
