"""A live shop without sign-in is never served to the network: `streamlit run` itself refuses to start.

However the server is started (`make run`, or `streamlit run streamlit_app.py` by hand), a live shop
without an `[auth]` section on any address but localhost exits with status 2 and one sentence on how
to set sign-in up, and never answers a request; on localhost, or with `[auth]`, it starts.
"""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

import pytest

from actions.access import NOT_LOCAL
from tests.app_server import ROOT, SERVER_START_TIMEOUT, clean_env, free_port, serve, streamlit_command

_LIVE = {"SHOPIFY_SHOP": "example.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_not_a_real_token"}
_AUTH = (
    "[auth]\n"
    'redirect_uri = "https://cancel.example.com/oauth2callback"\n'
    'cookie_secret = "a-long-random-cookie-secret-for-the-start-test"\n'
    'client_id = "cancel-assist"\n'
    'client_secret = "client-secret-for-the-start-test"\n'
    'server_metadata_url = "https://login.example.com/.well-known/openid-configuration"\n'
)


def _start(tmp_path: Path, address: str | None, secrets: str = "") -> subprocess.CompletedProcess[str]:
    """`streamlit run streamlit_app.py` as a person would type it, waited on until it exits."""
    (tmp_path / "secrets.toml").write_text(secrets, encoding="utf-8")
    port = free_port()
    command = streamlit_command("streamlit_app.py", port, address=address,
                                flags=["--secrets.files", str(tmp_path / "secrets.toml")])
    env = clean_env({**_LIVE, "CANCEL_ASSIST_DATA_DIR": str(tmp_path / "data")})
    proc = subprocess.Popen(command, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=SERVER_START_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=30)
        pytest.fail(f"the server started and served on {address!r} (killed after waiting):\n{out[-2000:]}{err[-2000:]}")
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


@pytest.mark.parametrize("address", ["0.0.0.0", None], ids=["all-interfaces", "unset"])
def test_a_live_shop_without_sign_in_on_another_address_does_not_start(tmp_path: Path, address: str | None) -> None:
    done = _start(tmp_path, address)
    assert done.returncode == 2, (done.stdout[-2000:], done.stderr[-2000:])
    assert f"cancel-assist: {NOT_LOCAL}" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_live_shop_without_sign_in_starts_on_localhost(tmp_path: Path) -> None:
    (tmp_path / "secrets.toml").write_text("", encoding="utf-8")
    env = clean_env({**_LIVE, "CANCEL_ASSIST_DATA_DIR": str(tmp_path / "data")})
    with serve(tmp_path, env, flags=["--secrets.files", str(tmp_path / "secrets.toml")]) as served:
        with urllib.request.urlopen(f"{served.base}/_stcore/health", timeout=30) as response:
            assert response.read() == b"ok"
