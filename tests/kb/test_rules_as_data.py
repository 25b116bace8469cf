"""The rules are tables a reader can check at a glance, and every entry of them has its words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kb
from kb.facts import SUPPLIER_GROUPS, Odd, SupplierGroup
from kb.guards import always
from kb.precedence import CANCELLED_RULES, GROUP_PATHS, OPEN_RULES
from kb.revert import REVERT_RULES
from kb.state import FulfillmentOrderAction, SupplierStatus
from kb.steps import RETURN_STEP, SUPPLIER_STEP_IDS, SUPPLIER_STEPS, Reason, SupplierSituation
from kb.walkthrough import PathId
from kb.wording.common import ODDITY_WORDS, REVERT_WORDS, SUPPLIER_STATUS_WORDS
from kb.wording.paths import PATH_TITLES, _CITES, _EXPLANATIONS
from kb.wording.steps import STEP_REASONS


def test_each_precedence_table_ends_in_a_rule_that_always_holds_so_every_order_has_a_path():
    for rules in (OPEN_RULES, CANCELLED_RULES):
        assert rules[-1][1] is always
        assert [guard for _, guard in rules].count(always) == 1


def test_every_path_is_reachable_from_a_precedence_table_and_has_a_title_a_citation_and_an_explanation():
    reachable = {path for path, _ in (*OPEN_RULES, *CANCELLED_RULES)}
    assert reachable == set(PathId)
    assert set(PATH_TITLES) == set(PathId)
    assert set(_EXPLANATIONS) == set(PathId)
    assert set(_CITES) | {PathId.CANCELLABLE, PathId.CANCELLATION_PENDING} == set(PathId)


def test_every_supplier_status_has_one_group_and_words_and_every_group_its_paths_and_return_step():
    assert set(SUPPLIER_GROUPS) == set(SupplierStatus)
    assert set(SUPPLIER_STATUS_WORDS) == set(SupplierStatus)
    assert set(GROUP_PATHS) == set(SupplierGroup)
    assert set(RETURN_STEP) == set(SupplierGroup)


def test_the_supplier_step_table_has_a_row_of_three_steps_for_every_situation():
    assert set(SUPPLIER_STEPS) == set(SupplierSituation)
    assert all(len(cells) == len(SUPPLIER_STEP_IDS) == 3 for cells in SUPPLIER_STEPS.values())
    # Only an active order's cancel is urgent; only a cancelled order is done at every step.
    urgent = {s for s, cells in SUPPLIER_STEPS.items() if any(c.todo.name == "URGENT" for c in cells)}
    assert urgent == {SupplierSituation.ACTIVE_BY_API, SupplierSituation.ACTIVE_BY_HAND}


def test_every_step_reason_and_every_oddity_has_its_sentence():
    assert set(STEP_REASONS) == set(Reason)
    assert set(ODDITY_WORDS) == set(Odd)


def test_the_revert_choice_never_releases_a_hold_and_every_choice_has_its_words():
    actions = {action for _, action in REVERT_RULES}
    assert FulfillmentOrderAction.RELEASE_HOLD not in actions
    assert actions == set(REVERT_WORDS)


def test_no_module_of_the_rules_is_longer_than_about_400_lines():
    root = Path(kb.__file__).parent
    long = {str(p.relative_to(root)): n for p in root.rglob("*.py") if (n := len(p.read_text().splitlines())) > 420}
    assert long == {}


def test_every_cancel_option_and_fulfillment_order_action_is_worded_once_in_the_wording_package():
    """One map per concept: no other module, page or reply keeps its own words for these values."""
    from kb.state import CancelReason, RefundDestination, RefundTiming
    from kb.wording.options import CANCEL_REASONS, FO_ACTIONS, REFUND_DESTINATIONS, REFUND_WORDS

    assert set(CANCEL_REASONS) == set(CancelReason)
    assert set(REFUND_DESTINATIONS) == set(RefundDestination) and set(REFUND_WORDS) == set(RefundTiming)
    assert set(REVERT_WORDS) | {FulfillmentOrderAction.RELEASE_HOLD} == set(FO_ACTIONS)  # every action we name
    every = (*CANCEL_REASONS.values(), *FO_ACTIONS.values(), *REFUND_DESTINATIONS.values(), REFUND_WORDS.values())
    phrases = {w for words in every for w in words if len(w) >= 10}
    root = Path(kb.__file__).parent.parent
    sources = [p for folder in ("kb", "actions", "pages") for p in (root / folder).rglob("*.py")
               if p != root / "kb" / "wording" / "options.py"] + [root / "streamlit_app.py"]
    again = {f"{p.relative_to(root)}: {text!r}" for p in sources for text in _literals(p) if text in phrases}
    assert again == set()


def _literals(path: Path) -> set[str]:
    """The string literals of a module, its docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


# The rules modules whose sentences moved to kb.wording: each keeps only rules (no literal of two words or more).
_RULES_ONLY = ("card.py", "followups.py", "hand_check.py", "order_ref.py")


def test_the_rules_of_the_first_screen_the_follow_ups_the_hand_check_and_order_refs_hold_no_sentence_of_their_own():
    root = Path(kb.__file__).parent
    worded = {f"{name}: {text!r}" for name in _RULES_ONLY for text in _literals(root / name) if _is_words(text)}
    assert worded == set()


def _is_words(text: str) -> bool:
    """Two words or more: a sentence or a piece of one (a regular expression or a key is not)."""
    return re.search(r"[A-Za-z]+ [A-Za-z]+", text) is not None


def test_the_supplier_registry_words_only_its_entries_and_the_rest_comes_from_the_wording_package():
    """kb/suppliers.py keeps each supplier's own sentences in its registry entry (adding a supplier stays one
    entry); why a status cannot be cancelled, for any supplier, is kb.wording.suppliers'."""
    from tests.wording_scan import sentences

    path = Path(kb.__file__).parent / "suppliers.py"
    tree = ast.parse(path.read_text())
    entries = next(node for node in tree.body if isinstance(node, ast.AnnAssign)
                   and isinstance(node.target, ast.Name) and node.target.id == "_ENTRIES")
    outside = [(line, text) for line, text in sentences(path)
               if not entries.lineno <= line <= (entries.end_lineno or entries.lineno)]
    assert outside == []


# Where a rules module may still spell out a sentence: (module, the top-level name that holds it) and why.
_SENTENCES_ALLOWED = {
    ("suppliers.py", "_ENTRIES"): "each supplier's own cancel sentences stay in its registry entry (one entry per "
                                  "supplier)",
    ("discovery.py", "SHAPES"): "a shape's name and example label a row of the table for its readers and the "
                                "tests' ids, and show what an app writes; no page or message shows them",
    ("guide.py", "_Parser"): "a malformed guide's error, for the guide's author (file and line); "
                             "tests/kb/test_guide.py loads every shipped guide, so no merchant reads one",
    ("guide.py", "Guide"): "a step or section id the code asked for that the guide lacks: a programming error",
    ("guide.py", "_Part"): "an invariant of the parser (assert), never raised on a parsed guide",
    ("guide.py", "load_guide"): "a guide name the code asked for that is not shipped: a programming error",
}


def _rules_modules() -> list[Path]:
    """Every module of `kb/` but the wording package: found, not listed, so a new module is checked too."""
    root = Path(kb.__file__).parent
    return sorted(p for p in root.rglob("*.py") if "wording" not in p.relative_to(root).parts)


def _owner(tree: ast.Module, line: int) -> str:
    """The top-level function, class or assignment a line belongs to ("" at module level otherwise)."""
    for node in tree.body:
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                return node.name
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                return next((t.id for t in targets if isinstance(t, ast.Name)), "")
            return ""
    return ""


def test_no_rules_module_spells_out_a_sentence_a_merchant_reads_every_one_comes_from_the_wording_package():
    """Every sentence of `kb/` outside `kb/wording` is on the short allow-list above, with its reason."""
    from tests.wording_scan import sentences

    root = Path(kb.__file__).parent
    found, used = [], set()
    for path in _rules_modules():
        name = str(path.relative_to(root))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, text in sentences(path):
            key = (name, _owner(tree, line))
            if key in _SENTENCES_ALLOWED:
                used.add(key)
            else:
                found.append(f"kb/{name}:{line} ({key[1] or 'module'}): {text!r}")
    assert found == []
    assert used == set(_SENTENCES_ALLOWED), "an allow-list entry no longer allows anything: remove it"


def test_a_rules_module_with_nothing_allowed_holds_not_even_a_piece_of_a_sentence():
    """Stricter than the scan (three words, no regular expression hint): not one literal of two words, so a
    fragment ("the supplier") or a message quoting a pattern does not slip through either."""
    root = Path(kb.__file__).parent
    allowed = {name for name, _ in _SENTENCES_ALLOWED}
    modules = [p for p in _rules_modules() if str(p.relative_to(root)) not in allowed]
    assert len(modules) >= 14  # every rules module but the three with an allow-list entry
    worded = {f"{p.relative_to(root)}: {text!r}" for p in modules for text in _literals(p) if _is_words(text)}
    assert worded == set()


def test_the_rules_modules_checked_for_sentences_are_found_not_listed():
    names = {p.name for p in _rules_modules()}
    assert {"discovery.py", "guide.py", "state.py", "refunds.py", "steps.py", "suppliers.py"} <= names
    assert not any("wording" in p.parts for p in _rules_modules())


def test_every_kind_of_app_sign_has_its_words():
    from typing import get_args

    from kb.discovery import SignKind
    from kb.wording.common import APP_SIGN_WORDS

    assert set(APP_SIGN_WORDS) == set(get_args(SignKind))
