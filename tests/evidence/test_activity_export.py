"""The record is complete and its CSV is inert: nothing is silently left out, nothing in a cell runs.

A busy shop has more than a page of records: the Activity page says how many match and pages through
all of them, and the CSV export holds every matching record. Remote text in a cell (a message, a
request id) may hold line breaks of any kind: every such cell is quoted, so a row stays one row, and
no line of a cell can start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

from streamlit.testing.v1 import AppTest

from actions.activity import ActivityStore
from actions.assistant import Assistant
from pages._ui import ACTIVITY_PAGE, ACTIVITY_TICKET, ASSISTANT_KEY
from tests.conftest import APPTEST_TIMEOUT
from tests.evidence.conftest import make_assistant

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
MANY = 1234  # more than the 500 the page and the export used to stop at


def _fill(store: ActivityStore, count: int) -> None:
    """`count` finished records, as earlier sessions would have left them (one transaction, for speed)."""
    rows = [
        ("2026-01-01T00:00:00.000+00:00", f"gid://shopify/Order/{5500000001000 + n % 7}", f"#{1000 + n % 7}",
         f"ZD-{n % 3}", "check_supplier", "{}", "ok", f"record {n}")
        for n in range(1, count + 1)
    ]
    conn = sqlite3.connect(store.path)
    with conn:
        conn.executemany("INSERT INTO activity (at, order_id, order_name, ticket, action, options, outcome, message)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.close()


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_store_counts_pages_and_walks_through_every_record(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    _fill(store, MANY)
    assert store.count() == MANY
    assert store.count(ticket="ZD-1") == len([n for n in range(1, MANY + 1) if n % 3 == 1])
    pages = [store.list(limit=100, offset=offset) for offset in range(0, MANY, 100)]
    ids = [r.id for page in pages for r in page]
    assert len(ids) == MANY and ids == sorted(set(ids), reverse=True), "pages are newest first, none twice"
    assert [r.id for r in store.records(batch=97)] == ids


def test_the_csv_export_holds_every_record_that_matches_the_filters(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    _fill(store, MANY)
    assert len(_csv_rows(store.export_csv())) == MANY
    ticket = _csv_rows(store.export_csv(ticket="ZD-2"))
    assert len(ticket) == store.count(ticket="ZD-2") and {r["ticket"] for r in ticket} == {"ZD-2"}
    order = _csv_rows(store.export_csv(order="1003", ticket="ZD-0"))
    assert len(order) == store.count(order="1003", ticket="ZD-0") > 0
    assert {(r["order_name"], r["ticket"]) for r in order} == {("#1003", "ZD-0")}


def _activity_page(assistant: Assistant) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    at.secrets["cancel_assist"] = {"sandbox": True}
    at.session_state[ASSISTANT_KEY] = assistant
    at.run()
    at.switch_page("pages/activity.py").run()
    assert not at.exception, at.exception
    return at


def _messages(at: AppTest) -> list[str]:
    return [row["Message"] for row in at.table[0].value.to_dict("records")]


def test_the_activity_page_says_how_many_records_there_are_and_pages_to_the_oldest(tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path)
    _fill(assistant.activity, MANY)
    at = _activity_page(assistant)
    captions = " ".join(c.value for c in at.caption)
    assert f"{MANY:,} records" in captions
    first = _messages(at)
    assert first[0] == f"record {MANY}"
    last_page = at.number_input(key=ACTIVITY_PAGE).max
    assert last_page > 1
    at.number_input(key=ACTIVITY_PAGE).set_value(last_page).run()
    assert not at.exception, at.exception
    assert _messages(at)[-1] == "record 1", "the oldest record is reachable"
    at.text_input(key=ACTIVITY_TICKET).input("ZD-0").run()  # fewer records: the page comes back into range
    assert not at.exception, at.exception
    assert f"{assistant.activity.count(ticket='ZD-0'):,} records" in " ".join(c.value for c in at.caption)
    assert _messages(at)


# --- CSV cells ------------------------------------------------------------------------------------------------

_BREAKS = {
    "bare CR": "first line\r=HYPERLINK(\"https://evil.example\",\"refund\")",
    "LF": "first line\n+cmd|' /C calc'!A0",
    "CRLF": "first line\r\n@SUM(1+1)*cmd|' /C calc'!A0",
    "CR then tab": "ok\r\t=1+1",
    "leading CR": "\r-2+3",
}


def test_a_cell_holding_any_line_break_is_quoted_and_no_line_of_it_starts_a_formula(tmp_path: Path) -> None:
    store = ActivityStore(tmp_path / "log.sqlite3")
    for name, message in _BREAKS.items():
        store.record(order_id="gid://shopify/Order/5500000001001", order_name="#1001", ticket="ZD-1",
                     action="cancel_supplier", outcome="error", message=message, request_id=f"{name}\r=1+1")
    text = store.export_csv()
    rows = _csv_rows(text)
    assert len(rows) == len(_BREAKS), "every record is one row"
    assert [r["outcome"] for r in rows] == ["error"] * len(_BREAKS), "no cell spilled into the next column or row"
    for row in rows:
        for cell in (row["message"], row["request_id"]):
            for line in re.split(r"\r\n|\r|\n", cell):
                assert not line[:1] in ("=", "+", "-", "@", "\t"), f"a line starts a formula: {cell!r}"
    # A reader that splits on any line break (as some importers do) still sees no formula at a line's start.
    for line in re.split(r"\r\n|\r|\n", text):
        for cell in next(csv.reader([line])) if line else []:
            assert cell[:1] not in ("=", "+", "@"), f"a line of the file starts a formula: {line!r}"
    assert store.to_csv(store.records()) == text, "the page's export and the store's agree"
