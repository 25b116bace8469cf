"""Supplier order discovery end to end: a Shopify answer in each shape real apps write, read by the client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from actions.assistant import build_assistant
from actions.errors import ConfigError
from actions.settings import load_settings
from actions.shopify_documents import ORDER_STATE_BY_ID
from kb.discovery import SHAPES

from .shopify_payloads import SHOP, TOKEN, FakeShopify, graphql, make_client, order_node, settings

AE = "8100000000000001"


def _node(*, note: str | None = None, tags: tuple[str, ...] = (), attributes: tuple[tuple[str, str], ...] = (),
          metafield: str | None = None) -> dict[str, Any]:
    node = order_node(1015, attributes=attributes, metafield=metafield)
    node["note"], node["tags"] = note, list(tags)
    return node


def _read(node: dict[str, Any], **settings_values: Any) -> Any:
    fake = FakeShopify(graphql({"order": node}))
    client = make_client(fake, settings=settings(**settings_values))
    state = client.read_order("5500000001001")
    assert len(fake.requests) == 1  # everything comes from the one order query
    return state


SHAPED_ANSWERS = {
    "Dropified note": (_node(note=f"Aliexpress Order ID: {AE}\nhttps://trade.aliexpress.com/order_detail.htm?orderId={AE}"),
                       ("aliexpress", AE, "note")),
    "Dropified attribute key and URL value": (
        _node(attributes=((f"Aliexpress Order #{AE}", f"https://trade.aliexpress.com/order_detail.htm?orderId={AE}"),)),
        ("aliexpress", AE, "note_attribute")),
    "order detail URL as attribute value": (
        _node(attributes=(("Supplier order", f"https://www.aliexpress.com/p/order/detail.html?orderId={AE}"),)),
        ("aliexpress", AE, "note_attribute")),
    "AliExpress Order Number key": (_node(attributes=(("AliExpress Order Number", AE),)),
                                    ("aliexpress", AE, "note_attribute")),
    "bare id as a tag": (_node(tags=("vip", AE)), ("aliexpress", AE, "tag")),
    "CJ order number as a tag": (_node(tags=("CJ2604241017",)), ("cjdropshipping", "CJ2604241017", "tag")),
    "CJ order labelled in the note": (_node(note="CJ Order ID: CJ2604241018"),
                                      ("cjdropshipping", "CJ2604241018", "note")),
    "our metafield": (_node(metafield=f'[{{"supplier": "aliexpress", "order_id": "{AE}"}}]', tags=("8100000000000009",)),
                      ("aliexpress", AE, "metafield")),
}


@pytest.mark.parametrize("shape", list(SHAPED_ANSWERS))
def test_the_supplier_order_is_read_from_a_shopify_answer_in_each_shape(shape: str) -> None:
    node, expected = SHAPED_ANSWERS[shape]
    state = _read(node)
    assert [(r.supplier, r.order_id, r.source) for r in state.supplier_refs] == [expected]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_every_shape_of_the_table_is_read_from_a_shopify_answer_carrying_its_example(shape) -> None:
    place = shape.places[0]
    node = {"note_attribute": lambda: _node(attributes=((shape.example, ""),)),
            "note": lambda: _node(note=shape.example), "tag": lambda: _node(tags=(shape.example,))}[place]()
    [ref] = _read(node).supplier_refs
    assert ref.supplier == shape.supplier and ref.order_id in shape.example and ref.source == place


def test_the_order_query_asks_for_note_and_tags() -> None:
    assert "  note\n" in ORDER_STATE_BY_ID.text and "  tags\n" in ORDER_STATE_BY_ID.text


def test_tags_are_kept_on_the_order_for_the_signs_of_an_app() -> None:
    assert _read(_node(tags=("Placed: Payment needed",))).tags == ("Placed: Payment needed",)


def test_a_configured_pattern_reads_a_shape_no_app_we_know_writes() -> None:
    node = _node(note="Fournisseur: commande AE 81900004")
    assert _read(node).supplier_refs == ()
    state = _read(node, supplier_patterns=["aliexpress:commande AE (?P<id>\\d+)"])
    assert [(r.order_id, r.source) for r in state.supplier_refs] == [("81900004", "note")]


def test_patterns_come_from_secrets_toml_tables_or_the_environment() -> None:
    secrets = {"shopify": {"shop": SHOP, "access_token": TOKEN,
                           "supplier_patterns": [{"supplier": "aliexpress", "pattern": "AE-(\\d+)", "places": ["tag"]}]}}
    loaded = load_settings(secrets, {})
    assert loaded.shopify is not None and loaded.shopify.supplier_patterns[0].places == ("tag",)
    env = {"SHOPIFY_SHOP": SHOP, "SHOPIFY_ACCESS_TOKEN": TOKEN, "SHOPIFY_SUPPLIER_PATTERNS": "cj:CJREF-(\\w+)"}
    loaded = load_settings({}, env)
    assert loaded.shopify is not None and loaded.shopify.supplier_patterns[0].supplier == "cjdropshipping"


def test_a_bad_pattern_is_a_clear_config_error_without_the_token() -> None:
    env = {"SHOPIFY_SHOP": SHOP, "SHOPIFY_ACCESS_TOKEN": TOKEN, "SHOPIFY_SUPPLIER_PATTERNS": "aliexpress:(unclosed"}
    with pytest.raises(ConfigError) as caught:
        load_settings({}, env)
    message = str(caught.value)
    assert "[shopify] settings are invalid" in message and "supplier_patterns entry 1" in message
    assert "not a valid regular expression" in message and TOKEN not in message


@pytest.mark.parametrize(
    ("order", "source", "suppliers"),
    [
        ("1015", "note", [("aliexpress", "3041872215631015")]),
        ("1016", "note_attribute", [("aliexpress", "3041872215631016")]),
        ("1017", "tag", [("aliexpress", "3041872215631017"), ("cjdropshipping", "CJ2604241017")]),
        ("1018", "note_attribute", [("aliexpress", "3041872215631018")]),
        ("1019", "none", []),
    ],
)
def test_the_sandbox_demo_orders_carry_each_shape(tmp_path: Path, order: str, source: str,
                                                  suppliers: list[tuple[str, str]]) -> None:
    assistant = build_assistant(load_settings({}, {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}), sleep=lambda _: None)
    lookup = assistant.look_up(order)
    assert lookup.state.supplier_refs_source == source
    assert [(s.supplier, s.order_id) for s in lookup.state.suppliers] == suppliers
