"""How a failure is told to a merchant (`actions.errors` and the clients that raise them)."""

from __future__ import annotations

__all__ = ["with_request_id"]


def with_request_id(message: str, request_id: str | None) -> str:
    """A failure's message, with the remote's request id when there is one (for support)."""
    return f"{message} (request id {request_id})" if request_id else message
