"""Supplier order discovery: every recognised shape, where it is looked for, and the merchant's own patterns."""

from __future__ import annotations

import pytest

from kb.discovery import SHAPES, AppSign, SupplierPattern, app_signs, find_supplier_refs, parse_supplier_patterns
from kb.state import DisplayFulfillmentStatus, FulfillmentOrderRequestStatus, FulfillmentOrderState
from kb.state import FulfillmentOrderStatus, Money, ShopifyOrderState
from kb.wording.common import app_signs_words

AE = "8100000000000001"


def _found(**where: object) -> list[tuple[str, str, str]]:
    return [(r.supplier, r.order_id, r.source) for r in find_supplier_refs(**where)]  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_each_shape_in_the_table_finds_the_id_in_its_own_example(shape) -> None:
    place = shape.places[0]
    where = {"note_attribute": {"attributes": [("Supplier", shape.example)]}, "note": {"note": shape.example},
             "tag": {"tags": [shape.example]}}[place]
    found = _found(**where)
    assert len(found) == 1 and found[0][0] == shape.supplier and found[0][1] in shape.example


def test_dropified_note_line_is_read_from_the_note() -> None:
    assert _found(note=f"Aliexpress Order ID: {AE}\nThanks!") == [("aliexpress", AE, "note")]


def test_dropified_attribute_key_holds_the_id_and_its_value_the_order_url() -> None:
    key, url = f"Aliexpress Order #{AE}", f"https://trade.aliexpress.com/order_detail.htm?orderId={AE}"
    assert _found(attributes=[(key, url)]) == [("aliexpress", AE, "note_attribute")]
    assert _found(attributes=[(key, "")]) == [("aliexpress", AE, "note_attribute")]
    assert _found(attributes=[("Supplier link", url)]) == [("aliexpress", AE, "note_attribute")]


def test_the_new_aliexpress_order_detail_url_is_read() -> None:
    url = f"https://www.aliexpress.com/p/order/detail.html?orderId={AE}&spm=a2g0o"
    assert _found(note=f"see {url}") == [("aliexpress", AE, "note")]


@pytest.mark.parametrize("key", ["AliExpress Order Number", "AliExpress Order ID", "aliexpress_order_id",
                                 "Aliexpress order no.", "AE Order", "Ali Order #"])
def test_attribute_keys_naming_an_aliexpress_order_give_their_value(key: str) -> None:
    assert _found(attributes=[(key, AE)]) == [("aliexpress", AE, "note_attribute")]


def test_a_bare_12_to_20_digit_tag_is_an_aliexpress_order_and_shorter_numbers_are_not() -> None:
    assert _found(tags=["vip", AE, "12345678901", "123456789012345678901"]) == [("aliexpress", AE, "tag")]
    assert _found(tags=["810000000001"]) == [("aliexpress", "810000000001", "tag")]


def test_cj_order_numbers_are_read_labelled_as_a_url_and_as_a_tag() -> None:
    assert _found(note="CJ Order Number: CJ2604221015") == [("cjdropshipping", "CJ2604221015", "note")]
    assert _found(attributes=[("CJ Order ID", "CJ2604221016")]) == [("cjdropshipping", "CJ2604221016", "note_attribute")]
    assert _found(tags=["CJ2604221017", "CJdropshipping"]) == [("cjdropshipping", "CJ2604221017", "tag")]
    url = "https://cjdropshipping.com/my.html#/order-detail?orderId=CJ2604221018"
    assert _found(note=url) == [("cjdropshipping", "CJ2604221018", "note")]


def test_a_url_on_another_host_naming_aliexpress_is_not_trusted() -> None:
    assert _found(note=f"https://evil.example/aliexpress.com/order_detail.htm?orderId={AE}") == []
    assert _found(note=f"https://aliexpress.com.evil.example/x?orderId={AE}") == []


def test_the_metafield_wins_and_the_rest_is_read_only_without_it() -> None:
    meta = '[{"supplier": "cj", "order_id": "CJ1"}]'
    assert _found(metafield=meta, note=f"Aliexpress Order ID: {AE}") == [("cjdropshipping", "CJ1", "metafield")]
    assert _found(metafield="not json", note=f"Aliexpress Order ID: {AE}") == [("aliexpress", AE, "note")]


def test_an_id_found_in_several_places_keeps_the_most_trusted_one() -> None:
    found = _found(attributes=[(f"Aliexpress Order #{AE}", "")], note=f"Aliexpress Order ID: {AE}", tags=[AE])
    assert found == [("aliexpress", AE, "note_attribute")]


def test_a_split_order_gives_every_supplier_order() -> None:
    found = _found(note="Aliexpress Order ID: 8100000000000001, 8100000000000002", tags=["CJ2604221015"])
    assert found == [("aliexpress", "8100000000000001", "note"), ("aliexpress", "8100000000000002", "note"),
                     ("cjdropshipping", "CJ2604221015", "tag")]


def test_ordinary_notes_and_tags_give_nothing() -> None:
    assert _found(note="Please deliver after 5pm, call 0044 7911 123456", tags=["wholesale", "2026", "#1001"],
                  attributes=[("Gift wrap", "yes"), ("Order origin", "TikTok")]) == []


def test_a_huge_note_is_cut_not_scanned_whole() -> None:
    assert _found(note="x" * 1_000_000 + f" Aliexpress Order ID: {AE}") == []


def test_a_configured_pattern_is_read_on_top_of_the_built_in_shapes() -> None:
    patterns = parse_supplier_patterns(["aliexpress:Supplier ref (?P<id>\\d{6,20})", "cj:CJREF-(\\w+)"])
    found = _found(note="Supplier ref 81900004. CJREF-ABC123", tags=[AE], patterns=patterns)
    assert found == [("aliexpress", "81900004", "note"), ("cjdropshipping", "ABC123", "note"), ("aliexpress", AE, "tag")]


def test_configured_patterns_can_be_limited_to_places() -> None:
    pattern = SupplierPattern(supplier="aliexpress", pattern=r"REF(\d+)", places=("tag",))
    assert _found(note="REF123", patterns=[pattern]) == []
    assert _found(tags=["REF123"], patterns=[pattern]) == [("aliexpress", "123", "tag")]


def test_patterns_from_the_environment_are_a_json_list_or_one_per_line() -> None:
    assert len(parse_supplier_patterns('[{"supplier": "aliexpress", "pattern": "A(\\\\d+)"}, "cj:B(\\\\w+)"]')) == 2
    assert len(parse_supplier_patterns("aliexpress:A(\\d+)\ncjdropshipping:B(\\w+)\n")) == 2
    assert parse_supplier_patterns("") == ()


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (["aliexpress:("], "entry 1: pattern: '(' is not a valid regular expression"),
        (["aliexpress:ok(\\d+)", "temu:x(\\d+)"], "entry 2: supplier"),
        (["aliexpress:no group"], "needs a group named id"),
        (["aliexpress:(a)(b)"], "needs a group named id"),
        (["aliexpress:(\\d*)"], "matches an empty text"),
        (["just a regex"], "must look like \"aliexpress:<regex>\""),
        ("[not json", "not a valid JSON list"),
        ([42], "entry 1 must be"),
        (42, "must be a list"),
    ],
)
def test_a_bad_pattern_is_refused_with_what_is_wrong(raw: object, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_supplier_patterns(raw)
    assert says in str(caught.value)


def _order(location: str | None, tags: tuple[str, ...] = ()) -> ShopifyOrderState:
    fo = FulfillmentOrderState(id="gid://shopify/FulfillmentOrder/1", status=FulfillmentOrderStatus.OPEN,
                               request_status=FulfillmentOrderRequestStatus.UNSUBMITTED, location_name=location)
    return ShopifyOrderState(id="gid://shopify/Order/1", name="#1", fulfillment_status=DisplayFulfillmentStatus.UNFULFILLED,
                             total=Money(amount="1", currency="USD"), fulfillment_orders=(fo,), tags=tags)


@pytest.mark.parametrize("location", ["DSers - AliExpress", "Zopi", "AutoDS", "CJdropshipping", "CJ Dropshipping"])
def test_a_dropshipping_apps_location_is_a_sign_a_supplier_order_was_placed(location: str) -> None:
    (sign,) = app_signs(_order(location))
    assert sign.kind == "location" and sign.text == location
    assert location in app_signs_words([sign])


def test_zopis_status_tags_are_a_sign_and_the_merchants_own_location_is_not() -> None:
    signs = app_signs(_order("Main warehouse", ("Placed: Payment needed", "vip")))
    assert signs == (AppSign("Zopi", "tag", "Placed: Payment needed"),)  # a value; kb.wording words it
    assert app_signs_words(signs) == "it carries the tag \u201cPlaced: Payment needed\u201d, a status tag of the app Zopi"
    assert app_signs(_order("Main warehouse", ("vip",))) == ()
