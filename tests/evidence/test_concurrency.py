"""Two sessions (threads) and two CLI processes pressing Cancel at the same moment send exactly one write.

The sessions share nothing in memory but the remote (one sandbox world) and the activity log's file:
the guard that lets only one of them act is the log's unique idempotency key, not session state.
The CLI processes share only their data dir (the persisted sandbox and the activity log).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from actions.assistant import ActionRequest, ActionResult, Assistant
from kb.state import CancelOptions, RefundTiming
from kb.walkthrough import ActionId, StepStatus
from tests.evidence.conftest import make_assistant, new_sandbox

REPO = Path(__file__).resolve().parents[2]
WRITES = {
    "orderCancel": ("#1011", ActionId.CANCEL_ORDER, "OrderCancel"),
    "fulfillment revert": ("#1003", ActionId.REVERT_FULFILLMENT, "FulfillmentOrderSubmitCancellationRequest"),
    "CJ cancel": ("#1013", ActionId.CANCEL_SUPPLIER, "/shopping/order/deleteOrder"),
}
_ROUNDS = 4


def _request(assistant: Assistant, order: str, action: ActionId, ticket: str) -> ActionRequest:
    lookup = assistant.look_up(order)
    if lookup.walkthrough.next_step and lookup.walkthrough.next_step.action is ActionId.FIND_SUPPLIER_ORDER:
        assistant.confirm_no_supplier_order(order, ticket=ticket)  # #1011: no supplier order was placed
    step = next(s for s in assistant.look_up(order).walkthrough.steps
                if s.action is action and s.status is StepStatus.NEXT)
    options = CancelOptions(refund=RefundTiming.NOW) if action is ActionId.CANCEL_ORDER else None
    return ActionRequest(action=action, order=order, target=step.target, ticket=ticket, options=options)


def _at_once(*calls) -> list[ActionResult]:
    """Run the calls in threads released together by a barrier; re-raise any crash."""
    barrier = threading.Barrier(len(calls))
    results: list[ActionResult | BaseException | None] = [None] * len(calls)

    def go(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results  # type: ignore[return-value]


@pytest.mark.parametrize("slow_write", [False, True], ids=["fast remote", "slow write"])
@pytest.mark.parametrize("write", WRITES, ids=WRITES.keys())
def test_two_sessions_pressing_at_the_same_moment_send_one_write_and_the_other_is_told(
    write: str, slow_write: bool, tmp_path: Path
) -> None:
    order, action, operation = WRITES[write]
    for round_ in range(_ROUNDS):
        sandbox = new_sandbox(latency=0.005)
        data = tmp_path / f"round-{round_}"
        first, second = make_assistant(data, sandbox=sandbox), make_assistant(data, sandbox=sandbox)
        requests = (_request(first, order, action, "ZD-1"), _request(second, order, action, "ZD-2"))
        if slow_write:  # the first write is in flight while the other session arrives
            sandbox.set_faults("*.write:slow=300@1")

        results = _at_once(lambda: first.run(requests[0]), lambda: second.run(requests[1]))

        sent = [r for r in sandbox.requests if r.operation == operation]
        assert len(sent) == 1, f"round {round_}: {operation} sent {len(sent)} times"
        winners = [r for r in results if r.ok]
        losers = [r for r in results if not r.ok]
        assert len(winners) == 1 and len(losers) == 1, [r.message for r in results]
        told = losers[0].message.lower()
        assert "already" in told, losers[0].message  # "already cancelled" or "already in progress"
        assert not [r for r in results if r.outcome == "started"]
        ok_records = [r for r in first.activity.list(order=order) if r.action == action.value and r.outcome == "ok"]
        assert len(ok_records) == 1


def _cli(data_dir: Path, *args: str, faults: str = "") -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_"))}
    env.update({"CANCEL_ASSIST_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO), "CANCEL_ASSIST_SANDBOX_FAULTS": faults})
    return subprocess.Popen([sys.executable, "-m", "actions.cli", *args], cwd=data_dir, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("faults", ["", "shopify.write:slow=500@1"], ids=["fast remote", "slow write"])
def test_two_cli_processes_cancelling_the_same_order_send_one_order_cancel(faults: str, tmp_path: Path) -> None:
    status = _cli(tmp_path, "status", "1011")
    assert status.wait(timeout=60) == 0, status.stderr.read() if status.stderr else ""
    none = _cli(tmp_path, "supplier", "1011", "--none")  # #1011: no supplier order was placed
    assert none.wait(timeout=60) == 0, none.stderr.read() if none.stderr else ""

    cancel = ("cancel", "1011", "--reason", "customer", "--refund", "now", "--yes")
    procs = [_cli(tmp_path, *cancel, "--ticket", f"ZD-{i}", faults=faults) for i in (1, 2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)

    assert codes == [0, 2], outputs
    winner = next(out for p, out in zip(procs, outputs) if p.returncode == 0)
    loser = next(out for p, out in zip(procs, outputs) if p.returncode == 2)
    assert "cancelled on Shopify" in winner[0]
    assert "already" in loser[1].lower() and "Traceback" not in loser[1]
    world = json.loads((tmp_path / "sandbox.json").read_text())
    cancels = [w for w in world.get("write_log", []) if w["operation"] == "OrderCancel"]
    assert len(cancels) == 1
