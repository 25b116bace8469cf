"""`cancel-assist` says where an order stands, links it to a ticket, and cancels only when the path allows it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actions.assistant import ActionRequest, build_assistant
from actions.cli import main
from actions.sandbox import Sandbox
from actions.settings import AppSettings
from kb.state import CancelOptions, CancelReason, RefundTiming
from kb.walkthrough import ActionId, PathId

_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, and a working folder without any secrets.toml (never the developer's)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    data = tmp_path / "data"
    monkeypatch.setenv("CANCEL_ASSIST_DATA_DIR", str(data))
    return data


def _env(data_dir: Path) -> dict[str, str]:
    return {"CANCEL_ASSIST_DATA_DIR": str(data_dir)}


def _ready_to_cancel_on_shopify(data_dir: Path, order: str) -> None:
    """Do the supplier and fulfillment steps in the CLI's persisted sandbox, as the pages would."""
    sandbox = Sandbox(persist_path=data_dir / "sandbox.json", service_reply_delay=0.0, seller_reply_delay=0.0)
    assistant = build_assistant(AppSettings(data_dir=data_dir), sandbox=sandbox)
    for _ in range(10):
        step = assistant.look_up(order).walkthrough.next_step
        assert step is not None
        if step.action is ActionId.CANCEL_ORDER:
            return
        if step.action is not None:
            result = assistant.run(ActionRequest(action=step.action, order=order, target=step.target))
            assert result.ok, result.message
    raise AssertionError(f"{order} never reached the Shopify cancel step")


def test_status_prints_the_path_the_steps_and_the_states(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "#1001"], env=_env(data_dir)) == 0
    out = capsys.readouterr().out
    assert "#1001" in out and "[cancellable]" in out
    assert "supplier-cancel" in out and "[next]" in out
    assert "Supplier aliexpress" in out


def test_status_json_is_stable_and_complete(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "1002", "--json"], env=_env(data_dir)) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["path"] == PathId.SUPPLIER_SHIPPED.value and doc["mode"] == "sandbox" and doc["order"] == "#1002"
    assert {"id", "title", "status", "action", "target", "reason"} <= set(doc["steps"][0])
    assert {s["status"] for s in doc["steps"]} <= {"done", "next", "blocked", "not_needed"}
    assert doc["shopify"]["cancelled"] is False and doc["shopify"]["total"]["currency"]
    assert doc["suppliers"][0]["supplier"] == "aliexpress" and doc["suppliers"][0]["status"] == "shipped"
    assert isinstance(doc["warnings"], list)


def test_link_gives_the_deep_link_for_the_ticket(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "#1001", "--ticket", "ZD-42", "--base-url", "https://assist.example"], env=_env(data_dir)) == 0
    assert capsys.readouterr().out.strip() == "https://assist.example/?order=1001&ticket=ZD-42"


def test_link_refuses_a_malformed_ticket_without_a_traceback(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "#1001", "--ticket", "ZD 42; rm"], env=_env(data_dir)) == 2
    err = capsys.readouterr().err
    assert "not a ticket id" in err and "Traceback" not in err


def test_cancel_without_yes_shows_what_would_happen_and_does_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ready_to_cancel_on_shopify(data_dir, "#1001")
    assert main(["cancel", "#1001", "--reason", "customer", "--refund", "now"], env=_env(data_dir)) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and "cannot be undone" in err and "Refund" in err
    assert main(["status", "#1001", "--json"], env=_env(data_dir)) == 0
    assert json.loads(capsys.readouterr().out)["shopify"]["cancelled"] is False


def test_cancel_without_yes_on_a_path_that_refuses_it_says_why_instead_of_what_it_would_do(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """#1001's AliExpress order is live: the dry run printed 'This would: Cancel order #1001 ... Refund 49.85 USD
    now ... Add --yes to confirm', and the same command with --yes was then refused."""
    assert main(["cancel", "#1001", "--reason", "customer", "--refund", "now"], env=_env(data_dir)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Not now") and "the supplier order is not cancelled yet" in err
    assert "This would" not in err and "--yes" not in err
    assert main(["cancel", "#1004", "--reason", "customer", "--refund", "now"], env=_env(data_dir)) == 2
    err = capsys.readouterr().err
    assert "already cancelled" in err and "This would" not in err
    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    assert store.list(order="#1001") == () and store.list(order="#1004") == ()  # a dry run records nothing


def test_cancel_is_refused_when_the_supplier_has_not_been_cancelled_first(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["cancel", "#1001", "--reason", "CUSTOMER", "--refund", "now", "--yes", "--ticket", "ZD-1"],
                env=_env(data_dir))
    assert code == 2
    err = capsys.readouterr().err
    assert "Not now" in err and "Traceback" not in err
    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    assert store.list(ticket="ZD-1")[0].outcome == "refused"


def test_a_refused_cancel_says_why_in_the_blocking_steps_words_not_the_paths_title(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """#1001's path is "You can cancel this order": a refusal quoting it ("... which does not let you cancel")
    contradicts itself; it says what blocks the Shopify cancel (the live AliExpress order) and what comes next."""
    code = main(["cancel", "1001", "--reason", "customer", "--refund", "later", "--yes", "--ticket", "ZD-1"],
                env=_env(data_dir))
    assert code == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert "the supplier order is not cancelled yet" in first and "3041872215631001" in first
    assert "The next step is: Cancel the supplier order." in first
    assert "You can cancel this order" not in first
    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    assert store.list(ticket="ZD-1")[0].message == first


def test_cancel_succeeds_once_and_then_says_it_is_already_done(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ready_to_cancel_on_shopify(data_dir, "#1009")
    args = ["cancel", "#1009", "--reason", "customer", "--refund", "now", "--restock", "--notify",
            "--staff-note", "customer asked by email", "--ticket", "ZD-9", "--yes"]
    assert main(args, env=_env(data_dir)) == 0
    out = capsys.readouterr().out
    assert "cancelled on Shopify" in out and "[already_cancelled]" in out
    assert main(args, env=_env(data_dir)) == 2
    assert "already cancelled" in capsys.readouterr().err
    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    records = store.list(ticket="ZD-9")
    assert [r.outcome for r in records] == ["already_done", "ok"]
    assert records[1].options["staff_note"] == "customer asked by email" and records[1].options["notify_customer"]


def test_a_corrupt_activity_log_is_a_clear_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "cancel-assist-sandbox.sqlite3").write_bytes(b"not a database " * 500)
    assert main(["status", "#1001"], env=_env(data_dir)) == 1
    err = capsys.readouterr().err
    assert "corrupt" in err and "Traceback" not in err


def test_an_unknown_order_is_a_clear_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "#424242"], env=_env(data_dir)) != 0
    assert "Traceback" not in capsys.readouterr().err


def test_the_module_runs_as_a_program(data_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "CANCEL_ASSIST_DATA_DIR": str(data_dir), "PYTHONPATH": str(_ROOT)}
    for var in ("SHOPIFY_SHOP", "SHOPIFY_ACCESS_TOKEN"):
        env.pop(var, None)
    status = subprocess.run([sys.executable, "-m", "actions.cli", "status", "#1003", "--json"], env=env,
                            cwd=tmp_path / "work", capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["path"] == PathId.FULFILLMENT_IN_PROGRESS.value
    refused = subprocess.run(
        [sys.executable, "-m", "actions.cli", "cancel", "#1002", "--reason", "customer", "--refund", "later", "--yes"],
        env=env, cwd=tmp_path / "work", capture_output=True, text=True, timeout=120,
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() and "Traceback" not in refused.stderr


def test_a_reason_shopify_does_not_know_is_a_usage_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["cancel", "#1001", "--reason", "bored", "--refund", "now", "--yes"], env=_env(data_dir))
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_cancel_does_what_the_page_does_the_same_reading_decision_write_and_record(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI and the page's confirm button, on two identical sandboxes, leave identical traces."""
    page_dir = tmp_path / "page"
    for where in (data_dir, page_dir):
        _ready_to_cancel_on_shopify(where, "#1003")
    options = CancelOptions(refund=RefundTiming.LATER, reason=CancelReason.INVENTORY, restock=True,
                            notify_customer=True, staff_note="out of stock")
    page = build_assistant(AppSettings(data_dir=page_dir),
                           sandbox=Sandbox(persist_path=page_dir / "sandbox.json"))
    step = page.look_up("#1003").walkthrough.next_step
    assert step is not None and step.action is ActionId.CANCEL_ORDER
    clicked = page.run(ActionRequest(action=ActionId.CANCEL_ORDER, order=page.look_up("#1003").state.shopify.id,
                                     ticket="ZD-42", target=step.target, options=options))
    assert clicked.ok, clicked.message

    code = main(["cancel", "1003", "--reason", "inventory", "--refund", "later", "--restock", "--notify",
                 "--staff-note", "out of stock", "--ticket", "ZD-42", "--yes"], env=_env(data_dir))
    assert code == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith(clicked.message)

    def trace(where: Path) -> tuple[object, ...]:
        record = build_assistant(AppSettings(data_dir=where), sandbox=Sandbox()).activity.list(ticket="ZD-42")[0]
        world = json.loads((where / "sandbox.json").read_text())
        writes = [w["operation"] for w in world["write_log"] if w["operation"] == "OrderCancel"]
        return (record.action, record.options, record.outcome, record.order_id, record.order_name,
                record.idempotency_key, record.message, writes)

    assert trace(data_dir) == trace(page_dir)
    assert trace(data_dir)[-1] == ["OrderCancel"]


def test_status_json_history_names_who_acted_from_agent_or_the_os_user(tmp_path, capsys, monkeypatch) -> None:
    import getpass
    import json as _json

    from actions.cli import main

    monkeypatch.setattr(getpass, "getuser", lambda: "os-user-7")
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}
    assert main(["supplier", "1011", "--none"], env=env) == 0  # #1011 names no supplier order: rule it out
    assert main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes", "--agent", "ana@example.com"],
                env=env) == 0
    assert main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes"], env=env) == 2
    capsys.readouterr()
    assert main(["status", "1011", "--json"], env=env) == 0
    history = _json.loads(capsys.readouterr().out)["history"]
    cancels = [h for h in history if h["action"] == "cancel_order"]
    assert [(h["outcome"], h["agent"]) for h in cancels] == [("already_done", "os-user-7"), ("ok", "ana@example.com")]
    assert set(history[0]) == {"id", "at", "action", "outcome", "message", "ticket", "request_id", "agent"}


def test_db_copy_moves_a_sqlite_record_to_postgresql(tmp_path, capsys, pg_url) -> None:
    from actions.activity import ActivityStore
    from actions.cli import main

    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}
    assert main(["supplier", "1011", "--none"], env=env) == 0  # #1011 names no supplier order: rule it out
    assert main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes", "--agent", "ana@x.com"],
                env=env) == 0
    assert main(["status", "1036"], env=env) == 0  # a walkthrough seen waiting is followed
    log = tmp_path / "cancel-assist-sandbox.sqlite3"
    capsys.readouterr()
    assert main(["db", "copy", "--from", f"sqlite:{log}", "--to", pg_url], env=env) == 0
    out = capsys.readouterr().out
    assert out.startswith("Copied ") and "activity records" in out and "1 checks by hand, 1 follow-ups" in out
    [follow_up] = ActivityStore(pg_url).follow_ups()
    assert follow_up.order_name == "#1036" and follow_up == ActivityStore(log).follow_up(follow_up.order_id)
    copied = ActivityStore(pg_url).list(order="#1011")
    assert copied and copied == tuple(
        r.model_copy(update={"id": c.id}) for r, c in zip(ActivityStore(log).list(order="#1011"), copied)
    )
    assert any(r.agent == "ana@x.com" for r in copied)
    assert main(["db", "copy", "--from", f"sqlite:{tmp_path / 'missing.sqlite3'}", "--to", pg_url], env=env) == 2
    assert "no activity log" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["postgresql://u:pw-secret-9@db.internal:99999/cancel",
                                 "postgresql://u:pw-secret-9@[::1/cancel"])
def test_db_copy_to_a_database_url_that_cannot_be_read_is_refused_in_one_sentence(
    data_dir: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    """`db copy --to postgresql://u:pw@host:99999/db` printed a ValueError traceback ('Port out of range')."""
    assert main(["status", "1001"], env=_env(data_dir)) == 0
    capsys.readouterr()
    log = data_dir / "cancel-assist-sandbox.sqlite3"
    assert main(["db", "copy", "--from", f"sqlite:{log}", "--to", url], env=_env(data_dir)) == 2
    err = capsys.readouterr().err
    assert "database URL" in err and "pw-secret-9" not in err and len(err.strip().splitlines()) == 1


def test_a_check_by_hand_or_no_supplier_order_is_recorded_under_the_agent_named_with_agent(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`supplier` records an action but refused --agent ('unrecognized arguments'): on a server where the agents
    share one OS account, the record of 'no supplier order was placed' named that account, not the agent."""
    assert main(["supplier", "1011", "--none", "--ticket", "ZD-5", "--agent", "ana@example.com"], env=_env(data_dir)) == 0
    assert main(["supplier", "1018", "--order-id", "3041872215631018", "--status", "awaiting_shipment",
                 "--agent", "bob@example.com"], env=_env(data_dir)) == 0
    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    assert [r.agent for r in store.list(order="#1011")] == ["ana@example.com"]
    assert [r.agent for r in store.list(order="#1018")] == ["bob@example.com"]


def test_a_cancel_interrupted_while_it_runs_names_the_status_command_that_settles_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the orderCancel was on its way printed only 'cancel-assist: interrupted': the record says the
    outcome is unknown, but the agent was not told the cancel may have gone, nor how to find out."""
    from actions.assistant import Assistant

    assert main(["supplier", "1011", "--none"], env=_env(data_dir)) == 0
    capsys.readouterr()

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Assistant, "_act", interrupted)
    code = main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes"], env=_env(data_dir))

    err = capsys.readouterr().err
    assert code == 1 and "interrupted" in err
    assert "cancel-assist status 1011" in err
    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    assert store.list(order="#1011")[0].outcome == "unknown"


def test_status_for_people_says_who_did_what_to_the_order_and_when(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second agent running `status 1011` saw the order cancelled but not who cancelled it, when or for which
    ticket: only `status --json` held the order's history."""
    assert main(["supplier", "1011", "--none", "--ticket", "ZD-1", "--agent", "ana@example.com"], env=_env(data_dir)) == 0
    assert main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--yes", "--ticket", "ZD-1",
                 "--agent", "ana@example.com"], env=_env(data_dir)) == 0
    capsys.readouterr()

    assert main(["status", "1011"], env=_env(data_dir)) == 0  # the second agent
    out = capsys.readouterr().out

    store = build_assistant(AppSettings(data_dir=data_dir), sandbox=Sandbox()).activity
    cancel = store.list(order="#1011")[0]
    history = out[out.index("\nHistory"):]
    lines = history.splitlines()
    at = next(i for i, line in enumerate(lines) if "Cancel on Shopify" in line)
    line, said = lines[at], lines[at + 1]  # who, when, ticket, what and its outcome; then what it said
    assert f"{cancel.at:%Y-%m-%d %H:%M} UTC" in line and "ana@example.com" in line and "ZD-1" in line
    assert "Done" in line and "36.95 USD" in said
    assert history.index("Cancel on Shopify") < history.index("No supplier order")  # newest first


def test_refund_to_store_credit_with_refund_later_is_refused_not_dropped(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--refund later --refund-to store_credit` was accepted and the destination silently dropped: the agent who
    meant store credit got 'No refund now' and, with --yes, a cancel that refunded nothing."""
    assert main(["supplier", "1011", "--none"], env=_env(data_dir)) == 0
    capsys.readouterr()
    code = main(["cancel", "1011", "--reason", "customer", "--refund", "later", "--refund-to", "store_credit", "--yes"],
                env=_env(data_dir))
    err = capsys.readouterr().err
    assert code == 2 and "--refund-to" in err and len(err.strip().splitlines()) == 1
    assert main(["status", "1011", "--json"], env=_env(data_dir)) == 0
    assert json.loads(capsys.readouterr().out)["shopify"]["cancelled"] is False


def test_the_cli_reaches_shops_and_stores_only_through_the_assistant_and_the_record_copy() -> None:
    """Like the pages: no client, sandbox or store of its own; `db copy` is one service call (copy_record)."""
    import ast

    import actions.cli

    tree = ast.parse(Path(actions.cli.__file__).read_text())
    imported = {(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("actions") for alias in node.names}
    modules = {module for module, _ in imported}
    assert modules <= {"actions.errors", "actions.settings", "actions.assistant", "actions.links", "actions.activity"}
    assert {name for module, name in imported if module == "actions.activity"} == {"copy_record"}
