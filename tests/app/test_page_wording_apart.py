"""Issue 12: every sentence a merchant reads on a page comes from `kb/wording`; the pages and the entry file spell out none.

The pages only lay out what the assistant and the wording modules give them: a heading, caption, label,
help text or message written inline in a page would be a second place to change a sentence.
`tests/wording_scan.py` (shared with `tests/test_wording_apart.py` for actions/) finds them; widget keys,
query parameters, CSS, Markdown markup and format strings with no words are not sentences.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wording_scan import is_sentence, sentences

_ROOT = Path(__file__).resolve().parents[2]
_FACES = sorted([*(_ROOT / "pages").glob("*.py"), _ROOT / "streamlit_app.py"])

# Texts that stay in a page, per file, each with why (an f-string's fields read `{}`). None so far: keep it short.
ALLOWED: dict[str, dict[str, str]] = {}


def _named(path: Path) -> str:
    return path.relative_to(_ROOT).as_posix()


@pytest.mark.parametrize("path", _FACES, ids=_named)
def test_a_page_spells_out_no_sentence_a_merchant_reads(path: Path) -> None:
    allowed = ALLOWED.get(_named(path), {})
    inline = [(line, text) for line, text in sentences(path) if text not in allowed]
    assert inline == [], f"{_named(path)}: word these in kb/wording (or allow them here, with why)"


def test_the_allow_list_names_only_what_is_still_there() -> None:
    for name, texts in ALLOWED.items():
        there = {text for _, text in sentences(_ROOT / name)}
        assert set(texts) <= there, f"{name}: allowed texts no longer there: {set(texts) - there}"


@pytest.mark.parametrize("text", [
    "Look up another order",  # an expander's label
    "Cancel supplier order **{}** at {}? A cancelled supplier order cannot be reopened.",  # Markdown around words
    "Show all steps ({} not needed)",
])
def test_what_a_page_used_to_spell_out_reads_as_a_sentence(text: str) -> None:
    assert is_sentence(text)


@pytest.mark.parametrize("text", ["ca:act:#1001:cancel-order:-", "{}|{}|{}|{}", "page|{}", "guide?",
                                  "pages/walkthrough.py", "st-key-ca-first-screen"])
def test_keys_paths_and_format_strings_are_not_sentences(text: str) -> None:
    assert not is_sentence(text)
