"""What the three HTTP clients (Shopify, AliExpress, CJ) share: one request, read retries, read-back.

One place decides which httpx failures mean "nothing was sent" (a connection never made) and
which leave a write ambiguous (a timeout or a dropped connection after sending), how a read is
retried, and how an ambiguous write is settled by reading the remote state back, never by
sending it again. What each API's envelope means stays in its own client.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import httpx

from actions.errors import ActionError, NotSent, RateLimited, ServerError, TransportError, redact
from kb.wording import errors as say

__all__ = [
    "READ_ATTEMPTS",
    "READ_BACKOFF",
    "REREAD_ATTEMPTS",
    "NotSent",
    "RequestCounter",
    "is_retryable",
    "json_object",
    "object_or_empty",
    "read_back",
    "reread",
    "retry_read",
    "safe_text",
    "send",
    "text_or_none",
]

_log = logging.getLogger(__name__)

READ_ATTEMPTS = 3
READ_BACKOFF = (0.5, 1.5)  # seconds before the 2nd and the 3rd attempt of a read
REREAD_ATTEMPTS = 3  # reads back after an ambiguous write, 1 s then 2 s apart
_REREAD_WAIT = 1.0

T = TypeVar("T")


class RequestCounter:
    """A thread-safe count of HTTP requests (supplier reads run concurrently)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def increment(self) -> None:
        with self._lock:
            self._value += 1

    @property
    def value(self) -> int:
        return self._value


def send(
    request: Callable[[], httpx.Response],
    *,
    system: str,
    title: str,
    secrets: Iterable[str | None],
    where: str = "",
) -> httpx.Response:
    """Run one httpx request; its failures become a TransportError (NotSent when nothing left).

    The answer comes back with every secret masked in its headers and its body, request ids
    included, before any client reads it: this is the one place remote text is redacted, so no
    caller can forget. `title` names the remote in messages ("CJ Dropshipping"); `where` may add
    detail to the "could not connect" sentence (the shop's domain). Exception texts are never
    quoted: they can hold a URL with a secret in it, so only the exception's class name is said.
    """
    try:
        response = request()
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise NotSent(say.not_a_url(title, type(exc).__name__), system=system) from None
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise NotSent(
            say.could_not_connect(where or title, type(exc).__name__),
            system=system,
            timeout=isinstance(exc, httpx.ConnectTimeout),
        ) from None
    except httpx.TimeoutException:
        raise TransportError(say.no_answer_in_time(title), system=system, timeout=True) from None
    except httpx.HTTPError as exc:
        raise TransportError(say.connection_failed(title, type(exc).__name__), system=system) from None
    return _redacted(response, tuple(s for s in secrets if s))


def _redacted(response: httpx.Response, secrets: tuple[str, ...]) -> httpx.Response:
    """The same answer with secrets masked in its headers and body (the answer itself when none shows).

    The body is masked as bytes, so its encoding and JSON stay as they were ("[redacted]" needs no
    escaping). A rebuilt answer drops Content-Encoding and Content-Length: its body is already decoded.
    """
    text = response.content.decode("latin-1")  # one character per byte, so the mask maps back to bytes
    clean = redact(text, [s.encode("utf-8").decode("latin-1") for s in secrets])
    headers = [(name, value) for name, value in response.headers.multi_items()]
    clean_headers = [(name, redact(value, secrets)) for name, value in headers]
    if clean == text and clean_headers == headers:
        return response
    kept = [(n, v) for n, v in clean_headers if n.lower() not in ("content-encoding", "content-length")]
    return httpx.Response(
        response.status_code, headers=kept, content=clean.encode("latin-1"), request=response.request,
        extensions=response.extensions,
    )


def json_object(response: httpx.Response, *, parse_float: Callable[[str], Any] | None = None) -> dict[str, Any] | None:
    """The response body when it is a JSON object; None for anything else (HTML, truncated, a list)."""
    try:
        payload = response.json(parse_float=parse_float)
    except (ValueError, UnicodeDecodeError):  # json.JSONDecodeError is a ValueError
        return None
    return payload if isinstance(payload, dict) else None


def is_retryable(error: ActionError) -> bool:
    """A read may be sent again after a timeout, a lost connection, a 5xx, a busy service or a rate limit."""
    return isinstance(error, TransportError | ServerError | RateLimited)


def retry_read(
    attempt: Callable[[], T],
    *,
    sleep: Callable[[float], None],
    what: str,
    retryable: Callable[[ActionError], bool] = is_retryable,
    jitter: Callable[[], float] = lambda: 0.0,
    attempts: int = READ_ATTEMPTS,
    backoff: Sequence[float] = READ_BACKOFF,
) -> T:
    """Run a read up to `attempts` times while it fails in a retryable way; reads only, never writes.

    Each wait is the backoff step stretched by up to half again by `jitter()` (0..1), so clients
    that failed together do not come back together; a rate limit's Retry-After (up to 10 s) wins.
    """
    for number in range(1, attempts + 1):
        try:
            return attempt()
        except ActionError as exc:
            if number >= attempts or not retryable(exc):
                raise
            wait = backoff[min(number - 1, len(backoff) - 1)] * (1.0 + 0.5 * jitter())
            if isinstance(exc, RateLimited) and exc.retry_after:
                wait = max(wait, min(exc.retry_after, 10.0))
            _log.info("%s failed (%s), attempt %d of %d; retrying in %.1fs", what, type(exc).__name__,
                      number, attempts, wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def reread(
    read: Callable[[], T], settled: Callable[[T], bool], *, sleep: Callable[[float], None]
) -> tuple[str, T | None]:
    """Read back after an ambiguous write, a few times with short waits; say what was seen.

    Returns ("", value) as soon as `settled(value)`; otherwise a sentence on what the last
    read-back showed, and its value (None when no read-back succeeded).
    """
    seen = say.READ_BACK_FAILED_EITHER
    value: T | None = None
    for attempt in range(REREAD_ATTEMPTS):
        if attempt:
            sleep(_REREAD_WAIT * attempt)
        try:
            value = read()
        except ActionError as exc:
            seen = say.read_back_failed(exc.message)
            continue
        if settled(value):
            return "", value
        seen = say.NO_CHANGE_YET
    return seen, value


def read_back(read: Callable[[], T], *, sleep: Callable[[float], None]) -> T:
    """Read the remote state after a write that went through, a few times; the last failure is raised.

    The caller turns that failure into an unknown outcome: the write has left, so it is never an error.
    """
    last: ActionError | None = None
    for attempt in range(REREAD_ATTEMPTS):
        if attempt:
            sleep(_REREAD_WAIT * attempt)
        try:
            return read()
        except ActionError as exc:
            last = exc
    assert last is not None
    raise last


def safe_text(text: object, secrets: Iterable[str | None], *, limit: int = 300) -> str:
    """Remote text for a message: secrets masked first, then cut to a readable length."""
    return redact(str(text), secrets, limit=limit)


def object_or_empty(value: object) -> dict[str, Any]:
    """A nested JSON object of an answer, or an empty one for anything else (missing, null, a list)."""
    return value if isinstance(value, dict) else {}


def text_or_none(value: object) -> str | None:
    """A scalar field of a JSON answer as stripped text; None for missing, empty, objects and lists."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None
