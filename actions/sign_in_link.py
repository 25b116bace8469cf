"""A ticket's link (`?order=…&ticket=…`) kept through the sign-in round trip.

Streamlit's sign-in (`st.login`) leaves the app for the OpenID Connect provider, and the provider's
answer (`/oauth2callback`) is sent on to the app's home page without any query string, so an agent
who opened a ticket's link and had to sign in first would land on an empty walkthrough.
`KeepLinkThroughSignIn` is ASGI middleware on the app's server (an `st.App`): when the browser starts
the sign-in (`/auth/login`, its Referer being the app page it left) it notes that page's `order` and
`ticket` in a short-lived HttpOnly cookie; when the provider sends the browser back, it adds them to
Streamlit's redirect home and drops the cookie.

Only `order` and `ticket` are carried, read again from the cookie as from any deep link (the page
validates them like every link), and the redirect's target stays Streamlit's own: never an open redirect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

__all__ = ["COOKIE", "KeepLinkThroughSignIn", "link_query"]

COOKIE = "cancel_assist_link"
_KEYS = ("order", "ticket")
_MAX_VALUE = 200  # a longer order reference or ticket is not a link anyone typed; the page refuses it anyway
_MAX_AGE_S = 900  # a sign-in takes minutes at most
_LOGIN = "/auth/login"
_CALLBACK = "/oauth2callback"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def link_query(url: str | None, hosts: tuple[str | None, ...] = ()) -> str | None:
    """The `order=…&ticket=…` of an app page's URL (None when it has neither, or is another site's page).

    With `hosts`, the URL must be on one of them (the request's Host or X-Forwarded-Host); without,
    `url` may be a bare `order=…&ticket=…` string, as the cookie holds it.
    """
    if not url:
        return None
    parts = urlsplit(url if hosts else f"?{url.lstrip('?')}")
    if hosts and parts.netloc.lower() not in {h.strip().lower() for h in hosts if h}:
        return None
    try:
        params = parse_qs(parts.query, max_num_fields=20)
    except ValueError:
        return None
    kept = [(key, params[key][-1][:_MAX_VALUE]) for key in _KEYS if params.get(key) and params[key][-1].strip()]
    return urlencode(kept) if kept else None


def _header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or ())
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope) -> str | None:
    for part in (_header(scope, b"cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == COOKIE:
            return unquote(value)
    return None


def _set_cookie(scope: Scope, query: str | None) -> tuple[bytes, bytes]:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    if query is None:
        return b"set-cookie", f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax{secure}".encode()
    value = quote(query, safe="")
    return b"set-cookie", f"{COOKIE}={value}; Max-Age={_MAX_AGE_S}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()


class KeepLinkThroughSignIn:
    """ASGI middleware: note the link when sign-in starts, put it back on the redirect home when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path") or "")
        if scope.get("type") != "http" or not path.endswith((_LOGIN, _CALLBACK)):
            await self.app(scope, receive, send)
            return
        if path.endswith(_LOGIN):
            hosts = (_header(scope, b"host"), _header(scope, b"x-forwarded-host"))
            cookie = _set_cookie(scope, link_query(_header(scope, b"referer"), hosts))

            async def noting(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []), cookie]
                await send(message)

            await self.app(scope, receive, noting)
            return
        query = link_query(_cookie(scope))
        if query is None:
            await self.app(scope, receive, send)
            return

        async def restoring(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") in _REDIRECTS:
                headers = []
                for key, value in message.get("headers", []):
                    home = value.startswith(b"/") and not value.startswith(b"//")  # a path on this server
                    if key.lower() == b"location" and home and b"?" not in value and value.endswith(b"/"):
                        value = value + b"?" + query.encode("ascii")
                    headers.append((key, value))
                message["headers"] = [*headers, _set_cookie(scope, None)]
            await send(message)

        await self.app(scope, receive, restoring)
