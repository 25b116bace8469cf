"""The one plain-text helper every echoed string goes through."""

from __future__ import annotations

import html
import re


def test_plain_text_reads_the_same_and_holds_no_markdown() -> None:
    from pages._ui import plain

    hostile = "![x](http://127.0.0.1:9/x.png) see www.evil.example **u** a@b.example `c` $x$ <b>"
    shown = plain(hostile)
    assert html.unescape(shown).replace("\u2060", "") == hostile
    assert not re.search(r"[\\`*_\[\]()<>!#$]", shown.replace("&#", "")), shown
    assert "www." not in shown and "http:" not in shown and "@b" not in shown


def test_an_amount_an_id_or_a_plain_domain_copied_from_the_page_is_exact() -> None:
    """Only the forms Streamlit's Markdown links (`www.`, `http:`, `a@b`) or turns into emoji (`:x:`) carry a joiner."""
    from pages._ui import plain

    for text in ("68.45 USD", "Order #1001.", "3041872215631003", "supplier.example/orders/42", "v1.2.3"):
        assert "\u2060" not in plain(text) and html.unescape(plain(text)) == text
    for text, guarded in (("WWW.Evil.example", "WWW\u2060."), ("wWw.evil.example", "wWw\u2060."),
                          ("see https://x.example", "https\u2060:"), ("a@b.example", "a\u2060@"),
                          ("a :smile: b", "\u2060:smile\u2060:")):
        assert guarded in html.unescape(plain(text)), text
