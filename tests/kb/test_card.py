"""The first screen's words: one sentence of why."""

from __future__ import annotations

from kb.card import first_sentence, short_why


def test_the_first_sentence_ends_at_a_full_stop_not_inside_an_amount_or_an_id() -> None:
    text = "Found #1001 in Shopify (49.85 USD) and its supplier order 3041872215631001. It is paid."
    assert first_sentence(text) == "Found #1001 in Shopify (49.85 USD) and its supplier order 3041872215631001."
    assert first_sentence("No sentence end here") == "No sentence end here"


def test_a_long_why_keeps_its_lead_and_leaves_the_details_to_the_checklist() -> None:
    long = ("Something about #1018 does not add up, so the assistant will not offer to cancel it on Shopify until "
            "you have looked: AliExpress order 3041872215631018 could not be read (Order 3041872215631018 is not in "
            "your AliExpress account): check the supplier order number; check it on the supplier's site. More.")
    assert short_why(long) == ("Something about #1018 does not add up, so the assistant will not offer to cancel it "
                               "on Shopify until you have looked.")
    short = "Shopify shows #1003 In progress: a fulfillment is requested, so take it back first."
    assert short_why(short) == short  # short enough: the whole first sentence, colon and all


def test_every_button_and_its_progress_have_words_and_a_revert_without_its_own_label_reads_generically() -> None:
    from kb.card import action_label, progress_words
    from kb.state import FulfillmentOrderAction
    from kb.walkthrough import ActionId, StepStatus, WalkthroughStep

    def step(action: ActionId, revert: FulfillmentOrderAction | None = None) -> WalkthroughStep:
        return WalkthroughStep(step_id="x", title="t", status=StepStatus.NEXT, reason="r", action=action,
                               supplier="aliexpress", revert=revert)

    assert action_label(step(ActionId.CANCEL_SUPPLIER)) == "Cancel at AliExpress…"
    assert progress_words(step(ActionId.CANCEL_SUPPLIER)) == "Cancelling… at AliExpress, then reading the order again"
    assert action_label(step(ActionId.REVERT_FULFILLMENT, FulfillmentOrderAction.REQUEST_CANCELLATION)) == \
        "Ask the fulfillment service to cancel"
    # an action the wording has no revert label for (the rules never offer it): no crash, the generic words
    odd = step(ActionId.REVERT_FULFILLMENT, FulfillmentOrderAction.CREATE_FULFILLMENT)
    assert action_label(odd) == "Revert the fulfillment request"
    assert progress_words(odd) == "Revert the fulfillment request: sending it to Shopify…"
    assert action_label(step(ActionId.FIND_SUPPLIER_ORDER)) is None  # a form, not a button
