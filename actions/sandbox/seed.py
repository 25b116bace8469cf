"""The seeded demo store: one order per path, as data (the simulators hold no per-order code).

Every order name below is part of the interface (README, tests, the guide's demo links).
`build_seed()` returns a fresh JSON-serializable copy each time, so a reset can never share
state with a previous session.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = [
    "DEMO_ORDERS",
    "DEMO_PATHS",
    "SANDBOX_ACCESS_SCOPES",
    "SANDBOX_SHOP_NAME",
    "build_seed",
    "order_gid",
]

SANDBOX_SHOP_NAME = "Cancel Assist Demo"
SANDBOX_ACCESS_SCOPES = (
    "read_orders",
    "write_orders",
    "read_customers",
    "read_merchant_managed_fulfillment_orders",
    "write_merchant_managed_fulfillment_orders",
    "read_third_party_fulfillment_orders",
    "write_third_party_fulfillment_orders",
)

DEMO_ORDERS: Mapping[str, str] = MappingProxyType(
    {
        "#1001": "cancellable: unfulfilled on Shopify; the AliExpress order is paid and awaiting shipment",
        "#1002": "supplier_shipped: unfulfilled on Shopify, but AliExpress has shipped it (tracking number)",
        "#1003": "fulfillment_in_progress: DSers accepted the fulfillment request; request cancellation, then cancel",
        "#1004": "already_cancelled: cancelled and refunded on Shopify, closed at AliExpress",
        "#1005": "cancellation_pending: a cancellation at AliExpress waits for the seller's approval",
        "#1006": "fulfilled: shipped and marked fulfilled with tracking; a return or refund, not a cancel",
        "#1007": "supplier_still_active: cancelled on Shopify, but the AliExpress order is still live",
        "#1008": "needs_attention: the AliExpress order is held by risk control",
        "#1009": "fulfillment_in_progress: request submitted to CJ, not yet accepted (cancels at once); CJ unpaid",
        "#1010": "split order: two supplier orders, AliExpress shipped and CJ paid but not shipped",
        "#1011": "no supplier reference on the order: enter the supplier order number by hand",
        "#1012": "fulfillment on hold (incorrect address): cancelled as it is, the hold is never released; AliExpress order not paid yet",
        "#1013": "payment only authorized: cancelling voids it; CJ order created but not confirmed",
        "#1014": "in progress at your own location (progress reported): mark as open, then cancel",
        "#1015": "supplier id in the order note (Dropified's shape) and a tag; AliExpress paid, awaiting shipment",
        "#1016": "supplier id in a note attribute key with the AliExpress order URL as its value; AliExpress unpaid",
        "#1017": "supplier ids as tags: a bare AliExpress id (cancelled) and a CJ order number (unpaid)",
        "#1018": "note attribute AliExpress Order Number; AliExpress cannot read it: check it by hand",
        "#1019": "no supplier id, but assigned to Zopi's location with its tag Placed: Payment needed",
        "#1020": "cancellable: cash on delivery, nothing paid yet (no refund); AliExpress order placed, not paid",
        "#1021": "cancellable: a refused cash-on-delivery parcel, fulfilled but never paid; AliExpress shipped it",
        "#1022": "cancellable: on a fraud hold, cancelled directly (the hold is never released); AliExpress cancelled",
        "#1023": "cancellable: partly refunded already, so only the rest is refundable; AliExpress cancelled",
        "#1024": "cancellable: already fully refunded, so the cancel defaults to refund later; AliExpress cancelled",
        "#1025": "cancellable: the customer paid in EUR, the shop counts in USD; AliExpress cancelled",
        "#1026": "cancellable: an open chargeback, so no refund by default; AliExpress cancelled",
        "#1027": "fulfillment_in_progress: DSers left a cancellation request unanswered for over 48 hours",
        "#1028": "already_cancelled: cancelled with refund later, the refund is still to do; CJ cancelled",
        "#1029": "supplier_shipped: split order cancelled on Shopify, AliExpress part shipped, CJ part cancelled",
        # Follow-ups: each starts in a waiting state; a simulated answer comes `reply delay` seconds after
        # the order is first read (CANCEL_ASSIST_SANDBOX_REPLY_DELAY), so the loop can be tried in minutes.
        "#1030": "follow-up, waiting for the seller: an AliExpress cancellation the seller approves after the reply delay",
        "#1031": "follow-up, waiting for the seller: the seller refuses the cancellation after the reply delay",
        "#1032": "follow-up, waiting for the seller: the seller ships the order instead after the reply delay",
        "#1033": "follow-up, waiting for the fulfillment service: DSers accepts the cancellation request after the delay",
        "#1034": "follow-up, refund owed: cancelled on Shopify with refund later; the customer is still owed a refund",
        "#1035": "follow-up, supplier still active: cancelled and refunded on Shopify, the CJ order is still live",
        "#1036": "follow-up, manual re-check: the AliExpress order is held by risk control; check it again later",
    }
)

DEMO_PATHS: Mapping[str, str] = MappingProxyType(
    {
        "#1001": "cancellable",
        "#1002": "supplier_shipped",
        "#1003": "fulfillment_in_progress",
        "#1004": "already_cancelled",
        "#1005": "cancellation_pending",
        "#1006": "fulfilled",
        "#1007": "supplier_still_active",
        "#1008": "needs_attention",
        "#1009": "fulfillment_in_progress",
        "#1020": "cancellable",
        "#1021": "cancellable",
        "#1022": "cancellable",
        "#1023": "cancellable",
        "#1024": "cancellable",
        "#1025": "cancellable",
        "#1026": "cancellable",
        "#1027": "fulfillment_in_progress",
        "#1028": "already_cancelled",
        "#1029": "supplier_shipped",
        "#1030": "cancellation_pending",
        "#1031": "cancellation_pending",
        "#1032": "cancellation_pending",
        "#1033": "cancellation_pending",
        "#1034": "already_cancelled",
        "#1035": "supplier_still_active",
        "#1036": "needs_attention",
    }
)

_DSERS = {"name": "DSers - AliExpress", "managed_by": "service", "location_id": 71000000001}
_CJ = {"name": "CJdropshipping", "managed_by": "service", "location_id": 71000000002}
_SHOP = {"name": "Main warehouse", "managed_by": "merchant", "location_id": 71000000003}
_ZOPI = {"name": "Zopi", "managed_by": "service", "location_id": 71000000004}


def order_gid(number: int) -> str:
    """The GID of demo order `#number` (ids look like Shopify's: 5500000001001)."""
    return f"gid://shopify/Order/{5500000000000 + number}"


def _item(order: int, n: int, title: str, sku: str, price: str, qty: int = 1) -> dict[str, Any]:
    return {
        "id": 13500000000000 + order * 10 + n,
        "title": title,
        "sku": sku,
        "quantity": qty,
        "current_quantity": qty,
        "price": price,
        "restockable": True,
    }


def _fo(order: int, n: int, location: Mapping[str, Any], status: str, request_status: str, **extra: Any) -> dict[str, Any]:
    fo = {
        "id": 6500000000000 + order * 10 + n,
        "status": status,
        "request_status": request_status,
        "location": dict(location),
        "holds": [],
        "progress_reported": False,
        "cancellation_requested_at": None,
        "cancellation_message": None,
        "line_item_ids": [],
    }
    fo.update(extra)
    return fo


def _order(
    number: int,
    *,
    created: str,
    customer: tuple[str, str],
    currency: str,
    items: list[dict[str, Any]],
    fulfillment_orders: list[dict[str, Any]],
    financial: str = "PAID",
    gateways: tuple[str, ...] = ("shopify_payments",),
    suppliers: list[dict[str, str]] | None = None,
    note_attributes: list[dict[str, str]] | None = None,
    note: str | None = None,
    tags: tuple[str, ...] = (),
    fulfillments: list[dict[str, Any]] | None = None,
    cancelled: tuple[str, str] | None = None,
    shipping: str = "4.95",
    manual_payment: bool = False,
    presentment: dict[str, str] | None = None,
    disputes: list[dict[str, Any]] | None = None,
    refunded: str | None = None,
) -> dict[str, Any]:
    total = sum((Decimal(i["price"]) * i["quantity"] for i in items), start=Decimal("0")) + Decimal(shipping)
    for fo in fulfillment_orders:
        if not fo["line_item_ids"]:
            fo["line_item_ids"] = [i["id"] for i in items]
    received = "0.00" if financial in ("AUTHORIZED", "PENDING") else f"{total:.2f}"
    order = {
        "id": 5500000000000 + number,
        "name": f"#{number}",
        "created_at": created,
        "updated_at": created,
        "cancelled_at": None,
        "cancel_reason": None,
        "closed": False,
        "closed_at": None,
        "financial_status": financial,
        "return_status": "NO_RETURN",
        "email": customer[1],
        "customer": customer[0],
        "gateways": list(gateways),
        "currency": currency,
        "total": f"{total:.2f}",
        "received": received,
        "line_items": items,
        "fulfillments": fulfillments or [],
        "fulfillment_orders": fulfillment_orders,
        "supplier_orders": json.dumps(suppliers) if suppliers is not None else None,
        "note_attributes": note_attributes or [],
        "note": note,
        "tags": list(tags),
        "staff_note": None,
        "refunds": [],
        "restocked": False,
        "customer_notified": False,
        "manual_payment": manual_payment,
        "presentment": presentment,
        "disputes": disputes or [],
    }
    if refunded is not None:  # refunded before the cancel (from the order page)
        order["refunds"] = [{"amount": refunded, "method": "original_payment_methods", "at": created}]
    if cancelled is not None:
        order.update(
            cancelled_at=cancelled[0],
            cancel_reason=cancelled[1],
            closed=True,
            closed_at=cancelled[0],
            updated_at=cancelled[0],
            restocked=True,
        )
        if financial == "REFUNDED" and refunded is None:
            order["refunds"] = [{"amount": order["received"], "method": "original_payment_methods", "at": cancelled[0]}]
        for item in items:
            item["current_quantity"] = 0
    return order


def _ae(
    order_id: str,
    status: str,
    logistics: str,
    *,
    amount: str,
    created: str,
    paid: str | None,
    product: tuple[int, str, str],
    end_reason: str = "",
    tracking: list[dict[str, str]] | None = None,
    store: tuple[int, str] = (1102837461, "Lumina Home Official Store"),
) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "order_status": status,
        "logistics_status": logistics,
        "end_reason": end_reason,
        "amount": amount,
        "currency": "USD",
        "gmt_create": created,
        "paid_at": paid,
        "store": {"store_id": store[0], "store_name": store[1], "store_url": f"https://www.aliexpress.com/store/{store[0]}"},
        "items": [{"product_id": product[0], "name": product[1], "count": 1, "price": product[2], "sku_id": f"{product[0]}01"}],
        "tracking": tracking or [],
        "cancel_requested_at": None,
        "status_before_cancel": None,
    }


def _cj(order_id: str, status: str, *, amount: str, created: str, paid: str | None, product: tuple[str, str, str],
        tracking: str | None = None) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "order_num": f"CA-{order_id[-4:]}",
        "cj_order_id": f"CJPKL{order_id[-10:]}",
        "order_status": status,
        "amount": amount,
        "product_amount": amount,
        "postage": "0.00",
        "created": created,
        "paid": paid,
        "logistic_name": "CJPacket Ordinary",
        "track_number": tracking,
        "out_warehouse_time": None,
        "products": [{"vid": product[0], "name": product[1], "quantity": 1, "sell_price": product[2]}],
        "country": "US",
        "customer": "",
    }


def _aliexpress_ref(order_id: str) -> dict[str, str]:
    return {"supplier": "aliexpress", "order_id": order_id}


def _cj_ref(order_id: str) -> dict[str, str]:
    return {"supplier": "cjdropshipping", "order_id": order_id}


def _build() -> dict[str, Any]:
    orders = [
        _order(
            1001,
            created="2026-04-20T09:14:22Z",
            customer=("Emma Larsen", "emma.larsen@example.com"),
            currency="USD",
            items=[
                _item(1001, 1, "Minimalist Ceramic Vase - Sand", "VASE-SAND-M", "24.95"),
                _item(1001, 2, "Linen Table Runner - Natural", "RUN-NAT-180", "19.95"),
            ],
            fulfillment_orders=[_fo(1001, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631001")],
        ),
        _order(
            1002,
            created="2026-04-18T16:02:51Z",
            customer=("Lucas Moreau", "lucas.moreau@example.com"),
            currency="EUR",
            items=[_item(1002, 1, "Wireless Charging Desk Lamp", "LAMP-WC-BLK", "39.90")],
            fulfillment_orders=[_fo(1002, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            note_attributes=[{"key": "AliExpress Order", "value": "3041872215631002"}],
        ),
        _order(
            1003,
            created="2026-04-19T11:40:03Z",
            customer=("Priya Natarajan", "priya.n@example.com"),
            currency="USD",
            items=[
                _item(1003, 1, "Bamboo Bath Mat", "MAT-BAM-60", "29.00"),
                _item(1003, 2, "Cotton Waffle Towel Set", "TWL-WAF-4", "34.50"),
            ],
            fulfillment_orders=[_fo(1003, 1, _DSERS, "IN_PROGRESS", "ACCEPTED")],
            suppliers=[_aliexpress_ref("3041872215631003")],
        ),
        _order(
            1004,
            created="2026-04-15T08:21:10Z",
            customer=("Sofia Rossi", "sofia.rossi@example.com"),
            currency="EUR",
            financial="REFUNDED",
            items=[_item(1004, 1, "Stainless Steel Pour-Over Kettle", "KET-PO-1L", "44.00")],
            fulfillment_orders=[_fo(1004, 1, _DSERS, "CLOSED", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631004")],
            cancelled=("2026-04-16T10:05:44Z", "CUSTOMER"),
        ),
        _order(
            1005,
            created="2026-04-21T19:55:37Z",
            customer=("Noah Williams", "noah.williams@example.com"),
            currency="USD",
            items=[_item(1005, 1, "LED Strip Lights 10m - RGB", "LED-RGB-10", "27.99", qty=2)],
            fulfillment_orders=[_fo(1005, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631005")],
        ),
        _order(
            1006,
            created="2026-04-08T13:12:00Z",
            customer=("Hannah Becker", "hannah.becker@example.com"),
            currency="EUR",
            items=[_item(1006, 1, "Ergonomic Memory Foam Pillow", "PIL-MF-STD", "36.00")],
            fulfillment_orders=[_fo(1006, 1, _DSERS, "CLOSED", "CLOSED")],
            fulfillments=[
                {
                    "id": 4500000000000 + 10061,
                    "status": "SUCCESS",
                    "display_status": "IN_TRANSIT",
                    "tracking_number": "LP00634519872231",
                    "tracking_company": "Cainiao",
                    "created_at": "2026-04-12T07:30:00Z",
                }
            ],
            suppliers=[_aliexpress_ref("3041872215631006")],
        ),
        _order(
            1007,
            created="2026-04-17T10:03:19Z",
            customer=("Olivia Chen", "olivia.chen@example.com"),
            currency="USD",
            financial="REFUNDED",
            items=[_item(1007, 1, "Magnetic Phone Car Mount", "MNT-MAG-V2", "18.50", qty=2)],
            fulfillment_orders=[_fo(1007, 1, _DSERS, "CLOSED", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631007")],
            cancelled=("2026-04-18T15:47:02Z", "CUSTOMER"),
        ),
        _order(
            1008,
            created="2026-04-22T06:48:55Z",
            customer=("Mateo Garcia", "mateo.garcia@example.com"),
            currency="USD",
            items=[_item(1008, 1, "Smart Watch Band - Silicone (3 pack)", "BAND-SIL-3", "15.90")],
            fulfillment_orders=[_fo(1008, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631008")],
        ),
        _order(
            1009,
            created="2026-04-22T14:20:31Z",
            customer=("Amelia Johnson", "amelia.johnson@example.com"),
            currency="USD",
            items=[_item(1009, 1, "Portable Blender 500ml", "BLND-500-PK", "32.99")],
            fulfillment_orders=[_fo(1009, 1, _CJ, "IN_PROGRESS", "SUBMITTED")],
            suppliers=[_cj_ref("CJ2604221009")],
        ),
        _order(
            1010,
            created="2026-04-19T20:11:45Z",
            customer=("Jonas Lindqvist", "jonas.lindqvist@example.com"),
            currency="EUR",
            items=[
                _item(1010, 1, "Hanging Macrame Planter", "PLNT-MAC-L", "21.00"),
                _item(1010, 2, "Self-Watering Pot 2-pack", "POT-SW-2", "26.40"),
            ],
            fulfillment_orders=[
                _fo(1010, 1, _DSERS, "OPEN", "UNSUBMITTED", line_item_ids=[13500000000000 + 10101]),
                _fo(1010, 2, _CJ, "OPEN", "UNSUBMITTED", line_item_ids=[13500000000000 + 10102]),
            ],
            suppliers=[_aliexpress_ref("3041872215631010"), _cj_ref("CJ2604191010")],
        ),
        _order(
            1011,
            created="2026-04-23T09:01:12Z",
            customer=("Grace Okafor", "grace.okafor@example.com"),
            currency="USD",
            items=[_item(1011, 1, "Velvet Throw Pillow Cover - Emerald", "PC-VEL-EM", "16.00", qty=2)],
            fulfillment_orders=[_fo(1011, 1, _DSERS, "OPEN", "UNSUBMITTED")],
        ),
        _order(
            1012,
            created="2026-04-23T12:44:09Z",
            customer=("Liam O'Brien", "liam.obrien@example.com"),
            currency="USD",
            items=[_item(1012, 1, "Foldable Laptop Stand - Aluminium", "STND-AL-F", "28.90")],
            fulfillment_orders=[
                _fo(
                    1012,
                    1,
                    _DSERS,
                    "ON_HOLD",
                    "UNSUBMITTED",
                    holds=[{"id": 8800000000000 + 10121, "reason": "INCORRECT_ADDRESS", "handle": "address-check"}],
                )
            ],
            suppliers=[_aliexpress_ref("3041872215631012")],
        ),
        _order(
            1013,
            created="2026-04-23T17:36:40Z",
            customer=("Chloe Dubois", "chloe.dubois@example.com"),
            currency="EUR",
            financial="AUTHORIZED",
            items=[_item(1013, 1, "Knitted Cardigan - Oatmeal", "CARD-KN-OAT", "49.00")],
            fulfillment_orders=[_fo(1013, 1, _CJ, "OPEN", "UNSUBMITTED")],
            suppliers=[_cj_ref("CJ2604231013")],
        ),
        _order(
            1014,
            created="2026-04-21T08:25:17Z",
            customer=("Ethan Murphy", "ethan.murphy@example.com"),
            currency="USD",
            items=[_item(1014, 1, "Cast Iron Skillet 26cm", "SKL-CI-26", "38.00")],
            fulfillment_orders=[_fo(1014, 1, _SHOP, "IN_PROGRESS", "UNSUBMITTED", progress_reported=True)],
            suppliers=[_aliexpress_ref("3041872215631014")],
        ),
        # Real shops: where dropshipping apps put the supplier order number (kb.discovery).
        _order(
            1015,
            created="2026-04-24T08:10:00Z",
            customer=("Ava Thompson", "ava.thompson@example.com"),
            currency="USD",
            items=[_item(1015, 1, "Rattan Wall Mirror 50cm", "MIR-RAT-50", "42.00")],
            fulfillment_orders=[_fo(1015, 1, _SHOP, "OPEN", "UNSUBMITTED")],
            note=("Aliexpress Order ID: 3041872215631015\n"
                  "https://trade.aliexpress.com/order_detail.htm?orderId=3041872215631015"),
            tags=("3041872215631015",),
        ),
        _order(
            1016,
            created="2026-04-24T09:25:00Z",
            customer=("Mila Novak", "mila.novak@example.com"),
            currency="EUR",
            items=[_item(1016, 1, "Wooden Desk Organizer", "ORG-WD-3", "23.50")],
            fulfillment_orders=[_fo(1016, 1, _SHOP, "OPEN", "UNSUBMITTED")],
            note_attributes=[{"key": "Aliexpress Order #3041872215631016",
                              "value": "https://www.aliexpress.com/p/order/detail.html?orderId=3041872215631016"}],
        ),
        _order(
            1017,
            created="2026-04-24T11:02:00Z",
            customer=("Leo Fischer", "leo.fischer@example.com"),
            currency="EUR",
            items=[
                _item(1017, 1, "Glass Storage Jars (set of 3)", "JAR-GL-3", "19.90"),
                _item(1017, 2, "Silicone Baking Mat", "MAT-SIL-40", "12.50"),
            ],
            fulfillment_orders=[
                _fo(1017, 1, _SHOP, "OPEN", "UNSUBMITTED", line_item_ids=[13500000000000 + 10171]),
                _fo(1017, 2, _CJ, "OPEN", "UNSUBMITTED", line_item_ids=[13500000000000 + 10172]),
            ],
            tags=("3041872215631017", "CJ2604241017", "gift"),
        ),
        _order(
            1018,
            created="2026-04-24T13:40:00Z",
            customer=("Isla Murray", "isla.murray@example.com"),
            currency="USD",
            items=[_item(1018, 1, "Bluetooth Shower Speaker", "SPK-SHW-BT", "26.00")],
            fulfillment_orders=[_fo(1018, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            note_attributes=[{"key": "AliExpress Order Number", "value": "3041872215631018"}],
        ),
        _order(
            1019,
            created="2026-04-24T15:15:00Z",
            customer=("Ravi Shah", "ravi.shah@example.com"),
            currency="USD",
            items=[_item(1019, 1, "Heated Eye Massager", "MSG-EYE-H", "34.00")],
            fulfillment_orders=[_fo(1019, 1, _ZOPI, "OPEN", "UNSUBMITTED")],
            tags=("Placed: Payment needed",),
        ),
        *_edge_orders(),
        *_followup_orders(),
    ]
    aliexpress = [
        _ae("3041872215631001", "WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_SEND_GOODS", amount="21.36",
            created="2026-04-20 17:20:05", paid="2026-04-20 17:20:41", product=(1005006123451001, "Nordic ceramic vase matte", "12.48")),
        _ae("3041872215631002", "WAIT_BUYER_ACCEPT_GOODS", "SELLER_SEND_GOODS", amount="17.05",
            created="2026-04-19 00:10:12", paid="2026-04-19 00:10:55", product=(1005006123451002, "LED desk lamp wireless charger", "17.05"),
            tracking=[{"logistics_no": "LP00512345678902", "logistics_service": "CAINIAO_STANDARD"}]),
        _ae("3041872215631003", "FINISH", "NO_LOGISTICS", amount="26.80", end_reason="CANCELED",
            created="2026-04-19 19:45:30", paid="2026-04-19 19:46:02", product=(1005006123451003, "Bamboo bath mat anti-slip", "11.90")),
        _ae("3041872215631004", "FINISH", "NO_LOGISTICS", amount="19.99", end_reason="CANCELED",
            created="2026-04-15 16:30:00", paid="2026-04-15 16:30:47", product=(1005006123451004, "Pour over kettle gooseneck", "19.99")),
        _ae("3041872215631005", "IN_CANCEL", "WAIT_SELLER_SEND_GOODS", amount="23.60",
            created="2026-04-22 03:58:11", paid="2026-04-22 03:58:40", product=(1005006123451005, "RGB LED strip 5m", "11.80")),
        _ae("3041872215631006", "WAIT_BUYER_ACCEPT_GOODS", "SELLER_SEND_GOODS", amount="14.20",
            created="2026-04-08 21:15:00", paid="2026-04-08 21:15:31", product=(1005006123451006, "Memory foam pillow contour", "14.20"),
            tracking=[{"logistics_no": "LP00634519872231", "logistics_service": "CAINIAO_STANDARD"}]),
        _ae("3041872215631007", "WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_SEND_GOODS", amount="9.64",
            created="2026-04-17 18:06:44", paid="2026-04-17 18:07:10", product=(1005006123451007, "Magnetic car phone holder", "4.82")),
        _ae("3041872215631008", "RISK_CONTROL_HOLD", "WAIT_SELLER_SEND_GOODS", amount="6.45",
            created="2026-04-22 14:52:03", paid="2026-04-22 14:52:30", product=(1005006123451008, "Silicone watch band 3pcs", "6.45")),
        _ae("3041872215631010", "WAIT_BUYER_ACCEPT_GOODS", "SELLER_SEND_GOODS", amount="8.90",
            created="2026-04-20 04:15:00", paid="2026-04-20 04:15:25", product=(1005006123451010, "Macrame plant hanger", "8.90"),
            tracking=[{"logistics_no": "LP00771234509810", "logistics_service": "AE_STANDARD"}]),
        _ae("3041872215631012", "PLACE_ORDER_SUCCESS", "DEFAULT", amount="13.75",
            created="2026-04-23 20:50:00", paid=None, product=(1005006123451012, "Aluminium laptop stand foldable", "13.75")),
        _ae("3041872215631014", "WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_SEND_GOODS", amount="16.30",
            created="2026-04-21 16:30:00", paid="2026-04-21 16:30:20", product=(1005006123451014, "Cast iron skillet pre-seasoned", "16.30")),
        _ae("3041872215631015", "WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_SEND_GOODS", amount="18.40",
            created="2026-04-24 16:12:00", paid="2026-04-24 16:12:30", product=(1005006123451015, "Rattan round mirror", "18.40")),
        _ae("3041872215631016", "PLACE_ORDER_SUCCESS", "DEFAULT", amount="9.80",
            created="2026-04-24 17:30:00", paid=None, product=(1005006123451016, "Wood desk organiser", "9.80")),
        _ae("3041872215631017", "FINISH", "NO_LOGISTICS", amount="7.95", end_reason="CANCELED",
            created="2026-04-24 19:05:00", paid="2026-04-24 19:05:40", product=(1005006123451017, "Glass jar set 3pcs", "7.95")),
        # 3041872215631018 is deliberately unknown here: placed from another AliExpress account, so
        # the API cannot read it and the walkthrough asks for a check by hand.
        *_edge_aliexpress(),
        *_followup_aliexpress(),
    ]
    cj = [
        _cj("CJ2604221009", "UNPAID", amount="14.62", created="2026-04-22 22:25:10", paid=None,
            product=("1398CA1009V01", "Portable USB Juicer Blender", "14.62")),
        _cj("CJ2604191010", "UNSHIPPED", amount="11.30", created="2026-04-20 04:20:33", paid="2026-04-20 04:21:02",
            product=("1398CA1010V02", "Self Watering Planter Set", "11.30")),
        _cj("CJ2604231013", "CREATED", amount="18.75", created="2026-04-24 01:40:00", paid=None,
            product=("1398CA1013V01", "Women Knitted Cardigan", "18.75")),
        _cj("CJ2604241028", "CANCELLED", amount="12.40", created="2026-04-24 02:00:00", paid="2026-04-24 02:00:40",
            product=("1398CA1028V01", "Silk Sleep Mask", "12.40")),
        _cj("CJ2604241029", "CANCELLED", amount="9.80", created="2026-04-24 03:00:00", paid="2026-04-24 03:00:30",
            product=("1398CA1029V02", "Travel Pillow", "9.80")),
        _cj("CJ2604251035", "UNSHIPPED", amount="12.40", created="2026-04-25 10:02:00", paid="2026-04-25 10:02:31",
            product=("1398CA1035V01", "Bamboo Cutting Board Set", "12.40")),
        _cj("CJ2604241017", "UNPAID", amount="5.60", created="2026-04-24 19:10:00", paid=None,
            product=("1398CA1017V01", "Silicone Baking Mat", "5.60")),
    ]
    return {
        "version": 1,
        "shop": {"name": SANDBOX_SHOP_NAME, "currency": "USD"},
        "orders": {str(o["id"]): o for o in orders},
        "jobs": {},
        "next_id": 9000000000000,
        "aliexpress": {o["order_id"]: o for o in aliexpress},
        "cj": {"orders": {o["order_id"]: o for o in cj}, "tokens": {}, "refresh_tokens": {}},
    }


_COD = ("Cash on Delivery (COD)",)


def _edge_orders() -> list[dict[str, Any]]:
    """#1020-#1029: Shopify's edge cases (manual payments, holds, refunds, currencies, disputes, silence)."""
    ae = _aliexpress_ref
    return [
        _order(1020, created="2026-04-24T08:10:00Z", customer=("Yusuf Demir", "yusuf.demir@example.com"),
               currency="USD", financial="PENDING", gateways=_COD, manual_payment=True,
               items=[_item(1020, 1, "Rattan Storage Basket", "BSK-RAT-M", "26.50")],
               fulfillment_orders=[_fo(1020, 1, _DSERS, "OPEN", "UNSUBMITTED")], suppliers=[ae("3041872215631020")]),
        _order(1021, created="2026-04-10T10:00:00Z", customer=("Ana Souza", "ana.souza@example.com"),
               currency="USD", financial="PENDING", gateways=_COD, manual_payment=True,
               items=[_item(1021, 1, "Bluetooth Shower Speaker", "SPK-SHW-BT", "22.00")],
               fulfillment_orders=[_fo(1021, 1, _DSERS, "CLOSED", "CLOSED")],
               fulfillments=[{"id": 4500000000000 + 10211, "status": "SUCCESS", "display_status": "FAILURE",
                              "tracking_number": "LP00710211000021", "tracking_company": "Cainiao",
                              "created_at": "2026-04-13T07:30:00Z"}],
               suppliers=[ae("3041872215631021")]),
        _order(1022, created="2026-04-24T09:30:00Z", customer=("Max Mustermann", "max.m@example.com"),
               currency="USD", items=[_item(1022, 1, "Noise Cancelling Headphones", "HP-NC-BLK", "89.00")],
               fulfillment_orders=[_fo(1022, 1, _DSERS, "ON_HOLD", "UNSUBMITTED", holds=[
                   {"id": 8800000000000 + 10221, "reason": "HIGH_RISK_OF_FRAUD", "handle": "fraud-check"}])],
               suppliers=[ae("3041872215631022")]),
        _order(1023, created="2026-04-22T11:00:00Z", customer=("Isabella Rossi", "isabella.rossi@example.com"),
               currency="USD", financial="PARTIALLY_REFUNDED", refunded="10.00",
               items=[_item(1023, 1, "Scented Candle Trio", "CND-TRIO", "34.00")],
               fulfillment_orders=[_fo(1023, 1, _DSERS, "OPEN", "UNSUBMITTED")], suppliers=[ae("3041872215631023")]),
        _order(1024, created="2026-04-22T12:00:00Z", customer=("Tom Becker", "tom.becker@example.com"),
               currency="USD", financial="REFUNDED", refunded="29.95",
               items=[_item(1024, 1, "Yoga Mat 6mm - Teal", "YOGA-6-TL", "25.00")],
               fulfillment_orders=[_fo(1024, 1, _DSERS, "OPEN", "UNSUBMITTED")], suppliers=[ae("3041872215631024")]),
        _order(1025, created="2026-04-23T13:00:00Z", customer=("Claire Martin", "claire.martin@example.com"),
               currency="USD", presentment={"currency": "EUR", "rate": "0.92"},
               items=[_item(1025, 1, "Leather Card Holder", "CARD-LTH-BR", "31.00")],
               fulfillment_orders=[_fo(1025, 1, _DSERS, "OPEN", "UNSUBMITTED")], suppliers=[ae("3041872215631025")]),
        _order(1026, created="2026-04-15T14:00:00Z", customer=("Jack Taylor", "jack.taylor@example.com"),
               currency="USD", items=[_item(1026, 1, "Smart Plug 4-pack", "PLUG-SM-4", "39.00")],
               disputes=[{"id": 9100000001026, "initiated_as": "CHARGEBACK", "status": "NEEDS_RESPONSE"}],
               fulfillment_orders=[_fo(1026, 1, _DSERS, "OPEN", "UNSUBMITTED")], suppliers=[ae("3041872215631026")]),
        _order(1027, created="2026-04-18T15:00:00Z", customer=("Mia Schneider", "mia.schneider@example.com"),
               currency="USD", items=[_item(1027, 1, "Electric Milk Frother", "FROTH-EL-W", "19.90")],
               fulfillment_orders=[_fo(1027, 1, _DSERS, "IN_PROGRESS", "CANCELLATION_REQUESTED",
                                       cancellation_requested_at="2026-04-21T08:00:00Z", service_silent=True,
                                       cancellation_message="Customer cancelled, please do not ship")],
               suppliers=[ae("3041872215631027")]),
        _order(1028, created="2026-04-24T02:00:00Z", customer=("Leo Fischer", "leo.fischer@example.com"),
               currency="USD", items=[_item(1028, 1, "Silk Sleep Mask", "MASK-SLK", "18.00")],
               fulfillment_orders=[_fo(1028, 1, _CJ, "CLOSED", "UNSUBMITTED")], suppliers=[_cj_ref("CJ2604241028")],
               cancelled=("2026-04-24T09:00:00Z", "CUSTOMER")),
        _order(1029, created="2026-04-19T06:00:00Z", customer=("Nora Lind", "nora.lind@example.com"),
               currency="USD", financial="REFUNDED",
               items=[_item(1029, 1, "Wooden Desk Organizer", "ORG-WD-3", "24.00"),
                      _item(1029, 2, "Memory Foam Travel Pillow", "PIL-TRV", "17.00")],
               fulfillment_orders=[
                   _fo(1029, 1, _DSERS, "CLOSED", "UNSUBMITTED", line_item_ids=[13500000000000 + 10291]),
                   _fo(1029, 2, _CJ, "CLOSED", "UNSUBMITTED", line_item_ids=[13500000000000 + 10292]),
               ],
               suppliers=[ae("3041872215631029"), _cj_ref("CJ2604241029")],
               cancelled=("2026-04-20T09:00:00Z", "CUSTOMER")),
    ]


def _edge_aliexpress() -> list[dict[str, Any]]:
    cancelled: dict[str, Any] = {"end_reason": "CANCELED"}
    return [
        _ae("3041872215631020", "PLACE_ORDER_SUCCESS", "DEFAULT", amount="12.10", created="2026-04-24 16:12:00",
            paid=None, product=(1005006123451020, "Rattan storage basket", "12.10")),
        _ae("3041872215631021", "FINISH", "BUYER_ACCEPT_GOODS", amount="9.90", created="2026-04-10 18:00:00",
            paid="2026-04-10 18:00:30", product=(1005006123451021, "Waterproof shower speaker", "9.90"),
            tracking=[{"logistics_no": "LP00710211000021", "logistics_service": "CAINIAO_STANDARD"}]),
        _ae("3041872215631022", "FINISH", "NO_LOGISTICS", amount="31.00", created="2026-04-24 17:40:00",
            paid="2026-04-24 17:40:31", product=(1005006123451022, "ANC wireless headphones", "31.00"), **cancelled),
        _ae("3041872215631023", "FINISH", "NO_LOGISTICS", amount="11.20", created="2026-04-22 19:00:00",
            paid="2026-04-22 19:00:20", product=(1005006123451023, "Scented candles set", "11.20"), **cancelled),
        _ae("3041872215631024", "FINISH", "NO_LOGISTICS", amount="8.80", created="2026-04-22 20:00:00",
            paid="2026-04-22 20:00:20", product=(1005006123451024, "TPE yoga mat 6mm", "8.80"), **cancelled),
        _ae("3041872215631025", "FINISH", "NO_LOGISTICS", amount="7.40", created="2026-04-23 21:00:00",
            paid="2026-04-23 21:00:20", product=(1005006123451025, "Leather card holder", "7.40"), **cancelled),
        _ae("3041872215631026", "FINISH", "NO_LOGISTICS", amount="13.30", created="2026-04-15 22:00:00",
            paid="2026-04-15 22:00:20", product=(1005006123451026, "Wifi smart plug 4pcs", "13.30"), **cancelled),
        _ae("3041872215631027", "FINISH", "NO_LOGISTICS", amount="6.90", created="2026-04-18 23:00:00",
            paid="2026-04-18 23:00:20", product=(1005006123451027, "Electric milk frother", "6.90"), **cancelled),
        _ae("3041872215631029", "WAIT_BUYER_ACCEPT_GOODS", "SELLER_SEND_GOODS", amount="8.10",
            created="2026-04-19 14:00:00", paid="2026-04-19 14:00:20",
            product=(1005006123451029, "Bamboo desk organizer", "8.10"),
            tracking=[{"logistics_no": "LP00710291000029", "logistics_service": "AE_STANDARD"}]),
    ]


def _followup_orders() -> list[dict[str, Any]]:
    """#1030-#1036: one order in each waiting state the follow-up list knows."""
    waiting_on_seller = [
        _order(
            number,
            created=f"2026-04-25T0{n}:15:00Z",
            customer=customer,
            currency="USD",
            items=[_item(number, 1, title, sku, price)],
            fulfillment_orders=[_fo(number, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref(f"304187221563{number}")],
        )
        for n, (number, customer, title, sku, price) in enumerate((
            (1030, ("Ava Thompson", "ava.thompson@example.com"), "Rattan Storage Basket", "BSK-RAT-M", "26.00"),
            (1031, ("Leo Fischer", "leo.fischer@example.com"), "Glass Pour-Over Carafe", "CRF-GL-600", "22.50"),
            (1032, ("Mia Rossi", "mia.rossi@example.com"), "Wool Felt Desk Mat", "MAT-WF-80", "31.00"),
        ))
    ]
    return [
        *waiting_on_seller,
        _order(
            1033,
            created="2026-04-25T04:40:00Z",
            customer=("Isla Brown", "isla.brown@example.com"),
            currency="USD",
            items=[_item(1033, 1, "Linen Bedding Set - Sage", "BED-LIN-SG", "89.00")],
            fulfillment_orders=[_fo(1033, 1, _DSERS, "IN_PROGRESS", "CANCELLATION_REQUESTED",
                                    cancellation_message="Customer cancelled", service_answer="accept")],
            suppliers=[_aliexpress_ref("3041872215631033")],
        ),
        _order(
            1034,
            created="2026-04-24T13:05:00Z",
            customer=("Oscar Nilsson", "oscar.nilsson@example.com"),
            currency="EUR",
            items=[_item(1034, 1, "Copper Watering Can 1.5L", "CAN-CU-15", "34.00")],
            fulfillment_orders=[_fo(1034, 1, _DSERS, "CLOSED", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631034")],
            cancelled=("2026-04-25T09:12:00Z", "CUSTOMER"),
        ),
        _order(
            1035,
            created="2026-04-25T02:00:00Z",
            customer=("Zoe Martin", "zoe.martin@example.com"),
            currency="USD",
            financial="REFUNDED",
            items=[_item(1035, 1, "Bamboo Cutting Board Set", "BRD-BAM-3", "29.90")],
            fulfillment_orders=[_fo(1035, 1, _CJ, "CLOSED", "UNSUBMITTED")],
            suppliers=[_cj_ref("CJ2604251035")],
            cancelled=("2026-04-25T11:30:00Z", "CUSTOMER"),
        ),
        _order(
            1036,
            created="2026-04-25T06:20:00Z",
            customer=("Ruby Evans", "ruby.evans@example.com"),
            currency="USD",
            items=[_item(1036, 1, "Cordless Milk Frother", "FRTH-CL-BK", "19.50")],
            fulfillment_orders=[_fo(1036, 1, _DSERS, "OPEN", "UNSUBMITTED")],
            suppliers=[_aliexpress_ref("3041872215631036")],
        ),
    ]


def _followup_aliexpress() -> list[dict[str, Any]]:
    """The AliExpress side of #1030-#1036; `seller_answer` is what the simulated seller does when it answers."""
    def pending(number: int, answer: str, product: str, amount: str) -> dict[str, Any]:
        ae = _ae(f"304187221563{number}", "IN_CANCEL", "WAIT_SELLER_SEND_GOODS", amount=amount,
                 created="2026-04-25 08:15:00", paid="2026-04-25 08:15:31", product=(1005006123450000 + number, product, amount))
        ae.update(status_before_cancel="WAIT_SELLER_SEND_GOODS", seller_answer=answer)
        return ae

    return [
        pending(1030, "accept", "Rattan storage basket", "11.20"),
        pending(1031, "refuse", "Glass pour over carafe", "9.80"),
        pending(1032, "ship", "Wool felt desk mat", "13.10"),
        _ae("3041872215631033", "FINISH", "NO_LOGISTICS", amount="38.00", end_reason="CANCELED",
            created="2026-04-25 12:41:00", paid="2026-04-25 12:41:30", product=(1005006123451033, "Linen bedding set", "38.00")),
        _ae("3041872215631034", "FINISH", "NO_LOGISTICS", amount="15.60", end_reason="CANCELED",
            created="2026-04-24 21:06:00", paid="2026-04-24 21:06:40", product=(1005006123451034, "Copper watering can", "15.60")),
        _ae("3041872215631036", "RISK_CONTROL_HOLD", "WAIT_SELLER_SEND_GOODS", amount="8.40",
            created="2026-04-25 14:21:00", paid="2026-04-25 14:21:30", product=(1005006123451036, "Milk frother handheld", "8.40")),
    ]


_SEED = _build()


def build_seed() -> dict[str, Any]:
    """A fresh deep copy of the demo store (nothing is shared between worlds)."""
    return copy.deepcopy(_SEED)
