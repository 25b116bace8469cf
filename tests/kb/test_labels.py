"""What the activity record's machine values read as."""

from __future__ import annotations

from kb.wording.record import ACTION_LABELS, OUTCOME_LABELS, action_label, gid_words, option_words, outcome_label
from kb.state import CancelReason, RefundTiming
from kb.walkthrough import ActionId


def test_every_action_and_outcome_has_words() -> None:
    for action in ActionId:
        assert action.value in ACTION_LABELS and "_" not in action_label(action.value)
    for outcome in ("started", "ok", "refused", "error", "unknown", "already_done"):
        assert outcome in OUTCOME_LABELS and "_" not in outcome_label(outcome)
    assert action_label("finish_for_me") == "Finish for me"  # an action this version does not know


def test_options_read_as_words_never_as_raw_values_or_gids() -> None:
    options = {"refund": RefundTiming.LATER.value, "reason": CancelReason.INVENTORY.value, "restock": True,
               "notify_customer": False, "staff_note": None, "target": "gid://shopify/Order/55",
               "supplier": "cjdropshipping"}
    words = option_words(options, order_name="#1001")
    assert words == "Refund later · Items unavailable · restock: yes · notify the customer: no · #1001 · CJ Dropshipping"
    assert "gid://" not in words and "INVENTORY" not in words


def test_a_gid_reads_as_its_kind_and_number() -> None:
    assert gid_words("gid://shopify/FulfillmentOrder/5003") == "fulfillment 5003"
    assert gid_words("gid://shopify/Order/55", order_name="#1001") == "#1001"
    assert gid_words("3041872215631001") == "3041872215631001"


def test_the_supplier_gate_and_hand_check_records_read_as_words() -> None:
    assert action_label("check_by_hand") == "Check the supplier order by hand"
    assert action_label("no_supplier_order") == "No supplier order was placed"
    words = option_words({"supplier": "aliexpress", "order_id": "3041872215631018", "status": "awaiting_shipment"})
    assert words == "AliExpress · 3041872215631018 · shows: awaiting shipment (paid, not shipped)"
    assert option_words({"refund": "now", "refund_to": "store_credit"}) == "Refund now · as store credit"


def test_a_cancel_with_refund_later_names_no_refund_destination() -> None:
    """#1026's record read "Refund later · to the original payment method": no refund went anywhere."""
    words = option_words({"refund": "later", "refund_to": "original", "reason": "CUSTOMER"})
    assert words == "Refund later · Customer changed or cancelled order"


def test_a_follow_up_check_reads_its_statuses_as_words() -> None:
    words = option_words({"check_run": "check-1", "status": "already_cancelled", "waiting_for": "seller_approval",
                          "authorised_by": "ana_ruiz@example.com"})
    assert words == ("check run: check-1 · status: already cancelled · waiting for: seller approval · "
                     "authorised by: ana_ruiz@example.com")
