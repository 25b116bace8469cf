"""Words for a merchant's own supplier id patterns that cannot be used (`kb.discovery.parse_supplier_patterns`).

The app refuses to start with them and shows these words, after the settings section's name. `shown` is the
pattern as the message quotes it, already cut and quoted by the caller; `why` is Python's own reason.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "NOT_A_LIST",
    "bad_entry",
    "field_problem",
    "matches_empty",
    "no_id_group",
    "no_supplier",
    "not_a_json_list",
    "not_a_regex",
    "not_an_entry",
]

NOT_A_LIST = "supplier_patterns must be a list of \"supplier:regex\" strings or tables"


def not_a_regex(shown: str, why: str) -> str:
    return f"{shown} is not a valid regular expression ({why})"


def no_id_group(shown: str) -> str:
    return f"{shown} needs a group named id, (?P<id>...), or exactly one group (...)"


def matches_empty(shown: str) -> str:
    return f"{shown} matches an empty text; it must capture an order id"


def not_a_json_list(why: str) -> str:
    return f"supplier_patterns is not a valid JSON list ({why})"


def no_supplier(n: int) -> str:
    """Entry `n` (from 1) is a string without the `supplier:` before its pattern."""
    return f"supplier_patterns entry {n} must look like \"aliexpress:<regex>\""


def not_an_entry(n: int) -> str:
    return f"supplier_patterns entry {n} must be a \"supplier:regex\" string or a table"


def bad_entry(n: int, problems: Iterable[str]) -> str:
    """Entry `n` (from 1) that cannot be read, with every problem found in it."""
    return f"supplier_patterns entry {n}: " + "; ".join(problems)


def field_problem(field: str, what: str) -> str:
    """One field of an entry and what is wrong with it (pydantic's message, or one of the above)."""
    return f"{field}: {what}"
