"""Find the sentences a person reads that a Python module spells out itself (instead of asking `kb/wording`).

Not a test: `tests/test_wording_apart.py` (actions/) and the pages' test import `sentences()`.

A sentence here is a string literal or f-string of at least three words with a space between them,
outside docstrings, logging calls, regular expressions, SQL, GraphQL documents and URLs. An f-string's
fields read as `{}` (`f"Order {name} is cancelled."` -> `"Order {} is cancelled."`), so an allow-list
can name it without its values. Strings inside an f-string's fields are scanned on their own.
"""

from __future__ import annotations

import ast
import pathlib
import re
from typing import NamedTuple

__all__ = ["Finding", "findings", "is_sentence", "sentences"]

_MIN_WORDS = 3
# A token that is code, not a word: a name with an underscore, camelCase, `key=value`, a flag, a dotted name.
_CODE_TOKEN = re.compile(r"_|=|[a-z][A-Z]|^-|[A-Za-z]\.[A-Za-z]|://")
_LETTER = re.compile(r"[A-Za-z]")

# Logging (and warnings) calls: what they say is read in a log, not on a page.
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
_REGEX_FUNCS = frozenset({"compile", "match", "fullmatch", "search", "sub", "subn", "findall", "finditer", "split"})

# SQL keywords as SQL writes them (prose never shouts "WHERE" or "INSERT INTO").
_SQL = re.compile(
    r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|UNIQUE)|ALTER\s+TABLE|"
    r"DROP\s+(TABLE|INDEX)|WHERE|ORDER\s+BY|GROUP\s+BY|VALUES|ON\s+CONFLICT|PRAGMA|BEGIN\s+IMMEDIATE|LIMIT|"
    r"RETURNING|COALESCE|NOT\s+NULL|PRIMARY\s+KEY|FROM\s+\w+|AND\s+\w+\s*(=|<|>|IS|IN)|IS\s+NULL|"
    r"SET\s+LOCAL|CREATE\s+SCHEMA|IF\s+NOT\s+EXISTS)\b|=\s*\?"
)
_GRAPHQL_SELECTION = re.compile(r"\{\s+\w")  # `shopMoney { amount }`; an f-string's field reads `{}`
_GRAPHQL = re.compile(r"^\s*(#[^\n]*\n\s*)*(query|mutation|fragment|subscription)\b[^{]*\{", re.S)
_REGEX_HINTS = ("(?:", "(?P<", "(?i", "\\d", "\\s", "\\w", "\\b", "[^", "[A-Z", "[a-z", "[0-9")
_URL = re.compile(r"^\s*[a-z][a-z0-9+.-]*://\S*\s*$", re.I)


class Finding(NamedTuple):
    """One sentence in a module: where, what it says, and the call and keyword it is passed to (if any)."""

    line: int
    text: str
    call: str | None  # the called name it is an argument of ("InputError", "add_argument"), None if not one
    keyword: str | None  # the keyword it is passed as ("help", "message"), None if positional or not an argument


def _words(text: str) -> list[str]:
    """The text's words, leaving out code tokens (names, `key=value`, flags, file names)."""
    tokens = (t.strip("\"'`,.;:!?()[]") for t in text.split())
    return [t for t in tokens if _LETTER.search(t) and not _CODE_TOKEN.search(t)]


def _is_name_list(text: str) -> bool:
    """A comma-separated list of bare names (SQL columns, field lists), not prose."""
    parts = [p.strip() for p in text.split(",")]
    return len(parts) >= 3 and all(p and " " not in p for p in parts)


def is_sentence(text: str) -> bool:
    """Whether a literal's text reads as words for a person (not code, SQL, GraphQL, a regex or a URL)."""
    if " " not in text or len(_words(text)) < _MIN_WORDS or _is_name_list(text):
        return False
    if _URL.match(text) or _GRAPHQL.match(text) or _GRAPHQL_SELECTION.search(text) or _SQL.search(text):
        return False
    return not any(hint in text for hint in _REGEX_HINTS)


def _text(node: ast.Constant | ast.JoinedStr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _receiver(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        try:
            return ast.unparse(func.value)
        except Exception:  # pragma: no cover - unparse handles every expression the parser gives
            return ""
    return ""


def _is_log_call(call: ast.Call) -> bool:
    name, receiver = _call_name(call), _receiver(call).lower()
    return name in _LOG_METHODS and ("log" in receiver or receiver in ("warnings",))


def _is_regex_call(call: ast.Call) -> bool:
    return _call_name(call) in _REGEX_FUNCS and _receiver(call) == "re"


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the module's, classes' and functions' docstring nodes."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0].value))
    return out


def findings(path: pathlib.Path) -> list[Finding]:
    """Every sentence a person reads spelled out in this module, in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _docstrings(tree)
    found: list[Finding] = []

    def visit(node: ast.AST, call: str | None, keyword: str | None) -> None:
        if id(node) in skip:
            return
        if isinstance(node, ast.Call):
            if _is_log_call(node) or _is_regex_call(node):
                return
            name = _call_name(node)
            visit(node.func, None, None)
            for arg in node.args:
                visit(arg, name, None)
            for kw in node.keywords:
                visit(kw.value, name, kw.arg)
            return
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            if isinstance(node, ast.JoinedStr) or isinstance(node.value, str):
                text = _text(node)
                if is_sentence(text):
                    found.append(Finding(node.lineno, text, call, keyword))
            if isinstance(node, ast.JoinedStr):  # strings inside its fields are scanned on their own
                for value in node.values:
                    if isinstance(value, ast.FormattedValue):
                        visit(value.value, None, None)
            return
        for child in ast.iter_child_nodes(node):
            # A string inside an expression passed to a call (a conditional, a concatenation) is still that argument.
            visit(child, call, keyword)

    visit(tree, None, None)
    return sorted(found, key=lambda f: f.line)


def sentences(path: pathlib.Path) -> list[tuple[int, str]]:
    """The sentences of one module as (line number, text); an f-string's fields read as `{}`."""
    return [(f.line, f.text) for f in findings(path)]
