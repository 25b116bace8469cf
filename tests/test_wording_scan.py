"""The sentence scanner (`tests/wording_scan.py`) finds words for a person and passes over code."""

from __future__ import annotations

import pathlib
import textwrap

from tests.wording_scan import findings, is_sentence, sentences

_MODULE = textwrap.dedent('''
    """A module docstring is not a sentence on a page."""
    import logging
    import re

    log = logging.getLogger(__name__)
    PATTERN = re.compile(r"order (\\d+) is not a number here")
    SQL = "SELECT id FROM activity WHERE order_id = ? ORDER BY at"
    DOC = """
    query OrderRead($id: ID!) { order(id: $id) { name } }
    """
    URL = "https://example.com/a b c"

    def cancel(name, reason):
        """Neither is a function's docstring."""
        log.warning("the cancel of %s took too long this time", name)
        if reason:
            raise ValueError(f"Order {name} cannot be cancelled: {reason}.")
        return ("Order " + name, "Shopify emails the customer a notice.")
    ''')


def test_the_scanner_lists_sentences_and_passes_over_code(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(_MODULE)
    assert sentences(module) == [(18, "Order {} cannot be cancelled: {}."), (19, "Shopify emails the customer a notice.")]
    assert [(f.call, f.keyword) for f in findings(module)] == [("ValueError", None), (None, None)]


def test_a_sentence_has_three_words_and_is_not_code() -> None:
    assert is_sentence("Refund {} now to {}.")
    assert is_sentence("no refund now: refund later from the order page")
    assert not is_sentence("cancel_order")  # a key
    assert not is_sentence("Order {}")  # two words
    assert not is_sentence("order_id, order_name, ticket, agent")  # columns
    assert not is_sentence("closed_at IS NULL AND due_at <= ?")  # SQL
    assert not is_sentence("shopMoney { amount currencyCode }")  # a GraphQL selection
    assert not is_sentence("{}=; Max-Age=0; Path=/; HttpOnly")  # a cookie header
    assert not is_sentence(r"^(?:#)?(\d+) order number$")  # a regex
