"""A persisted sandbox is one world for every process on its file: two cancels at once send one orderCancel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from actions.activity import ActivityStore
from actions.sandbox import SANDBOX_SHOP, SANDBOX_TOKEN, Sandbox, order_gid

_ROOT = Path(__file__).resolve().parents[2]
URL = f"https://{SANDBOX_SHOP}/admin/api/2026-04/graphql.json"
AUTH = {"X-Shopify-Access-Token": SANDBOX_TOKEN}
ORDER_1001 = "5500000001001"
FO_CANCEL_1009 = {
    "query": "mutation FulfillmentOrderCancel($id: ID!) { fulfillmentOrderCancel(id: $id) { fulfillmentOrder "
    "{ status } userErrors { message } } }",
    "variables": {"id": "gid://shopify/FulfillmentOrder/6500000010091"},
}
ORDER_CANCEL_1001 = {
    "query": "mutation OrderCancel($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: false, "
    "refundMethod: {originalPaymentMethodsRefund: false}) { job { id done } orderCancelUserErrors { message } } }",
    "variables": {"id": order_gid(1001)},
}
CLI_CANCEL = ["-m", "actions.cli", "cancel", "#1001", "--reason", "customer", "--refund", "later", "--yes"]


def shopify(sandbox: Sandbox, body: dict[str, Any]) -> dict[str, Any]:
    with sandbox.client() as http:
        response = http.post(URL, json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def order_1001_cancelled_at(sandbox: Sandbox) -> str | None:
    body = shopify(sandbox, {"query": f'{{ order(id: "{order_gid(1001)}") {{ cancelledAt }} }}'})
    return body["data"]["order"]["cancelledAt"]  # type: ignore[no-any-return]


def saved(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def writes(world: dict[str, Any], operation: str) -> int:
    return sum(1 for w in world.get("write_log", []) if w["operation"] == operation)


def cancel_jobs(world: dict[str, Any], order_id: str) -> int:
    return sum(1 for job in world["jobs"].values() if str(job["order_id"]) == order_id)


# --- two sandboxes on one file -----------------------------------------------------------------------


def test_a_write_in_one_sandbox_is_seen_by_another_on_the_same_file_at_its_next_request(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    mine, yours = Sandbox(persist_path=path), Sandbox(persist_path=path)
    assert yours.snapshot()["cj"]["orders"]["CJ2604221009"]["order_status"] == "UNPAID"  # type: ignore[index]
    mine.simulate_manual_supplier_cancel("cjdropshipping", "CJ2604221009")
    assert yours.snapshot()["cj"]["orders"]["CJ2604221009"]["order_status"] == "CANCELLED"  # type: ignore[index]
    shopify(yours, FO_CANCEL_1009)
    fos = mine.snapshot()["orders"]["5500000001009"]["fulfillment_orders"]  # type: ignore[index]
    assert [fo["status"] for fo in fos] == ["CLOSED", "OPEN"]


def test_writes_from_two_sandboxes_add_up_instead_of_overwriting_each_other(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    mine, yours = Sandbox(persist_path=path), Sandbox(persist_path=path)
    mine.snapshot(), yours.snapshot()  # both have read the world before either writes
    mine.simulate_manual_supplier_cancel("cjdropshipping", "CJ2604221009")
    shopify(yours, FO_CANCEL_1009)
    fresh = Sandbox(persist_path=path).snapshot()
    assert fresh["cj"]["orders"]["CJ2604221009"]["order_status"] == "CANCELLED"  # type: ignore[index]
    assert fresh["orders"]["5500000001009"]["fulfillment_orders"][0]["status"] == "CLOSED"  # type: ignore[index]


def test_a_second_order_cancel_from_another_sandbox_is_refused_by_the_shared_shop(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    mine, yours = Sandbox(persist_path=path), Sandbox(persist_path=path)
    assert order_1001_cancelled_at(yours) is None
    first = shopify(mine, ORDER_CANCEL_1001)["data"]["orderCancel"]
    second = shopify(yours, ORDER_CANCEL_1001)["data"]["orderCancel"]
    assert first["job"] is not None and first["orderCancelUserErrors"] == []
    assert second["job"] is None and "already being cancelled" in second["orderCancelUserErrors"][0]["message"]
    assert cancel_jobs(saved(path), ORDER_1001) == 1
    assert writes(saved(path), "OrderCancel") == 2  # both requests reached the shop; only one was accepted


def test_a_reset_in_one_sandbox_resets_the_other(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    mine, yours = Sandbox(persist_path=path), Sandbox(persist_path=path)
    shopify(mine, FO_CANCEL_1009)
    yours.reset()
    fos = mine.snapshot()["orders"]["5500000001009"]["fulfillment_orders"]  # type: ignore[index]
    assert fos[0]["status"] == "IN_PROGRESS"


def test_concurrent_writes_from_two_sandboxes_in_threads_are_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    sandboxes = [Sandbox(persist_path=path), Sandbox(persist_path=path)]
    failures: list[BaseException] = []

    def write(sandbox: Sandbox) -> None:
        try:
            for _ in range(5):
                shopify(sandbox, FO_CANCEL_1009)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in sandboxes for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    world = saved(path)
    assert writes(world, "FulfillmentOrderCancel") == 20
    fos = world["orders"]["5500000001009"]["fulfillment_orders"]
    assert [fo["status"] for fo in fos] == ["CLOSED", "OPEN"]  # cancelled once; the other 19 were refused


def test_a_sandbox_in_memory_writes_no_file_and_keeps_no_write_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    sandbox = Sandbox()
    shopify(sandbox, FO_CANCEL_1009)
    assert sandbox.persist_path is None and "write_log" not in sandbox.snapshot()
    assert list(tmp_path.iterdir()) == []


def test_a_corrupt_file_written_by_someone_else_is_replaced_at_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    sandbox = Sandbox(persist_path=path)
    shopify(sandbox, FO_CANCEL_1009)
    path.write_text("{half a world", encoding="utf-8")
    sandbox.simulate_manual_supplier_cancel("cjdropshipping", "CJ2604221009")
    world = saved(path)
    assert world["orders"]["5500000001009"]["fulfillment_orders"][0]["status"] == "CLOSED"
    assert world["cj"]["orders"]["CJ2604221009"]["order_status"] == "CANCELLED"


# --- two CLI processes -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def order_1001_ready(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """#1001 with its AliExpress order already cancelled: the next step is the Shopify cancel."""
    path = tmp_path_factory.mktemp("ready") / "sandbox.json"
    sandbox = Sandbox(persist_path=path, seller_reply_delay=0.0)
    sandbox.simulate_manual_supplier_cancel("aliexpress", "3041872215631001")
    assert sandbox.snapshot()["aliexpress"]["3041872215631001"]["end_reason"] == "CANCELED"  # type: ignore[index]
    return path


def _race(data_dir: Path, ready: Path, *, slow_second: bool) -> list[subprocess.CompletedProcess[str]]:
    """Start two `cancel-assist cancel #1001 --yes` back to back on one data dir; wait for both."""
    data_dir.mkdir()
    shutil.copy(ready, data_dir / "sandbox.json")
    # The data dir has been used before (the merchant looked the order up): the activity log exists.
    # Two processes creating a brand-new log at the same instant is a separate race in ActivityStore.
    ActivityStore(data_dir / "cancel-assist-sandbox.sqlite3")
    work = data_dir / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SHOPIFY_", "ALIEXPRESS_", "CJ_", "CANCEL_ASSIST_"))}
    env.update(CANCEL_ASSIST_DATA_DIR=str(data_dir), PYTHONPATH=str(_ROOT))
    # The second one's first Shopify read is slow, so it has read nothing yet when the first has finished:
    # the interleaving that used to let a stale copy send a second orderCancel.
    second_env = {**env, "CANCEL_ASSIST_SANDBOX_FAULTS": "shopify.read:slow=3000@1"} if slow_second else env
    processes = [
        subprocess.Popen([sys.executable, *CLI_CANCEL], env=e, cwd=work, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for e in (env, second_env)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.parametrize("round_, slow_second", [(1, False), (2, False), (3, False), (4, True)])
def test_two_cli_processes_cancelling_the_same_order_at_once_send_one_order_cancel(
    tmp_path: Path, order_1001_ready: Path, round_: int, slow_second: bool
) -> None:
    data_dir = tmp_path / f"round-{round_}"
    results = _race(data_dir, order_1001_ready, slow_second=slow_second)
    for result in results:
        assert "Traceback" not in result.stderr, result.stderr
    assert sorted(r.returncode for r in results) == [0, 2], [(r.returncode, r.stdout, r.stderr) for r in results]
    done = next(r for r in results if r.returncode == 0)
    told = next(r for r in results if r.returncode == 2)
    assert "cancelled on Shopify" in done.stdout
    assert "already" in told.stderr.lower(), told.stderr  # "already cancelled" or "already in progress"

    world = saved(data_dir / "sandbox.json")
    assert writes(world, "OrderCancel") == 1
    assert cancel_jobs(world, ORDER_1001) == 1
    assert world["orders"][ORDER_1001]["cancelled_at"]
    activity = ActivityStore(data_dir / "cancel-assist-sandbox.sqlite3").list(order="#1001")
    assert [r.outcome for r in activity if r.action == "cancel_order"].count("ok") == 1

