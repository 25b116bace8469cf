"""One service for the pages: they call the assistant, never the activity store, a client or the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
_FACES = [*sorted((_ROOT / "pages").glob("*.py")), _ROOT / "streamlit_app.py"]
# What a page may import from actions: the assistant (the service), errors, links and, in the entry
# file that builds the assistant, its settings and who may use it (and, for the server it also builds,
# the middleware that keeps a ticket's link through sign-in and the socket option it serves with).
_ALLOWED = {"actions.assistant", "actions.errors", "actions.links", "actions.followups"}
_ENTRY_ONLY = {"actions.settings", "actions.access", "actions.sign_in_link", "actions.nodelay"}


def _imports(tree: ast.AST) -> set[str]:
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
            and node.module.split(".")[0] == "actions"}


def test_pages_import_from_actions_only_the_assistant_and_its_errors() -> None:
    wrong = {}
    for path in _FACES:
        allowed = _ALLOWED | (_ENTRY_ONLY if path.name == "streamlit_app.py" else set())
        extra = _imports(ast.parse(path.read_text())) - allowed
        if extra:
            wrong[path.name] = sorted(extra)
    assert wrong == {}


def test_pages_never_reach_through_the_assistant_into_its_store_or_its_sandbox() -> None:
    reached = sorted(
        f"{path.name}:{node.lineno} .{node.attr}"
        for path in _FACES for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in {"activity", "sandbox"}
    )
    assert reached == []
