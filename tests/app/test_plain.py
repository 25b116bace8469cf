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
