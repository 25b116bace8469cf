"""Bad settings and bad arguments get one sentence and an exit status from the CLI, never a traceback.

Each case once crashed or misbehaved: a base URL that urlsplit cannot parse, an API base URL with a tab
(accepted, then refused by httpx at the first request), a `sandbox.json` that is a folder, a `data_dir`
that is a list in secrets.toml (which became a folder named "['a']"), and a staff note that is not
valid text (reported as too long).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.cli import EXIT_ERROR, EXIT_REFUSED, main
from actions.errors import ConfigError
from actions.settings import load_settings
from tests.evidence.conftest import TRACEBACK

SHOP = "cancel-assist-demo.myshopify.com"
TOKEN = "shpat_one_sentence_0123456789abcdef"


def _one_sentence(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("cancel-assist: ") and err.count("\n") == 1, err
    assert not TRACEBACK.search(err), err
    for word in words:
        assert word in err, err
    return err


BAD_BASE_URLS = ["http://[x", "http://[::1", "http://localhost:notaport", "http://local host:8501",
                 "http://localhost\t:8501", "ftp://localhost", "http://"]


@pytest.mark.parametrize("base", BAD_BASE_URLS)
def test_a_bad_link_base_url_is_one_sentence_from_the_flag_or_the_environment(
    base: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}
    assert main(["link", "1001", "--base-url", base], env=env) == EXIT_REFUSED
    _one_sentence(capsys, "base URL")
    assert main(["link", "1001"], env={**env, "CANCEL_ASSIST_BASE_URL": base}) == EXIT_REFUSED
    _one_sentence(capsys, "base URL")


@pytest.mark.parametrize("base", ["https://api.example\t.com", "https://api.example.com/x y", "https://api.exa\x00mple.com",
                                  "https://[x", "https://api.example.com:99999", "https://api.example.com:port"])
@pytest.mark.parametrize("section", ["shopify", "aliexpress", "cjdropshipping"])
def test_an_api_base_url_that_httpx_would_refuse_is_refused_by_the_settings(base: str, section: str) -> None:
    values = {
        "shopify": {"shop": SHOP, "access_token": TOKEN},
        "aliexpress": {"app_key": "k", "app_secret": TOKEN, "access_token": "session-token"},
        "cjdropshipping": {"api_key": TOKEN},
    }[section]
    with pytest.raises(ConfigError, match="base URL") as caught:
        load_settings({section: {**values, "api_base_url": base}}, {})
    assert TOKEN not in str(caught.value)


def test_an_api_base_url_with_a_tab_in_the_environment_is_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env = {"CANCEL_ASSIST_DATA_DIR": str(tmp_path), "SHOPIFY_SHOP": SHOP, "SHOPIFY_ACCESS_TOKEN": TOKEN,
           "SHOPIFY_API_BASE_URL": "http://127.0.0.1\t:1"}
    assert main(["status", "1001"], env=env) == EXIT_ERROR
    assert TOKEN not in _one_sentence(capsys, "base URL")


@pytest.mark.parametrize("command", [["status", "1001"], ["cancel", "1011", "--reason", "customer", "--refund", "now",
                                                         "--yes"]])
def test_a_sandbox_file_that_is_a_folder_is_one_sentence(
    command: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "sandbox.json").mkdir()
    assert main(command, env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}) == EXIT_ERROR
    _one_sentence(capsys, "sandbox.json", "folder")


@pytest.mark.parametrize("toml", ['data_dir = ["a"]', "data_dir = 5", "data_dir = {x = 1}", 'sandbox = ["yes"]',
                                  "sandbox_faults = 3"])
def test_a_setting_of_the_wrong_type_in_secrets_toml_is_one_sentence_and_creates_nothing(
    toml: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f"[cancel_assist]\n{toml}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["status", "1001"], env={}) == EXIT_ERROR
    _one_sentence(capsys, "[cancel_assist]", toml.split(" = ")[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".streamlit"], "no folder made from a list or a number"


def test_a_staff_note_that_is_not_valid_text_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    note = "refund \udcff\udcfe"  # bytes that were not UTF-8, as Python hands them over from argv
    code = main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--staff-note", note, "--yes"],
                env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path)})
    assert code == EXIT_REFUSED
    err = _one_sentence(capsys, "staff note", "not valid text")
    assert "255" not in err
    assert main(["cancel", "1011", "--reason", "customer", "--refund", "now", "--staff-note", "x" * 256, "--yes"],
                env={"CANCEL_ASSIST_DATA_DIR": str(tmp_path)}) == EXIT_REFUSED
    _one_sentence(capsys, "at most 255 characters")
