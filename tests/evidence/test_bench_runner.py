"""The bench report the README quotes is always one complete run, never a partial one over it."""

from __future__ import annotations

from pathlib import Path

import pytest

import bench.__main__ as runner


@pytest.fixture()
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The runner writing into a scratch folder, its benchmarks replaced by a fixed answer."""
    monkeypatch.setattr(runner, "_RESULTS", tmp_path)
    monkeypatch.setattr(runner, "run_all", lambda wanted=(): {name: {"budget_ok": True} for name in wanted or ("a", "b")})
    return tmp_path


def test_a_full_run_writes_the_report(results: Path) -> None:
    assert runner.main([]) == 0
    assert "| a | budget_ok | True |" in (results / "latest.md").read_text()
    assert '"b"' in (results / "latest.json").read_text()


def test_a_partial_run_leaves_the_full_report_as_it_was(results: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runner.main([])
    before = {p.name: p.read_text() for p in results.iterdir()}
    assert runner.main(["a"]) == 0
    assert {p.name: p.read_text() for p in results.iterdir()} == before
    assert "partial run" in capsys.readouterr().out


def test_every_benchmark_module_loads_and_has_a_run_function() -> None:
    import importlib

    names = runner._module_names(())
    assert {"bench_browser", "bench_cli", "bench_decide", "bench_load"} <= set(names)
    for name in names:
        assert callable(importlib.import_module(f"bench.{name}").run), name


def test_the_browser_recorder_frames_are_read_as_streamlit_messages() -> None:
    import base64

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from bench._server import decode_in, decode_out, is_script_finished

    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    rerun = BackMsg()
    rerun.rerun_script.query_string = "order=1003"
    assert is_script_finished(decode_in(base64.b64encode(done.SerializeToString()).decode()))
    assert not is_script_finished(decode_in(""))
    back = decode_out(base64.b64encode(rerun.SerializeToString()).decode())
    assert back is not None and back.rerun_script.query_string == "order=1003"


def test_a_click_runs_from_the_rerun_it_sent_to_that_runs_script_finished() -> None:
    import base64

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from tests.ws_frames import first_rerun

    def frame(direction: str, t: float, msg: BackMsg | ForwardMsg) -> dict[str, object]:
        raw = msg.SerializeToString()
        return {"dir": direction, "t": t, "len": len(raw), "b64": base64.b64encode(raw).decode()}

    rerun, status, done = BackMsg(), ForwardMsg(), ForwardMsg()
    rerun.rerun_script.query_string = "order=1003"
    status.session_status_changed.script_is_running = True
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    earlier = frame("in", 1.0, status)  # what came before the click is not the click's
    frames = [earlier, frame("out", 2.0, rerun), frame("in", 3.0, status), frame("in", 9.0, done),
              frame("in", 10.0, status)]
    assert first_rerun(frames[:3]) is None  # not finished yet
    sent, got = first_rerun(frames)  # type: ignore[misc]
    assert (sent["t"], [f["t"] for f in got]) == (2.0, [3.0, 9.0])


def test_the_load_test_percentiles() -> None:
    from bench.bench_load import _pct

    values = [float(v) for v in range(1, 101)]
    assert (_pct(values, 0.5), _pct(values, 0.95), _pct([3.0], 0.95)) == (50.0, 95.0, 3.0)


def test_the_browser_bench_floor_pages_run_and_hold_one_checkbox() -> None:
    from streamlit.testing.v1 import AppTest

    from bench.bench_browser import frame_page, reference_page

    lines = AppTest.from_string(reference_page(3)).run()
    assert not lines.exception and [c.label for c in lines.checkbox] == ["Done"] and len(lines.markdown) == 3
    frame = AppTest.from_string(frame_page()).run()
    assert not frame.exception and [c.label for c in frame.checkbox] == ["Done"]
    assert [w.value for w in frame.warning] and [c.value for c in frame.sidebar.caption] == ["Order #1003"]
