"""A snapshot of `decide()` over the states the exhaustive rule suites generate.

Taken before the rules were rewritten as data (issue 12), so a refactor of `kb/` proves it changed
nothing a merchant sees: per state the path, every step's id, status, action and target (stored as
they are, to read a difference), and a short hash of the whole walkthrough (every word, title,
warning and citation). Per suite, one hash of the generated states says the generators themselves
did not move (a different state would make any comparison meaningless).

    .venv/bin/python -m tests.kb.verdict_snapshot     # rewrite the snapshot (only for a wanted change)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import lzma
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from kb.paths import decide
from kb.state import (
    DisplayFinancialStatus,
    DisplayFulfillmentStatus,
    Dispute,
    FulfillmentOrderRequestStatus,
    FulfillmentOrderStatus,
    OrderState,
    SupplierStatus,
)
from kb.walkthrough import Walkthrough
from tests.kb.states import (
    fulfillment_order,
    held_fulfillment_order,
    money,
    order,
    random_order_state,
    shopify_order,
    supplier_order,
)

__all__ = ["SNAPSHOT", "SUITES", "line_of", "read_snapshot", "states_hash", "write_snapshot"]

SNAPSHOT = Path(__file__).parent / "data" / "verdicts.jsonl.xz"

D = DisplayFulfillmentStatus
R = FulfillmentOrderRequestStatus
FS = FulfillmentOrderStatus


# The generators of tests/kb/test_paths_exhaustive.py, state for state (that file stays as it was).

def _single_supplier() -> Iterator[OrderState]:
    for status, display, request, cancelled, actions in itertools.product(
        [*SupplierStatus, None, "ruled_out"], D, R, (False, True), ("reported", "none")
    ):
        fo = fulfillment_order(request, supported_actions=None if actions == "reported" else ())
        shopify = shopify_order(display, fulfillment_orders=[fo], cancelled=cancelled)
        suppliers = () if status in (None, "ruled_out") else (supplier_order(status),)
        yield order(shopify, *suppliers, ruled_out=status == "ruled_out")


def _fulfillment_orders() -> Iterator[OrderState]:
    for fo_status, request, display, cancelled in itertools.product(FS, R, D, (False, True)):
        fo = fulfillment_order(request, status=fo_status)
        shopify = shopify_order(display, fulfillment_orders=[fo], cancelled=cancelled)
        yield order(shopify, supplier_order(SupplierStatus.CANCELLED))


def _split_orders() -> Iterator[OrderState]:
    for first, second, display, cancelled in itertools.product(SupplierStatus, SupplierStatus, D, (False, True)):
        yield order(shopify_order(display, cancelled=cancelled),
                    supplier_order(first, order_id="8100000000001"),
                    supplier_order(second, supplier="cjdropshipping", order_id="CJ2600000002"))


def _random_states() -> Iterator[OrderState]:
    rng = random.Random(20260302)
    for _ in range(10_000):
        yield random_order_state(rng)


_MONEY_SHAPES: dict[str, dict[str, object]] = {
    "paid": {},
    "cash-on-delivery": {"financial": DisplayFinancialStatus.PENDING, "manual_payment": True},
    "pending-provider": {"financial": DisplayFinancialStatus.PENDING},
    "partly-refunded": {"financial": DisplayFinancialStatus.PARTIALLY_REFUNDED},
    "refunded": {"financial": DisplayFinancialStatus.REFUNDED},
    "chargeback": {"disputes": (Dispute(id="gid://shopify/ShopifyPaymentsDispute/1", initiated_as="CHARGEBACK",
                                        status="NEEDS_RESPONSE"),)},
    "other-currency": {"currency_paid": money("45.10", "EUR")},
}


def _payment_shapes() -> Iterator[OrderState]:
    for shape, status, display, cancelled, notified, held in itertools.product(
        _MONEY_SHAPES, [*SupplierStatus, None], D, (False, True), (None, True, False), (False, True)
    ):
        fos = [held_fulfillment_order(reason="HIGH_RISK_OF_FRAUD")] if held else None
        shopify = shopify_order(display, fulfillment_orders=fos, cancelled=cancelled,
                                **_MONEY_SHAPES[shape])  # type: ignore[arg-type]  # the suite's own shapes
        suppliers = () if status is None else (supplier_order(status),)
        yield order(shopify, *suppliers).model_copy(update={"customer_notified": notified})


def _silent_service() -> Iterator[OrderState]:
    for hours, actions, display, status in itertools.product(
        (None, 1, 47.9, 48, 300), ("reported", "none"), (D.IN_PROGRESS, D.UNFULFILLED),
        [SupplierStatus.CANCELLED, SupplierStatus.AWAITING_SHIPMENT, None]
    ):
        fo = fulfillment_order(R.CANCELLATION_REQUESTED, asked_hours_ago=hours,
                               supported_actions=None if actions == "reported" else ())
        suppliers = () if status is None else (supplier_order(status),)
        yield order(shopify_order(display, fulfillment_orders=[fo]), *suppliers)


SUITES: dict[str, Callable[[], Iterator[OrderState]]] = {
    "single_supplier": _single_supplier,
    "fulfillment_orders": _fulfillment_orders,
    "split_orders": _split_orders,
    "random_states": _random_states,
    "payment_shapes": _payment_shapes,
    "silent_service": _silent_service,
}


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def line_of(state: OrderState, w: Walkthrough) -> str:
    """`path|step:status:action:target ...|hash of everything`: the verdict readable, the words hashed.

    A target is named by its place in the state (`order`, `fo1`, `so2`), not its id: the random
    states' ids would otherwise make most of the file.
    """
    places = {state.shopify.id: "order"}
    places.update({fo.id: f"fo{i}" for i, fo in enumerate(state.shopify.fulfillment_orders, 1)})
    places.update({so.order_id: f"so{i}" for i, so in enumerate(state.suppliers, 1)})
    steps = " ".join(f"{s.step_id}:{s.status.value}:{s.action or ''}:{places.get(s.target, s.target) if s.target else ''}"
                     for s in w.steps)
    return f"{w.path.value}|{steps}|{_short_hash(w.model_dump_json())}"


def states_hash(states: list[OrderState]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for state in states:
        digest.update(state.model_dump_json().encode())
    return digest.hexdigest()


def read_snapshot() -> dict[str, dict[str, object]]:
    """suite -> {"states": hash, "lines": [line per state]}."""
    suites: dict[str, dict[str, object]] = {}
    with lzma.open(SNAPSHOT, "rt", encoding="utf-8") as lines:
        for raw in lines:
            record = json.loads(raw)
            suites[record["suite"]] = record
    return suites


def write_snapshot() -> int:
    SNAPSHOT.parent.mkdir(exist_ok=True)
    count = 0
    # xz holds the 13 MB of lines in about 150 kB (gzip: 240 kB); the same lines give the same bytes.
    with lzma.open(SNAPSHOT, "wb", preset=9 | lzma.PRESET_EXTREME) as xz:
        for name, generate in SUITES.items():
            states = list(generate())
            lines = [line_of(state, decide(state)) for state in states]
            count += len(lines)
            record = {"suite": name, "count": len(states), "states": states_hash(states), "lines": lines}
            xz.write((json.dumps(record) + "\n").encode())
    return count


if __name__ == "__main__":
    print(f"{write_snapshot()} states -> {SNAPSHOT} ({SNAPSHOT.stat().st_size} bytes)")
