"""The activity log survives a process killed mid-write, and a corrupt or locked file is a clear message.

A child process writes records as fast as it can and says which ones were committed; it is killed
with SIGKILL at a random moment, several times over the same file. Afterwards the file passes
SQLite's integrity check, every committed record is there, and no record is half written. A file
full of garbage, a database cut in half, and a file another program holds locked each give a
`StoreError` in plain words through the assistant, the CLI and the page: never a traceback.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import actions.db as db_module
from actions.activity import ActivityStore
from actions.assistant import ActionRequest, build_assistant
from actions.errors import StoreError
from actions.settings import AppSettings
from kb.state import CancelOptions
from kb.walkthrough import ActionId
from tests.conftest import APPTEST_TIMEOUT
from tests.evidence.conftest import TRACEBACK

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "streamlit_app.py")
_PAD = "x" * 700  # long enough that a record spans more than one write to the file

_WRITER = r"""
import sys
from pathlib import Path
from actions.activity import ActivityStore

store = ActivityStore(Path(sys.argv[1]))
start = int(sys.argv[2])
pad = "x" * 700
i = start
while True:
    if i % 2:
        rid = store.claim(f"key-{i}", order_id=f"gid://shopify/Order/{i}", order_name=f"#{i}", ticket="ZD-1",
                          action="cancel_order", options={"n": i, "pad": pad})
        store.finish(rid, outcome="ok", message=f"record {i} {pad} end", request_id=f"req-{i}")
    else:
        store.record(order_id=f"gid://shopify/Order/{i}", order_name=f"#{i}", ticket="ZD-1", action="check_supplier",
                     options={"n": i, "pad": pad}, outcome="ok", message=f"record {i} {pad} end", request_id=f"req-{i}")
    print(i, flush=True)
    i += 1
"""


def _writer(path: Path, start: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(start)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _committed(proc: subprocess.Popen[str], at_least: int) -> list[int]:
    """Read the child's 'committed' lines until it has written `at_least` records."""
    assert proc.stdout is not None
    seen: list[int] = []
    deadline = time.monotonic() + 60
    while len(seen) < at_least and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(int(line))
    return seen


def test_a_process_killed_mid_write_loses_no_committed_record_and_leaves_no_half_record(tmp_path: Path) -> None:
    path = tmp_path / "cancel-assist.sqlite3"
    ActivityStore(path)
    rng = random.Random(8)
    committed: list[int] = []
    start = 1
    for _ in range(4):
        proc = _writer(path, start)
        committed += _committed(proc, at_least=rng.randint(20, 60))
        time.sleep(rng.uniform(0.0, 0.05))  # kill it somewhere inside a later write
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        start = max(committed) + 1000  # keys never collide with a record the killed child may have added

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ActivityStore(path)  # opens afterwards
    records = store.list(limit=100_000)
    by_name = {r.order_name: r for r in records}
    assert {f"#{i}" for i in committed} <= set(by_name), "every committed record is there"
    for rec in records:
        n = int(rec.order_name.lstrip("#"))
        assert rec.order_id == f"gid://shopify/Order/{n}"
        assert rec.options == {"n": n, "pad": _PAD}
        assert rec.ticket == "ZD-1"
        if rec.outcome == "started":  # claimed, then killed before its result: an open claim, not a torn row
            assert rec.action == "cancel_order" and rec.message == "" and rec.idempotency_key == f"key-{n}"
        else:
            assert rec.outcome == "ok"
            assert rec.message == f"record {n} {_PAD} end" and rec.request_id == f"req-{n}"
    store.record(order_id="gid://shopify/Order/1", order_name="#1", ticket=None, action="check_supplier",
                 options={}, outcome="ok", message="still writable")


def _garbage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(random.Random(3).getrandbits(8) for _ in range(8192)))


def _cut_in_half(path: Path) -> None:
    store = ActivityStore(path)
    for i in range(300):
        store.record(order_id=f"o{i}", order_name=f"#{i}", ticket=None, action="check_supplier", options={"pad": _PAD},
                     outcome="ok", message=_PAD)
    store.close()  # the damage is done by another program while no connection is open (a leaked one would fix it up)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE = {"garbage": _garbage, "cut in half": _cut_in_half}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_file_is_a_clear_store_error_from_the_assistant(damage, tmp_path: Path) -> None:
    settings = AppSettings(data_dir=tmp_path)
    damage(settings.activity_path)
    with pytest.raises(StoreError) as caught:
        build_assistant(settings).activity.list()
    message = str(caught.value)
    assert "corrupt" in message and "move the file aside" in message
    assert not TRACEBACK.search(message)


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_file_is_one_sentence_from_the_cli(damage, tmp_path: Path, capsys) -> None:
    from actions.cli import EXIT_ERROR, main

    damage(AppSettings(data_dir=tmp_path).activity_path)
    assert main(["status", "1001"], env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("cancel-assist: ") and "corrupt" in err and err.count("\n") == 1


def test_a_damaged_file_is_a_clear_message_on_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _garbage(AppSettings(data_dir=tmp_path).activity_path)
    monkeypatch.setenv("CANCEL_ASSIST_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=APPTEST_TIMEOUT)
    at.secrets["cancel_assist"] = {"sandbox": True}
    at.query_params["order"] = "1001"
    at.run()
    assert not at.exception
    assert any("corrupt" in e.value for e in at.error)


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The activity log held by another program's exclusive transaction; a short busy timeout."""
    monkeypatch.setattr(db_module, "_BUSY_TIMEOUT_S", 0.2)
    path = AppSettings(data_dir=tmp_path).activity_path
    ActivityStore(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield path
    holder.execute("ROLLBACK")
    holder.close()


def test_a_locked_file_is_a_clear_store_error_and_nothing_is_written(locked: Path) -> None:
    store = ActivityStore(locked)
    with pytest.raises(StoreError, match="locked by another program"):
        store.record(order_id="o", order_name="#1", ticket=None, action="check_supplier", options={},
                     outcome="ok", message="m")


def test_a_locked_file_stops_the_cli_before_it_cancels_anything(locked: Path, capsys) -> None:
    from actions.cli import EXIT_ERROR, main

    env = {"CANCEL_ASSIST_DATA_DIR": str(locked.parent)}
    code = main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes"], env=env)
    err = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert err.startswith("cancel-assist: ") and "locked" in err and not TRACEBACK.search(err)
    saved = locked.parent / "sandbox.json"  # the persisted sandbox is saved on its first write, if any
    world = json.loads(saved.read_text()) if saved.exists() else {}
    assert not [w for w in world.get("write_log", []) if w["operation"] == "OrderCancel"], "no write without a record"


# --- a process killed after its write landed --------------------------------------------------------

_CANCELLER = r"""
import sys
import time
from pathlib import Path

import httpx

from actions.assistant import ActionRequest, build_assistant
from actions.sandbox import Sandbox
from actions.settings import AppSettings
from kb.state import CancelOptions
from kb.walkthrough import ActionId

data = Path(sys.argv[1])
sandbox = Sandbox(persist_path=data / "sandbox.json", job_delay=3600.0)


class StallAfterTheWrite(httpx.BaseTransport):
    # The write reaches the sandbox and is saved; then this process hangs until it is killed.
    def handle_request(self, request):
        response = sandbox.transport.handle_request(request)
        if sandbox.requests[-1].is_write:
            print("written", flush=True)
            time.sleep(3600)
        return response


assistant = build_assistant(AppSettings(data_dir=data), sandbox=sandbox,
                            http=httpx.Client(transport=StallAfterTheWrite()), sleep=lambda _s: None)
assistant.confirm_no_supplier_order("#1011", ticket="ZD-7")  # #1011: no supplier order was placed
assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1011", ticket="ZD-7", options=CancelOptions()))
"""


def _killed_after_the_write(data: Path) -> None:
    """Run a cancel of #1011 in a child process and SIGKILL it once orderCancel has landed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", _CANCELLER, str(data)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the write went through (or the child ended)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert line.strip() == "written", proc.stderr.read() if proc.stderr else ""


def _order_cancels(data: Path) -> int:
    world = json.loads((data / "sandbox.json").read_text())
    return len([w for w in world.get("write_log", []) if w["operation"] == "OrderCancel"])


def _assistant_after(data: Path, *, job_delay: float):
    from actions.sandbox import Sandbox

    sandbox = Sandbox(persist_path=data / "sandbox.json", job_delay=job_delay)
    return build_assistant(AppSettings(data_dir=data), sandbox=sandbox, sleep=lambda _s: None)


def test_a_process_killed_after_its_cancel_landed_has_its_record_closed_ok_by_the_next_look_up(tmp_path: Path) -> None:
    _killed_after_the_write(tmp_path)
    assistant = _assistant_after(tmp_path, job_delay=0.0)  # Shopify's job has finished meanwhile
    [started] = [r for r in assistant.activity.list(order="#1011") if r.action == "cancel_order"]
    assert started.outcome == "started"

    lookup = assistant.look_up("#1011")

    assert lookup.state.shopify.is_cancelled
    closed = assistant.activity.get(started.id)
    assert closed is not None and closed.outcome == "ok", closed
    assert "stopped before recording its result" in closed.message
    assert "found it done: order #1011 is cancelled" in closed.message
    assert closed.idempotency_key and closed.ticket == "ZD-7"

    again = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1011", ticket="ZD-7",
                                        options=CancelOptions()))
    assert again.outcome == "already_done" and "someone else" not in again.message.lower()
    assert _order_cancels(tmp_path) == 1


def test_a_process_killed_before_its_cancel_shows_has_its_record_closed_unknown_and_nothing_resent(
    tmp_path: Path,
) -> None:
    _killed_after_the_write(tmp_path)
    assistant = _assistant_after(tmp_path, job_delay=3600.0)  # Shopify's job is still running

    lookup = assistant.look_up("#1011")

    assert not lookup.state.shopify.is_cancelled
    [closed] = [r for r in assistant.activity.list(order="#1011") if r.action == "cancel_order"]
    assert closed.outcome == "unknown", closed
    assert "stopped before recording its result" in closed.message and "no change yet" in closed.message
    assert closed.idempotency_key, "the write may still land: its key stays held"

    again = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1011", ticket="ZD-7",
                                        options=CancelOptions()))
    assert not again.ok and "someone else" not in again.message.lower(), again.message
    assert "may still land" in again.message
    assert _order_cancels(tmp_path) == 1


def test_pressing_cancel_again_after_a_killed_process_never_says_someone_else_started_it(tmp_path: Path) -> None:
    _killed_after_the_write(tmp_path)
    assistant = _assistant_after(tmp_path, job_delay=3600.0)

    again = assistant.run(ActionRequest(action=ActionId.CANCEL_ORDER, order="#1011", ticket="ZD-8",
                                        options=CancelOptions()))

    assert not again.ok and again.outcome == "refused"
    assert "someone else" not in again.message.lower() and "in progress" not in again.message.lower(), again.message
    assert _order_cancels(tmp_path) == 1
    assert "started" not in {r.outcome for r in assistant.activity.list(order="#1011")}
