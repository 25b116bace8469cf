"""The first screen's words: one sentence of why."""

from __future__ import annotations

from kb.card import first_sentence


def test_the_first_sentence_ends_at_a_full_stop_not_inside_an_amount_or_an_id() -> None:
    text = "Found #1001 in Shopify (49.85 USD) and its supplier order 3041872215631001. It is paid."
    assert first_sentence(text) == "Found #1001 in Shopify (49.85 USD) and its supplier order 3041872215631001."
    assert first_sentence("No sentence end here") == "No sentence end here"
