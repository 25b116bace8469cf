"""One PostgreSQL database behind several processes: a process writing records as fast as it can is
killed mid-write several times, and every record it said was committed is there, whole.

Two real app servers and two CLIs cancelling one order on one database, and a server killed while
its `orderCancel` is on the wire, are in `tests/e2e/test_team_servers_browser.py`.
"""

from __future__ import annotations

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
