"""Follow-ups: waiting orders are listed from the activity store, re-checked when due, and finished when an
agent authorised it, with exactly one `orderCancel` and a record naming both the agent and the check run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions.assistant import Assistant, build_assistant
from actions.cli import EXIT_BUSY, EXIT_NEEDS_PERSON, EXIT_OK, main
from actions.errors import InputError
from actions.followups import CHECK_LEASE
from actions.sandbox import Sandbox, order_gid
from actions.settings import AppSettings
from kb.followups import FollowUpStatus, WaitingFor
from kb.state import CancelOptions, CancelReason, RefundTiming
from kb.walkthrough import ActionId, PathId
from tests.actions.sandbox_clock import Clock

_ROOT = Path(__file__).resolve().parents[2]
AUTHORISED = CancelOptions(reason=CancelReason.INVENTORY, refund=RefundTiming.NOW, restock=False,
                           notify_customer=True, staff_note="Seller approved; finished by the check run")


def _assistant(data_dir: Path, sandbox: Sandbox | None = None, database_url: str | None = None) -> Assistant:
    sandbox = sandbox or Sandbox(service_reply_delay=0.0, seller_reply_delay=0.0)
    return build_assistant(AppSettings(data_dir=data_dir, database_url=database_url), sandbox=sandbox)


def _later() -> datetime:
    """A check run's clock a minute on: every follow-up started now is due by then."""
    return datetime.now(UTC) + timedelta(minutes=1)


def _cancels(sandbox: Sandbox) -> list:
    return [r for r in sandbox.requests if r.system == "shopify" and r.operation == "OrderCancel"]


def _follow(assistant: Assistant, order: str, ticket: str = "ZD-17"):
    return assistant.follow_up(assistant.look_up(order), ticket)


# --- the sandbox answers --------------------------------------------------------------------------


def test_an_order_waiting_on_the_seller_becomes_cancellable_once_the_simulated_seller_answers(tmp_path):
    clock = Clock()
    sandbox = Sandbox(clock=clock, seller_reply_delay=30.0, sleep=lambda _: None)
    assistant = _assistant(tmp_path, sandbox)
    assert assistant.look_up("#1030").walkthrough.path is PathId.CANCELLATION_PENDING
    clock.now += 29  # the seller's clock started when the order was first read
    assert assistant.look_up("#1030").walkthrough.path is PathId.CANCELLATION_PENDING
    clock.now += 2
    lookup = assistant.look_up("#1030")
    assert lookup.walkthrough.path is PathId.CANCELLABLE
    assert lookup.walkthrough.next_step.action is ActionId.CANCEL_ORDER


def test_the_seeded_sellers_refuse_or_ship_as_their_demo_says(tmp_path):
    assistant = _assistant(tmp_path)
    for order in ("#1031", "#1032", "#1033"):
        assistant.look_up(order)  # first read: each one's reply clock starts (delay 0)
    assert assistant.look_up("#1031").walkthrough.next_step.step_id == "supplier-cancel"  # refused: live again
    assert assistant.look_up("#1032").walkthrough.path is PathId.SUPPLIER_SHIPPED
    assert assistant.look_up("#1033").walkthrough.next_step.action is ActionId.CANCEL_ORDER  # service accepted


def test_the_reply_delay_setting_reaches_the_sandbox_the_assistant_builds(tmp_path):
    from actions.settings import load_settings

    settings = load_settings({}, {"CANCEL_ASSIST_DATA_DIR": str(tmp_path), "CANCEL_ASSIST_SANDBOX_REPLY_DELAY": "120"})
    assistant = build_assistant(settings)
    assert assistant.sandbox is not None and assistant.sandbox.reply_delay == 120.0
    with pytest.raises(Exception, match="REPLY_DELAY"):
        load_settings({}, {"CANCEL_ASSIST_SANDBOX_REPLY_DELAY": "soon"})


# --- the list -------------------------------------------------------------------------------------


def test_the_list_holds_each_waiting_demo_order_with_its_ticket_what_it_waits_for_and_when_to_look_again(tmp_path):
    assistant = _assistant(tmp_path, Sandbox(service_reply_delay=60.0, seller_reply_delay=60.0))
    for order in ("#1001", "#1030", "#1033", "#1034", "#1035", "#1036"):
        _follow(assistant, order)
    items = {f.order: f for f in assistant.follow_ups()}
    assert "#1001" not in items  # cancellable: nobody to wait on, nothing to follow
    assert items["#1030"].waiting_for is WaitingFor.SELLER_APPROVAL
    assert items["#1033"].waiting_for is WaitingFor.SERVICE_ANSWER
    assert items["#1034"].waiting_for is WaitingFor.REFUND_OWED and items["#1034"].needs_person
    assert items["#1035"].waiting_for is WaitingFor.SUPPLIER_STILL_ACTIVE and items["#1035"].needs_person
    assert items["#1036"].waiting_for is WaitingFor.MANUAL_RECHECK
    assert {f.ticket for f in items.values()} == {"ZD-17"}
    assert all(f.since <= f.due_at for f in items.values())
    order = [f.order for f in assistant.follow_ups()]
    assert order.index("#1034") < order.index("#1030")  # what is due comes first


def test_looking_at_a_waiting_order_again_never_postpones_its_re_check(tmp_path):
    assistant = _assistant(tmp_path)
    first = _follow(assistant, "#1036")
    again = _follow(assistant, "#1036")
    assert again.due_at == first.due_at and again.since == first.since


def test_the_list_reads_only_the_activity_store_never_the_shop(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    before = len(assistant.sandbox.requests)
    assert [f.order for f in assistant.follow_ups()] == ["#1030"]
    assert len(assistant.sandbox.requests) == before


# --- the check run --------------------------------------------------------------------------------


def test_a_check_with_an_authorisation_sends_one_cancel_with_the_authorised_options_and_records_both_names(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz", ticket="ZD-17")

    report = assistant.followups.check(now=_later())

    assert report.ran and len(_cancels(assistant.sandbox)) == 1
    checked = next(c for c in report.checked if c.order == "#1030")
    assert checked.cancelled and checked.authorised_by == "Ana Ruiz" and checked.reply
    order = assistant.sandbox.snapshot()["orders"][str(5500000001030)]
    assert order["cancelled_at"] and order["cancel_reason"] == "INVENTORY"
    assert order["restocked"] is False and order["customer_notified"] is True
    assert order["staff_note"] == AUTHORISED.staff_note and order["refunds"]
    record = assistant.activity.get(checked.record_id)
    assert record.action == "cancel_order" and record.outcome == "ok" and record.ticket == "ZD-17"
    assert record.options["authorised_by"] == "Ana Ruiz" and record.options["check_run"] == report.run
    assert record.options["reason"] == "INVENTORY" and record.options["notify_customer"] is True
    assert assistant.followups.get(order_gid(1030)).status is FollowUpStatus.DONE
    assert assistant.followups.get(order_gid(1030)).authorisation.state == "used"
    # a second run finds nothing to do and sends nothing
    assistant.followups.check(now=_later() + timedelta(hours=2), every=True)
    assert len(_cancels(assistant.sandbox)) == 1


def test_a_check_without_an_authorisation_only_lists_the_order_for_a_person(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    report = assistant.followups.check(now=_later())
    assert _cancels(assistant.sandbox) == []
    checked = next(c for c in report.checked if c.order == "#1030")
    assert checked.status is FollowUpStatus.READY and checked.changed and checked.needs_person
    assert [f.order for f in report.needs_person] == ["#1030"]
    record = assistant.activity.get(checked.record_id)
    assert record.action == "follow_up_check" and record.ticket == "ZD-17" and "ready" in record.message.lower()


def test_a_check_says_what_it_found_in_whole_sentences(tmp_path):
    """`follow-ups --check` printed "... cancel on Shopify now Ready: cancel it on Shopify now (...)": the note ran on."""
    from kb.wording.followups import READY_NO_AUTHORISATION

    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    checked = next(c for c in assistant.followups.check(now=_later()).checked if c.order == "#1030")
    assert checked.message.endswith(". " + READY_NO_AUTHORISATION), checked.message
    assert checked.message.count(". ") == 1  # the finding, then the note


def test_an_expired_authorisation_sends_nothing(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz", days=1)
    report = assistant.followups.check(now=datetime.now(UTC) + timedelta(days=1, minutes=1))
    assert _cancels(assistant.sandbox) == []
    checked = next(c for c in report.checked if c.order == "#1030")
    assert "expired" in checked.message and checked.needs_person and not checked.cancelled


def test_a_check_records_what_changed_once_not_again_on_every_run_while_nothing_moves(tmp_path):
    """Each run wrote a new 'ready -> ready ... Ready: cancel it on Shopify now' record for an order left ready
    (hourly on a live shop, every run on the sandbox), and repeated an expired authorisation's note every time."""
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz", days=1)
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)  # the seller approved; the authorisation expired
    for hours in range(4):  # the run that finds it ready, then three more while nobody acts
        assistant.followups.check(now=later + timedelta(hours=hours), every=True)

    checks = [r for r in assistant.activity.list(order="#1030") if r.action == "follow_up_check"]
    assert len(checks) == 1, [r.message for r in checks]
    assert "expired" in checks[0].message and "ready" in checks[0].message.lower()
    assert assistant.followups.get(order_gid(1030)).needs_person  # still listed for a person, every run


def test_an_authorised_cancel_with_no_clear_answer_never_ends_with_cancel_it_on_shopify_now(tmp_path):
    """The run said 'It was sent once and not again: look the order up again ... before doing anything else'
    and then, in the same message, 'Ready: cancel it on Shopify now (no authorisation to do it for you).'"""
    from kb.wording.followups import READY_NO_AUTHORISATION

    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    assistant.sandbox.set_faults("shopify.write:timeout@1")  # the cancel leaves; no answer, nothing shows yet

    checked = next(c for c in assistant.followups.check(now=_later()).checked if c.order == "#1030")

    assert len(_cancels(assistant.sandbox)) == 1 and not checked.cancelled and checked.needs_person
    assert READY_NO_AUTHORISATION not in checked.message, checked.message
    assert "sent once" in checked.message
    # It may have reached Shopify: never said not to have gone through (it read so before).
    assert "did not go through" not in checked.message and "was sent" in checked.message


def test_a_second_authorisation_records_that_it_withdrew_the_first(tmp_path):
    """Two agents on one waiting order: Ben's authorisation silently withdrew Ana's (no record said so), so the
    Activity page showed two authorisations and nothing about which one the check run would send."""
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    assistant.authorise_cancel(order_gid(1030), CancelOptions(refund=RefundTiming.LATER), agent="Ben Okoro")

    records = [(r.action, r.agent) for r in assistant.activity.list(order="#1030")]
    assert records == [("authorise_cancel", "Ben Okoro"), ("withdraw_authorisation", "Ben Okoro"),
                       ("authorise_cancel", "Ana Ruiz")]
    withdrawn = assistant.activity.list(order="#1030")[1]
    assert "Ben Okoro" in withdrawn.message and "Ana Ruiz" in withdrawn.message
    assert assistant.followups.get(order_gid(1030)).authorisation.agent == "Ben Okoro"


def test_a_withdrawn_authorisation_sends_nothing(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    assert assistant.withdraw_authorisation(order_gid(1030), agent="Ben Okoro")
    assert not assistant.withdraw_authorisation(order_gid(1030), agent="Ben Okoro")  # nothing left to withdraw
    report = assistant.followups.check(now=_later())
    assert _cancels(assistant.sandbox) == []
    assert next(c for c in report.checked if c.order == "#1030").status is FollowUpStatus.READY
    assert assistant.followups.get(order_gid(1030)).authorisation.state == "withdrawn"
    actions = [r.action for r in assistant.activity.list(order="#1030")]
    assert "withdraw_authorisation" in actions and "authorise_cancel" in actions


def _open_a_chargeback(assistant: Assistant, number: int) -> None:
    """The customer disputes the payment with their bank after the authorisation was given."""
    order = assistant.sandbox._world.order(5500000000000 + number)  # noqa: SLF001 - the test changes what the shop holds
    order["disputes"] = [{"id": 9100000000000 + number, "initiated_as": "CHARGEBACK", "status": "NEEDS_RESPONSE"}]


def test_an_authorised_refund_is_not_sent_once_the_customer_has_opened_a_chargeback(tmp_path):
    """Refunding on top of an open chargeback can pay the customer twice: the run withdraws it and asks a person."""
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz", ticket="ZD-17")  # refund now
    _open_a_chargeback(assistant, 1030)

    report = assistant.followups.check(now=_later())

    assert _cancels(assistant.sandbox) == []
    checked = next(c for c in report.checked if c.order == "#1030")
    assert checked.needs_person and not checked.cancelled and checked.status is FollowUpStatus.READY
    assert "chargeback" in checked.message and "nothing was sent" in checked.message
    assert assistant.followups.get(order_gid(1030)).authorisation.state == "withdrawn"
    assert assistant.activity.get(checked.record_id).ticket == "ZD-17"


def test_an_authorised_cancel_with_refund_later_is_still_sent_with_a_chargeback_open(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    later = AUTHORISED.model_copy(update={"refund": RefundTiming.LATER})
    assistant.authorise_cancel(order_gid(1030), later, agent="Ana Ruiz", ticket="ZD-17")
    _open_a_chargeback(assistant, 1030)

    report = assistant.followups.check(now=_later())

    assert len(_cancels(assistant.sandbox)) == 1
    assert next(c for c in report.checked if c.order == "#1030").cancelled
    assert not assistant.sandbox.snapshot()["orders"][str(5500000001030)]["refunds"]


@pytest.mark.parametrize(("order", "words"), [("#1031", "live again"), ("#1032", "shipped")])
def test_a_seller_refusal_or_a_shipment_sends_nothing_and_lists_the_order_for_a_person(tmp_path, order, words):
    assistant = _assistant(tmp_path)
    _follow(assistant, order)
    assistant.authorise_cancel(order_gid(int(order[1:])), AUTHORISED, agent="Ana Ruiz")
    report = assistant.followups.check(now=_later())
    assert _cancels(assistant.sandbox) == []
    checked = next(c for c in report.checked if c.order == order)
    assert checked.status is FollowUpStatus.PERSON and words in checked.message and not checked.cancelled
    assert order in [f.order for f in report.needs_person]
    assert assistant.followups.get(order_gid(int(order[1:]))).authorisation.state == "withdrawn"


def test_only_an_order_waiting_for_a_confirmation_can_be_authorised(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1034")  # refund owed: no supplier confirmation to wait for
    with pytest.raises(InputError, match="waiting for the seller"):
        assistant.authorise_cancel(order_gid(1034), AUTHORISED, agent="Ana Ruiz")
    with pytest.raises(InputError, match="waiting for the seller"):
        assistant.authorise_cancel(order_gid(1001), AUTHORISED, agent="Ana Ruiz")  # never followed
    _follow(assistant, "#1030")
    with pytest.raises(InputError, match="who you are"):
        assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="  ")


def test_a_check_reads_each_due_order_once_per_side_and_leaves_those_not_due(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    _follow(assistant, "#1036")
    before = len(assistant.sandbox.requests)
    report = assistant.followups.check(now=datetime.now(UTC) - timedelta(minutes=1))  # nothing due yet
    assert report.ran and report.checked == () and len(assistant.sandbox.requests) == before
    assistant.followups.check(now=_later())
    reads = assistant.sandbox.requests[before:]
    assert [r.system for r in reads].count("shopify") == 2 and [r.system for r in reads].count("aliexpress") == 2


def test_a_check_while_another_holds_the_lock_does_nothing(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    assert assistant.activity.take_lease(CHECK_LEASE, holder="another-run", ttl=timedelta(minutes=5))
    report = assistant.followups.check(now=_later())
    assert not report.ran and report.checked == () and _cancels(assistant.sandbox) == []
    assistant.activity.release_lease(CHECK_LEASE, holder="another-run")
    assert assistant.followups.check(now=_later()).ran


def test_an_authorisation_is_taken_by_one_check_run_only(tmp_path):
    assistant = _assistant(tmp_path)
    _follow(assistant, "#1030")
    auth = assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    now = datetime.now(UTC)
    assert assistant.activity.take_authorisation(auth.id, run="run-a", now=now)
    assert not assistant.activity.take_authorisation(auth.id, run="run-b", now=now)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_two_check_runs_at_once_send_one_write(tmp_path, engine, request):
    shared = tmp_path / "sandbox.json"
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else None
    first = _assistant(tmp_path, Sandbox(persist_path=shared, seller_reply_delay=0.0), url)
    second = _assistant(tmp_path, Sandbox(persist_path=shared, seller_reply_delay=0.0), url)
    _follow(first, "#1030")
    first.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    barrier = threading.Barrier(2)
    reports = []

    def run(assistant: Assistant) -> None:
        barrier.wait()
        reports.append(assistant.followups.check(now=_later()))

    threads = [threading.Thread(target=run, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    writes = [w for w in first.sandbox.snapshot()["write_log"] if w["operation"] == "OrderCancel"]
    assert len(writes) == 1
    assert sum(1 for r in reports for c in r.checked if c.cancelled) == 1
    assert first.activity.db.dialect == engine


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture()
def cli_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path / "data"


def _cli_assistant(data_dir: Path) -> Assistant:
    """The CLI's own persisted sandbox (the seller answers at once), as the pages would leave it."""
    return _assistant(data_dir, Sandbox(persist_path=data_dir / "sandbox.json", seller_reply_delay=0.0,
                                        service_reply_delay=0.0))


def test_cli_follow_ups_json_lists_the_waiting_orders(cli_dir, capsys):
    env = {"CANCEL_ASSIST_DATA_DIR": str(cli_dir), "CANCEL_ASSIST_SANDBOX_REPLY_DELAY": "0"}
    assert main(["status", "1036"], env=env) == EXIT_OK  # a walkthrough seen waiting is followed
    capsys.readouterr()
    assert main(["follow-ups", "--json"], env=env) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    [item] = doc["follow_ups"]
    assert item["order"] == "#1036" and item["waiting_for"] == "manual_recheck" and item["status"] == "waiting"
    assert {"ticket", "since", "due_at", "due", "needs_person", "authorisation", "detail"} <= set(item)


def test_cli_check_says_in_its_exit_status_whether_a_person_is_needed(cli_dir, capsys):
    env = {"CANCEL_ASSIST_DATA_DIR": str(cli_dir), "CANCEL_ASSIST_SANDBOX_REPLY_DELAY": "0"}
    assistant = _cli_assistant(cli_dir)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    assert main(["follow-ups", "--check", "--all", "--json"], env=env) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    [checked] = doc["checked"]
    assert checked["cancelled"] and checked["authorised_by"] == "Ana Ruiz" and doc["needs_person"] == []
    _follow(assistant, "#1031")  # the seller will refuse
    assert main(["follow-ups", "--check", "--all"], env=env) == EXIT_NEEDS_PERSON
    out = capsys.readouterr().out
    assert "#1031" in out and "Needs a person" in out
    assistant.activity.take_lease(CHECK_LEASE, holder="cron-elsewhere", ttl=timedelta(minutes=5))
    assert main(["follow-ups", "--check"], env=env) == EXIT_BUSY


@pytest.mark.parametrize("flags", [["--all"], ["--check", "--closed"]])
def test_cli_follow_ups_refuses_a_flag_that_would_be_ignored(cli_dir, capsys, flags):
    """`follow-ups --all` listed the open follow-ups as if --all meant something without --check (it re-reads
    every open one with --check), and `--check --closed` ran a check that never listed a finished one."""
    assert main(["follow-ups", *flags], env={"CANCEL_ASSIST_DATA_DIR": str(cli_dir)}) == 2
    err = capsys.readouterr().err
    assert err.startswith("cancel-assist: ") and len(err.strip().splitlines()) == 1


def test_two_cli_check_processes_at_once_send_one_write(cli_dir):
    assistant = _cli_assistant(cli_dir)
    _follow(assistant, "#1030")
    assistant.authorise_cancel(order_gid(1030), AUTHORISED, agent="Ana Ruiz")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "CANCEL_ASSIST_"))}
    env.update(CANCEL_ASSIST_DATA_DIR=str(cli_dir), CANCEL_ASSIST_SANDBOX_REPLY_DELAY="0")
    command = [sys.executable, "-m", "actions.cli", "follow-ups", "--check", "--all"]
    procs = [subprocess.Popen(command, cwd=_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    codes = [p.wait(timeout=120) for p in procs]
    assert set(codes) <= {EXIT_OK, EXIT_BUSY}, [p.stderr.read() for p in procs]
    writes = [w for w in assistant.sandbox.snapshot()["write_log"] if w["operation"] == "OrderCancel"]
    assert len(writes) == 1


def test_a_check_run_that_died_frees_the_lock_when_its_lease_runs_out(tmp_path):
    assistant = _assistant(tmp_path)
    assert assistant.activity.take_lease(CHECK_LEASE, holder="died", ttl=timedelta(seconds=-1))
    assert assistant.activity.take_lease(CHECK_LEASE, holder="next", ttl=timedelta(minutes=5))
    assert not assistant.activity.take_lease(CHECK_LEASE, holder="died", ttl=timedelta(minutes=5))


def test_an_activity_log_written_before_follow_ups_gains_their_tables_and_keeps_its_records(tmp_path):
    import sqlite3

    from actions.activity import ActivityStore

    path = tmp_path / "old.sqlite3"
    store = ActivityStore(path)
    store.record(order_id="gid://shopify/Order/1", order_name="#1", ticket=None, action="check_supplier",
                 outcome="ok", message="kept")
    store.close()
    with sqlite3.connect(path) as conn:  # the log as the release before follow-ups left it (schema 3)
        for table in ("followups", "authorisations", "leases"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("ALTER TABLE activity DROP COLUMN owner")  # schema step 5 came after follow-ups too
        conn.execute("PRAGMA user_version = 3")
    reopened = ActivityStore(path)
    assert reopened.follow_ups() == () and [r.message for r in reopened.list()] == ["kept"]
