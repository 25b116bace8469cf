"""Issue 12: every sentence a merchant reads on a page comes from `kb/wording`; the pages and the entry file spell out none.

The pages only lay out what the assistant and the wording modules give them: a heading, caption, label,
help text or message written inline in a page would be a second place to change a sentence.
`tests/wording_scan.py` (shared with `tests/test_wording_apart.py` for actions/) finds sentences; widget keys,
query parameters, CSS, Markdown markup and format strings with no words are not sentences. The scanner lets
one- and two-word texts through, so `labels()` also checks what Streamlit calls show (a label, body, help,
placeholder, a table's column names): there no literal word may stand at all.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.wording_scan import is_sentence, sentences

_ROOT = Path(__file__).resolve().parents[2]
_FACES = sorted([*(_ROOT / "pages").glob("*.py"), _ROOT / "streamlit_app.py"])

# Texts that may stay in a page, per file, each with why (an f-string's fields read `{}`). None is needed today:
# every sentence moved. An entry added here must name a text the scanner finds in that file, or it is noise.
ALLOWED: dict[str, dict[str, str]] = {}


def _named(path: Path) -> str:
    return path.relative_to(_ROOT).as_posix()


@pytest.mark.parametrize("path", _FACES, ids=_named)
def test_a_page_spells_out_no_sentence_a_merchant_reads(path: Path) -> None:
    allowed = ALLOWED.get(_named(path), {})
    inline = [(line, text) for line, text in sentences(path) if text not in allowed]
    assert inline == [], f"{_named(path)}: word these in kb/wording (or allow them here, with why)"


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


# Streamlit calls that put their text on the page, and the keywords that carry it: a word there is read, even a
# one-word label ("Refresh") that the sentence scanner lets through.
_SHOWS_TEXT = frozenset({
    "button", "caption", "checkbox", "date_input", "dialog", "download_button", "error", "expander",
    "form_submit_button", "header", "info", "link_button", "markdown", "number_input", "Page", "progress", "radio",
    "selectbox", "set_page_config", "spinner", "status", "subheader", "success", "text_input", "title", "toggle",
    "warning", "write",
})
_TEXT_KEYWORDS = frozenset({"label", "body", "help", "placeholder", "title", "text", "page_title"})
_LETTERS = re.compile(r"[A-Za-z]{2}")


def _literal_text(node: ast.expr) -> str | None:
    """The words of a string literal or f-string (its fields left out), None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def labels(path: Path) -> list[tuple[int, str]]:
    """Literal words handed to a Streamlit call that shows them (its label, body, help or placeholder),
    and the column names of a `table(...)`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        shown: list[ast.expr] = []
        if name in _SHOWS_TEXT:
            # st.Page's first argument is the script's path, not words.
            shown += node.args[1:] if name == "Page" else node.args[:1]
            shown += [kw.value for kw in node.keywords if kw.arg in _TEXT_KEYWORDS]
        if name == "table":
            shown += [key for arg in node.args for d in ast.walk(arg) if isinstance(d, ast.Dict)
                      for key in d.keys if key is not None]
        if isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value).startswith("sys."):
            continue  # sys.stderr.write: the server's log, not the page
        for expr in shown:
            found += [(part.lineno, text) for part in _shown_parts(expr)
                      if (text := _literal_text(part)) is not None and _LETTERS.search(text)]
    return sorted(found)


def _shown_parts(expr: ast.expr) -> list[ast.expr]:
    """The sub-expressions whose text can reach the page: not an index (`PAGE_TITLES["guide"]`,
    `session_state[key]`) nor the arguments of a look-up (`getattr(report, "message")`, `state_key("x")`)."""
    parts = [expr]
    if isinstance(expr, ast.Subscript):
        return [*parts, *_shown_parts(expr.value)]
    if isinstance(expr, ast.Call):
        name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "")
        if name == "getattr" or name.endswith("_key"):
            return parts
    for child in ast.iter_child_nodes(expr):
        if isinstance(child, ast.expr):
            parts += _shown_parts(child)
    return parts


@pytest.mark.parametrize("path", _FACES, ids=_named)
def test_a_page_labels_nothing_itself(path: Path) -> None:
    """Short labels too ("Refresh", "Check now"): every word a widget, heading or table shows is named from kb/wording."""
    assert labels(path) == [], f"{_named(path)}: word these in kb/wording"


def test_the_label_check_finds_a_one_word_label_and_passes_keys_and_paths(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('st.button("Refresh", key=state_key("refresh", order), type="primary")\n'
                    'st.Page("pages/guide.py", url_path="guide", title=PAGE_TITLES["guide"])\n'
                    'st.error(escape_md(getattr(report, "message", None) or "Try again"))\n'
                    'table([{"Order": name, COLUMNS.ticket: ticket}])\n'
                    'st.caption(f"⚠️ {plain(warning)}")\n', encoding="utf-8")
    assert labels(page) == [(1, "Refresh"), (3, "Try again"), (4, "Order")]
