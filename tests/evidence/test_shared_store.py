"""One PostgreSQL database behind several processes: one write however many press at once, no record lost.

Two assistants in their own processes (as two app servers would run them) and two CLI processes
share only the database named by CANCEL_ASSIST_DATABASE_URL and the remote (one persisted sandbox
world). They cancel the same order at the same moment: one orderCancel reaches Shopify, the other
three are told "already", and the record has all four attempts. A process writing records as fast as
it can is killed mid-write several times: every record it said was committed is there, whole.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from actions.activity import ActivityStore

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres

_ASSISTANT = r"""
import json, os, sys, time
from pathlib import Path
from actions.assistant import ActionRequest, build_assistant, sandbox_path
from actions.sandbox import Sandbox
from actions.settings import load_settings
from kb.state import CancelOptions, CancelReason, RefundTiming
from kb.walkthrough import ActionId, StepStatus

settings = load_settings({}, dict(os.environ))
assistant = build_assistant(settings, sandbox=Sandbox(persist_path=sandbox_path(settings))).as_agent(sys.argv[3])
lookup = assistant.look_up("1011")  # the page is open on the order: the Cancel button is showing
step = next(s for s in lookup.walkthrough.steps if s.action is ActionId.CANCEL_ORDER and s.status is StepStatus.NEXT)
request = ActionRequest(action=ActionId.CANCEL_ORDER, order="1011", target=step.target, ticket=sys.argv[2],
                        options=CancelOptions(reason=CancelReason.CUSTOMER, refund=RefundTiming.NOW))
print("ready", flush=True)
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.005)
result = assistant.run(request)
print(json.dumps({"ok": result.ok, "message": result.message}), flush=True)
"""


def _env(data_dir: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_"))}
    env.update(CANCEL_ASSIST_DATA_DIR=str(data_dir), CANCEL_ASSIST_DATABASE_URL=url, PYTHONPATH=str(REPO))
    return env


def _cli(data_dir: Path, url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "actions.cli", *args], cwd=data_dir, env=_env(data_dir, url),
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _sandbox_records(url: str, order: str) -> list:
    store = ActivityStore(url, namespace="cancel_assist_sandbox")
    try:
        return [r for r in store.list(order=order)]
    finally:
        store.close()


@pytest.mark.parametrize("round_", range(3))
def test_two_assistant_processes_and_two_clis_on_one_database_send_one_order_cancel(
    round_: int, pg_url: str, tmp_path: Path
) -> None:
    status = _cli(tmp_path, pg_url, "status", "1011")
    assert status.wait(timeout=120) == 0, status.communicate()
    none = _cli(tmp_path, pg_url, "supplier", "1011", "--none")  # #1011 names no supplier order: rule it out
    assert none.wait(timeout=120) == 0, none.communicate()

    go = tmp_path / "go"
    assistants = [
        subprocess.Popen([sys.executable, "-c", _ASSISTANT, str(go), f"ZD-A{i}", f"agent{i}@example.com"],
                         cwd=tmp_path, env=_env(tmp_path, pg_url), text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in (1, 2)
    ]
    for proc in assistants:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")
    cancel = ("cancel", "1011", "--reason", "customer", "--refund", "now", "--yes")
    clis = [_cli(tmp_path, pg_url, *cancel, "--ticket", f"ZD-C{i}", "--agent", f"cli{i}@example.com") for i in (1, 2)]
    go.touch()

    cli_out = [p.communicate(timeout=120) for p in clis]
    assistant_out = [p.communicate(timeout=120) for p in assistants]
    for _, err in (*cli_out, *assistant_out):
        assert "Traceback" not in err, err
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in assistant_out]
    results += [{"ok": p.returncode == 0, "message": out + err} for p, (out, err) in zip(clis, cli_out)]

    assert sum(r["ok"] for r in results) == 1, results
    told = [r["message"] for r in results if not r["ok"]]
    assert len(told) == 3 and all("already" in m.lower() for m in told), told
    world = json.loads((tmp_path / "sandbox.json").read_text())
    assert len([w for w in world.get("write_log", []) if w["operation"] == "OrderCancel"]) == 1

    records = [r for r in _sandbox_records(pg_url, "#1011") if r.action == "cancel_order"]
    assert [r.outcome for r in records].count("ok") == 1, [(r.outcome, r.message) for r in records]
    assert not [r for r in records if r.outcome == "started"]
    assert len(records) == 4, [(r.outcome, r.agent, r.message) for r in records]
    assert sorted(r.agent for r in records) == [
        "agent1@example.com", "agent2@example.com", "cli1@example.com", "cli2@example.com",
    ]
    assert not (tmp_path / "cancel-assist-sandbox.sqlite3").exists()  # the record went to the database


_WRITER = r"""
import sys
from actions.activity import ActivityStore

store = ActivityStore(sys.argv[1])
i = int(sys.argv[2])
pad = "x" * 700
while True:
    if i % 2:
        rid = store.claim(f"key-{i}", order_id=f"gid://shopify/Order/{i}", order_name=f"#{i}", ticket="ZD-1",
                          action="cancel_order", options={"n": i, "pad": pad}, agent="writer@example.com")
        store.finish(rid, outcome="ok", message=f"record {i} {pad} end", request_id=f"req-{i}")
    else:
        store.record(order_id=f"gid://shopify/Order/{i}", order_name=f"#{i}", ticket="ZD-1", action="check_supplier",
                     options={"n": i, "pad": pad}, outcome="ok", message=f"record {i} {pad} end",
                     request_id=f"req-{i}", agent="writer@example.com")
    print(i, flush=True)
    i += 1
"""


def test_a_process_killed_mid_write_loses_no_committed_record_in_postgresql(pg_url: str) -> None:
    ActivityStore(pg_url)
    rng = random.Random(16)
    committed: list[int] = []
    start = 1
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, pg_url, str(start)], text=True,
                                env={**os.environ, "PYTHONPATH": str(REPO)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        wanted = rng.randint(5, 40)
        seen: list[int] = []
        while len(seen) < wanted:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            seen.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)  # mid-write: the next record is on its way
        proc.communicate(timeout=60)
        committed += seen
        start = seen[-1] + 1000
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT order_name, outcome, message, agent FROM activity").fetchall()
    by_name = {name: (outcome, message, agent) for name, outcome, message, agent in rows}
    for i in committed:
        outcome, message, agent = by_name[f"#{i}"]
        assert outcome == "ok" and message.endswith(" end") and agent == "writer@example.com"
    for outcome, message, _ in by_name.values():  # nothing half-written: a claim is started or finished whole
        assert outcome in ("started", "ok") and (outcome == "started" or message.endswith(" end"))
    store = ActivityStore(pg_url)
    assert store.claim("key-after", order_id="o", order_name="#after", ticket=None, action="cancel_order") is not None
