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
