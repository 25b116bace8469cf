"""A cancel Shopify accepted, whose job poll then fails, is said to be sent: never an error, never sent twice.

The CLI is what a merchant scripts: after `orderCancel` went through and every read after it failed
(401), it exits 1 with the sentence that the cancel was sent and what to check, not with a path that
offers the cancel again; the next `status` settles it by reading, and a second `cancel` sends nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

import actions.cli as cli
from actions.cli import EXIT_ERROR, EXIT_REFUSED, main
from tests.evidence.conftest import TRACEBACK, FaultAfterWrite, make_assistant, new_sandbox
from tests.evidence.test_fault_matrix import CALLS, _arrive

_CANCEL = ["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes"]


@pytest.mark.parametrize("fault", ["401", "403", "malformed", "5xx", "timeout"])
def test_the_cli_says_a_cancel_whose_job_poll_failed_was_sent_and_never_sends_it_again(
    fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = new_sandbox()
    transport = FaultAfterWrite(sandbox, "OrderCancel", position=1, fault=fault, persist=True)
    assistant = make_assistant(tmp_path, sandbox=sandbox, http=httpx.Client(transport=transport))
    _arrive(assistant, next(c for c in CALLS if c.name == "orderCancel"))
    monkeypatch.setattr(cli, "_assistant", lambda _settings: assistant)
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}

    transport.arm()
    code = main(_CANCEL, env=env)
    transport.disarm()
    err = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert "Shopify accepted the cancellation" in err and "sent once and not again" in err, err
    assert "cancel-assist status 1011" in err
    assert "Path now" not in err and "You can cancel" not in err
    assert not TRACEBACK.search(err)
    record = assistant.activity.list(order="#1011")[0]
    assert (record.action, record.outcome) == ("cancel_order", "unknown") and record.idempotency_key

    assert main(["status", "1011", "--json"], env=env) == 0  # the next look-up settles it by reading
    assert json.loads(capsys.readouterr().out)["shopify"]["cancelled"] is True
    settled = assistant.activity.get(record.id)
    assert settled is not None and settled.outcome == "ok" and "order #1011 is cancelled" in settled.message

    assert main(_CANCEL, env=env) == EXIT_REFUSED  # already done: nothing is sent again
    assert [r.operation for r in sandbox.requests if r.is_write].count("OrderCancel") == 1
