"""The app's server sends small messages at once: Nagle's algorithm is off on the sockets it accepts.

Streamlit's server listens on a socket made as `socket.socket(family)` (protocol 0); asyncio leaves
Nagle on for the connections such a socket accepts. These tests serve exactly that kind of socket.
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.nodelay import turn_off_nagle
from tests.app_server import ROOT, sandbox_env


@pytest.fixture()
def asyncio_rule() -> Iterator[None]:
    """Put asyncio's own rule back after each test."""
    original = getattr(asyncio.base_events, "_set_nodelay")
    yield
    setattr(asyncio.base_events, "_set_nodelay", original)


def _accepted_nodelay() -> int:
    """TCP_NODELAY of a connection accepted on a protocol-0 listening socket, as Streamlit's server binds it."""
    async def serve() -> int:
        listener = socket.socket(socket.AF_INET)  # protocol 0, like streamlit's starlette server
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            result = await asyncio.wait_for(seen, 30)
            writer.close()
            return result

    return asyncio.run(serve())


def test_asyncio_alone_leaves_nagle_on_for_a_protocol_0_listener(asyncio_rule: None) -> None:
    """The cause (if a Python release changes it, `actions.nodelay` is no longer needed)."""
    assert _accepted_nodelay() == 0


def test_after_turn_off_nagle_every_accepted_connection_sends_at_once(asyncio_rule: None) -> None:
    turn_off_nagle()
    turn_off_nagle()  # twice is the same as once
    assert _accepted_nodelay() == 1


def test_the_server_side_import_of_the_app_turns_it_off_before_serving(tmp_path: Path) -> None:
    """`streamlit run` imports streamlit_app.py outside any session to get its server: that import does it."""
    probe = ("import asyncio.base_events, streamlit_app, actions.nodelay as n; "
             "print(asyncio.base_events._set_nodelay is n._set_nodelay)")
    env = sandbox_env(tmp_path / "data")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True"
