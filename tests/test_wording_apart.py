"""Issue 12: every sentence a merchant reads comes from `kb/wording`; `actions/` spells out none itself.

`tests/wording_scan.py` lists the sentences a module spells out. `actions/sandbox/` is left out: it
simulates Shopify's and the suppliers' own texts (userErrors, API messages), which are the remote's words.
"""

from __future__ import annotations

import pathlib

from tests.wording_scan import Finding, findings, sentences

_ROOT = pathlib.Path(__file__).resolve().parent.parent
_ACTIONS = sorted((_ROOT / "actions").glob("*.py"))

# Texts that stay where they are, per module, each with why (an f-string's fields read `{}`).
ALLOWED: dict[str, dict[str, str]] = {
    "cjdropshipping.py": {
        "too many requests": "looked for in CJ's own message, never shown",
    },
    "db.py": {
        "not a database": "looked for in SQLite's own message, never shown",
        "unable to open": "looked for in SQLite's own message, never shown",
    },
    "db_postgres.py": {
        "password authentication failed": "looked for in PostgreSQL's own message, never shown",
    },
    "graphql_transport.py": {
        "only documents of actions.shopify_documents can be sent": "a programmer's error (a bug), never a merchant's",
    },
    "shopify_documents.py": {
        "GraphQL documents are declared in actions/shopify_documents.py only": "a programmer's error (a bug)",
    },
    "shopify.py": {
        "cash on delivery": "a gateway name Shopify writes, matched against, never shown",
    },
}

# The CLI's flag help stays beside its flag: argparse prints it from there (`--help`), and a flag read
# without its help would be a step away from what it does.
_ARGPARSE = frozenset({"_Parser", "ArgumentParser", "add_parser", "add_argument"})


def _flag_help(path: pathlib.Path, finding: Finding) -> bool:
    return path.name == "cli.py" and finding.call in _ARGPARSE and finding.keyword in ("help", "description")


def _spelled_out(path: pathlib.Path) -> list[tuple[int, str]]:
    allowed = ALLOWED.get(path.name, {})
    return [(f.line, f.text) for f in findings(path) if f.text not in allowed and not _flag_help(path, f)]


def test_actions_spell_out_no_sentence_a_merchant_reads() -> None:
    found = {p.name: s for p in _ACTIONS if (s := _spelled_out(p))}
    assert found == {}, "word these in kb/wording (or allow them here, with why)"


def test_the_allow_list_names_only_what_is_still_there() -> None:
    for name, texts in ALLOWED.items():
        there = {text for _, text in sentences(_ROOT / "actions" / name)}
        assert set(texts) <= there, f"{name}: allowed texts no longer there: {set(texts) - there}"
