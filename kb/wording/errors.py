"""How a failure is told to a merchant (`actions.errors`, and `actions.wire` for every remote)."""

from __future__ import annotations

__all__ = [
    "NO_CHANGE_YET",
    "READ_BACK_FAILED_EITHER",
    "connection_failed",
    "could_not_connect",
    "no_answer_in_time",
    "not_a_url",
    "read_back_failed",
    "with_request_id",
]


def with_request_id(message: str, request_id: str | None) -> str:
    """A failure's message, with the remote's request id when there is one (for support)."""
    return f"{message} (request id {request_id})" if request_id else message


# --- the wire (`actions.wire`): one request to a remote, and reading back after a write ----------------

READ_BACK_FAILED_EITHER = "We could not read the order back either."
NO_CHANGE_YET = "Reading it back shows no change yet."


def not_a_url(title: str, problem: str) -> str:
    return f"The address of {title} is not a valid URL ({problem}): check its base URL setting. Nothing was sent."


def could_not_connect(where: str, problem: str) -> str:
    return f"Could not connect to {where}: {problem}. Check the network and try again; nothing was sent."


def no_answer_in_time(title: str) -> str:
    return f"{title} did not answer in time."


def connection_failed(title: str, problem: str) -> str:
    return f"The connection to {title} failed ({problem})."


def read_back_failed(said: str) -> str:
    return f"Reading it back failed too ({said.rstrip('.')})."
